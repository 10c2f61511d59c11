"""Steps of the proof-of-concept walk-through in the browser (test_poc_flow.py): the term sheet
form filled in as a center would, the statistics figures as a visitor reads them, a small PDF,
and screenshots at desktop and phone widths when INNOBRIDGE_SCREENSHOTS=1."""
from __future__ import annotations

import os
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}

# A minimal one-page PDF (what a center would attach to a delivery).
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def shoot(page, name: str) -> None:
    """Full-page screenshots of what ``page`` shows, at both widths (only when asked for)."""
    if os.environ.get("INNOBRIDGE_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")  # a sticky header scrolled down shows mid-page
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(size)


def amount(text: str) -> float:
    """"1,234.50 万元" → 1234.5."""
    return float(text.replace("万元", "").replace(",", "").strip())


def poc_figures(page, base: str) -> tuple[int, float]:
    """Completed validations and the deal amount, as the public statistics page shows them."""
    page.goto(f"{base}/stats/")
    row = page.locator("section.stats-row[aria-label=概念验证总览]")
    completed = row.locator(".stat", has_text="完成验证").locator("strong").inner_text()
    deal = row.locator(".stat", has_text="成交金额").locator("strong").inner_text()
    return int(completed), amount(deal)


def fill_bid(page, terms: dict) -> None:
    """Fill in the term sheet form (milestone rows, cost, funding, IP terms); the total is left
    empty, so the form takes the sum of the payments."""
    page.fill("#approach", terms["approach"])
    for row, (title, deliverable, week, payment) in enumerate(terms["milestones"]):
        page.fill(f"#milestones-{row}-title", title)
        page.fill(f"#milestones-{row}-deliverable", deliverable)
        page.fill(f"#milestones-{row}-due_week", str(week))
        page.fill(f"#milestones-{row}-payment", str(payment))
    page.fill("#duration_months", str(terms["duration_months"]))
    page.select_option("#funding_model", terms["funding_model"])
    for party, share in zip(("enterprise", "institution", "center"), terms["split"]):
        page.fill(f"#split_{party}", str(share))
    page.select_option("#license", terms["license"])
    page.fill("#license_field", terms["license_field"])
    page.fill("#territory", "中国大陆")
    page.fill("#revenue_share_pct", str(terms["revenue_share_pct"]))
    page.fill("#publication_review_days", "60")
    page.fill("#confidentiality", "各方对验证数据保密三年。")
