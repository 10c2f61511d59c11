"""Values read from the database and kept in this process while a cheap marker of what they
depend on (the newest listing change, say) stays the same: list counts, the distinct regions.
``forget_all()`` empties every such store (tests start from empty tables)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_stores: list[Remembered] = []


class Remembered:
    """Up to ``kept`` values by key, each with the marker it was computed under (least recently
    used dropped first). Computing happens outside the lock; two threads may both compute a value
    once, never block each other on it."""

    def __init__(self, kept: int):
        self.kept = kept
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        _stores.append(self)

    def get(self, key: Hashable, marker: Any, compute: Callable[[], Any]) -> Any:
        """The value of ``key`` as of ``marker``: remembered, or computed now and remembered."""
        with self._lock:
            hit = self._values.get(key)
            if hit is not None and hit[0] == marker:
                self._values.move_to_end(key)
                return hit[1]
        value = compute()
        with self._lock:
            self._values[key] = (marker, value)
            self._values.move_to_end(key)
            while len(self._values) > self.kept:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def forget_all() -> None:
    """Empty every store of this process."""
    for store in _stores:
        store.clear()
