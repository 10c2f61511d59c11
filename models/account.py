"""Accounts: organizations, users and their login/API tokens."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, enum_type, utcnow
from .enums import OrgKind, Role, TokenKind


class Organization(db.Model):
    """An enterprise, university, institute, PoC center or service agency."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind, "org_kind"))
    region: Mapped[str] = mapped_column(sa.String(80), default="")
    verified: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # registered with a name like this organization's (services/lookalike.py): shown to the operators
    similar_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id", ondelete="SET NULL"))
    # the operators' review: rejected (not verified, with the reason the organization reads) or a
    # verification revoked (the reason, too); cleared when verified
    rejected_at: Mapped[datetime | None] = mapped_column()
    review_note: Mapped[str] = mapped_column(sa.String(500), default="")

    members: Mapped[list["User"]] = relationship(back_populates="organization")
    similar_to: Mapped["Organization | None"] = relationship(remote_side=[id])

    @property
    def review_status(self) -> str:
        """verified, rejected, or pending (never reviewed, or its verification revoked)."""
        return "verified" if self.verified else "rejected" if self.rejected_at else "pending"

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r} {self.kind.value}>"


class User(db.Model):
    """A person who signs in; belongs to one organization and has one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    display_name: Mapped[str] = mapped_column(sa.String(60), default="")
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Set while an operator has disabled the account: when, and the reason the user reads at login.
    disabled_at: Mapped[datetime | None] = mapped_column()
    disabled_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # E-mail per notification kind: {"message": "digest", "new_match": "off", …}; a kind not named
    # gets its default (services/mail_preferences.py).
    email_preferences: Mapped[dict | None] = mapped_column(sa.JSON)  # None (or a kind left out): its default
    last_digest_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship(back_populates="members", lazy="joined")

    # Set by the session loader: the web session token this user object was loaded through.
    session_token = None  # type: str | None

    @property
    def is_admin(self) -> bool:
        """True for platform operators."""
        return self.role is Role.ADMIN

    # Flask-Login protocol, kept here so the loader returns plain model objects.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        """The session token, not the user id: revoking the token ends the session."""
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


class AuthToken(db.Model):
    """A web session or API bearer token; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[TokenKind] = mapped_column(enum_type(TokenKind, "token_kind"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    def is_valid_at(self, now: datetime) -> bool:
        """Not revoked and not expired at ``now``."""
        return self.revoked_at is None and self.expires_at > now

    def __repr__(self) -> str:
        return f"<AuthToken {self.id} {self.kind.value} user={self.user_id}>"
