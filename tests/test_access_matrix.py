"""The route × role matrix: every web route and API operation, each method, called by each kind of
caller — anonymous, the owners on the three sides of one engagement (enterprise, researcher,
center), a same-role member of another organization for each, and an operator — and answered
as the matrix below says: reached (the caller may do this; the answer may still be a validation
error or a state conflict) or denied (a login redirect, 401, 403 or 404). Every denied call is
proved to have changed nothing: every row of every table is read before and after. A route the
application has and the matrix lacks fails the test, so a new route cannot ship without a row.

The world: a published demand of the enterprise, a published result of the researcher, their
connected pairing with an open validation request and the center's bid on it; a second
connected pairing whose engagement with the center has every milestone approved (the first with
a file) and its report filed; a draft of each listing (for the deletes), a notification and a
watch of the enterprise. It is built once on a SQLite file and copied back before each route, so
what one allowed caller does never leaks into the next route's cells; within a route the callers
the matrix denies go first, while the world is as built. Forms carry the caller's CSRF token (a
CSRF failure would hide the authorization decision), API calls a bearer token. Authorization is
decided in the services, the same on either database; this test runs on SQLite."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.factories import BUT_THE_LOG, every_row
from tests.worlds import build_world

ACTORS = ("anonymous", "enterprise", "researcher", "center", "other_enterprise", "other_researcher",
          "other_center", "admin")
EVERYONE = set(ACTORS)
SIGNED_IN = EVERYONE - {"anonymous"}
PARTIES = {"enterprise", "researcher"}  # the two sides of the pairings
ENGAGED = PARTIES | {"center"}  # the three parties of the engagement
CENTERS = {"center", "other_center"}

ADMIN = {"admin"}
NOBODY: set[str] = set()

# "METHOD rule" (the rule as the application declares it) → who reaches it. The ids are the
# world's (services below); a ``close``/``withdraw`` action stands for each ``any(…)``.
MATRIX: dict[str, set[str]] = {
    "GET /": EVERYONE,
    "GET /favicon.ico": EVERYONE,
    "GET /admin/": ADMIN,
    "GET /admin/audit": ADMIN,
    "GET /admin/mail/": ADMIN,
    "POST /admin/mail/<int:mail_id>/retry": ADMIN,
    "GET /me/email": SIGNED_IN,
    "POST /me/email": SIGNED_IN,
    "GET /mail/unsubscribe/<unsubscribe_token>": EVERYONE,  # the signed token is the authority
    "POST /mail/unsubscribe/<unsubscribe_token>": EVERYONE,
    "GET /api/v1/me/email-preferences": SIGNED_IN,
    "PUT /api/v1/me/email-preferences": SIGNED_IN,
    "GET /admin/audit.csv": ADMIN,
    "GET /admin/users": ADMIN,
    "GET /admin/users/<int:user_id>": ADMIN,
    "POST /admin/users/<int:user_id>/disable": ADMIN,
    "POST /admin/users/<int:user_id>/enable": ADMIN,
    "POST /admin/users/<int:user_id>/membership": ADMIN,
    "GET /api/v1/admin/audit": ADMIN,
    "GET /api/v1/admin/users": ADMIN,
    "GET /api/v1/admin/users/<int:user_id>": ADMIN,
    "POST /api/v1/admin/users/<int:user_id>/disable": ADMIN,
    "POST /api/v1/admin/users/<int:user_id>/enable": ADMIN,
    "GET /admin/organizations": ADMIN,
    "GET /admin/organizations/<int:organization_id>": ADMIN,
    "GET /admin/settings": ADMIN,
    "POST /me/join-requests/<int:join_request_id>/<any(approve, decline):action>": {'other_enterprise', 'admin'},
    "GET /admin/taxonomy": ADMIN,
    "POST /admin/taxonomy": ADMIN,
    "POST /admin/taxonomy/<code>/rename": ADMIN,
    "POST /admin/taxonomy/<code>/<any(up, down):direction>": ADMIN,
    "POST /admin/taxonomy/<code>/retire": ADMIN,
    "POST /admin/taxonomy/<code>/restore": ADMIN,
    "POST /demands/<int:demand_id>/confirm": {'enterprise'},
    # files on the (public) demand and result: everyone downloads, the owners upload and delete
    "GET /demands/<int:demand_id>/attachments/<int:attachment_id>": EVERYONE,
    "POST /demands/<int:demand_id>/attachments": {'enterprise'},
    "POST /demands/<int:demand_id>/attachments/<int:attachment_id>/delete": {'enterprise'},
    "GET /results/<int:result_id>/attachments/<int:attachment_id>": EVERYONE,
    "POST /results/<int:result_id>/attachments": {'researcher'},
    "POST /results/<int:result_id>/attachments/<int:attachment_id>/delete": {'researcher'},
    "GET /api/v1/demands/<int:demand_id>/attachments": EVERYONE,
    "POST /api/v1/demands/<int:demand_id>/attachments": {'enterprise'},
    "GET /api/v1/demands/<int:demand_id>/attachments/<int:attachment_id>": EVERYONE,
    "DELETE /api/v1/demands/<int:demand_id>/attachments/<int:attachment_id>": {'enterprise'},
    "GET /api/v1/results/<int:result_id>/attachments": EVERYONE,
    "POST /api/v1/results/<int:result_id>/attachments": {'researcher'},
    "GET /api/v1/results/<int:result_id>/attachments/<int:attachment_id>": EVERYONE,
    "DELETE /api/v1/results/<int:result_id>/attachments/<int:attachment_id>": {'researcher'},
    "POST /results/<int:result_id>/confirm": {'researcher'},
    "POST /api/v1/demands/<int:demand_id>/confirm": {'enterprise'},
    "POST /api/v1/results/<int:result_id>/confirm": {'researcher'},
    "GET /admin/reports": ADMIN,
    "POST /admin/reports/<int:report_id>/dismiss": ADMIN,
    "POST /admin/listings/<any(demand, result):kind>/<int:listing_id>/hide": ADMIN,
    "POST /admin/listings/<any(demand, result):kind>/<int:listing_id>/restore": ADMIN,
    "POST /reports/": SIGNED_IN,
    "POST /api/v1/reports": SIGNED_IN,
    "GET /api/v1/admin/reports": ADMIN,
    "POST /api/v1/admin/reports/<int:report_id>/dismiss": ADMIN,
    "POST /api/v1/admin/listings/<any(demand, result):kind>/<int:listing_id>/hide": ADMIN,
    "POST /api/v1/admin/listings/<any(demand, result):kind>/<int:listing_id>/restore": ADMIN,
    "POST /admin/settings": ADMIN,
    "GET /organizations/<int:organization_id>": EVERYONE,
    "GET /api/v1/organizations/<int:organization_id>": EVERYONE,
    "POST /admin/organizations/<int:organization_id>/verify": ADMIN,
    "POST /admin/organizations/<int:organization_id>/reject": ADMIN,
    "POST /admin/organizations/<int:organization_id>/revoke": ADMIN,
    "GET /api/v1/agreements/<int:agreement_id>/verify": ENGAGED | ADMIN,
    "GET /api/v1/bids/<int:bid_id>": ENGAGED | ADMIN,
    "PATCH /api/v1/bids/<int:bid_id>": {'center'},
    "POST /api/v1/bids/<int:bid_id>/accept": PARTIES,
    "GET /api/v1/bids/<int:bid_id>/revisions": ENGAGED | ADMIN,
    "POST /api/v1/bids/<int:bid_id>/withdraw": {'center'},
    "GET /api/v1/centers": EVERYONE,
    "GET /api/v1/centers/<int:center_id>": EVERYONE,
    "PATCH /api/v1/centers/<int:center_id>": {'center'},
    "GET /api/v1/demands": EVERYONE,
    "POST /api/v1/demands": {'enterprise', 'other_enterprise'},
    # the quality meter: those who may post one (it reads the body only and writes nothing)
    "POST /api/v1/demands/quality": {'enterprise', 'other_enterprise'},
    "POST /api/v1/results/quality": {'researcher', 'other_researcher'},
    "POST /demands/quality": {'enterprise', 'other_enterprise'},
    "POST /results/quality": {'researcher', 'other_researcher'},
    "DELETE /api/v1/demands/<int:demand_id>": {'enterprise'},
    "GET /api/v1/demands/<int:demand_id>": EVERYONE,
    "PATCH /api/v1/demands/<int:demand_id>": {'enterprise'},
    "GET /api/v1/demands/<int:demand_id>/access-log": {'enterprise'},
    "GET /api/v1/demands/<int:demand_id>/matches": SIGNED_IN,
    "POST /api/v1/demands/<int:demand_id>/undertaking": SIGNED_IN,
    "GET /api/v1/engagements": SIGNED_IN,
    "GET /api/v1/engagements/<int:engagement_id>": ENGAGED | ADMIN,
    "GET /api/v1/engagements/<int:engagement_id>/files/<int:submission_id>": ENGAGED | ADMIN,
    "POST /api/v1/engagements/<int:engagement_id>/milestones/<int:milestone_id>/approve": PARTIES,
    "POST /api/v1/engagements/<int:engagement_id>/milestones/<int:milestone_id>/pay": {'enterprise'},
    "POST /api/v1/engagements/<int:engagement_id>/milestones/<int:milestone_id>/reject": PARTIES,
    "POST /api/v1/engagements/<int:engagement_id>/milestones/<int:milestone_id>/submit": {'center'},
    "POST /api/v1/engagements/<int:engagement_id>/report": {'center'},
    "POST /api/v1/engagements/<int:engagement_id>/report/accept": PARTIES,
    "POST /api/v1/engagements/<int:engagement_id>/report/return": PARTIES,
    "POST /api/v1/engagements/<int:engagement_id>/sign": ENGAGED,
    "GET /api/v1/fields": EVERYONE,
    "GET /api/v1/me": SIGNED_IN,
    "GET /api/v1/notifications": SIGNED_IN,
    "POST /api/v1/notifications/<int:notification_id>/read": {'enterprise'},
    "POST /api/v1/notifications/read-all": SIGNED_IN,
    "GET /api/v1/openapi.json": EVERYONE,
    "POST /api/v1/organizations/<int:organization_id>/verify": ADMIN,
    "POST /api/v1/organizations/<int:organization_id>/reject": ADMIN,
    "POST /api/v1/organizations/<int:organization_id>/revoke": ADMIN,
    "GET /api/v1/pairings": SIGNED_IN,
    # the body is checked first (422); a proposal also needs one of the caller's own published
    # listings on the other side (tests/api/test_pairings_api.py refuses centers and operators)
    "POST /api/v1/pairings": SIGNED_IN,
    "GET /api/v1/pairings/<int:pairing_id>": PARTIES | ADMIN,
    "POST /api/v1/pairings/<int:pairing_id>/accept": {'enterprise'},
    "GET /api/v1/pairings/<int:pairing_id>/bids": {'enterprise', 'researcher', 'center', 'other_center', 'admin'},
    "POST /api/v1/pairings/<int:pairing_id>/bids": CENTERS,
    "POST /api/v1/pairings/<int:pairing_id>/decline": {'enterprise'},
    "GET /api/v1/pairings/<int:pairing_id>/messages": PARTIES | ADMIN,
    "POST /api/v1/pairings/<int:pairing_id>/messages": PARTIES,
    "POST /api/v1/pairings/<int:pairing_id>/validation-request": PARTIES,
    "POST /api/v1/pairings/<int:pairing_id>/withdraw": {'researcher'},
    "GET /api/v1/results": EVERYONE,
    "POST /api/v1/results": {'researcher', 'other_researcher'},
    "DELETE /api/v1/results/<int:result_id>": {'researcher'},
    "GET /api/v1/results/<int:result_id>": EVERYONE,
    "PATCH /api/v1/results/<int:result_id>": {'researcher'},
    "GET /api/v1/results/<int:result_id>/matches": SIGNED_IN,
    "GET /api/v1/search": EVERYONE,
    "GET /api/v1/stats": EVERYONE,
    # signing in with an empty body is a 401 for anyone (tests/api/test_tokens.py signs in)
    "POST /api/v1/tokens": NOBODY,
    "DELETE /api/v1/tokens/current": SIGNED_IN,
    "POST /api/v1/users": ADMIN,
    "GET /api/v1/validation-requests": CENTERS,
    "GET /api/v1/validation-requests/<int:request_id>": {'enterprise', 'researcher', 'center', 'other_center', 'admin'},
    "POST /api/v1/validation-requests/<int:request_id>/cancel": PARTIES,
    "GET /api/v1/validation-requests/<int:request_id>/comparison": PARTIES,
    "GET /api/v1/watches": SIGNED_IN,
    "POST /api/v1/watches": SIGNED_IN,
    "DELETE /api/v1/watches/<int:watch_id>": {'enterprise'},
    "GET /auth/login": EVERYONE,
    "POST /auth/login": EVERYONE,
    "GET /auth/register": EVERYONE,
    "POST /auth/register": EVERYONE,
    # a forgotten password: anyone may ask (the same answer for every address) and anyone holding
    # a mailed link may use it — the signed link is the authority (the world's links are the
    # enterprise's; an empty form is a 400, a used link too)
    "GET /auth/forgot": EVERYONE,
    "POST /auth/forgot": EVERYONE,
    "POST /api/v1/password-reset": EVERYONE,
    "GET /auth/reset/<reset_token>": EVERYONE,
    "POST /auth/reset/<reset_token>": EVERYONE,
    "GET /account/email/confirm/<confirm_token>": EVERYONE,
    "POST /account/email/confirm/<confirm_token>": EVERYONE,
    "GET /centers/": EVERYONE,
    "GET /centers/<int:center_id>": EVERYONE,
    "GET /centers/profile": CENTERS,
    "POST /centers/profile": CENTERS,
    "GET /demands/": EVERYONE,
    "GET /demands/<int:demand_id>": EVERYONE,
    "POST /demands/<int:demand_id>/<any(publish, close, reopen):action>": {'enterprise'},
    "GET /demands/<int:demand_id>/access-log": {'enterprise'},
    "POST /demands/<int:demand_id>/delete": {'enterprise'},
    "GET /demands/<int:demand_id>/edit": {'enterprise'},
    "POST /demands/<int:demand_id>/edit": {'enterprise'},
    "POST /demands/<int:demand_id>/undertaking": SIGNED_IN,
    "GET /demands/new": {'enterprise', 'other_enterprise'},
    "POST /demands/new": {'enterprise', 'other_enterprise'},
    "GET /engagements/": SIGNED_IN,
    "GET /engagements/<int:engagement_id>": ENGAGED | ADMIN,
    "GET /engagements/<int:engagement_id>/agreement": ENGAGED | ADMIN,
    "GET /engagements/<int:engagement_id>/files/<int:submission_id>": ENGAGED | ADMIN,
    "POST /engagements/<int:engagement_id>/milestones/<int:milestone_id>/approve": PARTIES,
    "POST /engagements/<int:engagement_id>/milestones/<int:milestone_id>/paid": {'enterprise'},
    "POST /engagements/<int:engagement_id>/milestones/<int:milestone_id>/reject": PARTIES,
    "POST /engagements/<int:engagement_id>/milestones/<int:milestone_id>/submit": {'center'},
    "POST /engagements/<int:engagement_id>/report": {'center'},
    "POST /engagements/<int:engagement_id>/report/accept": PARTIES,
    "POST /engagements/<int:engagement_id>/report/return": PARTIES,
    # the web form asks for the password first (422, nothing written); the API refuses an operator (403)
    "POST /engagements/<int:engagement_id>/sign": ENGAGED | ADMIN,
    "GET /healthz": EVERYONE,
    "GET /me/": SIGNED_IN,
    "POST /me/password": SIGNED_IN,
    "POST /me/email-change": SIGNED_IN,
    "GET /me/profile": SIGNED_IN,
    "POST /me/profile": SIGNED_IN,
    "GET /notifications/": SIGNED_IN,
    "POST /notifications/<int:notification_id>/open": {'enterprise'},
    "POST /notifications/<int:notification_id>/read": {'enterprise'},
    "POST /notifications/read-all": SIGNED_IN,
    "GET /pairings/": SIGNED_IN,
    "GET /pairings/<int:pairing_id>": PARTIES | ADMIN,
    "POST /pairings/<int:pairing_id>/accept": {'enterprise'},
    "POST /pairings/<int:pairing_id>/decline": {'enterprise'},
    "POST /pairings/<int:pairing_id>/messages": PARTIES,
    "GET /pairings/<int:pairing_id>/validation/new": PARTIES | ADMIN,
    "POST /pairings/<int:pairing_id>/validation/new": PARTIES | ADMIN,
    "POST /pairings/<int:pairing_id>/withdraw": {'researcher'},
    # the form for anyone signed in (it says when the caller has no listing to propose from); the
    # service refuses those (tests/views/test_pairings.py)
    "GET /pairings/new": SIGNED_IN,
    "POST /pairings/new": SIGNED_IN,
    "GET /readyz": EVERYONE,
    "GET /results/": EVERYONE,
    "GET /results/<int:result_id>": EVERYONE,
    "POST /results/<int:result_id>/<any(publish, withdraw, republish):action>": {'researcher'},
    "POST /results/<int:result_id>/delete": {'researcher'},
    "GET /results/<int:result_id>/edit": {'researcher'},
    "POST /results/<int:result_id>/edit": {'researcher'},
    "GET /results/new": {'researcher', 'other_researcher'},
    "POST /results/new": {'researcher', 'other_researcher'},
    "GET /search": EVERYONE,
    "GET /stats/": EVERYONE,
    "GET /stats/export.csv": EVERYONE,
    "POST /validation/bids/<int:bid_id>/accept": PARTIES,
    "GET /validation/bids/<int:bid_id>/edit": {'center'},
    "POST /validation/bids/<int:bid_id>/edit": {'center'},
    "POST /validation/bids/<int:bid_id>/withdraw": {'center'},
    "GET /validation/requests": CENTERS,
    "GET /validation/requests/<int:request_id>": {'enterprise', 'researcher', 'center', 'other_center', 'admin'},
    "GET /validation/requests/<int:request_id>/bids/new": CENTERS,
    "POST /validation/requests/<int:request_id>/bids/new": CENTERS,
    "POST /validation/requests/<int:request_id>/cancel": PARTIES,
    "GET /validation/requests/<int:request_id>/compare": PARTIES,
    "GET /watches/": SIGNED_IN,
    "POST /watches/": SIGNED_IN,
    "POST /watches/<int:watch_id>/delete": {'enterprise'},
    "POST /auth/logout": EVERYONE,
}


ID = re.compile(r"<(?:int:)?(\w+)>")
ACTION = re.compile(r"<any\(([^)]*)\):(\w+)>")


def concrete(rule: str, endpoint: str, ids: dict[str, int]) -> str:
    """The rule's path with the world's ids (drafts for deletes) and an action of each ``any``."""
    def one(match):
        name = match.group(1)
        if name in ("demand_id", "result_id") and endpoint.endswith(("delete", "delete_demand", "delete_result")):
            return str(ids["draft_" + name])
        if name == "attachment_id" and "results/" in rule:  # the result's own file
            return str(ids["result_attachment_id"])
        return str(ids[name])
    path = ID.sub(one, ACTION.sub(lambda m: m.group(1).split(",")[1].strip(), rule))  # close, withdraw
    if endpoint == "pairings.new":  # reached from the result's page
        path += f"?result_id={ids['result_id']}"
    return path


def rules(app) -> list[tuple[str, str, str]]:
    """(method, rule, endpoint) of every route but static files."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule, rule.endpoint))
    # signing out last: the callers' browsers stay signed in for every other route
    return sorted(found, key=lambda r: (r[1] == "/auth/logout", r[1], r[0]))


