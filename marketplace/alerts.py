"""Alerts right after a request that wrote a listing (a job: marketplace/jobs.py), so a watch fires as soon as a matching
listing is published or edited, whichever view or API endpoint wrote it; ``flask alerts check``
does the same from cron and catches up whatever a failed run left."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from models import db
from .extensions import match_index
from .jobs import job, soon
from .services.activity import LISTINGS_CHANGED


@job("alerts.check")
def check_alerts() -> int:
    """Evaluate every watch against the committed listing changes and commit the notifications.

    Never raises: the listing write already succeeded and must not turn into an error page; a
    failure is logged and rolled back, and the watch cursors stay where they were for the next run."""
    from .services.watches import check_watches

    try:
        sent = check_watches(match_index())
        db.session.commit()
        return sent
    except Exception as error:  # deliberately broad: see the docstring
        from .errors import is_database_unavailable, rollback_quietly

        rollback_quietly()
        if isinstance(error, sa.exc.DBAPIError) and is_database_unavailable(error):  # an outage, not a bug: one line
            current_app.logger.warning("alert check skipped, database unavailable (%s); `flask alerts check` "
                                       "will catch up", error.orig)
        else:
            current_app.logger.exception("alert check failed; `flask alerts check` will catch up")
        return 0


def init_app(app) -> None:
    """Check the watches after any successful request whose unit of work wrote a listing — as a
    job (marketplace/jobs.py): after the response is sent, or by a worker with Redis."""

    @app.after_request
    def alerts_after_listing_writes(response):
        if db.session.info.pop(LISTINGS_CHANGED, False) and response.status_code < 400:
            soon("alerts.check")
        return response
