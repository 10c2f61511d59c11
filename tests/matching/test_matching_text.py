"""Tokenizer behaviour: Chinese with the domain dictionary, English, mixed, numbers, full-width."""
import json

from conftest import DEV_CORPUS

from matching import normalize, tokenize, tokenize_spans
from matching.encode import encode_chunk, encode_corpus
from matching.text import (
    Segmenter,
    char_bigrams,
    get_segmenter,
    load_domain_dictionary,
    stopwords,
)


def test_domain_terms_stay_whole():
    assert tokenize("锂离子电池的热失控") == ["锂离子电池", "热失控"]
    assert "脑机接口" in tokenize("脑机接口技术")
    assert "第四代半导体" in tokenize("第四代半导体材料研发")


def test_english_words_and_model_numbers_kept_whole_and_lowercased():
    assert tokenize("GaN power devices for 5G and PM2.5 sensors") == ["gan", "power", "device", "5g", "pm2.5", "sensor"]
    assert tokenize("batteries glass bus cells") == ["battery", "glass", "bus", "cell"]
    assert tokenize("C++ and Li-ion") == ["c++", "li-ion"]


def test_mixed_chinese_english():
    assert tokenize("基于GaN的5G基站功放") == ["基于", "gan", "5g", "基站", "功放"]


def test_full_width_is_half_width():
    assert normalize("ＧａＮ５Ｇ，ＰＭ２．５") == "gan5g,pm2.5"
    assert tokenize("ＧａＮ功率器件") == ["gan", "功率器件"]


def test_numbers_kept():
    assert tokenize("循环寿命3000次，效率提升12.5%") == ["循环", "寿命", "3000", "次", "效率", "提升", "12.5"]


def test_stop_words_dropped_single_chinese_characters_kept():
    toks = tokenize("我们希望寻找一种钢的热处理方法")
    assert "我们" not in toks and "的" not in toks and "希望" not in toks
    assert "钢" in toks
    assert "的" in stopwords()


def test_spans_point_into_original_text():
    text = "我们需要ＧａＮ功率器件和锂离子电池"
    spans = tokenize_spans(text)
    assert ("gan", 4, 7) in spans
    for tok, s, e in spans:
        assert normalize(text[s:e]) == tok


def test_spans_when_normalization_changes_length():
    text = "重量㎏级锂离子电池"  # ㎏ becomes "kg": two characters from one
    spans = {t: (s, e) for t, s, e in tokenize_spans(text)}
    assert text[slice(*spans["锂离子电池"])] == "锂离子电池"
    assert text[slice(*spans["kg"])] == "㎏"


def test_char_bigrams():
    assert char_bigrams("锂电池 GaN 钢") == ["锂电", "电池", "钢"]


def test_empty_text():
    assert tokenize("") == [] and tokenize_spans("") == [] and char_bigrams("") == []


def test_domain_dictionary_is_loaded_into_a_private_tokenizer():
    import jieba

    words = dict(load_domain_dictionary())
    assert words["锂离子电池"] > 0 and "脑机接口" in words
    assert get_segmenter().tokenizer is not jieba.dt


def _reference_tokens(texts):
    """Tokens from a fresh jieba tokenizer, no memo, no worker processes: the reference."""
    ref = Segmenter()
    stop = stopwords()
    out = []
    from matching.text import TOKEN_RE, s_stem
    for t in texts:
        toks = []
        for m in TOKEN_RE.finditer(normalize(t)):
            if m.group(1):
                toks += [w for w in ref.tokenizer.lcut(m.group(1), HMM=True) if w not in stop]
            elif m.group(2) not in stop:
                toks.append(s_stem(m.group(2)))
        out.append(toks)
    return out


def _real_corpus(limit):
    """Listings from the dev set when present, else the domain dictionary's own terms in sentences."""
    if DEV_CORPUS.exists():
        with open(DEV_CORPUS, encoding="utf-8") as f:
            docs = [json.loads(line) for _, line in zip(range(limit), f)]
        return [d["title"] + "\n" + d["text"] for d in docs]
    return [f"本项目研究{w}的关键技术，提升{w}的可靠性与良率。" for w, _ in load_domain_dictionary()]


def test_memoized_parallel_tokens_equal_the_jieba_reference():
    texts = _real_corpus(600) + [f"关于{w}和{w}材料的需求" for w, _ in load_domain_dictionary()]
    reference = _reference_tokens(texts)
    assert [tokenize(t) for t in texts] == reference
    assert [tokenize(t) for t in texts] == reference  # second pass served from the memo
    chunks = [texts[i:i + 200] for i in range(0, len(texts), 200)]
    got = []
    for (vocab, ids, tfs, lens), _ in encode_corpus(chunks, workers=2):
        pos = 0
        for n in lens:
            got.append(sorted((vocab[i], int(c)) for i, c in zip(ids[pos:pos + n], tfs[pos:pos + n])))
            pos += n
    from collections import Counter

    from matching.glossary import expansion_tokens
    assert got == [sorted(Counter(r + expansion_tokens(r)).items()) for r in reference]


def test_encode_chunk_counts():
    (vocab, ids, tfs, lens), (cvocab, cids, _, _) = encode_chunk(["电池 电池 gan", "钢"])
    assert list(lens) == [3, 1]  # 电池, gan and the glossary's "battery"
    assert dict(zip((vocab[i] for i in ids[:3]), tfs[:3].tolist())) == {"电池": 2, "gan": 1, "battery": 1}
    assert [cvocab[i] for i in cids] == ["电池", "钢"]


def test_glossary_bridges_english_and_chinese():
    from matching.glossary import expansion_tokens

    assert {"调制器", "无人机"} <= set(expansion_tokens(tokenize("Thin-film modulators for UAVs")))
    assert {"modulator", "uav"} <= set(expansion_tokens(tokenize("电光调制器与无人机")))
    assert expansion_tokens(tokenize("与本文无关的内容")) == []
