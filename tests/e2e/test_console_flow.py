"""In the browser, the operators' console end to end: a new enterprise registers (its listings say
未认证), an operator verifies it from the console's queue, the enterprise publishes, a researcher
reports the demand, the operator hides it (visitors get a 404, the owner reads why), then restores
it — at desktop width, and the console's pages at phone width without one-character columns."""
from __future__ import annotations

import re

from .conftest import DEMO_PASSWORD, confirm, post_demand, sign_in

ORG = "沪西精密传感科技有限公司（浏览器测试）"


def test_verify_publish_report_hide_restore(live_server, browser):
    owner = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    owner.goto(f"{live_server}/auth/register")
    owner.select_option("#account_type", "enterprise")
    owner.fill("#email", "owner@e2e-console.cn")
    owner.fill("#display_name", "王工")
    owner.fill("#password", DEMO_PASSWORD)
    owner.fill("#confirm", DEMO_PASSWORD)
    owner.fill("#organization_name", ORG)
    owner.fill("#organization_region", "上海")
    owner.click("form button.primary")
    owner.wait_for_url(f"{live_server}/me/")

    operator = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(operator, live_server, "admin@demo.innobridge.cn")
    operator.goto(f"{live_server}/admin/")
    assert ORG in operator.locator(".queue").first.inner_text()
    operator.click("text=全部待认证机构")
    row = operator.locator("tr", has_text=ORG)
    row.locator("button", has_text="认证").click()
    operator.wait_for_selector("text=机构已认证。")

    post_demand(owner, live_server, "高精度MEMS压力传感器温漂补偿",
                "我司压力传感器在零下二十度到八十五度范围内温漂超过千分之五，希望合作开发温度补偿算法与标定工艺。",
                "MEMS、温漂补偿、压力传感器", field="smart_manufacturing")
    owner.wait_for_selector("text=需求已保存。")
    demand_url = owner.url
    demand_id = int(re.search(r"/demands/(\d+)", demand_url).group(1))
    assert owner.locator("text=未认证").count() == 0  # verified before publishing

    reporter = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(reporter, live_server, "researcher@demo.innobridge.cn")
    reporter.goto(demand_url)
    reporter.click("details.report-form summary")
    reporter.fill("details.report-form input[name=reason]", "需求中留有个人联系方式，疑似广告")
    reporter.click("details.report-form button[type=submit]")
    reporter.wait_for_selector("text=举报已提交")

    operator.goto(f"{live_server}/admin/reports")
    report_row = operator.locator("tr", has_text="疑似广告")
    report_row.locator("summary", has_text="隐藏内容").click()
    report_row.locator("button", has_text="隐藏").click()
    confirm(operator)
    operator.wait_for_selector("text=内容已隐藏")

    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    assert visitor.goto(demand_url).status == 404
    owner.goto(demand_url)
    assert "这条需求已被平台隐藏" in owner.locator(".moderation-notice").inner_text()

    operator.goto(f"{live_server}/admin/reports")
    hidden_row = operator.locator("tr", has_text="高精度MEMS压力传感器温漂补偿")
    hidden_row.locator("button", has_text="恢复显示").click()
    confirm(operator)
    operator.wait_for_selector("text=内容已恢复显示。")
    assert visitor.goto(demand_url).status == 200
    operator.goto(f"{live_server}/admin/audit?object=demand:{demand_id}")
    log = operator.locator("table.audit").inner_text()
    assert "demand.hide" in log and "demand.restore" in log
    for page in (owner, operator, reporter, visitor):
        page.context.close()


def test_console_pages_stack_at_phone_width(live_server, browser):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    sign_in(phone, live_server, "admin@demo.innobridge.cn")
    for path in ("/admin/", "/admin/organizations", "/admin/users", "/admin/reports", "/admin/audit", "/admin/settings"):
        phone.goto(f"{live_server}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path  # nothing wider than the screen
        narrowest = phone.evaluate("""Math.min(...[...document.querySelectorAll('main td, main th')]
            .filter(cell => cell.offsetParent !== null && cell.innerText.trim().length > 1)
            .map(cell => cell.getBoundingClientRect().width), 999)""")
        assert narrowest >= 60, (path, narrowest)  # no one-character columns
    phone.context.close()
