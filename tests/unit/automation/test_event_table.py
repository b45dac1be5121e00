"""Automation's event table: every event of the topics it consumes (identity's apart, which the
service spec adds) goes to the one evaluator; calendars to their projection."""

import secrets
from unittest.mock import MagicMock

from ticketflow_automation.commands.calendars import project_calendar
from ticketflow_automation.commands.evaluate import EventEvaluator
from ticketflow_automation.messaging.events import event_table
from ticketflow_automation.settings import AutomationSettings
from ticketflow_common.events import EVENT_MODELS, CalendarChanged, TicketCreated
from ticketflow_common.runtime import Runtime
from ticketflow_common.topics import CONSUMED_BY, IDENTITY


def runtime() -> Runtime[AutomationSettings]:
    settings = AutomationSettings(
        database_url="postgresql://u@localhost/db",
        kafka_bootstrap_servers="localhost:9092",
        api_token=secrets.token_urlsafe(24),
        max_chain_depth=3,
    )
    return Runtime(
        service="automation",
        settings=settings,
        pool=MagicMock(),
        producer=MagicMock(),
        names=MagicMock(),
    )


def test_every_consumed_event_is_evaluated_and_calendars_are_projected() -> None:
    table = event_table(runtime())
    consumed = {t for t in CONSUMED_BY["automation"] if t != IDENTITY}
    expected = {m for m in EVENT_MODELS.values() if m.topic in consumed}
    assert set(table) == expected
    assert table[CalendarChanged] is project_calendar
    evaluator = table[TicketCreated]
    assert isinstance(evaluator, EventEvaluator)
    assert evaluator.max_chain_depth == 3
    others = {id(command) for model, command in table.items() if model is not CalendarChanged}
    assert others == {id(evaluator)}  # one evaluator, one rule cache per replica
