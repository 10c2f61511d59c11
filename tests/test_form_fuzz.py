"""Every web form under generated input (Hypothesis): each POST route of the site, called by a
caller the route × role matrix lets in (tests/test_access_matrix.py), with the fields its page
shows filled with generated values — text of any script, empty and very long strings, numbers
too large, negative or malformed, impossible dates, control characters. Whatever is sent:

- the answer is never a server error;
- a refused submission (any 4xx) changes no row of any table;
- a value holding a control character is refused (422) and writes nothing.

The world is the matrix's, restored before every submission. FORM_EXAMPLES (default below)
bounds the submissions per route; derandomized, so a failure repeats."""
from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import BUT_THE_LOG, csrf_token, every_row
from tests.test_access_matrix import MATRIX, concrete, matrix_site, reset, rules  # noqa: F401  (fixture)

EXAMPLES = int(os.environ.get("FORM_EXAMPLES", "6"))
PREFERRED = ("enterprise", "researcher", "center", "admin", "other_enterprise", "other_researcher", "other_center",
             "anonymous")
FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
CONTROL_CHARACTERS = "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f"

VALUES = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(["", " ", "0", "-1", "1e308", "NaN", "99999999999999999999", "2147483648", "3.5", "2027-02-30",
                     "1900-01-01", "9999-12-31", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd",
                     "x" * 5000, "锂电池" * 700, "on", "true", "[]", "{}"]),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
)


def post_routes(app) -> list[tuple[str, str]]:
    """(rule, endpoint) of every web form post someone may reach (signing out aside)."""
    return [(rule, endpoint) for method, rule, endpoint in rules(app)
            if method == "POST" and not rule.startswith("/api/") and rule != "/auth/logout" and MATRIX[f"POST {rule}"]]


def caller_for(rule: str) -> str:
    allowed = MATRIX[f"POST {rule}"]
    return next(name for name in PREFERRED if name in allowed)


def fields_of(browser, path: str, rule: str, app) -> list[str]:
    """The names of the fields on the page the form is posted from (the same path read with GET),
    or a few common names where the post has no page of its own."""
    if f"GET {rule}" in MATRIX:
        page = browser.get(path)
        names = sorted(set(FIELD.findall(page.get_data(as_text=True))) - {"csrf_token", "form_token"})
        page.close()
        if names:
            return names
    return ["message", "reason", "reason_text", "note", "comment", "password", "title"]


def test_every_form_survives_generated_input(matrix_site):  # noqa: F811  (the imported fixture)
    app, world, browsers, tokens, base = matrix_site
    routes = post_routes(app)
    assert len(routes) >= 39
    problems: list[str] = []
    with app.app_context():
        for rule, endpoint in routes:
            reset(app, base)
            path = concrete(rule, endpoint, world.ids)
            actor = caller_for(rule)
            browser = browsers[actor]
            names = fields_of(browser, path, rule, app)

            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(form=st.dictionaries(st.sampled_from(names), VALUES, min_size=1), control=st.booleans())
            def submit(form, control):
                reset(app, base)
                if control:  # one field gets a control character
                    name = sorted(form)[0]
                    form[name] = form[name] + CONTROL_CHARACTERS[len(form[name]) % len(CONTROL_CHARACTERS)]
                before = every_row(BUT_THE_LOG)
                token = csrf_token(browser, "/auth/login" if actor == "anonymous" else "/me/profile")
                response = browser.post(path, data=form | {"csrf_token": token})
                status = response.status_code
                response.close()
                if status >= 500:
                    problems.append(f"POST {path} as {actor}: {status} for {form!r}")
                elif control and status != 422:
                    problems.append(f"POST {path} as {actor}: a control character answered {status}")
                if status >= 400 and every_row(BUT_THE_LOG) != before:
                    problems.append(f"POST {path} as {actor}: refused ({status}) but rows changed for {form!r}")

            submit()
    assert not problems, f"{len(problems)} problems over {len(routes)} forms:\n" + "\n".join(problems[:40])
