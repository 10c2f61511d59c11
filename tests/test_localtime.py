"""Local time: stored UTC, shown and counted in the configured zone (TIMEZONE, Asia/Shanghai)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import render_template_string

from marketplace import create_app
from marketplace.localtime import (
    format_time, local_date, local_day_start_utc, local_month_start_utc, local_today, to_local,
)
from marketplace.services import audit_log
from models import AuditEntry, Notification, NotificationKind, Role, db
from tests.factories import login, make_user

EVENING_UTC = datetime(2026, 10, 31, 17, 30)  # 2026-11-01 01:30 in Shanghai


def test_a_stored_utc_time_reads_in_shanghai_by_default(app):
    with app.app_context():
        assert app.config["TIMEZONE"] == "Asia/Shanghai"
        assert format_time(EVENING_UTC) == "2026-11-01 01:30"
        assert format_time(EVENING_UTC, seconds=True) == "2026-11-01 01:30:00"
        assert local_date(EVENING_UTC) == date(2026, 11, 1)
        assert local_date(date(2026, 10, 31)) == date(2026, 10, 31)  # a date is a date already
        assert to_local(EVENING_UTC).utcoffset().total_seconds() == 8 * 3600
        assert format_time(None) == ""


def test_month_and_day_boundaries_are_local_midnights_in_utc(app):
    with app.app_context():
        assert local_month_start_utc(2026, 11) == datetime(2026, 10, 31, 16, 0)
        assert local_day_start_utc(date(2026, 11, 1)) == datetime(2026, 10, 31, 16, 0)


def test_templates_show_local_time_and_local_days(app):
    with app.test_request_context():
        out = render_template_string("{{ t|when }}|{{ t|day }}|{{ t|when(seconds=True) }}|{{ none|day }}",
                                     t=EVENING_UTC, none=None)
    assert out == "2026-11-01 01:30|2026-11-01|2026-11-01 01:30:00|"


def test_another_zone_is_honoured_and_an_unknown_one_refused(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "TIMEZONE": "Europe/Berlin",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "MATCH_INDEX_DIR": ""})
    with app.app_context():
        assert format_time(EVENING_UTC) == "2026-10-31 18:30"  # CET, the day after summer time ended
    with pytest.raises(RuntimeError, match="Mars/Olympus"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "TIMEZONE": "Mars/Olympus",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/y.db", "MATCH_INDEX_DIR": ""})


def test_local_today_is_the_shanghai_calendar_day(app):
    with app.app_context():
        before = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        today = local_today()
        assert today in (before, datetime.now(ZoneInfo("Asia/Shanghai")).date())  # midnight may pass between


def test_the_notification_page_shows_local_time(client):
    user = make_user(Role.ENTERPRISE)
    db.session.add(Notification(user_id=user.id, kind=NotificationKind.PAIRING_PROPOSED, text="有新的对接提议",
                                created_at=EVENING_UTC))
    db.session.commit()
    login(client, user)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "2026-11-01 01:30" in page
    assert "2026-10-31 17:30" not in page and "UTC" not in page


def test_audit_filters_take_local_days(ctx):
    admin = make_user(Role.ADMIN)
    victim = make_user(Role.ENTERPRISE)
    db.session.add(AuditEntry(at=EVENING_UTC, action="test.evening", object_kind="user", object_id=victim.id))
    db.session.commit()

    def actions(day: str) -> list[str]:
        page = audit_log.list_entries(admin, audit_log.clean_filters({"from": day, "to": day, "action": "test."}), 1, 50)
        return [e.action for e in page.items]

    assert actions("2026-11-01") == ["test.evening"]  # 01:30 on the 1st in Shanghai
    assert actions("2026-10-31") == []  # though it is still the 31st in UTC
