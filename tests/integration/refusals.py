"""Asserting that hostile input is refused as RFC 9457 problem+json naming the field."""

import json
from typing import Any

import httpx

NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e400"]
NUL = "with\x00nul"
EDGE_OF_TIME = "0001-01-01T00:00:00+14:00"  # before datetime.min once in UTC
LONE_SURROGATE = '"lone \\ud800 surrogate"'  # a JSON string literal json.loads turns into one


def raw_json(template: str, **values: str) -> dict[str, Any]:
    """Request kwargs for a JSON body given as text, so NaN, 1e400 and lone surrogates survive."""
    body = template
    for name, value in values.items():
        body = body.replace(f"<{name}>", value)
    return {"content": body.encode(), "headers": {"Content-Type": "application/json"}}


def as_json(value: Any) -> str:
    return json.dumps(value)


def refused(response: httpx.Response, field: str) -> None:
    """422 problem+json with an error whose field is `field` or lies inside it."""
    assert response.status_code == 422, f"{response.status_code}: {response.text}"
    assert response.headers["content-type"] == "application/problem+json", response.headers
    fields = [e["field"] for e in response.json()["errors"]]
    assert any(f == field or f.startswith(f"{field}.") for f in fields), (field, fields)
