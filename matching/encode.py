"""Documents → token counts: coercion of input documents and (parallel) corpus encoding.

Workers return each chunk with a chunk-local vocabulary (a list of strings plus int32 arrays),
so little crosses the process boundary and no per-token Python object outlives its chunk.
"""
from __future__ import annotations

import multiprocessing as mp
from collections import Counter
from collections.abc import Iterable, Iterator

import numpy as np

from . import text as textmod

META_FIELDS = ("kind", "field", "status", "trl", "trl_target", "budget_min", "budget_max", "asking_price")


def as_document(obj, require_id: bool = True) -> dict:
    """Coerce a mapping or object into the matcher's document dict (id, title, text, keywords, meta)."""
    get = obj.get if isinstance(obj, dict) else (lambda k, d=None: getattr(obj, k, d))
    text = get("text") or get("description") or get("abstract") or ""
    kw = get("keywords") or []
    if isinstance(kw, str):
        kw = [k for k in kw.replace("，", ",").replace("、", ",").split(",")]
    doc = {"id": get("id", get("key")), "title": get("title") or "", "text": text,
           "keywords": [str(k).strip() for k in kw if str(k).strip()]}
    for f in META_FIELDS:
        v = get(f)
        if v is not None:
            doc[f] = getattr(v, "value", v)  # enums from the web app
    if doc["id"] is None and require_id:
        raise ValueError("document has no id")
    return doc


def analysis_text(doc: dict) -> str:
    """The string a document is indexed by: title, keywords and text."""
    return "\n".join(x for x in (doc.get("title", ""), " ".join(doc.get("keywords", ())), doc.get("text", "")) if x)


def analyze(text: str) -> tuple[list[str], list[str]]:
    """Word tokens and character bigrams of one analysis text."""
    return textmod.tokenize(text), textmod.char_bigrams(text)


def _encode_one(tokens: list[str], local: dict[str, int], ids: list[int], tfs: list[int]) -> int:
    """Append a document's unique local term ids and counts; return how many were added."""
    c = Counter(tokens)
    for t, n in c.items():
        ids.append(local.setdefault(t, len(local)))
        tfs.append(n)
    return len(c)


def encode_chunk(texts: list[str]) -> tuple:
    """Encode a chunk of analysis texts into chunk-local (vocab, ids, tfs, lengths) for both channels."""
    out = []
    analyzed = [analyze(t) for t in texts]
    for ch in (0, 1):
        local: dict[str, int] = {}
        ids: list[int] = []
        tfs: list[int] = []
        lens = [_encode_one(a[ch], local, ids, tfs) for a in analyzed]
        out.append((list(local), np.asarray(ids, np.int32), np.minimum(np.asarray(tfs, np.int64), 65535).astype(np.uint16),
                    np.asarray(lens, np.int64)))
    return tuple(out)


class CsrBuilder:
    """Accumulates encoded chunks into one doc-major CSR over a global vocabulary."""

    def __init__(self):
        self.vocab: dict[str, int] = {}
        self.ind: list[np.ndarray] = []
        self.dat: list[np.ndarray] = []
        self.lens: list[np.ndarray] = []

    def append(self, local_vocab: list[str], ids: np.ndarray, tfs: np.ndarray, lens: np.ndarray) -> None:
        """Add one chunk, remapping its local ids to global ones."""
        v = self.vocab
        remap = np.fromiter((v.setdefault(t, len(v)) for t in local_vocab), np.int32, len(local_vocab))
        self.ind.append(remap[ids] if len(ids) else ids)
        self.dat.append(tfs)
        self.lens.append(lens)

    def finish(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
        """(indptr, indices, data, vocab); the chunk buffers are released."""
        lens = np.concatenate(self.lens) if self.lens else np.zeros(0, np.int64)
        indptr = np.zeros(len(lens) + 1, np.int64)
        np.cumsum(lens, out=indptr[1:])
        ind = np.concatenate(self.ind) if self.ind else np.zeros(0, np.int32)
        self.ind = []
        dat = np.concatenate(self.dat) if self.dat else np.zeros(0, np.uint16)
        self.dat, self.lens = [], []
        return indptr, ind, dat, self.vocab


def _init_worker() -> None:
    """Load the segmenter once per worker (inherited already loaded under fork)."""
    textmod.get_segmenter()


def encode_corpus(chunks: Iterable[list[str]], workers: int = 1) -> Iterator[tuple]:
    """Encode chunks of analysis texts in order, in ``workers`` processes when more than one."""
    if workers <= 1:
        for c in chunks:
            yield encode_chunk(c)
        return
    textmod.get_segmenter()  # load before fork so children share the dictionary pages
    ctx = mp.get_context("fork")
    with ctx.Pool(workers, initializer=_init_worker) as pool:
        yield from pool.imap(encode_chunk, chunks, chunksize=1)
