"""Browser tests: a live server on a free local port with the demo data, driven by Playwright in
Debian's Chromium. Skipped (with the reason) where Playwright or Chromium is missing."""
from __future__ import annotations

import os
import shutil
import threading

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
DEMO_PASSWORD = "e2e-demo-pass-2026"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app with the demo data on 127.0.0.1:<free port>, served from a thread."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from marketplace import create_app
    from models import db
    from seeds.loader import load_demo

    instance = tmp_path_factory.mktemp("e2e-instance")
    app = create_app({"SECRET_KEY": "e2e-secret", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/e2e.db",
                      "MATCH_INDEX_DIR": "", "RATELIMIT_ENABLED": False,
                      "UPLOAD_DIR": str(instance / "uploads")})
    with app.app_context():
        upgrade()
        load_demo(DEMO_PASSWORD)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (no downloads: Debian's package)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    if not CHROMIUM:
        pytest.skip("Chromium not found (apt-get install chromium); browser tests skipped")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (own cookies) per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def once_refreshed(read, before, seconds: float = 40.0):
    """What ``read()`` shows once it differs from ``before`` (or after ``seconds``). The public
    figures come from the shared cache, which answers the previous copy while one background
    thread recomputes it, at most every FIGURES_COST_FACTOR (10) times as long as computing them
    took: on a machine busy with the rest of the suite that can be tens of seconds."""
    import time

    deadline = time.monotonic() + seconds
    value = read()
    while value == before and time.monotonic() < deadline:
        time.sleep(0.2)
        value = read()
    return value


def sign_in(page, base: str, email: str) -> None:
    """Log in through the form as a person would."""
    page.goto(f"{base}/auth/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form button.primary")
    page.wait_for_url(f"{base}/me/")


def post_demand(page, base: str, title: str, description: str, keywords: str, field: str = "new_energy",
                budget=(50, 200), trl: int = 6, button: str = "published") -> None:
    """Fill in the demand form as a person would and press a button (published / draft)."""
    page.goto(f"{base}/demands/new")
    page.fill("#title", title)
    page.fill("#description", description)
    page.select_option("#field", field)
    page.fill("#keywords", keywords)
    page.fill("#budget_min", str(budget[0]))
    page.fill("#budget_max", str(budget[1]))
    page.fill("#deadline", "2030-06-30")
    page.fill("#trl_target", str(trl))
    page.click(f"button[value={button}]")


def confirm(page, answer: bool = True) -> str:
    """Answer the page's own confirmation (app.js: a modal <dialog>, never the browser's confirm box)
    and return its question."""
    dialog = page.locator("dialog.confirm-dialog[open]")
    dialog.wait_for(state="visible")
    question = dialog.locator("p").inner_text()
    dialog.locator(".confirm-yes" if answer else ".confirm-no").click()
    dialog.wait_for(state="detached")
    return question
