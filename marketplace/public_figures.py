"""The public figures (the home page's counts, the statistics) through the shared cache: each is
recomputed only when the data it depends on changed, and meanwhile the previous copy is answered
(shared by every worker when Redis is configured). Used by the pages and the API alike."""
from __future__ import annotations

from .extensions import cache, in_background
from .services import browse, stats


def statistics() -> dict:
    """Every figure of the statistics page and ``GET /api/v1/stats``."""
    return cache().fresh_or_stale("stats:funnel", stats.funnel, version=stats.figures_version(),
                                  background=in_background())


def home_counts() -> dict:
    """Published demands and results, organizations."""
    return cache().fresh_or_stale("home:counts", browse.counts, version=browse.counts_version(),
                                  background=in_background())
