"""SQLAlchemy models of InnoBridge; import ``db`` and the aggregates from here."""
from .account import AuthToken, Organization, User
from .base import db, utcnow
from .demand import Demand
from .enums import (
    ROLE_ORG_KINDS,
    CooperationMode,
    DemandStatus,
    Maturity,
    OrgKind,
    PatentStatus,
    ResultStatus,
    Role,
    TokenKind,
    TransferMode,
    Visibility,
)
from .result import Patent, Result
from .taxonomy import SEED_FIELDS, Field

__all__ = [
    "ROLE_ORG_KINDS", "AuthToken", "CooperationMode", "Demand", "DemandStatus", "Field", "Maturity", "OrgKind",
    "Organization", "Patent", "PatentStatus", "Result", "ResultStatus", "Role", "SEED_FIELDS",
    "TokenKind", "TransferMode", "User", "Visibility", "db", "utcnow",
]
