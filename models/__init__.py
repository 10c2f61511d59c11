"""SQLAlchemy models of InnoBridge; import ``db`` and the aggregates from here."""
from .account import AuthToken, Organization, User
from .activity import Event, ListingChange, Notification, Watch
from .base import db, utcnow
from .demand import Demand
from .idempotency import IdempotencyKey
from .enums import (
    ROLE_ORG_KINDS,
    CooperationMode,
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
from .result import Patent, Result
from .taxonomy import SEED_FIELDS, Field

__all__ = [
    "ConfidentialityUndertaking", "DeclineReason", "IdempotencyKey", "DisclosureLog", "Event", "EventKind", "ListingChange",
    "ListingKind", "Notification", "NotificationKind", "Pairing", "PairingMessage", "PairingStatus", "Side", "Watch",
    "ROLE_ORG_KINDS", "AuthToken", "CooperationMode", "Demand", "DemandStatus", "Field", "Maturity", "OrgKind",
    "Organization", "Patent", "PatentStatus", "Result", "ResultStatus", "Role", "SEED_FIELDS",
    "TokenKind", "TransferMode", "User", "Visibility", "db", "utcnow",
]
