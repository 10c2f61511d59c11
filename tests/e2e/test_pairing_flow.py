"""Issue 4's walk-through in a browser: the demo enterprise opens a demand, reads the explained
suggestions, proposes a pairing; the demo researcher reads and accepts it; they exchange
messages; the public statistics page counts the connection."""
from .conftest import confirm, once_refreshed, sign_in

DEMAND = "揭榜挂帅：五轴加工中心热变形误差实时补偿"
RESULT = "数控机床热误差关键测点优选与自适应实时补偿技术"


def connected_count(page, base: str) -> int:
    page.goto(f"{base}/stats/")
    return int(page.locator(".stat", has_text="对接成功").locator("strong").inner_text())


def test_propose_accept_and_talk(live_server, browser):
    visitor = browser.new_context().new_page()
    before = connected_count(visitor, live_server)

    enterprise = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(enterprise, live_server, "enterprise@demo.innobridge.cn")
    enterprise.click(f"text={DEMAND}")
    card = enterprise.locator(".suggestion", has_text=RESULT)
    assert card.locator("mark").count() > 0 and "同一领域" in card.inner_text()
    card.locator("a.propose").click()
    enterprise.fill("#message", "我们的五轴机床热变形误差超过 20 微米，想请贵团队先做一次现场测点评估。")
    enterprise.click("text=发送对接请求")
    enterprise.wait_for_selector("h1:has-text('待回复')")
    pairing_url = enterprise.url

    researcher = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(researcher, live_server, "researcher@demo.innobridge.cn")
    assert researcher.locator(".nav-links .badge-count").count() == 1  # unread notification
    researcher.goto(pairing_url)
    assert "现场测点评估" in researcher.locator(".prose").first.inner_text()
    researcher.click("text=接受对接")
    assert confirm(researcher) == "接受后双方进入对接，可以继续沟通。确定接受吗？"
    researcher.wait_for_selector("h1:has-text('已对接')")
    researcher.fill("#body", "可以，下周二我们带热电偶阵列到现场。")
    researcher.click("#thread button.primary")
    researcher.wait_for_selector("text=下周二我们带热电偶阵列到现场")

    enterprise.goto(pairing_url)
    assert enterprise.locator("h1:has-text('已对接')").count() == 1
    enterprise.fill("#body", "好的，周二见。")
    enterprise.click("#thread button.primary")
    enterprise.wait_for_selector("text=好的，周二见。")
    assert enterprise.locator(".message").count() == 2

    assert once_refreshed(lambda: connected_count(visitor, live_server), before) == before + 1
