"""In the browser: an enterprise posts a demand and sees explained suggestions; visitors search."""
from .conftest import post_demand, sign_in


def test_enterprise_posts_a_demand_and_sees_explained_suggestions(live_server, page):
    sign_in(page, live_server, "enterprise@demo.innobridge.cn")
    post_demand(page, live_server, "储能电站锂电池热失控早期预警系统",
                "我司储能电站需要在锂离子电池热失控发生前十分钟报警，误报率低于百分之一，希望合作开发。",
                "锂离子电池、热失控、储能")
    page.wait_for_selector("text=需求已保存。")
    assert page.locator("h1").inner_text().startswith("储能电站锂电池热失控早期预警系统")
    first = page.locator(".suggestion").first
    assert first.locator(".fit").inner_text().endswith("%")
    assert first.locator("mark").count() > 0
    first.locator("summary").click()
    assert first.locator(".compare mark").count() > 0


def test_form_errors_are_shown_and_nothing_is_saved(live_server, page):
    sign_in(page, live_server, "enterprise@demo.innobridge.cn")
    post_demand(page, live_server, "预算填反了的需求", "描述", "", field="ai", budget=(300, 100), trl=5,
                button="draft")
    assert "预算上限不能低于下限" in page.locator(".has-error").inner_text()
    page.goto(f"{live_server}/me/")
    assert page.locator("text=预算填反了的需求").count() == 0


def test_visitor_searches_in_chinese(live_server, page):
    page.goto(live_server)
    page.fill("input[name=q]", "脑机接口 干电极")
    page.select_option("select[name=kind]", "result")
    page.click(".hero button[type=submit]")
    assert page.locator("article.card").count() > 0
    assert page.locator("article.card mark").count() > 0
