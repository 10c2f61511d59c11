"""Synthetic data (seeds/synthetic.py): every generated value within the services' rules at its
moment, distributions like a live platform's, pairings with their events, repeatable runs."""
from collections import Counter
from datetime import datetime, timedelta
from marketplace.localtime import local_today

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from marketplace.services import accounts, demands, results, stats
from models import (Demand, DemandStatus, Event, EventKind, Organization, OrgKind, Pairing, PairingStatus, Patent,
                    Result, ResultStatus, Role, User, Visibility, db, utcnow)
from seeds import synthetic
from seeds.synthetic_text import organization_name, region_table

from .factories import PASSWORD, make_user


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """The demo loader creates ~30 accounts: a low-cost scrypt keeps this module fast."""
    monkeypatch.setattr(accounts, "hash_password", lambda p: generate_password_hash(p, method="scrypt:1024:8:1"))


@pytest.fixture
def publication_day(monkeypatch):
    """The demand service's "today", set per row: a row must have been valid when it was posted."""
    state = {"day": local_today()}
    monkeypatch.setattr(demands, "local_today", lambda: state["day"])
    return state


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def demand_payload(row: Demand) -> dict:
    return {"title": row.title, "description": row.description, "summary": row.summary, "field": row.field_code,
            "keywords": row.keywords, "budget_min": row.budget_min, "budget_max": row.budget_max,
            "deadline": row.deadline.isoformat(), "cooperation_mode": row.cooperation_mode.value,
            "trl_target": row.trl_target, "region": row.region, "visibility": row.visibility.value}


def result_payload(row: Result) -> dict:
    return {"title": row.title, "abstract": row.abstract, "field": row.field_code, "keywords": row.keywords,
            "trl": row.trl, "maturity": row.maturity.value, "transfer_modes": row.transfer_modes,
            "asking_price": row.asking_price, "region": row.region,
            "patents": [{"number": p.number, "status": p.status.value} for p in row.patents]}


def test_generated_listings_pass_the_services_rules(ctx, publication_day):
    synthetic.load_synthetic(150)
    generated_demands = list(db.session.scalars(sa.select(Demand).order_by(Demand.id)))
    generated_results = list(db.session.scalars(sa.select(Result).order_by(Result.id)))
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    for row in generated_demands:  # replayed through the service on the day it was created or published
        publication_day["day"] = (row.published_at or row.created_at).date()
        payload = demand_payload(row)
        copy = demands.create_demand(enterprise, payload | {"status": "draft" if row.status is DemandStatus.DRAFT
                                                            else "published"})
        if row.status is DemandStatus.CLOSED:
            demands.update_demand(enterprise, copy.id, {"status": "closed"})
        assert demand_payload(copy) == payload and copy.status is row.status  # nothing needed cleaning
    for row in generated_results:
        payload = result_payload(row)
        copy = results.create_result(researcher, payload | {"status": "draft" if row.status is ResultStatus.DRAFT
                                                            else "published"})
        if row.status is ResultStatus.WITHDRAWN:
            results.update_result(researcher, copy.id, {"status": "withdrawn"})
        assert result_payload(copy) == payload and copy.status is row.status
    db.session.commit()
    assert {r.status for r in generated_demands} == {DemandStatus.DRAFT, DemandStatus.PUBLISHED, DemandStatus.CLOSED}
    assert any(r.patents for r in generated_results)


def test_generated_organizations_pass_the_account_rules(ctx):
    admin = accounts.create_admin("ops@example.com", PASSWORD)
    regions, _ = region_table()
    for serial in range(1, 40):
        kind = "demand" if serial % 2 else "result"
        profile = synthetic.organization_profile(kind, serial, ["ic", "ai", "biomed"])
        name = organization_name(profile["rng"], profile["kind"], profile["region"], profile["field"])
        user = accounts.create_user(admin, {
            "email": synthetic.synthetic_email(kind, serial), "password": PASSWORD,
            "role": "enterprise" if kind == "demand" else "researcher",
            "organization": {"name": name, "kind": profile["kind"], "region": profile["region"]}})
        assert user.organization.name == name and profile["region"] in regions
    db.session.commit()
    assert count(Organization, Organization.kind == OrgKind.INSTITUTE) > 0


