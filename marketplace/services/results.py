"""Research results: create, edit, publish/withdraw, delete drafts, patents."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from models import (
    EventKind,
    ListingKind,
    Maturity,
    Patent,
    PatentStatus,
    Result,
    ResultStatus,
    Role,
    TransferMode,
    User,
    db,
)

from .activity import record_listing_change
from .errors import Conflict, FieldErrors, NotFound, PermissionDenied
from .listings import (
    appeal_if_hidden,
    REGION_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Lifecycle,
    clean_choice,
    clean_field,
    clean_keywords,
    clean_number,
    clean_text,
    clean_trl,
    get_listing,
    given_list,
    merged,
    require_owner,
)

FIELDS = ("title", "abstract", "field", "keywords", "trl", "maturity", "patents",
          "transfer_modes", "asking_price", "region")
PATENTS_MAX = 20

TRANSITIONS: dict[ResultStatus, frozenset[ResultStatus]] = {
    ResultStatus.DRAFT: frozenset({ResultStatus.PUBLISHED}),
    ResultStatus.PUBLISHED: frozenset({ResultStatus.WITHDRAWN}),
    ResultStatus.WITHDRAWN: frozenset({ResultStatus.PUBLISHED}),
    ResultStatus.VALIDATED: frozenset(),  # final; reached only through an accepted validation report
    ResultStatus.HIDDEN: frozenset(),  # an operator hid it; only an operator restores it (services/moderation.py)
}
LIFECYCLE = Lifecycle("成果", ListingKind.RESULT, TRANSITIONS, ResultStatus.DRAFT, ResultStatus.PUBLISHED,
                      EventKind.RESULT_PUBLISHED, "撤回", ResultStatus.VALIDATED)

# Chinese application (CN202310456789.1, ZL…) or publication (CN116123456A), PCT, US, EP numbers.
PATENT_NUMBER = re.compile(
    r"^(?:"
    r"(?:CN|ZL)\s?\d{8,12}(?:\.[\dX])?"
    r"|CN\s?\d{6,9}\s?[ABUYCS]\d?"
    r"|PCT/[A-Z]{2}\d{4}/\d{5,6}"
    r"|US\s?(?:\d{4}/?\d{7}|\d{7,8}|RE\d{5})(?:\s?[AB]\d)?"
    r"|EP\s?\d{7}(?:\s?[AB]\d)?"
    r")$",
    re.ASCII,  # \d must not accept other scripts' digits
)


def can_view(result: Result, viewer: User | None) -> bool:
    """Published and validated results to everyone; drafts, withdrawn and hidden ones to the owner and operators."""
    if result.status in (ResultStatus.PUBLISHED, ResultStatus.VALIDATED):
        return True
    return viewer is not None and (result.is_owned_by(viewer) or viewer.is_admin)


def get_result(viewer: User | None, result_id: int) -> Result:
    """The result if ``viewer`` may see it, else NotFound."""
    result = get_listing(Result, result_id)
    if not can_view(result, viewer):
        raise NotFound("内容不存在或无权查看。")
    return result


def get_editable_result(actor: User | None, result_id: int) -> Result:
    """The result if ``actor``'s organization owns it (404 if unseen, 403 if not theirs)."""
    result = get_listing(Result, result_id)
    require_owner(actor, result, can_view(result, actor))
    return result


