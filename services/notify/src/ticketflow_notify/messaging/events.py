"""Notify's event table: every event on the topics it consumes is fanned out to deliveries;
rules' and macros' firings first carry out notify's actions, agent and team events first keep
notify's view of teams. Every one is first kept in the events API's log; models of one command
share one recorded command, so that a batch's run of them is kept in one statement."""

from functools import partial

from ticketflow_common.envelope import EventData
from ticketflow_common.event_table import EventCommand, EventTable
from ticketflow_common.events import (
    EVENT_MODELS,
    AgentChanged,
    MacroApplied,
    RuleFired,
    TeamChanged,
)
from ticketflow_common.runtime import Runtime
from ticketflow_notify.commands.automation import on_actions_requested
from ticketflow_notify.commands.event_log import recording
from ticketflow_notify.commands.fan_out import fan_out_event
from ticketflow_notify.commands.people import on_people_event
from ticketflow_notify.commands.subscription_cache import SubscriptionCache
from ticketflow_notify.domain.deliveries import FORWARDED_TOPICS
from ticketflow_notify.settings import NotifySettings


def event_table(runtime: Runtime[NotifySettings]) -> EventTable:
    policy = runtime.settings.quiet_hours_policy()
    fan_out: EventCommand = partial(
        fan_out_event,
        policy=policy,
        insights_url=runtime.settings.insights_url,
        answer_links=runtime.settings.answer_links(),
        approval_links=runtime.settings.approval_links(),
        survey_links=runtime.settings.survey_links(),
        subscriptions=SubscriptionCache(),
    )
    table: dict[type[EventData], EventCommand] = {
        model: fan_out for model in EVENT_MODELS.values() if model.topic in FORWARDED_TOPICS
    }
    actions = partial(on_actions_requested, policy=policy, fan_out=fan_out)
    people = partial(on_people_event, fan_out=fan_out)
    table |= {
        RuleFired: actions,
        MacroApplied: actions,
        AgentChanged: people,
        TeamChanged: people,
    }
    kept = {id(command): recording(command) for command in table.values()}
    return {model: kept[id(command)] for model, command in table.items()}
