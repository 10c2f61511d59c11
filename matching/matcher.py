"""The Matcher estimator: fit / add / update / remove / query over a blended, explainable score."""
from __future__ import annotations

import sys
from collections.abc import Iterable

import numpy as np

from . import encode, ranking, scoring
from .explain import build_explanation
from .postings import Channel, Grow
from .rwlock import reads, writes
from .ranking import Match, first_stage, id_key, rerank, score_slot
from .store import FILTER_FIELDS, DocStore

try:
    from tqdm import tqdm
except ImportError:  # pragma: no cover
    tqdm = None


class Matcher:
    """Demand↔result matcher (scikit-learn style: params in __init__, learned state ends in ``_``)."""

    def __init__(self, weights: dict | None = None, k1: float = 1.2, b: float = 0.75,
                 char_max_df: float = 0.2, rerank_depth: int = 30, fuzzy_threshold: float = 70.0,
                 essential_df: float = 0.01,
                 workers: int = 1, chunk_size: int = 2000, progress: bool = False):
        self.weights = weights
        self.k1, self.b, self.char_max_df = k1, b, char_max_df
        self.rerank_depth, self.fuzzy_threshold = rerank_depth, fuzzy_threshold
        self.essential_df = essential_df
        self.workers, self.chunk_size, self.progress = workers, chunk_size, progress

    # -- life-cycle -----------------------------------------------------------------------
    @property
    def effective_weights(self) -> dict:
        """Effective blend weights (defaults overridden by ``weights``)."""
        return {**scoring.DEFAULT_WEIGHTS, **(self.weights or {})}

    @writes
    def fit(self, docs: Iterable) -> Matcher:
        """Index a corpus (any iterable of documents, streamed in chunks); returns self."""
        self._touch()
        self.store_ = DocStore()
        self.slot_of_: dict = {}
        words, chars = encode.PostingsBuilder(), encode.PostingsBuilder()
        bar = tqdm(desc="indexing", unit="doc", file=sys.stderr, disable=not self.progress) if tqdm else None
        for wchunk, cchunk in encode.encode_corpus(self._chunks(docs), self.workers):
            words.append(*wchunk)
            cchunk_len = len(cchunk[3])
            chars.append(*cchunk)
            if bar is not None:
                bar.update(cchunk_len)
        if bar is not None:
            bar.close()
        self.word_ = Channel(self.k1, self.b).fit_postings(**words.finish())
        del words
        self.char_ = Channel(self.k1, self.b, self.char_max_df).fit_postings(**chars.finish(self.char_max_df))
        self.alive_ = Grow.wrap(np.ones(len(self.store_), dtype=np.bool_), False)
        return self

    def _chunks(self, docs: Iterable):
        """Coerce, store and yield analysis texts in chunks (runs in the feeding thread)."""
        chunk = []
        for raw in docs:
            doc = encode.as_document(raw)
            if doc["id"] in self.slot_of_:
                raise ValueError(f"duplicate document id {doc['id']!r}")
            self.slot_of_[doc["id"]] = self.store_.append(doc)
            chunk.append(encode.analysis_text(doc))
            if len(chunk) >= self.chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    @property
    def _version(self) -> int:
        """Mutation counter (for caches keyed on the index state)."""
        return self.__dict__.get("_mutations", 0)

    def _touch(self) -> None:
        """Record a mutation."""
        self.__dict__["_mutations"] = self._version + 1

    @writes
    def add(self, doc) -> Matcher:
        """Make one new document matchable at once (no refit)."""
        self._touch()
        doc = encode.as_document(doc)
        if doc["id"] in self.slot_of_:
            raise ValueError(f"document {doc['id']!r} already indexed; use update()")
        slot = self.store_.append(doc)
        self.slot_of_[doc["id"]] = slot
        words, chars = encode.analyze(encode.analysis_text(doc))
        self.word_.add(slot, words)
        self.char_.add(slot, chars)
        self.alive_.resize(slot + 1)
        self.alive_.buf[slot] = True
        if len(self.word_.delta) > max(2000, len(self.store_) // 20):
            self.compact()
        return self

    @writes
    def remove(self, doc_id) -> Matcher:
        """Drop one document from the index."""
        slot = self.slot_of_.pop(doc_id)
        self._touch()
        words, chars = encode.analyze(encode.analysis_text(self.store_.get(slot)))
        self.word_.remove(slot, words)
        self.char_.remove(slot, chars)
        self.alive_.buf[slot] = False
        self.store_.drop(slot)
        return self

    @writes
    def update(self, doc) -> Matcher:
        """Replace a document (or add it when unknown)."""
        doc = encode.as_document(doc)
        if doc["id"] in self.slot_of_:
            self.remove(doc["id"])
        return self.add(doc)

    @writes
    def compact(self) -> Matcher:
        """Fold recently added documents into the main index segment."""
        n = len(self.store_)
        self.word_.compact(n)
        self.char_.compact(n)
        return self

    @reads
    def __len__(self) -> int:
        return len(self.slot_of_)

    @reads
    def __contains__(self, doc_id) -> bool:
        return doc_id in self.slot_of_

    @reads
    def get(self, doc_id) -> dict:
        """The stored document with this id."""
        return self.store_.get(self.slot_of_[doc_id])

    # -- querying -------------------------------------------------------------------------
    def _mask(self, filters: dict | None) -> np.ndarray | None:
        """Slots passing the filters and alive (applied before top-k); None when that is all slots.
        Masks are cached per filter set until the index changes."""
        key = (len(self.store_), len(self.slot_of_), self._version,
               repr(sorted((k, sorted(map(str, v)) if isinstance(v, (list, tuple, set, frozenset)) else str(getattr(v, "value", v)))
                           for k, v in (filters or {}).items())))
        cache = self.__dict__.setdefault("_masks", {})
        found = cache.get(key, cache)  # one lookup: queries run at once and one may clear the cache
        if found is not cache:
            return found
        mask = None if self.alive_.a.all() else self.alive_.a.copy()
        for name, value in (filters or {}).items():
            if value is None:  # "no filter on this field", as a web form leaves it
                continue
            if name not in FILTER_FIELDS:
                raise ValueError(f"unknown filter {name!r}; use one of {FILTER_FIELDS}")
            m = self.store_.filter_mask(name, value)
            mask = m if mask is None else mask & m
        if len(cache) > 16:
            cache.clear()
        cache[key] = mask
        return mask

    def _query_doc(self, q) -> dict:
        """A query as a document: plain text, or a (possibly id-less) document."""
        if isinstance(q, str):
            return {"id": None, "title": "", "text": q, "keywords": []}
        return encode.as_document(q, require_id=False)

    @reads
    def query(self, q, top: int = 10, filters: dict | None = None, explain: bool = True) -> list[Match]:
        """Rank indexed documents for a text or a document; best first, ties broken by id."""
        qdoc = self._query_doc(q)
        qtext = encode.analysis_text(qdoc)
        words, chars = encode.analyze(qtext)
        cand, fw, fc = first_stage(self, words, chars, self._mask(filters), self.slot_of_.get(qdoc.get("id")))
        scored = rerank(self, qdoc, qtext, cand, fw, fc, top)
        scored.sort(key=lambda s: (-s[0], id_key(s[1]["id"])))
        out = []
        for score, doc, comp, pairs, notes, slot in scored[:top]:
            exp = build_explanation(self, qdoc, words, slot, doc, pairs, notes) if explain else None
            out.append(Match(doc["id"], score, {k: round(v, 6) for k, v in comp.items()}, exp, doc))
        return out

    @reads
    def retrieve(self, q, limit: int = 1000, filters: dict | None = None) -> list[tuple[object, float]]:
        """(id, selection score) of up to ``limit`` documents sharing a selective term with ``q``,
        best first (ties by slot): a fast keyword filter for long lists — no re-rank, no
        explanation, so the order is coarser than ``query``'s."""
        qdoc = self._query_doc(q)
        words, chars = encode.analyze(encode.analysis_text(qdoc))
        slots, scores = ranking.retrieve(self, words, chars, self._mask(filters), max(1, limit))
        ids = self.store_.ids
        return [(ids[slot], score) for slot, score in zip(slots.tolist(), scores.tolist())]

    @reads
    def explain(self, q, doc_id) -> Match:
        """Score and explanation of one document for ``q``, whether or not it ranks in the top."""
        qdoc = self._query_doc(q)
        qtext = encode.analysis_text(qdoc)
        words, chars = encode.analyze(qtext)
        slot = self.slot_of_[doc_id]
        cand, fw, fc = first_stage(self, words, chars, None, include=slot)
        j = int(np.flatnonzero(cand == slot)[0])
        score, doc, comp, pairs, notes, slot = score_slot(self, qdoc, qtext, fw[j], fc[j], slot)
        exp = build_explanation(self, qdoc, words, slot, doc, pairs, notes)
        return Match(doc["id"], score, {k: round(v, 6) for k, v in comp.items()}, exp, doc)

    def get_params(self) -> dict:
        """Constructor parameters (scikit-learn style)."""
        return {k: getattr(self, k) for k in ("weights", "k1", "b", "char_max_df", "rerank_depth",
                                              "fuzzy_threshold", "essential_df", "workers", "chunk_size", "progress")}

    def set_params(self, **params) -> Matcher:
        """Change constructor parameters (takes effect at the next fit for index parameters)."""
        for k, v in params.items():
            if k not in self.get_params():
                raise ValueError(f"unknown parameter {k!r}")
            setattr(self, k, v)
        return self

    # -- persistence ----------------------------------------------------------------------
    @writes
    def save(self, path) -> None:
        """Write the fitted index to a directory (versioned format, atomic switch-over)."""
        from .store import save_matcher
        save_matcher(self, path)

    @classmethod
    def load(cls, path) -> Matcher:
        """Read an index written by ``save``."""
        from .store import load_matcher
        return load_matcher(cls, path)
