"""Document storage and index persistence (versioned directory format, atomic switch-over).

A saved index is ``DIR/CURRENT`` (the name of the live generation) and ``DIR/gen-*/`` holding
numpy arrays, JSON vocabularies and the document blob.  A new save writes a fresh generation and
then replaces ``CURRENT`` with ``os.replace``, so a reader never sees a half-written index.
"""
from __future__ import annotations

import bisect
import json
import os
import shutil
import uuid
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .postings import Channel, Grow

FORMAT = "innobridge-matcher"
VERSION = 1
FILTER_FIELDS = ("kind", "field", "status")


def _jsonable(value):
    """JSON form of values a database hands over: Decimal → float, dates → ISO, enums → value."""
    if hasattr(value, "value"):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


class DocStore:
    """Documents as compact JSON in byte segments (no large reallocation), plus coded filter columns."""

    SEGMENT = 32 << 20  # a document never spans two segments

    def __init__(self):
        self.segments: list[bytearray] = [bytearray()]
        self.seg_start: list[int] = [0]
        self.offsets = Grow(np.int64)
        self.offsets.resize(1)
        self.codes = {f: Grow(np.int32, -1) for f in FILTER_FIELDS}
        self.code_vocab: dict[str, dict[str, int]] = {f: {} for f in FILTER_FIELDS}
        self.ids: list = []  # each slot's document id (a dead slot keeps its last one)

    def __len__(self) -> int:
        return self.offsets.size - 1

    def append(self, doc: dict) -> int:
        """Store a document and return its slot."""
        slot = len(self)
        data = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=_jsonable).encode()
        if len(self.segments[-1]) + len(data) > self.SEGMENT and self.segments[-1]:
            self.seg_start.append(self.seg_start[-1] + len(self.segments[-1]))
            self.segments.append(bytearray())
        self.segments[-1] += data
        self.ids.append(doc["id"])
        self.offsets.resize(slot + 2)
        self.offsets.buf[slot + 1] = self.seg_start[-1] + len(self.segments[-1])
        for f in FILTER_FIELDS:
            col = self.codes[f]
            col.resize(slot + 1)
            if doc.get(f) is not None:
                voc = self.code_vocab[f]
                col.buf[slot] = voc.setdefault(str(doc[f]), len(voc))
        return slot

    def get(self, slot: int) -> dict:
        """The document in a slot."""
        start, end = int(self.offsets.buf[slot]), int(self.offsets.buf[slot + 1])
        k = bisect.bisect_right(self.seg_start, start) - 1
        base = self.seg_start[k]
        if end - base > len(self.segments[k]):  # starts exactly at the next segment
            k, base = k + 1, self.seg_start[k + 1]
        return json.loads(bytes(self.segments[k][start - base:end - base]))

    def drop(self, slot: int) -> None:
        """Clear a dead slot's filter codes (its bytes stay until the next refit)."""
        for f in FILTER_FIELDS:
            self.codes[f].buf[slot] = -1

    def filter_mask(self, name: str, value) -> np.ndarray:
        """Slots whose ``name`` equals ``value`` (or is in it, for a list/tuple/set)."""
        values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        voc = self.code_vocab[name]
        wanted = [voc[str(getattr(v, "value", v))] for v in values if str(getattr(v, "value", v)) in voc]
        col = self.codes[name].a
        if len(wanted) == 1:
            return col == wanted[0]
        return np.isin(col, np.asarray(wanted, dtype=np.int32), kind="table") if wanted else np.zeros(len(col), bool)


def _save_channel(ch: Channel, gen: Path, name: str) -> dict:
    """Write one channel's arrays and vocabulary; return its scalar statistics."""
    M = ch.main
    np.savez(gen / f"{name}.npz", indptr=M.indptr, indices=M.indices, data=M.data,
             df=ch.df.a, dl=ch.dl.a, pruned=ch.pruned.a)
    (gen / f"{name}_vocab.json").write_text(json.dumps(list(ch.vocab), ensure_ascii=False), encoding="utf-8")
    return {"k1": ch.k1, "b": ch.b, "max_df": ch.max_df, "n_alive": ch.n_alive,
            "total_len": ch.total_len, "shape": list(M.shape)}


def _load_channel(gen: Path, name: str, meta: dict) -> Channel:
    """Rebuild one channel from its files."""
    ch = Channel(meta["k1"], meta["b"], meta["max_df"])
    arr = np.load(gen / f"{name}.npz")
    ch.main = sp.csc_matrix((arr["data"], arr["indices"], arr["indptr"]), shape=tuple(meta["shape"]))
    ch.df, ch.dl = Grow.wrap(arr["df"]), Grow.wrap(arr["dl"])
    ch.pruned = Grow.wrap(arr["pruned"], False)
    terms = json.loads((gen / f"{name}_vocab.json").read_text(encoding="utf-8"))
    ch.vocab = {t: i for i, t in enumerate(terms)}
    ch.n_alive, ch.total_len = meta["n_alive"], meta["total_len"]
    return ch


def save_matcher(m, path) -> None:
    """Write a fitted matcher to ``path`` as a new generation, then switch CURRENT to it."""
    m.compact()
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    gen = root / f"gen-{uuid.uuid4().hex[:12]}"
    gen.mkdir()
    st = m.store_
    ids = sorted(((s, i) for i, s in m.slot_of_.items()), key=lambda p: p[0])
    manifest = {
        "format": FORMAT, "version": VERSION, "params": m.get_params(),
        "n_slots": len(st), "ids": [[s, i] for s, i in ids],
        "word": _save_channel(m.word_, gen, "word"), "char": _save_channel(m.char_, gen, "char"),
        "code_vocab": st.code_vocab,
    }
    with open(gen / "docs.bin", "wb") as f:
        f.writelines(st.segments)
    np.savez(gen / "columns.npz", offsets=st.offsets.a, alive=m.alive_.a,
             **{f"code_{f}": st.codes[f].a for f in st.codes})
    (gen / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    tmp = root / f"CURRENT.{uuid.uuid4().hex[:8]}"
    tmp.write_text(gen.name, encoding="utf-8")
    os.replace(tmp, root / "CURRENT")
    for old in root.glob("gen-*"):
        if old.name != gen.name:
            shutil.rmtree(old, ignore_errors=True)


def load_matcher(cls, path):
    """Read the generation CURRENT points to into a new matcher of class ``cls``."""
    root = Path(path)
    gen = root / (root / "CURRENT").read_text(encoding="utf-8").strip()
    manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ValueError(f"{path}: not a {FORMAT} v{VERSION} index")
    m = cls(**manifest["params"])
    st = DocStore()
    st.segments, st.seg_start = [bytearray((gen / "docs.bin").read_bytes())], [0]
    cols = np.load(gen / "columns.npz")
    st.offsets = Grow.wrap(cols["offsets"])
    st.codes = {f: Grow.wrap(cols[f"code_{f}"], -1) for f in FILTER_FIELDS}
    st.code_vocab = manifest["code_vocab"]
    m.store_, m.alive_ = st, Grow.wrap(cols["alive"], False)
    m.slot_of_ = {i: s for s, i in manifest["ids"]}
    st.ids = [None] * (len(cols["offsets"]) - 1)
    for s, i in manifest["ids"]:
        st.ids[s] = i
    m.word_ = _load_channel(gen, "word", manifest["word"])
    m.char_ = _load_channel(gen, "char", manifest["char"])
    return m
