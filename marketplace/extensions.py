"""Unbound extension objects, initialised in create_app()."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
migrate = Migrate()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def match_index():
    """This process's match index (created in create_app)."""
    from flask import current_app

    return current_app.extensions["match_index"]


def upload_store():
    """Where deliverable files are kept (config UPLOAD_DIR, outside the web root)."""
    from flask import current_app

    from .services.poc.uploads import UploadStore

    return UploadStore(current_app.config["UPLOAD_DIR"], current_app.config["UPLOAD_MAX_BYTES"])


def attachment_store():
    """Where files attached to demands and results are kept (UPLOAD_DIR/attachments)."""
    from pathlib import Path

    from flask import current_app

    from .services.poc.uploads import UploadStore

    return UploadStore(Path(current_app.config["UPLOAD_DIR"]) / "attachments", current_app.config["ATTACHMENT_MAX_BYTES"])


def cache():
    """The shared cache (Redis when REDIS_URL is reachable, else this process's memory)."""
    from flask import current_app

    return current_app.extensions["cache"]


def in_background():
    """How ``Cache.fresh_or_stale`` refreshes a stale value: a daemon thread with an app context
    (None when CACHE_BACKGROUND_REFRESH is off: the value is then recomputed in the request)."""
    import threading

    from flask import current_app

    app = current_app._get_current_object()
    if not app.config["CACHE_BACKGROUND_REFRESH"]:
        return None

    def start(work) -> None:
        def run() -> None:
            with app.app_context():
                work()
        threading.Thread(target=run, daemon=True, name="cache-refresh").start()
    return start
