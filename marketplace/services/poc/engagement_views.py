"""Read models of engagements for the web pages: the engagement with its parties, agreement,
signatures, progress, payer and report as one viewer sees it, and the frozen agreement document
with labels for its codes (a printable view)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from models import (
    Agreement, AgreementSignature, Engagement, EngagementStatus, FundingModel, LicenseKind, MilestoneStatus,
    Organization, Party, User, ValidationNeed, ValidationReport, db,
)

from .agreements import Check, agreement_of, verify_agreement
from .milestones import Progress, payer, progress
from .parties import engagement_party, get_engagement
from .reports import report_of


@dataclass(frozen=True)
class EngagementPage:
    """One engagement and what the viewer may do with it."""

    engagement: Engagement
    party: Party | None  # the viewer's party (None: an operator)
    organizations: dict[Party, Organization]
    agreement: Agreement
    signatures: dict[Party, AgreementSignature]
    progress: Progress
    payer: Party
    report: ValidationReport | None

    @property
    def can_sign(self) -> bool:
        return (self.party is not None and self.party not in self.signatures
                and self.engagement.status is EngagementStatus.AWAITING_SIGNATURES)

    @property
    def is_center(self) -> bool:
        return self.party is Party.CENTER

    @property
    def is_reviewer(self) -> bool:
        """The enterprise or the institution: approves milestones and accepts the report."""
        return self.party in (Party.ENTERPRISE, Party.INSTITUTION)

    @property
    def all_approved(self) -> bool:
        return all(m.status is MilestoneStatus.APPROVED for m in self.engagement.milestones)

    @property
    def can_file_report(self) -> bool:
        return self.is_center and self.engagement.status is EngagementStatus.ACTIVE and self.all_approved

    def accepted_report(self, party: Party) -> bool:
        """The party has accepted the current report."""
        if self.report is None:
            return False
        return bool(self.report.enterprise_accepted_by_id if party is Party.ENTERPRISE
                    else self.report.institution_accepted_by_id)

    @property
    def can_answer_report(self) -> bool:
        return (self.is_reviewer and self.engagement.status is EngagementStatus.REPORT_SUBMITTED
                and not self.accepted_report(self.party))


def organizations_of(engagement: Engagement) -> dict[Party, Organization]:
    """The three parties' organizations."""
    return {Party.ENTERPRISE: db.session.get(Organization, engagement.enterprise_id),
            Party.INSTITUTION: db.session.get(Organization, engagement.institution_id),
            Party.CENTER: engagement.center}


def engagement_page(viewer: User, engagement_id: int, today: date | None = None) -> EngagementPage:
    """The engagement (NotFound unless one of the three parties or an operator) for its page."""
    engagement = get_engagement(viewer, engagement_id)
    agreement = agreement_of(engagement)
    return EngagementPage(
        engagement=engagement, party=engagement_party(viewer, engagement),
        organizations=organizations_of(engagement), agreement=agreement,
        signatures={s.party: s for s in agreement.signatures}, progress=progress(engagement, today),
        payer=payer(engagement), report=report_of(engagement))


def _label(enum_cls, code: Any) -> str:
    """The label of a code, or the code itself when it is not one (a record is shown as stored)."""
    try:
        return enum_cls(code).label
    except ValueError:
        return str(code)


@dataclass(frozen=True)
class AgreementView:
    """The frozen agreement as stored, its document parsed, and what recomputing it found."""

    engagement: Engagement
    agreement: Agreement
    document: dict
    labels: dict[str, str]
    signatures: dict[Party, AgreementSignature]
    check: Check


def agreement_view(viewer: User, engagement_id: int) -> AgreementView:
    """The printable agreement of an engagement (its three parties and operators)."""
    engagement = get_engagement(viewer, engagement_id)
    agreement = agreement_of(engagement)
    try:
        document = json.loads(agreement.content)
    except ValueError:
        document = {}
    document = document if isinstance(document, dict) else {}
    terms = document.get("terms") or {}
    ip = terms.get("ip_terms") or {}
    labels = {"needs": _label(ValidationNeed, (document.get("request") or {}).get("needs")),
              "funding_model": _label(FundingModel, terms.get("funding_model")),
              "license": _label(LicenseKind, ip.get("license"))}
    return AgreementView(engagement, agreement, document, labels, {s.party: s for s in agreement.signatures},
                         verify_agreement(viewer, agreement.id))
