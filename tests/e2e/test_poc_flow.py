"""Issue 8's walk-through in a browser, only through the pages: the demo enterprise finds its
connected pairing d021–r032 and opens a validation request; two verified centers bid through the
term sheet form; the enterprise compares the bids and both parties choose the demo center's; the
three sign with their passwords; the center delivers the milestones (one with a PDF), the parties
approve them, the center files its report and both parties accept it; the public statistics page
counts one more completed validation and the deal amount grows by the contract's total."""
from marketplace.localtime import local_today
from datetime import timedelta

import pytest

from .conftest import DEMO_PASSWORD, confirm, once_refreshed, sign_in
from .poc_steps import PDF, fill_bid, poc_figures, shoot

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

DEMAND = "铸铝壳体复杂曲面机器人自动打磨力控与轨迹生成"
RESULT = "基于三维点云的机器人自适应打磨轨迹生成与主动力控技术"
DEMO_CENTER, OTHER_CENTER = "江南理工大学概念验证中心", "台州湾新区概念验证中心"
CHOSEN = {"approach": "在中心精密传动与数控装备验证实验室搭建六轴机器人打磨工作站，用企业提供的铸铝壳体复现点云轨迹生成与主动力控打磨；"
                      "市场验证由产业导师走访三家压铸件企业。",
          "milestones": [("打磨工作站搭建与轨迹复现", "工作站调试记录与 20 件壳体的轨迹生成报告", 6, 20),
                         ("力控打磨与市场验证", "100 件打磨一致性检测报告与三家企业访谈纪要", 20, 30)],
          "duration_months": 6, "funding_model": "enterprise_pays", "split": (50, 40, 10), "license": "exclusive",
          "license_field": "铸铝壳体机器人打磨", "revenue_share_pct": 3}
OTHER = {"approach": "委托新区合作的压铸企业在产线上试用打磨方案，由新区概念验证专项资助验证费用。",
         "milestones": [("产线试用", "产线试用记录与良率统计", 10, 25), ("用户评价", "两家企业的试用评价", 22, 30)],
         "duration_months": 7, "funding_model": "center_grant", "split": (45, 45, 10), "license": "non_exclusive",
         "license_field": "压铸件表面处理", "revenue_share_pct": 2}


@pytest.fixture
def people(browser, live_server):
    """A signed-in person per browser context (own cookies)."""
    contexts = []

    def person(email=None):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        if email:
            sign_in(page, live_server, email)
        return page

    yield person
    for context in contexts:
        context.close()


def flashed(page, text: str) -> None:
    expect(page.locator(".flash-success")).to_contain_text(text)


def open_request(enterprise, base: str) -> str:
    """The enterprise finds the pairing in its list and opens a validation request on it."""
    enterprise.click(".nav-links >> text=我的对接")
    enterprise.select_option("select[name=status]", "connected")
    enterprise.click(".filters button")
    enterprise.click(f".pairing-card a.card-title:has-text('{DEMAND}')")
    panel = enterprise.locator(".validation-panel")
    expect(panel).to_contain_text("下一步：概念验证")
    panel.locator("a", has_text="申请概念验证").click()
    enterprise.check("input[name=needs][value=both]")
    enterprise.fill("#budget_cap", "60")
    enterprise.fill("#deadline", (local_today() + timedelta(days=30)).isoformat())
    enterprise.fill("#max_duration_months", "8")
    enterprise.fill("#notes", "请在我司 3 种铸铝壳体上验证打磨后表面粗糙度 Ra≤1.6 μm、节拍≤90 秒，并评估压铸行业的付费意愿。")
    shoot(enterprise, "01-request-form")
    enterprise.click("text=发布验证请求")
    flashed(enterprise, "已申请概念验证")
    expect(enterprise.locator("h1")).to_contain_text("征集验证方案")
    return enterprise.url


