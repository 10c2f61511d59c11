"""The served OpenAPI document describes the PoC operations: request and response schemas, the
Idempotency-Key of the creates, the multipart delivery and the attachment. (Every status the PoC
API tests see is checked against the document as they go: tests/api/poc_api.py.)"""
from __future__ import annotations

import pytest

POC = ("/centers", "/validation-requests", "/bids", "/engagements", "/agreements", "/validation-request")
WITH_BODY = {("post", "/pairings/{id}/validation-request"), ("post", "/pairings/{id}/bids"), ("patch", "/bids/{id}"),
             ("patch", "/centers/{id}"), ("post", "/engagements/{id}/sign"), ("post", "/engagements/{id}/report"),
             ("post", "/engagements/{id}/report/return"), ("post", "/engagements/{id}/milestones/{mid}/reject"),
             ("post", "/engagements/{id}/milestones/{mid}/submit")}


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def poc_operations(spec):
    for path, item in spec["paths"].items():
        if any(part in path for part in POC) or path.endswith("/bids"):
            for method, op in item.items():
                yield method, path, op


def test_every_poc_operation_has_its_schemas_and_errors(spec):
    seen = set()
    for method, path, op in poc_operations(spec):
        seen.add((method, path))
        ok = [code for code in op["responses"] if code.startswith("2")]
        assert ok, (method, path)
        for code in ok:
            content = op["responses"][code].get("content", {})
            assert content and all("schema" in media for media in content.values()), (method, path, code)
        errors = {code for code in op["responses"] if code[0] in "45"}
        assert "401" in errors and ("404" in errors or "{" not in path), (method, path, errors)
        if (method, path) in WITH_BODY:
            assert op["requestBody"]["required"] is True and "413" in errors and "422" in errors, (method, path)
    assert WITH_BODY <= seen and len(seen) == 27


def test_the_creates_take_an_idempotency_key_and_transitions_do_not(spec):
    keyed = {(m, p) for m, p, op in poc_operations(spec)
             if any(parameter["name"] == "Idempotency-Key" for parameter in op.get("parameters", []))}
    assert keyed == {("post", "/pairings/{id}/validation-request"), ("post", "/pairings/{id}/bids"),
                     ("post", "/bids/{id}/accept")}
    accept = spec["paths"]["/bids/{id}/accept"]["post"]["responses"]
    assert {"200", "201", "409"} <= set(accept)


def test_deliveries_uploads_and_attachments_are_described(spec):
    submit = spec["paths"]["/engagements/{id}/milestones/{mid}/submit"]["post"]
    assert set(submit["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    upload = spec["components"]["schemas"]["DeliveryUpload"]["properties"]["file"]
    assert upload["format"] == "binary"
    download = spec["paths"]["/engagements/{id}/files/{submission_id}"]["get"]["responses"]["200"]
    assert set(download["headers"]) == {"Content-Disposition", "X-Content-Type-Options"}
    assert "429" in spec["paths"]["/engagements/{id}/sign"]["post"]["responses"]
    assert spec["paths"]["/validation-requests"]["get"]["responses"]["403"]


def test_the_term_sheet_schema_matches_the_api_contract(spec):
    bid = spec["components"]["schemas"]["BidInput"]
    assert set(bid["properties"]) == {"approach", "milestones", "total_cost", "duration_months", "funding_model",
                                      "equity_option_pct", "center_cofund", "ip_terms"}
    ip = bid["properties"]["ip_terms"]["properties"]
    assert set(ip) == {"foreground_split", "license", "license_field", "territory", "revenue_share_pct",
                       "publication_review_days", "confidentiality"}
    assert set(ip["foreground_split"]["properties"]) == {"enterprise", "institution", "center"}
    assert spec["components"]["schemas"]["BidPatch"]["required"] == ["revision"]
