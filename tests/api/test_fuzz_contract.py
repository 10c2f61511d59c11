"""The API contract under fuzzing: Schemathesis reads the served OpenAPI document and sends every
operation generated requests — valid ones and deliberately invalid ones (wrong types, missing or
extra fields, out-of-range numbers, strings where ids go) — in-process through the WSGI app, on
each database. Every answer must be declared by the document (status code, content type,
headers, body schema), no answer may be a server error, invalid input must be refused, and an
undeclared method must answer 405 with ``Allow``.

Requests carry the token of the operation's natural caller in a whole world (tests/worlds.py), and
most generated ids are replaced by ids of that world's objects, so the operations reach their
rules instead of stopping at 404. One more check replays each call that reached one of the
caller's objects with the token of a same-role member of another organization: that member must
not read what the caller alone may read, nor change anything.

Bounded: FUZZ_EXAMPLES examples per operation and mode (default below), derandomized, so a
failure is reproduced by running the same test again; FUZZ_LOG=path writes how many requests
each operation got and which statuses it answered. Runs on PostgreSQL when the run has it (the
stricter database: an integer overflow or a NUL byte is an error there), on SQLite otherwise."""
from __future__ import annotations

import contextvars
import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import api_token, make_demand
from tests.worlds import build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))


def cases() -> list:
    """(method, path, mode) of every operation the document declares: valid requests for each,
    invalid ones for each that takes input (query parameters, path parameters or a body)."""
    from marketplace.api.openapi import build_spec

    found = []
    for path, item in build_spec()["paths"].items():
        for method, operation in item.items():
            found.append(pytest.param(method, path, GenerationMode.POSITIVE, id=f"{method}-{path}-valid"))
            if operation.get("parameters") or "requestBody" in operation:
                found.append(pytest.param(method, path, GenerationMode.NEGATIVE, id=f"{method}-{path}-invalid"))
    return found


@pytest.fixture
def fuzz_world(ctx):
    from tests.clients import isolated_client

    world = build_world()
    # a confidential demand: every caller but its enterprise reads its details as null
    make_demand(world.users["enterprise"], status="published", visibility="confidential", summary="公开摘要：储能安全")
    tokens = {name: api_token(isolated_client(ctx), user)["Authorization"] for name, user in world.users.items()}
    return ctx, world, tokens


def isolated(app):
    """The app as a WSGI callable whose every request runs in a fresh context (its own app
    context, ``g`` and session), as tests/clients.py does for the test clients. The body is read
    and the response closed at once, as a server does (a file sent stays open otherwise)."""
    def answer(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            getattr(body, "close", lambda: None)()

    def wsgi(environ, start_response):
        return contextvars.Context().run(answer, environ, start_response)
    return wsgi


# The caller whose objects an operation is about: these operations exactly, then by path prefix,
# else the enterprise (which also answers a report: accepts or returns it).
CALLER_OF = {("post", "/pairings/{id}/bids"): "center", ("post", "/engagements/{id}/milestones/{mid}/submit"): "center",
             ("post", "/engagements/{id}/report"): "center"}
CALLERS = (("/users", "admin"), ("/admin/", "admin"), ("/organizations/", "admin"), ("/results", "researcher"), ("/centers", "center"),
           ("/bids", "center"))
OTHERS = {"enterprise": "other_enterprise", "researcher": "other_researcher", "center": "other_center"}


def caller_of(path: str, method: str) -> str:
    if (method, path) in CALLER_OF:
        return CALLER_OF[(method, path)]
    return next((caller for prefix, caller in CALLERS if path.startswith(prefix)), "enterprise")


def world_ids(path: str, ids: dict[str, int]) -> dict[str, int]:
    """The world's ids for the operation's path parameters."""
    first = {"/demands": "demand_id", "/results": "result_id", "/pairings": "pairing_id",
             "/validation-requests": "request_id", "/bids": "bid_id", "/centers": "center_id",
             "/engagements": "engagement_id", "/agreements": "agreement_id", "/notifications": "notification_id",
             "/watches": "watch_id", "/organizations": "organization_id", "/admin/users": "user_id",
             "/admin/reports": "report_id", "/admin/listings/{kind}": "listing_id"}
    found = {}
    for prefix, name in first.items():
        if path.startswith(prefix + "/{id}"):
            found["id"] = ids[name]
    found["mid"], found["submission_id"] = ids["milestone_id"], ids["submission_id"]
    found["attachment_id"] = ids["result_attachment_id" if path.startswith("/results") else "attachment_id"]
    return found


def point_at_the_world(case, ids: dict[str, int]) -> bool:
    """Replace most generated integer ids by the world's; True when the case now names its objects."""
    known = world_ids(case.operation.path, ids)
    replaced = False
    for name, value in list((case.path_parameters or {}).items()):
        if name in known and isinstance(value, int) and value % 4 != 0:
            case.path_parameters[name] = known[name]
            replaced = True
    return replaced


@pytest.mark.one_backend
@pytest.mark.parametrize(("method", "path", "mode"), cases())
def test_every_operation_keeps_the_contract(fuzz_world, method, path, mode):
    app, world, tokens = fuzz_world
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", isolated(app))[path][method.upper()]
    caller = caller_of(path, method)
    signed = operation.definition.raw.get("security") != []
    calls = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def one(case):
        reaches_the_world = point_at_the_world(case, world.ids)
        headers = {"Authorization": tokens[caller]} if signed and not drops_the_token(case) else {}
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        calls.append(response.status_code)
        if reaches_the_world and caller in OTHERS and 200 <= response.status_code < 300 and signed:
            assert_no_other_organization_gets_in(case, tokens[OTHERS[caller]], response)

    one()
    assert calls, "no request was sent"
    if os.environ.get("FUZZ_LOG"):  # figures for docs/security.md: one line per operation and mode
        with open(os.environ["FUZZ_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps({"operation": f"{method.upper()} {path}", "mode": mode.value, "requests": len(calls),
                                  "statuses": sorted(set(calls))}) + "\n")


def drops_the_token(case) -> bool:
    """An invalid case whose headers leave out the required Authorization: sent without a token."""
    meta = case.meta
    return (meta is not None and meta.is_negative_at(ParameterLocation.HEADER)
            and "authorization" not in {name.lower() for name in (case.headers or {})})


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection, missing_required_header, ignored_auth]


PUBLIC_READS = {"/demands/{id}", "/results/{id}", "/centers/{id}", "/demands/{id}/matches", "/results/{id}/matches",
                "/agreements/{id}/verify"}


def assert_no_other_organization_gets_in(case, other_token: str, owners_answer) -> None:
    """The same request from a same-role member of another organization: no write succeeds; a read
    succeeds only for what any signed-in member may read (published listings, profiles), and a
    list the other member may read (the bids on an open request) holds none of the owner's items."""
    other = case.call(headers={"Authorization": other_token})
    method, path = case.method.lower(), case.operation.path
    if method == "get" and path in PUBLIC_READS:
        assert other.status_code in (200, 404), (case.operation.label, other.status_code)
        return
    if method == "get" and other.status_code == 200 and "items" in (body := other.json()):
        theirs = {item.get("id") for item in body["items"]}
        assert theirs.isdisjoint(item.get("id") for item in owners_answer.json()["items"]), case.operation.label
        return
    assert other.status_code in (401, 403, 404, 409, 422), (
        f"{case.operation.label}: another organization's member got {other.status_code} "
        f"where the owner got {owners_answer.status_code}: {other.text[:300]}")
