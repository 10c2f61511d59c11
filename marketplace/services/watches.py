"""Watches: saved searches and "notify me of new matches above a threshold" on a listing, and
their evaluation against the listing change log (``check_watches``, run after every listing
write and by ``flask alerts check``)."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import (DB_INT_MAX, Demand, DemandStatus, Field, ListingChange, ListingKind, Notification, NotificationKind,
                    Result, ResultStatus, User, Watch, db)

from . import demands, results
from .activity import notify
from .errors import Conflict, FieldErrors, NotFound
from .match_index import MatchIndex, doc_id, max_score
from .pagination import Page, paginate
from .suggestions import query_doc

QUERY_MAX = 200
DUPLICATE = "已有相同的订阅。"
DUPLICATE_HINT = "已有相同的订阅，可在“我的订阅”中查看。"
DEFAULT_MIN_SCORE = 0.5
_MODELS = {ListingKind.DEMAND: Demand, ListingKind.RESULT: Result}
_PUBLISHED = {ListingKind.DEMAND: DemandStatus.PUBLISHED, ListingKind.RESULT: ResultStatus.PUBLISHED}
_PATHS = {ListingKind.DEMAND: "/demands/{}", ListingKind.RESULT: "/results/{}"}


# -- saved searches and listing alerts ------------------------------------------------------------

def _clean_min_score(data: Mapping[str, Any], errors: FieldErrors) -> float:
    raw = data.get("min_score")
    if raw is None or raw == "":
        return DEFAULT_MIN_SCORE
    try:
        value = float(raw) if not isinstance(raw, bool) else None
    except (TypeError, ValueError):
        value = None
    if value is None or math.isnan(value) or not 0 <= value <= 1:
        errors.add("min_score", "匹配度阈值应为 0–1 之间的数（例如 0.6 表示 60%）。")
        return DEFAULT_MIN_SCORE
    return round(value, 4)


def _clean_field(data: Mapping[str, Any], errors: FieldErrors) -> str | None:
    code = str(data.get("field") or "").strip()
    field = db.session.get(Field, code) if code else None
    if code and field is None:
        errors.add("field", "未知的技术领域。")
    elif field is not None and field.retired_at is not None:
        errors.add("field", f"“{field.name_zh}”领域已停用，请选择其他领域。")
    return code or None


def _clean_listing(actor: User, data: Mapping[str, Any], errors: FieldErrors) -> tuple[str, Any]:
    """The watched listing (demand_id or result_id) if the actor may see it."""
    name = "demand_id" if data.get("demand_id") not in (None, "") else "result_id"
    getter = demands.get_demand if name == "demand_id" else results.get_result
    try:
        listing_id = int(data[name]) if not isinstance(data[name], bool) else 0
        if not 1 <= listing_id <= DB_INT_MAX:
            raise ValueError(name)
        return name, getter(actor, listing_id)
    except (TypeError, ValueError, NotFound):
        errors.add(name, "要订阅的条目不存在或无权查看。")
        return name, None


def _subject(actor: User, data: Mapping[str, Any], errors: FieldErrors) -> dict[str, Any]:
    """What the watch looks for: a query text and target kind, or the other kind of a listing."""
    has_listing = any(data.get(name) not in (None, "") for name in ("demand_id", "result_id"))
    if has_listing:
        if data.get("demand_id") not in (None, "") and data.get("result_id") not in (None, ""):
            errors.add("result_id", "一次只能订阅一个条目。")
        if str(data.get("query") or "").strip():
            errors.add("query", "关键词订阅与条目订阅只能二选一。")
        name, listing = _clean_listing(actor, data, errors)
        target = ListingKind.RESULT if name == "demand_id" else ListingKind.DEMAND
        return {"target": target, name: listing.id if listing is not None else None}
    raw = data.get("query") or ""
    query = raw.strip() if isinstance(raw, str) else ""
    if not isinstance(raw, str):
        errors.add("query", "关键词应为字符串。")
    elif not query:
        errors.add("query", "请输入要订阅的关键词。")
    elif len(query) > QUERY_MAX:
        errors.add("query", f"关键词最多 {QUERY_MAX} 个字符。")
    try:
        target = ListingKind(str(data.get("target") or "").strip())
    except ValueError:
        errors.add("target", "请选择订阅技术需求（demand）或科技成果（result）。")
        target = None
    return {"target": target, "query_text": query}


def subject_key(values: Mapping[str, Any]) -> str:
    """What a watch looks for, as one string (the unique constraint is on user and this)."""
    parts = [values.get("target"), values.get("field_code"), values.get("demand_id"), values.get("result_id"),
             values.get("query_text")]
    return "|".join("" if part is None else str(getattr(part, "value", part)) for part in parts)


def create_watch(actor: User, data: Mapping[str, Any]) -> Watch:
    """Save a search or a listing alert; only listings published after now are alerted. The same
    subject twice is a Conflict, also when two requests race (a unique constraint decides)."""
    errors = FieldErrors()
    values = _subject(actor, data, errors) | {"field_code": _clean_field(data, errors),
                                              "min_score": _clean_min_score(data, errors)}
    errors.raise_if_any("订阅内容有误，请检查标出的字段。")
    watch = Watch(user_id=actor.id, last_change_id=newest_change_id(), subject_key=subject_key(values), **values)
    taken = sa.select(Watch.id).where(Watch.user_id == actor.id, Watch.subject_key == watch.subject_key)
    if db.session.scalar(taken) is not None:
        raise Conflict(DUPLICATE, {"query": DUPLICATE_HINT})
    try:
        with db.session.begin_nested():
            db.session.add(watch)
            db.session.flush()
    except IntegrityError:
        raise Conflict(DUPLICATE, {"query": DUPLICATE_HINT}) from None
    return watch


def list_watches(actor: User, page: int, per_page: int) -> Page:
    """The actor's watches, newest first."""
    query = sa.select(Watch).where(Watch.user_id == actor.id).order_by(Watch.id.desc())
    return paginate(query, page, per_page)


