"""A small shared cache for figures that are costly to compute and may be a few seconds old (the
home page's counts, the statistics): in Redis when ``REDIS_URL`` names a reachable one, so every
worker and machine shares one copy, else in this process's memory. Values are JSON.

``fresh_or_stale`` keeps a value while the data it was computed from is unchanged, and never makes
a visitor wait for a recomputation once a value exists: a stale entry is still answered while one
background thread (one per cluster, through a Redis lock) computes the next. A broken Redis is
treated as a miss, never as an error.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class Cache:
    """get/set of JSON values with a lifetime; Redis-backed or in memory."""

    def __init__(self, redis_url: str | None = None, prefix: str = "innobridge:cache:"):
        self.prefix = prefix
        self._memory: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._refreshing: set[str] = set()
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)

    @property
    def shared(self) -> bool:
        """True when the cache lives in Redis (shared by every worker)."""
        return self._redis is not None

    def get(self, key: str) -> Any | None:
        raw = self._get_raw(key)
        return None if raw is None else json.loads(raw)

    def set(self, key: str, value: Any, keep_seconds: float) -> None:
        raw = json.dumps(value, ensure_ascii=False, default=str)
        if self._redis is not None:
            try:
                self._redis.set(self.prefix + key, raw, px=max(1, int(keep_seconds * 1000)))
                return
            except Exception:  # noqa: BLE001 - Redis down: fall back to this process
                log.warning("cache: Redis unavailable, keeping %s in memory", key)
        with self._lock:
            self._memory[key] = (time.monotonic() + keep_seconds, raw)

    def delete(self, key: str) -> None:
        if self._redis is not None:
            try:
                self._redis.delete(self.prefix + key)
            except Exception:  # noqa: BLE001
                pass
        with self._lock:
            self._memory.pop(key, None)

    def clear(self) -> None:
        """Forget everything this process holds (tests; Redis keys expire by themselves)."""
        with self._lock:
            self._memory.clear()

    def _get_raw(self, key: str) -> str | None:
        if self._redis is not None:
            try:
                raw = self._redis.get(self.prefix + key)
                if raw is not None:
                    return raw.decode()
            except Exception:  # noqa: BLE001
                log.warning("cache: Redis unavailable, reading %s from memory", key)
        with self._lock:
            entry = self._memory.get(key)
            if entry is None or entry[0] < time.monotonic():
                return None
            return entry[1]

    def _claim_refresh(self, key: str, seconds: float) -> bool:
        """One refresher at a time: in this process, and across processes through Redis."""
        with self._lock:
            if key in self._refreshing:
                return False
            self._refreshing.add(key)
        if self._redis is not None:
            try:
                if not self._redis.set(self.prefix + "lock:" + key, "1", nx=True, px=int(seconds * 1000)):
                    self._release(key)
                    return False
            except Exception:  # noqa: BLE001
                pass
        return True

    def _release(self, key: str) -> None:
        with self._lock:
            self._refreshing.discard(key)

    def fresh_or_stale(self, key: str, compute: Callable[[], Any], *, version: Any = None,
                       max_age: float | None = None, min_age: float = 0, cost_factor: float = 0,
                       background: Callable[[Callable[[], None]], None] | None = None) -> Any:
        """The cached value while it is fresh — computed from the same ``version`` of the data (a
        cheap marker such as the newest event id), or younger than ``max_age`` seconds. A value
        that is no longer fresh is still answered while ``background`` recomputes it (one
        refresher at a time); without ``background``, or with nothing cached, it is computed here.
        A value younger than ``min_age`` seconds — or than ``cost_factor`` times the seconds its
        computation took — is answered whatever the version: under a stream of writes a figure is
        recomputed at most that often, so one that takes 12 s to compute at a million listings
        costs the database at most 1/``cost_factor`` of its time."""
        entry = self.get(key)
        if entry is not None:
            age = time.time() - entry["at"]
            if age < max(min_age, cost_factor * entry.get("took", 0)) or (
                    entry.get("version") == version if version is not None else age < (max_age or 0)):
                return entry["value"]
        if entry is not None and background is not None:
            if self._claim_refresh(key, 600):
                def refresh() -> None:
                    try:
                        started = time.monotonic()
                        value = compute()
                        self._store(key, value, version, time.monotonic() - started)
                    except Exception:  # noqa: BLE001 - the stale value stays; logged for operators
                        log.exception("cache: refreshing %s failed", key)
                    finally:
                        self._release(key)
                background(refresh)
            return entry["value"]
        started = time.monotonic()
        value = compute()
        self._store(key, value, version, time.monotonic() - started)
        return value

    def _store(self, key: str, value: Any, version: Any, took: float = 0.0) -> None:
        # Kept well past its freshness so a stale copy can be answered while the next is computed.
        self.set(key, {"at": time.time(), "version": version, "value": value, "took": took},
                 keep_seconds=24 * 3600)
