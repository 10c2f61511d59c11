"""OpenAPI schemas of the proof-of-concept stage (centers, requests, bids, engagements), merged into
``openapi.build_spec`` through ``openapi_poc``. Money in 万元; dates ISO 8601."""
from __future__ import annotations

from models import (
    BidStatus, CenterService, EngagementStatus, FundingModel, LicenseKind, MilestoneStatus, Party, PaymentStatus,
    QualificationKind, Recommendation, ReportStatus, RequestStatus, ValidationNeed, Verdict,
)
from .openapi import _BOOL, _INT, _STR, _enum, _list_of

_DT, _DATE = {"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}
_NULL_DT, _NULL_INT, _NULL_NUM = {"type": ["string", "null"], "format": "date-time"}, {"type": ["integer", "null"]}, \
    {"type": ["number", "null"]}
_MONEY = {"type": "number", "minimum": 0, "description": "万元"}
_NAMED = {"type": "object", "properties": {"id": _INT, "name": _STR}}
_PCT = {"type": "number", "minimum": 0, "maximum": 100}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required=(), **extra) -> dict:
    schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


_QUALIFICATION = _obj({"kind": _enum(QualificationKind), "number": {"type": "string", "maxLength": 60},
                       "scope": {"type": "string", "maxLength": 300}}, ["kind", "number"])
_CENTER_IN = {
    "summary": {"type": "string", "maxLength": 2000}, "fields": {"type": "array", "items": _STR, "minItems": 1,
                                                                 "description": "codes of GET /fields"},
    "services": {"type": "array", "items": _enum(CenterService), "minItems": 1},
    "qualifications": {"type": "array", "items": _QUALIFICATION, "maxItems": 20},
    "equipment": {"type": "string", "maxLength": 5000},
    "capacity": {"type": "integer", "minimum": 1, "maximum": 1000, "description": "engagements it runs at once"},
    "fund_size": {**_MONEY, "type": ["number", "null"]}, "typical_ticket": {**_MONEY, "type": ["number", "null"]},
    "region": {"type": "string", "maxLength": 80},
    "alert_min_fit": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.3,
                      "description": "notify the center of new requests fitting at least this"},
}
_COMPLETED = _obj({"engagement_id": _INT, "result": _NAMED | {"properties": {"id": _INT, "title": _STR}},
                   "field": _STR, "technical_verdict": _enum(Verdict), "market_verdict": _enum(Verdict),
                   "trl_before": _INT, "trl_after": _INT, "recommendation": _enum(Recommendation),
                   "completed_at": _DT})
_CENTER = _obj({**_CENTER_IN, "id": _INT, "name": _STR, "organization": _ref("Organization"), "verified": _BOOL,
                "has_profile": _BOOL, "running_engagements": _INT, "free_capacity": _INT,
                "updated_at": _NULL_DT,
                "completed_validations": {"type": "array", "items": _COMPLETED,
                                          "description": "detail only; from the platform's own records"}})
_REQUEST_IN = {
    "needs": _enum(ValidationNeed), "budget_cap": {**_MONEY, "exclusiveMinimum": 0},
    "deadline": {**_DATE, "description": "bid deadline: after today, within 180 days"},
    "max_duration_months": {"type": "integer", "minimum": 1, "maximum": 36, "default": 12},
    "notes": {"type": "string", "maxLength": 2000},
}
_DEMAND_PART = _obj({
    "id": _INT, "title": _STR, "field": _STR, "summary": _STR, "visibility": _STR,
    "description": {"type": ["string", "null"]}, "keywords": {"type": "array", "items": _STR},
    "budget_min": _NULL_NUM, "budget_max": _NULL_NUM, "deadline": {"type": ["string", "null"], "format": "date"},
    "cooperation_mode": {"type": ["string", "null"]}, "trl_target": _NULL_INT, "region": {"type": ["string", "null"]},
    "organization": {**_NAMED, "type": ["object", "null"]}, "details_restricted": _BOOL},
    description="a confidential demand shows non-owners only its title, field and summary (the rest null/[])")
_REQUEST = _obj({**_REQUEST_IN, "id": _INT, "pairing_id": _INT, "status": _enum(RequestStatus),
                 "opened_by_id": {"type": "integer", "description": "parties and operators only"}, "created_at": _DT, "closed_at": _NULL_DT, "demand": _DEMAND_PART,
                 "result": _obj({"id": _INT, "title": _STR, "field": _STR, "trl": _INT, "organization": _NAMED}),
                 "choices": _obj({"enterprise": _NULL_INT, "institution": _NULL_INT},
                                 description="the bid each party accepted (parties and operators only)")})
_FIT = {"allOf": [_ref("ValidationRequest"), _obj({
    "fit": {"type": "number", "minimum": 0, "maximum": 1}, "percent": {"type": "integer", "minimum": 0, "maximum": 100},
    "fit_reasons": {"type": "array", "items": _STR}, "can_bid": _BOOL})]}
