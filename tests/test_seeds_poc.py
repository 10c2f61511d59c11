"""The demo's proof-of-concept story (seeds/poc.py): center profiles, pairings, open requests with
competing bids, an engagement under way, a completed one — loaded through the services, so every
rule held; the demo accounts are parties of it; a second run adds nothing."""
import sqlalchemy as sa

from marketplace.services import stats
from marketplace.services.poc import agreements, centers
from models import (
    Bid, BidStatus, DemandStatus, Engagement, EngagementStatus, MilestoneStatus, Organization, OrgKind, Pairing,
    PairingStatus, Party, ReportStatus, RequestStatus, ResultStatus, User, ValidationReport, ValidationRequest, db,
)
from seeds import loader

from .test_seeds import DEMO_PASSWORD, cheap_hashing, load_demo, table_counts  # noqa: F401 (autouse fixture)

STORY = loader.read("validation.json")


def demo_user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == f"{name}@{loader.DEMO_DOMAIN}"))


def parties(request: ValidationRequest) -> set[int]:
    return {request.pairing.demand.organization_id, request.pairing.result.organization_id}


def test_counts_follow_the_data_files(ctx):
    report = load_demo()
    expected = {"center profiles": len(loader.read("centers.json")),
                "pairings": len(STORY["pairings"]) + len(STORY["validations"]),
                "validation requests": len(STORY["validations"]),
                "bids": sum(len(item["bids"]) for item in STORY["validations"]),
                "engagements": sum("engagement" in item for item in STORY["validations"])}
    assert {name: report.created[name] for name in expected} == expected and report.notes == []
    assert expected["center profiles"] == db.session.scalar(
        sa.select(sa.func.count()).select_from(Organization).where(Organization.kind == OrgKind.CENTER))


def test_every_center_has_a_profile_and_the_listed_ones_are_verified(ctx):
    load_demo()
    verified = {org["name"]: org["verified"] for org in loader.read("organizations.json") if org["kind"] == "center"}
    for org in db.session.scalars(sa.select(Organization).where(Organization.kind == OrgKind.CENTER)):
        profile = centers.profile_of(org.id)
        assert profile is not None and profile.summary and profile.fields and profile.services, org.name
        assert profile.capacity >= 1 and profile.region, org.name
        assert org.verified is verified[org.name], org.name
    assert sum(verified.values()) >= 7
    assert all(q.number and q.scope for q in centers.profile_of(demo_user("center").organization_id).qualifications)


def test_open_requests_with_competing_bids_involve_the_demo_accounts(ctx):
    load_demo()
    enterprise, researcher, center = demo_user("enterprise"), demo_user("researcher"), demo_user("center")
    open_requests = list(db.session.scalars(sa.select(ValidationRequest).where(
        ValidationRequest.status == RequestStatus.OPEN)))
    live = {r.id: db.session.scalars(sa.select(Bid).where(Bid.request_id == r.id,
                                                          Bid.status == BidStatus.SUBMITTED)).all()
            for r in open_requests}
    competing = [r for r in open_requests if len({b.center_id for b in live[r.id]}) >= 2]
    assert len(competing) >= 2
    ours = [r for r in competing if parties(r) == {enterprise.organization_id, researcher.organization_id}]
    assert ours and len(live[ours[0].id]) == 3
    assert center.organization_id in {b.center_id for b in live[ours[0].id]}
    assert any(not live[r.id] for r in open_requests)  # one just opened, waiting for its first bid


def test_an_active_engagement_signed_by_all_three_with_a_milestone_awaiting_approval(ctx):
    load_demo()
    center = demo_user("center")
    [active] = db.session.scalars(sa.select(Engagement).where(Engagement.status == EngagementStatus.ACTIVE)).all()
    assert active.center_id == center.organization_id
    assert active.enterprise_id == demo_user("enterprise").organization_id
    assert active.institution_id == demo_user("researcher").organization_id
    agreement = agreements.agreement_of(active)
    assert {s.party for s in agreement.signatures} == set(Party)
    statuses = [m.status for m in active.milestones]
    assert statuses[:2] == [MilestoneStatus.APPROVED, MilestoneStatus.SUBMITTED]
    assert MilestoneStatus.SUBMITTED in statuses and active.request.status is RequestStatus.ENGAGED
    assert agreements.verify_agreement(center, agreement.id).valid
    rejected = db.session.scalars(sa.select(Bid).where(Bid.request_id == active.request_id,
                                                       Bid.id != active.bid_id)).all()
    assert rejected and all(b.status is BidStatus.REJECTED for b in rejected)


def test_a_completed_engagement_with_an_accepted_report(ctx):
    load_demo()
    [done] = db.session.scalars(sa.select(Engagement).where(Engagement.status == EngagementStatus.COMPLETED)).all()
    report = db.session.scalar(sa.select(ValidationReport).where(ValidationReport.engagement_id == done.id))
    assert report.status is ReportStatus.ACCEPTED
    assert report.enterprise_accepted_by_id and report.institution_accepted_by_id
    assert all(m.status is MilestoneStatus.APPROVED for m in done.milestones)
    assert done.deal_amount == done.bid.total_cost == 68
    assert done.pairing.demand.status is DemandStatus.FULFILLED
    assert done.pairing.result.status is ResultStatus.VALIDATED
    assert [(e, r.status) for e, r in centers.completed_validations(done.center_id)] == [(done, ReportStatus.ACCEPTED)]


def test_the_agreement_chain_verifies_and_the_statistics_tell_the_story(ctx):
    load_demo()
    checks = agreements.verify_chain()
    assert len(checks) == 2 and all(check.valid for check in checks)
    figures = stats.funnel()
    assert figures["completed_validations"]["total"] == 1 and figures["deal_amount"] == 68.0
    assert figures["engagements"] == {"awaiting_signatures": 0, "active": 1, "completed": 1}
    assert figures["validation_requests"] == len(STORY["validations"])
    steps = {step["step"]: step["demands"] for step in figures["funnel"]}
    assert steps["validated"] == 1 and steps["engaged"] == 2


def test_a_second_run_adds_nothing_and_changes_nothing(ctx):
    load_demo()
    before = table_counts()
    states = db.session.execute(sa.select(Engagement.id, Engagement.status)).all()
    second = load_demo(DEMO_PASSWORD)
    assert all(n == 0 for n in second.created.values()) and second.notes == []
    assert table_counts() == before
    assert db.session.execute(sa.select(Engagement.id, Engagement.status)).all() == states


def test_without_the_accounts_password_the_engagements_wait_for_signatures(ctx):
    from marketplace.services import accounts

    accounts.create_admin(f"admin@{loader.DEMO_DOMAIN}", "operator-pass-31")  # not a fresh run: no password
    db.session.commit()
    report = loader.load_demo(None)
    db.session.commit()
    waiting = db.session.scalars(sa.select(Engagement)).all()
    assert len(waiting) == 2 and all(e.status is EngagementStatus.AWAITING_SIGNATURES for e in waiting)
    assert len(report.notes) == 2 and "--password" in report.notes[0] and "awaits its signatures" in report.describe()
    assert stats.funnel()["completed_validations"]["total"] == 0
    # The rest of the story is there: requests, bids, and the pairing left awaiting an answer.
    assert report.created["bids"] == sum(len(item["bids"]) for item in STORY["validations"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ValidationRequest)) == len(STORY["validations"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pairing).where(
        Pairing.status == PairingStatus.PROPOSED)) == sum(not item.get("accept", True) for item in STORY["pairings"])
