"""The statistics page's charts as server-rendered SVG: no script, no inline style (the
Content-Security-Policy allows neither), colours from static/app.css classes.

Each chart is ``role="img"`` with an ``aria-label``, a ``<title>`` and a ``<desc>`` that says its
numbers in words; every bar carries its value as text. Horizontal positions are percentages of
the page's width and text keeps its pixel size, so the charts stay readable from a 390 px phone
to a wide screen (a scaled ``viewBox`` would shrink the text to a few pixels on a phone). Every
label is escaped: field names are data."""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

FIELD_SERIES = (("demands", "累计发布需求", "s-demand"), ("results", "累计发布成果", "s-result"),
                ("connected_pairings", "对接成功", "s-connected"))
MONTH_SERIES = (("demands", "发布需求", "s-demand"), ("results", "发布成果", "s-result"),
                ("pairings", "发起对接", "s-pairing"), ("connected_pairings", "对接成功", "s-connected"))
FUNNEL_BAR = 76.0  # % of the width the longest funnel bar takes; its count and share follow it
FIELD_LABEL, FIELD_BAR = 34.0, 56.0  # % of the width: the field names' column, the longest bar


def _pct(value: float) -> str:
    return f"{value:.2f}%".replace(".00%", "%")


def _share(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _short(number: float) -> str:
    """A count as it fits on a bar: 9,999 in full, then 万 (ten thousands)."""
    if number < 10_000:
        return f"{number:,.0f}"
    return f"{number / 10_000:.1f}万".replace(".0万", "万")


def _clip(label: str, width: float = 8.6) -> str:
    """A label cut to about ``width`` Chinese characters (a Latin letter counts half), "…" included."""
    sizes = [0.55 if ord(char) < 0x2E80 else 1.0 for char in label]
    if sum(sizes) <= width:
        return label
    kept, used = [], 1.0  # the ellipsis is as wide as a Chinese character
    for char, size in zip(label, sizes):
        if used + size > width:
            break
        kept.append(char)
        used += size
    return "".join(kept) + "…"


def _bar_width(value: float, peak: float, span: float) -> str:
    """The width of a bar in % of the chart; a value too small to see still shows 2 px."""
    if value <= 0 or peak <= 0:
        return "0"
    width = span * value / peak
    return _pct(width) if width >= 0.5 else "2"


def _svg(name: str, title: str, desc: str, height: int, body: list[str]) -> Markup:
    ident = f"chart-{name}"
    return Markup(
        f'<svg class="chart {ident}" role="img" aria-label="{escape(title)}" aria-describedby="{ident}-desc" '
        f'width="100%" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title>{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>{"".join(body)}</svg>')


def _text(x: str, y: float, content: str, css: str, anchor: str = "start", dx: int = 0) -> str:
    shift = f' dx="{dx}"' if dx else ""
    return f'<text x="{x}" y="{y:g}"{shift} class="{css}" text-anchor="{anchor}">{escape(content)}</text>'


def _legend(series: Sequence[tuple[str, str, str]], y: float) -> list[str]:
    step = 100 / len(series)
    body = []
    for i, (_, label, css) in enumerate(series):
        body.append(f'<rect x="{_pct(i * step)}" y="{y - 9:g}" width="10" height="10" rx="2" class="{css}"/>')
        body.append(_text(_pct(i * step), y, label, "c-key", dx=14))
    return body


def funnel_chart(steps: Sequence[dict]) -> Markup:
    """From publication to validation: one bar per step (distinct demands), its share of the
    published demands and the conversion from the step before."""
    published = steps[0]["demands"] if steps else 0
    body, row = [], 48
    for i, step in enumerate(steps):
        top = i * row
        body.append(_text("0", top + 14, f"{i + 1}. {step['label']}", "c-label"))
        if i:
            body.append(_text("100%", top + 14, f"较上一环节 {_share(step['from_previous'])}", "c-muted", "end"))
        body.append(f'<rect x="0" y="{top + 21}" width="{_pct(FUNNEL_BAR)}" height="18" rx="3" class="c-track"/>')
        width = _bar_width(step["demands"], published, FUNNEL_BAR)
        body.append(f'<rect x="0" y="{top + 21}" width="{width}" height="18" rx="3" class="s-demand"/>')
        end = width if width.endswith("%") else "0"
        body.append(_text(end, top + 34, f"{_short(step['demands'])} · {_share(step['share'])}", "c-value", dx=6))
    desc = "；".join(f"{s['label']} {s['demands']} 个需求（占已发布需求 {_share(s['share'])}"
                    + (f"，较上一环节 {_share(s['from_previous'])}）" if i else "）") for i, s in enumerate(steps))
    return _svg("funnel", "从发布到验证：到达各环节的需求数", desc, len(steps) * row + 4, body)


def field_chart(rows: Sequence[dict]) -> Markup:
    """Per field: demands and results published, pairings connected, on one shared scale."""
    peak = max([0, *(row[key] for row in rows for key, _, _ in FIELD_SERIES)])
    body, top, row = _legend(FIELD_SERIES, 12), 26, 36
    for i, item in enumerate(rows):
        y = top + i * row
        body.append(_text(_pct(FIELD_LABEL), y + 22, _clip(item["name"]), "c-label c-name", "end", dx=-8))
        for j, (key, _, css) in enumerate(FIELD_SERIES):
            bar_y = y + 4 + j * 10
            if item[key]:
                width = _bar_width(item[key], peak, FIELD_BAR)
                body.append(f'<rect x="{_pct(FIELD_LABEL)}" y="{bar_y}" width="{width}" height="8" rx="2" class="{css}"/>')
            end = FIELD_LABEL + (FIELD_BAR * item[key] / peak if peak else 0)
            body.append(_text(_pct(end), bar_y + 8, _short(item[key]), "c-value c-tiny", dx=4))
    desc = "；".join(f"{item['name']}：" + "、".join(f"{label} {item[key]}" for key, label, _ in FIELD_SERIES)
                    for item in rows)
    return _svg("fields", "按领域：累计发布需求、成果与对接成功", desc, top + len(rows) * row + 2, body)


def _new_years(months: Sequence[dict]) -> list[str]:
    """Where a new year starts between the months shown (x in % of the width)."""
    slot = 100 / len(months)
    return [_pct(slot * i) for i, m in enumerate(months) if i and m["month"].endswith("-01")]


def _month_axis(months: Sequence[dict], y: float) -> list[str]:
    """Month numbers under the bars ("月" only where there is room) and the years either side of
    each new year's line."""
    slot, body = 100 / len(months), []
    for i, month in enumerate(months):
        body.append(f'<text x="{_pct(slot * (i + 0.5))}" y="{y:g}" class="c-muted c-tiny" text-anchor="middle">'
                    f'{int(month["month"][5:])}<tspan class="c-wide">月</tspan></text>')
    first_year = int(months[0]["month"][:4])
    for n, x in enumerate(_new_years(months)):
        body.append(f'<line x1="{x}" x2="{x}" y1="{y - 12:g}" y2="{y + 16:g}" class="c-year"/>')
        body.append(_text(x, y + 15, str(first_year + n), "c-muted c-tiny", "end", dx=-4))
        body.append(_text(x, y + 15, str(first_year + n + 1), "c-muted c-tiny", dx=4))
    if not _new_years(months):
        body.append(_text("0", y + 15, str(first_year), "c-muted c-tiny"))
    return body


def month_chart(months: Sequence[dict]) -> Markup | None:
    """The last 12 local months, one row per figure on one shared scale: a bar and its value for
    each month, the baseline where nothing happened. None when nothing happened at all."""
    peak = max([0, *(m[key] for m in months for key, _, _ in MONTH_SERIES)])
    if not peak:
        return None
    slot, panel, plot = 100 / len(months), 88, 44
    body = []
    for p, (key, label, css) in enumerate(MONTH_SERIES):
        top = p * panel
        base = top + 30 + plot  # the row's title, room for the tallest bar's value, the bars
        total = sum(m[key] for m in months)
        body.append(_text("0", top + 13, f"{label}（12 个月合计 {_short(total)}）", "c-label"))
        body.append(f'<line x1="0" x2="100%" y1="{base}" y2="{base}" class="c-base"/>')
        body += [f'<line x1="{x}" x2="{x}" y1="{top + 22}" y2="{base}" class="c-year"/>' for x in _new_years(months)]
        for i, month in enumerate(months):
            value = month[key]
            if not value:
                continue
            height = max(2.0, plot * value / peak)
            body.append(f'<rect x="{_pct(slot * (i + 0.2))}" y="{base - height:.1f}" width="{_pct(slot * 0.6)}" '
                        f'height="{height:.1f}" rx="2" class="{css}"/>')
            body.append(_text(_pct(slot * (i + 0.5)), base - height - 3, _short(value), "c-value c-tiny", "middle"))
    axis = len(MONTH_SERIES) * panel + 4
    body += _month_axis(months, axis)
    busy = [m for m in months if any(m[key] for key, _, _ in MONTH_SERIES)]
    desc = "；".join(f"{m['month']}：" + "、".join(f"{label} {m[key]}" for key, label, _ in MONTH_SERIES)
                    for m in busy) + ("；其余月份均为 0" if len(busy) < len(months) else "")
    return _svg("months", "最近 12 个月：发布、发起对接与对接成功", desc, axis + 18, body)
