"""One short line about a CloudEvent's data, for people following the topics. Pure."""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

# Shown, in this order, for event types without a line of their own.
GENERIC_FIELDS = (
    "status",
    "priority",
    "team",
    "metric",
    "policy",
    "threshold",
    "level",
    "channel",
    "agent_name",
    "agent_id",
    "assignee_id",
    "event_type_delivered",
    "attempts",
    "rating",
    "reason",
    "error",
    "due_at",
)
MAX_VALUE = 60


def short(value: Any) -> str:
    """A value as a few characters: ids cut to 8, times to the second, long text cut."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(short(v) for v in value) or "[]"
    if isinstance(value, dict):
        return "{" + ",".join(sorted(value)) + "}"
    text = str(value)
    if len(text) == 36 and text.count("-") == 4:  # a UUID
        return text[:8]
    if len(text) >= 19 and text[4] == "-" and text[10] == "T":
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC)
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def pairs(data: Mapping[str, Any], fields: tuple[str, ...]) -> list[str]:
    return [f"{f}={short(data[f])}" for f in fields if data.get(f) not in (None, "", [])]


def _created(data: Mapping[str, Any]) -> list[str]:
    return [*pairs(data, ("priority", "status", "category", "team")), repr(data.get("subject"))]


def _status_changed(data: Mapping[str, Any]) -> list[str]:
    move = f"{data.get('previous_status', '?')} -> {data.get('status', '?')}"
    return [move, *pairs(data, ("reason", "actor_role"))]


def _updated(data: Mapping[str, Any]) -> list[str]:
    return [f"changed={short(data.get('changed', []))}", *pairs(data, ("priority", "team"))]


def _commented(data: Mapping[str, Any]) -> list[str]:
    visibility = "public" if data.get("public", True) else "internal"
    first = ["first-response"] if data.get("first_response") else []
    return [f"by {data.get('author_role', '?')}", visibility, *first]


def _transferred(data: Mapping[str, Any]) -> list[str]:
    return [
        f"{data.get('from_team') or '-'} -> {data.get('team') or '-'}",
        *pairs(data, ("reason",)),
    ]


def _assigned(data: Mapping[str, Any]) -> list[str]:
    who = data.get("agent_name") or short(data.get("agent_id"))
    return [f"to {who}", *pairs(data, ("team", "strategy", "reason"))]


def _notification(data: Mapping[str, Any]) -> list[str]:
    return pairs(data, ("channel", "event_type_delivered", "attempts", "error"))


SPECIFIC: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
    "ticket.created": _created,
    "ticket.status_changed": _status_changed,
    "ticket.updated": _updated,
    "ticket.commented": _commented,
    "ticket.transferred": _transferred,
    "ticket.assigned": _assigned,
    "notification.sent": _notification,
    "notification.failed": _notification,
}


def summarise(event_type: str, data: Mapping[str, Any], *, width: int = 120) -> str:
    """E.g. `new -> open reason=approved` or `metric=first_response policy=urgent due_at=...`."""
    describe = SPECIFIC.get(event_type)
    parts = describe(data) if describe else pairs(data, GENERIC_FIELDS)
    line = " ".join(parts)
    return line if len(line) <= width else line[: width - 1] + "…"
