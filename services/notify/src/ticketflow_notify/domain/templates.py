"""Message templates per event type and language, rendered by a sandboxed Jinja2."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from jinja2 import ChainableUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import Field, StringConstraints, field_validator

from ticketflow_common.input_model import InputModel
from ticketflow_notify.domain.insights_templates import INSIGHTS_SOURCES
from ticketflow_notify.domain.knowledge_templates import KNOWLEDGE_SOURCES
from ticketflow_notify.domain.survey_templates import SURVEY_SOURCES

Language = Annotated[
    str, StringConstraints(min_length=2, max_length=16, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")
]
MAX_SUBJECT_CHARS = 300
MAX_BODY_CHARS = 20_000
DEFAULT_LANGUAGE = "en"
DIGEST_TEMPLATE = "notification.digest"
ENDPOINT_DISABLED_TEMPLATE = "notification.endpoint_disabled"

_ENV = SandboxedEnvironment(
    autoescape=False, undefined=ChainableUndefined, keep_trailing_newline=False
)


def _instant(value: object) -> datetime | None:
    """An event's ISO 8601 instant in UTC; None for anything else."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC)


def when_filter(value: object) -> str:
    """`2026-03-03T09:00:00Z` as people read it: 2026-03-03 09:00 UTC."""
    moment = _instant(value)
    return str(value) if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def day_filter(value: object) -> str:
    moment = _instant(value)
    return str(value) if moment is None else f"{moment:%Y-%m-%d}"


def span_filter(start: object, end: object) -> str:
    """A window: 2026-03-03 09:00-11:00 UTC, the end's day repeated only when it differs."""
    first, last = _instant(start), _instant(end)
    if first is None or last is None:
        return f"{start}-{end}"
    if first.date() == last.date():
        return f"{first:%Y-%m-%d %H:%M}-{last:%H:%M} UTC"
    return f"{first:%Y-%m-%d %H:%M} - {last:%Y-%m-%d %H:%M} UTC"


def figure_filter(value: object, unit: str = "") -> str:
    """A report's figure with at most two decimals and its unit; "-" when there is none."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return "-" if value is None or value == "" else str(value)
    shown = f"{value:,.2f}".rstrip("0").rstrip(".")
    if not unit:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}"


def percent_filter(value: object) -> str:
    """A ratio (0.8) as a percentage (80%)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    return f"{value * 100:.0f}%"


def duration_filter(value: object) -> str:
    """Seconds as the largest whole unit that fits: 45 s, 30 min, 2 h."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    for size, unit in ((3600, "h"), (60, "min")):
        if value >= size:
            return f"{figure_filter(value / size)} {unit}"
    return f"{figure_filter(value)} s"


_ENV.filters.update(
    when=when_filter,
    day=day_filter,
    span=span_filter,
    figure=figure_filter,
    percent=percent_filter,
    duration=duration_filter,
)


@dataclass(frozen=True)
class MessageParts:
    """A message's subject and body."""

    subject: str
    body: str


class MessageTemplate(MessageParts):
    """Both parts as Jinja2 sources."""


class RenderedMessage(MessageParts):
    """Both parts as the recipient reads them."""

    def as_json(self) -> dict[str, str]:
        return {"subject": self.subject, "body": self.body}


class TemplateIn(InputModel):
    """A template as the API accepts it; both parts must compile in the sandbox."""

    subject: str = Field(min_length=1, max_length=MAX_SUBJECT_CHARS)
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)

    @field_validator("subject", "body")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            _ENV.from_string(value)
        except TemplateError as exc:
            raise ValueError(f"not a valid Jinja2 template: {exc}") from exc
        return value


class TemplateOut(TemplateIn):
    event_type: str
    language: str


def render(template: MessageTemplate, context: Mapping[str, Any]) -> RenderedMessage:
    """Render both parts; raises `TemplateError` (or a sandbox `SecurityError`) on failure."""
    subject = _ENV.from_string(template.subject).render(context)
    body = _ENV.from_string(template.body).render(context)
    subject = " ".join(subject.split())[:MAX_SUBJECT_CHARS]
    return RenderedMessage(subject=subject, body=body[:MAX_BODY_CHARS])


