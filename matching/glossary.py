"""Cross-language expansion: an English phrase adds its Chinese terms' tokens and vice versa.

The glossary (``data/glossary.txt``) is applied to documents and queries alike, so an English
demand and a Chinese result share tokens for the technical terms the glossary knows.  Matching
works on tokens: every Chinese glossary term is in the domain dictionary (one jieba token), and
English phrases are matched as runs of (stemmed) tokens.
"""
from __future__ import annotations

from functools import lru_cache

from .text import DATA_DIR, tokenize

GLOSSARY_FILE = DATA_DIR / "glossary.txt"


@lru_cache(maxsize=1)
def load_glossary() -> tuple[dict[tuple[str, ...], list[str]], dict[str, list[str]], int]:
    """(English phrase tokens → other-language tokens, Chinese token → English tokens, longest phrase)."""
    en_zh: dict[tuple[str, ...], list[str]] = {}
    zh_en: dict[str, list[str]] = {}
    for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines():
        if "=" not in line or line.startswith("#"):
            continue
        en, zh = line.split("=", 1)
        en_toks = tuple(tokenize(en))
        for z in (z.strip() for z in zh.split("|")):
            z_toks = tokenize(z)
            if en_toks and z_toks:
                en_zh.setdefault(en_toks, []).extend(t for t in z_toks if t not in en_toks)
                if len(z_toks) == 1 and not z_toks[0].isascii():
                    zh_en.setdefault(z_toks[0], []).extend(en_toks)
    longest = max((len(k) for k in en_zh), default=1)
    return en_zh, zh_en, longest


def expansion_tokens(tokens: list[str]) -> list[str]:
    """Tokens of the other language for every glossary term among ``tokens`` (once per term)."""
    en_zh, zh_en, longest = load_glossary()
    out: list[str] = []
    seen: set = set()
    for i, tok in enumerate(tokens):
        if tok.isascii():
            for n in range(1, longest + 1):
                key = tuple(tokens[i:i + n])
                if len(key) < n:
                    break
                if key in en_zh and key not in seen:
                    seen.add(key)
                    out.extend(en_zh[key])
        elif tok in zh_en and tok not in seen:
            seen.add(tok)
            out.extend(zh_en[tok])
    return out
