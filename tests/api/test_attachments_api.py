"""API: files attached to demands and results — listed and downloaded under the listing's own
visibility (a confidential demand's only by those who may read its details), uploaded as
multipart ``file`` (checked by content, size and count; a refusal is a 422 on ``file``) and
deleted by the listing's organization. Every answer is one the OpenAPI document lists."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from marketplace.extensions import attachment_store
from marketplace.services import confidentiality
from models import ListingAttachment, Role, db
from tests.api.poc_api import Api, count, error
from tests.factories import make_connected_pairing, make_demand, make_result, make_user

PDF = b"%PDF-1.7 design review"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def api(ctx):
    return Api(ctx)


def upload(api, url: str, user, name: str, data: bytes):
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename=name)})
    return api.post(url, user, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def delete(api, url: str, user):
    response = api.client.delete("/api/v1" + url, headers=api.headers(user))
    return api._checked("DELETE", url, response)


def test_upload_list_download_and_delete(ctx, api):
    researcher = make_user(Role.RESEARCHER)
    result = make_result(researcher, status="published")
    created = upload(api, f"/results/{result.id}/attachments", researcher, "曲线.png", PNG)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["file_name"] == "曲线.png" and body["content_type"] == "image/png" and body["size"] == len(PNG)
    listed = api.get(f"/results/{result.id}/attachments", None).get_json()
    assert [item["id"] for item in listed["items"]] == [body["id"]] and listed["limit"] == 10
    with api.client.get(body["url"]) as download:
        assert download.status_code == 200 and download.data == PNG
        assert download.headers["Content-Disposition"].startswith("attachment")  # the API never inlines
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    stored = db.session.get(ListingAttachment, body["id"]).stored_name
    assert delete(api, f"/results/{result.id}/attachments/{body['id']}", make_user(Role.RESEARCHER)).status_code == 403
    assert delete(api, f"/results/{result.id}/attachments/{body['id']}", researcher).status_code == 204
    assert count(ListingAttachment) == 0 and not attachment_store().path(stored).exists()


def test_bad_files_are_refused_on_the_file_field(ctx, api, monkeypatch):
    enterprise = make_user(Role.ENTERPRISE)
    demand = make_demand(enterprise, status="published")
    url = f"/demands/{demand.id}/attachments"
    fields = error(upload(api, url, enterprise, "spec.pdf", b"GIF89a not a pdf"), 422, "validation_error")["fields"]
    assert fields["file"] == "文件内容不是 .pdf 格式。"
    assert "file" in error(api.post(url, enterprise, json={}), 422, "validation_error")["fields"]
    monkeypatch.setitem(ctx.config, "ATTACHMENT_MAX_BYTES", 64)
    assert "不能超过" in error(upload(api, url, enterprise, "big.pdf", PDF * 10), 422, "validation_error")["fields"]["file"]
    monkeypatch.setitem(ctx.config, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
    for n in range(10):
        assert upload(api, url, enterprise, f"part-{n}.pdf", PDF).status_code == 201
    assert "最多 10 个" in error(upload(api, url, enterprise, "11.pdf", PDF), 422, "validation_error")["fields"]["file"]
    assert count(ListingAttachment) == 10
    error(upload(api, url, make_user(Role.ENTERPRISE), "a.pdf", PDF), 403, "forbidden")
    error(upload(api, url, None, "a.pdf", PDF), 401, "unauthorized")


def test_a_confidential_demands_files_need_the_details(ctx, api):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published", visibility="confidential", summary="公开摘要")
    created = upload(api, f"/demands/{demand.id}/attachments", enterprise, "规格.pdf", PDF).get_json()
    file_url, list_url = f"/demands/{demand.id}/attachments/{created['id']}", f"/demands/{demand.id}/attachments"
    for viewer in (None, make_user(Role.ENTERPRISE), researcher):
        error(api.get(file_url, viewer), 404, "not_found")
        error(api.get(list_url, viewer), 404, "not_found")
    make_connected_pairing(demand, make_result(researcher, status="published"))
    confidentiality.accept_undertaking(researcher, demand.id)
    db.session.commit()
    assert [item["id"] for item in api.get(list_url, researcher).get_json()["items"]] == [created["id"]]
    with api.get(file_url, researcher) as download:
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["Cache-Control"] == "private, no-store"


def test_a_drafts_files_are_not_found_by_others(ctx, api):
    enterprise = make_user(Role.ENTERPRISE)
    draft = make_demand(enterprise)
    created = upload(api, f"/demands/{draft.id}/attachments", enterprise, "a.pdf", PDF).get_json()
    with api.get(f"/demands/{draft.id}/attachments/{created['id']}", enterprise) as download:
        assert download.status_code == 200
    for viewer in (None, make_user(Role.ENTERPRISE)):
        error(api.get(f"/demands/{draft.id}/attachments/{created['id']}", viewer), 404, "not_found")