def get_watch(actor: User, watch_id: int) -> Watch:
    """One of the actor's own watches; anyone else's is NotFound."""
    watch = db.session.get(Watch, watch_id)
    if watch is None or watch.user_id != actor.id:
        raise NotFound("订阅不存在。")
    return watch


def delete_watch(actor: User, watch_id: int) -> None:
    """Delete one of the actor's watches."""
    db.session.delete(get_watch(actor, watch_id))
    db.session.flush()


def watched_listings(watches) -> dict[int, Any]:
    """watch id → the demand or result a listing alert watches (for showing titles)."""
    found = {}
    for watch in watches:
        if watch.demand_id or watch.result_id:
            model = Demand if watch.demand_id else Result
            found[watch.id] = db.session.get(model, watch.demand_id or watch.result_id)
    return found


# -- evaluation -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pending:
    """A watch with changes it has not seen, and the cursor it was read with."""

    watch: Watch
    cursor: int


def newest_change_id() -> int:
    """The id of the newest listing change (0 for an empty log)."""
    return db.session.scalar(sa.select(sa.func.max(ListingChange.id))) or 0


def pending_watches(newest: int) -> list[Pending]:
    """Watches whose cursor is behind ``newest``, in id order (a stable lock order for workers)."""
    rows = db.session.scalars(sa.select(Watch).where(Watch.last_change_id < newest).order_by(Watch.id))
    return [Pending(watch, watch.last_change_id) for watch in rows]


def check_watches(index: MatchIndex) -> int:
    """Notify watch owners of new or edited published listings at or above their threshold.

    Safe to run in several workers at once; returns how many notifications were created."""
    newest = newest_change_id()
    return check_pending(index, pending_watches(newest), newest)


