# ruff: noqa: RUF001 (Chinese text is written with full-width commas)
"""Automation's firings carried out by intake: each of its actions through the change command a
person's change takes, all of a firing in one transaction, once, every event naming the firing
(`caused_by`), and every firing on the ticket's timeline as people read it."""

import uuid
from typing import Any

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys, announce_team, ticket_body
from tests.support.clock import MONDAY
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import AutomationCause, MacroApplied, RuleFired, RuleSuppressed
from ticketflow_common.events.automation import (
    Action,
    AddNote,
    AddReply,
    AddTags,
    Assign,
    Escalate,
    RemoveTags,
    SetCategory,
    SetCustomFields,
    SetPriority,
    SetStatus,
    SetTeam,
)
from ticketflow_intake.commands import automation_actions

pytestmark = pytest.mark.integration

RULE = uuid.uuid4()
ACKNOWLEDGEMENT = "您好，我们已收到您关于打印机的请求，工程师会尽快联系您。"


def fired(ticket_id: str, *actions: Action, rule_id: uuid.UUID = RULE, depth: int = 1) -> RuleFired:
    """Rule 紧急打印机 firing on a ticket's creation, asking `actions`."""
    firing = uuid.uuid4()
    return RuleFired(
        ticket_id=uuid.UUID(ticket_id),
        firing_id=firing,
        actions=list(actions),
        caused_by=AutomationCause(kind="rule", firing_id=firing, rule_id=rule_id, depth=depth),
        rule_id=rule_id,
        rule_name="紧急打印机",
        rule_version=2,
        trigger="event",
        trigger_event_id=uuid.uuid4(),
        trigger_event_type="ticket.created",
        why=["ticket.subject contains 打印机"],
        fired_at=MONDAY,
    )


def applied_macro(ticket_id: str, *actions: Action, actor: str = "u-7") -> MacroApplied:
    application, macro = uuid.uuid4(), uuid.uuid4()
    return MacroApplied(
        ticket_id=uuid.UUID(ticket_id),
        firing_id=application,
        actions=list(actions),
        caused_by=AutomationCause(kind="macro", firing_id=application, macro_id=macro),
        macro_id=macro,
        macro_name="打印机回复",
        actor_id=actor,
        applied_at=MONDAY,
    )


async def file(api: IntakeApi, keys: Keys, **fields: Any) -> str:
    async with api.client(keys.requester) as requester:
        filed = await requester.post(
            "/tickets", json=ticket_body(keys.requester_id, subject="打印机卡纸了", **fields)
        )
    assert filed.status_code == 201, filed.text
    ticket_id: str = filed.json()["id"]
    return ticket_id


async def read(api: IntakeApi, keys: Keys, ticket_id: str, what: str = "") -> Any:
    async with api.client(keys.agent) as agent:
        answer = await agent.get(f"/tickets/{ticket_id}{what}")
    assert answer.status_code == 200, answer.text
    return answer.json()


async def automation_entries(api: IntakeApi, keys: Keys, ticket_id: str) -> list[dict[str, Any]]:
    timeline = (await read(api, keys, ticket_id, "/timeline"))["items"]
    return [e for e in timeline if e["type"] in ("rule.fired", "macro.applied", "rule.suppressed")]


async def deliver(api: IntakeApi, event: RuleFired | MacroApplied) -> list[Any]:
    """Deliver the firing; the events it made (each carrying its `caused_by`)."""
    before = len(await api.outbox_events(str(event.ticket_id)))
    assert await api.deliver(event) == "processed"
    after = (await api.outbox_events(str(event.ticket_id)))[before:]
    for e in after:
        assert AutomationCause.model_validate(e["data"]["caused_by"]) == event.caused_by, e
    return after


ACTIONS: list[tuple[Action, str, dict[str, Any]]] = [
    (SetPriority(priority="urgent"), "ticket.updated", {"priority": "urgent"}),
    (SetCategory(category="hardware"), "ticket.updated", {"category": "hardware"}),
    (AddTags(tags=["打印机", "vip"]), "ticket.updated", {"tags": ["floor-3", "打印机", "vip"]}),
    (RemoveTags(tags=["floor-3", "absent"]), "ticket.updated", {"tags": []}),
    (
        SetCustomFields(fields={"asset_id": "PR-3F-01", "old_ref": None}),
        "ticket.updated",
        {"custom_fields": {"keep": "保留", "asset_id": "PR-3F-01"}},
    ),
    (SetTeam(team="facilities"), "ticket.transferred", {"team": "facilities"}),
    (SetStatus(status="in_progress"), "ticket.status_changed", {"status": "in_progress"}),
    (AddNote(body="检查三楼打印机"), "ticket.commented", {}),
    (AddReply(body=ACKNOWLEDGEMENT), "ticket.commented", {"first_response_at": None}),
    (Escalate(reason="打印机全部停机"), "ticket.escalated", {"escalation_level": 1}),
]


