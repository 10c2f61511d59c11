"""A bid's term sheet: approach, milestones, cost, duration, funding and IP terms — cleaned and
checked against the request, every inconsistency an error naming its field (``total_cost``,
``milestones.2.due_week``, ``ip_terms.foreground_split`` …), all reported at once."""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from models import Bid, FundingModel, LicenseKind, ValidationRequest

from ..errors import FieldErrors
from ..listings import MONEY_MAX, clean_text

APPROACH_MAX = 10_000
DELIVERABLE_MAX = 2000
MILESTONES_MAX = 12
WEEKS_PER_MONTH = 52 / 12
SPLIT_PARTIES = ("enterprise", "institution", "center")


def _number(data: Mapping, name: str, errors: FieldErrors, where: str | None = None, *, required: bool = True,
            low: float = 0, high: float = MONEY_MAX, whole: bool = False, unit: str = "万元"):
    """A number within [low, high] (whole when asked), or None with an error on ``where``."""
    where = where or name
    raw = data.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.add(where, "此项必填。")
        return None
    try:
        value = float(raw) if not isinstance(raw, bool) else math.nan
    except (TypeError, ValueError):
        value = math.nan
    if math.isnan(value) or math.isinf(value):
        errors.add(where, f"应为数字（{unit}）。")
        return None
    if whole and not value.is_integer():
        errors.add(where, f"应为整数（{unit}）。")
        return None
    if not low <= value <= high:
        errors.add(where, f"应在 {low:g}–{high:g} {unit}之间。")
        return None
    return int(value) if whole else round(value, 2)


def _choice(enum_cls, data: Mapping, name: str, errors: FieldErrors, where: str | None = None):
    try:
        return enum_cls(str(data.get(name) or "").strip())
    except ValueError:
        errors.add(where or name, f"应为 {' / '.join(enum_cls.codes())} 之一。")
        return None


def _milestones(data: Mapping, errors: FieldErrors, max_week: int) -> list[dict]:
    raw = data.get("milestones")
    if not isinstance(raw, list) or not raw:
        errors.add("milestones", "请至少列出一个里程碑。")
        return []
    if len(raw) > MILESTONES_MAX:
        errors.add("milestones", f"里程碑最多 {MILESTONES_MAX} 个。")
        return []
    cleaned, previous_week = [], 0
    for i, item in enumerate(raw):
        item = item if isinstance(item, Mapping) else {}
        sub = FieldErrors()
        milestone = {
            "title": clean_text(item, "title", sub, limit=120),
            "deliverable": clean_text(item, "deliverable", sub, limit=DELIVERABLE_MAX),
            "due_week": _number(item, "due_week", sub, low=1, high=max(max_week, 1), whole=True, unit="周"),
            "payment": _number(item, "payment", sub),
        }
        for name, message in sub.fields.items():
            errors.add(f"milestones.{i}.{name}", message)
        week = milestone["due_week"]
        if week is not None and week < previous_week:
            errors.add(f"milestones.{i}.due_week", "里程碑应按到期周次先后排列。")
        previous_week = week or previous_week
        cleaned.append(milestone)
    return cleaned


def _ip_terms(data: Mapping, errors: FieldErrors) -> dict[str, Any]:
    ip = data.get("ip_terms")
    ip = ip if isinstance(ip, Mapping) else {}
    if not isinstance(data.get("ip_terms"), Mapping):
        errors.add("ip_terms", "请填写知识产权条款。")
    split = ip.get("foreground_split")
    split = split if isinstance(split, Mapping) else {}
    shares = {party: _number(split, party, errors, f"ip_terms.foreground_split.{party}", low=0, high=100,
                             whole=True, unit="%") for party in SPLIT_PARTIES}
    if all(v is not None for v in shares.values()) and sum(shares.values()) != 100:
        errors.add("ip_terms.foreground_split",
                   f"新产生知识产权的分配比例之和应为 100%（现为 {sum(shares.values())}%）。")
    license_kind = _choice(LicenseKind, ip, "license", errors, "ip_terms.license")
    terms = {
        "split_enterprise": shares["enterprise"], "split_institution": shares["institution"],
        "split_center": shares["center"], "license": license_kind,
        "license_field": clean_text(ip, "license_field", sub := FieldErrors(), limit=200, required=False),
        "territory": clean_text(ip, "territory", sub, limit=200, required=False),
        "revenue_share_pct": _number(ip, "revenue_share_pct", errors, "ip_terms.revenue_share_pct",
                                     low=0, high=100, unit="%"),
        "publication_review_days": _number(ip, "publication_review_days", errors,
                                           "ip_terms.publication_review_days", low=0, high=365, whole=True,
                                           unit="天"),
        "confidentiality": clean_text(ip, "confidentiality", sub, limit=DELIVERABLE_MAX),
    }
    for name, message in sub.fields.items():
        errors.add(f"ip_terms.{name}", message)
    if license_kind in (LicenseKind.EXCLUSIVE, LicenseKind.NON_EXCLUSIVE):
        for name in ("license_field", "territory"):
            if not terms[name]:
                errors.add(f"ip_terms.{name}", "授予许可时须写明许可领域和地域。")
    elif license_kind is LicenseKind.NONE:
        terms["license_field"] = terms["territory"] = ""
    return terms


