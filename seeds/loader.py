"""Load the demo data through the services, idempotently (a second run adds nothing): accounts,
listings, and the proof-of-concept story (seeds/poc.py)."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from marketplace.services import accounts, demands, organization_review, results
from models import Demand, Organization, OrgKind, Result, Role, User, db

DATA = Path(__file__).parent / "data"
DEMO_DOMAIN = "demo.innobridge.cn"
ROLE_OF_KIND = {OrgKind.ENTERPRISE: Role.ENTERPRISE, OrgKind.UNIVERSITY: Role.RESEARCHER,
                OrgKind.INSTITUTE: Role.RESEARCHER, OrgKind.CENTER: Role.CENTER}
DEMO_ACCOUNTS = {OrgKind.ENTERPRISE: "enterprise", OrgKind.UNIVERSITY: "researcher", OrgKind.CENTER: "center"}
COUNTED = ("organizations", "users", "demands", "results", "center profiles", "pairings", "validation requests",
           "bids", "engagements")


@dataclass
class SeedReport:
    """What one run created, and the demo accounts' password when this run set it."""

    password: str | None
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    accounts: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # steps of the story that had to wait

    def describe(self) -> str:
        """Human-readable summary for the command line."""
        counts = ", ".join(f"{n} {kind}" for kind, n in self.created.items())
        lines = [f"Demo data loaded: {counts} created."] + [f"Note: {note}" for note in self.notes]
        if self.accounts:
            lines.append("Demo accounts:" if self.password else "Demo accounts (already existed; password unchanged):")
            lines += [f"  {role:<11} {email}" for role, email in self.accounts]
            if self.password:
                lines.append(f"  password    {self.password}")
        return "\n".join(lines)


def read(name: str) -> list[dict]:
    """One JSON file of seeds/data."""
    return json.loads((DATA / name).read_text("utf-8"))


def database_is_empty() -> bool:
    """True when no account exists yet (make run seeds only then)."""
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def load_demo(password: str | None = None, today: date | None = None, index=None, secret: str | None = None) -> SeedReport:
    """Organizations, accounts, demands and results of seeds/data, then the PoC story (signed with
    ``secret``, the app's AGREEMENT_SECRET by default; pairings scored by ``index``, the app's
    match index by default); skips what exists."""
    from flask import current_app

    from .poc import load_poc

    admin_email = f"admin@{DEMO_DOMAIN}"
    fresh = _user(admin_email) is None
    report = SeedReport(password=(password or secrets.token_urlsafe(9)) if fresh else password)
    admin = _user(admin_email) or accounts.create_admin(admin_email, report.password or "", "平台运营（演示）")
    report.accounts.append(("admin", admin_email))
    users = _load_organizations(admin, report)
    today = today or date.today()
    for item in read("demands.json"):
        load_listing(Demand, item, users, report, lambda u, d: demands.create_demand(u, d), today)
    for item in read("results.json"):
        load_listing(Result, item, users, report, lambda u, d: results.create_result(u, d), today)
    load_poc(users, report, report.password, secret or current_app.config["AGREEMENT_SECRET"],
             index or current_app.extensions["match_index"], today)
    if not fresh:
        report.password = None
    return report


def _user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def demo_email(org: dict, first_of_kind: bool) -> str:
    """The four public demo accounts for the first org of a kind; <key>@… for the others."""
    kind = OrgKind(org["kind"])
    if first_of_kind and kind in DEMO_ACCOUNTS:
        return f"{DEMO_ACCOUNTS[kind]}@{DEMO_DOMAIN}"
    return f"{org['key']}@{DEMO_DOMAIN}"


def _load_organizations(admin: User, report: SeedReport) -> dict[str, User]:
    users: dict[str, User] = {}
    seen_kinds: set[str] = set()
    for org in read("organizations.json"):
        email = demo_email(org, org["kind"] not in seen_kinds)
        seen_kinds.add(org["kind"])
        role = ROLE_OF_KIND.get(OrgKind(org["kind"]))
        if role is None:
            continue  # service agencies have no self-service role yet
        user = _user(email)
        if user is None:
            existed = db.session.scalar(sa.select(Organization.id).where(Organization.name == org["name"]))
            user = accounts.create_user(admin, {
                "email": email, "password": report.password or secrets.token_urlsafe(12), "role": role.value,
                "display_name": org["name"][:20] + "（演示）",
                "organization": {"name": org["name"], "kind": org["kind"], "region": org["region"]},
            })
            report.created["users"] += 1
            report.created["organizations"] += 0 if existed else 1
            if org.get("verified"):
                organization_review.verify_organization(admin, user.organization_id)
        if email.split("@")[0] in DEMO_ACCOUNTS.values():
            report.accounts.append((role.value, email))
        users[org["key"]] = user
    return users


def load_listing(model, item: dict, users: dict[str, User], report: SeedReport, create, today: date) -> None:
    """Create one listing of a data file through its service, unless its owner already has it."""
    owner = users[item["org"]]
    exists = db.session.scalar(sa.select(model.id).where(
        model.organization_id == owner.organization_id, model.title == item["title"]))
    if exists:
        return
    data = {k: v for k, v in item.items() if k not in ("key", "org", "deadline_days")}
    if "deadline_days" in item:
        data["deadline"] = (today + timedelta(days=int(item["deadline_days"]))).isoformat()
    wanted = data.get("status", "draft")
    # Closed and withdrawn listings were published first, as in real life.
    data["status"] = "draft" if wanted == "draft" else "published"
    listing = create(owner, data)
    if wanted not in ("draft", "published"):
        update = demands.update_demand if model is Demand else results.update_result
        update(owner, listing.id, {"status": wanted})
    report.created["demands" if model is Demand else "results"] += 1


def seed_keys() -> dict[str, dict[str, int]]:
    """Map the data files' keys (d001, r001) to database ids, for the labelled pairs."""
    keys: dict[str, dict[str, int]] = {"demands": {}, "results": {}}
    org_names = {org["key"]: org["name"] for org in read("organizations.json")}
    for kind, model in (("demands", Demand), ("results", Result)):
        for item in read(f"{kind}.json"):
            # Title and owning organization: a user's listing with a seed title cannot take the key.
            found = db.session.scalar(sa.select(model.id).join(Organization, model.organization_id == Organization.id)
                                      .where(model.title == item["title"], Organization.name == org_names[item["org"]]))
            if found is not None:
                keys[kind][item["key"]] = found
    return keys


def labelled_pairs() -> list[tuple[int, list[int]]]:
    """The intended demand → results pairs of seeds/data/pairs.json, as database ids."""
    keys = seed_keys()
    pairs = []
    for item in read("pairs.json"):
        demand_id = keys["demands"].get(item["demand"])
        result_ids = [keys["results"][r] for r in item["results"] if r in keys["results"]]
        if demand_id is not None and result_ids:
            pairs.append((demand_id, result_ids))
    return pairs
