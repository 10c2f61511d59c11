"""Property tests (Hypothesis) over the forms and the API bodies: whatever a client sends, the
answer is never a server error and a refused request writes nothing.

- Text of any script — CJK, emoji, right-to-left, combining marks, private use, characters beyond
  the Basic Multilingual Plane — round-trips: what is stored and shown is what was sent (less the
  surrounding whitespace), through the API and through the web form, escaped on the page.
- Control characters (the C0 set but tab and line breaks, DEL) and lone surrogates are refused
  with 422 naming the field, in JSON bodies, forms and query strings; nothing is written.
- Ids beyond a database integer are answered as an id that exists nowhere (404; 403 where the
  caller's role may not use the page at all) on every route that takes an id, web and API.
- A value of the wrong JSON type in any field of a body is a 422 naming that field (numbers
  written as strings are read as numbers, as forms send them); nothing is written.

Examples are derandomized and bounded (PROPERTY_EXAMPLES, default below), so a failure repeats."""
from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from models import DB_INT_MAX, Demand, Result, Role, db
from tests.factories import api_token, csrf_token, demand_data, login, make_user, result_data

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Any character a person may type: every category but controls (Cc) and surrogates (Cs).
TYPED = st.characters(exclude_categories=("Cc", "Cs"))
# Text that stays what it is when stripped, between 1 and 60 characters.
TEXT = st.text(TYPED, min_size=1, max_size=60).map(str.strip).filter(bool)
SCRIPTS = st.sampled_from(["锂电池热失控预警", "مرحبا بالعالم", "שלום", "Ẓ̶̡a̷l̸g̵o", "𠀀𠀁𪚥🔋⚡", "\ue000私用区",
                           "Ǆǅǆ ﬁ", "한국어 기술", "ไทย", "‮reversed‬", "a\u200bb"])
CONTROLS = st.sampled_from([chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]]
                           + ["\ud800", "\udfff"])