_MILESTONE_TERM = _obj({"title": {"type": "string", "maxLength": 120}, "deliverable": {"type": "string", "maxLength": 2000},
                        "due_week": {"type": "integer", "minimum": 1, "description": "within duration_months"},
                        "payment": _MONEY}, ["title", "deliverable", "due_week", "payment"])
_SPLIT = {"type": "integer", "minimum": 0, "maximum": 100}
_IP_TERMS = _obj({
    "foreground_split": _obj({"enterprise": _SPLIT, "institution": _SPLIT, "center": _SPLIT},
                             ["enterprise", "institution", "center"], description="whole percentages summing to 100"),
    "license": _enum(LicenseKind),
    "license_field": {"type": "string", "maxLength": 200, "description": "required unless license is none"},
    "territory": {"type": "string", "maxLength": 200, "description": "required unless license is none"},
    "revenue_share_pct": _PCT, "publication_review_days": {"type": "integer", "minimum": 0, "maximum": 365},
    "confidentiality": {"type": "string", "maxLength": 2000}},
    ["foreground_split", "license", "revenue_share_pct", "publication_review_days", "confidentiality"])
_TERMS = {
    "approach": {"type": "string", "maxLength": 10000},
    "milestones": {"type": "array", "items": _MILESTONE_TERM, "minItems": 1, "maxItems": 12,
                   "description": "in due-week order"},
    "total_cost": {**_MONEY, "exclusiveMinimum": 0, "description": "万元; = the sum of milestone payments; "
                   "total_cost − center_cofund ≤ the request's budget_cap"},
    "duration_months": {"type": "integer", "minimum": 1, "description": "≤ the request's max_duration_months"},
    "funding_model": _enum(FundingModel),
    "equity_option_pct": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 100,
                          "description": "required for invest_for_equity (先投后股), refused otherwise"},
    "center_cofund": {**_MONEY, "default": 0, "description": "万元 the center funds itself (≤ total_cost)"},
    "ip_terms": _IP_TERMS,
}
_BID_IN = _obj(_TERMS, ["approach", "milestones", "total_cost", "duration_months", "funding_model", "ip_terms"])
_BID = _obj({**_TERMS, "ip_terms": {"allOf": [_IP_TERMS, _obj({"background": _STR})]},
             "id": _INT, "request_id": _INT, "pairing_id": _INT, "center": _NAMED, "status": _enum(BidStatus),
             "revision": _INT, "submitted_by_id": _INT, "created_at": _DT, "updated_at": _DT,
             "accepted_by": _obj({"enterprise": _BOOL, "institution": _BOOL})})
_BID_PATCH = _obj({**_TERMS, "revision": {"type": "integer", "description": "the revision being revised"}},
                  ["revision"], description="terms left out stay as they are (objects merge key by key, "
                                            "milestones are replaced as a whole); a stale revision is a 409")
_FILE = _obj({"name": _STR, "size": _INT, "content_type": _STR,
              "url": {"type": "string", "description": "GET it with the bearer token"}})
_SUBMISSION = _obj({"id": _INT, "text": _STR, "file": {"oneOf": [_FILE, {"type": "null"}]},
                    "submitted_by_id": _INT, "submitted_at": _DT,
                    "decision": {"type": ["string", "null"], "enum": ["approved", "rejected", None]},
                    "decided_by_id": _NULL_INT, "decided_at": _NULL_DT, "comment": _STR})
_MILESTONE = _obj({"id": _INT, "engagement_id": _INT, "position": _INT, "title": _STR, "deliverable": _STR,
                   "due_week": _INT, "due_on": {"type": ["string", "null"], "format": "date",
                                                "description": "set when the engagement becomes active"},
                   "status": _enum(MilestoneStatus), "payment": _MONEY, "payment_status": _enum(PaymentStatus),
                   "paid_at": _NULL_DT, "overdue": _BOOL, "submissions": {"type": "array", "items": _SUBMISSION}})
_SIGNATURE = _obj({"party": _enum(Party), "organization_id": _INT, "user_id": _INT, "signed_at": _DT,
                   "public_key": {"type": "string", "description": "Ed25519, raw 32 bytes hex"},
                   "signature": {"type": "string", "description": "Ed25519 over the hash (UTF-8 hex text), hex"}})
_AGREEMENT = _obj({"id": _INT, "engagement_id": _INT, "sequence": _INT,
                   "hash": {"type": "string", "description": "SHA-256 hex of content"},
                   "prev_hash": {"type": "string", "description": "the previous agreement's hash (64 zeros first)"},
                   "content": {"type": "string", "description": "the canonical JSON exactly as hashed"},
                   "created_at": _DT, "signatures": {"type": "array", "items": _SIGNATURE}})
_REPORT_IN = {"technical_verdict": _enum(Verdict), "market_verdict": _enum(Verdict),
              "trl_before": {"type": "integer", "minimum": 1, "maximum": 9},
              "trl_after": {"type": "integer", "minimum": 1, "maximum": 9},
              "recommendation": _enum(Recommendation), "summary": {"type": "string", "maxLength": 10000},
              "evidence": {"type": "string", "maxLength": 10000}}
