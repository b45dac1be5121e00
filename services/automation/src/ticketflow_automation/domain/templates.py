"""Notes, replies and notifications of rules and macros as sandboxed Jinja2 templates over the
ticket (`{{ ticket.subject }}`) and the rule (`{{ rule.name }}`); rendered before they leave, so
the services carrying them out receive text (as notify's `domain/templates.py` renders)."""

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_common.events.automation import Action, AddNote, AddReply, Notify

Loc = tuple[str | int, ...]
MAX_TEXT_CHARS = 20_000
MAX_SUBJECT_CHARS = 300
EMPTY = "-"
"""What an action says when its template renders to nothing (a text may not be empty)."""

_ENV = SandboxedEnvironment(
    autoescape=False, undefined=ChainableUndefined, keep_trailing_newline=False
)


@lru_cache(maxsize=4096)
def _compiled(source: str) -> Template:
    """Each distinct template is parsed once per process."""
    return _ENV.from_string(source)


def _templated(action: Action) -> dict[str, str]:
    """The template parts of an action, by field."""
    if isinstance(action, AddNote | AddReply):
        return {"body": action.body}
    if isinstance(action, Notify):
        parts = {"message": action.message}
        if action.subject is not None:
            parts["subject"] = action.subject
        return parts
    return {}


def _render(source: str, context: dict[str, Any], *, limit: int) -> str:
    """The text; the source itself when rendering fails (a firing never fails on its text)."""
    if "{" not in source:
        return source
    try:
        text = _compiled(source).render(context)
    except (TemplateError, ArithmeticError, TypeError, ValueError):
        text = source
    if limit == MAX_SUBJECT_CHARS:
        text = " ".join(text.split())
    return text[:limit].strip() or EMPTY


def render_actions(
    actions: Sequence[Action], *, state: TicketState, rule_name: str
) -> list[Action]:
    """The actions with every template turned to text (never raises)."""
    context: dict[str, Any] | None = None
    rendered: list[Action] = []
    for action in actions:
        parts = _templated(action)
        if not parts:
            rendered.append(action)
            continue
        if context is None:
            context = {"ticket": state.model_dump(mode="json"), "rule": {"name": rule_name}}
        texts = {
            name: _render(
                source,
                context,
                limit=MAX_SUBJECT_CHARS if name == "subject" else MAX_TEXT_CHARS,
            )
            for name, source in parts.items()
        }
        rendered.append(action.model_copy(update=texts))
    return rendered


def template_errors(actions: Sequence[Action]) -> list[tuple[Loc, str]]:
    """Templates that do not compile, located as `("actions", i, "body")`."""
    errors: list[tuple[Loc, str]] = []
    for i, action in enumerate(actions):
        for name, source in _templated(action).items():
            try:
                _compiled(source)
            except TemplateError as exc:
                errors.append((("actions", i, name), f"not a valid template: {exc}"))
    return errors
