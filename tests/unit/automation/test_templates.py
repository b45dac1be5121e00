"""Templates of notes, replies and notifications: rendered over the ticket and the rule in a
sandbox, refused when they do not compile, never failing a firing."""

import uuid

from ticketflow_automation.domain.templates import render_actions, template_errors
from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_common.events.automation import Action, AddNote, AddReply, Notify, SetPriority

STATE = TicketState(ticket_id=uuid.uuid4(), priority="urgent", subject="打印机卡纸", tags=["vip"])


def test_bodies_messages_and_subjects_render_over_the_ticket_and_the_rule() -> None:
    actions: list[Action] = [
        SetPriority(priority="high"),
        AddNote(body="{{ rule.name }}: {{ ticket.subject }} ({{ ticket.priority }})"),
        AddReply(
            body="您好, 关于「{{ ticket.subject }}」{% if 'vip' in ticket.tags %}, 贵宾{% endif %}"
        ),
        Notify(
            target="owner", subject="  紧急:\n {{ ticket.subject }} ", message="{{ ticket.x.y }}"
        ),
    ]
    rendered = render_actions(actions, state=STATE, rule_name="紧急打印机")
    assert rendered == [
        SetPriority(priority="high"),
        AddNote(body="紧急打印机: 打印机卡纸 (urgent)"),
        AddReply(body="您好, 关于「打印机卡纸」, 贵宾"),
        Notify(target="owner", subject="紧急: 打印机卡纸", message="-"),
    ]


def test_the_sandbox_refuses_unsafe_access_and_the_text_stays_the_template() -> None:
    unsafe = "{{ ticket.__class__.__mro__ }}{{ ''.__class__.__subclasses__() }}"
    [note] = render_actions([AddNote(body=unsafe)], state=STATE, rule_name="r")
    assert isinstance(note, AddNote)
    assert "subclasses" in note.body  # not rendered: the source is kept
    assert "<class" not in note.body


def test_a_template_that_does_not_compile_is_named() -> None:
    actions: list[Action] = [
        SetPriority(priority="high"),
        AddNote(body="{{ ticket.subject "),
        Notify(target="owner", message="ok", subject="{% if %}"),
    ]
    errors = template_errors(actions)
    assert [loc for loc, _ in errors] == [("actions", 1, "body"), ("actions", 2, "subject")]
    assert all(message.startswith("not a valid template") for _, message in errors)
    assert template_errors([AddNote(body="{{ ticket.subject }}")]) == []
