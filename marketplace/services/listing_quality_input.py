"""A form as it stands, or an API body, read as the quality meter's draft. The shape checks of
creating a listing (types, lengths, ranges, choices) apply, but nothing is required: a field not
filled in yet is a hint of the meter, not an error. A value of the wrong shape is a
ValidationFailed naming the field (422), as creating the listing would answer."""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from models import Maturity, PatentStatus, TransferMode

from .errors import FieldErrors
from .listing_quality import DemandDraft, ResultDraft
from .listings import (
    CONTROL_CHARACTERS,
    KEYWORD_MAX_LEN,
    KEYWORDS_MAX,
    MONEY_MAX,
    REGION_MAX,
    TEXT_MAX,
    TITLE_MAX,
    clean_keywords,
)
from .results import PATENTS_MAX

KEYWORDS_TEXT_MAX = 400  # the form's keywords box
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def read_demand_draft(data: Mapping[str, Any]) -> DemandDraft:
    """The demand fields of ``data`` (the create body's names), shape-checked."""
    errors = FieldErrors()
    draft = DemandDraft(
        title=_text(data, "title", TITLE_MAX, errors), description=_text(data, "description", TEXT_MAX, errors),
        keywords=_keywords(data, errors), budget_min=_amount(data, "budget_min", errors),
        budget_max=_amount(data, "budget_max", errors), deadline=_date(data, "deadline", errors),
        trl_target=_trl(data, "trl_target", errors), field=_text(data, "field", TITLE_MAX, errors),
        region=_text(data, "region", REGION_MAX, errors))
    errors.raise_if_any()
    return draft


def read_result_draft(data: Mapping[str, Any]) -> ResultDraft:
    """The result fields of ``data`` (the create body's names), shape-checked."""
    errors = FieldErrors()
    draft = ResultDraft(
        title=_text(data, "title", TITLE_MAX, errors), abstract=_text(data, "abstract", TEXT_MAX, errors),
        keywords=_keywords(data, errors), trl=_trl(data, "trl", errors), maturity=_maturity(data, errors),
        patents=_patents(data, errors), transfer_modes=_transfer_modes(data, errors),
        asking_price=_amount(data, "asking_price", errors), field=_text(data, "field", TITLE_MAX, errors))
    errors.raise_if_any()
    return draft


def _text(data: Mapping, name: str, limit: int, errors: FieldErrors) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(name, "应为文本。")
    elif CONTROL_CHARACTERS.search(value):
        errors.add(name, "含有不允许的控制字符。")
    elif len(value) > limit:  # as typed: a title of 121 spaces is too long too
        errors.add(name, f"最多 {limit:,} 个字符（当前 {len(value):,}）。")
    else:
        return value.strip()
    return ""


def _keywords(data: Mapping, errors: FieldErrors) -> tuple[str, ...]:
    raw = data.get("keywords")
    if raw is None:
        return ()
    if isinstance(raw, str) and len(raw) > KEYWORDS_TEXT_MAX:
        errors.add("keywords", f"关键词最多 {KEYWORDS_TEXT_MAX} 个字符。")
        return ()
    if isinstance(raw, list) and len(raw) > KEYWORDS_MAX:  # counted as sent, before repeats are dropped
        errors.add("keywords", f"关键词最多 {KEYWORDS_MAX} 个。")
        return ()
    if isinstance(raw, list) and any(isinstance(word, str) and len(word) > KEYWORD_MAX_LEN for word in raw):
        errors.add("keywords", f"每个关键词最多 {KEYWORD_MAX_LEN} 个字符。")  # as sent, before stripping
        return ()
    return tuple(clean_keywords({"keywords": raw}, errors))


def _amount(data: Mapping, name: str, errors: FieldErrors) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)) or not _finite(value):
        errors.add(name, "应为数字（万元）。")
    elif value < 0:
        errors.add(name, "不能为负数。")
    elif value > MONEY_MAX:
        errors.add(name, "金额过大。")
    else:
        return float(value)
    return None


def _finite(value: float | Decimal) -> bool:
    """False for NaN and infinities (a form's "NaN" parses as a Decimal); an int of any size is finite."""
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int) or math.isfinite(value)


def _date(data: Mapping, name: str, errors: FieldErrors) -> date | None:
    value = data.get(name)
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.add(name, "日期格式应为 YYYY-MM-DD。")
    return None


def _trl(data: Mapping, name: str, errors: FieldErrors) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or not 1 <= value <= 9:
        errors.add(name, "技术成熟度（TRL）应为 1–9 的整数。")
        return None
    return int(value)


def _maturity(data: Mapping, errors: FieldErrors) -> Maturity | None:
    value = data.get("maturity")
    if value is None:
        return None
    if value not in Maturity.codes():
        errors.add("maturity", "请选择有效的成熟阶段。")
        return None
    return Maturity(value)


def _patents(data: Mapping, errors: FieldErrors) -> tuple[str, ...]:
    raw = data.get("patents")
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > PATENTS_MAX:
        errors.add("patents", f"专利应为列表，最多 {PATENTS_MAX} 项。")
        return ()
    numbers = []
    for index, item in enumerate(raw):
        item = item if isinstance(item, Mapping) else {}
        number = item.get("number")
        if not isinstance(number, str) or CONTROL_CHARACTERS.search(number):
            errors.add(f"patents.{index}.number", "请填写专利号。")
        elif number.strip():
            numbers.append(number.strip())
        if item.get("status") not in PatentStatus.codes():
            errors.add(f"patents.{index}.status", "专利状态应为“申请中”（pending）或“已授权”（granted）。")
    return tuple(numbers)


def _transfer_modes(data: Mapping, errors: FieldErrors) -> tuple[str, ...]:
    raw = data.get("transfer_modes")
    if raw is None:
        return ()
    if not isinstance(raw, list) or any(mode not in TransferMode.codes() for mode in raw):
        errors.add("transfer_modes", "转化方式应为许可（license）、转让（assignment）、作价投资（equity）中的一项或几项。")
        return ()
    return tuple(code for code in TransferMode.codes() if code in raw)
