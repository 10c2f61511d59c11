"""The proof-of-concept part of the demo, loaded through the services like the rest: center
profiles (seeds/data/centers.json), then the story of seeds/data/validation.json — pairings,
validation requests with competing bids, an engagement under way and a completed one.

Every step is skipped when its record exists (a second run adds nothing), and a step never
re-does what a person did since: a pairing, a request or a bid that exists in any state is left
alone, and milestones and the report only move in the run whose signatures started the
engagement. Signing needs the accounts' password; without it the engagements wait for their
signatures and the report says so."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from marketplace.services import demands, pairings, results
from marketplace.services.match_index import MatchIndex
from marketplace.services.passwords import verify_password
from marketplace.services.poc import agreements, bids, centers, milestones, reports, requests, selection
from marketplace.services.poc.engagements import engagement_of_pairing
from models import (
    Bid, Demand, Engagement, EngagementStatus, MilestoneStatus, Organization, PairingStatus, Party, PaymentStatus,
    Result, User, ValidationRequest, db,
)

from .loader import SeedReport, load_listing, read

STORY = "validation.json"
RESPONSE_DAYS = 14


@dataclass
class Story:
    """What the story's steps need: accounts by organization key, listing ids and owners by key."""

    users: dict[str, User]
    listings: dict[str, tuple[int, str]]  # d001 / pd01 / r001 → (id, owning organization key)
    password: str | None
    secret: str
    index: MatchIndex
    today: date
    report: SeedReport

    def count(self, what: str) -> None:
        self.report.created[what] = self.report.created.get(what, 0) + 1


def load_poc(users: dict[str, User], report: SeedReport, password: str | None, secret: str, index: MatchIndex,
             today: date) -> None:
    """Center profiles, the story's own listings, its pairings and validations."""
    for item in read("centers.json"):
        user = users[item["org"]]
        if centers.profile_of(user.organization_id) is None:
            centers.update_profile(user, user.organization_id, {k: v for k, v in item.items() if k != "org"})
            report.created["center profiles"] += 1
    story = read(STORY)
    for kind, model, create in (("demands", Demand, demands.create_demand), ("results", Result, results.create_result)):
        for item in story["listings"][kind]:
            load_listing(model, item, users, report, create, today)
    run = Story(users, _listing_keys(story), password, secret, index, today, report)
    for item in story["pairings"]:
        _pairing(run, item)
    for item in story["validations"]:
        _validation(run, item)


def _listing_keys(story: dict) -> dict[str, tuple[int, str]]:
    """Listing keys of the data files and the story → (database id, owning organization key)."""
    names = {org["key"]: org["name"] for org in read("organizations.json")}
    keys = {}
    for kind, model in (("demands", Demand), ("results", Result)):
        for item in read(f"{kind}.json") + story["listings"][kind]:
            found = db.session.scalar(sa.select(model.id).join(Organization, model.organization_id == Organization.id)
                                      .where(model.title == item["title"], Organization.name == names[item["org"]]))
            if found is not None:
                keys[item["key"]] = (found, item["org"])
    return keys


def _pairing(run: Story, item: dict):
    """The demand–result pairing of ``item``: proposed by one side, accepted by the other if asked
    (None when one of its listings is gone)."""
    if item["demand"] not in run.listings or item["result"] not in run.listings:
        run.report.notes.append(f"{item['demand']}–{item['result']}: a listing is missing; skipped.")
        return None
    (demand_id, demand_org), (result_id, result_org) = run.listings[item["demand"]], run.listings[item["result"]]
    pairing = pairings.find_pairing(demand_id, result_id)
    if pairing is None:
        sides = {"demand": run.users[demand_org], "result": run.users[result_org]}
        proposer = sides[item["proposed_by"]]
        answerer = sides["result" if item["proposed_by"] == "demand" else "demand"]
        pairing = pairings.propose_pairing(proposer, demand_id, result_id, item["message"], run.index, RESPONSE_DAYS)
        if item.get("accept", True):
            pairings.accept_pairing(answerer, pairing.id)
        run.count("pairings")
    return pairing


