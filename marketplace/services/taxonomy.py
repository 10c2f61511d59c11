"""The taxonomy of technology fields, kept by the operators: add a field, rename it (Chinese and
English), move it up or down the display order, retire it (its listings keep it and stay
readable; forms no longer offer it) or bring it back. Every change is in the audit log. A field is
never deleted: listings, watches and statistics refer to it."""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from models import Field, User, db, utcnow

from . import audit
from .errors import Conflict, FieldErrors, NotFound, require_operator
from .listings import stripped_text

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def fields(actor: User | None) -> list[Field]:
    """Every field in display order, with how many listings use each (operators only)."""
    require_operator(actor)
    return list(db.session.scalars(sa.select(Field).order_by(Field.sort_order, Field.code)))


def usage() -> dict[str, int]:
    """field code → demands and results filed under it."""
    from models import Demand, Result

    counts: dict[str, int] = {}
    for model in (Demand, Result):
        for code, count in db.session.execute(sa.select(model.field_code, sa.func.count()).group_by(model.field_code)):
            counts[code] = counts.get(code, 0) + count
    return counts


def _get(code: Any) -> Field:
    field = db.session.get(Field, str(code or "")[:40]) if code else None
    if field is None:
        raise NotFound("领域不存在。")
    return field


def _names(data: dict, errors: FieldErrors, current: Field | None = None) -> tuple[str, str]:
    zh = stripped_text(data.get("name_zh"), "name_zh", errors)
    en = stripped_text(data.get("name_en"), "name_en", errors)
    if not zh:
        errors.add("name_zh", "请填写中文名称。")
    elif len(zh) > 40:
        errors.add("name_zh", "中文名称最多 40 个字符。")
    elif db.session.scalar(sa.select(Field.code).where(Field.name_zh == zh, Field.code != (current.code if current else ""))):
        errors.add("name_zh", "已有同名领域。")
    if not en:
        errors.add("name_en", "请填写英文名称。")
    elif len(en) > 80:
        errors.add("name_en", "英文名称最多 80 个字符。")
    return zh, en


def add(actor: User | None, data: dict) -> Field:
    """A new field at the end of the order; ``code`` is lower-case letters, digits and _."""
    require_operator(actor)
    errors = FieldErrors()
    code = str(data.get("code") or "").strip()
    if not CODE.match(code):
        errors.add("code", "代码为 2–40 个小写字母、数字或下划线，以字母开头，如 quantum_tech。")
    elif db.session.get(Field, code) is not None:
        errors.add("code", "该代码已被使用。")
    zh, en = _names(data, errors)
    errors.raise_if_any("领域未添加。")
    last = db.session.scalar(sa.select(sa.func.max(Field.sort_order))) or 0
    field = Field(code=code, name_zh=zh, name_en=en, sort_order=last + 10)
    db.session.add(field)
    audit.label(field, "field.add", "", actor)
    db.session.flush()
    return field


def rename(actor: User | None, code: Any, data: dict) -> Field:
    """New Chinese and English names (the code, which listings and the API use, stays)."""
    require_operator(actor)
    field = _get(code)
    errors = FieldErrors()
    zh, en = _names(data, errors, field)
    errors.raise_if_any("名称未保存。")
    audit.label(field, "field.rename", "", actor)
    field.name_zh, field.name_en = zh, en
    db.session.flush()
    return field


def move(actor: User | None, code: Any, direction: str) -> Field:
    """Swap the field with its neighbour above (``up``) or below (``down``) in the display order."""
    require_operator(actor)
    field = _get(code)
    if direction not in ("up", "down"):
        raise NotFound("页面不存在。")
    ordered = fields(actor)
    if len({item.sort_order for item in ordered}) < len(ordered):  # ties: space them out so a swap moves
        for position, item in enumerate(ordered):
            item.sort_order = (position + 1) * 10
    index = ordered.index(field)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        raise Conflict("已在最前。" if direction == "up" else "已在最后。")
    neighbour = ordered[other]
    audit.label(field, "field.move", f"与 {neighbour.code} 交换位置", actor)
    field.sort_order, neighbour.sort_order = neighbour.sort_order, field.sort_order
    db.session.flush()
    return field


def retire(actor: User | None, code: Any) -> Field:
    """Stop offering the field in forms; its listings keep it."""
    require_operator(actor)
    field = _get(code)
    if field.retired_at is not None:
        raise Conflict("该领域已停用。")
    if db.session.scalar(sa.select(sa.func.count()).select_from(Field).where(Field.retired_at.is_(None))) <= 1:
        raise Conflict("至少保留一个启用的领域：发布需求和成果都要选择领域。")
    audit.label(field, "field.retire", "", actor)
    field.retired_at = utcnow()
    db.session.flush()
    return field


def restore(actor: User | None, code: Any) -> Field:
    """Offer a retired field again."""
    require_operator(actor)
    field = _get(code)
    if field.retired_at is None:
        raise Conflict("该领域未停用。")
    audit.label(field, "field.restore", "", actor)
    field.retired_at = None
    db.session.flush()
    return field
