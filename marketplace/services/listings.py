"""Rules shared by demands and results: text, field, keywords, numbers, ownership."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from models import DB_INT_MAX, EventKind, Field, ListingKind, NotificationKind, Organization, User, db, utcnow

from .activity import notify, operators, record_event, record_listing_change
from .compare_and_set import compare_and_set
from .errors import Conflict, FieldErrors, NotFound, PermissionDenied

TITLE_MAX = 120
TEXT_MAX = 10_000
SUMMARY_MAX = 500
REGION_MAX = 80
KEYWORDS_MAX = 10
KEYWORD_MAX_LEN = 30
MONEY_MAX = 10_000_000  # 万元: one thousand billion yuan is beyond any listing
_KEYWORD_SPLIT = re.compile(r"[,，、;；\n]+")


# Characters no text on the platform may hold: the C0 controls but tab, line feed and carriage
# return, DEL, and UTF-16 surrogates (a lone one cannot be stored as UTF-8: PostgreSQL refuses it,
# and U+0000 cannot be stored in PostgreSQL text at all). The request layer refuses them in every
# query string, form and JSON body (marketplace/errors.py); the services refuse them again here.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def stripped_text(value: Any, name: str, errors: FieldErrors) -> str:
    """``value`` stripped ("" when absent). A value that is not text — a JSON number, list or
    object where text goes — is an error of ``name``, not its ``str()``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(name, "应为文本。")
        return ""
    return value.strip()


def clean_text(data: Mapping, name: str, errors: FieldErrors, *, limit: int, required: bool = True) -> str:
    """A stripped string of at most ``limit`` characters."""
    text = stripped_text(data.get(name), name, errors)
    if name in errors.fields:  # not text
        return text
    if CONTROL_CHARACTERS.search(text):
        errors.add(name, "含有不允许的控制字符。")
    elif required and not text:
        errors.add(name, "此项必填。")
    elif len(text) > limit:
        errors.add(name, f"最多 {limit:,} 个字符（当前 {len(text):,}）。")
    return text


def clean_field(data: Mapping, errors: FieldErrors, current: str | None = None) -> str:
    """A field code of the taxonomy; a retired field only where the listing already has it."""
    code = str(data.get("field") or "").strip()
    field = db.session.get(Field, code) if code else None
    if not code:
        errors.add("field", "请选择技术领域。")
    elif field is None:
        errors.add("field", "未知的技术领域。")
    elif field.retired_at is not None and code != current:
        errors.add("field", f"“{field.name_zh}”领域已停用，请选择其他领域。")
    return code


def given_list(data: Mapping, name: str):
    """The value under ``name``, an empty list when absent or null. Anything else is returned as is
    for the caller to check: ``false`` or ``0`` is a value of the wrong type, not an empty list."""
    raw = data.get(name)
    return [] if raw is None else raw


def clean_keywords(data: Mapping, errors: FieldErrors) -> list[str]:
    """A list (or a comma/顿号-separated string) of distinct keywords."""
    raw = given_list(data, "keywords")
    if isinstance(raw, str):
        raw = _KEYWORD_SPLIT.split(raw)
    if not isinstance(raw, list) or not all(isinstance(k, str) for k in raw):
        errors.add("keywords", "关键词应为字符串列表。")
        return []
    keywords: list[str] = []
    for word in (k.strip() for k in raw):
        if word and word.lower() not in (k.lower() for k in keywords):
            keywords.append(word)
    if len(keywords) > KEYWORDS_MAX:
        errors.add("keywords", f"关键词最多 {KEYWORDS_MAX} 个。")
    elif any(len(k) > KEYWORD_MAX_LEN for k in keywords):
        errors.add("keywords", f"每个关键词最多 {KEYWORD_MAX_LEN} 个字符。")
    return keywords


def clean_number(data: Mapping, name: str, errors: FieldErrors, *, required: bool = True) -> float | None:
    """A non-negative amount in 万元 (None when optional and empty)."""
    raw = data.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.add(name, "此项必填。")
        return None
    if isinstance(raw, bool):
        errors.add(name, "应为数字（万元）。")
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        errors.add(name, "应为数字（万元）。")
        return None
    if value != value or value < 0:
        errors.add(name, "不能为负数。")
    elif value > MONEY_MAX:
        errors.add(name, "金额过大。")
    return round(value, 2)


def clean_trl(data: Mapping, name: str, errors: FieldErrors) -> int | None:
    """An integer technology readiness level 1–9."""
    raw = data.get(name)
    try:
        value = int(str(raw).strip()) if not isinstance(raw, (bool, float)) else None
    except (TypeError, ValueError):
        value = None
    if isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    if value is None or not 1 <= value <= 9:
        errors.add(name, "技术成熟度（TRL）应为 1–9 的整数。")
        return None
    return value


def clean_date(data: Mapping, name: str, errors: FieldErrors) -> date | None:
    """An ISO date (YYYY-MM-DD)."""
    raw = data.get(name)
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except (TypeError, ValueError):
        errors.add(name, "日期格式应为 YYYY-MM-DD。" if raw else "此项必填。")
        return None


def clean_choice(enum_cls, data: Mapping, name: str, errors: FieldErrors):
    """One code of ``enum_cls``."""
    raw = data.get(name)
    try:
        return enum_cls(str(raw).strip())
    except ValueError:
        errors.add(name, "请选择有效的选项。" if raw else "此项必填。")
        return None


