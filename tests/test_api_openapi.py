"""The OpenAPI document at /api/openapi.json matches the API's routes, both ways."""
import re

from checkapp.api.openapi import document

HTTP = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def api_rules(app) -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            rules.setdefault(path, set()).update(m for m in rule.methods if m in HTTP)
    return rules


def test_every_api_v1_route_is_documented_with_its_methods(app):
    documented = document()["paths"]
    for path, methods in api_rules(app).items():
        assert path in documented, f"{path} is not in the OpenAPI document"
        assert {m.lower() for m in methods} == set(documented[path]), path


def test_every_documented_path_exists(app):
    rules = api_rules(app)
    for path in document()["paths"]:
        assert path in rules, f"{path} is documented but has no route"
    assert any(p.startswith("/api/v1/") for p in rules)


def test_document_is_served_as_openapi_3_without_signing_in(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    data = response.get_json()
    assert data["openapi"].startswith("3.")
    assert "423" in data["paths"]["/api/v1/runs/{run_id}/answers"]["post"]["responses"]


def test_every_schema_reference_resolves():
    doc = document()
    refs = re.findall(r"'\$ref': '#/components/schemas/(\w+)'", str(doc))
    assert refs and set(refs) <= set(doc["components"]["schemas"])