@pytest.mark.parametrize(("action", "event_type", "after"), ACTIONS, ids=lambda v: str(v)[:30])
async def test_each_action_changes_the_ticket_and_names_the_firing(
    api: IntakeApi, keys: Keys, action: Action, event_type: str, after: dict[str, Any]
) -> None:
    await announce_team(api, "facilities")
    async with api.admin as admin:
        put = await admin.put("/categories/hardware", json={"name": "硬件"})
    assert put.status_code == 200, put.text
    fields = {"keep": "保留", "old_ref": 7}
    ticket_id = await file(api, keys, tags=["floor-3"], custom_fields=fields)

    events = await deliver(api, fired(ticket_id, action))

    assert [e["type"] for e in events] == [event_type]
    data = events[0]["data"]
    ticket = await read(api, keys, ticket_id)
    assert {k: ticket[k] for k in after} == after
    # Every event carries the ticket's facts after the change, automation's included.
    for fact in ("subject", "tags", "custom_fields", "escalation_level", "status", "version"):
        assert data[fact] == ticket[fact], fact
    if event_type == "ticket.commented":
        assert (data["author_role"], data["author_id"]) == ("system", f"automation:rule:{RULE}")
        assert data["first_response"] is False
    if event_type in ("ticket.updated", "ticket.transferred", "ticket.escalated"):
        assert data["actor_id"] == f"automation:rule:{RULE}"
    if event_type == "ticket.status_changed":
        assert (data["actor_id"], data["actor_role"]) == (f"automation:rule:{RULE}", "system")
        assert data["reason"] == "rule 紧急打印机"
    [entry] = await automation_entries(api, keys, ticket_id)
    assert entry["outcomes"] == [{"type": action.type, "applied": True, "detail": None}]


async def test_one_firing_with_several_actions_is_one_change_on_the_timeline(
    api: IntakeApi, keys: Keys
) -> None:
    await announce_team(api, "facilities")
    ticket_id = await file(api, keys)
    firing = fired(
        ticket_id,
        SetPriority(priority="urgent"),
        SetTeam(team="facilities"),
        AddTags(tags=["打印机"]),
        Assign(),
        AddNote(body="已转交后勤"),
    )

    events = await deliver(api, firing)

    assert [e["type"] for e in events] == [
        "ticket.updated",
        "ticket.transferred",
        "ticket.updated",
        "ticket.commented",
    ]
    assert [e["data"]["version"] for e in events] == [2, 3, 4, 5]
    assert events[-1]["data"]["priority"] == "urgent"
    assert events[-1]["data"]["team"] == "facilities"
    [entry] = await automation_entries(api, keys, ticket_id)
    assert entry["summary"] == (
        "Rule 紧急打印机 fired on ticket.created: ticket.subject contains 打印机"
        " → priority urgent, team facilities, tags +打印机, assign to the best agent, internal note"
    )
    assert [o["type"] for o in entry["outcomes"]] == [
        "set_priority",
        "set_team",
        "add_tags",
        "add_note",
    ], "assign is routing's to carry out and to report"
    assert entry["data"]["firing_id"] == str(firing.firing_id)


