"""The shared cache: fresh while the data's version is unchanged, stale answered while one
background refresh runs, shared between processes through Redis, a dead Redis never an error."""
import secrets
import threading

import pytest

from marketplace.cache import Cache
from marketplace.ratelimits import redis_problem

REDIS_URL = "redis://127.0.0.1:6379/0"


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"n": self.calls}


def test_a_value_is_kept_while_its_version_is_unchanged():
    cache, compute = Cache(), Counter()
    assert cache.fresh_or_stale("k", compute, version=7) == {"n": 1}
    assert cache.fresh_or_stale("k", compute, version=7) == {"n": 1}
    assert cache.fresh_or_stale("k", compute, version=8) == {"n": 2}  # no background: computed here
    assert compute.calls == 2


def test_a_stale_value_is_answered_while_one_background_refresh_runs():
    cache, compute, started = Cache(), Counter(), []
    cache.fresh_or_stale("k", compute, version=1)
    release = threading.Event()

    def background(work):
        started.append(work)

    assert cache.fresh_or_stale("k", compute, version=2, background=background) == {"n": 1}
    assert cache.fresh_or_stale("k", compute, version=2, background=background) == {"n": 1}
    assert len(started) == 1  # one refresher at a time
    started[0]()
    release.set()
    assert cache.fresh_or_stale("k", compute, version=2, background=background) == {"n": 2}


def test_max_age_without_a_version():
    cache, compute = Cache(), Counter()
    cache.fresh_or_stale("k", compute, max_age=60)
    assert cache.fresh_or_stale("k", compute, max_age=60) == {"n": 1}
    assert cache.fresh_or_stale("k", compute, max_age=0) == {"n": 2}


def test_a_young_value_is_kept_even_when_its_version_moved(monkeypatch):
    """Under a stream of writes the figure is recomputed at most once per min_age seconds."""
    import marketplace.cache as cache_module

    clock = [1000.0]
    monkeypatch.setattr(cache_module.time, "time", lambda: clock[0])
    cache, compute = Cache(), Counter()
    assert cache.fresh_or_stale("k", compute, version=1, min_age=5) == {"n": 1}
    clock[0] += 4.9
    assert cache.fresh_or_stale("k", compute, version=2, min_age=5) == {"n": 1}  # young: kept
    clock[0] += 0.2
    assert cache.fresh_or_stale("k", compute, version=2, min_age=5) == {"n": 2}  # old and changed
    clock[0] += 60
    assert cache.fresh_or_stale("k", compute, version=2, min_age=5) == {"n": 2}  # old, same version
    assert cache.fresh_or_stale("k", compute, version=3) == {"n": 3}  # no min_age: exact


def test_a_costly_value_is_kept_for_a_multiple_of_its_cost(monkeypatch):
    import marketplace.cache as cache_module

    clock, mono = [1000.0], [0.0]
    monkeypatch.setattr(cache_module.time, "time", lambda: clock[0])
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: mono[0])
    calls = []

    def slow():  # takes 12 s of the monotonic clock
        mono[0] += 12
        calls.append(1)
        return {"n": len(calls)}
    cache = Cache()
    assert cache.fresh_or_stale("k", slow, version=1, cost_factor=10) == {"n": 1}
    clock[0] += 119
    assert cache.fresh_or_stale("k", slow, version=2, cost_factor=10) == {"n": 1}  # younger than 10 × 12 s
    clock[0] += 2
    assert cache.fresh_or_stale("k", slow, version=2, cost_factor=10) == {"n": 2}


def test_the_public_figures_wait_their_minimum_age(ctx, monkeypatch):
    from marketplace import public_figures
    from marketplace.services import stats

    calls = []
    monkeypatch.setattr(stats, "funnel", lambda: calls.append(1) or {"calls": len(calls)})
    versions = iter(range(100))
    monkeypatch.setattr(stats, "figures_version", lambda: next(versions))
    monkeypatch.setitem(ctx.config, "FIGURES_MIN_AGE_SECONDS", 3600)
    assert public_figures.statistics() == {"calls": 1}
    assert public_figures.statistics() == {"calls": 1}  # the version moved, the copy is young
    monkeypatch.setitem(ctx.config, "FIGURES_MIN_AGE_SECONDS", 0)
    assert public_figures.statistics() == {"calls": 2}


def test_two_processes_share_one_value_through_redis():
    if redis_problem(REDIS_URL):
        pytest.skip("Redis leg skipped: no Redis answers at 127.0.0.1:6379 (CI runs one)")
    prefix = f"test-{secrets.token_hex(6)}:"
    first, second = Cache(REDIS_URL, prefix), Cache(REDIS_URL, prefix)
    try:
        assert first.shared
        first.fresh_or_stale("stats", Counter(), version=3)
        other = Counter()
        assert second.fresh_or_stale("stats", other, version=3) == {"n": 1} and other.calls == 0
    finally:
        first.delete("stats")


def test_a_dead_redis_is_a_miss_not_an_error():
    cache, compute = Cache("redis://127.0.0.1:1/0"), Counter()
    assert cache.fresh_or_stale("k", compute, version=1) == {"n": 1}
    assert cache.fresh_or_stale("k", compute, version=1) == {"n": 1}  # kept in memory meanwhile


def test_the_home_counts_are_kept_while_nothing_changed(ctx, monkeypatch):
    """The version survives the cache's JSON: an unchanged platform is not recounted. The home
    page's counts are the statistics' copy: one computation serves both pages."""
    from marketplace import public_figures
    from marketplace.services import stats

    calls = []
    real = stats.funnel
    monkeypatch.setattr(stats, "funnel", lambda: calls.append(1) or real())
    public_figures.home_counts()
    public_figures.home_counts()
    public_figures.statistics()
    assert calls == [1]
    from tests.factories import make_org
    make_org()  # a new organization: the version moves
    public_figures.home_counts()
    assert calls == [1, 1]
