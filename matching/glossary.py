"""Cross-language expansion: an English phrase adds its Chinese terms' tokens and vice versa.

The glossary (``data/glossary.txt``) is applied to documents and queries alike, so an English
demand and a Chinese result share tokens for the technical terms the glossary knows.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .text import DATA_DIR, normalize, tokenize

GLOSSARY_FILE = DATA_DIR / "glossary.txt"


@lru_cache(maxsize=1)
def load_glossary() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(english → Chinese terms, Chinese term → English phrases), all normalized."""
    en_zh: dict[str, list[str]] = {}
    zh_en: dict[str, list[str]] = {}
    for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines():
        if "=" not in line or line.startswith("#"):
            continue
        en, zh = line.split("=", 1)
        en = normalize(en.strip())
        terms = [normalize(z.strip()) for z in zh.split("|") if z.strip()]
        en_zh.setdefault(en, []).extend(terms)
        for z in terms:
            if len(z) >= 2 and not z.isascii():
                zh_en.setdefault(z, []).append(en)
    return en_zh, zh_en


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    """Compiled alternations, longest first, English ones on word boundaries (plurals allowed)."""
    en_zh, zh_en = load_glossary()
    en = "|".join(re.escape(p) for p in sorted(en_zh, key=lambda p: (-len(p), p)))
    zh = "|".join(re.escape(p) for p in sorted(zh_en, key=lambda p: (-len(p), p)))
    return re.compile(rf"(?<![a-z0-9])({en})(?:s|es)?(?![a-z0-9])"), re.compile(zh)


@lru_cache(maxsize=4096)
def _tokens_of(term: str) -> tuple[str, ...]:
    """Tokens of a glossary term (memoized; the glossary is small)."""
    return tuple(tokenize(term))


def expansion_tokens(text: str) -> list[str]:
    """Tokens of the other language for every glossary term found in ``text`` (once per term)."""
    norm = normalize(text)
    en_zh, zh_en = load_glossary()
    en_re, zh_re = _patterns()
    out: list[str] = []
    if norm.isascii() or any(c.isascii() and c.isalpha() for c in norm):
        for phrase in dict.fromkeys(m.group(1) for m in en_re.finditer(norm)):
            for z in en_zh[phrase]:
                out.extend(_tokens_of(z))
    if not norm.isascii():
        for term in dict.fromkeys(m.group(0) for m in zh_re.finditer(norm)):
            for e in zh_en[term]:
                out.extend(_tokens_of(e))
    return out