_TICKET = "{{ ticket.subject or event.subject }}"
_SLA_TARGET = (
    "The {{ data.metric | replace('_', ' ') }} target of ticket {{ event.subject }}"
    " (policy {{ data.policy }})"
)
BUILT_IN: dict[tuple[str, str], MessageTemplate] = {
    ("ticket.created", "en"): MessageTemplate(
        f"[{{{{ data.priority }}}}] New ticket: {_TICKET}",
        "A {{ data.priority }} ticket was filed{% if data.team %} for team {{ data.team }}"
        "{% endif %}.\n\nTicket: {{ event.subject }}\nSubject: {{ data.subject }}\n",
    ),
    ("ticket.assigned", "en"): MessageTemplate(
        f"Assigned to {{{{ data.agent_name }}}}: {_TICKET}",
        "Ticket {{ event.subject }} is now owned by {{ data.agent_name }}"
        " (team {{ data.team }}).\n",
    ),
    ("sla.warning", "en"): MessageTemplate(
        f"SLA warning ({{{{ data.threshold }}}}): {_TICKET}",
        f"{_SLA_TARGET} is due at {{{{ data.due_at }}}}.\n",
    ),
    ("sla.breached", "en"): MessageTemplate(
        f"SLA breached: {_TICKET}",
        f"{_SLA_TARGET} was due at {{{{ data.due_at }}}} and has been missed.\n",
    ),
    ("sla.escalated", "en"): MessageTemplate(
        f"Escalation level {{{{ data.level }}}}: {_TICKET}",
        "Ticket {{ event.subject }} escalated to level {{ data.level }}: its"
        " {{ data.metric | replace('_', ' ') }} target (policy {{ data.policy }}) was due at"
        " {{ data.due_at }}.\n",
    ),
    ("ticket.escalated", "en"): MessageTemplate(
        f"Escalated to level {{{{ data.level }}}}: {_TICKET}",
        "Ticket {{ event.subject }} was escalated to level {{ data.level }}: {{ data.reason }}\n",
    ),
    ("sla.breached", "de"): MessageTemplate(
        f"SLA verletzt: {_TICKET}",
        "Das Ziel {{ data.metric }} von Ticket {{ event.subject }} (Richtlinie {{ data.policy }})"
        " war um {{ data.due_at }} fällig und wurde verfehlt.\n",
    ),
    (DIGEST_TEMPLATE, "en"): MessageTemplate(
        "{{ items | length }} x {{ event_type }} for team {{ team }}",
        "{% for item in items %}- {{ item.subject }}: {{ item.type }}"
        "{% if item.data.threshold %} ({{ item.data.threshold }}){% endif %}"
        "{% if item.data.due_at %}, due {{ item.data.due_at }}{% endif %}\n{% endfor %}",
    ),
    (ENDPOINT_DISABLED_TEMPLATE, "en"): MessageTemplate(
        "Ticketflow webhook endpoint disabled: {{ data.url }}",
        "Deliveries to {{ data.url }} (endpoint {{ data.endpoint_id }}) have failed since"
        " {{ data.failing_since }}, so the endpoint was disabled at {{ data.disabled_at }}.\n"
        "Last error: {{ data.reason }}\n\nFix the receiver, then re-enable it with"
        ' PATCH /endpoints/{{ data.endpoint_id }} {"enabled": true}; failed deliveries can be'
        " replayed with POST /endpoints/{{ data.endpoint_id }}/replay.\n",
    ),
}
BUILT_IN |= {key: MessageTemplate(*parts) for key, parts in INSIGHTS_SOURCES.items()}
BUILT_IN |= {key: MessageTemplate(*parts) for key, parts in KNOWLEDGE_SOURCES.items()}
BUILT_IN |= {key: MessageTemplate(*parts) for key, parts in SURVEY_SOURCES.items()}
GENERIC = MessageTemplate(
    "[{{ event.type }}] {{ ticket.subject or event.subject }}",
    "{{ event.type }} for {{ event.subject }} at {{ event.time }}\n",
)


def built_in_template(event_type: str, language: str) -> MessageTemplate:
    """The shipped template for this type in this language, else English, else generic."""
    base = language.split("-")[0]
    for key in ((event_type, language), (event_type, base), (event_type, DEFAULT_LANGUAGE)):
        if key in BUILT_IN:
            return BUILT_IN[key]
    return GENERIC


def language_candidates(*preferred: str | None) -> list[str]:
    """Languages to look templates up in, best first, each also as its base language."""
    out: list[str] = []
    for lang in (*preferred, DEFAULT_LANGUAGE):
        if not lang:
            continue
        for candidate in (lang, lang.split("-")[0]):
            if candidate not in out:
                out.append(candidate)
    return out


def choose_template(
    *, event_type: str, languages: list[str], stored: Mapping[str, MessageTemplate]
) -> MessageTemplate:
    """Per language, best first: the operator's template, then the shipped one; else generic."""
    for language in languages:
        if language in stored:
            return stored[language]
        if (event_type, language) in BUILT_IN:
            return BUILT_IN[(event_type, language)]
    return GENERIC
