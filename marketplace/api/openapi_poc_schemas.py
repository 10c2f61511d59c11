"""OpenAPI schemas of the proof-of-concept stage (centers, requests, bids, engagements), merged into
``openapi.build_spec`` through ``openapi_poc``. Money in 万元; dates ISO 8601."""
from __future__ import annotations

from models import (
    BidStatus, CenterService, EngagementStatus, FundingModel, LicenseKind, MilestoneStatus, Party, PaymentStatus,
    QualificationKind, Recommendation, ReportStatus, RequestStatus, ValidationNeed, Verdict,
)
from .openapi_common import BOOL, INT, STR, enum_of, list_of

_DT, _DATE = {"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}
_NULL_DT, _NULL_INT, _NULL_NUM = {"type": ["string", "null"], "format": "date-time"}, {"type": ["integer", "null"]}, \
    {"type": ["number", "null"]}
_MONEY = {"type": "number", "minimum": 0, "description": "万元"}
_NAMED = {"type": "object", "properties": {"id": INT, "name": STR}}
_PCT = {"type": "number", "minimum": 0, "maximum": 100}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required=(), **extra) -> dict:
    schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


_QUALIFICATION = _obj({"kind": enum_of(QualificationKind), "number": {"type": "string", "maxLength": 60},
                       "scope": {"type": "string", "maxLength": 300}}, ["kind", "number"])
_CENTER_IN = {
    "summary": {"type": "string", "maxLength": 2000}, "fields": {"type": "array", "items": STR, "minItems": 1,
                                                                 "description": "codes of GET /fields"},
    "services": {"type": "array", "items": enum_of(CenterService), "minItems": 1},
    "qualifications": {"type": "array", "items": _QUALIFICATION, "maxItems": 20},
    "equipment": {"type": "string", "maxLength": 5000},
    "capacity": {"type": "integer", "minimum": 1, "maximum": 1000, "description": "engagements it runs at once"},
    "fund_size": {**_MONEY, "type": ["number", "null"]}, "typical_ticket": {**_MONEY, "type": ["number", "null"]},
    "region": {"type": "string", "maxLength": 80},
    "alert_min_fit": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.3,
                      "description": "notify the center of new requests fitting at least this"},
}
_COMPLETED = _obj({"engagement_id": INT, "result": _NAMED | {"properties": {"id": INT, "title": STR}},
                   "field": STR, "technical_verdict": enum_of(Verdict), "market_verdict": enum_of(Verdict),
                   "trl_before": INT, "trl_after": INT, "recommendation": enum_of(Recommendation),
                   "completed_at": _DT})
_CENTER = _obj({**_CENTER_IN, "id": INT, "name": STR, "organization": ref("Organization"), "verified": BOOL,
                "has_profile": BOOL, "running_engagements": INT, "free_capacity": INT,
                "updated_at": _NULL_DT,
                "completed_validations": {"type": "array", "items": _COMPLETED,
                                          "description": "detail only; from the platform's own records"}})
_REQUEST_IN = {
    "needs": enum_of(ValidationNeed), "budget_cap": {**_MONEY, "exclusiveMinimum": 0},
    "deadline": {**_DATE, "description": "bid deadline: after today, within 180 days"},
    "max_duration_months": {"type": "integer", "minimum": 1, "maximum": 36, "default": 12},
    "notes": {"type": "string", "maxLength": 2000},
}
_DEMAND_PART = _obj({
    "id": INT, "title": STR, "field": STR, "summary": STR, "visibility": STR,
    "description": {"type": ["string", "null"]}, "keywords": {"type": "array", "items": STR},
    "budget_min": _NULL_NUM, "budget_max": _NULL_NUM, "deadline": {"type": ["string", "null"], "format": "date"},
    "cooperation_mode": {"type": ["string", "null"]}, "trl_target": _NULL_INT, "region": {"type": ["string", "null"]},
    "organization": {**_NAMED, "type": ["object", "null"]}, "details_restricted": BOOL},
    description="a confidential demand shows non-owners only its title, field and summary (the rest null/[])")
_REQUEST = _obj({**_REQUEST_IN, "id": INT, "pairing_id": INT, "status": enum_of(RequestStatus),
                 "opened_by_id": {"type": "integer", "description": "parties and operators only"}, "created_at": _DT, "closed_at": _NULL_DT, "demand": _DEMAND_PART,
                 "result": _obj({"id": INT, "title": STR, "field": STR, "trl": INT, "organization": _NAMED}),
                 "choices": _obj({"enterprise": _NULL_INT, "institution": _NULL_INT},
                                 description="the bid each party accepted (parties and operators only)")})
