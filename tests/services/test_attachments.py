"""Attachments of demands and results: who adds and deletes them, what is accepted (by content,
size and count), and who may read them — the listing's own visibility decision, with a
confidential demand's files only to those who may read its details."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from marketplace.extensions import attachment_store
from marketplace.services import attachments, confidentiality
from marketplace.services.errors import NotFound, PermissionDenied, ValidationFailed
from models import AuditEntry, DisclosureLog, ListingAttachment, Role, db
from tests.factories import make_connected_pairing, make_demand, make_result, make_user

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def add(actor, listing, data: bytes = PDF, name: str = "spec.pdf", kind: str = "demand") -> ListingAttachment:
    attachment = attachments.add_attachment(actor, kind, listing.id, io.BytesIO(data), name, attachment_store())
    db.session.commit()
    return attachment


def rows() -> list[ListingAttachment]:
    return list(db.session.scalars(sa.select(ListingAttachment)))


@pytest.fixture
def owner_demand(ctx):
    enterprise = make_user(Role.ENTERPRISE)
    return enterprise, make_demand(enterprise, status="published")


def test_the_owner_adds_a_pdf_and_a_png_stored_under_server_names(owner_demand):
    enterprise, demand = owner_demand
    pdf, png = add(enterprise, demand), add(enterprise, demand, PNG, "chart.PNG")
    assert [(a.file_name, a.content_type, a.size) for a in attachments.list_attachments(None, "demand", demand.id)] \
        == [("spec.pdf", "application/pdf", len(PDF)), ("chart.PNG", "image/png", len(PNG))]
    for attachment, data in ((pdf, PDF), (png, PNG)):
        assert attachment.stored_name not in ("spec.pdf", "chart.PNG")
        assert attachment_store().path(attachment.stored_name).read_bytes() == data
    assert pdf.uploaded_by_id == enterprise.id and png.is_image and not pdf.is_image


def test_a_colleague_adds_too_but_no_one_outside_the_organization(owner_demand):
    enterprise, demand = owner_demand
    add(make_user(Role.ENTERPRISE, organization=enterprise.organization), demand)
    for outsider in (make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)):
        with pytest.raises(PermissionDenied):
            add(outsider, demand)
    draft = make_demand(enterprise)
    with pytest.raises(NotFound):  # a draft it cannot see: as if it did not exist
        add(make_user(Role.ENTERPRISE), draft)
    assert len(rows()) == 1


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"MZ\x90\x00 not a pdf", "report.pdf", "文件内容不是 .pdf 格式。"),
    (b"PK\x03\x04 zipped", "bundle.zip", "只接受"),
    (PDF, "script.html", "只接受"),
    (b"", "empty.pdf", "文件是空的。"),
])
def test_what_is_not_an_accepted_file_is_refused_on_the_file_field(owner_demand, data, name, message):
    enterprise, demand = owner_demand
    before = set(attachment_store().root.glob("*"))
    with pytest.raises(ValidationFailed) as caught:
        add(enterprise, demand, data, name)
    assert message in caught.value.fields["file"]
    db.session.rollback()
    assert rows() == [] and set(attachment_store().root.glob("*")) == before


def test_an_oversized_file_is_refused(ctx, owner_demand, monkeypatch):
    enterprise, demand = owner_demand
    monkeypatch.setitem(ctx.config, "ATTACHMENT_MAX_BYTES", 1024)
    with pytest.raises(ValidationFailed) as caught:
        add(enterprise, demand, PDF + b"\x00" * 1024)
    assert "不能超过 1 KB" in caught.value.fields["file"]


def test_the_eleventh_file_is_refused(owner_demand):
    enterprise, demand = owner_demand
    for n in range(attachments.MAX_PER_LISTING):
        add(enterprise, demand, name=f"part-{n}.pdf")
    with pytest.raises(ValidationFailed) as caught:
        add(enterprise, demand)
    assert "最多 10 个" in caught.value.fields["file"]
    db.session.rollback()
    assert len(rows()) == 10


def test_a_path_in_the_name_cannot_climb_out(owner_demand):
    enterprise, demand = owner_demand
    attachment = add(enterprise, demand, name="../../../etc/passwd.pdf")
    assert attachment.file_name == "passwd.pdf"
    assert attachment_store().path(attachment.stored_name).parent == attachment_store().root
    with pytest.raises(ValueError):
        attachment_store().path("../innobridge.db")


def test_delete_removes_the_row_and_after_the_commit_the_file(owner_demand):
    enterprise, demand = owner_demand
    attachment = add(enterprise, demand)
    path = attachment_store().path(attachment.stored_name)
    with pytest.raises(PermissionDenied):
        attachments.delete_attachment(make_user(Role.ENTERPRISE), "demand", demand.id, attachment.id,
                                      attachment_store())
    attachments.delete_attachment(enterprise, "demand", demand.id, attachment.id, attachment_store())
    assert path.exists()  # until the commit: a rollback keeps both
    db.session.rollback()
    assert path.exists() and len(rows()) == 1
    attachments.delete_attachment(enterprise, "demand", demand.id, attachment.id, attachment_store())
    db.session.commit()
    assert not path.exists() and rows() == []
    entries = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_kind == "attachment")))
    assert sorted(e.action for e in entries) == ["attachment.create", "attachment.delete"]
    created = next(e for e in entries if e.action == "attachment.create")
    assert attachment.file_name not in str(created.changes)  # a confidential demand's file names stay out
    assert str(created.changes["file_name"][-1]).startswith("‹内容")  # [before, after]


def test_a_file_whose_row_is_rolled_back_is_removed(owner_demand):
    enterprise, demand = owner_demand
    attachment = attachments.add_attachment(enterprise, "demand", demand.id, io.BytesIO(PDF), "a.pdf",
                                            attachment_store())
    path = attachment_store().path(attachment.stored_name)
    assert path.exists()
    db.session.rollback()
    assert not path.exists()


def test_a_file_of_another_listing_is_not_found_through_this_one(owner_demand):
    enterprise, demand = owner_demand
    other = make_demand(enterprise, status="published")
    attachment = add(enterprise, other)
    for call in (lambda: attachments.attachment_file(enterprise, "demand", demand.id, attachment.id, attachment_store()),
                 lambda: attachments.delete_attachment(enterprise, "demand", demand.id, attachment.id,
                                                       attachment_store())):
        with pytest.raises(NotFound):
            call()


def test_a_drafts_files_are_the_owners_alone(ctx):
    researcher = make_user(Role.RESEARCHER)
    draft = make_result(researcher)
    attachment = add(researcher, draft, PNG, "a.png", kind="result")
    assert attachments.attachment_file(researcher, "result", draft.id, attachment.id, attachment_store())[0] == attachment
    for viewer in (None, make_user(Role.RESEARCHER), make_user(Role.ENTERPRISE)):
        with pytest.raises(NotFound):
            attachments.attachment_file(viewer, "result", draft.id, attachment.id, attachment_store())
        with pytest.raises(NotFound):
            attachments.list_attachments(viewer, "result", draft.id)


def test_a_confidential_demands_files_follow_its_details(ctx):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published", visibility="confidential", summary="公开摘要")
    attachment = add(enterprise, demand)

    def readable(viewer) -> bool:
        try:
            attachments.attachment_file(viewer, "demand", demand.id, attachment.id, attachment_store(), "api")
        except NotFound:
            return False
        return True

    assert readable(enterprise)
    assert not readable(None) and not readable(make_user(Role.ENTERPRISE)) and not readable(researcher)
    assert attachments.attachments_of(demand, researcher) is None
    make_connected_pairing(demand, make_result(researcher, status="published"))
    assert not readable(researcher)  # connected, but no undertaking yet
    confidentiality.accept_undertaking(researcher, demand.id)
    db.session.commit()
    assert readable(researcher) and [a.id for a in attachments.attachments_of(demand, researcher)] == [attachment.id]
    db.session.commit()
    logged = db.session.scalars(sa.select(DisclosureLog.channel).where(DisclosureLog.user_id == researcher.id))
    assert list(logged) == ["api"]  # the read of the file is in the owner's access log


def test_deleting_a_draft_takes_its_attachment_rows_along(ctx):
    from marketplace.services import demands

    enterprise = make_user(Role.ENTERPRISE)
    draft = make_demand(enterprise)
    add(enterprise, draft)
    demands.delete_demand(enterprise, draft.id)
    db.session.commit()
    assert rows() == []
