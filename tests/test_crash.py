"""Crash tests: the service as deployed (gunicorn, several workers and threads, PostgreSQL) survives
its database dying and a worker being killed mid-request, and loses no acknowledged write.

Everything runs for real: a throwaway PostgreSQL of the test's own (``initdb`` and ``pg_ctl`` in a
temporary folder, on a free port of 127.0.0.1 and a private socket folder, run as the
``postgres`` user when the tests run as root, since PostgreSQL refuses root), migrated with
``flask db upgrade``, and gunicorn started with the project's ``gunicorn.conf.py``. Writer
threads create demands through the JSON API (each with a unique title and its own
``Idempotency-Key``) and note every answer; afterwards the database is read directly.

- The database is killed (``pg_ctl -m immediate stop``: no checkpoint, no goodbye to clients),
  kept down for a few seconds and started again. Every answer is a 201 or a 503 with
  ``Retry-After`` and the API's JSON error (no driver message, no traceback), never a 500;
  ``/healthz`` stays 200 and ``/readyz`` says 503 while the database is down, 200 after; the
  service recovers by itself within seconds of the database accepting connections (pooled
  connections are checked before use), and every write after that succeeds. Every write
  answered 201 is in the database, once, under the id it was answered with; no write answered
  503 is, with one exception that no server can avoid: when the kill lands between PostgreSQL
  making a COMMIT durable and saying so, the app is told only that the connection closed and
  answers 503 for a write that happened. Such a write must have been in flight at the kill,
  and retrying it with the same ``Idempotency-Key`` must answer the stored 201 (every write in
  flight at the kill is retried so, and ends up stored exactly once); the summary counts them
  as "phantom".
- A gunicorn worker is killed with SIGKILL while it holds a request. The master starts a new
  one, the service keeps answering, nothing answers 500, and every write answered 201 is in
  the database. Requests the killed worker had already accepted lose their connection (any
  other request is answered: the listening socket is the master's): a client cannot know
  whether those happened, so they are counted, not failed, and retried with their
  ``Idempotency-Key``, which answers the stored 201 or writes them now, once.

Each test ends with a one-line summary on stderr (``pytest -s`` shows it), for the figures in
docs/security.md. The tests skip, saying what is missing, without ``initdb``/``pg_ctl`` or, as
root, without a ``postgres`` user.
"""
from __future__ import annotations

import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import psutil
import psycopg
import pytest

from tests.factories import demand_data

