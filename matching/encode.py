"""Documents → token counts: coercion of input documents and (parallel) corpus encoding.

Workers return each chunk with a chunk-local vocabulary (a list of strings plus int32 arrays),
so little crosses the process boundary and no per-token Python object outlives its chunk.
"""
from __future__ import annotations

import multiprocessing as mp
from collections import Counter, deque
from collections.abc import Iterable, Iterator

import numpy as np
import scipy.sparse as sp

from . import text as textmod
from .glossary import expansion_tokens
from .postings import TF_DTYPE, TF_MAX

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


def word_tokens(text: str) -> list[str]:
    """Word-channel tokens: the text's own tokens plus glossary translations."""
    tokens = textmod.tokenize(text)
    return tokens + expansion_tokens(tokens)


def analyze(text: str) -> tuple[list[str], list[str]]:
    """Word tokens and character bigrams of one analysis text."""
    return word_tokens(text), textmod.char_bigrams(text)


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
        out.append((list(local), np.asarray(ids, np.int32), np.minimum(np.asarray(tfs, np.int64), TF_MAX).astype(TF_DTYPE),
                    np.asarray(lens, np.int64)))
    return tuple(out)


class PostingsBuilder:
    """Accumulates encoded chunks and lays them out as a term-major (CSC) matrix without a full copy."""

    def __init__(self):
        self.vocab: dict[str, int] = {}
        self.chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def append(self, local_vocab: list[str], ids: np.ndarray, tfs: np.ndarray, lens: np.ndarray) -> None:
        """Add one chunk, remapping its local ids to global ones."""
        v = self.vocab
        remap = np.fromiter((v.setdefault(t, len(v)) for t in local_vocab), np.int32, len(local_vocab))
        self.chunks.append((remap[ids] if len(ids) else ids, tfs, lens))

    def finish(self, max_df: float = 1.0, min_pruned_df: int = 50) -> dict:
        """CSC postings (docs × terms), df, dl, pruned mask and vocab; chunk buffers are freed as it goes."""
        V = len(self.vocab)
        n_docs = int(sum(len(c[2]) for c in self.chunks))
        df = np.zeros(V, np.int64)
        for ids, _, _ in self.chunks:
            df += np.bincount(ids, minlength=V)
        # near-universal terms cost time, not rank: their postings are dropped (big corpora only)
        pruned = df > max(max_df * n_docs, min_pruned_df)
        kept = np.where(pruned, 0, df)
        indptr = np.zeros(V + 1, np.int64)
        np.cumsum(kept, out=indptr[1:])
        indices = np.empty(int(indptr[-1]), np.int32)
        data = np.empty(int(indptr[-1]), TF_DTYPE)
        dl = np.zeros(n_docs, np.float32)
        free, first = indptr[:-1].copy(), 0
        while self.chunks:
            ids, tfs, lens = self.chunks.pop(0)
            local = np.repeat(np.arange(len(lens), dtype=np.int32), lens)
            dl[first:first + len(lens)] = np.bincount(local, weights=tfs, minlength=len(lens))
            keep = ~pruned[ids]
            ids, docs, tfs = ids[keep], local[keep] + first, tfs[keep]
            order = np.argsort(ids, kind="stable")
            ids, docs, tfs = ids[order], docs[order], tfs[order]
            counts = np.bincount(ids, minlength=V)
            starts = np.cumsum(counts) - counts
            pos = free[ids] + (np.arange(len(ids)) - starts[ids])
            indices[pos], data[pos] = docs, tfs
            free += counts
            first += len(lens)
        main = sp.csc_matrix((data, indices, indptr), shape=(n_docs, V))
        return {"main": main, "df": df.astype(np.int32), "dl": dl, "pruned": pruned, "vocab": self.vocab}


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
        pending: deque = deque()  # bounded, so the input is not read (and held) far ahead
        for chunk in chunks:
            pending.append(pool.apply_async(encode_chunk, (chunk,)))
            if len(pending) > 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