def bid(center, terms: dict, name: str | None = None) -> None:
    """A center picks the request from its list (ranked by fit) and submits a term sheet."""
    center.click(".nav-links >> text=概念验证")
    card = center.locator(".fit-card", has_text=RESULT)
    expect(card.locator(".fit")).to_contain_text("%")
    if name:
        shoot(center, "02-open-requests")
    card.locator("a.card-title").click()
    center.click("a.button:has-text('提交验证方案')")
    fill_bid(center, terms)
    if name:
        shoot(center, name)
    center.click("form button.primary:has-text('提交方案')")
    flashed(center, "验证方案已提交")
    mine = center.locator(".bid-card")
    expect(mine).to_have_count(1)  # a center sees its own bid only
    expect(mine.locator(".badge.status-submitted")).to_have_text("已提交")


def open_engagement(page) -> None:
    page.click(".nav-links >> text=验证项目")
    page.click(f"a.card-title:has-text('{RESULT}')")


def sign(page, signatures: int) -> None:
    page.fill("#password", DEMO_PASSWORD)
    page.click("#agreement button:has-text('签署协议')")
    flashed(page, "已签署协议")
    expect(page.locator(".signatures .status-approved")).to_have_count(signatures)
    expect(page.locator("#agreement")).to_contain_text("本方已签署")


def deliver(center, title: str, text: str, pdf=None) -> None:
    step = center.locator(".timeline .step", has_text=title)
    step.locator("textarea").fill(text)
    if pdf:
        step.locator("input[type=file]").set_input_files(pdf)
    step.locator("button:has-text('提交成果')").click()
    flashed(center, "里程碑成果已提交")
    expect(center.locator(".timeline .step", has_text=title).locator(".step-head")).to_contain_text("待验收")


def approve(page, title: str, comment: str) -> None:
    step = page.locator(".timeline .step", has_text=title)
    step.locator("textarea").fill(comment)
    step.locator("button:has-text('验收通过')").click()
    flashed(page, "里程碑已验收通过")
    expect(page.locator(".timeline .step", has_text=title).locator(".step-head")).to_contain_text("已验收")


