"""What automation's actions ask of a ticket, who carries them out, how the timeline reads them,
and the facts every ticket event intake emits carries (automation's conditions read them)."""

import uuid
from typing import Any

import pytest

from tests.support.clock import MONDAY
from tests.unit.intake.examples import ticket
from ticketflow_common.events import TicketFacts
from ticketflow_common.events.automation import (
    Action,
    ActionOutcome,
    AddNote,
    AddReply,
    AddTags,
    Assign,
    CallWebhook,
    Escalate,
    Notify,
    RemoveTags,
    SetCategory,
    SetCustomFields,
    SetPriority,
    SetStatus,
    SetTeam,
    Unassign,
)
from ticketflow_intake.domain import ticket_events
from ticketflow_intake.domain.access import (
    actor_role,
    author_role_of,
    macro_principal,
    rule_principal,
)
from ticketflow_intake.domain.automation_actions import AlreadySo, NotPossible, step_for
from ticketflow_intake.domain.automation_timeline import describe, describe_action
from ticketflow_intake.domain.conversation import Comment, NewComment, NewFeedback
from ticketflow_intake.domain.surveys import Survey, SurveyAnswer
from ticketflow_intake.domain.tickets import Escalation, StatusChange, TicketPatch, Transfer

BY = "rule 紧急打印机"


def test_an_action_asks_the_change_a_person_would_make() -> None:
    t = ticket(tags=["floor-3"], custom_fields={"keep": "k", "old": 1})
    assert step_for(t, SetPriority(priority="urgent"), by=BY) == TicketPatch(priority="urgent")
    assert step_for(t, SetCategory(category="hardware"), by=BY) == TicketPatch(category="hardware")
    assert step_for(t, AddTags(tags=["打印机", "floor-3", "打印机"]), by=BY) == TicketPatch(
        tags=["floor-3", "打印机"]
    )
    assert step_for(t, RemoveTags(tags=["floor-3"]), by=BY) == TicketPatch(tags=[])
    assert step_for(
        t, SetCustomFields(fields={"old": None, "asset": "PR-1"}), by=BY
    ) == TicketPatch(custom_fields={"keep": "k", "asset": "PR-1"})
    assert step_for(t, SetTeam(team="facilities"), by=BY) == Transfer(team="facilities", reason=BY)
    assert step_for(t, SetStatus(status="open"), by=BY) == StatusChange(status="open", reason=BY)
    assert step_for(t, SetStatus(status="open", reason="客户已回复"), by=BY) == StatusChange(
        status="open", reason="客户已回复"
    )
    assert step_for(t, AddNote(body="内部"), by=BY) == NewComment(body="内部", public=False)
    assert step_for(t, AddReply(body="您好"), by=BY) == NewComment(body="您好", public=True)
    assert step_for(t, Escalate(reason="停机"), by=BY) == Escalation(reason="停机")


@pytest.mark.parametrize(
    "action",
    [
        SetPriority(priority="high"),
        SetCategory(category="network"),
        AddTags(tags=["vip"]),
        RemoveTags(tags=["absent"]),
        SetCustomFields(fields={"n": 1, "gone": None}),
        SetTeam(team="net"),
        SetStatus(status="waiting_on_customer"),
    ],
    ids=lambda a: a.type,
)
def test_an_action_finding_the_ticket_as_asked_changes_nothing(action: Action) -> None:
    t = ticket(tags=["vip"], custom_fields={"n": 1})
    assert isinstance(step_for(t, action, by=BY), AlreadySo)


def test_a_custom_field_of_another_type_is_a_change() -> None:
    """`True == 1` in Python; not in a custom field."""
    t = ticket(custom_fields={"flag": 1})
    assert step_for(t, SetCustomFields(fields={"flag": True}), by=BY) == TicketPatch(
        custom_fields={"flag": True}
    )


def test_an_action_no_valid_change_can_make_is_refused_naming_why() -> None:
    full = ticket(tags=[f"t{i}" for i in range(20)])
    step = step_for(full, AddTags(tags=["one-more"]), by=BY)
    assert isinstance(step, NotPossible)
    assert step.detail.startswith("tags:")
    huge = step_for(ticket(), SetCustomFields(fields={"n": 2**60}), by=BY)
    assert isinstance(huge, NotPossible)
    assert huge.detail.startswith("custom_fields.n")
    assert isinstance(step_for(ticket(), Unassign(), by=BY), NotPossible)


def test_a_long_rule_name_still_gives_a_valid_reason() -> None:
    step = step_for(ticket(), SetTeam(team="facilities"), by="rule " + "长" * 600)
    assert isinstance(step, Transfer)
    assert len(step.reason) == 500


def test_a_rule_acts_as_the_system_and_a_macro_as_its_agent() -> None:
    rule, macro = uuid.uuid4(), uuid.uuid4()
    by_rule, by_macro = rule_principal(rule), macro_principal(macro, "u-7")
    assert by_rule.subject == f"automation:rule:{rule}"
    assert (actor_role(by_rule), author_role_of(by_rule)) == ("system", "system")
    assert not by_rule.sees_only_own, "a rule acts on any ticket"
    assert by_macro.subject == "u-7"
    assert (actor_role(by_macro), author_role_of(by_macro)) == ("agent", "agent")