def clean_terms(data: Mapping[str, Any], request: ValidationRequest) -> dict[str, Any]:
    """The bid's columns plus ``milestones``; ValidationFailed with every problem at once."""
    errors = FieldErrors()
    duration = _number(data, "duration_months", errors, low=1, high=36, whole=True, unit="个月")
    if duration is not None and duration > request.max_duration_months:
        errors.add("duration_months", f"验证周期不能超过请求允许的 {request.max_duration_months} 个月。")
    max_week = math.ceil((duration or request.max_duration_months) * WEEKS_PER_MONTH)
    milestones = _milestones(data, errors, max_week)
    total = _number(data, "total_cost", errors)
    if total is not None and total <= 0:
        errors.add("total_cost", "总费用应大于 0。")
    payments = [m["payment"] for m in milestones]
    if total is not None and milestones and None not in payments and abs(sum(payments) - total) > 0.005:
        errors.add("total_cost", f"总费用应等于各里程碑付款之和（{sum(payments):,.2f} 万元）。")
    cofund = _number(data, "center_cofund", errors, required=False) or 0.0
    if total is not None and cofund > total:
        errors.add("center_cofund", "中心自筹部分不能超过总费用。")
    elif total is not None and total - cofund > request.budget_cap + 0.005:
        errors.add("total_cost", f"总费用超出预算上限 {request.budget_cap:,.2f} 万元；超出部分"
                                 f"（{total - request.budget_cap:,.2f} 万元）须由中心自筹（center_cofund）。")
    model = _choice(FundingModel, data, "funding_model", errors)
    equity = _number(data, "equity_option_pct", errors, required=model is FundingModel.INVEST_FOR_EQUITY,
                     low=0.01, high=100, unit="%")
    if model is not None and model is not FundingModel.INVEST_FOR_EQUITY and equity is not None:
        errors.add("equity_option_pct", "只有“先投后股”方案可以约定股权比例。")
    cleaned = {
        "approach": clean_text(data, "approach", errors, limit=APPROACH_MAX),
        "duration_months": duration, "total_cost": total, "center_cofund": cofund, "funding_model": model,
        "equity_option_pct": equity if model is FundingModel.INVEST_FOR_EQUITY else None,
        **_ip_terms(data, errors), "milestones": milestones,
    }
    errors.raise_if_any("验证方案有误，请检查标出的条款。")
    return cleaned


def terms_of(bid: Bid) -> dict[str, Any]:
    """A bid's terms in the API's shape (what revisions store and agreements freeze)."""
    return {
        "approach": bid.approach, "total_cost": bid.total_cost, "center_cofund": bid.center_cofund,
        "duration_months": bid.duration_months, "funding_model": bid.funding_model.value,
        "equity_option_pct": bid.equity_option_pct,
        "milestones": [{"title": m.title, "deliverable": m.deliverable, "due_week": m.due_week,
                        "payment": m.payment} for m in bid.milestones],
        "ip_terms": {
            "background": "各方既有知识产权（背景知识产权）归原权利人所有。",
            "foreground_split": {"enterprise": bid.split_enterprise, "institution": bid.split_institution,
                                 "center": bid.split_center},
            "license": bid.license.value, "license_field": bid.license_field, "territory": bid.territory,
            "revenue_share_pct": bid.revenue_share_pct, "publication_review_days": bid.publication_review_days,
            "confidentiality": bid.confidentiality,
        },
    }
