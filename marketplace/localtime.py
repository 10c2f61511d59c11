"""Local time: the database stores naive UTC; people read times in the configured zone.

``TIMEZONE`` (default Asia/Shanghai) decides how times are shown and which calendar month an
event counts in on the statistics page. Everything else keeps working in UTC.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Shanghai"


def zone() -> ZoneInfo:
    """The zone times are shown in (the app's ``TIMEZONE``; the default outside an app)."""
    name = current_app.config.get("TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def to_local(value: datetime) -> datetime:
    """A stored time (naive means UTC) as an aware time in the configured zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(zone())


def local_date(value: datetime | date) -> date:
    """The calendar day a stored time falls on locally (a date stays as it is)."""
    return to_local(value).date() if isinstance(value, datetime) else value


def local_day_start_utc(day: date) -> datetime:
    """The first instant of a local calendar day, as naive UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=zone()).astimezone(timezone.utc).replace(tzinfo=None)


def local_month_start_utc(year: int, month: int) -> datetime:
    """The first instant of a local calendar month, as naive UTC (for comparing with stored times)."""
    return datetime(year, month, 1, tzinfo=zone()).astimezone(timezone.utc).replace(tzinfo=None)


def format_time(value: datetime | None, seconds: bool = False) -> str:
    """``2026-11-28 21:05`` in the configured zone; empty for None."""
    if value is None:
        return ""
    return to_local(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def local_today() -> date:
    """Today's date in the configured zone: deadlines and due dates are local calendar days."""
    return datetime.now(timezone.utc).astimezone(zone()).date()
