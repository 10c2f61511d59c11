"""InnoBridge matching engine: explainable Chinese/English demand↔result matching.

    from matching import Matcher
    m = Matcher().fit(docs)
    m.query("想找锂电池热管理方案", top=10, filters={"kind": "result", "status": "published"})
"""
from .matcher import Match, Matcher
from .scoring import DEFAULT_WEIGHTS
from .text import configure, normalize, tokenize, tokenize_spans

__all__ = ["DEFAULT_WEIGHTS", "Match", "Matcher", "configure", "normalize", "tokenize", "tokenize_spans"]
__version__ = "0.1.0"
