"""OpenAPI entries of the listings' quality meter (merged into ``openapi.build_spec``)."""
from __future__ import annotations

from models import Maturity, PatentStatus, TransferMode

from ..services.listing_quality import BANDS, HINT_CODES
from ..services.listing_quality_input import KEYWORDS_TEXT_MAX
from ..services.listings import (
    KEYWORD_MAX_LEN,
    KEYWORDS_MAX,
    MONEY_MAX,
    REGION_MAX,
    TEXT_MAX,
    TITLE_MAX,
)
from ..services.results import PATENTS_MAX
from .openapi_common import STR, enum_of, operation


def _text(limit: int) -> dict:
    return {"type": ["string", "null"], "maxLength": limit}


def _or_null(schema: dict) -> dict:
    nullable = {**schema, "type": [schema["type"], "null"]}
    return nullable | ({"enum": [*schema["enum"], None]} if "enum" in schema else {})


_MONEY = {"type": ["number", "null"], "minimum": 0, "maximum": MONEY_MAX, "description": "万元"}
_TRL = {"type": ["integer", "null"], "minimum": 1, "maximum": 9}
_KEYWORDS = {"type": ["array", "string", "null"], "items": {"type": "string", "maxLength": KEYWORD_MAX_LEN},
             "maxItems": KEYWORDS_MAX, "maxLength": KEYWORDS_TEXT_MAX,
             "description": "a list, or one string separated by commas or 顿号 (as the form sends it)"}
_DRAFT = ("The fields of creating one, as written so far: none is required (a field not filled in yet is a "
          "hint, not an error), a value of the wrong shape is a 422. Other fields of the create body are ignored.")

SCHEMAS = {
    "DemandDraft": {"type": "object", "description": _DRAFT, "properties": {
        "title": _text(TITLE_MAX), "description": _text(TEXT_MAX), "field": _text(TITLE_MAX), "keywords": _KEYWORDS,
        "budget_min": _MONEY, "budget_max": _MONEY, "deadline": {"type": ["string", "null"], "format": "date"},
        "trl_target": _TRL, "region": _text(REGION_MAX)}},
    "ResultDraft": {"type": "object", "description": _DRAFT, "properties": {
        "title": _text(TITLE_MAX), "abstract": _text(TEXT_MAX), "field": _text(TITLE_MAX), "keywords": _KEYWORDS,
        "trl": _TRL, "maturity": _or_null(enum_of(Maturity)),
        "patents": {"type": ["array", "null"], "maxItems": PATENTS_MAX, "items": {
            "type": "object", "required": ["number", "status"],
            "properties": {"number": STR, "status": enum_of(PatentStatus)}}},
        "transfer_modes": {"type": ["array", "null"], "items": enum_of(TransferMode)},
        "asking_price": _MONEY}},
    "ListingQuality": {"type": "object", "required": ["score", "band", "band_label", "hints"],
                       "description": "The weights of a kind's checks sum to 100; the score is 100 less the gains.",
                       "properties": {
        "score": {"type": "integer", "minimum": 0, "maximum": 100},
        "band": {"type": "string", "enum": [code for _, code, _ in BANDS],
                 "description": " / ".join(f"{code} ({label}): ≥ {low}" for low, code, label in BANDS)},
        "band_label": STR,
        "hints": {"type": "array", "description": "the most valuable first", "items": {
            "type": "object", "required": ["code", "field", "message", "gain"], "properties": {
                "code": {"type": "string", "enum": list(HINT_CODES)},
                "field": {"type": "string", "description": "the body field (and form field) it concerns"},
                "message": {"type": "string", "description": "what to add or change (Chinese), quoting a vague phrase"},
                "gain": {"type": "integer", "minimum": 1, "description": "points gained when it is fixed"}}}}}},
}

_ERRORS = (400, 401, 403, 422)
PATHS = {
    "/demands/quality": {"post": operation(
        "The quality meter of a demand as written (enterprise): score, band and concrete hints; nothing is saved",
        200, "ListingQuality", "DemandDraft", errors=_ERRORS)},
    "/results/quality": {"post": operation(
        "The quality meter of a result as written (researcher): score, band and concrete hints; nothing is saved",
        200, "ListingQuality", "ResultDraft", errors=_ERRORS)},
}
