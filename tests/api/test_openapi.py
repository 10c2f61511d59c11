"""The served OpenAPI document describes every route of the API blueprint."""
from __future__ import annotations

import re


def spec_of(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def api_routes(app) -> dict[str, set[str]]:
    """{"/demands/{id}": {"get", "patch", "delete"}, ...} from the URL map."""
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return routes


def normalized(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_spec_looks_like_openapi_3(client):
    spec = spec_of(client)
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]
    assert spec["paths"] and spec["components"]["schemas"]["Error"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path, operations in spec["paths"].items():
        assert path.startswith("/"), path
        for method, operation in operations.items():
            assert method in {"get", "post", "patch", "put", "delete"}, (path, method)
            assert operation["responses"], (path, method)
            for parameter in operation.get("parameters", []):
                assert parameter["in"] in {"path", "query", "header"}
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert names == set(re.findall(r"\{([^}]+)\}", path)), (path, method, names)


def test_every_ref_resolves(client):
    spec = spec_of(client)
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', client.get("/api/v1/openapi.json").get_data(as_text=True)))
    refs |= set(re.findall(r'"\$ref":"#/components/schemas/([^"]+)"', client.get("/api/v1/openapi.json").get_data(as_text=True)))
    assert refs and refs <= set(spec["components"]["schemas"])


def test_spec_lists_every_api_route_and_method(client, ctx):
    documented = {normalized(path): set(ops) for path, ops in spec_of(client)["paths"].items()}
    served = {normalized(path): methods for path, methods in api_routes(ctx).items()}
    missing = {path: methods - documented.get(path, set()) for path, methods in served.items()
               if methods - documented.get(path, set())}
    assert missing == {}
    invented = {path for path in documented if path not in served}
    assert invented == set()


def test_spec_is_public(client):
    assert client.get("/api/v1/openapi.json").status_code == 200
    bad = {"Authorization": "Bearer nonsense"}
    assert client.get("/api/v1/me", headers=bad).status_code == 401  # the token is refused where one is needed
    assert client.get("/api/v1/openapi.json", headers=bad).status_code == 200  # and ignored on public routes


def test_creates_take_one_idempotency_key_however_often_the_spec_is_served(client):
    for _ in range(3):
        spec = spec_of(client)
    names = [p["name"] for p in spec["paths"]["/pairings"]["post"]["parameters"]]
    assert names == ["Idempotency-Key"]
    assert "Idempotency-Key" not in [p["name"] for p in spec["paths"]["/pairings/{id}/accept"]["post"]["parameters"]]


def test_every_operation_documents_the_request_limits(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert {"414", "503"} <= set(op["responses"]), (method, path)
    for path in ("/demands", "/results"):
        assert "24 words" in spec["paths"][path]["get"]["responses"]["422"]["description"]


def test_every_path_answers_an_undeclared_method_405_with_allow_naming_the_declared_ones(client):
    spec = spec_of(client)
    checked = 0
    for path, item in spec["paths"].items():
        declared = {method.upper() for method in item}
        for method in sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - declared):
            concrete = re.sub(r"\{[^}]+\}", "1", path.replace("{kind}", "demand"))  # kind: one of its enum
            response = client.open("/api/v1" + concrete, method=method)
            assert response.status_code == 405, (method, path)
            assert set(response.headers["Allow"].split(", ")) - {"HEAD", "OPTIONS"} == declared, (method, path)
            checked += 1
    assert checked > 150


def test_no_two_parts_of_the_document_name_a_schema_alike():
    """The document's schemas are merged from its parts; a name two parts use would silently
    describe one of them with the other's schema (a moderation report once read as a PoC report)."""
    from marketplace.api import openapi, openapi_activity, openapi_admin, openapi_pairings, openapi_poc

    parts = [openapi.SCHEMAS, openapi_activity.SCHEMAS, openapi_admin.SCHEMAS, openapi_pairings.SCHEMAS,
             openapi_poc.SCHEMAS]
    names = [name for part in parts for name in part]
    assert sorted({name for name in names if names.count(name) > 1}) == []
