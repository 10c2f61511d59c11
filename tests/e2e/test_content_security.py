"""In a real browser under the Content-Security-Policy: no page reports a blocked script or
style, confirmations come from the static script (dismissed: nothing happens; accepted: the
form is sent), and the statistics' bars keep their widths."""
from __future__ import annotations

import re

from .conftest import confirm, post_demand, sign_in


def watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_pages_run_under_the_policy_without_violations(live_server, page):
    problems = watch_console(page)
    for path in ("/", "/demands/", "/results/", "/stats/", "/search?q=电池", "/auth/login", "/demands/1"):
        response = page.goto(live_server + path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    sign_in(page, live_server, "enterprise@demo.innobridge.cn")
    for path in ("/me/", "/pairings/", "/notifications/"):
        page.goto(live_server + path)
    assert problems == []


def test_the_statistics_bars_have_their_widths(live_server, page):
    """The charts are server-drawn SVG: their bars get their widths and colours under the policy."""
    page.goto(f"{live_server}/stats/")
    widths = page.eval_on_selector_all(".chart-funnel rect.s-demand",
                                       "bars => bars.map(b => b.getBoundingClientRect().width)")
    assert widths and widths[0] > 50 and widths[0] == max(widths)
    fill = page.eval_on_selector(".chart-funnel rect.s-demand", "bar => getComputedStyle(bar).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)")  # coloured by app.css, not the default black


def test_a_confirmation_dismissed_sends_nothing_accepted_sends_the_form(live_server, page):
    sign_in(page, live_server, "enterprise@demo.innobridge.cn")
    post_demand(page, live_server, "确认框测试草稿", "用于验证删除草稿前的确认对话框。", "确认, 草稿", button="draft")
    page.wait_for_url(re.compile(r".*/demands/\d+$"))
    detail = page.url
    native: list[str] = []  # the browser's own confirm box is never used
    page.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))
    page.click("text=删除草稿")
    assert confirm(page, answer=False) == "确定删除这份草稿吗？删除后无法恢复。"
    assert page.url == detail and page.locator("h1", has_text="确认框测试草稿").count() == 1
    page.click("text=删除草稿")
    page.keyboard.press("Escape")  # Escape cancels too
    page.locator("dialog.confirm-dialog").wait_for(state="detached")
    assert page.url == detail and page.locator("h1", has_text="确认框测试草稿").count() == 1
    page.click("text=删除草稿")
    confirm(page)
    assert native == []
    page.wait_for_url(lambda url: url != detail)
    assert page.goto(detail).status == 404
