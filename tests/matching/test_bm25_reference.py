"""BM25 numbers, not just rankings: both channels score exactly what the formula says.

Our BM25 (matching/postings.py) per query term t and document d:

    idf(t) · (1 + ln qtf) · (k1 + 1) · tf / (tf + k1 · (1 − b + b · dl / avgdl))
    idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))          (Lucene's idf, never negative)

bm25s's "lucene" method has the same idf and length normalization without the constant
(k1 + 1) factor and without query term weights, so for queries of distinct terms our score is
exactly (k1 + 1) times bm25s's.
"""
import json
import math
from collections import Counter
from itertools import islice

import numpy as np
import pytest
from conftest import DEV_CORPUS, DEV_QUERIES, small_corpus

from matching import Matcher
from matching.encode import PostingsBuilder, _encode_one, analysis_text, analyze, as_document
from matching.postings import Channel

K1, B = 1.2, 0.75


def built(docs: list[list[str]], how: str, k1: float = K1, b: float = B) -> Channel:
    """A channel over token lists: fitted in one go, added one by one, or added then compacted."""
    ch = Channel(k1, b)
    if how == "fit":
        local, ids, tfs = {}, [], []
        lens = [_encode_one(d, local, ids, tfs) for d in docs]
        pb = PostingsBuilder()
        pb.append(list(local), np.asarray(ids, np.int32), np.asarray(tfs, np.uint8), np.asarray(lens, np.int64))
        return ch.fit_postings(**pb.finish())
    for i, d in enumerate(docs):
        ch.add(i, d)
    if how == "compacted":
        ch.compact(len(docs))
    return ch


def scores(ch: Channel, query: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense scores over all slots, and the same slots scored one by one."""
    ids, w = ch.query_terms(query)
    return ch.score_ids(ids, w, n), ch.score_slots(ids, w, np.arange(n))


def formula(query: list[str], docs: list[list[str]], k1: float = K1, b: float = B) -> np.ndarray:
    """The BM25 written out, term by term, in float64."""
    n, avgdl = len(docs), sum(map(len, docs)) / len(docs)
    df = Counter(t for d in docs for t in set(d))
    out = np.zeros(n)
    for t, qtf in Counter(query).items():
        if not df[t]:
            continue
        idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
        for j, d in enumerate(docs):
            tf = d.count(t)
            out[j] += idf * (1 + math.log(qtf)) * (k1 + 1) * tf / (tf + k1 * (1 - b + b * len(d) / avgdl))
    return out


# N = 3 documents of 2, 4 and 6 tokens: avgdl = 4
TINY = [["电池", "预警"], ["电池", "电池", "电池", "储能"], ["废水", "处理", "工艺", "能耗", "降低", "膜"]]


@pytest.mark.parametrize("how", ["fit", "added", "compacted"])
def test_scores_equal_a_hand_computation_on_a_tiny_corpus(how):
    ch = built(TINY, how)
    # 电池: df 2 → idf ln(1 + 1.5/2.5) = ln 1.6; length terms k1·(0.25 + 0.75·dl/4): 0.75, 1.2, 1.65
    dense, one_by_one = scores(ch, ["电池"], 3)
    hand = [math.log(1.6) * 2.2 * 1 / (1 + 0.75), math.log(1.6) * 2.2 * 3 / (3 + 1.2), 0.0]
    np.testing.assert_allclose(dense, hand, rtol=1e-6)
    np.testing.assert_allclose(one_by_one, hand, rtol=1e-6)
    # a repeated query term weighs 1 + ln qtf; 预警: df 1 → idf ln(1 + 2.5/1.5) = ln(8/3)
    dense, one_by_one = scores(ch, ["电池", "预警", "电池"], 3)
    hand = [(math.log(1.6) * (1 + math.log(2)) + math.log(8 / 3)) * 2.2 / (1 + 0.75),
            math.log(1.6) * (1 + math.log(2)) * 2.2 * 3 / (3 + 1.2), 0.0]
    np.testing.assert_allclose(dense, hand, rtol=1e-6)
    np.testing.assert_allclose(one_by_one, hand, rtol=1e-6)
    # the longest document's only own term: 膜 df 1, tf 1, dl 6 → k1·(0.25 + 0.75·1.5) = 1.65
    np.testing.assert_allclose(scores(ch, ["膜"], 3)[0], [0, 0, math.log(8 / 3) * 2.2 / (1 + 1.65)], rtol=1e-6)


def test_both_channels_of_a_fitted_matcher_score_the_formula():
    m = Matcher().fit(small_corpus())
    analyzed = [analyze(analysis_text(as_document(d))) for d in small_corpus()]
    for channel, k in ((m.word_, 0), (m.char_, 1)):
        docs = [a[k] for a in analyzed]
        for text in ("锂离子电池热失控预警", "GaN 5G 基站功放效率", "电池储能与废水处理的能耗"):
            query = analyze(text)[k]
            expected = formula(query, docs)
            assert (expected > 0).sum() >= 2  # the query matches more than one document
            dense, one_by_one = scores(channel, query, len(docs))
            np.testing.assert_allclose(dense, expected, rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(one_by_one, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("b", [0.0, 0.3, 0.75, 1.0])
@pytest.mark.parametrize("tf", [1, 3])
def test_same_term_frequency_in_a_longer_document_scores_lower_by_the_expected_ratio(tf, b):
    lengths = [tf, tf + 2, tf + 6, tf + 14, tf + 30]
    docs = [["目标"] * tf + [f"填充{i}_{j}" for j in range(n - tf)] for i, n in enumerate(lengths)]
    dense, _ = scores(built(docs, "fit", b=b), ["目标"], len(docs))
    avgdl = sum(lengths) / len(lengths)
    norm = [K1 * (1 - b + b * n / avgdl) for n in lengths]
    for i in range(1, len(docs)):
        np.testing.assert_allclose(dense[i] / dense[0], (tf + norm[0]) / (tf + norm[i]), rtol=1e-6)
        assert dense[i] < dense[i - 1] if b > 0 else dense[i] == pytest.approx(dense[0])


def _dev_documents(n: int) -> list[dict]:
    if not DEV_CORPUS.exists():
        pytest.skip(f"dev-retrieval set not found (looked for {DEV_CORPUS}); BM25 reference skipped")
    with open(DEV_CORPUS, encoding="utf-8") as f:
        return [as_document(json.loads(line)) for line in islice(f, n)]


def test_both_channels_equal_bm25s_on_the_first_500_dev_documents():
    bm25s = pytest.importorskip("bm25s", reason="bm25s is in the test extra: pip install -e '.[test]'")
    docs = _dev_documents(500)
    analyzed = [analyze(analysis_text(d)) for d in docs]
    with open(DEV_QUERIES, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in islice(f, 60)] + [d["title"] for d in docs[:40]]
    compared = 0
    for k in (0, 1):  # words, character bigrams
        tokens = [a[k] for a in analyzed]
        ours = built(tokens, "fit")
        ref = bm25s.BM25(k1=K1, b=B, method="lucene", dtype="float64")
        ref.index(tokens, show_progress=False)
        for text in texts:
            query = [t for t in dict.fromkeys(analyze(text)[k]) if t in ours.vocab]
            if not query:
                continue
            expected = ref.get_scores(query) * (K1 + 1)
            dense, one_by_one = scores(ours, query, len(docs))
            np.testing.assert_allclose(dense, expected, rtol=1e-5, atol=1e-5)
            np.testing.assert_allclose(one_by_one, expected, rtol=1e-5, atol=1e-5)
            compared += int((expected > 0).sum())
    assert compared > 10_000  # many (query, document) scores, not a handful
