"""Look-alike organization names: a registration whose organization is named like one already on
the platform — "沪东智造装备有限公司（演示）" beside "沪东智造装备有限公司", full-width beside
half-width letters, "股份有限公司" beside "有限公司" — is most likely the same organization
registering twice, or someone passing for it. The new organization is still created (a name can
be shared by accident, and the operators decide), but it is marked with the organization it looks
like: the operators see the mark in their list, and the new user is told at once.

Names are compared after normalization (``normalized``): Unicode compatibility folding (full
width → half width), case, bracketed remarks, spaces and punctuation, and legal-form suffixes
removed; then rapidfuzz's similarity ratio, at least ``THRESHOLD``."""
from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from rapidfuzz import fuzz, process

from models import Organization, db

THRESHOLD = 90  # rapidfuzz ratio (0–100) of the normalized names
# Legal forms and the like, removed from the end of a name (longest first, repeatedly).
SUFFIXES = sorted({
    "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "集团", "公司", "股份",
    "co.,ltd", "co.ltd", "coltd", "co", "ltd", "limited", "inc", "corp", "corporation", "company", "group",
}, key=len, reverse=True)
_BRACKETED = re.compile(r"[(\[【〔{<《][^)\]】〕}>》]*[)\]】〕}>》]")
_NOT_A_WORD = re.compile(r"[\W_]+")


def normalized(name: str) -> str:
    """The part of an organization name that tells it apart."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _BRACKETED.sub("", text)  # （演示）, (上海), 【筹】: remarks, not the name
    text = _NOT_A_WORD.sub("", text)
    stripped = True
    while stripped and text:
        stripped = False
        for suffix in SUFFIXES:
            bare = _NOT_A_WORD.sub("", suffix)
            if text.endswith(bare) and len(text) > len(bare):
                text, stripped = text[: -len(bare)], True
                break
    return text


def lookalikes(name: str, *, exclude_id: int | None = None, limit: int = 3) -> list[Organization]:
    """Organizations already on the platform whose names look like ``name``, closest first."""
    wanted = normalized(name)
    if not wanted:
        return []
    query = sa.select(Organization.id, Organization.name)
    if exclude_id is not None:
        query = query.where(Organization.id != exclude_id)
    choices = {org_id: normalized(org_name) for org_id, org_name in db.session.execute(query)}
    found = process.extract(wanted, choices, scorer=fuzz.ratio, score_cutoff=THRESHOLD, limit=limit)
    ids = [org_id for _, _, org_id in found]
    by_id = {org.id: org for org in db.session.scalars(sa.select(Organization).where(Organization.id.in_(ids)))}
    return [by_id[org_id] for org_id in ids if org_id in by_id]
