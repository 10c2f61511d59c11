"""One BM25 channel's life-cycle (matching/postings.py): add, remove and compact keep exact
statistics and compact postings; the Grow buffer."""
import numpy as np
import pytest

from matching.postings import TF_MAX, Channel, Grow

DOCS = [["电池", "预警", "电池"], ["储能", "电池"], ["废水", "处理"], ["预警", "系统", "储能", "电池"]]


def channel(docs, fit_first: int = 0) -> Channel:
    """Docs 0..fit_first-1 added and compacted into the main segment, the rest left in the delta."""
    ch = Channel()
    for i, d in enumerate(docs[:fit_first]):
        ch.add(i, d)
    ch.compact(fit_first)
    for i, d in enumerate(docs[fit_first:], start=fit_first):
        ch.add(i, d)
    return ch


def every_score(ch: Channel, n: int) -> dict[str, list[float]]:
    return {t: ch.score_ids(*ch.query_terms([t]), n).round(6).tolist() for t in sorted(ch.vocab)}


def test_statistics_are_exact_after_adds():
    ch = channel(DOCS)
    assert ch.n_alive == 4 and ch.total_len == 11
    assert ch.dl.a.tolist() == [3, 2, 2, 4]
    assert {t: int(ch.df.buf[i]) for t, i in ch.vocab.items()} == {
        "电池": 3, "预警": 2, "储能": 2, "废水": 1, "处理": 1, "系统": 1}
    ids, tf = ch.delta[0]
    assert (ids.dtype, tf.dtype) == (np.int32, np.uint8)  # postings stay small
    assert dict(zip(ids.tolist(), tf.tolist())) == {ch.vocab["电池"]: 2, ch.vocab["预警"]: 1}


def test_term_counts_are_capped_at_255():
    ch = Channel()
    ch.add(0, ["电池"] * 300 + ["储能"])
    assert ch.delta[0][1].tolist() == [TF_MAX, 1] and ch.dl.a.tolist() == [301]


@pytest.mark.parametrize("fit_first", [0, 2, 4])
def test_compacting_changes_no_score(fit_first):
    ch = channel(DOCS, fit_first)
    before = every_score(ch, 4)
    ch.compact(4)
    assert ch.delta == {} and ch.main.shape == (4, len(ch.vocab))
    assert every_score(ch, 4) == before


def test_documents_that_bring_no_new_term_score_and_compact():
    ch = channel(DOCS[:3] + [["电池", "电池"]], fit_first=3)  # the delta uses only the first term
    before = every_score(ch, 4)  # every term, also those beyond the delta's own columns
    assert before["处理"] == pytest.approx([0, 0, before["处理"][2], 0]) and before["处理"][2] > 0
    ch.compact(4)
    assert ch.main.shape == (4, 5) and ch.main[3, ch.vocab["电池"]] == 2
    assert every_score(ch, 4) == before


def test_removing_equals_never_having_added():
    for fit_first in (0, 4):
        ch = channel(DOCS, fit_first)
        ch.remove(1, DOCS[1])
        ch.remove(3, DOCS[3])
        assert (ch.n_alive, ch.total_len) == (2, 5.0)
        assert {t: int(ch.df.buf[i]) for t, i in ch.vocab.items()} == {
            "电池": 1, "预警": 1, "储能": 0, "废水": 1, "处理": 1, "系统": 0}
        assert len(ch.vocab) == 6  # removal never grows the vocabulary
        ref = channel([DOCS[0], [], DOCS[2], []])
        ref.remove(1, [])
        ref.remove(3, [])
        for t in ("电池", "预警", "废水", "处理"):  # live slots (the matcher masks the dead ones)
            assert ch.score_ids(*ch.query_terms([t]), 4)[[0, 2]].tolist() == pytest.approx(
                ref.score_ids(*ref.query_terms([t]), 4)[[0, 2]].tolist())
        assert ch.query_terms(["储能"])[0].size == 0  # a term no live document has is not queried


def test_grow_appends_and_pads():
    g = Grow(np.int32, fill=-1)
    assert g.a.tolist() == [] and len(g.buf) == 16
    g.resize(3)
    assert g.a.tolist() == [-1, -1, -1]
    g.buf[:3] = [1, 2, 3]
    g.resize(40)
    assert g.a[:4].tolist() == [1, 2, 3, -1] and g.size == 40 and len(g.buf) >= 40
    g.resize(5)
    assert g.size == 40  # never shrinks
    w = Grow.wrap(np.arange(3, dtype=np.int64))
    assert w.a.tolist() == [0, 1, 2] and w.buf.dtype == np.int64
