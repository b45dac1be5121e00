"""The contracts for integrators: a JSON Schema per event type, an AsyncAPI 3 document, and
each service's OpenAPI document (`tools/openapi.py`).

`python -m tools.contracts --write` regenerates `contracts/` from the payload models and the
apps, and refuses a change that would break consumers within a topic version or clients of an
HTTP API (oasdiff, installed by `infra/local/openapi_tools.sh`); `--check` fails when the
committed files are not what the code produces (the test suite runs it).
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from ticketflow_common.cloudevents_kafka import STRUCTURED_CONTENT_TYPE
from ticketflow_common.envelope import SCHEMA_BASE, Envelope, EventData, data_schema_url
from ticketflow_common.events import EVENT_MODELS
from ticketflow_common.topics import ALL_TOPICS, PARTITIONS
from tools import openapi

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "contracts"
TOPIC_DESCRIPTIONS = {
    "tickets.events.v1": "What intake tells everyone about tickets. Key: ticket id.",
    "routing.events.v1": "Ownership decisions, agent availability and teams. Key: ticket id "
    "(agent id for agent.status_changed and agent.changed, team id for team.changed).",
    "sla.events.v1": "SLA clocks starting, pausing, warning, breaching; calendars. Key: ticket id "
    "(calendar name for calendar.changed).",
    "notify.events.v1": "Outcomes of deliveries to people and systems. Key: ticket id.",
    "insights.events.v1": (
        "What insights sees coming and its reports: staffing gaps (key: team id), tickets at"
        " risk of breaching (key: ticket id), published reports (key: report id)."
    ),
    "knowledge.events.v1": (
        "Knowledge suggested for tickets and the requesters' answers (key: ticket id), published"
        " articles (key: article id), known errors and resolved problems (key: problem id)."
    ),
    "mail.events.v1": (
        "Mails received (intake makes them tickets or comments), replies sent in a ticket's"
        " thread, mails refused or kept aside (key: ticket id when known, else the mail id)."
    ),
    "identity.events.v1": (
        "Who may act: principals created, changed or disabled, API keys issued and revoked,"
        " signing keys rotated. Every service projects it to refuse revoked tokens. Key:"
        " principal id (kid for signing_key.rotated)."
    ),
    "audit.events.v1": (
        "Every change to configuration and access, one hash-chained log per service, written"
        " by each service in the transaction of the change. Key: the service's name."
    ),
    "automation.events.v1": (
        "What automation's rules and macros ask of a ticket, and why: rule firings (intake,"
        " routing and notify carry out the actions they own, once each), macro applications,"
        " firings stopped by a rule's limit. Key: ticket id."
    ),
}


def payload_schema(model: type[EventData]) -> dict[str, Any]:
    schema = model.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": data_schema_url(model),
        **schema,
        "title": model.event_type,
        "description": (model.__doc__ or f"The data of a {model.event_type} event.").strip(),
    }


def envelope_schema() -> dict[str, Any]:
    schema = Envelope.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/envelope.json",
        **schema,
        "title": "CloudEvents 1.0 envelope",
    }


def schema_path(model: type[EventData]) -> Path:
    return CONTRACTS / "events" / model.topic / f"{model.event_type}.json"


def asyncapi() -> dict[str, Any]:
    """Channels per topic, one message per event type, payloads by reference."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in ALL_TOPICS:
        models = [m for m in EVENT_MODELS.values() if m.topic == topic]
        channel_id = topic.replace(".", "_")
        channels[channel_id] = {
            "address": topic,
            "description": TOPIC_DESCRIPTIONS[topic],
            "bindings": {"kafka": {"topic": topic, "partitions": PARTITIONS, "replicas": 1}},
            "messages": {
                m.event_type.replace(".", "_"): {
                    "name": m.event_type,
                    "title": m.event_type,
                    "contentType": STRUCTURED_CONTENT_TYPE,
                    "headers": {"$ref": "#/components/schemas/KafkaHeaders"},
                    "payload": {
                        "allOf": [
                            {"$ref": "./envelope.json"},
                            {
                                "type": "object",
                                "properties": {
                                    "type": {"const": m.event_type},
                                    "data": {"$ref": f"./events/{topic}/{m.event_type}.json"},
                                },
                            },
                        ]
                    },
                    "bindings": {"kafka": {"key": {"type": "string", "format": "uuid"}}},
                }
                for m in models
            },
        }
        operations[f"receive_{channel_id}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"Integrators consume {topic} (at least once; deduplicate on `id`).",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Ticketflow events",
            "version": "1.0.0",
            "description": (
                "CloudEvents 1.0 JSON on Kafka in the structured mode of the CloudEvents Kafka "
                "protocol binding (header `content-type: application/cloudevents+json; "
                "charset=UTF-8`; every event names its JSON Schema in `dataschema`). One "
                "ticket's events share a key, so they stay in order within a partition. "
                "Delivery is at least once: deduplicate on `id`. "
                "Changes within a topic version are additive only; a breaking change is a new "
                "`.v2` topic. Dead letters: `<topic>.dlq.<consumer-service>`."
            ),
        },
        "defaultContentType": STRUCTURED_CONTENT_TYPE,
        "servers": {
            "local": {"host": "127.0.0.1:29092", "protocol": "kafka", "description": "make run"}
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": {
                "KafkaHeaders": {
                    "type": "object",
                    "properties": {
                        "traceparent": {
                            "type": "string",
                            "description": "W3C trace context of the change that caused it.",
                        },
                        "content-type": {
                            "const": STRUCTURED_CONTENT_TYPE,
                            "description": "CloudEvents Kafka protocol binding, structured mode:"
                            " the value is the whole CloudEvent as JSON.",
                        },
                    },
                    "required": ["content-type"],
                }
            }
        },
    }


