"""JSON shapes of engagements: parties, milestones with their deliveries, the agreement with its
signatures, the validation report and the progress figures."""
from __future__ import annotations

from models import Agreement, Engagement, Milestone, MilestoneSubmission, User, ValidationReport
from ..services.poc.agreements import Check
from ..services.poc.milestones import Progress, payer
from ..services.poc.parties import engagement_party
from .poc_serializers import named
from .serializers import iso


def file_url(engagement_id: int, submission: MilestoneSubmission) -> str:
    return f"/api/v1/engagements/{engagement_id}/files/{submission.id}"


def submission_json(submission: MilestoneSubmission, engagement_id: int) -> dict:
    """One delivery of a milestone and the parties' decision on it."""
    file = None
    if submission.stored_name:
        file = {"name": submission.file_name, "size": submission.size, "content_type": submission.content_type,
                "url": file_url(engagement_id, submission)}
    return {"id": submission.id, "text": submission.text, "file": file, "submitted_by_id": submission.submitted_by_id,
            "submitted_at": iso(submission.submitted_at),
            "decision": submission.decision.value if submission.decision else None,
            "decided_by_id": submission.decided_by_id, "decided_at": iso(submission.decided_at),
            "comment": submission.comment}


def milestone_json(milestone: Milestone) -> dict:
    """A milestone of an engagement, its payment and every delivery, oldest first."""
    return {"id": milestone.id, "engagement_id": milestone.engagement_id, "position": milestone.position,
            "title": milestone.title, "deliverable": milestone.deliverable, "due_week": milestone.due_week,
            "due_on": iso(milestone.due_on), "status": milestone.status.value, "payment": milestone.payment,
            "payment_status": milestone.payment_status.value, "paid_at": iso(milestone.paid_at),
            "overdue": milestone.overdue_notified_at is not None,
            "submissions": [submission_json(s, milestone.engagement_id) for s in milestone.submissions]}


def agreement_json(agreement: Agreement) -> dict:
    """The frozen agreement: ``content`` is the canonical JSON exactly as hashed (SHA-256 → ``hash``)."""
    return {"id": agreement.id, "engagement_id": agreement.engagement_id, "sequence": agreement.sequence,
            "hash": agreement.hash, "prev_hash": agreement.prev_hash, "content": agreement.content,
            "created_at": iso(agreement.created_at),
            "signatures": [{"party": s.party.value, "organization_id": s.organization_id, "user_id": s.user_id,
                            "signed_at": iso(s.signed_at), "public_key": s.public_key, "signature": s.signature}
                           for s in agreement.signatures]}


def report_json(report: ValidationReport, engagement: Engagement) -> dict:
    """The validation report and who of the two parties has accepted it."""
    return {"id": report.id, "engagement_id": report.engagement_id, "status": report.status.value,
            "engagement_status": engagement.status.value, "revision": report.revision,
            "technical_verdict": report.technical_verdict.value, "market_verdict": report.market_verdict.value,
            "trl_before": report.trl_before, "trl_after": report.trl_after,
            "recommendation": report.recommendation.value, "summary": report.summary, "evidence": report.evidence,
            "filed_by_id": report.filed_by_id, "filed_at": iso(report.filed_at),
            "accepted_by": {"enterprise": report.enterprise_accepted_by_id is not None,
                            "institution": report.institution_accepted_by_id is not None},
            "return_comment": report.return_comment or None, "accepted_at": iso(report.accepted_at)}


def progress_json(found: Progress) -> dict:
    """Milestones approved of total; money paid, due and not yet due (万元)."""
    return {"approved": found.approved, "total": found.total, "paid": found.paid, "due": found.due,
            "outstanding": found.outstanding,
            "next_milestone_id": found.next_milestone.id if found.next_milestone else None,
            "overdue_milestone_ids": [m.id for m in found.overdue]}


def engagement_json(engagement: Engagement, viewer: User, agreement: Agreement, report: ValidationReport | None,
                    progress: Progress) -> dict:
    """An engagement as its parties and operators see it."""
    pairing = engagement.pairing
    party = engagement_party(viewer, engagement)
    return {
        "id": engagement.id, "status": engagement.status.value, "pairing_id": engagement.pairing_id,
        "request_id": engagement.request_id, "bid_id": engagement.bid_id,
        "title": pairing.result.title,
        "parties": {"enterprise": named(pairing.demand.organization),
                    "institution": named(pairing.result.organization), "center": named(engagement.center)},
        "your_party": party.value if party else None, "payer": payer(engagement).value,
        "milestones": [milestone_json(m) for m in engagement.milestones],
        "agreement": agreement_json(agreement),
        "report": report_json(report, engagement) if report is not None else None,
        "progress": progress_json(progress),
        "deal_amount": engagement.deal_amount, "created_at": iso(engagement.created_at),
        "activated_at": iso(engagement.activated_at), "completed_at": iso(engagement.completed_at),
    }


def verification_json(check: Check) -> dict:
    """What recomputing one agreement found."""
    return {"agreement_id": check.agreement_id, "sequence": check.sequence, "valid": check.valid,
            "hash": check.hash, "recomputed_hash": check.recomputed_hash, "chain_ok": check.chain_ok,
            "signatures_ok": check.signatures_ok, "problems": list(check.problems)}