_FIT = {"allOf": [ref("ValidationRequest"), _obj({
    "fit": {"type": "number", "minimum": 0, "maximum": 1}, "percent": {"type": "integer", "minimum": 0, "maximum": 100},
    "fit_reasons": {"type": "array", "items": STR}, "can_bid": BOOL})]}
_MILESTONE_TERM = _obj({"title": {"type": "string", "maxLength": 120}, "deliverable": {"type": "string", "maxLength": 2000},
                        "due_week": {"type": "integer", "minimum": 1, "description": "within duration_months"},
                        "payment": _MONEY}, ["title", "deliverable", "due_week", "payment"])
_SPLIT = {"type": "integer", "minimum": 0, "maximum": 100}
_IP_TERMS = _obj({
    "foreground_split": _obj({"enterprise": _SPLIT, "institution": _SPLIT, "center": _SPLIT},
                             ["enterprise", "institution", "center"], description="whole percentages summing to 100"),
    "license": enum_of(LicenseKind),
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
    "funding_model": enum_of(FundingModel),
    "equity_option_pct": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 100,
                          "description": "required for invest_for_equity (先投后股), refused otherwise"},
    "center_cofund": {**_MONEY, "default": 0, "description": "万元 the center funds itself (≤ total_cost)"},
    "ip_terms": _IP_TERMS,
}
_BID_IN = _obj(_TERMS, ["approach", "milestones", "total_cost", "duration_months", "funding_model", "ip_terms"])
_BID = _obj({**_TERMS, "ip_terms": {"allOf": [_IP_TERMS, _obj({"background": STR})]},
             "id": INT, "request_id": INT, "pairing_id": INT, "center": _NAMED, "status": enum_of(BidStatus),
             "revision": INT, "submitted_by_id": INT, "created_at": _DT, "updated_at": _DT,
             "accepted_by": _obj({"enterprise": BOOL, "institution": BOOL})})
_BID_PATCH = _obj({**_TERMS, "revision": {"type": "integer", "description": "the revision being revised"}},
                  ["revision"], description="terms left out stay as they are (objects merge key by key, "
                                            "milestones are replaced as a whole); a stale revision is a 409")
_FILE = _obj({"name": STR, "size": INT, "content_type": STR,
              "url": {"type": "string", "description": "GET it with the bearer token"}})
_SUBMISSION = _obj({"id": INT, "text": STR, "file": {"oneOf": [_FILE, {"type": "null"}]},
                    "submitted_by_id": INT, "submitted_at": _DT,
                    "decision": {"type": ["string", "null"], "enum": ["approved", "rejected", None]},
                    "decided_by_id": _NULL_INT, "decided_at": _NULL_DT, "comment": STR})
_MILESTONE = _obj({"id": INT, "engagement_id": INT, "position": INT, "title": STR, "deliverable": STR,
                   "due_week": INT, "due_on": {"type": ["string", "null"], "format": "date",
                                                "description": "set when the engagement becomes active"},
                   "status": enum_of(MilestoneStatus), "payment": _MONEY, "payment_status": enum_of(PaymentStatus),
                   "paid_at": _NULL_DT, "overdue": BOOL, "submissions": {"type": "array", "items": _SUBMISSION}})
_SIGNATURE = _obj({"party": enum_of(Party), "organization_id": INT, "user_id": INT, "signed_at": _DT,
                   "public_key": {"type": "string", "description": "Ed25519, raw 32 bytes hex"},
                   "signature": {"type": "string", "description": "Ed25519 over the hash (UTF-8 hex text), hex"}})
_AGREEMENT = _obj({"id": INT, "engagement_id": INT, "sequence": INT,
                   "hash": {"type": "string", "description": "SHA-256 hex of content"},
                   "prev_hash": {"type": "string", "description": "the previous agreement's hash (64 zeros first)"},
                   "content": {"type": "string", "description": "the canonical JSON exactly as hashed"},
                   "created_at": _DT, "signatures": {"type": "array", "items": _SIGNATURE}})
_REPORT_IN = {"technical_verdict": enum_of(Verdict), "market_verdict": enum_of(Verdict),
              "trl_before": {"type": "integer", "minimum": 1, "maximum": 9},
              "trl_after": {"type": "integer", "minimum": 1, "maximum": 9},
              "recommendation": enum_of(Recommendation), "summary": {"type": "string", "maxLength": 10000},
              "evidence": {"type": "string", "maxLength": 10000}}