@pytest.mark.parametrize(
    ("action", "text"),
    [
        (SetPriority(priority="urgent"), "priority urgent"),
        (SetCategory(category="hardware"), "category hardware"),
        (SetTeam(team="facilities"), "team facilities"),
        (SetStatus(status="resolved"), "status resolved"),
        (AddTags(tags=["vip", "打印机"]), "tags +vip +打印机"),
        (RemoveTags(tags=["vip"]), "tags -vip"),
        (SetCustomFields(fields={"floor": 3, "old": None}), "custom fields floor=3 old cleared"),
        (AddNote(body="x"), "internal note"),
        (AddReply(body="x"), "public reply"),
        (Escalate(reason="停机"), "escalate (停机)"),
        (Assign(), "assign to the best agent"),
        (Unassign(), "unassign"),
        (Notify(target="team_lead", message="m"), "notify team_lead"),
    ],
    ids=lambda v: getattr(v, "type", None) or str(v),
)
def test_each_action_reads_as_a_few_words(action: Action, text: str) -> None:
    assert describe_action(action) == text


def test_a_webhook_action_names_its_endpoint() -> None:
    endpoint = uuid.uuid4()
    assert describe_action(CallWebhook(endpoint_id=endpoint)) == f"webhook {endpoint}"


def rule_fired(**data: Any) -> dict[str, Any]:
    return {
        "rule_name": "紧急打印机",
        "trigger_event_type": "ticket.created",
        "why": ["ticket.subject contains 打印机"],
        "actions": [
            {"type": "set_priority", "priority": "urgent"},
            {"type": "set_team", "team": "facilities"},
        ],
        **data,
    }


def test_a_firing_reads_as_its_rule_what_fired_it_why_and_what_it_did() -> None:
    assert describe("rule.fired", rule_fired(), None) == (
        "Rule 紧急打印机 fired on ticket.created: ticket.subject contains 打印机"
        " → priority urgent, team facilities"
    )
    timer = rule_fired(trigger_event_type=None, why=["ticket.status eq open", "x gt 1"])
    outcomes = [
        ActionOutcome(type="set_priority", applied=False, detail="already urgent"),
        ActionOutcome(type="set_team", applied=True),
    ]
    assert describe("rule.fired", timer, outcomes) == (
        "Rule 紧急打印机 fired when its time came: ticket.status eq open and x gt 1"
        " → priority urgent (already urgent), team facilities"
    )


def test_a_macro_and_a_stopped_rule_read_as_people_say_them() -> None:
    macro = {"macro_name": "X", "actor_id": "u-7", "actions": [{"type": "unassign"}]}
    assert describe("macro.applied", macro, []) == "Macro X applied by u-7 → unassign"
    limit = {"rule_name": "Y", "reason": "firing_limit", "limit": 3, "window_minutes": 60}
    assert describe("rule.suppressed", limit, None) == "Rule Y stopped: fired 3 times in 60 minutes"
    depth = {"rule_name": "Y", "reason": "chain_depth", "limit": 5, "window_minutes": 0}
    assert describe("rule.suppressed", depth, None) == (
        "Rule Y stopped: a chain of rules deeper than 5"
    )
    assert describe("ticket.updated", {"changed": ["priority"]}, None) is None


def test_an_unreadable_action_is_named_by_its_type() -> None:
    data = rule_fired(actions=[{"type": "teleport"}, {"type": "set_priority", "priority": "high"}])
    assert describe("rule.fired", data, None) == (
        "Rule 紧急打印机 fired on ticket.created: ticket.subject contains 打印机"
        " → teleport, priority high"
    )


def every_ticket_event(t: Any) -> list[TicketFacts]:
    """One of each event the builders make, of the ticket `t`."""
    comment = Comment(
        id=uuid.uuid4(), ticket_id=t.id, author_id="a", author_role="agent", public=True,
        body="好", created_at=MONDAY,
    )  # fmt: skip
    survey = Survey(
        survey_id=uuid.uuid4(), ticket_id=t.id, cycle=1, status="open", invited_at=MONDAY,
        reminder_due_at=None, reminded_at=None, expires_at=MONDAY, rating=None, resolved=None,
        comment=None, answered_at=None, follow_up_ticket_id=None,
    )  # fmt: skip
    return [
        ticket_events.created(t),
        ticket_events.updated(t, changed=["tags"], actor_id="a", now=MONDAY),
        ticket_events.status_changed(
            t, t, reason=None, actor_id="a", actor_role="system", now=MONDAY
        ),
        ticket_events.commented(t, comment, first_response=False, now=MONDAY),
        ticket_events.solution_marked(t, comment, marked_by="a", now=MONDAY),
        ticket_events.feedback_received(t, NewFeedback(rating=5), now=MONDAY),
        ticket_events.transferred(t, t, reason="r", actor_id="a", now=MONDAY),
        ticket_events.escalated(t, reason="r", actor_id="a", now=MONDAY),
        ticket_events.survey_requested(t, survey, reminder=False, now=MONDAY),
        ticket_events.survey_answered(t, survey, SurveyAnswer(rating=4), now=MONDAY),
        ticket_events.feedback_negative(
            t, rating=1, comment=None, survey_id=None, follow_up_ticket_id=uuid.uuid4(), now=MONDAY
        ),
    ]


def test_every_ticket_event_carries_the_facts_automation_reads() -> None:
    t = ticket(
        subject="打印机卡纸", tags=["打印机", "floor-3"], custom_fields={"asset": "PR-1", "n": 2},
        escalation_level=2,
    )  # fmt: skip
    events = every_ticket_event(t)
    assert len({type(e) for e in events}) == len(events)
    for event in events:
        facts = (event.subject, event.tags, event.custom_fields, event.escalation_level)
        assert facts == (t.subject, t.tags, t.custom_fields, 2), type(event).__name__
        assert event.caused_by is None, "only a firing's changes name one"
