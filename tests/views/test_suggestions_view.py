"""Suggestions on detail pages and the workspace; matcher search page."""
from models import Role

from ..factories import login, make_demand, make_result, make_user


def _pair():
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published", title="储能电站锂电池热失控早期预警",
                         keywords=["锂离子电池", "热失控"])
    result = make_result(researcher, status="published", title="锂电池热失控多信号融合预警方法",
                         keywords=["锂电池", "热失控"])
    return enterprise, researcher, demand, result


def test_demand_page_shows_explained_suggestions(client):
    _, _, demand, result = _pair()
    html = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert f'href="/results/{result.id}"' in html
    assert "<mark>" in html and "共同术语" in html and "锂离子电池 ≈ 锂电池" in html


def test_result_page_suggests_demands(client):
    _, _, demand, result = _pair()
    html = client.get(f"/results/{result.id}").get_data(as_text=True)
    assert f'href="/demands/{demand.id}"' in html


def test_new_listing_is_suggested_at_once(client):
    enterprise, researcher, demand, _ = _pair()
    client.get(f"/demands/{demand.id}")  # the index is built now
    newer = make_result(researcher, status="published", title="热失控气体传感器阵列", keywords=["热失控", "气体传感器"])
    assert f'href="/results/{newer.id}"' in client.get(f"/demands/{demand.id}").get_data(as_text=True)


def test_confidential_description_never_reaches_other_viewers_through_suggestions(client):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    make_demand(enterprise, status="published", visibility="confidential", title="储能安全合作",
                summary="寻求储能安全方案", description="绝密细节：型号 QX-9 电芯鼓包")
    result = make_result(researcher, status="published", title="电芯鼓包检测", abstract="检测储能电芯鼓包")
    login(client, researcher)
    assert "QX-9" not in client.get(f"/results/{result.id}").get_data(as_text=True)


def test_workspace_lists_suggestions_for_own_listings(client):
    enterprise, _, demand, result = _pair()
    login(client, enterprise)
    html = client.get("/me/").get_data(as_text=True)
    assert "为您推荐" in html and f'href="/results/{result.id}"' in html


def test_search_page_ranks_with_the_matcher(client):
    _, _, demand, result = _pair()
    html = client.get("/search?q=锂电池热失控预警&kind=result").get_data(as_text=True)
    assert f'href="/results/{result.id}"' in html and "<mark>" in html
    assert "没有找到" in client.get("/search?q=量子引力&kind=result").get_data(as_text=True)
