"""SQLAlchemy models of InnoBridge; import ``db`` and the aggregates from here."""
from .account import AuthToken, Organization, User
from .attachment import ListingAttachment
from .audit import AuditEntry
from .activity import Event, ListingChange, Notification, Watch
from .base import DB_INT_MAX, commit_keeping_loaded, db, utcnow
from .center import CenterProfile, CenterQualification
from .demand import Demand
from .engagement import (
    Agreement, AgreementSignature, Engagement, Milestone, MilestoneSubmission, SigningKey, ValidationReport,
)
from .idempotency import IdempotencyKey
from .enums import (
    ROLE_ORG_KINDS,
    BidStatus,
    CenterService,
    CooperationMode,
    EngagementStatus,
    FundingModel,
    LicenseKind,
    MilestoneStatus,
    Party,
    PaymentStatus,
    QualificationKind,
    Recommendation,
    ReportStatus,
    ReportTarget,
    ModerationStatus,
    JoinStatus,
    MailDelivery,
    MailStatus,
    RequestStatus,
    ValidationNeed,
    Verdict,
    DeclineReason,
    DemandStatus,
    EventKind,
    ListingKind,
    NotificationKind,
    PairingStatus,
    Side,
    Maturity,
    OrgKind,
    PatentStatus,
    ResultStatus,
    Role,
    TokenKind,
    TransferMode,
    Visibility,
)
from .pairing import ConfidentialityUndertaking, DisclosureLog, Pairing, PairingMessage
from .join_request import JoinRequest
from .mail import OutboundEmail
from .moderation import Report
from .result import Patent, Result
from .setting import PlatformSetting
from .taxonomy import SEED_FIELDS, Field
from .validation import Bid, BidMilestone, BidRevision, ValidationRequest

__all__ = [
    "AuditEntry", "PlatformSetting", "Report", "ReportTarget", "ModerationStatus", "JoinRequest", "JoinStatus", "OutboundEmail", "MailStatus", "MailDelivery",
    "ConfidentialityUndertaking", "DeclineReason", "IdempotencyKey", "DisclosureLog", "Event", "EventKind", "ListingChange",
    "ListingAttachment", "ListingKind", "Notification", "NotificationKind", "Pairing", "PairingMessage", "PairingStatus", "Side", "Watch",
    "ROLE_ORG_KINDS", "AuthToken", "CooperationMode", "Demand", "DemandStatus", "Field", "Maturity", "OrgKind",
    "Organization", "Patent", "PatentStatus", "Result", "ResultStatus", "Role", "SEED_FIELDS",
    "TokenKind", "TransferMode", "User", "Visibility", "commit_keeping_loaded", "db", "utcnow",
    # the proof-of-concept stage
    "Agreement", "AgreementSignature", "Bid", "BidMilestone", "BidRevision", "BidStatus", "CenterProfile",
    "CenterQualification", "CenterService", "Engagement", "EngagementStatus", "FundingModel", "LicenseKind",
    "Milestone", "MilestoneStatus", "MilestoneSubmission", "Party", "PaymentStatus", "QualificationKind",
    "Recommendation", "ReportStatus", "RequestStatus", "SigningKey", "ValidationNeed", "ValidationReport",
    "ValidationRequest", "Verdict",
]
