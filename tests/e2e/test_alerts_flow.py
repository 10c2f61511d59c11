"""In the browser: a researcher saves a search, an enterprise publishes a fitting demand, the
researcher sees the unread badge and opens the alert; anyone reads the statistics page."""
from .conftest import post_demand, sign_in


def test_saved_search_alerts_a_newly_published_demand(live_server, page, browser):
    sign_in(page, live_server, "researcher@demo.innobridge.cn")
    page.goto(f"{live_server}/search?q=钠离子电池 正极材料&kind=demand")
    page.select_option(".watch-form select[name=min_score]", "30")
    page.click("text=订阅这个搜索")
    page.wait_for_selector("text=订阅已保存")
    assert page.locator("table.watches").count() == 0  # back on the search page
    page.goto(f"{live_server}/watches/")
    assert "钠离子电池 正极材料" in page.locator("table.watches").inner_text()

    enterprise = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(enterprise, live_server, "enterprise@demo.innobridge.cn")
    post_demand(enterprise, live_server, "钠离子电池层状氧化物正极材料量产工艺",
                "我司计划建设钠离子电池正极材料产线，需要层状氧化物正极材料的低成本量产工艺与空气稳定性改性方案。",
                "钠离子电池、正极材料、层状氧化物", budget=(100, 300))
    enterprise.wait_for_selector("text=需求已保存。")

    page.goto(f"{live_server}/")
    assert page.locator(".nav-links .badge-count").count() == 1
    page.goto(f"{live_server}/notifications/")
    alert = page.locator(".notification.unread", has_text="钠离子电池层状氧化物正极材料量产工艺").first
    assert "匹配度" in alert.inner_text()
    alert.locator("button.notification-text").click()
    page.wait_for_selector("h1:has-text('钠离子电池层状氧化物正极材料量产工艺')")


def test_statistics_page_is_public(live_server, page):
    page.goto(f"{live_server}/")
    page.click("footer >> text=数据统计")
    assert "对接率 = 至少有一个对接成功的需求数 ÷ 已发布需求数" in page.content()
    assert page.locator("table").count() >= 2