def normalize_patent_number(raw: str) -> str:
    """Upper-case, full-width → ASCII (NFKC: Chinese input methods type ＣＮ２０２３…), no inner spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw).strip().upper())


def clean_patents(data: Mapping, errors: FieldErrors) -> list[tuple[str, PatentStatus]]:
    """A list of {number, status}; numbers must look like CN, PCT, US or EP numbers."""
    raw = given_list(data, "patents")
    if not isinstance(raw, list) or len(raw) > PATENTS_MAX:
        errors.add("patents", f"专利应为列表，最多 {PATENTS_MAX} 项。")
        return []
    patents: list[tuple[str, PatentStatus]] = []
    for index, item in enumerate(raw):
        item = item if isinstance(item, Mapping) else {}
        number = normalize_patent_number(str(item.get("number") or ""))
        if not PATENT_NUMBER.match(number):
            errors.add(f"patents.{index}.number",
                       "专利号格式不正确（例如 CN202310456789.1、CN116123456A、PCT/CN2024/081234、US11876543B2、EP4123456A1）。")
        status = clean_choice(PatentStatus, item, "status", sub := FieldErrors())
        if sub:
            errors.add(f"patents.{index}.status", "专利状态应为 pending（申请中）或 granted（已授权）。")
        if number in (p[0] for p in patents):
            errors.add(f"patents.{index}.number", "专利号重复。")
        patents.append((number, status))
    return patents


def clean_transfer_modes(data: Mapping, errors: FieldErrors) -> list[str]:
    """A non-empty subset of license/assignment/equity, in canonical order."""
    raw = given_list(data, "transfer_modes")
    if isinstance(raw, str):
        raw = [raw]
    codes = TransferMode.codes()
    if not isinstance(raw, list) or not raw or any(str(m) not in codes for m in raw):
        errors.add("transfer_modes", "请选择至少一种转化方式：许可、转让或作价投资。")
        return []
    return [code for code in codes if code in {str(m) for m in raw}]


def _clean(data: Mapping[str, Any], current: Result | None) -> dict[str, Any]:
    values = merged(current, data, FIELDS)
    if current is not None and "patents" not in data:
        values["patents"] = [{"number": p.number, "status": p.status.value} for p in current.patents]
    errors = FieldErrors()
    cleaned = {
        "title": clean_text(values, "title", errors, limit=TITLE_MAX),
        "abstract": clean_text(values, "abstract", errors, limit=TEXT_MAX),
        "field_code": clean_field(values, errors, current.field_code if current else None),
        "keywords": clean_keywords(values, errors),
        "trl": clean_trl(values, "trl", errors),
        "maturity": clean_choice(Maturity, values, "maturity", errors),
        "patents": clean_patents(values, errors),
        "transfer_modes": clean_transfer_modes(values, errors),
        "asking_price": clean_number(values, "asking_price", errors, required=False),
        "region": clean_text(values, "region", errors, limit=REGION_MAX, required=False),
    }
    errors.raise_if_any()
    return cleaned


def _assign(result: Result, cleaned: dict[str, Any]) -> None:
    patents = cleaned.pop("patents")
    for name, value in cleaned.items():
        setattr(result, name, value)
    wanted = {number: status for number, status in patents}
    for patent in list(result.patents):
        if patent.number not in wanted:
            result.patents.remove(patent)
    existing = {p.number: p for p in result.patents}
    for position, (number, status) in enumerate(patents):
        patent = existing.get(number) or Patent(number=number, status=status)
        patent.status, patent.position = status, position
        if number not in existing:
            result.patents.append(patent)


def _wanted_status(data: Mapping[str, Any]) -> ResultStatus | None:
    if "status" not in data or data["status"] in (None, ""):
        return None
    errors = FieldErrors()
    status = clean_choice(ResultStatus, data, "status", errors)
    errors.raise_if_any()
    return status


def create_result(actor: User, data: Mapping[str, Any]) -> Result:
    """A new result of the actor's university or institute; a draft unless published."""
    if actor.role is not Role.RESEARCHER:
        raise PermissionDenied("只有科研人员账号可以发布成果。")
    status = _wanted_status(data) or ResultStatus.DRAFT
    if status not in (ResultStatus.DRAFT, ResultStatus.PUBLISHED):
        raise Conflict("新成果只能保存为草稿或直接发布。", {"status": "只能为 draft 或 published。"})
    cleaned = _clean(data, None)
    if not cleaned["region"]:
        cleaned["region"] = actor.organization.region
    result = Result(organization_id=actor.organization_id, created_by_id=actor.id,
                    status=ResultStatus.DRAFT)
    _assign(result, cleaned)
    db.session.add(result)
    if status is ResultStatus.PUBLISHED:
        LIFECYCLE.move(result, status)
    db.session.flush()
    record_listing_change(ListingKind.RESULT, result.id)
    return result


def update_result(actor: User, result_id: int, data: Mapping[str, Any]) -> Result:
    """Edit fields and/or move the status (PATCH semantics)."""
    result = get_editable_result(actor, result_id)
    status = _wanted_status(data)
    LIFECYCLE.check_request(result, status, editing=any(name in data for name in FIELDS))
    if any(name in data for name in FIELDS):
        _assign(result, _clean(data, result))
        appeal_if_hidden(result, "成果", f"/results/{result.id}")
        LIFECYCLE.touch(result)
    if status is not None and status is not result.status:
        LIFECYCLE.move(result, status)
    db.session.flush()
    record_listing_change(ListingKind.RESULT, result.id)
    return result


def confirm_result(actor: User, result_id: int) -> Result:
    """The owners confirm a published result is still current (services/freshness.py)."""
    result = get_editable_result(actor, result_id)
    LIFECYCLE.confirm(result)
    return result


def change_result_status(actor: User, result_id: int, status: ResultStatus,
                         expected: ResultStatus | None = None) -> Result:
    """Publish, withdraw or re-publish a result; with ``expected``, only from that status (a stale button is a Conflict)."""
    result = get_editable_result(actor, result_id)
    LIFECYCLE.expect(result, expected)
    return update_result(actor, result_id, {"status": status.value})


def delete_result(actor: User, result_id: int) -> None:
    """Delete a draft; published results are withdrawn instead."""
    result = get_editable_result(actor, result_id)
    LIFECYCLE.delete_draft(result)