def merged(listing: Any, data: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The listing's current values overlaid with the submitted ones (for PATCH)."""
    values = {}
    for name in names:
        if name in data:
            values[name] = data[name]
        elif listing is not None:
            current = getattr(listing, "field_code" if name == "field" else name)
            values[name] = current.value if hasattr(current, "value") else current
    return values


def require_owner(actor: User | None, listing: Any, can_see: bool) -> None:
    """404 for what the actor may not see; 403 for what they see but do not own."""
    if not can_see:
        raise NotFound("内容不存在或无权查看。")
    if actor is None or not listing.is_owned_by(actor):
        raise PermissionDenied("只有发布机构可以修改此内容。")


def get_listing(model: type, listing_id: int) -> Any:
    """The row or NotFound (an id beyond a database integer exists nowhere: no overflow 500)."""
    listing = db.session.get(model, listing_id) if 1 <= listing_id <= DB_INT_MAX else None
    if listing is None:
        raise NotFound("内容不存在或无权查看。")
    return listing


def appeal_if_hidden(listing: Any, noun: str, link: str) -> None:
    """The owner edited a listing an operator hid: that is the appeal — the operators are told to
    look again (services/moderation.py restores it or leaves it hidden)."""
    if listing.status.value != "hidden":
        return
    listing.appealed_at = utcnow()
    notify(operators(), NotificationKind.MODERATION, f"被隐藏的{noun}“{listing.title}”已由发布方修改，请复核。", link)


@dataclass(frozen=True)
class Lifecycle:
    """One listing kind's state machine (its transition table) and what each move records."""

    noun: str  # 需求 / 成果, for messages
    kind: ListingKind
    transitions: Mapping[Any, frozenset]
    draft: Any
    published: Any
    published_event: EventKind
    retire_verb: str  # 关闭 / 撤回: what to do instead of deleting a published listing
    final: Any  # where a validated pair's listings end; no user transition leads in or out

    def finish(self, listing: Any) -> None:
        """Move a published (or closed/withdrawn) listing to its final state, once."""
        if listing.status in (self.draft, self.final):
            raise Conflict(f"{self.noun}当前为“{listing.status.label}”，不能标记为“{self.final.label}”。")
        self._compare_and_set(listing, status=self.final)
        record_listing_change(self.kind, listing.id)

    def check(self, listing: Any, status: Any) -> None:
        """Conflict unless the table allows ``listing.status`` → ``status``."""
        if status not in self.transitions[listing.status]:
            raise Conflict(
                f"{self.noun}状态不能从“{listing.status.label}”变为“{status.label}”。",
                {"status": f"不允许的状态变化：{listing.status.value} → {status.value}。"},
            )

    def check_request(self, listing: Any, status: Any | None, editing: bool) -> None:
        """A requested status must be a move the table allows; asking only for the status the
        listing already has is a Conflict too (a repeated publish changes nothing and says so)."""
        if status is None:
            return
        if status is not listing.status:
            self.check(listing, status)
        elif not editing:
            raise Conflict(f"{self.noun}已是“{status.label}”状态。",
                           {"status": f"已是 {status.value}。"})

    def expect(self, listing: Any, expected: Any | None) -> None:
        """Conflict when a button was shown for another status than the current one."""
        if expected is not None and listing.status is not expected:
            raise Conflict(f"{self.noun}当前为“{listing.status.label}”，此操作已不适用。")

    def move(self, listing: Any, status: Any) -> None:
        """Apply an allowed transition as a compare-and-set UPDATE (of two concurrent moves from the
        same status one wins, the other is a Conflict); publishing stamps published_at once and
        records an event. An unverified organization publishes only while the platform's setting
        lets it (services/settings.py)."""
        self.check(listing, status)
        if status is self.published:
            from .settings import UNVERIFIED_HELD, may_publish  # settings reads listings' text cleaning

            if not may_publish(db.session.get(Organization, listing.organization_id)):
                raise Conflict(UNVERIFIED_HELD, {"status": UNVERIFIED_HELD})
        values = {"status": status}
        if status is self.published:
            now = utcnow()
            values["published_at"] = sa.func.coalesce(type(listing).published_at, now)
            values["confirmed_at"], values["stale_notified_at"] = now, None  # fresh again
        self._compare_and_set(listing, **values)
        if status is self.published:
            record_event(self.published_event, field_code=listing.field_code,
                         **{f"{self.kind.value}_id": listing.id})

    def confirm(self, listing: Any) -> None:
        """The owners say a published listing is still current: the freshness clock restarts."""
        if listing.status is not self.published:
            raise Conflict(f"只有已发布的{self.noun}需要确认仍然有效。")
        self._compare_and_set(listing, confirmed_at=utcnow(), stale_notified_at=None)

    def touch(self, listing: Any) -> None:
        """An owner's edit of a published listing confirms it too."""
        if listing.status is self.published:
            listing.confirmed_at, listing.stale_notified_at = utcnow(), None

    def delete_draft(self, listing: Any) -> None:
        """Delete a draft; anything published is retired instead, so nothing is lost."""
        if listing.status is not self.draft:
            raise Conflict(f"只能删除草稿；已发布的{self.noun}请{self.retire_verb}。")
        self._compare_and_set(listing)  # locks the row: a concurrent second delete finds nothing
        record_listing_change(self.kind, listing.id)
        db.session.delete(listing)
        db.session.flush()

    def _compare_and_set(self, listing: Any, **values) -> None:
        """UPDATE the row only while it still has the status this request read (and lock it)."""
        db.session.flush()  # a new listing needs its row, an edit its fields, before the status moves
        compare_and_set(listing, f"这条{self.noun}的状态已被他人更改，请刷新页面后重试。",
                        type(listing).status == listing.status, **(values or {"status": listing.status}))
