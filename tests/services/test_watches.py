"""Watches: saved searches and listing alerts, their validation and ownership, and check_watches
(threshold, own organization, dedupe, only new changes, two workers at once)."""
import threading

import pytest

from marketplace.services import results, watches
from marketplace.services.errors import Conflict, NotFound, ValidationFailed
from models import ListingKind, Notification, NotificationKind, Role, Watch, db

from ..factories import make_demand, make_result, make_user

QUERY = "锂电池 热失控 预警"
RICE = {"title": "高产抗倒伏水稻品种选育方法", "abstract": "通过分子标记辅助选择培育高产抗倒伏水稻新品种。",
        "keywords": ["水稻", "育种"], "field": "agriculture"}


def index(app):
    return app.extensions["match_index"]


def alerts(user) -> list[Notification]:
    return list(db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == NotificationKind.NEW_MATCH).order_by(Notification.id)))


def saved_search(user, **overrides) -> Watch:
    watch = watches.create_watch(user, {"query": QUERY, "target": "result", "min_score": 0.5} | overrides)
    db.session.commit()
    return watch


def check(app) -> int:
    sent = watches.check_watches(index(app))
    db.session.commit()
    return sent


def count_watches() -> int:
    return db.session.scalar(db.select(db.func.count(Watch.id)))


def refused(user, data, error=ValidationFailed) -> dict:
    """The fields ``create_watch`` names as it refuses ``data``; no watch is stored."""
    before = count_watches()
    with pytest.raises(error) as caught:
        watches.create_watch(user, data)
    db.session.rollback()
    assert count_watches() == before
    return caught.value.fields


@pytest.mark.parametrize(("data", "field"), [
    ({"query": "  ", "target": "result"}, "query"),
    ({"query": "x" * 201, "target": "result"}, "query"),
    ({"query": ["电池"], "target": "result"}, "query"),
    ({"query": "电池", "target": "pairing"}, "target"),
    ({"query": "电池", "target": "result", "min_score": 1.5}, "min_score"),
    ({"query": "电池", "target": "result", "min_score": -0.1}, "min_score"),
    ({"query": "电池", "target": "result", "min_score": "高"}, "min_score"),
    ({"query": "电池", "target": "result", "min_score": True}, "min_score"),
    ({"query": "电池", "target": "result", "field": "astrology"}, "field"),
    ({"result_id": 99999}, "result_id"),
    ({"demand_id": "abc"}, "demand_id"),
    ({"demand_id": True}, "demand_id"),
    ({"demand_id": 10**20}, "demand_id"),
    ({"result_id": -1}, "result_id"),
])
def test_bad_input_is_refused_with_field_errors(ctx, data, field):
    assert field in refused(make_user(), data)


def test_a_listing_the_user_cannot_see_is_refused(ctx):
    owner, other = make_user(), make_user()
    draft = make_demand(owner)  # a draft: only its organization sees it
    assert "demand_id" in refused(other, {"demand_id": draft.id})
    watch = watches.create_watch(owner, {"demand_id": draft.id})
    assert (watch.target, watch.min_score) == (ListingKind.RESULT, watches.DEFAULT_MIN_SCORE)


def test_listing_and_query_together_are_refused(ctx):
    user = make_user()
    demand = make_demand(make_user(), status="published")
    result = make_result(make_user(Role.RESEARCHER), status="published")
    assert "query" in refused(user, {"demand_id": demand.id, "query": "电池"})
    assert "result_id" in refused(user, {"demand_id": demand.id, "result_id": result.id})


def test_the_same_watch_twice_is_a_conflict(ctx):
    user = make_user()
    saved_search(user)
    refused(user, {"query": QUERY, "target": "result", "min_score": 0.7}, error=Conflict)
    assert count_watches() == 1
    saved_search(user, field="new_energy")  # a narrower search is a different watch
    assert count_watches() == 2


def test_list_and_delete_own_watches_only(ctx):
    owner, other = make_user(), make_user()
    first, second = saved_search(owner), saved_search(owner, target="demand")
    assert [w.id for w in watches.list_watches(owner, 1, 20).items] == [second.id, first.id]
    assert watches.list_watches(other, 1, 20).total == 0
    with pytest.raises(NotFound):
        watches.delete_watch(other, first.id)
    with pytest.raises(NotFound):
        watches.get_watch(other, first.id)
    watches.delete_watch(owner, first.id)
    db.session.commit()
    assert [w.id for w in watches.list_watches(owner, 1, 20).items] == [second.id]


def test_saved_search_alerts_new_listings_above_the_threshold_only(ctx):
    user = make_user()
    watch = saved_search(user)
    researcher = make_user(Role.RESEARCHER)
    good = make_result(researcher, status="published")
    make_result(researcher, status="published", **RICE)
    assert check(ctx) == 1
    (note,) = alerts(user)
    assert note.link == f"/results/{good.id}?watch={watch.id}"
    assert good.title in note.text and "匹配度" in note.text and not note.is_read


def test_a_high_threshold_alerts_nothing(ctx):
    user = make_user()
    saved_search(user, min_score=0.99)
    make_result(make_user(Role.RESEARCHER), status="published")
    assert check(ctx) == 0 and alerts(user) == []


