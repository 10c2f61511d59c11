"""The public figures (the statistics, and the home page's counts taken from them) through the
shared cache: they are recomputed only when the data they depend on changed — and then at most once every
FIGURES_MIN_AGE_SECONDS, or every FIGURES_COST_FACTOR times as long as it took to compute,
whichever is longer — while the previous copy is answered (shared by every worker when Redis is
configured). At a million listings the statistics take seconds to count from the events, so
they are refreshed every few minutes; on a small platform within seconds. A cold cache (the
first request after a start whose warm-up failed) computes in the request, outside the
statement limit. ``warm()`` fills the cache before gunicorn forks its workers."""
from __future__ import annotations

from flask import current_app

from .extensions import cache, in_background
from .request_limits import unlimited
from .services import stats

HOME_FIGURES = ("demands", "results", "organizations")  # the counts the home page shows


def _unlimited(compute):
    def run():
        with unlimited():
            return compute()
    return run


def _figure(key: str, compute, version) -> dict:
    config = current_app.config
    return cache().fresh_or_stale(key, _unlimited(compute), version=version, min_age=config["FIGURES_MIN_AGE_SECONDS"],
                                  cost_factor=config["FIGURES_COST_FACTOR"], background=in_background())


def statistics() -> dict:
    """Every figure of the statistics page and ``GET /api/v1/stats``."""
    return _figure("stats:funnel", stats.funnel, stats.figures_version())


def home_counts() -> dict:
    """Demands and results ever published, organizations registered: the statistics' own figures,
    from the same cached copy, so the home page and the statistics page never disagree."""
    figures = statistics()
    return {name: figures[name] for name in HOME_FIGURES}


def warm() -> None:
    """Compute them now (gunicorn's master calls this before forking, so every worker starts with them)."""
    statistics()
