"""Gunicorn settings read from the project root (``make run`` serves with them; docs/deployment.md
says why these, with the measurements in docs/benchmarks.md, "Worker class").

- WORKERS processes, default two per core (at most 8): the work of a request is mostly Python, and
  one process runs Python on one core at a time, so processes are what use the cores — measured:
  2 workers × 4 threads served 44 requests/s where 4 × 1 and 4 × 4 served 57–58 on 2 cores.
- ``gthread`` with THREADS threads each (default 4): a request stuck waiting on the database or
  Redis does not hold up its worker's other requests; the threads of a worker share one match
  index (guarded by a readers-writer lock).
- ``preload_app``: the master builds the app and loads the match index once, then forks; the
  workers share the index's arrays copy-on-write instead of each reading its own copy, and a
  broken configuration stops the master at once instead of every worker failing to boot.
"""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WORKERS") or min(2 * (os.cpu_count() or 1), 8))
threads = int(os.environ.get("THREADS") or 4)
worker_class = "gthread" if threads > 1 else "sync"
preload_app = True
accesslog = "-"
timeout = 60
graceful_timeout = 30
keepalive = 5
# Gunicorn's control socket sits at one fixed path per user (~/.gunicorn/gunicorn.ctl): two
# servers on one machine (several nodes, or a test beside `make run`) would share it. Not used.
control_socket_disable = True
# Request lines up to gunicorn's maximum reach the app, which answers a query string longer than
# MAX_QUERY_STRING (4096 bytes) with its own 414 page; only a line past 8190 bytes meets gunicorn's
# bare 414 (unlimited would let one client hold any amount of memory with a line that never ends).
limit_request_line = 8190


def when_ready(server):
    """In the master, before the first fork: note where rate limits live, load the match index
    (or build it) and compute the statistics into the cache, then close the master's connections — a connection must never be
    shared by two processes."""
    from marketplace.ratelimits import storage_note
    from models import db
    from wsgi import app

    app.logger.warning(storage_note(app))
    try:
        with app.app_context():
            app.extensions["match_index"].ready()
    except Exception:  # a database problem shows on the first request, with its error page
        app.logger.warning("match index not loaded at start; it will be built on first use", exc_info=True)
    try:
        from marketplace.public_figures import warm
        with app.app_context():
            warm()  # the statistics take seconds at a million listings: never in a visitor's request
    except Exception:
        app.logger.warning("public figures not computed at start; the first visitor computes them", exc_info=True)
    finally:
        with app.app_context():
            db.engine.dispose()


def post_fork(server, worker):
    """A worker starts with an empty connection pool (its parent's connections stay the parent's)."""
    from models import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
