"""A confidential demand's hidden fields reach no filter, sort order or keyword search of anyone but
its owner, on the web list and the API alike (the leak: ``?region=秘`` listed it, ``sort=budget``
ordered it by the hidden budget, so a visitor could spell out a hidden value)."""
from __future__ import annotations

from marketplace.localtime import local_today
import dataclasses
import re
from datetime import timedelta

import pytest

from marketplace.services import browse, demands
from marketplace.services.confidentiality import accept_undertaking
from models import Role, db
from tests.factories import api_token, login, make_connected_pairing, make_demand, make_result, make_user

SECRET = {"region": "秘密城市甲", "trl_target": 7, "cooperation_mode": "challenge", "budget_min": 900,
          "budget_max": 1000, "deadline": (local_today() + timedelta(days=2)).isoformat(),
          "keywords": ["hiddenkeyword"], "description": "hiddendescword：只有发布方知道的工艺细节。"}
PLAIN = {"region": "上海市", "trl_target": 5, "cooperation_mode": "development", "budget_min": 10,
         "budget_max": 20, "deadline": (local_today() + timedelta(days=60)).isoformat(),
         "keywords": ["公开"], "description": "公开的描述。"}

# Every filter that reads a field a confidential demand hides, with a value only the hidden field
# matches (the public demand matches none of them, except trl_max which both would).
HIDDEN_FILTERS = [
    {"region": "秘"}, {"region": "秘密城市甲"}, {"trl_min": "7"}, {"trl_max": "7"}, {"trl_min": "7", "trl_max": "7"},
    {"cooperation_mode": "challenge"}, {"q": "hiddendescword"}, {"q": "hiddenkeyword"},
]
# Sort orders by a hidden field: the secret values would put the confidential demand first.
HIDDEN_SORTS = ["budget", "deadline"]
# Filters on what stays public; they must still find it.
PUBLIC_FILTERS = [{"field": "new_energy"}, {"q": "保密项目"}, {"q": "publicsummaryword"}, {}]


@pytest.fixture
def listed(ctx):
    owner = make_user(Role.ENTERPRISE)
    secret = make_demand(owner, title="保密项目：新型电池", visibility="confidential",
                         summary="publicsummaryword：一项电池相关的合作。", status="published", **SECRET)
    plain = make_demand(make_user(Role.ENTERPRISE), title="普通需求", status="published", **PLAIN)
    return owner, secret, plain


def web_ids(client, args: dict) -> list[int]:
    response = client.get("/demands/", query_string=args)
    assert response.status_code == 200
    return [int(n) for n in re.findall(r'class="card-title" href="/demands/(\d+)"', response.get_data(as_text=True))]


def api_ids(client, args: dict, headers: dict | None = None) -> list[int]:
    response = client.get("/api/v1/demands", query_string=args, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_every_filter_and_sort_of_the_lists_is_covered_here():
    """A new filter or sort order must join the lists above (or the public ones)."""
    tested = {name for args in HIDDEN_FILTERS + PUBLIC_FILTERS for name in args}
    parsed = {field.name for field in dataclasses.fields(browse.ListingFilters)}
    aliases = {"cooperation_mode": "mode"}
    assert parsed - {"status", "sort"} == {aliases.get(name, name) for name in tested}
    assert set(browse.DEMAND_SORTS) - {"relevance", "newest"} == set(HIDDEN_SORTS)


@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
@pytest.mark.parametrize("args", HIDDEN_FILTERS, ids=lambda a: "&".join(f"{k}={v}" for k, v in a.items()))
def test_hidden_fields_match_no_filter_on_web_or_api(client, new_client, listed, viewer, args):
    _, secret, plain = listed
    headers = None
    if viewer == "outsider":
        outsider = make_user(Role.ENTERPRISE)
        login(client, outsider)
        headers = api_token(new_client(), outsider)
    web, api = web_ids(client, args), api_ids(client, args, headers)
    assert secret.id not in web and secret.id not in api
    assert web == api == ([plain.id] if args == {"trl_max": "7"} else [])


@pytest.mark.parametrize("args", [a for a in HIDDEN_FILTERS if "q" not in a],
                         ids=lambda a: "&".join(f"{k}={v}" for k, v in a.items()))
def test_the_owner_still_filters_on_its_own_hidden_fields(client, new_client, listed, args):
    owner, secret, _ = listed
    login(client, owner)
    assert secret.id in web_ids(client, args)
    assert secret.id in api_ids(new_client(), args, api_token(new_client(), owner))


@pytest.mark.parametrize("q", ["hiddendescword", "hiddenkeyword"])
def test_keyword_search_reads_the_public_text_only_even_for_the_owner(client, listed, q):
    """The keyword index holds what every visitor may read (title, field, summary); the owner
    finds its confidential demands by their hidden words in its workspace, not in public lists."""
    owner, secret, _ = listed
    login(client, owner)
    assert secret.id not in web_ids(client, {"q": q})


@pytest.mark.parametrize("sort", HIDDEN_SORTS)
def test_hidden_values_sort_as_empty_for_others_and_as_themselves_for_the_owner(client, new_client, listed, sort):
    owner, secret, plain = listed
    assert web_ids(client, {"sort": sort}) == api_ids(client, {"sort": sort}) == [plain.id, secret.id]
    login(client, owner)
    assert web_ids(client, {"sort": sort}) == [secret.id, plain.id]
    assert api_ids(new_client(), {"sort": sort}, api_token(new_client(), owner)) == [secret.id, plain.id]


@pytest.mark.parametrize("args", PUBLIC_FILTERS, ids=lambda a: "&".join(f"{k}={v}" for k, v in a.items()) or "none")
def test_public_fields_still_find_the_confidential_demand(client, listed, args):
    _, secret, _ = listed
    assert secret.id in web_ids(client, args) and secret.id in api_ids(client, args)


def test_a_connected_party_with_the_undertaking_reads_details_but_lists_stay_redacted(client, listed):
    owner, secret, _ = listed
    researcher = make_user(Role.RESEARCHER)
    result = make_result(researcher, status="published")
    make_connected_pairing(secret, result)
    accept_undertaking(researcher, secret.id)
    db.session.commit()
    headers = api_token(client, researcher)
    detail = client.get(f"/api/v1/demands/{secret.id}", headers=headers).get_json()
    assert detail["region"] == "秘密城市甲" and detail["details_restricted"] is False
    listed_item = client.get("/api/v1/demands", headers=headers).get_json()["items"]
    mine = next(item for item in listed_item if item["id"] == secret.id)
    assert mine["region"] is None and mine["keywords"] == [] and mine["description"] is None
    assert secret.id not in api_ids(client, {"region": "秘"}, headers)


def test_the_service_reads_hidden_fields_only_for_the_owner(ctx, listed):
    owner, secret, _ = listed
    filters = browse.ListingFilters(region="秘")
    index = ctx.extensions["match_index"]
    assert [d.id for d in browse.search_demands(filters, 1, 20, index=index).items] == []
    assert [d.id for d in browse.search_demands(filters, 1, 20, viewer=owner, index=index).items] == [secret.id]
    colleague = make_user(Role.ENTERPRISE, organization=owner.organization)
    assert [d.id for d in browse.search_demands(filters, 1, 20, viewer=colleague, index=index).items] == [secret.id]
    demands.update_demand(owner, secret.id, {"visibility": "public"})
    db.session.commit()
    assert [d.id for d in browse.search_demands(filters, 1, 20, index=index).items] == [secret.id]
