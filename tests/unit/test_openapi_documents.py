"""Each service's OpenAPI document suits client generators: unique camelCase operation ids,
defined tags, problem+json errors per route, the headers the services send; and oasdiff
refuses a breaking change to a committed document."""

import copy
import json
import re
import subprocess
from functools import cache
from typing import Any

import pytest

from ticketflow_common.problems import PROBLEM_JSON
from tools.openapi import ROOT, SERVICES, breaking_changes, document_path, service_document

OPERATION_ID = re.compile(r"^[a-z][A-Za-z0-9]*_[a-z][A-Za-z0-9]*$")
METHODS = {"get", "put", "post", "patch", "delete"}


@cache
def document(service: str) -> dict[str, Any]:
    return service_document(service)


def operations(service: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document(service)["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def pages(operation: dict[str, Any]) -> set[str]:
    """`text/html` for the pages people open from a mail (their refusals are pages too)."""
    return {"text/html"} & set(operation["responses"].get("200", {}).get("content", {}))


def is_open(operation: dict[str, Any]) -> bool:
    return "health" in operation["tags"]


@pytest.mark.parametrize("service", SERVICES)
def test_operation_ids_are_tag_and_function_in_camel_case_and_unique(service: str) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(service)]
    assert [i for i in ids if not OPERATION_ID.match(i)] == []
    assert sorted(i for i in ids if ids.count(i) > 1) == []


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_has_a_tag_the_document_defines(service: str) -> None:
    defined = {tag["name"] for tag in document(service)["tags"]}
    untagged = [f"{m} {p}" for p, m, o in operations(service) if not o.get("tags")]
    undefined = {t for _, _, o in operations(service) for t in o["tags"]} - defined
    assert (untagged, undefined) == ([], set())


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_answer_is_a_problem_document(service: str) -> None:
    problem = {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
    wrong = [
        f"{method} {path} {status}"
        for path, method, operation in operations(service)
        if not is_open(operation)
        for status, answer in operation["responses"].items()
        if not status.startswith("2")
        and (
            answer["content"].get(PROBLEM_JSON) != problem
            or set(answer["content"]) - {PROBLEM_JSON, *pages(operation)}
        )
    ]
    assert wrong == (OAUTH_ERRORS if service == "identity" else [])
    assert {"ProblemDetails", "ProblemFieldError"} <= set(
        document(service)["components"]["schemas"]
    )


OAUTH_ERRORS = ["post /token 400", "post /token 401"]
"""OAuth clients parse RFC 6749 §5.2's `{error, error_description}`, so the token endpoint's own
refusals keep that form; its other errors (429, 503, ...) are problem documents."""


def test_the_token_endpoint_documents_the_oauth_error_body() -> None:
    token = document("identity")["paths"]["/token"]["post"]["responses"]
    for status in ("400", "401"):
        (schema,) = token[status]["content"].values()
        assert schema["schema"] == {"$ref": "#/components/schemas/OAuthError"}
    assert PROBLEM_JSON in token["429"]["content"]


def statuses(service: str, method: str, path: str) -> set[str]:
    return set(document(service)["paths"][path][method]["responses"])


def test_errors_follow_what_the_route_declares() -> None:
    # A change guarded by If-Match, behind authentication, with a path id and a body.
    edit = statuses("intake", "patch", "/tickets/{ticket_id}")
    assert {"401", "403", "404", "409", "412", "413", "422", "428", "429", "503"} <= edit
    # A read: no precondition, no conflict, no body.
    read = statuses("intake", "get", "/tickets/{ticket_id}")
    assert {"401", "403", "404", "422", "429", "503"} <= read
    assert not read & {"409", "412", "413", "428"}
    # identity's If-Match is read from the request: documented all the same.
    parameters = document("identity")["paths"]["/principals/{principal_id}"]["patch"]["parameters"]
    assert "If-Match" in {p["name"] for p in parameters}


def headers(service: str, method: str, path: str, status: str) -> dict[str, Any]:
    answer = document(service)["paths"][path][method]["responses"][status]
    found: dict[str, Any] = answer.get("headers", {})
    return found


def test_the_headers_the_services_send_are_documented() -> None:
    assert {"ETag", "RateLimit", "RateLimit-Policy"} <= set(
        headers("intake", "get", "/tickets/{ticket_id}", "200")
    )
    assert headers("intake", "post", "/tickets", "201")["Location"]["required"] is True
    assert headers("intake", "patch", "/tickets/{ticket_id}", "412")["ETag"]["required"] is True
    assert headers("sla", "get", "/policies", "429")["Retry-After"]["required"] is True
    assert "Retry-After" in headers("sla", "get", "/policies", "503")
    parameters = document("intake")["paths"]["/tickets"]["post"]["parameters"]
    assert "Idempotency-Key" in {p["name"] for p in parameters}


@pytest.fixture(scope="module")
def oasdiff() -> None:
    """The pinned oasdiff (`make lint` installs it first; a warm run takes milliseconds)."""
    subprocess.run([str(ROOT / "infra/local/openapi_tools.sh")], check=True)


@pytest.mark.usefixtures("oasdiff")
def test_a_removed_operation_or_a_renamed_id_is_breaking_but_an_addition_is_not() -> None:
    committed = document_path("sla").read_text()
    before = json.loads(committed)
    removed, added = copy.deepcopy(before), copy.deepcopy(before)
    del removed["paths"]["/policies"]
    added["paths"]["/policies"]["get"]["responses"]["200"]["headers"] = {
        "X-New": {"schema": {"type": "string"}}
    }
    renamed = copy.deepcopy(before)
    renamed["paths"]["/policies"]["get"]["operationId"] = "policies_listPolicies"
    assert any("/policies" in c for c in breaking_changes(committed, json.dumps(removed)))
    assert breaking_changes(committed, json.dumps(added)) == []
    assert breaking_changes(committed, json.dumps(renamed)) == [
        "GET /policies: operation id policies_readPolicies became policies_listPolicies"
    ]
