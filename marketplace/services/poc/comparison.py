"""Side-by-side comparison of the bids on a request, term by term, with the rows where the bids
differ marked — for the two parties of the pairing and nobody else."""
from __future__ import annotations

from dataclasses import dataclass

from models import Bid, BidStatus, FundingModel, LicenseKind, User, ValidationRequest

from ..errors import NotFound
from .bids import bids_on
from .parties import get_request, pairing_party


@dataclass(frozen=True)
class Row:
    """One term across the bids: the shown values and whether they differ."""

    key: str
    label: str
    values: list[str]
    differs: bool
    best: int | None = None  # index of the most favourable value for the parties, where one is


@dataclass(frozen=True)
class Comparison:
    request: ValidationRequest
    bids: list[Bid]
    rows: list[Row]


def _money(value) -> str:
    return "—" if value is None else f"{value:,.2f} 万元"


def _pct(value) -> str:
    return "—" if value is None else f"{value:g}%"


def _lowest(numbers: list[float | None]) -> int | None:
    known = [(n, i) for i, n in enumerate(numbers) if n is not None]
    if len(known) < 2 or len({n for n, _ in known}) == 1:
        return None
    return min(known)[1]


# key, label, how to show it, and what is better for the parties (None: no ranking)
TERMS = [
    ("total_cost", "总费用", lambda b: _money(b.total_cost), lambda b: b.total_cost - b.center_cofund),
    ("center_cofund", "中心自筹", lambda b: _money(b.center_cofund), None),
    ("duration_months", "验证周期", lambda b: f"{b.duration_months} 个月", lambda b: b.duration_months),
    ("milestones", "里程碑", lambda b: "；".join(f"第 {m.due_week} 周 {m.title}（{m.payment:,.2f} 万元）"
                                               for m in b.milestones), None),
    ("funding_model", "资金模式", lambda b: b.funding_model.label
     + (f"（股权比例 {b.equity_option_pct:g}%）" if b.funding_model is FundingModel.INVEST_FOR_EQUITY else ""), None),
    ("foreground_split", "新产生知识产权分配（企业/高校院所/中心）",
     lambda b: f"{b.split_enterprise}% / {b.split_institution}% / {b.split_center}%", lambda b: b.split_center),
    ("license", "企业许可", lambda b: b.license.label + ("" if b.license is LicenseKind.NONE
                                                      else f"（{b.license_field}；{b.territory}）"), None),
    ("revenue_share_pct", "中心收益分成", lambda b: _pct(b.revenue_share_pct), lambda b: b.revenue_share_pct),
    ("publication_review_days", "论文发表审查期", lambda b: f"{b.publication_review_days} 天", None),
    ("confidentiality", "保密条款", lambda b: b.confidentiality, None),
    ("approach", "验证方案", lambda b: b.approach, None),
]


def compare_bids(viewer: User, request_id: int) -> Comparison:
    """The live and decided bids (not withdrawn ones) of a request, side by side."""
    request = get_request(viewer, request_id)
    if pairing_party(viewer, request.pairing) is None:
        raise NotFound("内容不存在或无权查看。")
    bids = [b for b in bids_on(viewer, request) if b.status is not BidStatus.WITHDRAWN]
    rows = []
    for key, label, show, better in TERMS:
        values = [show(b) for b in bids]
        best = _lowest([better(b) for b in bids]) if better else None
        rows.append(Row(key, label, values, differs=len(set(values)) > 1, best=best))
    return Comparison(request, bids, rows)
