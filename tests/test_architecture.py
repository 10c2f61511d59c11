"""Layering rules of CONVENTIONS.md, checked from the outside (fresh interpreters, source text)."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEB_OR_DB = ("flask", "flask_sqlalchemy", "flask_login", "werkzeug", "sqlalchemy", "alembic",
             "marketplace", "models", "seeds")


def modules_loaded_by(statement: str) -> set[str]:
    """Top-level package names in sys.modules after ``statement`` runs in a fresh interpreter."""
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_probe_sees_what_is_imported():
    # Guards the two tests below against passing vacuously.
    assert {"flask", "marketplace", "models"} <= modules_loaded_by("import marketplace.services.demands, flask")


@pytest.mark.parametrize("statement", [
    "import matching",
    "import matching.text, matching.matcher, matching.scoring, matching.explain",
    "from matching.text import tokenize; tokenize('锂电池热失控预警')",
])
def test_matching_loads_no_web_or_database_modules(statement):
    assert modules_loaded_by(statement) & set(WEB_OR_DB) == set()


def test_models_load_no_marketplace():
    loaded = modules_loaded_by("import models")
    assert "models" in loaded
    assert {"marketplace", "seeds", "matching"} & loaded == set()


def test_matching_sources_import_no_app_code():
    pattern = re.compile(r"^\s*(?:from|import)\s+(flask\w*|sqlalchemy|marketplace|models|seeds)\b", re.MULTILINE)
    offenders = [f"{path.relative_to(ROOT)}: {m.group(0).strip()}"
                 for path in (ROOT / "matching").rglob("*.py") for m in pattern.finditer(path.read_text("utf-8"))]
    assert offenders == []


REQUEST_GLOBALS = re.compile(
    r"^\s*from\s+flask(?:_login)?\s+import\s+.*\b(request|session|g|flash|current_user|current_app)\b"
    r"|\bflask\.(request|session|g|flash|current_app)\b|\bcurrent_user\b|^\s*import\s+flask\b",
    re.MULTILINE,
)


def test_services_do_not_touch_request_globals():
    sources = sorted((ROOT / "marketplace" / "services").glob("*.py"))
    assert len(sources) >= 8
    offenders = [f"{path.name}: {m.group(0).strip()}"
                 for path in sources for m in REQUEST_GLOBALS.finditer(path.read_text("utf-8"))]
    assert offenders == []


def test_the_request_globals_pattern_catches_offenders():
    for line in ("from flask import request", "from flask import g, jsonify", "from flask import current_app as app",
                 "from flask_login import current_user", "import flask", "x = flask.session['k']"):
        assert REQUEST_GLOBALS.search(line), line
    assert not REQUEST_GLOBALS.search("from models import db\n# request for quotation")
