"""Alerts right after a listing write was committed (the web views and the API call this), so a
watch fires as soon as a matching listing is published or edited; ``flask alerts check`` does
the same from cron and catches up whatever a failed run left."""
from __future__ import annotations

from flask import current_app

from models import db
from .extensions import match_index


def check_alerts() -> int:
    """Evaluate every watch against the committed listing changes and commit the notifications.

    Never raises: the listing write already succeeded and must not turn into an error page; a
    failure is logged and rolled back, and the watch cursors stay where they were for the next run."""
    from .services.watches import check_watches

    try:
        sent = check_watches(match_index())
        db.session.commit()
        return sent
    except Exception:  # deliberately broad: see the docstring
        db.session.rollback()
        current_app.logger.exception("alert check failed; `flask alerts check` will catch up")
        return 0