def test_distributions_look_like_a_live_platform(ctx):
    n = 5000
    synthetic.load_synthetic(n)
    now = utcnow()
    published = list(db.session.scalars(sa.select(Demand.published_at).where(Demand.published_at.is_not(None))))
    days = {moment.date() for moment in published}
    assert len(days) >= 300
    assert now - timedelta(days=3 * 365 + 2) <= min(published) and max(published) <= now
    first_year = sum(moment < now - timedelta(days=2 * 365) for moment in published)
    last_year = sum(moment >= now - timedelta(days=365) for moment in published)
    assert last_year > 2 * first_year  # the platform grew
    beijing = [moment + timedelta(hours=8) for moment in published]
    assert sum(moment.weekday() >= 5 for moment in beijing) < 0.15 * len(beijing)
    assert sum(9 <= moment.hour < 18 for moment in beijing) > 0.6 * len(beijing)

    statuses = Counter(db.session.scalars(sa.select(Demand.status)))
    assert set(statuses) == {DemandStatus.DRAFT, DemandStatus.PUBLISHED, DemandStatus.CLOSED}
    assert statuses[DemandStatus.PUBLISHED] > n / 2 and statuses[DemandStatus.DRAFT] < n / 10
    assert set(db.session.scalars(sa.select(Result.status))) == {
        ResultStatus.DRAFT, ResultStatus.PUBLISHED, ResultStatus.WITHDRAWN}
    visibility = Counter(db.session.scalars(sa.select(Demand.visibility)))
    assert visibility[Visibility.PUBLIC] > 0.8 * n and visibility[Visibility.CONFIDENTIAL] > 0
    assert visibility[Visibility.ANONYMOUS] > 0
    assert count(Demand, Demand.visibility == Visibility.CONFIDENTIAL, Demand.summary == "") == 0
    assert count(Demand, Demand.budget_min > Demand.budget_max) == 0
    assert db.session.scalar(sa.select(sa.func.min(Demand.budget_min))) >= 5
    assert len(set(db.session.scalars(sa.select(Demand.trl_target)))) >= 6
    assert count(Result, Result.asking_price.is_(None)) > 0 and count(Patent) > 0
    for row in db.session.execute(sa.select(Demand.deadline, Demand.published_at).where(
            Demand.published_at.is_not(None))):
        assert row.deadline > row.published_at.date()

    posts = sorted(Counter(db.session.scalars(sa.select(Demand.organization_id))).values(), reverse=True)
    organizations = count(Organization, Organization.kind == OrgKind.ENTERPRISE)
    assert organizations >= 80 and len(posts) > 0.8 * organizations
    assert sum(posts[:len(posts) // 20]) > 0.2 * n  # a few organizations post a lot
    fields = Counter(db.session.scalars(sa.select(Demand.field_code)))
    assert len(fields) >= 12 and max(fields.values()) < 0.4 * n
    regions = set(db.session.scalars(sa.select(Demand.region)))
    assert len(regions) >= 20 and all(r.endswith(("市", "区")) for r in regions)


def test_pairings_follow_the_rules_and_statistics_count_their_events(ctx):
    synthetic.load_synthetic(3000)
    statuses = Counter(db.session.scalars(sa.select(Pairing.status)))
    assert {PairingStatus.CONNECTED, PairingStatus.DECLINED, PairingStatus.EXPIRED, PairingStatus.PROPOSED,
            PairingStatus.WITHDRAWN} <= set(statuses)
    assert sum(statuses.values()) >= 0.2 * 3000
    now = utcnow()
    for pairing in db.session.scalars(sa.select(Pairing)):
        assert pairing.demand.organization_id != pairing.result.organization_id
        assert pairing.created_at > max(pairing.demand.published_at, pairing.result.published_at)
        proposer_side = pairing.demand if pairing.proposed_by.value == "demand" else pairing.result
        assert pairing.proposer.organization_id == proposer_side.organization_id
        if pairing.status in (PairingStatus.CONNECTED, PairingStatus.DECLINED):
            assert pairing.created_at < pairing.responded_at < min(now, pairing.respond_by + timedelta(days=7))
            assert db.session.get(User, pairing.responder_id).organization_id != pairing.proposer.organization_id
        if pairing.status is PairingStatus.PROPOSED:
            assert pairing.respond_by + timedelta(days=8) > now  # the sweep has not expired it yet
    kinds = {PairingStatus.CONNECTED: EventKind.PAIRING_CONNECTED, PairingStatus.DECLINED: EventKind.PAIRING_DECLINED,
             PairingStatus.EXPIRED: EventKind.PAIRING_EXPIRED, PairingStatus.WITHDRAWN: EventKind.PAIRING_WITHDRAWN}
    for status, kind in kinds.items():
        assert count(Event, Event.kind == kind) == statuses[status]
    assert count(Event, Event.kind == EventKind.PAIRING_PROPOSED) == sum(statuses.values())
    figures = stats.funnel(now)
    assert figures["pairings"] == sum(statuses.values())
    assert figures["connected_pairings"] == statuses[PairingStatus.CONNECTED]
    assert figures["demands"] == count(Demand, Demand.published_at.is_not(None))
    assert 0 < figures["connection_rate"] < 1


def test_a_proposed_pairing_can_still_be_answered_through_the_service(ctx):
    synthetic.load_synthetic(3000)
    pairing = db.session.scalar(sa.select(Pairing).where(Pairing.status == PairingStatus.PROPOSED,
                                                         Pairing.respond_by > utcnow()).limit(1))
    if pairing.demand.status is not DemandStatus.PUBLISHED or pairing.result.status is not ResultStatus.PUBLISHED:
        pytest.skip("this draw's proposal is on a listing closed since")  # not the case with the fixed seed
    responder = db.session.get(User, pairing.result.created_by_id if pairing.proposed_by.value == "demand"
                               else pairing.demand.created_by_id)
    from marketplace.services.pairings import accept_pairing

    assert accept_pairing(responder, pairing.id).status is PairingStatus.CONNECTED


def test_repeated_runs_add_more_with_new_titles_and_the_same_organizations(ctx):
    synthetic.load_synthetic(200)
    organizations, users = count(Organization), count(User)
    synthetic.load_synthetic(200)
    assert count(Demand) == 400 and count(Result) == 400
    assert (count(Organization), count(User)) == (organizations, users)
    for model, kind, column in ((Demand, EventKind.DEMAND_PUBLISHED, Event.demand_id),
                                (Result, EventKind.RESULT_PUBLISHED, Event.result_id)):
        assert db.session.scalar(sa.select(sa.func.count(sa.distinct(model.title)))) == 400
        # Statistics count events only: one publish event per published listing, pointing at it.
        published = count(model, model.published_at.is_not(None))
        linked = sa.select(sa.func.count(sa.distinct(column))).join(model, model.id == column)
        assert db.session.scalar(linked.where(Event.kind == kind)) == published == count(Event, Event.kind == kind)


def test_seed_command_adds_synthetic_data_and_rebuilds_the_index(ctx):
    accounts.create_admin("admin@demo.innobridge.cn", PASSWORD)
    db.session.commit()
    runner = ctx.test_cli_runner()
    outcome = runner.invoke(args=["seed", "--password", PASSWORD, "--synthetic", "60"])
    assert outcome.exit_code == 0, outcome.output
    assert "Match index rebuilt" in outcome.output
    index = ctx.extensions["match_index"]
    newest = db.session.scalar(sa.select(Demand).where(Demand.status == DemandStatus.PUBLISHED)
                               .order_by(Demand.id.desc()).limit(1))
    assert f"d{newest.id}" in index.matcher and len(index.matcher) == (
        count(Demand, Demand.status.in_([DemandStatus.PUBLISHED, DemandStatus.CLOSED]))  # closed: the closed list's keywords
        + count(Result, Result.status == ResultStatus.PUBLISHED))
    assert isinstance(newest.published_at, datetime)
