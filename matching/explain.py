"""Explanations: why a document matches a query, as JSON-ready data with highlight offsets."""
from __future__ import annotations

from .encode import analysis_text, word_tokens
from .text import normalize, tokenize_spans

MAX_TERMS = 8


def _spans(text: str, terms: set[str]) -> dict[str, list[list[int]]]:
    """Offsets of each wanted term's occurrences in ``text`` (original, un-normalized offsets)."""
    out: dict[str, list[list[int]]] = {}
    for tok, s, e in tokenize_spans(text or ""):
        if tok in terms:
            out.setdefault(tok, []).append([s, e])
    return out


def _find_all(text: str, needle: str) -> list[list[int]]:
    """Offsets of a normalized substring in a text (normalization keeps lengths here)."""
    norm, out, start = normalize(text or ""), [], 0
    if not needle or len(norm) != len(text or ""):
        return out
    while (i := norm.find(needle, start)) >= 0:
        out.append([i, i + len(needle)])
        start = i + len(needle)
    return out


def build_explanation(m, qdoc: dict, qwords: list[str], slot: int, doc: dict,
                      pairs: list[dict], notes: list[dict]) -> dict:
    """Shared terms with contributions, fuzzy keyword pairs, field/TRL/budget notes, highlights."""
    contrib = m.word_.contributions(qwords, slot, word_tokens(analysis_text(doc)))
    total = sum(contrib.values()) or 1.0
    top = sorted(contrib.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TERMS]
    wanted = {t for t, _ in top}
    q_title, q_text = _spans(qdoc.get("title", ""), wanted), _spans(qdoc.get("text", ""), wanted)
    d_title, d_text = _spans(doc.get("title", ""), wanted), _spans(doc.get("text", ""), wanted)
    terms = [{"term": t, "contribution": round(c, 4), "share": round(c / total, 4),
              "query_spans": {"title": q_title.get(t, []), "text": q_text.get(t, [])},
              "doc_spans": {"title": d_title.get(t, []), "text": d_text.get(t, [])}}
             for t, c in top]
    keywords = []
    for p in pairs:
        k = {key: p[key] for key in ("query", "doc", "score", "label")}
        k["doc_spans"] = {"title": _find_all(doc.get("title", ""), normalize(p["doc"])),
                          "text": _find_all(doc.get("text", ""), normalize(p["doc"]))}
        k["query_spans"] = {"title": _find_all(qdoc.get("title", ""), normalize(p["query"])),
                            "text": _find_all(qdoc.get("text", ""), normalize(p["query"]))}
        keywords.append(k)

    def merged(side: str, field: str) -> list[list[int]]:
        spans = [s for t in terms for s in t[f"{side}_spans"][field]]
        spans += [s for k in keywords for s in k[f"{side}_spans"][field]]
        return sorted({tuple(s) for s in spans}) and [list(s) for s in sorted({tuple(s) for s in spans})]

    return {
        "terms": terms,
        "keywords": keywords,
        "notes": notes,
        "highlights": {"query": {"title": merged("query", "title"), "text": merged("query", "text")},
                       "doc": {"title": merged("doc", "title"), "text": merged("doc", "text")}},
        "summary": _summary(top, keywords, notes),
    }


def _summary(top: list[tuple[str, float]], keywords: list[dict], notes: list[dict]) -> str:
    """One readable line (Chinese UI default) summarizing the reasons."""
    parts = []
    if top:
        parts.append("共同术语：" + "、".join(t for t, _ in top[:5]))
    if keywords:
        parts.append("关键词相近：" + "；".join(k["label"] for k in keywords[:3]))
    parts += [n["text"] for n in notes]
    return "；".join(parts) if parts else "无明显共同点"