def check_pending(index: MatchIndex, pending: list[Pending], newest: int) -> int:
    """Evaluate watches read earlier (possibly stale: another worker may have advanced them)."""
    if not pending:
        return 0
    matcher, top = index.ready(), max_score(index.weights)
    changes = db.session.execute(
        sa.select(ListingChange.id, ListingChange.kind, ListingChange.listing_id)
        .where(ListingChange.id > min(p.cursor for p in pending), ListingChange.id <= newest)
        .order_by(ListingChange.id)).all()
    sent = 0
    for item in pending:
        ids = list(dict.fromkeys(lid for cid, kind, lid in changes if cid > item.cursor and kind is item.watch.target))
        hits = _hits(matcher, top, item.watch, ids) if ids else []
        if _advance(item, newest):  # only the worker that moved the cursor notifies
            sent += _notify(item.watch, hits)
    return sent


def _advance(item: Pending, newest: int) -> bool:
    """Move the cursor iff nobody else did meanwhile (conditional UPDATE; row lock on PostgreSQL)."""
    moved = db.session.execute(
        sa.update(Watch).where(Watch.id == item.watch.id, Watch.last_change_id == item.cursor)
        .values(last_change_id=newest).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        return False
    db.session.expire(item.watch, ["last_change_id"])
    return True


def _watch_query(watch: Watch, owner: User) -> str | dict | None:
    """The watch's query: its text, or the watched listing as its owner's query document."""
    if watch.query_text:
        return watch.query_text
    listing = db.session.get(Demand, watch.demand_id) if watch.demand_id else db.session.get(Result, watch.result_id)
    return query_doc(listing, owner) if listing is not None else None


def _hits(matcher, top: float, watch: Watch, ids: list[int]) -> list[tuple[Any, int]]:
    """(listing, fit %) of the changed listings that are published, not the owner's own, and fit enough."""
    owner = db.session.get(User, watch.user_id)
    query = _watch_query(watch, owner) if owner is not None else None
    if query is None:
        return []
    model = _MODELS[watch.target]
    rows = sa.select(model).where(model.id.in_(ids), model.status == _PUBLISHED[watch.target],
                                  model.organization_id != owner.organization_id)
    if watch.field_code:
        rows = rows.where(model.field_code == watch.field_code)
    hits = []
    for listing in db.session.scalars(rows.order_by(model.id)).unique():
        key = doc_id(watch.target, listing.id)
        if key in matcher:
            fit = min(1.0, matcher.explain(query, key).score / top)
            if fit >= watch.min_score:
                hits.append((listing, round(100 * fit)))
    return hits


def _listing_subject(watch: Watch) -> str:
    listing = db.session.get(Demand, watch.demand_id) if watch.demand_id else db.session.get(Result, watch.result_id)
    return f"您关注的{'需求' if watch.demand_id else '成果'}“{listing.title}”" if listing else "您关注的条目"


def _notify(watch: Watch, hits: list[tuple[Any, int]]) -> int:
    """One NEW_MATCH notification per hit, unless this watch already alerted this listing.

    The link carries the watch id, so (user, kind, link) identifies a watch+listing pair: an
    edited listing is re-checked but never alerted twice for the same watch."""
    owner, sent = db.session.get(User, watch.user_id), 0
    subject = f"您订阅的“{watch.query_text}”" if watch.query_text else _listing_subject(watch)
    for listing, fit in hits:
        link = _PATHS[watch.target].format(listing.id) + f"?watch={watch.id}"
        seen = sa.select(Notification.id).where(Notification.user_id == watch.user_id, Notification.link == link,
                                                Notification.kind == NotificationKind.NEW_MATCH)
        if db.session.scalar(seen.limit(1)) is None:
            text = f"{subject}有新的高匹配{watch.target.label}：{listing.title}（匹配度 {fit}%）"
            sent += len(notify([owner], NotificationKind.NEW_MATCH, text, link))
    return sent