def denied(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code in (301, 302, 303) and "/auth/login" in response.headers.get("Location", "")


@pytest.fixture(scope="module")
def matrix_site(tmp_path_factory):
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.extensions import limiter
    from models import db
    from tests.clients import isolated_client
    from tests.factories import api_token, login

    base = tmp_path_factory.mktemp("matrix")
    app = create_app({"TESTING": True, "SECRET_KEY": "matrix-secret", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{base}/m.db",
                      "SERVER_NAME": "localhost", "MATCH_INDEX_DIR": "", "UPLOAD_DIR": str(base / "uploads"),
                      "AGREEMENT_SECRET": "test-agreement-secret", "FIGURES_MIN_AGE_SECONDS": 0,
                      "FIGURES_COST_FACTOR": 0, "CACHE_BACKGROUND_REFRESH": False})
    app.instance_path = str(base)
    with app.app_context():
        upgrade()
        world = build_world()
        browsers, tokens = {"anonymous": isolated_client(app)}, {"anonymous": {}}
        for name, user in world.users.items():
            browsers[name] = isolated_client(app)
            login(browsers[name], user)
            tokens[name] = api_token(isolated_client(app), user)
        db.session.remove()
        db.engine.dispose()
        shutil.copy(base / "m.db", base / "template.db")
        (base / "uploads").mkdir(exist_ok=True)
        shutil.copytree(base / "uploads", base / "uploads-template")
        limiter.reset()
        yield app, world, browsers, tokens, base


def reset(app, base: Path) -> None:
    """Back to the world as built (database file, uploads, caches, index)."""
    from marketplace.extensions import limiter
    from marketplace.services import remembered
    from models import db

    db.session.remove()
    db.engine.dispose()
    shutil.copy(base / "template.db", base / "m.db")
    shutil.rmtree(base / "uploads")
    shutil.copytree(base / "uploads-template", base / "uploads")
    limiter.reset()
    remembered.forget_all()
    app.extensions["match_index"].reset()
    app.extensions["cache"].clear()


def call(app, browsers, tokens, actor: str, method: str, path: str):
    from tests.factories import csrf_token

    if path.startswith("/api/"):
        client = browsers["anonymous"]
        kwargs = {"headers": tokens[actor]}
        if method in ("POST", "PATCH", "PUT"):
            kwargs["json"] = {}
        return client.open(path, method=method, **kwargs)
    client = browsers[actor]
    if method == "GET":
        return client.get(path)
    token = csrf_token(client, "/auth/login" if actor == "anonymous" else "/me/profile")
    return client.open(path, method=method, data={"csrf_token": token})


def test_every_route_is_in_the_matrix_and_answers_each_caller_as_it_says(matrix_site):
    app, world, browsers, tokens, base = matrix_site
    declared = {f"{method} {rule}" for method, rule, _ in rules(app)}
    assert not declared - MATRIX.keys(), f"routes without a row in the matrix: {sorted(declared - MATRIX.keys())}"
    assert not MATRIX.keys() - declared, f"rows for routes that no longer exist: {sorted(MATRIX.keys() - declared)}"
    wrong = []
    with app.app_context():
        for method, rule, endpoint in rules(app):
            reset(app, base)
            path = concrete(rule, endpoint, world.ids)
            reached, codes, expected = set(), {}, MATRIX[f"{method} {rule}"]
            # those the matrix denies first, while the world is as built: an allowed caller's
            # delete or state change must not be what makes a later caller's call fail
            for actor in sorted(ACTORS, key=lambda name: name in expected):
                before = every_row(BUT_THE_LOG)
                response = call(app, browsers, tokens, actor, method, path)
                codes[actor] = response.status_code
                response.close()
                if response.status_code >= 500 and rule != "/readyz":  # readiness: 503 until the index loads
                    wrong.append(f"{method} {path} as {actor}: {response.status_code}")
                if denied(response):
                    after = every_row(BUT_THE_LOG)
                    if after != before:
                        changed = [t for t in after if after[t] != before.get(t)]
                        wrong.append(f"{method} {rule} as {actor}: denied ({response.status_code}) but changed {changed}")
                else:
                    reached.add(actor)
            if reached != expected:
                wrong.append(f"{method} {rule}: reached by {sorted(reached)}, the matrix says {sorted(expected)} "
                             f"(answers: {codes})")
    cells = len(MATRIX) * len(ACTORS)
    assert not wrong, f"{len(wrong)} of {len(MATRIX)} rows ({cells} cells) differ:\n" + "\n".join(wrong)
