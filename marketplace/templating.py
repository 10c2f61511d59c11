"""Template globals and filters: labels of enum codes, the field list, dates, money and file sizes."""
from __future__ import annotations

import secrets
from datetime import date, datetime

from flask import request, url_for
from markupsafe import Markup

import models
from .highlight import highlight
from .localtime import format_time, local_date
from .services.poc.uploads import readable_size
from .services.visibility import restricted_in_lists
from models import Field, db


def init_app(app) -> None:
    """Register context processors and filters."""

    # Globals (not a context processor) so imported macros see them too.
    app.jinja_env.globals.update(enums=models, all_fields=all_fields, active_fields=active_fields, url_with=url_with,
                                 submission_field=submission_field)

    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.filters["filesize"] = readable_size  # 300 字节, 512 KB (filesizeformat says "Bytes")
    app.jinja_env.globals["restricted"] = restricted_in_lists
    # A page number past the last page of a non-empty list: the list's "nothing here" would mislead.
    app.jinja_env.globals["past_end"] = lambda page: page.page > page.pages and page.total > 0
    from datetime import timedelta

    from .services.freshness import GRACE_DAYS
    app.jinja_env.globals["freshness_grace"] = timedelta(days=GRACE_DAYS)  # the "still current?" notice's deadline

    @app.template_filter("money")
    def money(value) -> str:
        if value is None:
            return "面议"
        return f"{value:,.0f} 万元" if float(value).is_integer() else f"{value:,.2f} 万元"

    @app.template_filter("day")
    def day(value) -> str:
        """The calendar day, in the configured zone for a stored time (a date stays as it is)."""
        return local_date(value).isoformat() if isinstance(value, (date, datetime)) else ""

    # "2026-11-29 05:05" in the configured zone (TIMEZONE); |when(seconds=True) adds the seconds.
    app.jinja_env.filters["when"] = format_time


def submission_field() -> Markup:
    """The hidden one-time submission token of a form that creates something (views.claim_submission)."""
    from .views import SUBMISSION_FIELD

    return Markup(f'<input type="hidden" name="{SUBMISSION_FIELD}" value="{secrets.token_urlsafe(16)}">')


def all_fields() -> list[Field]:
    """The taxonomy in display order, retired fields too (filters still find their listings)."""
    return list(db.session.scalars(db.select(Field).order_by(Field.sort_order, Field.code)))


def active_fields() -> list[Field]:
    """The fields a form offers: the taxonomy without the retired ones."""
    return list(db.session.scalars(db.select(Field).where(Field.retired_at.is_(None))
                                   .order_by(Field.sort_order, Field.code)))


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (for pagination and sorting)."""
    # url_for's own options (_method, _anchor, _external, _scheme) and the route's own arguments
    # never come from the query string: "?_method=POST" or "/pairings/7?pairing_id=1" was a 500.
    view_args = request.view_args or {}
    args = {key: value for key, value in request.args.to_dict().items()
            if not key.startswith("_") and key not in view_args}
    args.update({key: value for key, value in changes.items()})
    args = {key: value for key, value in args.items() if value not in (None, "")}
    return url_for(request.endpoint, **view_args, **args)
