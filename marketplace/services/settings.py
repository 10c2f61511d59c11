"""Platform settings that operators change from the console. Each has a fixed set of values and a
default that holds while no operator has chosen otherwise; every change is in the audit log.

- ``unverified_publishing``: what an organization the platform has not verified yet may do with
  its listings. ``labelled`` (the default): it publishes at once and its listings say 未认证 until
  an operator verifies it; ``held``: its listings wait as drafts until it is verified (publishing
  is refused with a message saying why)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from models import PlatformSetting, User, db

from . import audit
from .errors import FieldErrors, require_operator
from .listings import stripped_text


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    choices: tuple[tuple[str, str], ...]  # (value, what it means)
    default: str


SETTINGS = {
    "unverified_publishing": Setting(
        "unverified_publishing", "未认证机构发布需求和成果",
        (("labelled", "直接发布，列表和详情页标注“未认证”，直到平台认证该机构"),
         ("held", "认证后方可发布：未认证机构只能保存草稿")),
        "labelled"),
}


def value(key: str) -> str:
    """The setting's current value (its default while no operator has set it)."""
    row = db.session.get(PlatformSetting, key)
    return row.value if row is not None else SETTINGS[key].default


def current(actor: User | None) -> dict[str, str]:
    """Every setting's value (operators only)."""
    require_operator(actor)
    return {key: value(key) for key in SETTINGS}


def change(actor: User | None, data: dict[str, Any]) -> list[str]:
    """Set the settings given in ``data`` (operators only) with a ``reason`` for the log; returns
    the keys that changed."""
    require_operator(actor)
    errors = FieldErrors()
    wanted = {}
    for key, setting in SETTINGS.items():
        if key in data:
            given = str(data.get(key) or "")
            if given not in {choice for choice, _ in setting.choices}:
                errors.add(key, "请从给出的选项中选择。")
            else:
                wanted[key] = given
    reason = stripped_text(data.get("reason"), "reason", errors)
    if len(reason) > 500:
        errors.add("reason", "最多 500 个字符。")
    errors.raise_if_any("设置未保存。")
    changed = []
    for key, new in wanted.items():
        old = value(key)
        if new == old:
            continue
        row = db.session.get(PlatformSetting, key)
        if row is None:
            try:
                with db.session.begin_nested():
                    db.session.add(PlatformSetting(key=key, value=new, updated_by_id=actor.id))
            except IntegrityError:  # another operator set it first: the later choice stands
                row = db.session.get(PlatformSetting, key)
        if row is not None:
            row.value, row.updated_by_id = new, actor.id
        audit.record(f"setting.{key}", kind="setting", changes={"value": [old, new]}, note=reason, actor_id=actor.id)
        changed.append(key)
    db.session.flush()
    return changed


UNVERIFIED_HELD = "本机构尚未通过平台认证：平台当前要求认证后方可发布，请先保存为草稿，认证通过后再发布。"


def may_publish(organization) -> bool:
    """Whether ``organization`` may publish a listing now."""
    return organization.verified or value("unverified_publishing") != "held"