def test_only_listings_published_after_the_watch_are_alerted(ctx):
    make_result(make_user(Role.RESEARCHER), status="published")
    user = make_user()
    saved_search(user)
    assert check(ctx) == 0


def test_drafts_are_not_alerted_until_published(ctx):
    user, researcher = make_user(), make_user(Role.RESEARCHER)
    saved_search(user)
    draft = make_result(researcher)
    assert check(ctx) == 0
    results.change_result_status(researcher, draft.id, results.ResultStatus.PUBLISHED)
    db.session.commit()
    assert check(ctx) == 1


def test_own_organizations_listings_are_not_alerted(ctx):
    researcher = make_user(Role.RESEARCHER)
    colleague = make_user(Role.RESEARCHER, organization=researcher.organization)
    saved_search(researcher)
    make_result(colleague, status="published")
    assert check(ctx) == 0


def test_field_restriction(ctx):
    user, researcher = make_user(), make_user(Role.RESEARCHER)
    saved_search(user, field="ai")
    make_result(researcher, status="published")  # new_energy
    assert check(ctx) == 0


def test_an_edited_listing_is_not_alerted_twice_for_the_same_watch(ctx):
    user, researcher = make_user(), make_user(Role.RESEARCHER)
    saved_search(user)
    result = make_result(researcher, status="published")
    assert check(ctx) == 1
    results.update_result(researcher, result.id, {"title": result.title + "（第二版）"})
    db.session.commit()
    assert check(ctx) == 0
    db.session.execute(db.update(Watch).values(last_change_id=0))  # even a rewound cursor
    db.session.commit()
    assert check(ctx) == 0 and len(alerts(user)) == 1


def test_two_watches_alert_the_same_listing_once_each(ctx):
    user = make_user()
    saved_search(user)
    saved_search(user, query="热失控预警")
    make_result(make_user(Role.RESEARCHER), status="published")
    assert check(ctx) == 2


def test_listing_alert_on_a_demand_finds_new_results(ctx):
    enterprise = make_user()
    demand = make_demand(enterprise, status="published")
    watch = watches.create_watch(enterprise, {"demand_id": demand.id, "min_score": 0.3})
    db.session.commit()
    researcher = make_user(Role.RESEARCHER)
    good = make_result(researcher, status="published")
    make_result(researcher, status="published", **RICE)
    assert check(ctx) == 1
    (note,) = alerts(enterprise)
    assert note.link == f"/results/{good.id}?watch={watch.id}" and demand.title in note.text


def test_listing_alert_on_a_result_finds_new_demands(ctx):
    researcher = make_user(Role.RESEARCHER)
    result = make_result(researcher, status="published")
    watches.create_watch(researcher, {"result_id": result.id, "min_score": 0.3})
    db.session.commit()
    demand = make_demand(make_user(), status="published")
    assert check(ctx) == 1
    assert alerts(researcher)[0].link.startswith(f"/demands/{demand.id}?watch=")


def test_a_stale_worker_does_not_notify_again(ctx):
    user = make_user()
    saved_search(user)
    make_result(make_user(Role.RESEARCHER), status="published")
    newest = watches.newest_change_id()
    stale = watches.pending_watches(newest)  # worker B read the watch with the old cursor ...
    assert check(ctx) == 1  # ... worker A evaluated it and moved the cursor first
    assert watches.check_pending(index(ctx), stale, newest) == 0
    db.session.commit()
    assert len(alerts(user)) == 1


def test_two_workers_at_once_notify_once(ctx):
    user = make_user()
    saved_search(user)
    make_result(make_user(Role.RESEARCHER), status="published")
    index(ctx).ready()  # build once, so both workers race on the evaluation itself
    barrier, sent, failures = threading.Barrier(2), [], []

    def worker():
        try:
            with ctx.app_context():
                barrier.wait()
                sent.append(watches.check_watches(index(ctx)))
                db.session.commit()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures and sorted(sent) == [0, 1]
    assert len(alerts(user)) == 1


def test_a_deleted_watch_alerts_nothing(ctx):
    user = make_user()
    watch = saved_search(user)
    watches.delete_watch(user, watch.id)
    db.session.commit()
    make_result(make_user(Role.RESEARCHER), status="published")
    assert check(ctx) == 0


def test_flask_alerts_check_command(ctx):
    user = make_user()
    saved_search(user)
    make_result(make_user(Role.RESEARCHER), status="published")
    runner = ctx.test_cli_runner()
    first = runner.invoke(args=["alerts", "check"])
    assert first.exit_code == 0 and "1 notification(s) sent" in first.output, first.output
    again = runner.invoke(args=["alerts", "check"])
    assert "0 notification(s) sent" in again.output
    db.session.rollback()
    assert len(alerts(user)) == 1


def test_a_listing_hidden_before_the_check_is_not_alerted_and_alerts_once_restored(ctx):
    from marketplace.services import moderation

    user, researcher, admin = make_user(), make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    saved_search(user)
    result = make_result(researcher, status="published")
    moderation.hide(admin, "result", result.id, "侵权")
    db.session.commit()
    assert check(ctx) == 0 and alerts(user) == []  # the index dropped it before the alerts ran
    moderation.restore(admin, "result", result.id)
    db.session.commit()
    assert check(ctx) == 1
    assert [note.link.split("?")[0] for note in alerts(user)] == [f"/results/{result.id}"]
