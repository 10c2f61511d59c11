"""WTForms: shape only (required, lengths, ranges, choices). Rules live in the services."""
from __future__ import annotations

from flask_wtf import FlaskForm

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms < 3.3 takes (value, label) tuples
    def SelectChoice(value: str, label: str):  # noqa: N802
        return (value, label)


def options(pairs) -> list:
    """(value, label) pairs as select options (WTForms 3.3 deprecates bare tuples; 3.4 drops them)."""
    return [SelectChoice(value, label) for value, label in pairs]


class ActionForm(FlaskForm):
    """An empty form: the CSRF token for a POST button (publish, close, delete, logout)."""


def apply_errors(form: FlaskForm, fields: dict[str, str]) -> list[str]:
    """Put a service's field errors on the form; returns messages with no matching field."""
    leftover: list[str] = []
    for name, message in fields.items():
        base = name.split(".")[0]
        target = getattr(form, name.replace(".", "_"), None) or getattr(form, base, None)
        if target is not None and hasattr(target, "errors"):
            if isinstance(target.errors, tuple):
                target.errors = list(target.errors)
            target.errors.append(message)
        else:
            leftover.append(message)
    return leftover
