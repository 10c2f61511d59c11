"""A whole world for tests that call every route: the three sides of one engagement, a member of
another organization for each role, an operator, and an object of every kind the routes name."""
from __future__ import annotations

import io
from dataclasses import dataclass

import sqlalchemy as sa


@dataclass
class World:
    ids: dict[str, int]
    users: dict[str, object]


def build_world() -> World:
    from flask import current_app

    from marketplace.services import join_requests, moderation, watches
    from marketplace.extensions import attachment_store, upload_store
    from marketplace.services import attachments
    from marketplace.services.poc import milestones, reports, requests
    from marketplace.mail import unsubscribe_token
    from marketplace.tokens import email_change_token, password_reset_token
    from models import Agreement, MailStatus, Notification, OutboundEmail, Role, db
    from tests.factories import make_connected_pairing, make_demand, make_result, make_user
    from tests.poc_factories import World as PocWorld, make_bid, make_center, make_world, request_data, selection
    from tests.poc_web import activate

    world = make_world(with_request=True)
    center, other_center = make_center(), make_center()
    bid = make_bid(center, world)
    demand2 = make_demand(world.enterprise, status="published", title="储能电池包液冷板验证需求")
    result2 = make_result(world.researcher, status="published", title="液冷板流道优化方法")
    pairing2 = make_connected_pairing(demand2, result2)
    request2 = requests.open_request(world.enterprise, pairing2.id, request_data(), current_app.extensions["match_index"])
    db.session.commit()
    bid2 = make_bid(center, PocWorld(world.enterprise, world.researcher, pairing2, request2))
    selection.accept_bid(world.enterprise, bid2.id)
    engagement = selection.accept_bid(world.researcher, bid2.id).engagement
    db.session.commit()
    activate(engagement, center)
    milestone = engagement.milestones[0]
    for step in engagement.milestones:  # delivered (the first with a file) and approved; the report filed
        milestones.submit_milestone(center, engagement.id, step.id, "阶段交付物",
                                    upload=io.BytesIO(b"%PDF-1.7 stage") if step is milestone else None,
                                    file_name="stage1.pdf", store=upload_store())
        milestones.approve_milestone(world.enterprise, engagement.id, step.id)
    reports.file_report(center, engagement.id, {
        "technical_verdict": "feasible", "market_verdict": "feasible", "trl_before": 4, "trl_after": 6,
        "recommendation": "license", "summary": "样机达到预警提前 12 分钟。", "evidence": "附试验数据。"})
    db.session.commit()
    submission = milestone.submissions[-1]
    assert submission.stored_name
    # a file on the pairing's demand and one on its result (the attachment routes)
    demand_file = attachments.add_attachment(world.enterprise, "demand", world.pairing.demand_id,
                                             io.BytesIO(b"%PDF-1.7 spec"), "技术规格.pdf", attachment_store())
    result_file = attachments.add_attachment(world.researcher, "result", world.pairing.result_id,
                                             io.BytesIO(b"\x89PNG\r\n\x1a\n chart"), "曲线.png", attachment_store())
    db.session.commit()
    draft_demand = make_demand(world.enterprise, title="草稿需求")
    draft_result = make_result(world.researcher, title="草稿成果")
    watch = watches.create_watch(world.enterprise, {"query": "热失控", "target": "result", "min_score": 0.5})
    db.session.commit()
    notification = db.session.scalars(sa.select(Notification).where(Notification.user_id == world.enterprise.id)
                                      .order_by(Notification.id)).first()
    users = {"enterprise": world.enterprise, "researcher": world.researcher, "center": center,
             "other_enterprise": make_user(Role.ENTERPRISE), "other_researcher": make_user(Role.RESEARCHER),
             "other_center": other_center, "admin": make_user(Role.ADMIN)}
    joining = join_requests.request_to_join({
        "email": "joiner@example.com", "password": "joiner-pass-2026", "role": "enterprise", "display_name": "申请人",
        "organization": {"name": users["other_enterprise"].organization.name}})
    failed_mail = OutboundEmail(to_address=world.enterprise.email, kind="message", subject="【创新桥】新消息",
                                body="…", status=MailStatus.FAILED, attempts=6, last_error="SMTPServerDisconnected")
    db.session.add(failed_mail)
    report = moderation.report(users["other_researcher"], {"kind": "demand", "id": world.pairing.demand_id,
                                                           "reason": "疑似虚假信息"})
    db.session.commit()
    ids = {"demand_id": world.pairing.demand_id, "result_id": world.pairing.result_id, "pairing_id": world.pairing.id,
           "request_id": world.request.id, "bid_id": bid.id, "center_id": center.organization_id,
           "engagement_id": engagement.id, "milestone_id": milestone.id, "submission_id": submission.id,
           "notification_id": notification.id, "watch_id": watch.id,
           "agreement_id": db.session.scalar(sa.select(Agreement.id).where(Agreement.engagement_id == engagement.id)),
           "organization_id": users["other_enterprise"].organization_id,
           "user_id": users["other_enterprise"].id, "report_id": report.id, "code": "ai", "join_request_id": joining.id,
           "listing_id": world.pairing.result_id,  # the moderation routes' <any(demand, result)> picks "result"
           "draft_demand_id": draft_demand.id, "draft_result_id": draft_result.id,
           "attachment_id": demand_file.id, "result_attachment_id": result_file.id,  # on the demand, the result
           "mail_id": failed_mail.id, "unsubscribe_token": unsubscribe_token(world.enterprise, "message"),
           "reset_token": password_reset_token(world.enterprise),
           "confirm_token": email_change_token(world.enterprise, "enterprise.new@example.com")}
    return World(ids, users)


