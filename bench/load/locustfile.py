"""The mixed load scenario of bench/load/run.py (docs/benchmarks.md, "Load"): anonymous visitors
browse (home, lists with filters and sorts, deep pages, keyword lists of 1–13 words, /search,
detail pages with their suggestions, statistics, API lists); signed-in users, each with its own
account, look at their workspace and propose pairings, write messages and post listings through
the web forms, as a browser does (GET the form, POST it with its CSRF and one-time tokens).

Environment: BENCH_TARGETS (the JSON of prepare.py), BENCH_WAIT ("min,max" think time in seconds).
Requests are named by endpoint group, so the statistics come out per group.
"""
from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
from datetime import date, timedelta

from locust import HttpUser, between, task

TARGETS = json.loads(open(os.environ["BENCH_TARGETS"], encoding="utf-8").read())
WAIT = [float(x) for x in os.environ.get("BENCH_WAIT", "0.2,1.0").split(",")]
DEMAND_SORTS, RESULT_SORTS = ["newest", "deadline", "budget"], ["newest", "trl", "price"]
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
INPUT = re.compile(r"<input\b[^>]*>")
ATTR = re.compile(r'(name|value|type)="([^"]*)"')
_accounts = itertools.count()


def hidden_fields(page: str, marker: str) -> dict | None:
    """The hidden inputs (CSRF and one-time tokens) of the first form containing ``marker``."""
    for form in FORM.findall(page):
        if marker in form:
            fields = {}
            for tag in INPUT.findall(form):
                attrs = dict(ATTR.findall(tag))
                if attrs.get("type") == "hidden" and "name" in attrs:
                    fields[attrs["name"]] = html.unescape(attrs.get("value", ""))
            return fields
    return None


def words(n: int) -> str:
    """A keyword query of ``n`` words drawn from the listings' keywords."""
    return " ".join(random.sample(TARGETS["words"], min(n, len(TARGETS["words"]))))


def word_group(n: int) -> str:
    return "1-3 words" if n <= 3 else "4-8 words" if n <= 8 else "9-13 words"


