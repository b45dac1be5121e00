"""TEMPORARY (macros branch): the engine's two template signatures with a minimal body, so
macros can be built before h/engine lands; reverted when it is merged."""

from collections.abc import Sequence

from jinja2 import ChainableUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_common.events.automation import Action, AddNote, AddReply, Notify

_ENV = SandboxedEnvironment(autoescape=False, undefined=ChainableUndefined)
_TEXT_FIELDS = {"add_note": ("body",), "add_reply": ("body",), "notify": ("message", "subject")}


def render_actions(
    actions: Sequence[Action], *, state: TicketState, rule_name: str
) -> list[Action]:
    """The actions with their template fields rendered against the ticket."""
    context = {"ticket": state.model_dump(mode="json"), "rule": {"name": rule_name}}
    rendered: list[Action] = []
    for action in actions:
        if isinstance(action, AddNote | AddReply | Notify):
            update = {
                name: _ENV.from_string(value).render(context)
                for name in _TEXT_FIELDS[action.type]
                if isinstance(value := getattr(action, name), str)
            }
            action = action.model_copy(update=update)
        rendered.append(action)
    return rendered


def template_errors(actions: Sequence[Action]) -> list[tuple[tuple[str | int, ...], str]]:
    """(loc, message) for every template field that does not parse."""
    errors: list[tuple[tuple[str | int, ...], str]] = []
    for index, action in enumerate(actions):
        for name in _TEXT_FIELDS.get(action.type, ()):
            value = getattr(action, name)
            if isinstance(value, str):
                try:
                    _ENV.parse(value)
                except TemplateError as exc:
                    errors.append((("actions", index, name), f"not a valid template: {exc}"))
    return errors