def rendered() -> dict[Path, str]:
    """Every contract file and its content, as the models define them now."""
    files = {
        schema_path(m): json.dumps(payload_schema(m), indent=2, sort_keys=True) + "\n"
        for m in EVENT_MODELS.values()
    }
    files[CONTRACTS / "envelope.json"] = (
        json.dumps(envelope_schema(), indent=2, sort_keys=True) + "\n"
    )
    files[CONTRACTS / "asyncapi.yaml"] = yaml.safe_dump(asyncapi(), sort_keys=False, width=100)
    return files | openapi.rendered_documents()


def _types(schema: dict[str, Any]) -> set[str]:
    if "type" in schema:
        kinds = schema["type"]
        return set(kinds) if isinstance(kinds, list) else {kinds}
    found: set[str] = set()
    for option in schema.get("anyOf", []):
        found |= _types(option) or {option.get("$ref", "any")}
    return found or ({schema["$ref"]} if "$ref" in schema else {"any"})


def _enum(schema: dict[str, Any]) -> set[Any] | None:
    if "enum" in schema:
        return set(schema["enum"])
    if "const" in schema:
        return {schema["const"]}
    return None


def breaking_changes(old: dict[str, Any], new: dict[str, Any], where: str = "") -> list[str]:
    """What a consumer written against `old` would no longer get from `new`."""
    problems: list[str] = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name, before in old_props.items():
        field = f"{where}{name}"
        if name not in new_props:
            problems.append(f"{field}: removed")
            continue
        after = new_props[name]
        if not _types(after) <= _types(before):
            problems.append(
                f"{field}: type {sorted(_types(before))} became {sorted(_types(after))}"
            )
        old_enum, new_enum = _enum(before), _enum(after)
        if old_enum is not None and (new_enum is None or not new_enum <= old_enum):
            problems.append(f"{field}: may now carry values outside {sorted(map(str, old_enum))}")
    for name in set(old.get("required", [])) - set(new.get("required", [])):
        problems.append(f"{where}{name}: no longer always present")
    for name, before in old.get("$defs", {}).items():
        after = new.get("$defs", {}).get(name)
        if after is not None:
            problems += breaking_changes(before, after, f"{where}{name}.")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = parser.parse_args()
    files = rendered()
    stale = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run `make contracts`)")
        return 1 if stale else 0
    broken = []
    for path in stale:
        if path.parent == openapi.OPENAPI and path.exists():
            broken += [
                f"{path.relative_to(ROOT)}: {p}"
                for p in openapi.breaking_changes(path.read_text(), files[path])
            ]
        elif path.suffix == ".json" and path.exists():
            broken += [
                f"{path.relative_to(ROOT)}: {p}"
                for p in breaking_changes(json.loads(path.read_text()), json.loads(files[path]))
            ]
    if broken:
        print(
            "breaking changes within a topic version or an API version (publish a .v2 topic"
            " or a new path instead):"
        )
        print("\n".join(f"  {b}" for b in broken))
        return 1
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path])
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