class Browsing:
    """Tasks every visitor does (anonymous or signed in)."""

    def list_page(self) -> None:
        kind = random.choice(["demands", "results"])
        params = {"sort": random.choice(DEMAND_SORTS if kind == "demands" else RESULT_SORTS)}
        if random.random() < 0.6:
            params["field"] = random.choice(TARGETS["fields"])
        if random.random() < 0.3 and TARGETS["regions"]:
            params["region"] = random.choice(TARGETS["regions"])[:5]
        if random.random() < 0.3:
            params["trl_min"] = random.randint(3, 7)
        params["page"] = random.choice([1, 1, 1, 2, 3])
        self.client.get(f"/{kind}/", params=params, name="list (filters, sort)")

    def deep_page(self) -> None:
        kind = random.choice(["demands", "results"])
        page = random.randint(max(1, TARGETS["deepest_page"] // 2), TARGETS["deepest_page"])
        self.client.get(f"/{kind}/", params={"page": page}, name="list deep page")

    def keyword_list(self) -> None:
        n = random.choice([1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 13])
        kind = random.choice(["demands", "results"])
        self.client.get(f"/{kind}/", params={"q": words(n)}, name=f"keyword list {word_group(n)}")

    def search(self) -> None:
        n = random.choice([1, 2, 3, 5, 8])
        self.client.get("/search", params={"q": words(n)}, name="search")

    def detail(self) -> None:
        if random.random() < 0.5:
            self.client.get(f"/demands/{random.choice(TARGETS['demand_ids'])}", name="demand detail (suggestions)")
        else:
            self.client.get(f"/results/{random.choice(TARGETS['result_ids'])}", name="result detail (suggestions)")


class Visitor(Browsing, HttpUser):
    """Someone browsing without an account."""

    weight = 4
    wait_time = between(*WAIT)

    @task(8)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(12)
    def lists(self) -> None:
        self.list_page()

    @task(3)
    def deep(self) -> None:
        self.deep_page()

    @task(8)
    def keywords(self) -> None:
        self.keyword_list()

    @task(4)
    def search_page(self) -> None:
        self.search()

    @task(12)
    def details(self) -> None:
        self.detail()

    @task(3)
    def statistics(self) -> None:
        self.client.get("/stats/", name="statistics")

    @task(4)
    def api_list(self) -> None:
        kind = random.choice(["demands", "results"])
        params = {"field": random.choice(TARGETS["fields"])} if random.random() < 0.5 else {"q": words(random.randint(1, 4))}
        self.client.get(f"/api/v1/{kind}", params=params, name="api list")


class Member(Browsing, HttpUser):
    """A signed-in enterprise or researcher with an account of its own."""

    weight = 1
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        index = next(_accounts)
        accounts = TARGETS["accounts"]
        if index >= len(accounts):
            raise RuntimeError(f"more signed-in users than bench accounts ({len(accounts)}): raise --users")
        self.account, self.pairings = accounts[index], []
        page = self.client.get("/auth/login", name="login form").text
        self.post("/auth/login", page, 'name="password"', "login",
                  {"email": self.account["email"], "password": TARGETS["password"]})

    def post(self, path: str, page: str, marker: str, name: str, data: dict):
        """Submit the form of ``page`` that contains ``marker`` (a redirect is success)."""
        fields = hidden_fields(page, marker)
        with self.client.post(path, data=(fields or {}) | data, name=name, allow_redirects=False,
                              catch_response=True) as response:
            if fields is None:
                response.failure(f"no form with {marker} on the page")
            elif response.status_code not in (302, 303):
                response.failure(f"status {response.status_code}")
            return response

    @task(6)
    def browse(self) -> None:
        random.choice([self.list_page, self.keyword_list, self.detail, self.search])()

    @task(3)
    def workspace(self) -> None:
        path, name = random.choice([("/me/", "workspace"), ("/notifications/", "notifications"),
                                    ("/pairings/", "my pairings")])
        self.client.get(path, name=name)

    @task(2)
    def propose(self) -> None:
        other = ("result_id", random.choice(TARGETS["result_ids"])) if self.account["role"] == "enterprise" \
            else ("demand_id", random.choice(TARGETS["demand_ids"]))
        path = f"/pairings/new?{other[0]}={other[1]}"
        page = self.client.get(path, name="propose form").text
        own = re.search(r'name="own_id"[^>]*>\s*<option[^>]*value="(\d+)"', page)
        response = self.post(path, page, 'name="message"', "propose",
                             {"own_id": own.group(1) if own else "", "message": "希望进一步沟通技术细节与合作方式。"})
        found = re.search(r"/pairings/(\d+)", response.headers.get("Location", ""))
        if found:
            self.pairings.append(int(found.group(1)))

    @task(3)
    def message(self) -> None:
        if not self.pairings:
            return self.propose()
        pairing = random.choice(self.pairings)
        page = self.client.get(f"/pairings/{pairing}", name="pairing page").text
        self.post(f"/pairings/{pairing}/messages", page, f"/pairings/{pairing}/messages", "message",
                  {"body": "补充一下我们的测试条件与时间安排。"})

    @task(1)
    def new_listing(self) -> None:
        kind = "demands" if self.account["role"] == "enterprise" else "results"
        page = self.client.get(f"/{kind}/new", name="listing form").text
        keywords = "、".join(random.sample(TARGETS["words"], 3))
        common = {"field": random.choice(TARGETS["fields"]), "keywords": keywords, "region": "上海市浦东新区",
                  "status": "published"}
        if kind == "demands":
            data = common | {"title": f"产线{words(1)}技术需求", "description": f"希望寻找{words(2)}方面的合作团队。",
                             "summary": "", "budget_min": "50", "budget_max": "120", "trl_target": "6",
                             "deadline": (date.today() + timedelta(days=120)).isoformat(),
                             "cooperation_mode": "development", "visibility": "public"}
        else:
            data = common | {"title": f"{words(1)}关键技术", "abstract": f"本成果提出一种{words(2)}的新方法。",
                             "trl": "5", "maturity": "pilot", "transfer_modes": "license", "asking_price": "60",
                             "patents": ""}
        self.post(f"/{kind}/new", page, 'name="title"', "create listing", data)
