"""Domain errors raised by services; the web and API layers turn them into responses."""
from __future__ import annotations


class DomainError(Exception):
    """Base class: a rule of the domain refused the operation."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})


class ValidationFailed(DomainError):
    """Input broke one or more rules; ``fields`` maps each field to why."""

    code = "validation_error"
    status = 422


class NotFound(DomainError):
    """The object does not exist or the caller may not see it (no existence leak)."""

    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    """The caller may see the object but not do this to it."""

    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The object's state does not allow the operation (e.g. publishing a closed demand)."""

    code = "conflict"
    status = 409


class Unauthorized(DomainError):
    """Credentials missing or wrong."""

    code = "unauthorized"
    status = 401


def require_operator(actor) -> None:
    """The operators' console and its actions are theirs alone: anyone else is answered as if the
    page did not exist."""
    if actor is None or not actor.is_admin:
        raise NotFound("页面不存在。")


class FieldErrors:
    """Collects field-addressed messages so a service reports every failure at once."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        """Record the first message for ``field``."""
        self.fields.setdefault(field, message)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self, message: str = "提交的内容有误，请检查标出的字段。") -> None:
        """Raise ValidationFailed when anything was recorded."""
        if self.fields:
            raise ValidationFailed(message, self.fields)
