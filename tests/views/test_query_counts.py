"""No page runs more queries because it shows more rows (no N+1): each list and page is measured
with few and with many rows, and must run the same number of statements."""
import pytest

from models import Role
from tests.factories import login, make_demand, make_result, make_user
from tests.query_counter import statements

PUBLIC = ["/", "/demands/", "/results/", "/demands/?q=热失控", "/results/?q=热失控", "/demands/?sort=budget",
          "/stats/", "/centers/", "/api/v1/demands", "/api/v1/results", "/api/v1/demands?q=热失控", "/api/v1/stats"]
SIGNED_IN = ["/me/", "/notifications/", "/pairings/", "/watches/", "/engagements/"]


def listings(enterprise, researcher, count: int) -> None:
    for n in range(count):
        make_demand(enterprise, title=f"储能热失控预警需求{n}", status="published")
        make_result(researcher, title=f"热失控预警方法{n}", status="published")


def queries(client, path: str) -> int:
    client.get(path)  # warm: index built, caches filled as after the first visitor
    with statements() as seen:
        assert client.get(path).status_code == 200, path
    return len(seen)


@pytest.mark.parametrize("path", PUBLIC + SIGNED_IN)
def test_a_page_runs_as_many_queries_for_many_rows_as_for_few(client, path):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    login(client, enterprise if path != "/me/" else researcher)
    listings(enterprise, researcher, 2)
    few = queries(client, path)
    listings(enterprise, researcher, 18)
    many = queries(client, path)
    assert many == few, f"{path}: {few} queries with 2 rows, {many} with 20"


@pytest.mark.parametrize("path", ["/pairings/", "/me/", "/api/v1/pairings"])
def test_pairing_lists_run_as_many_queries_for_many_pairings_as_for_few(client, path):
    """The list commits its lazy sweep without expiring the rows it read (which reloaded each
    pairing on first use), and the workspace lists its connected pairings ids-first."""
    from tests.factories import api_token, make_connected_pairing

    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    headers = api_token(client, enterprise) if path.startswith("/api/") else {}
    if not headers:
        login(client, enterprise)

    def pairings(count: int) -> None:
        for n in range(count):
            demand = make_demand(enterprise, title=f"储能热失控预警需求{n}-{count}", status="published")
            result = make_result(researcher, title=f"热失控预警方法{n}-{count}", status="published")
            make_connected_pairing(demand, result)

    def measured() -> int:
        client.get(path, headers=headers)
        with statements() as seen:
            assert client.get(path, headers=headers).status_code == 200
        return len(seen)
    pairings(2)
    few = measured()
    pairings(18)
    many = measured()
    assert many == few, f"{path}: {few} queries with 2 pairings, {many} with 20"
