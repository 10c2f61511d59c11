"""What the quality meter reads in a listing's text: its size, its measurable figures, its vague
phrases (quoted where they stand), how generic a title is, and keywords the text suggests.

The vague phrases are found on jieba tokens (matching.text, with the domain dictionary), not on
substrings: "等" is vague, "等离子体", "中等" and "等温扩增" are not; "相关技术" is vague,
"与温度相关的误差" is not."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from matching.text import HAN, load_domain_dictionary, normalize, tokenize_spans

_SIZE = re.compile(rf"[{HAN}]|[A-Za-z0-9]+(?:[.\-'][A-Za-z0-9]+)*")
_NUMBER = r"\d+(?:[.,]\d+)*"
# Units as one string each, split (ruff SIM905 would rather have a list literal: it reads worse).
_HAN_UNITS = ("摄氏度 千瓦时 平方米 立方米 百分点 毫米 厘米 微米 纳米 公里 千米 公斤 千克 毫克 毫升 毫秒 微秒 纳秒 分钟 小时 个月 "  # noqa: SIM905
              "千瓦 兆瓦 瓦时 赫兹 分贝 兆帕 像素 万元 亿元 通道 公顷 米 克 吨 升 秒 天 日 周 月 年 次 遍 个 件 片 台 套 块 颗 "
              "支 条 项 家 人 倍 度 伏 安 瓦 帕 转 层 级 路 帧 万 亿 元 亩").split()
_LATIN_UNITS = ("kvrms vrms nits mah/g wh/kg kwh mwh gwh mah khz mhz ghz thz dbm kpa mpa gpa rpm "  # noqa: SIM905
                "ppm ppb lux fps gbps mbps kbps tops bit nm μm um mm cm km mg kg ml μs us ns ps ms min hz kv mv ma μa ka kw mw gw "
                "wh ah db °c pa bar kn lm lx cd gb mb tb kj ω v a w m g t l s h k n j").split()
_UNIT = "|".join(re.escape(u) for u in sorted(_HAN_UNITS, key=len, reverse=True)) + "|" + "|".join(
    re.escape(u) + "(?![a-z])" for u in sorted(_LATIN_UNITS, key=len, reverse=True))
_COMPARATOR = ("[<>≤≥≦≧]=?|不低于|不少于|不超过|不高于|不大于|不小于|不多于|低于|高于|小于|大于|少于|多于|超过|至少|最多|"
               "最高|最低|达到|提升|提高|降低|减少|缩短|延长|增加|控制在|优于")
# A figure: a comparison with a number ("≤0.5mm", "低于 1%"), a percentage, or a number with a unit ("1000次").
FIGURE = re.compile(rf"(?:{_COMPARATOR})\s*{_NUMBER}\s*(?:%|‰|{_UNIT})?|{_NUMBER}\s*(?:%|‰|{_UNIT})")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_END = re.compile(r"[，,：:。！？!?；;\n]")

# Vague words by what the writer should do instead (the hint says it).
REFERENT = frozenset({"相关", "有关"})  # vague when followed by a generic noun: "相关技术"
GENERIC_NOUNS = frozenset({"技术", "领域", "产品", "工艺", "材料", "设备", "方面", "问题", "行业", "研究", "工作", "服务",
                           "内容", "经验", "资料", "方案", "应用"})
OPEN_LIST = frozenset({"等", "等等"})
QUANTITY = frozenset({"若干", "若干个", "一些", "某些", "少量", "大量", "多种", "各种", "各类"})
# Claims that mean something only with a number in the same sentence.
UNQUANTIFIED = frozenset({"先进", "高性能", "高精度", "高效", "高效率", "高可靠", "高可靠性", "高稳定性", "低成本", "低功耗",
                          "高质量", "优异", "优良", "良好", "较好", "领先", "领先水平", "国际领先", "国内领先", "一流", "显著",
                          "明显", "大幅", "大幅度"})
_NOT_A_CLAIM_AFTER = {"先进": frozenset({"制造", "封装", "材料", "计算"})}  # field names: 先进制造…
# Words a title may hold that say nothing about what it is about.
TITLE_FILLER = frozenset({"技术", "需求", "项目", "开发", "研发", "合作", "寻求", "征集", "解决方案", "方案", "产品", "应用",
                          "创新", "服务", "升级", "改造", "新技术", "问题", "研究", "成果", "转化", "相关", "有关", "一种",
                          "基于", "系统", "方法"})
_APPLICATION = re.compile(r"应用于|适用于|可用于|用于|应用场景|应用领域|可应用|面向|场景|下游|客户|applications?\b|used (?:in|for)\b"
                          r"|suitable for\b", re.IGNORECASE)


@dataclass(frozen=True)
class VaguePhrase:
    """A vague phrase as written, the clause around it, and its kind (referent, open_list, quantity, claim)."""

    phrase: str
    context: str
    kind: str


def text_size(text: str) -> int:
    """Length as word processors count Chinese text: each Han character, and each Latin word or number, is one."""
    return len(_SIZE.findall(text or ""))


def _normalized_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalize(text)`` and, for each of its characters (and its end), the offset in ``text``
    (NFKC may lengthen a character: "℃" becomes "°c")."""
    parts, where = [], []
    for offset, char in enumerate(text):
        piece = normalize(char)
        parts.append(piece)
        where.extend([offset] * len(piece))
    return "".join(parts), [*where, len(text)]


