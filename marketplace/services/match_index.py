"""The live match index of one process: built from the database, saved to disk, and kept
current by replaying the listing change log before every answer, so a listing published in one
gunicorn worker (or on another machine sharing the database) is matchable in all of them."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import sqlalchemy as sa

from matching import DEFAULT_WEIGHTS, Matcher
from models import Demand, DemandStatus, ListingChange, ListingKind, Result, ResultStatus, db

from .visibility import list_disclosure, public_text, redacted

PREFIX = {ListingKind.DEMAND: "d", ListingKind.RESULT: "r"}
# What the index holds: what the public lists show (closed demands too, for keyword filtering of
# the closed list). Suggestions, search and alerts ask for status "published" only.
INDEXED = {ListingKind.DEMAND: (DemandStatus.PUBLISHED, DemandStatus.CLOSED), ListingKind.RESULT: (ResultStatus.PUBLISHED,)}
WEIGHTS_FILE = "weights.json"
STATE_FILE = "state.json"


def doc_id(kind: ListingKind, listing_id: int) -> str:
    """The index id of a listing: d12 / r34."""
    return f"{PREFIX[kind]}{listing_id}"


def parse_doc_id(value: str) -> tuple[ListingKind, int]:
    """Inverse of ``doc_id``."""
    kind = ListingKind.DEMAND if value[0] == "d" else ListingKind.RESULT
    return kind, int(value[1:])


def demand_doc(demand: Demand, full: bool = False) -> dict:
    """A demand as the matcher sees it. A confidential demand shows non-parties only its title,
    field and summary, so unless ``full`` its document holds nothing else (no keywords, budget or
    TRL that an explanation or a score could reveal)."""
    doc = {"id": doc_id(ListingKind.DEMAND, demand.id), "title": demand.title, "text": demand.description,
           "keywords": list(demand.keywords), "kind": "demand", "field": demand.field_code,
           "status": demand.status.value, "trl_target": demand.trl_target,
           "budget_min": demand.budget_min, "budget_max": demand.budget_max}
    if not full:  # what every viewer may see (services/visibility.py)
        shown = redacted({"keywords": doc["keywords"], "trl_target": doc["trl_target"],
                          "budget_min": doc["budget_min"], "budget_max": doc["budget_max"]},
                         list_disclosure(demand, None))
        doc.update(shown, text=public_text(demand))
    return doc


def result_doc(result: Result) -> dict:
    """A result as the matcher sees it."""
    return {"id": doc_id(ListingKind.RESULT, result.id), "title": result.title, "text": result.abstract,
            "keywords": list(result.keywords), "kind": "result", "field": result.field_code,
            "status": result.status.value, "trl": result.trl, "asking_price": result.asking_price}


def max_score(weights: dict) -> float:
    """The highest score a match can reach with these weights (for a 0–100% fit)."""
    return sum(v for k, v in weights.items() if k != "feedback") or 1.0


class MatchIndex:
    """One Matcher over the listed listings (``INDEXED``) plus the id of the last change it has seen."""

    def __init__(self, path: str | Path | None = None, weights: dict | None = None):
        self.path = Path(path) if path else None
        self.weights = dict(weights or self._saved_weights() or DEFAULT_WEIGHTS)
        self.matcher: Matcher | None = None
        self.last_change_id = 0
        self._lock = threading.RLock()

    def _saved_weights(self) -> dict | None:
        file = self.path / WEIGHTS_FILE if self.path else None
        return json.loads(file.read_text()) if file and file.exists() else None

    def reset(self) -> None:
        """Forget everything (the next answer rebuilds from the database)."""
        with self._lock:
            self.matcher, self.last_change_id = None, 0

    def ready(self) -> Matcher:
        """The index, current with the database: loaded or built once, then caught up."""
        with self._lock:
            if self.matcher is None and not self._load():
                self.rebuild()
            self.catch_up()
            return self.matcher

    def _load(self) -> bool:
        if not self.path or not (self.path / STATE_FILE).exists():
            return False
        try:
            self.matcher = Matcher.load(self.path / "index")
            self.last_change_id = json.loads((self.path / STATE_FILE).read_text())["last_change_id"]
        except Exception:  # an unreadable or older-format index is rebuilt, never fatal
            self.matcher = None
            return False
        self.matcher.set_params(weights=self.weights)
        return True

    def rebuild(self, progress: bool = False, workers: int = 1) -> int:
        """Fit on every listed listing (published, and closed demands); returns the document count.
        ``workers`` processes tokenize in parallel (the command line uses every core)."""
        with self._lock:
            last = db.session.scalar(sa.select(sa.func.max(ListingChange.id))) or 0
            self.matcher = Matcher(weights=self.weights, progress=progress, workers=workers).fit(self._all_docs())
            self.last_change_id = last
            return len(self.matcher)

    def _all_docs(self):
        # Streamed in batches; the relationships are not needed for the documents.
        lean = (sa.orm.lazyload("*"),)
        demands = sa.select(Demand).where(Demand.status.in_(INDEXED[ListingKind.DEMAND])).order_by(Demand.id)
        for demand in db.session.scalars(demands.options(*lean).execution_options(yield_per=2000)):
            yield demand_doc(demand)
        results = sa.select(Result).where(Result.status.in_(INDEXED[ListingKind.RESULT])).order_by(Result.id)
        for result in db.session.scalars(results.options(*lean).execution_options(yield_per=2000)):
            yield result_doc(result)

    def save(self) -> None:
        """Write the index and its change cursor (atomic per file) for the next start."""
        if not self.path or self.matcher is None:
            return
        with self._lock:
            self.path.mkdir(parents=True, exist_ok=True)
            self.matcher.save(self.path / "index")
            tmp = self.path / (STATE_FILE + ".tmp")
            tmp.write_text(json.dumps({"last_change_id": self.last_change_id}))
            tmp.replace(self.path / STATE_FILE)

    def save_weights(self, weights: dict) -> None:
        """Persist tuned weights; they apply to this index at once and to others at their next start."""
        with self._lock:
            self.weights = dict(weights)
            if self.matcher is not None:
                self.matcher.set_params(weights=self.weights)
            if self.path:
                self.path.mkdir(parents=True, exist_ok=True)
                (self.path / WEIGHTS_FILE).write_text(json.dumps(self.weights, indent=1))

    def catch_up(self) -> int:
        """Apply the listing changes recorded since the last call; returns how many were applied."""
        newest = db.session.scalar(sa.select(sa.func.max(ListingChange.id))) or 0
        if newest < self.last_change_id:  # the log was reset (a restored or emptied database)
            self.rebuild()
            return 0
        if newest == self.last_change_id:
            return 0
        changes = db.session.execute(
            sa.select(ListingChange.kind, ListingChange.listing_id).where(ListingChange.id > self.last_change_id)
            .order_by(ListingChange.id)).all()
        for kind, listing_id in dict.fromkeys((k, i) for k, i in changes):
            self._apply(kind, listing_id)
        self.last_change_id = newest
        return len(changes)

    def _apply(self, kind: ListingKind, listing_id: int) -> None:
        model = Demand if kind is ListingKind.DEMAND else Result
        listing = db.session.get(model, listing_id)
        key = doc_id(kind, listing_id)
        if listing is None or listing.status not in INDEXED[kind]:
            if key in self.matcher:
                self.matcher.remove(key)
            return
        doc = demand_doc(listing) if kind is ListingKind.DEMAND else result_doc(listing)
        self.matcher.update(doc) if key in self.matcher else self.matcher.add(doc)