async def test_a_firing_failing_midway_leaves_nothing_and_applies_whole_when_redelivered(
    api: IntakeApi, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket_id = await file(api, keys)
    firing = api.harness.envelope(
        fired(ticket_id, SetPriority(priority="urgent"), AddTags(tags=["打印机"]))
    )
    before = await api.outbox_events(ticket_id)

    async def broken(**_: Any) -> bool:
        raise ConnectionResetError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(automation_actions, "set_outcomes", broken)
        with pytest.raises(ConnectionResetError):
            await api.deliver(firing)
    ticket = await read(api, keys, ticket_id)
    assert (ticket["priority"], ticket["tags"], ticket["version"]) == ("normal", [], 1)
    assert await api.outbox_events(ticket_id) == before

    assert await api.deliver(firing) == "processed"
    ticket = await read(api, keys, ticket_id)
    assert (ticket["priority"], ticket["tags"], ticket["version"]) == ("urgent", ["打印机"], 3)


async def test_a_rule_resolving_a_ticket_names_itself_on_the_survey_it_starts(
    api: IntakeApi, keys: Keys
) -> None:
    async with api.client(keys.requester) as requester:
        body = ticket_body(keys.requester_id, subject="打印机卡纸了")
        body["requester"]["email"] = "li.lei@example.com"
        filed = await requester.post("/tickets", json=body)
    assert filed.status_code == 201, filed.text
    ticket_id = filed.json()["id"]

    events = await deliver(api, fired(ticket_id, SetStatus(status="resolved", reason="自动关闭")))

    assert [e["type"] for e in events] == ["ticket.status_changed", "ticket.survey_requested"]
    assert events[0]["data"]["reason"] == "自动关闭"
    timeline = (await read(api, keys, ticket_id, "/timeline"))["items"]
    assert [e["type"] for e in timeline] == [
        "ticket.created",
        "rule.fired",
        "ticket.status_changed",
        "ticket.survey_requested",
    ], "the firing, then what it did"


async def test_a_firing_delivered_twice_has_one_effect(api: IntakeApi, keys: Keys) -> None:
    ticket_id = await file(api, keys)
    event = fired(ticket_id, SetPriority(priority="urgent"), Escalate(reason="全楼停机"))
    envelope = api.harness.envelope(event)

    assert await api.deliver(envelope) == "processed"
    after_first = await api.outbox_events(ticket_id)
    assert await api.deliver(envelope) == "duplicate"
    # The same firing under another event id (a re-published one) is still one firing.
    again = Envelope.model_validate(envelope.model_dump() | {"id": uuid.uuid4()})
    assert await api.deliver(again) == "processed"

    assert await api.outbox_events(ticket_id) == after_first
    assert [e["type"] for e in after_first[1:]] == ["ticket.updated", "ticket.escalated"]
    ticket = await read(api, keys, ticket_id)
    assert (ticket["escalation_level"], ticket["version"]) == (1, 3)
    assert len(await automation_entries(api, keys, ticket_id)) == 1


async def test_a_second_firing_asking_the_same_changes_nothing(api: IntakeApi, keys: Keys) -> None:
    await announce_team(api, "facilities")
    ticket_id = await file(api, keys, tags=["打印机"])
    asks: list[Action] = [
        SetPriority(priority="urgent"),
        SetTeam(team="facilities"),
        AddTags(tags=["打印机"]),
        SetCustomFields(fields={"floor": 3}),
        SetStatus(status="in_progress"),
    ]
    first = await deliver(api, fired(ticket_id, *asks))
    assert len(first) == 4, "the tag was already there"

    second = await deliver(api, fired(ticket_id, *asks))

    assert second == []
    assert (await read(api, keys, ticket_id))["version"] == 5
    entries = await automation_entries(api, keys, ticket_id)
    assert len(entries) == 2
    assert [o["applied"] for o in entries[1]["outcomes"]] == [False] * 5
    assert entries[1]["summary"] == (
        "Rule 紧急打印机 fired on ticket.created: ticket.subject contains 打印机"
        " → priority urgent (already urgent), team facilities (already with team facilities),"
        " tags +打印机 (already tagged 打印机), custom fields floor=3 (custom fields already so),"
        " status in_progress (already in_progress)"
    )


async def test_a_refused_action_is_on_the_timeline_and_the_others_still_apply(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    async with api.client(keys.agent) as agent:
        moved = await agent.post(f"/tickets/{ticket_id}/status", json={"status": "resolved"})
    assert moved.status_code == 200, moved.text

    events = await deliver(
        api,
        fired(
            ticket_id,
            SetStatus(status="in_progress"),
            SetPriority(priority="high"),
            SetTeam(team="nowhere"),
            AddNote(body="已解决的工单又收到了提醒"),
        ),
    )

    assert [e["type"] for e in events] == ["ticket.updated", "ticket.commented"]
    ticket = await read(api, keys, ticket_id)
    assert (ticket["status"], ticket["priority"], ticket["team"]) == ("resolved", "high", None)
    [entry] = await automation_entries(api, keys, ticket_id)
    refusal = "refused: a ticket in status 'resolved' cannot move to 'in_progress'"
    assert entry["outcomes"] == [
        {"type": "set_status", "applied": False, "detail": refusal},
        {"type": "set_priority", "applied": True, "detail": None},
        {
            "type": "set_team",
            "applied": False,
            "detail": "refused: team: no team 'nowhere' is known to routing",
        },
        {"type": "add_note", "applied": True, "detail": None},
    ]
    assert f"status in_progress ({refusal})" in entry["summary"]


async def test_an_automatic_reply_reaches_the_requester_and_is_no_first_response(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)

    [commented] = await deliver(api, fired(ticket_id, AddReply(body=ACKNOWLEDGEMENT)))

    assert commented["data"]["body"] == ACKNOWLEDGEMENT
    assert (commented["data"]["public"], commented["data"]["first_response"]) == (True, False)
    async with api.client(keys.requester) as requester:
        conversation = (await requester.get(f"/tickets/{ticket_id}/comments")).json()["items"]
        timeline = (await requester.get(f"/tickets/{ticket_id}/timeline")).json()["items"]
    assert [(c["body"], c["author_role"]) for c in conversation] == [(ACKNOWLEDGEMENT, "system")]
    assert not [e for e in timeline if e["type"] == "rule.fired"], "rules are staff's to see"
    assert (await read(api, keys, ticket_id))["first_response_at"] is None

    # The agent's reply after it is the first response.
    async with api.client(keys.agent) as agent:
        reply = await agent.post(f"/tickets/{ticket_id}/comments", json={"body": "马上到"})
    assert reply.status_code == 201
    last = (await api.outbox_events(ticket_id))[-1]["data"]
    assert (last["first_response"], last["caused_by"]) == (True, None)


async def test_a_macro_acts_as_the_agent_who_applied_it(api: IntakeApi, keys: Keys) -> None:
    ticket_id = await file(api, keys)
    macro = applied_macro(
        ticket_id, SetStatus(status="waiting_on_customer"), AddReply(body="请发送打印机型号")
    )

    events = await deliver(api, macro)

    assert [e["type"] for e in events] == ["ticket.status_changed", "ticket.commented"]
    status, reply = (e["data"] for e in events)
    assert (status["actor_id"], status["actor_role"], status["reason"]) == (
        "u-7",
        "agent",
        "macro 打印机回复",
    )
    assert (reply["author_id"], reply["author_role"], reply["first_response"]) == (
        "u-7",
        "agent",
        True,
    )
    assert (await read(api, keys, ticket_id))["first_response_at"] is not None
    [entry] = await automation_entries(api, keys, ticket_id)
    assert entry["summary"] == (
        "Macro 打印机回复 applied by u-7 → status waiting_on_customer, public reply"
    )


async def test_a_stopped_rule_and_a_firing_of_routings_actions_show_on_the_timeline(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    stopped = RuleSuppressed(
        ticket_id=uuid.UUID(ticket_id),
        rule_id=RULE,
        rule_name="紧急打印机",
        reason="firing_limit",
        limit=3,
        window_minutes=60,
        suppressed_at=MONDAY,
    )
    assert await api.deliver(stopped) == "processed"
    assert await deliver(api, fired(ticket_id, Assign())) == []

    entries = await automation_entries(api, keys, ticket_id)

    assert [e["summary"] for e in entries] == [
        "Rule 紧急打印机 stopped: fired 3 times in 60 minutes",
        "Rule 紧急打印机 fired on ticket.created: ticket.subject contains 打印机"
        " → assign to the best agent",
    ]
    assert entries[1]["outcomes"] == []


async def test_a_firing_for_a_ticket_intake_does_not_know_is_ignored(api: IntakeApi) -> None:
    unknown = str(uuid.uuid4())
    assert await api.deliver(fired(unknown, SetPriority(priority="urgent"))) == "processed"
    assert await api.outbox_events(unknown) == []


async def test_approvers_see_firings_without_the_text_of_internal_notes(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    await deliver(
        api, fired(ticket_id, AddNote(body="内部：供应商合同到期"), AddReply(body="好的"))
    )

    async with api.client(keys.approver) as approver:
        timeline = (await approver.get(f"/tickets/{ticket_id}/timeline")).json()["items"]

    [entry] = [e for e in timeline if e["type"] == "rule.fired"]
    assert "内部" not in str(entry)
    assert [a.get("body") for a in entry["data"]["actions"]] == [None, "好的"]