def figures(text: str) -> list[str]:
    """The distinct measurable figures of ``text`` as written ("续航提升20%", "≤0.5mm", "1000次"), in order."""
    text = text or ""
    norm, where = _normalized_with_offsets(text)  # full-width digits and signs, upper-case units
    found = [text[where[m.start()]:where[m.end() - 1] + 1].strip() for m in FIGURE.finditer(norm)]
    return list(dict.fromkeys(found))


def mentions_application(text: str) -> bool:
    """Whether the text says where the result is used (应用于…, 适用于…, applications)."""
    return bool(_APPLICATION.search(text or ""))


def _between(pattern: re.Pattern, text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in pattern.finditer(text, 0, start)), default=0)
    right = pattern.search(text, end)
    return left, right.start() if right else len(text)


def _quote(text: str, start: int, end: int, reach: int = 12) -> str:
    """The clause around text[start:end] (at most ``reach`` characters either side), as written."""
    left, right = _between(_CLAUSE_END, text, start, end)
    begin, finish = max(left, start - reach), min(right, end + reach)
    return ("…" if begin > left else "") + text[begin:finish].strip() + ("…" if finish < right else "")


def vague_phrases(text: str) -> list[VaguePhrase]:
    """The vague phrases of ``text`` in reading order, each distinct phrase once."""
    tokens = tokenize_spans(text or "", keep_stopwords=True)
    found: dict[str, VaguePhrase] = {}
    for index, (token, start, end) in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        kind = None
        if token in REFERENT and following and following[0] in GENERIC_NOUNS and following[1] == end:
            kind, end = "referent", following[2]
        elif token in OPEN_LIST and text[end:end + 1] != "保":  # 等保: 等级保护, a standard
            kind = "open_list"
        elif token in QUANTITY:
            kind = "quantity"
        elif token in UNQUANTIFIED and not (following and following[0] in _NOT_A_CLAIM_AFTER.get(token, ())):
            left, right = _between(_SENTENCE_END, text, start, end)
            kind = None if FIGURE.search(normalize(text[left:right])) else "claim"
        phrase = text[start:end]
        if kind and phrase not in found:
            found[phrase] = VaguePhrase(phrase, _quote(text, start, end), kind)
    return list(found.values())


def content_words(text: str) -> set[str]:
    """The words of a title that say what it is about (no stop words, fillers or bare numbers)."""
    return {token for token, _, _ in tokenize_spans(text or "") if token not in TITLE_FILLER and not token.isdigit()
            and (len(token) > 1 or not re.match(rf"[{HAN}]", token))}


@lru_cache(maxsize=1)
def _domain_words() -> frozenset[str]:
    return frozenset(word for word, _ in load_domain_dictionary())


def suggested_keywords(text: str, taken: tuple[str, ...], limit: int = 3) -> list[str]:
    """Words of ``text`` that would make good keywords: domain terms first, then the most repeated."""
    tokens = [token for token, _, _ in tokenize_spans(text or "")
              if len(token) > 1 and not token.replace(".", "").isdigit() and token not in TITLE_FILLER]
    counts, first = Counter(tokens), {}
    for position, token in enumerate(tokens):
        first.setdefault(token, position)
    taken_norm = {normalize(word) for word in taken}
    candidates = (token for token in counts
                  if token not in taken_norm and (token in _domain_words() or counts[token] > 1))
    ranked = sorted(candidates, key=lambda token: (token not in _domain_words(), -counts[token], first[token]))
    return ranked[:limit]
