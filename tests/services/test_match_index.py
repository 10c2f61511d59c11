"""The match index follows the database through the listing change log, in every process."""
import pytest

from marketplace.services import demands, results
from marketplace.services.match_index import MatchIndex, demand_doc, doc_id, parse_doc_id
from models import ListingChange, ListingKind, Role, db

from ..factories import make_demand, make_result, make_user


def ids(matches):
    return [m.id for m in matches]


def test_doc_ids_round_trip():
    assert doc_id(ListingKind.DEMAND, 12) == "d12"
    assert parse_doc_id("r34") == (ListingKind.RESULT, 34)


def test_built_index_holds_only_published_listings(ctx):
    researcher = make_user(Role.RESEARCHER)
    published = make_result(researcher, status="published")
    draft = make_result(researcher, title="草稿成果：钙钛矿叠层电池")
    index = MatchIndex()
    matcher = index.ready()
    assert f"r{published.id}" in matcher and f"r{draft.id}" not in matcher


def test_every_write_appends_a_listing_change(ctx):
    enterprise = make_user(Role.ENTERPRISE)
    demand = make_demand(enterprise)
    demands.change_demand_status(enterprise, demand.id, demands.DemandStatus.PUBLISHED)
    demands.update_demand(enterprise, demand.id, {"title": "储能电池热失控预警（修订）"})
    db.session.commit()
    changes = db.session.scalars(db.select(ListingChange).order_by(ListingChange.id)).all()
    assert [(c.kind, c.listing_id) for c in changes] == [(ListingKind.DEMAND, demand.id)] * 3


def test_second_worker_sees_publish_edit_and_withdraw_without_restart(ctx):
    """Two MatchIndex objects stand for two gunicorn workers sharing one database."""
    researcher = make_user(Role.RESEARCHER)
    other = make_result(researcher, status="published", title="高通量基因测序文库构建", abstract="单细胞测序文库制备",
                        keywords=["测序", "文库"], field="biomed")
    worker_a, worker_b = MatchIndex(), MatchIndex()
    worker_a.ready(), worker_b.ready()

    result = make_result(researcher, status="published", title="固态电解质界面改性技术",
                         abstract="硫化物固态电解质与锂金属负极界面稳定化", keywords=["固态电池", "硫化物电解质"])
    found = worker_b.ready().query("硫化物固态电解质", top=3, filters={"kind": "result"})
    assert ids(found)[0] == f"r{result.id}"

    results.update_result(researcher, result.id, {"title": "氧化物固态电解质薄膜", "abstract": "氧化物薄膜电解质溅射工艺",
                                                  "keywords": ["氧化物电解质"]})
    db.session.commit()
    assert worker_b.ready().get(f"r{result.id}")["title"] == "氧化物固态电解质薄膜"

    results.change_result_status(researcher, result.id, results.ResultStatus.WITHDRAWN)
    db.session.commit()
    assert f"r{result.id}" not in worker_a.ready()
    assert f"r{result.id}" not in worker_b.ready()
    assert f"r{other.id}" in worker_b.ready()


def test_a_closed_demand_stays_indexed_as_closed_and_a_withdrawn_result_leaves(ctx):
    """Closed demands stay (the closed list is searched through the index) with their status,
    so suggestions and search, which ask for published ones, never show them."""
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    result = make_result(researcher, status="published")
    index = MatchIndex()
    assert f"d{demand.id}" in index.ready() and f"r{result.id}" in index.ready()
    demands.change_demand_status(enterprise, demand.id, demands.DemandStatus.CLOSED)
    results.change_result_status(researcher, result.id, results.ResultStatus.WITHDRAWN)
    db.session.commit()
    matcher = index.ready()
    assert matcher.get(f"d{demand.id}")["status"] == "closed" and f"r{result.id}" not in matcher
    assert matcher.query(demand.title, filters={"kind": "demand", "status": "published"}) == []
    demands.change_demand_status(enterprise, demand.id, demands.DemandStatus.PUBLISHED)
    db.session.commit()
    assert index.ready().get(f"d{demand.id}")["status"] == "published"


def test_a_deleted_draft_leaves_the_index(ctx):
    enterprise = make_user(Role.ENTERPRISE)
    draft = make_demand(enterprise)
    index = MatchIndex()
    assert f"d{draft.id}" not in index.ready()
    demands.delete_demand(enterprise, draft.id)
    db.session.commit()
    assert f"d{draft.id}" not in index.ready() and index.catch_up() == 0


def test_catch_up_applies_each_change_once_and_reports_count(ctx):
    researcher = make_user(Role.RESEARCHER)
    index = MatchIndex()
    index.ready()
    make_result(researcher, status="published")
    assert index.catch_up() == 1
    assert index.catch_up() == 0


def test_a_reset_change_log_triggers_a_rebuild(ctx):
    researcher = make_user(Role.RESEARCHER)
    result = make_result(researcher, status="published")
    index = MatchIndex()
    index.ready()
    index.last_change_id += 1000  # as if the database had been restored from an older backup
    assert f"r{result.id}" in index.ready()
    assert index.last_change_id == db.session.scalar(db.select(db.func.max(ListingChange.id)))


def test_saved_index_loads_and_catches_up(ctx, tmp_path):
    researcher = make_user(Role.RESEARCHER)
    first = make_result(researcher, status="published")
    index = MatchIndex(tmp_path / "idx")
    index.ready()
    index.save()
    second = make_result(researcher, status="published", title="柔性钙钛矿光伏组件封装")
    restarted = MatchIndex(tmp_path / "idx")
    matcher = restarted.ready()
    assert f"r{first.id}" in matcher and f"r{second.id}" in matcher


def test_unreadable_saved_index_is_rebuilt(ctx, tmp_path):
    researcher = make_user(Role.RESEARCHER)
    result = make_result(researcher, status="published")
    (tmp_path / "idx").mkdir()
    (tmp_path / "idx" / "state.json").write_text('{"last_change_id": 1}')
    assert f"r{result.id}" in MatchIndex(tmp_path / "idx").ready()


def test_saved_weights_apply_to_the_next_start(ctx, tmp_path):
    index = MatchIndex(tmp_path / "idx")
    index.save_weights(index.weights | {"char": 0.25})
    assert MatchIndex(tmp_path / "idx").weights["char"] == 0.25


@pytest.mark.parametrize("full", [False, True])
def test_confidential_demand_document_hides_details_unless_full(ctx, full):
    enterprise = make_user(Role.ENTERPRISE)
    demand = make_demand(enterprise, visibility="confidential", summary="公开摘要：储能安全",
                         description="保密细节：电芯型号 XJ-280Ah")
    assert ("XJ-280Ah" in demand_doc(demand, full=full)["text"]) is full