def _validation(run: Story, item: dict) -> None:
    """A connected pairing's request, the centers' bids and, if the story says so, the engagement."""
    pairing = _pairing(run, item)
    if pairing is None:
        return
    if pairing.status is not PairingStatus.CONNECTED:
        run.report.notes.append(f"{item['demand']}–{item['result']}: pairing is {pairing.status.value}; skipped.")
        return
    parties = {"demand": run.users[run.listings[item["demand"]][1]],
               "result": run.users[run.listings[item["result"]][1]]}
    request = db.session.scalar(sa.select(ValidationRequest).where(ValidationRequest.pairing_id == pairing.id)
                                .order_by(ValidationRequest.id.desc()).limit(1))
    if request is None:
        data = {k: v for k, v in item["request"].items() if k != "deadline_days"}
        data["deadline"] = (run.today + timedelta(days=item["request"]["deadline_days"])).isoformat()
        request = requests.open_request(parties[item["opened_by"]], pairing.id, data, run.index, run.today)
        run.count("validation requests")
    chosen = {}
    for spec in item["bids"]:
        center = run.users[spec["center"]]
        bid = db.session.scalar(sa.select(Bid).where(Bid.request_id == request.id,
                                                     Bid.center_id == center.organization_id))
        if bid is None and request.accepts_bids_on(run.today):
            bid = bids.submit_bid(center, request.id, {k: v for k, v in spec.items() if k != "center"}, run.today)
            run.count("bids")
        chosen[spec["center"]] = bid
    if "engagement" in item:
        spec = item["engagement"]
        _engagement(run, request, chosen.get(spec["center"]), parties["demand"], parties["result"], spec)


def _engagement(run: Story, request: ValidationRequest, bid: Bid | None, enterprise: User, researcher: User,
                spec: dict) -> None:
    """Both parties accept the story's bid; all three sign; then milestones and the report."""
    engagement = engagement_of_pairing(request.pairing_id)
    if engagement is None:
        if bid is None or not request.accepts_bids_on(run.today):
            return
        for actor, choice in ((enterprise, request.enterprise_choice_id), (researcher, request.institution_choice_id)):
            if choice != bid.id:
                selection.accept_bid(actor, bid.id)
        engagement = engagement_of_pairing(request.pairing_id)
        run.count("engagements")
    if engagement is None or bid is None or engagement.bid_id != bid.id:
        return
    center = run.users[spec["center"]]
    if not _sign(run, engagement, {Party.ENTERPRISE: enterprise, Party.INSTITUTION: researcher, Party.CENTER: center}):
        return
    payer = enterprise if milestones.payer(engagement) is Party.ENTERPRISE else center
    for milestone, step in zip(engagement.milestones, spec["milestones"]):
        milestones.submit_milestone(center, engagement.id, milestone.id, step["deliverable"])
        if step.get("approve"):
            milestones.approve_milestone(enterprise, engagement.id, milestone.id, step["approve"])
        if step.get("paid") and milestone.payment_status is PaymentStatus.DUE:
            milestones.mark_paid(payer, engagement.id, milestone.id)
    if "report" in spec and all(m.status is MilestoneStatus.APPROVED for m in engagement.milestones):
        reports.file_report(center, engagement.id, spec["report"])
        reports.accept_report(enterprise, engagement.id)
        reports.accept_report(researcher, engagement.id)


def _sign(run: Story, engagement: Engagement, signers: dict[Party, User]) -> bool:
    """Sign for each party that has not; True when this run's signatures started the engagement."""
    if engagement.status is not EngagementStatus.AWAITING_SIGNATURES:
        return False
    signed = {s.party for s in agreements.agreement_of(engagement).signatures}
    waiting = [(party, user) for party, user in signers.items() if party not in signed]
    if not run.password or not all(verify_password(user.password_hash, run.password) for _, user in waiting):
        run.report.notes.append(f"Engagement {engagement.id} awaits its signatures: run `flask seed --password X` "
                                "with the demo accounts' password to sign it.")
        return False
    for _, user in waiting:
        agreements.sign_agreement(user, engagement.id, run.password, run.secret)
    return engagement.status is EngagementStatus.ACTIVE