_REPORT = _obj({**_REPORT_IN, "id": _INT, "engagement_id": _INT, "status": _enum(ReportStatus),
                "engagement_status": _enum(EngagementStatus), "revision": _INT, "filed_by_id": _INT, "filed_at": _DT,
                "accepted_by": _obj({"enterprise": _BOOL, "institution": _BOOL}),
                "return_comment": {"type": ["string", "null"]}, "accepted_at": _NULL_DT})
_PROGRESS = _obj({"approved": _INT, "total": _INT, "paid": _MONEY, "due": _MONEY,
                  "outstanding": {**_MONEY, "description": "万元 not yet due"}, "next_milestone_id": _NULL_INT,
                  "overdue_milestone_ids": {"type": "array", "items": _INT}})

SCHEMAS = {
    "CenterInput": _obj(_CENTER_IN, description="PATCH: fields left out keep their value; the first PATCH "
                                                "creates the profile and needs summary, fields and services"),
    "Center": _CENTER, "CenterList": _list_of("Center"),
    "ValidationRequestInput": _obj(_REQUEST_IN, ["needs", "budget_cap", "deadline"]),
    "ValidationRequest": _REQUEST, "RequestFit": _FIT, "RequestFitList": _list_of("RequestFit"),
    "BidInput": _BID_IN, "BidPatch": _BID_PATCH, "Bid": _BID,
    "BidList": {"allOf": [_list_of("Bid"), _obj({"request_id": _INT})]},
    "BidRevision": _obj({"bid_id": _INT, "revision": _INT, "terms": {"type": "object", "description": "as in Bid"},
                         "author_id": _INT, "created_at": _DT}),
    "BidRevisionList": {"allOf": [_list_of("BidRevision"), _obj({"bid_id": _INT})]},
    "Acceptance": _obj({"status": {"type": "string", "enum": ["awaiting_other_party", "engaged"]},
                        "party": {"type": "string", "enum": ["enterprise", "institution"]}, "bid": _ref("Bid"),
                        "engagement_id": {"type": "integer", "description": "only when engaged (201)"}}),
    "Comparison": _obj({"request_id": _INT, "bids": {"type": "array", "items": _ref("Bid")},
                        "rows": {"type": "array", "items": _obj({
                            "key": _STR, "label": _STR, "values": {"type": "array", "items": _STR},
                            "differs": _BOOL, "best": {**_NULL_INT, "description": "index into bids"},
                            "best_bid_id": _NULL_INT})}}),
    "Milestone": _MILESTONE, "Agreement": _AGREEMENT, "Report": _REPORT,
    "Engagement": _obj({
        "id": _INT, "status": _enum(EngagementStatus), "pairing_id": _INT, "request_id": _INT, "bid_id": _INT,
        "title": _STR, "parties": _obj({"enterprise": _NAMED, "institution": _NAMED, "center": _NAMED}),
        "your_party": {"type": ["string", "null"], "enum": [*Party.codes(), None]},
        "payer": {"type": "string", "enum": ["enterprise", "center"], "description": "who pays the milestones"},
        "milestones": {"type": "array", "items": _ref("Milestone")}, "agreement": _ref("Agreement"),
        "report": {"oneOf": [_ref("Report"), {"type": "null"}]}, "progress": _PROGRESS,
        "deal_amount": {**_NULL_NUM, "description": "万元, set on completion"}, "created_at": _DT,
        "activated_at": _NULL_DT, "completed_at": _NULL_DT}),
    "EngagementList": _list_of("Engagement"),
    "SignInput": _obj({"password": _STR}, ["password"]),
    "DeliveryInput": _obj({"deliverable": {"type": "string", "maxLength": 5000}}, ["deliverable"]),
    "DeliveryUpload": _obj({"deliverable": {"type": "string", "maxLength": 5000},
                            "file": {"type": "string", "format": "binary", "description":
                                     "pdf, png, jpg/jpeg, docx, xlsx, pptx or zip (checked by content); at most "
                                     "UPLOAD_MAX_BYTES (10 MB by default)"}}, ["deliverable"]),
    "CommentInput": _obj({"comment": {"type": "string", "maxLength": 2000}}),
    "ReportInput": _obj(_REPORT_IN, ["technical_verdict", "market_verdict", "trl_before", "trl_after",
                                     "recommendation", "summary"]),
    "ReportAcceptance": _obj({"status": _enum(ReportStatus), "engagement_status": _enum(EngagementStatus),
                              "deal_amount": {**_NULL_NUM, "description": "万元, once completed"},
                              "report": _ref("Report")}),
    "Verification": _obj({"agreement_id": _INT, "sequence": _INT, "valid": _BOOL, "hash": _STR,
                          "recomputed_hash": _STR, "chain_ok": _BOOL, "signatures_ok": _BOOL,
                          "problems": {"type": "array", "items": _STR}}),
}
