"""Command line of the PoC stage: ``flask agreements verify`` (and a tamper test: stored agreement
rows edited in SQL are reported, with a non-zero exit) and ``flask engagements sweep``."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from models import Agreement, Milestone, Notification, NotificationKind, db, utcnow
from tests.poc_factories import engage, make_world, sign_all


def signed_engagement():
    engagement, center = engage(make_world())
    sign_all(engagement, center)
    return engagement


def run(ctx, *args):
    return ctx.test_cli_runner().invoke(args=list(args))


def test_verify_with_no_agreements(ctx):
    result = run(ctx, "agreements", "verify")
    assert result.exit_code == 0 and "No agreements yet." in result.output


def test_verify_prints_one_line_per_agreement_and_succeeds(ctx):
    signed_engagement(), signed_engagement()
    result = run(ctx, "agreements", "verify")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines[:2]] == [
        f"Agreement #1 (id {agreement_id(1)})", f"Agreement #2 (id {agreement_id(2)})"]
    assert all("valid" in line and "INVALID" not in line for line in lines[:2])
    assert len(lines) == 3 and "2 agreement(s) verified" in lines[-1]


def agreement_id(sequence: int) -> int:
    return db.session.scalar(sa.select(Agreement.id).where(Agreement.sequence == sequence))


def swap_sequences() -> None:
    db.session.execute(sa.text("UPDATE agreements SET sequence = 99 WHERE sequence = 1"))
    db.session.execute(sa.text("UPDATE agreements SET sequence = 1 WHERE sequence = 2"))
    db.session.execute(sa.text("UPDATE agreements SET sequence = 2 WHERE sequence = 99"))


def delete_first() -> None:
    first = agreement_id(1)
    db.session.execute(sa.text("DELETE FROM agreement_signatures WHERE agreement_id = :id"), {"id": first})
    db.session.execute(sa.text("DELETE FROM agreements WHERE id = :id"), {"id": first})


def borrow_signature() -> None:
    """The enterprise's signature on #1 replaced by a valid-looking one taken from #2."""
    other = db.session.scalar(sa.text("SELECT signature FROM agreement_signatures WHERE agreement_id = :id "
                                      "AND party = 'enterprise'"), {"id": agreement_id(2)})
    db.session.execute(sa.text("UPDATE agreement_signatures SET signature = :s WHERE agreement_id = :id "
                               "AND party = 'enterprise'"), {"s": other, "id": agreement_id(1)})


TAMPERING = {
    "content": (lambda: db.session.execute(sa.text(
        "UPDATE agreements SET content = replace(content, '三方协议', '双方协议') WHERE sequence = 1")),
        ["#1", "内容与存证哈希不符"]),
    "hash": (lambda: db.session.execute(sa.text(
        "UPDATE agreements SET hash = :h WHERE sequence = 2"), {"h": "f" * 64}), ["#2", "内容与存证哈希不符"]),
    "prev_hash": (lambda: db.session.execute(sa.text(
        "UPDATE agreements SET prev_hash = :h WHERE sequence = 2"), {"h": "e" * 64}), ["#2", "哈希链断开"]),
    "signature": (borrow_signature, ["#1", "需求企业签名无法验证"]),
    "deleted": (delete_first, ["#2", "缺少序号 #1"]),
    "swapped": (swap_sequences, ["#1", "哈希链断开"]),
}


@pytest.mark.parametrize("tamper", list(TAMPERING))
def test_verify_reports_an_edited_stored_row_and_exits_non_zero(ctx, tamper):
    signed_engagement(), signed_engagement()
    assert run(ctx, "agreements", "verify").exit_code == 0
    edit, expected = TAMPERING[tamper]
    edit()
    db.session.commit()
    db.session.expire_all()
    result = run(ctx, "agreements", "verify")
    assert result.exit_code != 0, result.output
    assert "INVALID" in result.output and "failed verification" in result.output
    problems = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert any(all(part in line for part in expected) for line in problems), result.output


def test_sweep_flags_overdue_milestones_once(ctx):
    engagement = signed_engagement()
    late = engagement.milestones[0]
    late.due_on = utcnow().date() - timedelta(days=2)
    db.session.commit()

    def overdue_notes() -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.kind == NotificationKind.MILESTONE_OVERDUE))

    first = run(ctx, "engagements", "sweep")
    assert first.exit_code == 0 and "1 overdue milestone(s) flagged" in first.output
    assert overdue_notes() == 3  # the enterprise, the institution and the center
    db.session.expire_all()
    assert db.session.get(Milestone, late.id).overdue_notified_at is not None
    again = run(ctx, "engagements", "sweep")
    assert again.exit_code == 0 and "0 overdue milestone(s) flagged" in again.output
    assert overdue_notes() == 3