def test_validation_from_request_to_accepted_report(live_server, people, tmp_path):
    base = live_server
    visitor = people()
    completed_before, deal_before = poc_figures(visitor, base)

    enterprise = people("enterprise@demo.innobridge.cn")
    request_url = open_request(enterprise, base)
    shoot(enterprise, "03-request-no-bids")

    center = people("center@demo.innobridge.cn")
    bid(center, CHOSEN, "04-bid-form")
    bid(people("ctr-taizhouwan@demo.innobridge.cn"), OTHER)

    # The enterprise sees both bids from its workspace, compares them and chooses the demo center's.
    enterprise.click(".nav-links >> text=我的工作台")
    listed = enterprise.locator(".pairing-list li", has_text=RESULT)
    expect(listed).to_contain_text("已收到 2 份方案")
    listed.locator("a").first.click()
    expect(enterprise.locator(".bid-card")).to_have_count(2)
    shoot(enterprise, "05-request-with-bids")
    enterprise.click("text=并排比较方案")
    table = enterprise.locator("table.compare-table")
    columns = table.locator("thead th").all_inner_texts()[1:]
    assert len(columns) == 2 and any(DEMO_CENTER in c for c in columns) and any(OTHER_CENTER in c for c in columns)
    expect(table.locator("tr.differs", has_text="总费用")).to_have_count(1)
    expect(table.locator("td.best", has_text="★ 最有利").first).to_be_visible()
    shoot(enterprise, "06-compare")
    chosen = next(i for i, c in enumerate(columns) if DEMO_CENTER in c)
    table.locator("tr.actions-row td").nth(chosen).locator("button", has_text="选定此方案").click()
    confirm(enterprise)
    flashed(enterprise, f"已代表需求企业选定 {DEMO_CENTER} 的方案")
    expect(enterprise.locator(".bid-card", has_text=DEMO_CENTER)).to_contain_text("需求企业已选定")

    # The researcher chooses the same bid: the engagement exists and waits for three signatures.
    researcher = people("researcher@demo.innobridge.cn")
    researcher.goto(request_url)
    expect(researcher.locator(".choices")).to_contain_text(f"需求企业：已选定 {DEMO_CENTER}")
    researcher.locator(".bid-card", has_text=DEMO_CENTER).locator("button", has_text="选定此方案").click()
    confirm(researcher)
    flashed(researcher, "验证项目已建立")
    expect(researcher.locator("h1 .badge")).to_have_text("待签署协议")
    shoot(researcher, "07-engagement-awaiting-signatures")
    sign(researcher, 1)
    open_engagement(enterprise)
    sign(enterprise, 2)
    open_engagement(center)
    sign(center, 3)
    expect(center.locator("h1 .badge")).to_have_text("验证进行中")
    engagement_url = center.url.split("#")[0]
    center.click("text=查看与打印协议全文")
    expect(center.locator("body")).to_contain_text("内容与哈希一致，哈希链完整，签名有效")
    shoot(center, "08-agreement")
    center.goto(engagement_url)

    # The center delivers both milestones (the first with a PDF); the parties approve them.
    pdf = tmp_path / "轨迹复现报告.pdf"
    pdf.write_bytes(PDF)
    first, second = (m[0] for m in CHOSEN["milestones"])
    deliver(center, first, "工作站已调试完成，20 件壳体的点云轨迹生成时间均在 8 秒以内，详见附件。", pdf)
    enterprise.goto(engagement_url)
    step = enterprise.locator(".timeline .step", has_text=first)
    with enterprise.expect_download() as download:
        step.locator("a.file-link").click()
    assert download.value.suggested_filename == pdf.name
    shoot(enterprise, "09-milestone-to-approve")
    approve(enterprise, first, "数据完整，同意验收。")
    expect(enterprise.locator(".timeline .step", has_text=first)).to_contain_text("款项应付")
    enterprise.locator(".timeline .step", has_text=first).locator("button", has_text="登记已付").click()
    confirm(enterprise)
    flashed(enterprise, "已登记付款")
    expect(enterprise.locator(".timeline .step", has_text=first)).to_contain_text("款项已付")
    center.goto(engagement_url)
    deliver(center, second, "100 件打磨后表面粗糙度 Ra 0.9–1.4 μm，节拍 76 秒；三家压铸企业均表示愿意试用。")
    researcher.goto(engagement_url)
    approve(researcher, second, "同意验收。")
    expect(researcher.locator(".progress-section")).to_contain_text("已验收 2 / 2 个里程碑")

    # The center files the report; both parties accept it and the validation is complete.
    center.goto(engagement_url)
    center.select_option("#technical_verdict", "feasible")
    center.select_option("#market_verdict", "feasible")
    center.select_option("#recommendation", "pilot")
    center.fill("#trl_before", "5")
    center.fill("#trl_after", "6")
    center.fill("#summary", "点云轨迹生成与主动力控打磨在三种铸铝壳体上达到粗糙度与节拍指标，压铸企业有明确的试用意愿，建议进入中试。")
    center.fill("#evidence", "工作站调试记录、100 件打磨一致性检测报告、三家企业访谈纪要。")
    shoot(center, "10-report-form")
    center.click("#report button:has-text('提交报告')")
    flashed(center, "验证报告已提交")
    expect(center.locator("h1 .badge")).to_have_text("报告待确认")
    for page, waiting in ((enterprise, True), (researcher, False)):
        page.goto(engagement_url)
        page.click("#report button:has-text('确认验证报告')")
        confirm(page)
        flashed(page, "已确认验证报告")
        if waiting:
            expect(page.locator("#report")).to_contain_text("本方已确认，等待另一方确认")
    expect(researcher.locator("h1 .badge")).to_have_text("已完成")
    expect(researcher.locator(".notice.ok")).to_contain_text("概念验证已完成")
    expect(researcher.locator("#report .badge").first).to_have_text("已确认")
    shoot(researcher, "11-engagement-completed")
    researcher.goto(request_url)
    expect(researcher.locator("h1 .badge")).to_have_text("已选定验证中心")
    expect(researcher.locator(".bid-card", has_text=DEMO_CENTER).locator("header")).to_contain_text("已中选")
    expect(researcher.locator(".bid-card", has_text=OTHER_CENTER).locator("header")).to_contain_text("未中选")

    completed_after, deal_after = once_refreshed(lambda: poc_figures(visitor, base), (completed_before, deal_before))
    shoot(visitor, "12-stats")
    assert completed_after == completed_before + 1
    assert deal_after == pytest.approx(deal_before + sum(m[3] for m in CHOSEN["milestones"]))
