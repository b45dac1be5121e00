"""Notify's event table: every event on the topics it consumes is fanned out to deliveries."""

from functools import partial

from ticketflow_common import topics
from ticketflow_common.event_table import EventTable
from ticketflow_common.events import EVENT_MODELS
from ticketflow_common.runtime import Runtime
from ticketflow_notify.commands.fan_out import fan_out_event
from ticketflow_notify.settings import NotifySettings

FORWARDED_TOPICS = frozenset(topics.CONSUMED_BY["notify"]) - {topics.IDENTITY}
"""Identity's events are not forwarded: notify projects their revocations as every service."""


def event_table(runtime: Runtime[NotifySettings]) -> EventTable:
    fan_out = partial(
        fan_out_event,
        policy=runtime.settings.quiet_hours_policy(),
        insights_url=runtime.settings.insights_url,
        answer_links=runtime.settings.answer_links(),
        approval_links=runtime.settings.approval_links(),
        survey_links=runtime.settings.survey_links(),
    )
    return {model: fan_out for model in EVENT_MODELS.values() if model.topic in FORWARDED_TOPICS}
