"""What actions would do to a ticket: the lines a preview and a dry run show, and the state."""

from uuid import UUID, uuid4

import pytest
from pydantic import TypeAdapter

from ticketflow_automation.domain.action_effects import allowed_next, apply_actions, excerpt
from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_common.events.automation import Action
from ticketflow_common.events.common import TicketStatus
from ticketflow_intake.domain import lifecycle

ACTIONS: TypeAdapter[list[Action]] = TypeAdapter(list[Action])
TICKET = UUID("00000000-0000-0000-0000-000000000018")


def state(**fields: object) -> TicketState:
    return TicketState.model_validate({"ticket_id": TICKET, **fields})


def effect(before: TicketState, *actions: dict[str, object]) -> tuple[TicketState, list[str]]:
    return apply_actions(before, ACTIONS.validate_python(list(actions)))


def test_fields_change_with_one_line_each() -> None:
    after, changes = effect(
        state(priority="normal", team="service-desk"),
        {"type": "set_priority", "priority": "urgent"},
        {"type": "set_category", "category": "hardware"},
        {"type": "set_team", "team": "network"},
    )
    assert (after.priority, after.category, after.team) == ("urgent", "hardware", "network")
    assert changes == [
        "priority: normal → urgent",
        "category: none → hardware",
        "team: service-desk → network",
    ]


def test_an_action_finding_the_ticket_as_asked_changes_nothing() -> None:
    before = state(priority="urgent", tags=["打印机"], status="open")
    after, changes = effect(
        before,
        {"type": "set_priority", "priority": "urgent"},
        {"type": "add_tags", "tags": ["打印机"]},
        {"type": "remove_tags", "tags": ["vip"]},
        {"type": "set_status", "status": "open"},
        {"type": "unassign"},
    )
    assert after == before
    assert changes == []


def test_tags_are_added_once_and_removed_in_order() -> None:
    after, changes = effect(
        state(tags=["vip", "网络"]),
        {"type": "add_tags", "tags": ["打印机", "vip", "打印机"]},
        {"type": "remove_tags", "tags": ["网络", "网络"]},
    )
    assert after.tags == ["vip", "打印机"]
    assert changes == ["tags + 打印机", "tags - 网络"]


def test_custom_fields_are_set_and_cleared_and_the_others_kept() -> None:
    after, changes = effect(
        state(custom_fields={"楼层": "3", "asset": "PR-1", "keep": True}),
        {"type": "set_custom_fields", "fields": {"asset": None, "floor": 4, "keep": True}},
        {"type": "set_custom_fields", "fields": {"missing": None}},
    )
    assert after.custom_fields == {"楼层": "3", "keep": True, "floor": 4}
    assert changes == ["custom_fields.asset: PR-1 → cleared", "custom_fields.floor: none → 4"]


def test_status_moves_as_the_lifecycle_allows() -> None:
    after, changes = effect(
        state(status="open"), {"type": "set_status", "status": "resolved", "reason": "已修好"}
    )
    assert after.status == "resolved"
    assert changes == ["status: open → resolved (已修好)"]


@pytest.mark.parametrize(
    ("current", "target"),
    [("resolved", "open"), ("pending_approval", "open"), ("open", "new"), ("closed", "open")],
)
def test_a_refused_move_is_a_line_that_says_so_and_leaves_the_status(
    current: str, target: str
) -> None:
    before = state(status=current)
    after, changes = effect(before, {"type": "set_status", "status": target})
    assert after == before
    assert len(changes) == 1
    assert changes[0].startswith("status")
    assert "would not happen" in changes[0]


def test_a_closed_ticket_refuses_intake_actions_but_notifications_are_described() -> None:
    before = state(status="closed", priority="low")
    after, changes = effect(
        before,
        {"type": "set_priority", "priority": "urgent"},
        {"type": "add_note", "body": "已关闭"},
        {"type": "notify", "target": "team_lead", "message": "请看一下"},
    )
    assert after == before
    assert changes == [
        "priority: would not happen: a closed ticket is final",
        "internal note: would not happen: a closed ticket is final",
        "notify team_lead: 请看一下",
    ]


def test_each_action_sees_the_ticket_the_ones_before_it_left() -> None:
    after, changes = effect(
        state(status="open"),
        {"type": "set_status", "status": "closed"},
        {"type": "set_priority", "priority": "high"},
    )
    assert (after.status, after.priority) == ("closed", "normal")
    assert changes[1] == "priority: would not happen: a closed ticket is final"


def test_escalation_counts_up_once_per_action() -> None:
    after, changes = effect(
        state(escalation_level=1),
        {"type": "escalate", "reason": "客户投诉"},
        {"type": "escalate", "reason": "again"},
    )
    assert after.escalation_level == 3
    assert changes == ["escalation_level: 1 → 2 (客户投诉)", "escalation_level: 2 → 3 (again)"]


def test_assign_and_unassign() -> None:
    agent, other = uuid4(), uuid4()
    after, changes = effect(
        state(assignee_id=agent),
        {"type": "unassign"},
        {"type": "assign", "agent_id": str(other)},
        {"type": "assign", "agent_id": str(other)},
    )
    assert after.assignee_id == other
    assert changes == [
        f"assignee: {agent} → none (back to the team's queue)",
        f"assignee: none → {other}",
    ]
    picked, lines = effect(state(), {"type": "assign"})
    assert picked.assignee_id is None
    assert lines == ["assignee: none → the best other eligible agent"]


def test_notes_replies_notifications_and_webhooks_are_described() -> None:
    endpoint = uuid4()
    before = state()
    after, changes = effect(
        before,
        {"type": "add_note", "body": "打印机\n卡纸"},
        {"type": "add_reply", "body": "您好。我们正在处理。"},
        {"type": "notify", "target": "team:network", "message": "m", "subject": "紧急"},
        {"type": "call_webhook", "endpoint_id": str(endpoint)},
    )
    assert after == before
    assert changes == [
        "internal note: 打印机 卡纸",
        "public reply: 您好。我们正在处理。",
        "notify team:network: 紧急",
        f"webhook: call endpoint {endpoint}",
    ]


def test_long_text_is_cut_to_an_excerpt() -> None:
    text = "打" * 200
    assert len(excerpt(text)) == 80
    assert excerpt(text).endswith("…")
    assert excerpt("short") == "short"


@pytest.mark.parametrize("status", list(lifecycle.TRANSITIONS))
def test_the_restated_lifecycle_is_intakes(status: TicketStatus) -> None:
    assert list(allowed_next(status)) == lifecycle.allowed_next(status)
