"""Automation's events on a ticket's timeline as people read them (pure): which rule fired on
what and why, which macro someone applied, which rule was stopped, and what each action did."""

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

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

AUTOMATION_TYPES = frozenset({"rule.fired", "macro.applied", "rule.suppressed"})
_ACTION = TypeAdapter(Action)


def _fields(values: Mapping[str, Any]) -> str:
    return " ".join(f"{k}={v}" if v is not None else f"{k} cleared" for k, v in values.items())


def describe_action(action: Action) -> str:
    """One action in a few words: "priority urgent", "tags +vip", "public reply"."""
    match action:
        case SetPriority(priority=priority):
            return f"priority {priority}"
        case SetCategory(category=category):
            return f"category {category}"
        case SetTeam(team=team):
            return f"team {team}"
        case SetStatus(status=status):
            return f"status {status}"
        case AddTags(tags=tags):
            return "tags " + " ".join(f"+{t}" for t in tags)
        case RemoveTags(tags=tags):
            return "tags " + " ".join(f"-{t}" for t in tags)
        case SetCustomFields(fields=fields):
            return "custom fields " + _fields(fields)
        case AddNote():
            return "internal note"
        case AddReply():
            return "public reply"
        case Escalate(reason=reason):
            return f"escalate ({reason})"
        case Assign(agent_id=agent):
            return "assign to the best agent" if agent is None else f"assign to {agent}"
        case Unassign():
            return "unassign"
        case Notify(target=target):
            return f"notify {target}"
        case CallWebhook(endpoint_id=endpoint):
            return f"webhook {endpoint}"
    return action.type


def _with_outcome(text: str, done: ActionOutcome | None) -> str:
    """An action done reads as itself; one that changed nothing says why."""
    if done is None or done.applied:
        return text
    return f"{text} ({done.detail or 'not done'})"


def describe_actions(raw: Any, outcomes: Sequence[ActionOutcome] | None) -> str:
    """The actions in order, each of intake's with its outcome (routing's and notify's are
    theirs to report)."""
    if not isinstance(raw, list):
        return ""
    pending = list(outcomes or [])
    parts: list[str] = []
    for item in raw:
        try:
            action = _ACTION.validate_python(item)
        except ValidationError:
            parts.append(str(item.get("type", "?")) if isinstance(item, dict) else "?")
            continue
        done = pending.pop(0) if pending and pending[0].type == action.type else None
        parts.append(_with_outcome(describe_action(action), done))
    return ", ".join(parts)


def _arrow(actions: str) -> str:
    return f" → {actions}" if actions else ""


def describe(
    event_type: str, data: Mapping[str, Any], outcomes: Sequence[ActionOutcome] | None
) -> str | None:
    """The sentence for an automation event; None for every other type."""
    name = data.get("rule_name") or data.get("rule_id") or "?"
    if event_type == "rule.fired":
        on = data.get("trigger_event_type")
        head = f"Rule {name} fired on {on}" if on else f"Rule {name} fired when its time came"
        why = data.get("why") or []
        reasons = f": {' and '.join(str(w) for w in why)}" if why else ""
        return head + reasons + _arrow(describe_actions(data.get("actions"), outcomes))
    if event_type == "macro.applied":
        macro = data.get("macro_name") or data.get("macro_id") or "?"
        head = f"Macro {macro} applied by {data.get('actor_id', '?')}"
        return head + _arrow(describe_actions(data.get("actions"), outcomes))
    if event_type == "rule.suppressed":
        if data.get("reason") == "chain_depth":
            return f"Rule {name} stopped: a chain of rules deeper than {data.get('limit')}"
        times = data.get("limit")
        return f"Rule {name} stopped: fired {times} times in {data.get('window_minutes')} minutes"
    return None
