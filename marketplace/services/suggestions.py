"""Explained suggestions: results for a demand, demands for a result, and matcher-ranked search."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from models import Demand, Field, ListingKind, Result, User, db

from .match_index import MatchIndex, demand_doc, doc_id, max_score, parse_doc_id, result_doc
from .pagination import Page
from .visibility import disclosure

MAX_SUGGESTIONS = 50


@dataclass(frozen=True)
class Suggestion:
    """A listing with its score, its 0–100 fit, the score components and the explanation."""

    listing: Any
    score: float
    fit: int
    components: dict
    explanation: dict


def _field_names() -> dict[str, str]:
    return {code: name for code, name in db.session.execute(sa.select(Field.code, Field.name_zh))}


def _readable(explanation: dict | None, names: dict[str, str]) -> dict:
    """Field codes in the matcher's notes become the taxonomy's names."""
    if not explanation:
        return {}
    for note in explanation.get("notes", []):
        for code, name in names.items():
            note["text"] = note["text"].replace(f"（{code}）", f"（{name}）")
    for code, name in names.items():
        explanation["summary"] = explanation.get("summary", "").replace(f"（{code}）", f"（{name}）")
    return explanation


def _rows(matches) -> dict[str, Any]:
    """The listings of index matches by index id, in one query per kind."""
    ids = {ListingKind.DEMAND: [], ListingKind.RESULT: []}
    for match in matches:
        kind, listing_id = parse_doc_id(match.id)
        ids[kind].append(listing_id)
    rows = {}
    for kind, model in ((ListingKind.DEMAND, Demand), (ListingKind.RESULT, Result)):
        if ids[kind]:
            for row in db.session.scalars(sa.select(model).where(model.id.in_(ids[kind]))).unique():
                rows[doc_id(kind, row.id)] = row
    return rows


def _suggestions(index: MatchIndex, matches, rows: dict[str, Any], names: dict[str, str]) -> list[Suggestion]:
    """Matches as suggestions, in rank order, skipping listings deleted or retired meanwhile."""
    top = max_score(index.weights)
    return [Suggestion(rows[m.id], m.score, min(100, round(100 * m.score / top)), m.components,
                       _readable(m.explanation, names))
            for m in matches if m.id in rows and rows[m.id].is_published]


def _hydrate(index: MatchIndex, matches) -> list[Suggestion]:
    """Load the listings of index matches, in rank order, skipping any deleted meanwhile."""
    return _suggestions(index, matches, _rows(matches), _field_names())


def query_doc(listing, viewer: User | None) -> dict:
    """The document a listing queries with: a confidential demand's details only for its owner."""
    if isinstance(listing, Demand):
        return demand_doc(listing, full=disclosure(listing, viewer).details)
    return result_doc(listing)


def suggest(index: MatchIndex, listing, viewer: User | None, limit: int = 10) -> list[Suggestion]:
    """The best-fitting listings of the other kind for a demand or a result."""
    target = "result" if isinstance(listing, Demand) else "demand"
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    matches = index.ready().query(query_doc(listing, viewer), top=limit,
                                  filters={"kind": target, "status": "published"})
    return _hydrate(index, matches)


def search(index: MatchIndex, text: str, kind: str, field: str, page: int, per_page: int) -> Page:
    """Free-text search ranked by the matcher (``kind`` demand or result, optional field)."""
    filters = {"kind": kind, "status": "published"} | ({"field": field} if field else {})
    depth = min(max(page * per_page, 200), 1000)  # the total counts up to this many hits
    matches = index.ready().query(text, top=depth, filters=filters) if text.strip() else []
    window = matches[(page - 1) * per_page: page * per_page]
    return Page(items=_hydrate(index, window), page=page, per_page=per_page, total=len(matches))


def pair_score(index: MatchIndex, demand: Demand, result: Result) -> tuple[float | None, dict | None]:
    """The matcher's score of one demand–result pair and what it was made of: the weighted
    components and the weights then in force, so ``flask match tune`` can re-weigh it later."""
    matcher = index.ready()
    key = doc_id(ListingKind.RESULT, result.id)
    if key not in matcher:
        return None, None
    # Both sides read the stored score: a confidential demand is scored by what both may see.
    match = matcher.explain(demand_doc(demand), key)
    return match.score, {"components": match.components, "weights": dict(index.weights)}


def for_listings(index: MatchIndex, listings, viewer: User | None, per_listing: int = 3) -> dict[int, list[Suggestion]]:
    """The top suggestions of each published listing (a workspace's overview), by listing id."""
    matcher = index.ready()
    matches = {listing.id: matcher.query(query_doc(listing, viewer), top=per_listing, filters={
        "kind": "result" if isinstance(listing, Demand) else "demand", "status": "published"})
        for listing in listings if listing.is_published}
    rows = _rows([m for found in matches.values() for m in found])  # one load for the whole page
    names = _field_names()
    return {listing_id: _suggestions(index, found, rows, names) for listing_id, found in matches.items()}
