"""The CloudEvents envelope and typed payloads: what integrators parse."""

import json
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from pydantic import ValidationError

from ticketflow_common.cloudevents_kafka import STRUCTURED_CONTENT_TYPE, copied, structured
from ticketflow_common.envelope import Envelope, data_schema_url, new_event
from ticketflow_common.events import EVENT_MODELS, TicketAssigned, TicketCreated
from ticketflow_common.topics import ALL_TOPICS, all_topic_names, dlq_topic


def assigned() -> TicketAssigned:
    return TicketAssigned(
        ticket_id=uuid4(),
        agent_id=uuid4(),
        agent_name="Grace",
        team="network",
        assigned_at=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
    )


def test_new_event_fills_every_required_cloudevents_attribute() -> None:
    data = assigned()
    event = new_event(data, source="/ticketflow/routing", subject=str(data.ticket_id))
    wire = json.loads(event.to_bytes())
    assert wire["specversion"] == "1.0"
    assert wire["type"] == "ticket.assigned"
    assert wire["source"] == "/ticketflow/routing"
    assert wire["subject"] == str(data.ticket_id)
    assert wire["datacontenttype"] == "application/json"
    assert wire["dataschema"] == (
        "https://ticketflow.dev/schemas/routing.events.v1/ticket.assigned.json"
    )
    assert set(wire) == {
        "specversion",
        "id",
        "source",
        "type",
        "time",
        "subject",
        "datacontenttype",
        "dataschema",
        "data",
    }


def test_every_dataschema_names_a_committed_schema_whose_id_it_is() -> None:
    """The URL an event carries is the `$id` of the contract file `tools/contracts.py` wrote."""
    root = Path(__file__).resolve().parents[2] / "contracts" / "events"
    for model in EVENT_MODELS.values():
        committed = json.loads((root / model.topic / f"{model.event_type}.json").read_text())
        assert committed["$id"] == data_schema_url(model)


def test_an_event_written_before_dataschema_reads_and_writes_without_it() -> None:
    """Absent, never null: CloudEvents SDKs refuse a null attribute."""
    old = json.loads(new_event(assigned(), source="/s", subject="x").to_bytes())
    del old["dataschema"]
    back = Envelope.from_bytes(json.dumps(old).encode())
    assert back.dataschema is None
    assert "dataschema" not in json.loads(back.to_bytes())
    assert "dataschema" not in back.model_dump(mode="json")


def test_round_trip_restores_the_typed_payload() -> None:
    data = assigned()
    event = new_event(data, source="/s", subject="x")
    back = Envelope.from_bytes(event.to_bytes())
    assert back == event
    assert back.payload(TicketAssigned) == data


def test_two_events_never_share_an_id() -> None:
    data = assigned()
    ids = {new_event(data, source="/s", subject="x").id for _ in range(1000)}
    assert len(ids) == 1000


def test_fields_added_later_in_the_same_version_are_tolerated() -> None:
    """Additive changes within a topic version must not break older consumers."""
    event = new_event(assigned(), source="/s", subject="x")
    wire = json.loads(event.to_bytes())
    wire["data"]["skills_matched"] = ["network"]
    parsed = Envelope.model_validate(wire).payload(TicketAssigned)
    assert parsed.agent_name == "Grace"


@pytest.mark.parametrize("missing", ["id", "source", "type", "time", "subject", "data"])
def test_an_envelope_missing_a_required_attribute_is_refused(missing: str) -> None:
    wire = json.loads(new_event(assigned(), source="/s", subject="x").to_bytes())
    del wire[missing]
    with pytest.raises(ValidationError) as err:
        Envelope.model_validate(wire)
    assert missing in str(err.value)


def test_a_payload_of_the_wrong_shape_names_the_field() -> None:
    wire = json.loads(new_event(assigned(), source="/s", subject="x").to_bytes())
    wire["data"]["agent_id"] = "not-a-uuid"
    with pytest.raises(ValidationError, match="agent_id"):
        Envelope.model_validate(wire).payload(TicketAssigned)


def test_every_event_type_belongs_to_a_contract_topic() -> None:
    assert {m.topic for m in EVENT_MODELS.values()} <= set(ALL_TOPICS)
    assert EVENT_MODELS["ticket.created"] is TicketCreated


def test_dead_letter_topics_are_named_per_topic_and_consumer() -> None:
    assert dlq_topic("tickets.events.v1", "routing") == "tickets.events.v1.dlq.routing"
    names = all_topic_names()
    assert len(names) == len(set(names))
    assert "sla.events.v1.dlq.notify" in names


def test_structured_headers_carry_exactly_one_content_type_ours() -> None:
    """A copied record's stale `content-type` (any case) is replaced, never doubled."""
    headers = [("traceparent", b"00-a-b-01"), ("Content-Type", b"application/json")]
    assert structured(headers) == [
        ("traceparent", b"00-a-b-01"),
        ("content-type", b"application/cloudevents+json; charset=UTF-8"),
    ]


def test_only_cloudevents_are_labelled_as_cloudevents_when_copied() -> None:
    event = new_event(assigned(), source="/s", subject="x").to_bytes()
    assert copied([], event) == [("content-type", STRUCTURED_CONTENT_TYPE.encode())]
    for not_an_event in (b"{this is not json", b"[1, 2]", b'{"id": "1"}', b"", None):
        assert copied([("traceparent", b"t")], not_an_event) == [("traceparent", b"t")]