_REPORT = _obj({**_REPORT_IN, "id": INT, "engagement_id": INT, "status": enum_of(ReportStatus),
                "engagement_status": enum_of(EngagementStatus), "revision": INT, "filed_by_id": INT, "filed_at": _DT,
                "accepted_by": _obj({"enterprise": BOOL, "institution": BOOL}),
                "return_comment": {"type": ["string", "null"]}, "accepted_at": _NULL_DT})
_PROGRESS = _obj({"approved": INT, "total": INT, "paid": _MONEY, "due": _MONEY,
                  "outstanding": {**_MONEY, "description": "万元 not yet due"}, "next_milestone_id": _NULL_INT,
                  "overdue_milestone_ids": {"type": "array", "items": INT}})

SCHEMAS = {
    "CenterInput": _obj(_CENTER_IN, description="PATCH: fields left out keep their value; the first PATCH "
                                                "creates the profile and needs summary, fields and services"),
    "Center": _CENTER, "CenterList": list_of("Center"),
    "ValidationRequestInput": _obj(_REQUEST_IN, ["needs", "budget_cap", "deadline"]),
    "ValidationRequest": _REQUEST, "RequestFit": _FIT, "RequestFitList": list_of("RequestFit"),
    "BidInput": _BID_IN, "BidPatch": _BID_PATCH, "Bid": _BID,
    "BidList": {"allOf": [list_of("Bid"), _obj({"request_id": INT})]},
    "BidRevision": _obj({"bid_id": INT, "revision": INT, "terms": {"type": "object", "description": "as in Bid"},
                         "author_id": INT, "created_at": _DT}),
    "BidRevisionList": {"allOf": [list_of("BidRevision"), _obj({"bid_id": INT})]},
    "Acceptance": _obj({"status": {"type": "string", "enum": ["awaiting_other_party", "engaged"]},
                        "party": {"type": "string", "enum": ["enterprise", "institution"]}, "bid": ref("Bid"),
                        "engagement_id": {"type": "integer", "description": "only when engaged (201)"}}),
    "Comparison": _obj({"request_id": INT, "bids": {"type": "array", "items": ref("Bid")},
                        "rows": {"type": "array", "items": _obj({
                            "key": STR, "label": STR, "values": {"type": "array", "items": STR},
                            "differs": BOOL, "best": {**_NULL_INT, "description": "index into bids"},
                            "best_bid_id": _NULL_INT})}}),
    "Milestone": _MILESTONE, "Agreement": _AGREEMENT, "Report": _REPORT,
    "Engagement": _obj({
        "id": INT, "status": enum_of(EngagementStatus), "pairing_id": INT, "request_id": INT, "bid_id": INT,
        "title": STR, "parties": _obj({"enterprise": _NAMED, "institution": _NAMED, "center": _NAMED}),
        "your_party": {"type": ["string", "null"], "enum": [*Party.codes(), None]},
        "payer": {"type": "string", "enum": ["enterprise", "center"], "description": "who pays the milestones"},
        "milestones": {"type": "array", "items": ref("Milestone")}, "agreement": ref("Agreement"),
        "report": {"oneOf": [ref("Report"), {"type": "null"}]}, "progress": _PROGRESS,
        "deal_amount": {**_NULL_NUM, "description": "万元, set on completion"}, "created_at": _DT,
        "activated_at": _NULL_DT, "completed_at": _NULL_DT}),
    "EngagementList": list_of("Engagement"),
    "SignInput": _obj({"password": STR}, ["password"]),
    "DeliveryInput": _obj({"deliverable": {"type": "string", "maxLength": 5000}}, ["deliverable"]),
    "DeliveryUpload": _obj({"deliverable": {"type": "string", "maxLength": 5000},
                            "file": {"type": "string", "format": "binary", "description":
                                     "pdf, png, jpg/jpeg, docx, xlsx, pptx or zip (checked by content); at most "
                                     "UPLOAD_MAX_BYTES (10 MB by default)"}}, ["deliverable"]),
    "CommentInput": _obj({"comment": {"type": "string", "maxLength": 2000}}),
    "ReportInput": _obj(_REPORT_IN, ["technical_verdict", "market_verdict", "trl_before", "trl_after",
                                     "recommendation", "summary"]),
    "ReportAcceptance": _obj({"status": enum_of(ReportStatus), "engagement_status": enum_of(EngagementStatus),
                              "deal_amount": {**_NULL_NUM, "description": "万元, once completed"},
                              "report": ref("Report")}),
    "Verification": _obj({"agreement_id": INT, "sequence": INT, "valid": BOOL, "hash": STR,
                          "recomputed_hash": STR, "chain_ok": BOOL, "signatures_ok": BOOL,
                          "problems": {"type": "array", "items": STR}}),
}
