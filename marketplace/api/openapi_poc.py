"""OpenAPI entries of the proof-of-concept stage (merged into ``openapi.build_spec``): centers,
validation requests, bids, selection, engagements, milestones and files, reports, agreements.
Each operation lists the error statuses it can answer: 401 without a valid token, 403 for a
caller who may see the object but not do this, 404 for one who may not see it (no existence
leak), 409 for a state that does not allow it, 413 for a body over the limit, 422 for bad input
(fields named in error.fields), 429 when rate-limited."""
from __future__ import annotations

from models import CenterService, EngagementStatus
from ..services.poc.uploads import ALLOWED
from .openapi_common import INT, PAGE, enum_of, operation, param
from .openapi_poc_schemas import SCHEMAS  # noqa: F401  (re-exported for build_spec)

_ID = [param("id", INT, "path")]
_MID = _ID + [param("mid", INT, "path")]
_READ = (401, 404)
_LIST = (401, 422)
_MOVE = (401, 403, 404, 409)  # a state change without a body
_WRITE = (401, 403, 404, 409, 413, 422)  # a state change with a JSON body


def _with_body(op: dict, schema: str) -> dict:
    """An operation whose JSON body is optional."""
    op["requestBody"] = {"required": False, "content": {"application/json": {"schema": {
        "$ref": f"#/components/schemas/{schema}"}}}}
    return op


