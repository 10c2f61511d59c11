"""Attachments on the web: the owner uploads on the detail page (CSRF, multipart, refusals come
back on the form as 422 and write nothing) and deletes with a confirmation; downloads are
attachments that browsers must not sniff (images alone may be shown inline, as thumbnails), and
a confidential demand's files reach only those who may read its details."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from marketplace.extensions import attachment_store
from marketplace.services import attachments, confidentiality
from models import ListingAttachment, Role, db
from tests.factories import (
    csrf_token,
    make_connected_pairing,
    make_demand,
    make_result,
    make_user,
)
from tests.poc_web import browser, count, text

PDF = b"%PDF-1.7 technical specification"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def upload(web, url: str, name: str, data: bytes, token: str | None = None):
    """Post the upload form as multipart, encoded in memory."""
    fields = {"file": FileStorage(io.BytesIO(data), filename=name)}
    if token is not False:
        fields["csrf_token"] = token or csrf_token(web, "/me/")
    boundary, body = encode_multipart(fields)
    return web.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def attach(user, listing, name="spec.pdf", data=PDF, kind="demand") -> ListingAttachment:
    attachment = attachments.add_attachment(user, kind, listing.id, io.BytesIO(data), name, attachment_store())
    db.session.commit()
    return attachment


@pytest.fixture
def owner(ctx):
    enterprise = make_user(Role.ENTERPRISE)
    return enterprise, make_demand(enterprise, status="published")


def test_the_owner_uploads_a_pdf_and_a_png_and_the_page_lists_them(ctx, owner):
    enterprise, demand = owner
    web = browser(ctx, enterprise)
    response = upload(web, f"/demands/{demand.id}/attachments", "技术规格.pdf", PDF)
    assert response.status_code == 302 and response.headers["Location"].endswith("#attachments")
    assert upload(web, f"/demands/{demand.id}/attachments", "曲线.png", PNG).status_code == 302
    pdf, png = db.session.scalars(db.select(ListingAttachment).order_by(ListingAttachment.id)).all()
    page = text(web.get(f"/demands/{demand.id}"))
    assert "技术规格.pdf" in page and f"/demands/{demand.id}/attachments/{pdf.id}" in page
    assert f"/demands/{demand.id}/attachments/{png.id}?inline=1" in page  # the thumbnail
    assert f'accept="{attachments.ACCEPT_ATTRIBUTE}"' in page and 'enctype="multipart/form-data"' in page
    assert f"/demands/{demand.id}/attachments/{pdf.id}/delete" in page
    assert f"/attachments/{pdf.id}/delete" not in text(browser(ctx, make_user(Role.RESEARCHER)).get(f"/demands/{demand.id}"))


def test_a_pdf_that_is_not_a_pdf_comes_back_on_the_form(ctx, owner):
    enterprise, demand = owner
    response = upload(browser(ctx, enterprise), f"/demands/{demand.id}/attachments", "报告.pdf", b"<html>x</html>")
    assert response.status_code == 422 and "文件内容不是 .pdf 格式。" in text(response)
    assert count(ListingAttachment) == 0


def test_an_upload_needs_the_csrf_token(ctx, owner):
    enterprise, demand = owner
    response = upload(browser(ctx, enterprise), f"/demands/{demand.id}/attachments", "a.pdf", PDF, token=False)
    assert response.status_code == 400 and count(ListingAttachment) == 0


def test_only_the_owners_organization_uploads_and_deletes(ctx, owner):
    enterprise, demand = owner
    attachment = attach(enterprise, demand)
    outsider = browser(ctx, make_user(Role.ENTERPRISE))
    assert upload(outsider, f"/demands/{demand.id}/attachments", "a.pdf", PDF).status_code == 403
    delete = f"/demands/{demand.id}/attachments/{attachment.id}/delete"
    assert outsider.post(delete, data={"csrf_token": csrf_token(outsider, "/me/")}).status_code == 403
    anonymous = ctx.test_client()
    assert anonymous.post(delete).status_code in (302, 400)  # to the login page / refused without CSRF
    assert count(ListingAttachment) == 1


def test_delete_removes_the_row_and_the_file(ctx, owner):
    enterprise, demand = owner
    attachment = attach(enterprise, demand)
    path = attachment_store().path(attachment.stored_name)
    web = browser(ctx, enterprise)
    response = web.post(f"/demands/{demand.id}/attachments/{attachment.id}/delete",
                        data={"csrf_token": csrf_token(web, "/me/")})
    assert response.status_code == 302 and count(ListingAttachment) == 0 and not path.exists()


def test_downloads_are_attachments_not_sniffed_and_only_images_inline(ctx, owner):
    enterprise, demand = owner
    pdf, png = attach(enterprise, demand, "技术规格.pdf"), attach(enterprise, demand, "曲线.png", PNG)
    anonymous = ctx.test_client()
    with anonymous.get(f"/demands/{demand.id}/attachments/{pdf.id}?inline=1") as download:
        assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert "filename*=UTF-8''%E6%8A%80" in download.headers["Content-Disposition"]
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    with anonymous.get(f"/demands/{demand.id}/attachments/{png.id}?inline=1") as thumbnail:
        assert thumbnail.headers["Content-Disposition"].startswith("inline") and thumbnail.mimetype == "image/png"
    with anonymous.get(f"/demands/{demand.id}/attachments/{png.id}") as download:
        assert download.headers["Content-Disposition"].startswith("attachment")


def test_a_confidential_demands_files_reach_only_who_may_read_its_details(ctx):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published", visibility="confidential", summary="公开摘要")
    attachment = attach(enterprise, demand)
    url = f"/demands/{demand.id}/attachments/{attachment.id}"
    assert ctx.test_client().get(url).status_code == 404
    assert browser(ctx, make_user(Role.ENTERPRISE)).get(url).status_code == 404
    party = browser(ctx, researcher)
    assert party.get(url).status_code == 404
    page = text(party.get(f"/demands/{demand.id}"))
    assert "spec.pdf" not in page and "附件与详细描述一样" in page
    make_connected_pairing(demand, make_result(researcher, status="published"))
    assert party.get(url).status_code == 404  # connected, no undertaking yet
    confidentiality.accept_undertaking(researcher, demand.id)
    db.session.commit()
    with party.get(url) as download:
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["Cache-Control"] == "private, no-store"
    with browser(ctx, enterprise).get(url) as download:
        assert download.status_code == 200 and download.headers["Cache-Control"] == "private, no-store"


def test_a_drafts_files_are_not_found_by_others(ctx):
    researcher = make_user(Role.RESEARCHER)
    draft = make_result(researcher)
    attachment = attach(researcher, draft, "曲线.png", PNG, kind="result")
    url = f"/results/{draft.id}/attachments/{attachment.id}"
    with browser(ctx, researcher).get(url) as download:
        assert download.status_code == 200
    assert ctx.test_client().get(url).status_code == 404
    assert browser(ctx, make_user(Role.RESEARCHER)).get(url).status_code == 404
