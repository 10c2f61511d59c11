"""Milestones: the center delivers (text, an optional checked file), the parties approve or send
back, the payer records payments; who may do what; overdue flags; the progress figures."""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.localtime import local_date
from marketplace.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.services.poc import milestones
from marketplace.services.poc.uploads import UploadStore
from models import (
    MilestoneStatus, MilestoneSubmission, Notification, NotificationKind, PaymentStatus, Role, db, utcnow,
)
from tests.factories import make_user
from tests.poc_factories import engage, make_world, sign_all

PDF = b"%PDF-1.7\n1 0 obj\n"


@pytest.fixture
def active(ctx, tmp_path):
    world = make_world()
    engagement, center = engage(world)
    sign_all(engagement, center)
    return world, engagement, center, UploadStore(tmp_path / "uploads", 1024)


def deliver(center, engagement, milestone, store, data=PDF, name="report.pdf"):
    stream = io.BytesIO(data) if data is not None else None
    submission = milestones.submit_milestone(center, engagement.id, milestone.id, "试验数据见附件", stream, name, store)
    db.session.commit()
    return submission


def submissions() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(MilestoneSubmission))


def test_deliver_approve_pay(active):
    world, engagement, center, store = active
    first = engagement.milestones[0]
    submission = deliver(center, engagement, first, store)
    assert first.status is MilestoneStatus.SUBMITTED and submission.size == len(PDF)
    assert store.path(submission.stored_name).read_bytes() == PDF and submission.stored_name != "report.pdf"
    milestones.approve_milestone(world.enterprise, engagement.id, first.id, "数据完整")
    db.session.commit()
    assert (first.status, first.payment_status) == (MilestoneStatus.APPROVED, PaymentStatus.DUE)
    assert milestones.progress(engagement).due == first.payment
    milestones.mark_paid(world.enterprise, engagement.id, first.id)
    db.session.commit()
    assert first.payment_status is PaymentStatus.PAID and first.paid_at is not None
    figures = milestones.progress(engagement)
    assert (figures.approved, figures.paid, figures.outstanding) == (1, 30, 60)


def test_the_center_cannot_approve_its_own_delivery(active):
    world, engagement, center, store = active
    milestone = engagement.milestones[0]
    deliver(center, engagement, milestone, store)
    with pytest.raises(PermissionDenied):
        milestones.approve_milestone(center, engagement.id, milestone.id)
    with pytest.raises(PermissionDenied):
        milestones.submit_milestone(world.researcher, engagement.id, engagement.milestones[1].id, "代交", None, "", store)
    db.session.rollback()
    assert milestone.status is MilestoneStatus.SUBMITTED


def test_sent_back_with_a_comment_and_delivered_again(active):
    world, engagement, center, store = active
    milestone = engagement.milestones[0]
    deliver(center, engagement, milestone, store, data=None)
    with pytest.raises(ValidationFailed):
        milestones.reject_milestone(world.researcher, engagement.id, milestone.id, "  ")
    milestones.reject_milestone(world.researcher, engagement.id, milestone.id, "缺少原始数据")
    db.session.commit()
    assert milestone.status is MilestoneStatus.REJECTED and milestone.submissions[-1].comment == "缺少原始数据"
    told = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == center.id, Notification.kind == NotificationKind.ENGAGEMENT_UPDATE))
    assert told >= 1
    deliver(center, engagement, milestone, store)
    assert milestone.status is MilestoneStatus.SUBMITTED and len(milestone.submissions) == 2


def test_wrong_states_are_conflicts(active):
    world, engagement, center, store = active
    milestone = engagement.milestones[0]
    with pytest.raises(Conflict):  # nothing delivered yet
        milestones.approve_milestone(world.enterprise, engagement.id, milestone.id)
    deliver(center, engagement, milestone, store)
    with pytest.raises(Conflict):  # already waiting for a decision
        deliver(center, engagement, milestone, store)
    with pytest.raises(Conflict):  # not due yet
        milestones.mark_paid(world.enterprise, engagement.id, milestone.id)


def test_only_the_payer_records_a_payment(active):
    world, engagement, center, store = active
    milestone = engagement.milestones[0]
    deliver(center, engagement, milestone, store)
    milestones.approve_milestone(world.researcher, engagement.id, milestone.id)
    db.session.commit()
    assert milestones.payer(engagement).value == "enterprise"
    for not_payer in (center, world.researcher):
        with pytest.raises(PermissionDenied):
            milestones.mark_paid(not_payer, engagement.id, milestone.id)


def test_milestones_wait_for_the_signatures(ctx, tmp_path):
    world = make_world()
    engagement, center = engage(world)
    with pytest.raises(Conflict):
        deliver(center, engagement, engagement.milestones[0], UploadStore(tmp_path, 1024))


@pytest.mark.parametrize("data, name, problem", [
    (PDF + b"x" * 2000, "big.pdf", "不能超过 1 KB"),
    (b"MZ\x90\x00", "tool.exe", "只接受"),
    (b"<html><script>alert(1)</script>", "page.html", "只接受"),
    (b"<html>", "fake.pdf", "不是 .pdf"),
    (b"", "empty.pdf", "空"),
])
def test_uploads_over_the_limit_or_of_a_forbidden_type_write_nothing(active, data, name, problem):
    world, engagement, center, store = active
    with pytest.raises(ValidationFailed) as error:
        deliver(center, engagement, engagement.milestones[0], store, data=data, name=name)
    assert problem in error.value.fields["file"] and submissions() == 0
    assert not store.root.exists() or not any(store.root.iterdir())
    assert engagement.milestones[0].status is MilestoneStatus.PENDING


def test_files_are_for_the_three_parties_and_operators(active):
    world, engagement, center, store = active
    submission = deliver(center, engagement, engagement.milestones[0], store)
    for viewer in (world.enterprise, world.researcher, center, make_user(Role.ADMIN)):
        assert milestones.submission_file(viewer, submission.id, store)[1].endswith(submission.stored_name)
    for outsider in (make_user(Role.CENTER), make_user(Role.ENTERPRISE)):
        with pytest.raises(NotFound):
            milestones.submission_file(outsider, submission.id, store)
    with pytest.raises(ValueError):
        store.path("../secret_key")


def test_overdue_milestones_are_flagged_once(active):
    world, engagement, center, store = active
    later = utcnow() + timedelta(weeks=engagement.milestones[0].due_week, days=1)
    flagged = milestones.flag_overdue(later)
    db.session.commit()
    assert [m.id for m in flagged] == [engagement.milestones[0].id]
    assert milestones.flag_overdue(later) == []
    notes = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.kind == NotificationKind.MILESTONE_OVERDUE))
    assert notes == 3  # one member of each party
    assert milestones.progress(engagement, local_date(later)).overdue == [engagement.milestones[0]]  # local days