def _submit() -> dict:
    op = operation("The center delivers a milestone: JSON {deliverable}, or multipart/form-data with deliverable and "
             "an optional file (a center's body may then reach UPLOAD_MAX_BYTES + 64 KiB; beyond it 413, a file over "
             "UPLOAD_MAX_BYTES or of another type 422 on file) → the milestone, status submitted",
             200, "Milestone", errors=_WRITE, params=_MID)
    op["requestBody"] = {"required": True, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/DeliveryInput"}},
        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/DeliveryUpload"}}}}
    return op


def _download() -> dict:
    op = operation("A deliverable's file (the three parties and operators; others 404), as an attachment",
             200, None, errors=_READ, params=[param("id", INT, "path"), param("submission_id", INT, "path")])
    op["responses"]["200"] = {"description": "the file as uploaded", "headers": {
        "Content-Disposition": {"schema": {"type": "string"}, "description": "attachment; filename=…"},
        "X-Content-Type-Options": {"schema": {"type": "string", "enum": ["nosniff"]}}},
        "content": {kind: {"schema": {"type": "string", "format": "binary"}}
                    for kind in sorted({content_type for content_type, _ in ALLOWED.values()})}}
    return op


PATHS = {
    "/centers": {"get": operation("PoC centers with a profile, verified first (anyone)", 200, "CenterList", auth=False,
                            errors=_LIST, params=PAGE + [param("field"), param("service", enum_of(CenterService))])},
    "/centers/{id}": {
        "get": operation("A center's public profile: services, qualifications, capacity and free capacity, fund, "
                   "completed validations with their verdicts", 200, "Center", auth=False, errors=_READ, params=_ID),
        "patch": operation("The center's own staff edit its profile (the first PATCH creates it)", 200, "Center",
                     "CenterInput", errors=(401, 403, 404, 413, 422), params=_ID)},
    "/pairings/{id}/validation-request": {"post": operation(
        "Either party opens a connected pairing to PoC centers → status open_for_bids; fitting centers are told",
        201, "ValidationRequest", "ValidationRequestInput", errors=_WRITE, params=_ID)},
    "/validation-requests": {"get": operation(
        "Open requests, best fit to the caller's center first (centers only; others 403)", 200, "RequestFitList",
        errors=(401, 403, 422), params=PAGE)},
    "/validation-requests/{id}": {"get": operation(
        "One request (its parties, operators; centers while open or once they bid)", 200, "ValidationRequest",
        errors=_READ, params=_ID)},
    "/validation-requests/{id}/cancel": {"post": operation(
        "Either party cancels an open request; its live bids are rejected", 200, "ValidationRequest",
        errors=_MOVE, params=_ID)},
    "/validation-requests/{id}/comparison": {"get": operation(
        "The bids side by side, term by term, differences and the best value marked (the two parties only)",
        200, "Comparison", errors=_READ, params=_ID)},
    "/pairings/{id}/bids": {
        "get": operation("Bids on the pairing's current request: all to the parties, its own to a center", 200, "BidList",
                   errors=(401, 404, 422), params=_ID + PAGE),
        "post": operation("A verified center with free capacity bids on the pairing's open request before its deadline "
                    "(403 not a center or unverified, 409 full or closed, 422 each inconsistent term)", 201, "Bid",
                    "BidInput", errors=_WRITE, params=_ID)},
    "/bids/{id}": {
        "get": operation("One bid (its center, the two parties, operators)", 200, "Bid", errors=_READ, params=_ID),
        "patch": operation("The center revises its bid until the deadline (body carries the revision it revises; "
                     "stale → 409); every revision is kept and earlier acceptances are cleared",
                     200, "Bid", "BidPatch", errors=_WRITE, params=_ID)},
    "/bids/{id}/revisions": {"get": operation("Every revision of a bid's terms, oldest first", 200, "BidRevisionList",
                                        errors=(401, 404, 422), params=_ID + PAGE)},
    "/bids/{id}/withdraw": {"post": operation("The bidding center withdraws its bid until the deadline", 200, "Bid",
                                        errors=_MOVE, params=_ID)},
    "/bids/{id}/accept": {"post": operation(
        "The enterprise or the institution accepts a bid: first 200 awaiting_other_party, the second 201 engaged "
        "with engagement_id (one engagement per pairing even under races; the losers 409)", 201, "Acceptance",
        errors=(401, 403, 404, 409, 422), params=_ID)},
    "/engagements": {"get": operation("The engagements of the caller's organization (operators: all), newest first",
                                200, "EngagementList", errors=_LIST,
                                params=PAGE + [param("status", enum_of(EngagementStatus))])},
    "/engagements/{id}": {"get": operation("One engagement (the three parties, operators; others 404)", 200, "Engagement",
                                     errors=_READ, params=_ID)},
    "/engagements/{id}/sign": {"post": operation(
        "Sign the agreement for the caller's party, re-entering the password (wrong: 422 on password; twice: 409); "
        "after all three the engagement is active. Every attempt counts toward RATELIMIT_SIGNING",
        200, "Engagement", "SignInput", errors=(401, 403, 404, 409, 413, 422, 429), params=_ID)},
    "/agreements/{id}/verify": {"get": operation(
        "Recompute the agreement's hash, chain links and signatures (its parties, operators)", 200, "Verification",
        errors=_READ, params=_ID)},
    "/engagements/{id}/milestones/{mid}/submit": {"post": _submit()},
    "/engagements/{id}/milestones/{mid}/approve": {"post": _with_body(operation(
        "The enterprise or the institution approves the delivery {comment?}; its payment becomes due",
        200, "Milestone", errors=_WRITE, params=_MID), "CommentInput")},
    "/engagements/{id}/milestones/{mid}/reject": {"post": operation(
        "The enterprise or the institution sends the delivery back {comment}", 200, "Milestone", "CommentInput",
        errors=_WRITE, params=_MID)},
    "/engagements/{id}/milestones/{mid}/pay": {"post": operation(
        "The paying party (see payer) records the due payment as paid", 200, "Milestone", errors=_MOVE, params=_MID)},
    "/engagements/{id}/files/{submission_id}": {"get": _download()},
    "/engagements/{id}/report": {"post": operation(
        "The center files the validation report once every milestone is approved (again after a return)",
        200, "Report", "ReportInput", errors=_WRITE, params=_ID)},
    "/engagements/{id}/report/accept": {"post": operation(
        "A party accepts the report; the second acceptance completes the engagement with its deal amount",
        200, "ReportAcceptance", errors=_MOVE, params=_ID)},
    "/engagements/{id}/report/return": {"post": operation(
        "A party sends the report back with a comment; the engagement is active again", 200, "Report",
        "CommentInput", errors=_WRITE, params=_ID)},
}
PATHS["/bids/{id}/accept"]["post"]["responses"]["200"] = {
    "description": "the first acceptance: awaiting the other party",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Acceptance"}}}}
