"""One BM25 channel: a term-major inverted index on scipy sparse arrays plus a small delta segment.

The main segment is a docs × terms CSC matrix of raw term frequencies (so each term's postings
are contiguous); documents added after ``fit`` live in a doc-major delta segment until the next
compaction.  Document frequencies, the alive count and the total length are kept exact on every
add/remove, and idf and length normalization are applied at query time, so an updated index
scores exactly like one refitted on the same documents.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import scipy.sparse as sp

TF_DTYPE = np.uint8  # term counts per document are capped at 255 to halve postings memory
TF_MAX = np.iinfo(TF_DTYPE).max
ESSENTIAL_MIN_DF = 1000  # below this document frequency a term is always scored over the whole index


class Grow:
    """A numpy array with amortized O(1) append and resize."""

    def __init__(self, dtype, fill=0):
        self.fill = fill
        self.buf = np.full(16, fill, dtype=dtype)
        self.size = 0

    def resize(self, size: int) -> None:
        """Grow (never shrink) to ``size`` elements, padding with the fill value."""
        if size > len(self.buf):
            new = np.full(max(size, 2 * len(self.buf)), self.fill, dtype=self.buf.dtype)
            new[: self.size] = self.buf[: self.size]
            self.buf = new
        self.size = max(self.size, size)

    @property
    def a(self) -> np.ndarray:
        """The live part of the array (a view)."""
        return self.buf[: self.size]

    @classmethod
    def wrap(cls, arr: np.ndarray, fill=0) -> Grow:
        """A Grow holding ``arr``."""
        g = cls(arr.dtype, fill)
        g.buf, g.size = arr.copy() if not arr.flags.writeable else arr, len(arr)
        return g


class Channel:
    """BM25 (Lucene idf) over one kind of token, with exact incremental statistics."""

    def __init__(self, k1: float = 1.2, b: float = 0.75, max_df: float = 1.0):
        self.k1, self.b, self.max_df = k1, b, max_df
        self.vocab: dict[str, int] = {}
        self.df = Grow(np.int32)
        self.pruned = Grow(np.bool_, False)
        self.dl = Grow(np.float32)
        self.main = sp.csc_matrix((0, 0), dtype=TF_DTYPE)
        self.delta: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._delta_csr = None
        self.n_alive = 0
        self.total_len = 0.0
        self._norm = None

    # -- building -------------------------------------------------------------------------
    def term_ids(self, terms, grow: bool) -> np.ndarray:
        """Ids of ``terms``; unknown terms get new ids when ``grow`` else are dropped."""
        if grow:
            v = self.vocab
            ids = [v.setdefault(t, len(v)) for t in terms]
            self.df.resize(len(v))
            self.pruned.resize(len(v))
            return np.asarray(ids, dtype=np.int32)
        return np.asarray([i for i in map(self.vocab.get, terms) if i is not None], dtype=np.int32)

    def fit_postings(self, main: sp.csc_matrix, df: np.ndarray, dl: np.ndarray, pruned: np.ndarray,
                     vocab: dict[str, int]) -> Channel:
        """Fit from term-major postings laid out by ``encode.PostingsBuilder``."""
        self.vocab, self.main = vocab, main
        self.df, self.dl, self.pruned = Grow.wrap(df), Grow.wrap(dl), Grow.wrap(pruned, False)
        self.n_alive, self.total_len = len(dl), float(dl.sum(dtype=np.float64))
        self.delta, self._delta_csr, self._norm = {}, None, None
        return self

    def add(self, idx: int, terms: list[str]) -> None:
        """Index document slot ``idx`` with its tokens (new terms extend the vocabulary)."""
        counts = Counter(terms)
        ids = self.term_ids(list(counts), grow=True)
        tf = np.minimum(np.fromiter(counts.values(), np.int64, len(counts)), TF_MAX).astype(TF_DTYPE)
        self.delta[idx] = (ids, tf)
        np.add.at(self.df.buf, ids, 1)
        self.dl.resize(idx + 1)
        self.dl.buf[idx] = len(terms)
        self.n_alive += 1
        self.total_len += len(terms)
        self._delta_csr, self._norm = None, None

    def remove(self, idx: int, terms: list[str]) -> None:
        """Forget slot ``idx`` (its tokens are needed to update document frequencies)."""
        if idx in self.delta:
            ids, _ = self.delta.pop(idx)
        else:
            ids = self.term_ids(list(dict.fromkeys(terms)), grow=False)
        np.subtract.at(self.df.buf, ids, 1)
        self.n_alive -= 1
        self.total_len -= float(self.dl.buf[idx])
        self._delta_csr, self._norm = None, None

    def compact(self, n_slots: int) -> None:
        """Merge the delta segment into the main one (dead slots keep empty rows)."""
        if not self.delta:
            return
        main = self.main.tocsr()
        main.resize((n_slots, len(self.vocab)))
        rows, X = self._delta_matrix()
        X = X.tocoo()
        main = main + sp.csr_matrix((X.data, (rows[X.row], X.col)), shape=main.shape)
        self.main = main.tocsc()
        self.main.sort_indices()
        self.delta, self._delta_csr = {}, None

    # -- scoring --------------------------------------------------------------------------
    def _delta_matrix(self) -> tuple[np.ndarray, sp.csr_matrix]:
        """The delta segment as (slots, doc-major CSR over those slots), cached until it changes."""
        if self._delta_csr is None:
            rows = np.asarray(sorted(self.delta), dtype=np.int64)
            indptr = np.zeros(len(rows) + 1, dtype=np.int64)
            np.cumsum([len(self.delta[r][0]) for r in rows.tolist()], out=indptr[1:])
            ind = np.concatenate([self.delta[r][0] for r in rows.tolist()])
            dat = np.concatenate([self.delta[r][1] for r in rows.tolist()])
            self._delta_csr = (rows, sp.csr_matrix((dat, ind, indptr), shape=(len(rows), len(self.vocab))))
        return self._delta_csr

    def norm(self) -> np.ndarray:
        """Per-slot BM25 length term k1·(1 − b + b·dl/avgdl), cached until the index changes."""
        if self._norm is None:
            avgdl = self.total_len / self.n_alive if self.n_alive else 1.0
            self._norm = (self.k1 * (1 - self.b) + (self.k1 * self.b / max(avgdl, 1e-9)) * self.dl.a).astype(np.float32)
        return self._norm

    def idf(self, ids: np.ndarray) -> np.ndarray:
        """Lucene BM25 idf of term ids under the current statistics."""
        df = self.df.buf[ids].astype(np.float64)
        return np.log1p((self.n_alive - df + 0.5) / (df + 0.5)).astype(np.float32)

    def query_terms(self, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Known, unpruned query term ids with their query weights (idf × query tf)."""
        counts = Counter(terms)
        ids, qtf = [], []
        for t, c in counts.items():
            i = self.vocab.get(t)
            if i is not None and self.df.buf[i] > 0 and not self.pruned.buf[i]:
                ids.append(i)
                qtf.append(c)
        ids = np.asarray(ids, dtype=np.int32)
        if not len(ids):
            return ids, np.zeros(0, np.float32)
        return ids, self.idf(ids) * (1.0 + np.log(np.asarray(qtf, dtype=np.float32)))

    def split_terms(self, ids: np.ndarray, w: np.ndarray, essential_df: float):
        """Split query terms into rare ones (scored over the whole index) and common ones (scored
        only on candidates); the rarest term is always essential."""
        if not len(ids):
            return ids, w, ids, w
        common = self.df.buf[ids] > max(essential_df * self.n_alive, ESSENTIAL_MIN_DF)
        if common.all():
            common[np.argmin(self.df.buf[ids])] = False
        return ids[~common], w[~common], ids[common], w[common]

    def score_ids(self, ids: np.ndarray, w: np.ndarray, n_slots: int, out: np.ndarray | None = None) -> np.ndarray:
        """Dense BM25 scores for term ids with explicit query weights (added into ``out`` if given)."""
        out = np.zeros(n_slots, dtype=np.float32) if out is None else out
        if not len(ids):
            return out
        norm, k1p1 = self.norm(), np.float32(self.k1 + 1)
        M = self.main
        n_main_terms = M.shape[1]
        for t, wt in zip(ids.tolist(), w.tolist()):
            if t >= n_main_terms:
                continue
            s, e = M.indptr[t], M.indptr[t + 1]
            if s == e:
                continue
            docs = M.indices[s:e]
            tf = M.data[s:e].astype(np.float32)
            out[docs] += (wt * k1p1) * tf / (tf + norm[docs])
        if self.delta:
            rows, X = self._delta_matrix()
            sub = X[:, ids].tocoo()
            tf = sub.data.astype(np.float32)
            slots = rows[sub.row]
            np.add.at(out, slots, w[sub.col] * k1p1 * tf / (tf + norm[slots]))
        return out

    def score_slots(self, ids: np.ndarray, w: np.ndarray, slots: np.ndarray) -> np.ndarray:
        """Exact BM25 scores of a few slots (binary search in each term's sorted postings)."""
        out = np.zeros(len(slots), dtype=np.float32)
        if not len(ids) or not len(slots):
            return out
        norm, k1p1 = self.norm()[slots], np.float32(self.k1 + 1)
        M = self.main
        for t, wt in zip(ids.tolist(), w.tolist()):
            if t >= M.shape[1] or M.indptr[t] == M.indptr[t + 1]:
                continue
            docs = M.indices[M.indptr[t]:M.indptr[t + 1]]
            pos = np.minimum(np.searchsorted(docs, slots), len(docs) - 1)
            hit = docs[pos] == slots
            tf = M.data[M.indptr[t]:M.indptr[t + 1]][pos[hit]].astype(np.float32)
            out[hit] += (wt * k1p1) * tf / (tf + norm[hit])
        if self.delta:
            want = dict(zip(ids.tolist(), w.tolist()))
            for j, slot in enumerate(slots.tolist()):
                if slot in self.delta:
                    for t, tf in zip(*(a.tolist() for a in self.delta[slot])):
                        if t in want:
                            out[j] += want[t] * k1p1 * tf / (tf + norm[j])
        return out

    def contributions(self, terms: list[str], slot: int, doc_terms: list[str]) -> dict[str, float]:
        """Per-term BM25 contribution of the query to one document (for explanations)."""
        ids, w = self.query_terms(terms)
        inv = {self.vocab[t]: t for t in set(terms) if t in self.vocab}
        dtf = Counter(doc_terms)
        norm = self.norm()[slot]
        out = {}
        for i, wt in zip(ids.tolist(), w.tolist()):
            tf = dtf.get(inv[i], 0)
            if tf:
                out[inv[i]] = float(wt * (self.k1 + 1) * tf / (tf + norm))
        return out
