"""Layering rules of docs/architecture.md, checked from the outside (fresh interpreters, source text)."""
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


def module_level_imports(package: Path) -> dict[str, set[str]]:
    """For each module of ``package`` (dotted names), the package's modules it imports at module
    level — the imports that run when it loads, so a cycle among them is an import cycle."""
    import ast

    root = package.parent
    names = {".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
             for path in package.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        name = ".".join(path.relative_to(root).with_suffix("").parts)
        is_package = name.endswith(".__init__")
        name = name.removesuffix(".__init__")
        here = name if is_package else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                targets |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in names else base for alias in node.names}
        graph[name] = {target for target in targets if target in names and target != name}
    return graph


def on_a_cycle(graph: dict[str, set[str]], name: str) -> bool:
    """Whether importing ``name`` leads back to ``name``."""
    seen, todo = set(), list(graph.get(name, ()))
    while todo:
        node = todo.pop()
        if node == name:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


def test_the_openapi_document_parts_import_no_cycle():
    graph = module_level_imports(ROOT / "marketplace")
    parts = {name for name in graph if name.startswith("marketplace.api.openapi")}
    assert len(parts) >= 5
    # the shared pieces live in one module every part imports; no part imports another part
    assert graph["marketplace.api.openapi_common"] & parts == set()
    for name in parts - {"marketplace.api.openapi"}:
        assert "marketplace.api.openapi" not in graph[name], name
    # the package itself is left out: it imports its view modules, which take the blueprint from it
    graph = {name: targets - {"marketplace.api"} for name, targets in graph.items()}
    assert sorted(name for name in parts if on_a_cycle(graph, name)) == []


def test_the_cycle_check_sees_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [name for name in sorted(graph) if on_a_cycle(graph, name)] == ["a", "b", "c"]
    assert module_level_imports(ROOT / "marketplace")["marketplace.api.openapi_activity"] >= {"marketplace.api.openapi_common"}
