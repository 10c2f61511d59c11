"""Factories of the proof-of-concept stage: a connected pairing with its two parties, verified
centers with profiles, an open request, bids with a valid term sheet, an engagement."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from marketplace.localtime import local_today

from flask import current_app

from marketplace.services.poc import agreements, bids, centers, requests, selection
from models import OrgKind, Role, User, db
from tests.factories import PASSWORD, make_connected_pairing, make_demand, make_org, make_result, make_user

SECRET = "test-agreement-secret"  # the test app's AGREEMENT_SECRET (tests/conftest.py)


def request_data(**overrides) -> dict:
    """A valid validation request (API shape)."""
    return {"needs": "both", "budget_cap": 100, "deadline": (local_today() + timedelta(days=30)).isoformat(),
            "max_duration_months": 12, "notes": "重点验证 2Ah 软包电芯的热失控预警提前量。"} | overrides


def bid_data(**overrides) -> dict:
    """A valid term sheet (API shape): 3 milestones summing to total_cost 90 within a cap of 100."""
    data = {
        "approach": "在中心电池安全实验室搭建 20 通道测试平台，完成技术验证并开展 3 家储能客户访谈。",
        "milestones": [
            {"title": "测试平台搭建", "deliverable": "测试平台与测试大纲", "due_week": 4, "payment": 30},
            {"title": "热失控试验", "deliverable": "60 次热失控试验数据与分析报告", "due_week": 16, "payment": 40},
            {"title": "市场验证", "deliverable": "客户访谈纪要与市场可行性分析", "due_week": 24, "payment": 20},
        ],
        "total_cost": 90, "duration_months": 6, "funding_model": "enterprise_pays",
        "ip_terms": {"foreground_split": {"enterprise": 50, "institution": 40, "center": 10},
                     "license": "exclusive", "license_field": "储能电站安全监测", "territory": "中国大陆",
                     "revenue_share_pct": 5, "publication_review_days": 60,
                     "confidentiality": "各方对验证数据保密五年。"},
    }
    for key, value in overrides.items():
        if key == "ip_terms" and value is not None:
            data["ip_terms"] = data["ip_terms"] | value
        else:
            data[key] = value
    return data


def make_center(verified: bool = True, capacity: int = 3, **profile) -> User:
    """A center account whose organization has a profile (verified unless asked)."""
    org = make_org(OrgKind.CENTER, verified=verified)
    user = make_user(Role.CENTER, organization=org)
    centers.update_profile(user, org.id, {
        "summary": "专注新能源电池安全的概念验证中心，提供技术验证与商业验证。", "fields": ["new_energy"],
        "services": ["technical_validation", "market_validation", "testing"], "capacity": capacity,
        "equipment": "电池热失控试验舱、加速量热仪", "region": "上海市",
        "qualifications": [{"kind": "cnas", "number": "CNAS L12345", "scope": "电池安全检测"}]} | profile)
    db.session.commit()
    return user


@dataclass
class World:
    """Two parties of a connected pairing and (optionally) its open request."""

    enterprise: User
    researcher: User
    pairing: object
    request: object = None
    centers: list = field(default_factory=list)


def make_world(with_request: bool = True, **request_overrides) -> World:
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    result = make_result(researcher, status="published")
    world = World(enterprise, researcher, make_connected_pairing(demand, result))
    if with_request:
        world.request = requests.open_request(enterprise, world.pairing.id, request_data(**request_overrides),
                                              current_app.extensions["match_index"])
        db.session.commit()
    return world


def make_bid(center: User, world: World, **overrides):
    bid = bids.submit_bid(center, world.request.id, bid_data(**overrides))
    db.session.commit()
    return bid


def engage(world: World, center: User | None = None):
    """Both parties accept one center's bid: the engagement (awaiting signatures)."""
    center = center or make_center()
    bid = make_bid(center, world)
    selection.accept_bid(world.enterprise, bid.id)
    engagement = selection.accept_bid(world.researcher, bid.id).engagement
    db.session.commit()
    return engagement, center


def sign_all(engagement, center: User) -> None:
    """All three parties sign (the engagement becomes active)."""
    for user in (engagement_user(engagement, "enterprise"), engagement_user(engagement, "institution"), center):
        agreements.sign_agreement(user, engagement.id, PASSWORD, SECRET)
    db.session.commit()


def engagement_user(engagement, party: str) -> User:
    org = {"enterprise": engagement.enterprise_id, "institution": engagement.institution_id,
           "center": engagement.center_id}[party]
    return db.session.scalar(db.select(User).where(User.organization_id == org).order_by(User.id))
