"""Gunicorn settings read from the project root (``make run`` serves with them)."""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WORKERS", "2"))
accesslog = "-"
timeout = 60


def post_worker_init(worker):
    """Load the saved match index (or build it) as each worker starts, not on its first request."""
    from marketplace.ratelimits import storage_note
    from wsgi import app

    app.logger.warning(storage_note(app))
    try:
        with app.app_context():
            app.extensions["match_index"].ready()
    except Exception:  # a database problem shows on the first request, with its error page
        app.logger.warning("match index not loaded at start; it will be built on first use", exc_info=True)
