"""The statistics as a CSV download: the overview, the funnel, by field and by month — the same
figures as the statistics page and ``GET /api/v1/stats`` (it is handed their dict), as tables a
spreadsheet opens: UTF-8 with a byte order mark (Excel then reads the Chinese), one blank row
between tables, each table headed by its name."""
from __future__ import annotations

import csv
import io
from typing import Any

OVERVIEW = (("demands", "累计发布需求"), ("results", "累计发布成果"), ("organizations", "入驻机构"),
            ("pairings", "发起对接"), ("connected_pairings", "对接成功"), ("declined", "婉拒"),
            ("withdrawn", "撤回"), ("expired", "过期"), ("connected_demands", "有对接成功的需求"),
            ("connection_rate", "对接率"), ("validation_requests", "验证请求"), ("bids", "验证方案"),
            ("deal_amount", "成交金额（万元）"))
FIELD_COLUMNS = (("demands", "累计发布需求"), ("results", "累计发布成果"), ("pairings", "发起对接"),
                 ("connected_pairings", "对接成功"), ("declined", "婉拒"), ("withdrawn", "撤回"),
                 ("expired", "过期"), ("connection_rate", "对接率"), ("validation_requests", "验证请求"),
                 ("bids", "验证方案"), ("deal_amount", "成交金额（万元）"))
MONTH_COLUMNS = (("demands", "发布需求"), ("results", "发布成果"), ("pairings", "发起对接"),
                 ("connected_pairings", "对接成功"), ("declined", "婉拒"), ("withdrawn", "撤回"),
                 ("expired", "过期"), ("validation_requests", "验证请求"), ("bids", "验证方案"),
                 ("engagements_created", "选定中心"), ("engagements_signed", "三方签署"),
                 ("validations_completed", "完成验证"), ("deal_amount", "成交金额（万元）"))
RATES = {"connection_rate", "share", "from_previous"}


def _cell(key: str, value: Any) -> Any:
    """A value as a spreadsheet should read it: rates as percentages, amounts with two decimals,
    text never as a formula."""
    if key in RATES:
        return f"{value * 100:.2f}%"
    if key == "deal_amount":
        return f"{value:.2f}"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a field name is data, not a formula (CSV injection)
    return value


def _table(writer, title: str, head: list[str], rows: list[list]) -> None:
    writer.writerow([title])
    writer.writerow(head)
    writer.writerows(rows)
    writer.writerow([])


def csv_text(figures: dict, zone_name: str) -> str:
    """The overview, funnel, by-field and by-month tables of ``figures`` (``stats.funnel()``'s
    dict) as one CSV text starting with a byte order mark; months are local to ``zone_name``."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    _table(writer, "总览", ["指标", "数值"], [[label, _cell(key, figures[key])] for key, label in OVERVIEW])
    _table(writer, "从发布到验证（按需求去重）", ["环节", "需求数", "占已发布需求", "较上一环节"],
           [[step["label"], step["demands"], _cell("share", step["share"]),
             _cell("from_previous", step["from_previous"])] for step in figures["funnel"]])
    _table(writer, "按领域", ["领域代码", "领域", *(label for _, label in FIELD_COLUMNS)],
           [[_cell("field", row["field"] or ""), _cell("name", row["name"]),
             *(_cell(key, row[key]) for key, _ in FIELD_COLUMNS)] for row in figures["by_field"]])
    _table(writer, f"按月（{zone_name} 本地时间的自然月）", ["月份", *(label for _, label in MONTH_COLUMNS)],
           [[month["month"], *(_cell(key, month[key]) for key, _ in MONTH_COLUMNS)] for month in figures["by_month"]])
    return out.getvalue()
