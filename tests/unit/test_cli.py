"""The `ticketflow` CLI's pure parts: help, event lines, dead-letter views, settings."""

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from ticketflow_cli.app import app
from ticketflow_cli.commands.follow import EventFilter
from ticketflow_cli.commands.ticket_state import decision_detail, duration
from ticketflow_cli.dead_letters import (
    dead_letter_topics,
    replay_headers,
    source_topic_of,
    view_of,
)
from ticketflow_cli.event_summary import short, summarise
from ticketflow_cli.failures import CommandFailed, ExitCode
from ticketflow_cli.kafka_reading import resolve_topic
from ticketflow_cli.settings import CliSettings, load_settings
from ticketflow_common.consumer import DeadLetter
from ticketflow_common.topics import IDENTITY, NOTIFY, ROUTING, SLA, TICKETS

COMMANDS = [
    (),
    ("tickets",),
    ("tickets", "create"),
    ("tickets", "list"),
    ("tickets", "show"),
    ("follow",),
    ("sla", "show"),
    ("routing", "show"),
    ("dlq", "list"),
    ("dlq", "replay"),
    ("deliveries", "list"),
    ("deliveries", "show"),
    ("deliveries", "replay"),
    ("demo", "seed"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "ticketflow")
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "Usage: ticketflow" in result.output


def test_a_ticket_line_says_what_happened() -> None:
    assert (
        summarise(
            "ticket.created",
            {"priority": "high", "status": "new", "team": None, "subject": "VPN drops"},
        )
        == "priority=high status=new 'VPN drops'"
    )
    assert (
        summarise(
            "ticket.status_changed", {"previous_status": "new", "status": "open", "reason": "ok"}
        )
        == "new -> open reason=ok"
    )
    assert summarise("ticket.assigned", {"agent_name": "Grace", "team": "net"}) == (
        "to Grace team=net"
    )
    assert (
        summarise(
            "sla.breached",
            {
                "metric": "first_response",
                "policy": "urgent",
                "due_at": "2030-01-02T03:04:05.6+00:00",
            },
        )
        == "metric=first_response policy=urgent due_at=2030-01-02T03:04:05Z"
    )


def test_a_line_stays_short() -> None:
    line = summarise("ticket.created", {"subject": "x" * 500}, width=80)
    assert len(line) == 80
    assert line.endswith("…")
    assert short("3f2a9c1e-0000-4000-8000-000000000000") == "3f2a9c1e"
    assert short(None) == "-"
    assert short(["a", "b"]) == "a,b"


def test_follow_filters_by_type_pattern_and_ticket() -> None:
    sla_only = EventFilter(types=("sla.*",), tickets=())
    assert sla_only.keeps({"type": "sla.breached"})
    assert not sla_only.keeps({"type": "ticket.created"})
    one_ticket = EventFilter(types=(), tickets=("t-1",))
    assert one_ticket.keeps({"type": "ticket.created", "subject": "t-1"})
    assert one_ticket.keeps({"type": "sla.met", "subject": "c-9", "data": {"ticket_id": "t-1"}})
    assert not one_ticket.keeps({"type": "ticket.created", "subject": "t-2", "data": {}})


def test_topic_names() -> None:
    assert resolve_topic("tickets") == TICKETS
    assert resolve_topic("sla.events.v1.dlq.notify") == "sla.events.v1.dlq.notify"
    assert set(dead_letter_topics(of=TICKETS)) == {
        f"{TICKETS}.dlq.routing",
        f"{TICKETS}.dlq.sla",
        f"{TICKETS}.dlq.notify",
        f"{TICKETS}.dlq.insights",
        f"{TICKETS}.dlq.knowledge",
        f"{TICKETS}.dlq.mail",
        f"{TICKETS}.dlq.automation",
        f"{TICKETS}.dlq.console",
    }
    assert dead_letter_topics(of=f"{SLA}.dlq.notify") == [f"{SLA}.dlq.notify"]
    assert f"{ROUTING}.dlq.sla" in dead_letter_topics()
    assert set(dead_letter_topics(of=NOTIFY)) == {
        f"{NOTIFY}.dlq.intake",
        f"{NOTIFY}.dlq.automation",
    }
    assert set(dead_letter_topics(of=IDENTITY)) == {
        f"{IDENTITY}.dlq.{service}"
        for service in (
            "intake",
            "routing",
            "sla",
            "notify",
            "insights",
            "knowledge",
            "mail",
            "automation",
        )
    }
    assert source_topic_of(f"{ROUTING}.dlq.sla") == ROUTING


def test_a_dead_letter_shows_why_and_replays_without_dlq_headers() -> None:
    letter = DeadLetter(
        topic=TICKETS,
        partition=4,
        offset=17,
        consumer="sla",
        error_type="ValueError",
        error="boom",
        attempts=3,
    )
    headers = letter.headers([("traceparent", b"00-abc-def-01")])
    value = json.dumps({"id": "e-1", "type": "ticket.created", "subject": "t-1"}).encode()
    view = view_of(
        dlq_topic=f"{TICKETS}.dlq.sla",
        partition=0,
        offset=3,
        timestamp_ms=1_700_000_000_000,
        key=b"t-1",
        value=value,
        headers=headers,
    )
    assert (view.event_id, view.event_type, view.subject) == ("e-1", "ticket.created", "t-1")
    assert view.original_topic == TICKETS
    assert view.original_partition == 4
    assert view.delivery_id is None
    assert view.why["dlq-error"] == "boom"
    assert "traceparent" not in view.why
    assert view.parked_at == datetime.fromtimestamp(1_700_000_000, tz=UTC)

    again = replay_headers(headers, dlq_topic=view.dlq_topic, partition=0, offset=3)
    assert again == [
        ("traceparent", b"00-abc-def-01"),
        ("ticketflow-replayed-from", f"{TICKETS}.dlq.sla/0/3".encode()),
    ]
    as_event = replay_headers(
        headers, dlq_topic=view.dlq_topic, partition=0, offset=3, value=b'{"specversion":"1.0"}'
    )
    assert as_event == [*again, ("content-type", b"application/cloudevents+json; charset=UTF-8")]


def test_a_dead_letter_that_is_not_a_cloudevent_still_shows() -> None:
    view = view_of(
        dlq_topic=f"{TICKETS}.dlq.routing",
        partition=1,
        offset=0,
        timestamp_ms=0,
        key=None,
        value=b"\xff not json",
        headers=[("dlq-delivery-id", b"d-1")],
    )
    assert view.event_type is None
    assert view.value_size == 10
    assert view.original_topic == TICKETS
    assert view.original_partition is None
    assert view.delivery_id == "d-1"


def test_tokens_never_show_in_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_API_TOKEN", "a-very-secret-token-value")
    monkeypatch.setenv("TICKETFLOW_INTAKE_URL", "http://intake.example:8001/")
    settings = CliSettings()
    assert "a-very-secret-token-value" not in repr(settings)
    assert settings.token("intake") == "a-very-secret-token-value"
    assert settings.url("intake") == "http://intake.example:8001"
    monkeypatch.setenv("SLA_API_TOKEN", "")
    assert CliSettings().token("sla") is None


def test_bad_settings_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKETFLOW_NOTIFY_URL", "notify:8004")
    with pytest.raises(CommandFailed) as failure:
        load_settings()
    assert failure.value.code is ExitCode.CONFIGURATION
    assert "TICKETFLOW_NOTIFY_URL" in failure.value.message


def test_durations_and_routing_details() -> None:
    assert duration(3723.4) == "1h 02m 03s"
    assert duration(59) == "0m 59s"
    assert duration(None) == "-"
    detail = {
        "score": {"total": 0.8123, "agent_name": "Grace"},
        "alternatives": [{}, {}],
        "exclusions": [{"agent_name": "Alan", "reasons": ["offline", "at_capacity"]}],
    }
    assert decision_detail(detail) == (
        "score 0.81; 2 alternative(s); excluded Alan: offline,at_capacity"
    )
    assert decision_detail({}) == "-"


@pytest.mark.parametrize(
    "args",
    [
        ["deliveries", "replay"],
        ["deliveries", "replay", "d-1", "--endpoint", "e-1"],
        ["deliveries", "replay", "--endpoint", "e-1", "--since", "2030-01-01T00:00Z"],
        ["dlq", "replay", "tickets.events.v1.dlq.sla"],
        ["dlq", "replay", "tickets.events.v1.dlq.sla", "1"],
        ["dlq", "replay", "tickets.events.v1.dlq.sla", "1", "2", "--all"],
        ["dlq", "replay", "tickets", "--all"],
    ],
    ids=lambda a: " ".join(a),
)
def test_replays_refuse_half_given_targets(args: list[str]) -> None:
    """Caught before any network call: exit 2 with what to give instead."""
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, CommandFailed), result.output
    assert result.exception.code is ExitCode.CONFIGURATION


def test_a_ticket_needs_a_requester_id_or_email() -> None:
    result = CliRunner().invoke(
        app, ["tickets", "create", "--subject", "s"], env={"COLUMNS": "120"}
    )
    assert result.exit_code != 0
    assert "--requester-email" in result.output
