"""One index, many threads (gunicorn gthread): queries share the index, changes have it alone.
"Blocked" is checked as a thread still waiting after a pause, "released" as it finishing after the
holder lets go: neither depends on the machine's speed."""
from __future__ import annotations

import threading

import pytest

from matching import Matcher
from matching.rwlock import ReadWriteLock, _lock_of

from conftest import make_doc, small_corpus

PAUSE = 0.3  # long enough for a thread that is free to run to finish


def in_thread(work) -> tuple[threading.Thread, list]:
    """Start ``work`` in a thread; the list receives its result or exception."""
    out: list = []

    def run():
        try:
            out.append(work())
        except BaseException as error:  # noqa: BLE001 - handed to the test
            out.append(error)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


@pytest.fixture
def holding():
    """Hold a lock's side in a helper thread until released: holding(lock, "reading")."""
    releases = []

    def hold(lock: ReadWriteLock, side: str):
        held, release = threading.Event(), threading.Event()

        def run():
            with getattr(lock, side)():
                held.set()
                release.wait(10)
        threading.Thread(target=run, daemon=True).start()
        assert held.wait(5)
        releases.append(release)
        return release
    yield hold
    for release in releases:
        release.set()


def test_readers_share(holding):
    lock = ReadWriteLock()
    holding(lock, "reading")
    thread, out = in_thread(lambda: lock.reading().__enter__() or "in")
    thread.join(5)
    assert out == ["in"]


def test_a_writer_waits_for_readers_and_then_runs(holding):
    lock = ReadWriteLock()
    release = holding(lock, "reading")
    thread, out = in_thread(lambda: lock.writing().__enter__() or "wrote")
    thread.join(PAUSE)
    assert thread.is_alive() and out == []
    release.set()
    thread.join(5)
    assert out == ["wrote"]


def test_readers_wait_for_a_writer(holding):
    lock = ReadWriteLock()
    release = holding(lock, "writing")
    thread, out = in_thread(lambda: lock.reading().__enter__() or "read")
    thread.join(PAUSE)
    assert thread.is_alive() and out == []
    release.set()
    thread.join(5)
    assert out == ["read"]


def test_a_waiting_writer_goes_before_new_readers(holding):
    lock = ReadWriteLock()
    release_reader = holding(lock, "reading")
    order = []

    def write():
        with lock.writing():
            order.append("writer")

    def read():
        with lock.reading():
            order.append("reader")
    writer, _ = in_thread(write)
    writer.join(PAUSE)
    reader, _ = in_thread(read)
    reader.join(PAUSE)
    assert order == []  # the new reader queues behind the waiting writer
    release_reader.set()
    writer.join(5)
    reader.join(5)
    assert order == ["writer", "reader"]


def test_a_thread_re_enters_what_it_holds():
    lock = ReadWriteLock()
    with lock.writing():
        with lock.writing():  # update() = remove() + add()
            pass
        with lock.reading():  # a writer may read
            pass
        assert lock._writer == threading.get_ident()
    assert lock._writer is None
    with lock.reading():
        with lock.reading():
            pass
        assert lock._readers == 1
    assert lock._readers == 0


def test_a_reader_re_enters_while_a_writer_waits(holding):
    lock = ReadWriteLock()
    done = []
    with lock.reading():
        writer, _ = in_thread(lambda: lock.writing().__enter__())
        writer.join(PAUSE)
        assert writer.is_alive()
        with lock.reading():  # would deadlock if the nested read queued behind the writer
            done.append(True)
    writer.join(5)
    assert done == [True] and not writer.is_alive()


def test_reading_then_writing_in_one_thread_is_refused():
    lock = ReadWriteLock()
    with lock.reading(), pytest.raises(RuntimeError):
        with lock.writing():
            pass
    assert lock._readers == 0 and lock._writers_waiting == 0


def fitted():
    return Matcher().fit(small_corpus())


NEW = make_doc(99, "氢燃料电池双极板", "金属双极板涂层，提升燃料电池寿命。", ["燃料电池"], kind="result",
               field="energy", status="published")
CHANGES = {
    "add": lambda m: m.add(NEW), "remove": lambda m: m.remove(1), "update": lambda m: m.update(NEW),
    "compact": lambda m: m.compact(), "fit": lambda m: m.fit(small_corpus()),
    "save": lambda m, path=None: m.save(path),
}
READS = {
    "query": lambda m: m.query("电池热失控预警"), "retrieve": lambda m: m.retrieve("电池"),
    "explain": lambda m: m.explain("电池", 1), "get": lambda m: m.get(1), "contains": lambda m: 1 in m,
    "len": lambda m: len(m),
}


def waits_then_runs(holding, side: str, work) -> None:
    """``work`` on a fitted matcher blocks while another thread holds its lock on ``side``, then
    finishes without error once released."""
    matcher = fitted()
    release = holding(_lock_of(matcher), side)
    thread, out = in_thread(lambda: work(matcher))
    thread.join(PAUSE)
    assert thread.is_alive() and out == []
    release.set()
    thread.join(30)
    assert out and not isinstance(out[0], BaseException), out


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_change_waits_for_running_queries(change, holding, tmp_path):
    work = CHANGES[change]
    waits_then_runs(holding, "reading", lambda m: work(m, tmp_path / "index") if change == "save" else work(m))


@pytest.mark.parametrize("read", sorted(READS))
def test_every_query_waits_for_a_change(read, holding):
    waits_then_runs(holding, "writing", READS[read])


def test_queries_during_a_stream_of_changes_stay_consistent():
    """Eight threads query while one adds and removes documents; nothing raises and every answer
    names documents that were indexed."""
    matcher = fitted()
    known = {doc["id"] for doc in small_corpus()} | {f"n{i}" for i in range(200)}
    stop, errors, answers = threading.Event(), [], []

    def query():
        while not stop.is_set():
            try:
                answers.append({match.id for match in matcher.query("电池预警 功率器件", top=5)})
                answers.append({doc for doc, _ in matcher.retrieve("电池", filters={"status": "published"})})
            except Exception as error:  # noqa: BLE001
                errors.append(error)
                return

    threads = [threading.Thread(target=query, daemon=True) for _ in range(8)]
    for thread in threads:
        thread.start()
    for i in range(200):
        matcher.add(make_doc(f"n{i}", f"新型电池 {i}", "储能电池热管理与预警。", ["电池"], kind="result",
                             field="energy", status="published"))
        if i % 3 == 0:
            matcher.remove(f"n{i}")
    stop.set()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert answers and set().union(*answers) <= known
