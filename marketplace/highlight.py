"""Render matcher highlight offsets as escaped HTML with <mark> (and excerpts around them)."""
from __future__ import annotations

from markupsafe import Markup, escape


def merge_spans(spans, length: int) -> list[tuple[int, int]]:
    """Sorted, clipped, non-overlapping spans."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, int(s)), min(length, int(e))) for s, e in spans or []):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str | None, spans=None, window: int | None = None) -> Markup:
    """``text`` escaped with its spans in <mark>; with ``window``, an excerpt around the first span."""
    text = text or ""
    marks = merge_spans(spans, len(text))
    lo, hi = 0, len(text)
    if window and len(text) > window:
        centre = marks[0][0] if marks else 0
        lo = max(0, min(centre - window // 4, len(text) - window))
        hi = lo + window
    out, cursor = [], lo
    for start, end in marks:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        out.append(escape(text[cursor:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        cursor = end
    out.append(escape(text[cursor:hi]))
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    return Markup(prefix) + Markup("").join(out) + Markup(suffix)