WRONG_TYPES = st.one_of(st.booleans(), st.lists(st.integers(), max_size=3),
                        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def reset_limits() -> None:
    from marketplace.extensions import limiter
    limiter.reset()


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def enterprise(client):
    user = make_user(Role.ENTERPRISE)
    return user, api_token(client, user)


@pytest.fixture
def researcher(client):
    user = make_user(Role.RESEARCHER)
    return user, api_token(client, user)


def test_typed_text_strategies_hold_no_refused_character():
    from marketplace.services.listings import CONTROL_CHARACTERS

    @SETTINGS
    @given(text=st.one_of(TEXT, SCRIPTS))
    def check(text):
        assert not CONTROL_CHARACTERS.search(text) and text == text.strip()
    check()


LISTINGS = {  # path → (the owner fixture, the two text fields, a valid body)
    "/api/v1/demands": ("enterprise", ("title", "description"), demand_data),
    "/api/v1/results": ("researcher", ("title", "abstract"), lambda **text: result_data(patents=[], **text)),
}


@pytest.mark.parametrize("path", sorted(LISTINGS))
def test_listing_text_round_trips_through_the_api(client, request, path):
    owner, (title_field, text_field), body = LISTINGS[path]
    _, headers = request.getfixturevalue(owner)

    @SETTINGS
    @given(title=st.one_of(TEXT, SCRIPTS), text=st.one_of(TEXT, SCRIPTS))
    def check(title, text):
        reset_limits()
        response = client.post(path, json=body(**{title_field: title, text_field: text}), headers=headers)
        assert response.status_code == 201, response.get_json()
        stored = client.get(f"{path}/{response.get_json()['id']}", headers=headers).get_json()
        assert (stored[title_field], stored[text_field]) == (title, text)
    check()


def test_demand_text_round_trips_through_the_web_form_and_is_escaped_on_its_page(client, enterprise):
    from tests.views.test_demands import demand_form

    login(client, enterprise[0])

    @SETTINGS
    @given(title=st.one_of(TEXT, SCRIPTS, st.just("<script>alert(1)</script>"), st.just('"\'&<>')))
    def check(title):
        reset_limits()
        token = csrf_token(client, "/demands/new")
        response = client.post("/demands/new", data=demand_form(csrf_token=token, title=title))
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        demand_id = int(re.search(r"/demands/(\d+)", response.headers["Location"]).group(1))
        db.session.rollback()
        assert db.session.get(Demand, demand_id).title == title
        page = client.get(f"/demands/{demand_id}").get_data(as_text=True)
        assert str(escape(title)) in page
        assert "<script>alert(1)</script>" not in page
    check()


def test_control_characters_are_refused_in_api_bodies_and_nothing_is_written(client, enterprise):
    _, headers = enterprise

    @SETTINGS
    @given(control=CONTROLS, where=st.sampled_from(["title", "description", "region", "summary"]),
           at=st.integers(0, 10))
    def check(control, where, at):
        before = count(Demand)
        clean = demand_data()[where] if where in demand_data() else "公开摘要文本"
        value = clean[:at] + control + clean[at:]
        response = client.post("/api/v1/demands", json=demand_data(**{where: value}), headers=headers)
        assert response.status_code == 422, (repr(control), where)
        assert where in response.get_json()["error"]["fields"]
        assert count(Demand) == before
    check()


def test_control_characters_are_refused_in_forms_and_query_strings(client, enterprise):
    from tests.views.test_demands import demand_form

    login(client, enterprise[0])

    @SETTINGS
    @given(control=CONTROLS.filter(lambda c: not "\ud800" <= c <= "\udfff"), at=st.integers(0, 6))
    def check(control, at):
        before = count(Demand)
        title = "电池预警需求"
        token = csrf_token(client, "/demands/new")
        response = client.post("/demands/new", data=demand_form(csrf_token=token, title=title[:at] + control + title[at:]))
        assert response.status_code == 422
        assert count(Demand) == before
        assert client.get("/api/v1/demands", query_string={"q": "电池" + control}).status_code == 422
        assert client.get("/demands/", query_string={"region": control}).status_code == 422
    check()


def int_routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every GET route with integer ids, web and API."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and any(type(c).__name__ == "DatabaseIntConverter" for c in rule._converters.values()):
            found.append(re.sub(r"<int:\w+>", "{}", rule.rule))
    return sorted(found)


def test_ids_beyond_a_database_integer_are_404_everywhere(client, ctx, enterprise):
    user, headers = enterprise
    login(client, user)  # the web pages answer a visitor with the login page
    routes = int_routes(ctx)
    assert len(routes) > 30 and "/api/v1/demands/{}" in routes and "/demands/{}" in routes

    @SETTINGS
    @given(route=st.sampled_from(routes), huge=st.integers(min_value=2**31, max_value=10**40))
    def check(route, huge):
        def status(number: int) -> int:
            path = route.replace("{}", str(number))
            return client.get(path, headers=headers if path.startswith("/api/") else {}).status_code

        # answered as an id that exists nowhere: 404, or 403 where the caller's role may not use the page at all
        assert status(huge) == status(DB_INT_MAX) in (403, 404), route
    check()


DEMAND_FIELDS = ["title", "description", "summary", "field", "keywords", "budget_min", "budget_max", "deadline",
                 "cooperation_mode", "trl_target", "region", "visibility"]
RESULT_FIELDS = ["title", "abstract", "field", "keywords", "trl", "maturity", "patents", "transfer_modes",
                 "asking_price", "region"]


def test_a_wrong_type_in_a_demand_body_is_a_422_naming_the_field(client, enterprise):
    _, headers = enterprise

    @SETTINGS
    @given(name=st.sampled_from(DEMAND_FIELDS), value=WRONG_TYPES)
    def check(name, value):
        reset_limits()
        before = count(Demand)
        body = demand_data(visibility="confidential", summary="公开摘要") | {name: value}
        response = client.post("/api/v1/demands", json=body, headers=headers)
        if name == "keywords" and isinstance(value, list) and not value:
            assert response.status_code == 201  # an empty list of keywords is the right type
            return
        assert response.status_code == 422, (name, value, response.get_json())
        assert name in response.get_json()["error"]["fields"], (name, value)
        assert count(Demand) == before
    check()


def test_a_wrong_type_in_a_result_body_is_a_422_naming_the_field(client, researcher):
    _, headers = researcher

    @SETTINGS
    @given(name=st.sampled_from(RESULT_FIELDS), value=WRONG_TYPES)
    def check(name, value):
        reset_limits()
        before = count(Result)
        response = client.post("/api/v1/results", json=result_data(region="上海") | {name: value}, headers=headers)
        if name in ("keywords", "patents") and isinstance(value, list) and not value:
            assert response.status_code == 201  # empty lists are the right type
            return
        assert response.status_code == 422, (name, value, response.get_json())
        assert name in response.get_json()["error"]["fields"] or any(
            key.startswith(name) for key in response.get_json()["error"]["fields"]), (name, value)
        assert count(Result) == before
    check()


def test_a_wrong_type_in_a_patch_changes_nothing(client, enterprise):
    _, headers = enterprise
    created = client.post("/api/v1/demands", json=demand_data(), headers=headers).get_json()

    @SETTINGS
    @given(name=st.sampled_from(DEMAND_FIELDS), value=WRONG_TYPES)
    def check(name, value):
        reset_limits()
        response = client.patch(f"/api/v1/demands/{created['id']}", json={"title": "改过的标题"} | {name: value},
                                headers=headers)
        if response.status_code == 200:  # only an empty list of keywords is the right type
            assert name == "keywords" and value == []
            client.patch(f"/api/v1/demands/{created['id']}", json={"title": created["title"],
                                                                  "keywords": created["keywords"]}, headers=headers)
            return
        assert response.status_code == 422, (name, value)
        assert client.get(f"/api/v1/demands/{created['id']}", headers=headers).get_json()["title"] == created["title"]
    check()
