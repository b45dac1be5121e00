"""Validating events read off the bus against the committed JSON Schemas."""

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from tools.contracts import CONTRACTS


@cache
def _validator(relative: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((CONTRACTS / relative).read_text()))


def contract_violations(topic: str, raw: bytes) -> list[str]:
    """Every way this message breaks the envelope or its type's payload schema."""
    event: dict[str, Any] = json.loads(raw)
    problems = [f"envelope: {e.message}" for e in _validator("envelope.json").iter_errors(event)]
    schema = CONTRACTS / "events" / topic / f"{event.get('type')}.json"
    if not schema.exists():
        return [*problems, f"no schema for {event.get('type')!r} on {topic}"]
    payload = _validator(str(schema.relative_to(CONTRACTS)))
    problems += [f"{event['type']}: {e.message}" for e in payload.iter_errors(event.get("data"))]
    return problems
