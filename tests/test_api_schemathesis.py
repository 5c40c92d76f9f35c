"""Schemathesis against the OpenAPI document, with a signed-in performer: whatever it sends, valid
or not, the API answers without a server error and as its document says (status, content type,
body). Derandomized, so a CI run is repeatable; SCHEMATHESIS_EXAMPLES raises the count locally."""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "40"))
# Business refusals of schema-valid data (an item of another run: 404) are expected, and the API
# is lenient on purpose where phones send older shapes: so no positive/negative data-acceptance checks.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@pytest.fixture
def api(app, client, login, make_run, staff):
    run = make_run(performer=staff)
    login(staff)
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    item_ids = [item.id for item in run.checklists[0].version.items]
    # The in-process client does not unzip responses as an HTTP client would: ask for none.
    headers = {"X-CSRFToken": token, "Accept-Language": "fr", "Accept-Encoding": "identity"}
    # The document's security scheme is the session cookie: Schemathesis would send one of its own.
    cookies = {"session": client.get_cookie("session").value}
    return schema, client, run, {"headers": headers, "cookies": cookies}, item_ids


def steered(case, item_ids, pick):
    """Some bodies name an item of the run, some of those answer it "not applicable": the checks then
    reach past 'not found' (stored, replayed, the run sent, then locked)."""
    if pick is None or not isinstance(case.body, dict) or "item_id" not in case.body:
        return case
    item_id = item_ids[pick % len(item_ids)]
    case.body["item_id"] = str(item_id) if case.media_type == "multipart/form-data" else item_id
    if pick % 2 == 0 and "value" in case.body:
        case.body["value"] = {"na": True}
    return case


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_the_api_answers_every_generated_request_as_documented(api, csrf_on, mode):
    schema, client, run, signed_in, item_ids = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    seen = set()
    for operation in operations:
        path = {"run_id": run.id} if "{run_id}" in operation.path else None
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path)

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy, pick=st.none() | st.integers(min_value=0, max_value=10))
        def check(case, pick):
            response = steered(case, item_ids, pick).call_and_validate(
                session=client, checks=CHECKS, **signed_in)
            seen.add((case.operation.label, response.status_code))

        check()
    if mode == schemathesis.GenerationMode.POSITIVE:
        # Not only refusals: answers and photos were stored, so the checks saw the success shapes too.
        assert {("POST /api/v1/runs/{run_id}/answers", 201), ("POST /api/v1/runs/{run_id}/photos", 201)} <= seen