REPO = Path(__file__).resolve().parents[1]
DBNAME = "innobridge_crash"
EMAIL = "crash-writer@example.com"
WORKERS = 2
WRITERS = 4
INTERNALS = ("psycopg", "Traceback", "OperationalError", "sqlalchemy", "SELECT", "INSERT", "connection")
RECOVERY_BOUND_S = 5.0  # a bound on recovering at all, with a wide margin; not a performance figure


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class ThrowawayPostgres:
    """A PostgreSQL server of its own in a temporary folder, as the ``postgres`` user under root."""

    def __init__(self) -> None:
        self.initdb, self.pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
        if not (self.initdb and self.pg_ctl):
            pytest.skip("crash tests need PostgreSQL's initdb and pg_ctl on PATH "
                        f"(initdb: {self.initdb or 'missing'}, pg_ctl: {self.pg_ctl or 'missing'})")
        self.prefix: list[str] = []
        owner = None
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            runuser = shutil.which("runuser")
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("crash tests run as root need a 'postgres' system user to run PostgreSQL as")
            if not runuser:
                pytest.skip("crash tests run as root need runuser to run PostgreSQL as the postgres user")
            self.prefix = [runuser, "-u", "postgres", "--"]
        # A fresh folder of its own, directly in /tmp when root (the postgres user must reach it).
        self.root = Path(tempfile.mkdtemp(prefix="innobridge-crash-pg-", dir="/tmp" if owner else None))
        if owner:
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self.root.chmod(0o700)
        self.data, self.sockets, self.log = self.root / "data", self.root / "sockets", self.root / "postgres.log"
        self.port = free_port()

    def _run(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        done = subprocess.run([*self.prefix, *args], cwd=self.root, capture_output=True, text=True,
                              timeout=timeout, check=False)
        if check and done.returncode:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                               f"\n--- postgres.log ---\n{tail(self.log)}")
        return done

    def create(self) -> None:
        self._run("mkdir", "-p", str(self.sockets))
        self._run(self.initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-locale", "--no-sync")  # the server itself keeps fsync on
        self.version = int((self.data / "PG_VERSION").read_text().split(".")[0])

    def start(self, wait: bool = True) -> None:
        """Start the server; without ``wait`` return at once (``accepting`` then tells when it is up)."""
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1"
        if self.version >= 14:  # after a crash, sync the data folder in one call, not file by file
            options += " -c recovery_init_sync_method=syncfs"
        self._run(self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "start", *(["-w", "-t", "60"] if wait else ["-W"]))

    def crash(self) -> None:
        """Kill the server the hard way: every backend quits at once, recovery runs on the next start."""
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop", "-w")

    def running(self) -> bool:
        return self._run(self.pg_ctl, "-D", str(self.data), "status", check=False).returncode == 0

    def accepting(self) -> bool:
        try:
            with psycopg.connect(self.conninfo(), connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def destroy(self) -> None:
        if self.data.exists():
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def child_env(**values: str) -> dict[str, str]:
    """This process's environment without any setting of the project, plus ``values``."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("INNOBRIDGE_")
           and name not in ("REDIS_URL", "TEST_DATABASE_URL", "DATABASE_URL", "SECRET_KEY", "APP_ENV")}
    return env | values


@dataclass
class Site:
    pg: ThrowawayPostgres
    url: str
    password: str
    files: Path  # match index and uploads: nothing goes into the repository's instance/


@pytest.fixture(scope="module")
def site():
    """A throwaway PostgreSQL with a migrated database and one enterprise account."""
    pg = ThrowawayPostgres()
    try:
        pg.create()
        pg.start()
        with psycopg.connect(pg.conninfo(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DBNAME}")
        files = pg.root / "app-files"
        files.mkdir()
        env = child_env(DATABASE_URL=pg.url(DBNAME), SECRET_KEY="crash-test-secret",
                        INNOBRIDGE_MATCH_INDEX_DIR=str(files / "match-index"),
                        INNOBRIDGE_UPLOAD_DIR=str(files / "uploads"))
        make_account = ("from tests.factories import PASSWORD, make_user\nfrom wsgi import app\n"
                        f"with app.app_context():\n    make_user(email={EMAIL!r})\nprint(PASSWORD)")
        for args in (["-m", "flask", "--app", "wsgi", "db", "upgrade"], ["-c", make_account]):
            done = subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True,
                                  timeout=180, check=False)
            assert done.returncode == 0, f"{args[:4]} failed:\n{done.stdout}\n{done.stderr}"
        yield Site(pg, pg.url(DBNAME), done.stdout.strip().splitlines()[-1], files)
    finally:
        pg.destroy()


class Gunicorn:
    """``gunicorn --config gunicorn.conf.py wsgi:app`` on a free port, as deployed."""

    def __init__(self, site: Site, log: Path) -> None:
        self.port, self.log_path = free_port(), log
        self.base = f"http://127.0.0.1:{self.port}"
        env = child_env(HOST="127.0.0.1", PORT=str(self.port), WORKERS=str(WORKERS), THREADS="2",
                        DATABASE_URL=site.url, SECRET_KEY="crash-test-secret",
                        INNOBRIDGE_MATCH_INDEX_DIR=str(site.files / "match-index"),
                        INNOBRIDGE_UPLOAD_DIR=str(site.files / "uploads"),
                        INNOBRIDGE_RATELIMIT_LISTINGS="100000 per hour")  # the writers are a script
        self.log = log.open("wb")
        command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]
        self.proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.proc.returncode}:\n{tail(self.log_path)}")
            try:
                if get(self.base + "/healthz", timeout=2).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{tail(self.log_path)}")

    def workers(self) -> list[int]:
        try:
            return sorted(child.pid for child in psutil.Process(self.proc.pid).children()
                          if child.status() != psutil.STATUS_ZOMBIE)
        except psutil.NoSuchProcess:
            return []

    def busy_worker(self, within: float = 3) -> psutil.Process:
        """A worker holding a client's connection (mid-request), else after ``within`` s any worker."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for pid in self.workers():
                try:
                    if any(c.status == psutil.CONN_ESTABLISHED and c.laddr.port == self.port
                           for c in psutil.Process(pid).net_connections("tcp")):
                        return psutil.Process(pid)
                except psutil.NoSuchProcess:
                    pass
            time.sleep(0.005)
        return psutil.Process(self.workers()[0])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the master is the group's leader: workers too
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture
def server(site, tmp_path):
    gunicorn = Gunicorn(site, tmp_path / "gunicorn.log")
    try:
        gunicorn.wait_ready()
        yield gunicorn
    finally:
        gunicorn.stop()


@dataclass
class Answer:
    status: int
    headers: dict
    text: str


def request(method: str, url: str, body: dict | None = None, headers: dict | None = None,
            timeout: float = 30) -> Answer:
    data = json.dumps(body).encode() if body is not None else None
    headers = dict(headers or {}) | ({"Content-Type": "application/json"} if body is not None else {})
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return Answer(response.status, lowered(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        try:
            return Answer(error.code, lowered(error.headers), error.read().decode())
        finally:
            error.close()


def lowered(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def get(url: str, timeout: float = 30) -> Answer:
    return request("GET", url, timeout=timeout)


def token(base: str, password: str) -> dict:
    answer = request("POST", base + "/api/v1/tokens", {"email": EMAIL, "password": password})
    assert answer.status == 201, answer.text
    return {"Authorization": f"Bearer {json.loads(answer.text)['token']}"}


@dataclass
class Write:
    title: str
    key: str
    body: dict
    sent: float
    answered: float
    status: int | None  # None: no HTTP answer (the connection failed)
    demand_id: int | None = None
    headers: dict = field(default_factory=dict)
    text: str = ""
    error: str = ""


class Load:
    """Writer threads creating demands (one title and Idempotency-Key each) until stopped, and a
    prober asking /healthz and /readyz every 0.1 s."""

    def __init__(self, base: str, headers: dict) -> None:
        self.base, self.headers, self.run = base, headers, uuid.uuid4().hex[:8]
        self.writes: list[Write] = []
        self.probes: list[tuple[float, str, int | None, str]] = []
        self.crashes: list[BaseException] = []
        self.lock, self.stopping = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self._guard, args=(self._write, n)) for n in range(WRITERS)]
        self.threads.append(threading.Thread(target=self._guard, args=(self._probe, 0)))

    def __enter__(self) -> Self:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)
        if exc_type is None:  # else the test's own failure is the news
            assert not any(thread.is_alive() for thread in self.threads), "a load thread did not stop"
            assert not self.crashes, f"a load thread crashed: {self.crashes!r}"

    @property
    def prefix(self) -> str:
        return f"崩溃测试 {self.run} "

    def _guard(self, work, n: int) -> None:
        try:
            work(n)
        except BaseException as error:  # noqa: BLE001 - reported by __exit__, not lost with the thread
            with self.lock:
                self.crashes.append(error)

    def _write(self, n: int) -> None:
        i = 0
        while not self.stopping.is_set():
            title, key = f"{self.prefix}w{n}-{i}", f"crash-{self.run}-{n}-{i}"
            body = demand_data(title=title)
            sent = time.monotonic()
            try:
                answer = request("POST", self.base + "/api/v1/demands", body,
                                 self.headers | {"Idempotency-Key": key})
                write = Write(title, key, body, sent, time.monotonic(), answer.status, headers=answer.headers,
                              text=answer.text)
                if answer.status == 201:
                    write.demand_id = json.loads(answer.text)["id"]
            except (OSError, http.client.HTTPException) as error:  # refused, reset, cut off
                write = Write(title, key, body, sent, time.monotonic(), None, error=repr(error))
            with self.lock:
                self.writes.append(write)
            i += 1
            if write.status != 201:
                time.sleep(0.05)  # a client that does not hammer; still far below Retry-After

    def _probe(self, _: int) -> None:
        while not self.stopping.is_set():
            for path in ("/healthz", "/readyz"):
                at = time.monotonic()
                try:
                    answer = get(self.base + path, timeout=10)
                    self.probes.append((at, path, answer.status, answer.text))
                except (OSError, http.client.HTTPException) as error:
                    self.probes.append((at, path, None, repr(error)))
            time.sleep(0.1)


def stored(site: Site, prefix: str) -> dict[str, list[int]]:
    """Title → ids of the demands the database holds under this run's prefix."""
    found: dict[str, list[int]] = {}
    with psycopg.connect(site.pg.conninfo(DBNAME)) as conn:
        for title, demand_id in conn.execute("SELECT title, id FROM demands WHERE title LIKE %s ORDER BY id",
                                             (prefix + "%",)):
            found.setdefault(title, []).append(demand_id)
    return found


def check_acknowledged(rows: dict[str, list[int]], writes: list[Write]) -> None:
    """Every write answered 201 is stored exactly once, under the id it was answered with."""
    lost = [(w.title, w.demand_id, rows.get(w.title)) for w in writes
            if w.status == 201 and rows.get(w.title) != [w.demand_id]]
    assert not lost, f"acknowledged writes lost or stored differently (title, answered id, stored ids): {lost}"
    duplicated = {title: ids for title, ids in rows.items() if len(ids) > 1}
    assert not duplicated, f"titles stored more than once: {duplicated}"


def describe(writes: list[Write], origin: float) -> str:
    return "\n".join(f"  {w.title!r}: sent {w.sent - origin:+.3f} s, answered {w.answered - origin:+.3f} s, "
                     f"{w.status} {w.error or w.text[:160]}" for w in writes[:10])


def check_503(write: Write) -> str | None:
    """What is wrong with a 503 answer, if anything."""
    if "retry-after" not in write.headers:
        return "no Retry-After"
    try:
        error = json.loads(write.text)["error"]
    except (ValueError, KeyError, TypeError):
        return f"not the API's JSON error: {write.text[:200]!r}"
    if set(error) != {"code", "message", "fields"}:
        return f"error keys {sorted(error)}"
    leaked = [word for word in INTERNALS if word.lower() in write.text.lower()]
    return f"internals in the body ({leaked}): {write.text[:200]!r}" if leaked else None


def resolve_by_key(site: Site, base: str, headers: dict, writes: list[Write], rows: dict[str, list[int]],
                   prefix: str) -> None:
    """Send each write of unknown outcome again with its Idempotency-Key, as a careful client
    would: a stored one answers its stored 201 (``Idempotent-Replayed``), any other is written
    now; either way each ends up stored exactly once, under the id answered."""
    for w in writes:
        answer = request("POST", base + "/api/v1/demands", w.body, headers | {"Idempotency-Key": w.key})
        assert answer.status == 201, (w.title, answer.status, answer.text[:300])
        replayed = answer.headers.get("idempotent-replayed") == "true"
        assert replayed == (w.title in rows), (w.title, "replayed" if replayed else "written anew", rows.get(w.title))
        w.status, w.demand_id = 201, json.loads(answer.text)["id"]
    check_acknowledged(stored(site, prefix), writes)


@pytest.mark.slow
def test_the_service_survives_a_database_crash(site, server):
    headers = token(server.base, site.password)
    assert get(server.base + "/readyz").status == 200, "not ready before the crash"
    pg = site.pg
    try:
        with Load(server.base, headers) as load:
            time.sleep(1.5)
            killed = time.monotonic()
            pg.crash()
            down = time.monotonic()  # pg_ctl has seen the server exit
            time.sleep(2.5)
            restarting = time.monotonic()
            pg.start(wait=False)
            while not pg.accepting():  # the moment the database accepts connections again
                assert time.monotonic() - restarting < 60, f"PostgreSQL did not come back:\n{tail(pg.log)}"
                time.sleep(0.01)
            up = time.monotonic()
            time.sleep(3)
    finally:
        if not pg.running():
            pg.start()
    log = f"\n--- gunicorn log (tail) ---\n{tail(server.log_path)}"
    writes = load.writes
    refused = [w for w in writes if w.status == 503]

    # Every answer is a 201 or a 503 with Retry-After and the API's error, nothing internal;
    # gunicorn itself never stopped answering.
    other = [w for w in writes if w.status not in (201, 503)]
    assert not other, f"answers other than 201 and 503 (times from the kill):\n{describe(other, killed)}{log}"
    problems = [(w.title, problem) for w in refused if (problem := check_503(w))]
    assert not problems, f"malformed 503 answers: {problems[:5]}"
    during = [w for w in refused if killed <= w.answered <= up]
    assert during, f"no request met the outage: the test did not test anything{log}"
    wrong = [w for w in writes if w.sent >= down and w.answered <= restarting and w.status != 503]
    assert not wrong, f"answered while the database was down:\n{describe(wrong, killed)}"

    # It recovers by itself, promptly, and stays recovered.
    after = [w for w in writes if w.status == 201 and w.sent >= down]
    assert after, f"no write succeeded after the restart{log}"
    first = min(w.answered for w in after)
    assert first - up < RECOVERY_BOUND_S, f"first write {first - up:.1f} s after the database came back{log}"
    failing_later = [w for w in writes if w.sent > first and w.status != 201]
    assert not failing_later, f"failures after recovery:\n{describe(failing_later, up)}{log}"
    assert len([w for w in writes if w.sent > first]) >= WRITERS, "too few writes after recovery to tell"

    # Health: alive throughout; not ready while the database is down, ready again after.
    unhealthy = [p for p in load.probes if p[1] == "/healthz" and p[2] != 200]
    assert not unhealthy, unhealthy[:5]
    not_ready = [(status, json.loads(text)) for at, path, status, text in load.probes
                 if path == "/readyz" and down <= at and at + 0.5 <= restarting]
    assert not_ready and all(status == 503 and body["checks"]["database"] == "unavailable"
                             for status, body in not_ready), not_ready[:5]
    assert any(at > first and path == "/readyz" and status == 200 for at, path, status, _ in load.probes)
    assert get(server.base + "/readyz").status == 200

    # Durability: every acknowledged write is stored once, under its id.
    rows = stored(site, load.prefix)
    check_acknowledged(rows, writes)
    # No refused write is stored, with one exception no server can avoid: the crash cut a COMMIT
    # off after PostgreSQL had made it durable and before it said so. The app is told only "server
    # closed the connection", cannot know the outcome, and answers 503; such a write was in flight
    # at the kill. A 503 write stored that was not in flight is a bug.
    phantom = [w for w in refused if w.title in rows]
    in_flight = [w for w in refused if w.sent < down and w.answered >= killed]
    unexplained = [w for w in phantom if w.title not in {i.title for i in in_flight}]
    assert not unexplained, f"refused with 503 yet stored, not in flight at the kill:\n{describe(unexplained, killed)}"
    # A client that retries with the same Idempotency-Key learns the outcome and writes exactly
    # once: the stored 201 comes back (replayed), or the write happens now.
    resolve_by_key(site, server.base, headers, in_flight, rows, load.prefix)

    acknowledged = len(writes) - len(refused)
    cut = (" (the crash cut off their COMMIT after it was durable; retried with the same Idempotency-Key, "
           "each answered its stored 201)" if phantom else "")
    print(f"crash test: {acknowledged} writes acknowledged, {len(during)} answered 503 during a "
          f"{up - killed:.1f} s outage (down {restarting - killed:.1f} s, crash recovery {up - restarting:.1f} s), "
          f"first write after restart in {(first - up) * 1000:.0f} ms, "
          f"0 lost, {len(phantom)} phantom{cut}", file=sys.stderr)


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_loses_no_acknowledged_write(site, server):
    headers = token(server.base, site.password)
    before = server.workers()
    assert len(before) == WORKERS, before
    with Load(server.base, headers) as load:
        time.sleep(1.5)
        victim = server.busy_worker()
        killed = time.monotonic()
        victim.send_signal(signal.SIGKILL)
        try:
            victim.wait(timeout=10)  # gone once the master has reaped it
        except psutil.TimeoutExpired:
            pytest.fail(f"worker {victim.pid} survived SIGKILL")
        dead = time.monotonic()
        while True:
            now = server.workers()
            if len(now) == WORKERS and victim.pid not in now:
                break
            assert time.monotonic() - killed < 30, f"no new worker after 30 s: {now}\n{tail(server.log_path)}"
            time.sleep(0.05)
        replaced = time.monotonic()
        time.sleep(3)
    log = f"\n--- gunicorn log (tail) ---\n{tail(server.log_path)}"
    writes = load.writes
    answered = [w for w in writes if w.status is not None]
    cut_off = [w for w in writes if w.status is None]

    other = [w for w in answered if w.status != 201]
    assert not other, f"answers other than 201 (times from the kill):\n{describe(other, killed)}{log}"
    # Only requests the killed worker had already taken lose their connection: the listening
    # socket belongs to the master and stays open.
    late = [w for w in cut_off if w.sent > dead]
    assert not late, f"connections failed after the worker was gone:\n{describe(late, killed)}{log}"
    assert [w for w in answered if w.sent > dead], "nothing answered after the kill"
    assert [w for w in answered if w.sent > replaced], "nothing answered after the replacement"
    new = sorted(set(server.workers()) - set(before))
    assert len(new) == 1, (before, server.workers())
    # A probe too may have been on the killed worker; any other answer is 200.
    unhealthy = [p for p in load.probes if p[1] == "/healthz" and p[2] != 200 and not (p[2] is None and p[0] <= dead)]
    assert not unhealthy, unhealthy[:5]

    rows = stored(site, load.prefix)
    check_acknowledged(rows, writes)
    # A write cut off may or may not have committed; its Idempotency-Key tells, and writes it once.
    cut_off_stored = sum(w.title in rows for w in cut_off)
    resolve_by_key(site, server.base, headers, cut_off, rows, load.prefix)
    print(f"worker kill test: {len(answered)} writes acknowledged, {len(cut_off)} cut off with the killed "
          f"worker ({cut_off_stored} of them committed), worker {victim.pid} replaced by {new[0]} in "
          f"{(replaced - killed) * 1000:.0f} ms, 0 lost", file=sys.stderr)
