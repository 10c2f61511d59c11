"""Text pipeline: normalization, jieba word tokens, character bigrams, spans for highlighting.

Latin words and model numbers (``GaN``, ``5G``, ``PM2.5``) are cut by a regular expression and
kept whole; only runs of Han characters go to jieba.  Each Han run is segmented on its own, so
caching a run's tokens gives exactly the tokens jieba would give (jieba itself splits its input
at every non-Han character before segmenting).
"""
from __future__ import annotations

import logging
import re
import tempfile
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DOMAIN_DICT = DATA_DIR / "domain_dict.txt"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(rf"([{HAN}]+)|([a-z0-9]+(?:[.\-+#][a-z0-9]+)*[+#]*)")
HAN_RUN_RE = re.compile(rf"[{HAN}]+")

_settings = {"cache_dir": None, "run_cache_size": 500_000}
_lock = threading.Lock()
_segmenter = None


def configure(cache_dir: str | Path | None = None, run_cache_size: int | None = None) -> None:
    """Set where jieba keeps its dictionary cache and how many Han runs to memoize."""
    global _segmenter
    with _lock:
        if cache_dir is not None:
            _settings["cache_dir"] = str(cache_dir)
        if run_cache_size is not None:
            _settings["run_cache_size"] = int(run_cache_size)
        _segmenter = None


class Segmenter:
    """One private jieba.Tokenizer with the domain dictionary, plus a memo of Han runs."""

    def __init__(self, cache_dir: str | None = None, run_cache_size: int = 500_000):
        import jieba

        logging.getLogger("jieba").setLevel(logging.WARNING)
        cache = Path(cache_dir or Path(tempfile.gettempdir()) / "innobridge-jieba")
        cache.mkdir(parents=True, exist_ok=True)
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.tmp_dir = str(cache)
        self.tokenizer.initialize()
        for word, freq in load_domain_dictionary():
            self.tokenizer.add_word(word, freq)
        self.run_cache_size = run_cache_size
        self._runs: dict[str, list[str]] = {}

    def cut_run(self, run: str) -> list[str]:
        """Segment one run of Han characters with jieba (precise mode, HMM on), memoized."""
        tokens = self._runs.get(run)
        if tokens is None:
            tokens = self.tokenizer.lcut(run, HMM=True)
            if len(self._runs) >= self.run_cache_size:
                self._runs.clear()
            self._runs[run] = tokens
        return tokens


def get_segmenter() -> Segmenter:
    """The process-wide segmenter, built on first use (dictionary loaded once)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                _segmenter = Segmenter(_settings["cache_dir"], _settings["run_cache_size"])
    return _segmenter


def load_domain_dictionary(path: Path = DOMAIN_DICT) -> list[tuple[str, int]]:
    """Read the shipped domain dictionary as (word, frequency) pairs."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            out.append((normalize(parts[0]), int(parts[1]) if len(parts) > 1 else 3000))
    return out


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The shipped stop-word list (normalized)."""
    words = set()
    for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(normalize(w) for w in line.split())
    return frozenset(words)


def normalize(text: str) -> str:
    """NFKC (full-width to half-width) and lower-case; same length as the input when possible."""
    return _normalize_with_map(text or "")[0]


def _normalize_with_map(text: str) -> tuple[str, list[int] | None]:
    """Normalized text and, when lengths differ, a map from normalized to original offsets."""
    norm = unicodedata.normalize("NFKC", text).lower()
    if len(norm) == len(text):
        return norm, None
    parts, where = [], []
    for i, ch in enumerate(text):
        piece = unicodedata.normalize("NFKC", ch).lower()
        parts.append(piece)
        where.extend([i] * len(piece))
    where.append(len(text))
    return "".join(parts), where


def s_stem(word: str) -> str:
    """Harman's S-stemmer for English plurals (devices → device, batteries → battery)."""
    if len(word) < 4 or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


def tokenize_spans(text: str, keep_stopwords: bool = False) -> list[tuple[str, int, int]]:
    """Word tokens with (start, end) offsets into the original, un-normalized text."""
    norm, where = _normalize_with_map(text or "")
    seg = get_segmenter()
    stop = stopwords()
    out = []
    for m in TOKEN_RE.finditer(norm):
        if m.group(1):
            pos = m.start()
            for tok in seg.cut_run(m.group(1)):
                if keep_stopwords or tok not in stop:
                    out.append((tok, pos, pos + len(tok)))
                pos += len(tok)
        elif keep_stopwords or m.group(2) not in stop:
            out.append((s_stem(m.group(2)), m.start(), m.end()))
    if where is not None:
        out = [(t, where[s], where[e - 1] + 1) for t, s, e in out]
    return out


def tokenize(text: str) -> list[str]:
    """Word tokens of a text: normalized, jieba-segmented Chinese, whole Latin words, no stop words."""
    norm = normalize(text)
    seg = get_segmenter()
    stop = stopwords()
    out = []
    for m in TOKEN_RE.finditer(norm):
        han = m.group(1)
        if han:
            out.extend(t for t in seg.cut_run(han) if t not in stop)
        elif m.group(2) not in stop:
            out.append(s_stem(m.group(2)))
    return out


def char_bigrams(text: str) -> list[str]:
    """Overlapping Han character bigrams (and lone Han characters) of a text."""
    out = []
    for run in HAN_RUN_RE.findall(normalize(text)):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def segmented(text: str) -> str:
    """Tokens joined by spaces, the form rapidfuzz's token scorers need for Chinese."""
    return " ".join(tokenize(text))
