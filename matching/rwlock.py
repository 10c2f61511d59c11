"""A readers-writer lock for one index shared by the threads of a worker (gunicorn gthread):
any number of threads query at once; adding, removing or compacting a document waits for them
and holds the others off while it changes the arrays. Writers are preferred (a stream of queries
cannot starve an update); a thread may re-enter what it already holds (``update`` removes then
adds; a writer may read)."""
from __future__ import annotations

import functools
import threading
from contextlib import contextmanager


class ReadWriteLock:
    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer: int | None = None
        self._write_depth = 0
        self._writers_waiting = 0
        self._mine = threading.local()  # this thread's read depth

    @contextmanager
    def reading(self):
        me = threading.get_ident()
        depth = getattr(self._mine, "reads", 0)
        with self._cond:
            if self._writer != me and depth == 0:
                while self._writer is not None or self._writers_waiting:
                    self._cond.wait()
                self._readers += 1
                counted = True
            else:  # re-entered: already reading, or writing
                counted = False
        self._mine.reads = depth + 1
        try:
            yield
        finally:
            self._mine.reads = depth
            if counted:
                with self._cond:
                    self._readers -= 1
                    if not self._readers:
                        self._cond.notify_all()

    @contextmanager
    def writing(self):
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:
                self._write_depth += 1
            else:
                if getattr(self._mine, "reads", 0):
                    raise RuntimeError("a thread reading the index cannot start writing it")
                self._writers_waiting += 1
                try:
                    while self._writer is not None or self._readers:
                        self._cond.wait()
                finally:
                    self._writers_waiting -= 1
                self._writer, self._write_depth = me, 1
        try:
            yield
        finally:
            with self._cond:
                self._write_depth -= 1
                if not self._write_depth:
                    self._writer = None
                    self._cond.notify_all()


def _lock_of(obj) -> ReadWriteLock:
    lock = obj.__dict__.get("_rwlock")
    if lock is None:
        lock = obj.__dict__.setdefault("_rwlock", ReadWriteLock())  # setdefault: one lock even if two race
    return lock


def reads(method):
    """Run the method holding the object's lock for reading."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with _lock_of(self).reading():
            return method(self, *args, **kwargs)
    return wrapper


def writes(method):
    """Run the method holding the object's lock for writing."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with _lock_of(self).writing():
            return method(self, *args, **kwargs)
    return wrapper
