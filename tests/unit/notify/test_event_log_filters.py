"""The events API's type patterns: a type, `<kind>.*` or `*`, as subscriptions read them."""

import pytest

from ticketflow_notify.domain.event_log import TypeFilter


def test_patterns_match_their_types_and_kinds() -> None:
    chosen = TypeFilter.of(["sla.*", "ticket.created"])
    assert [chosen.matches(t) for t in ["sla.breached", "ticket.created"]] == [True, True]
    assert [chosen.matches(t) for t in ["ticket.updated", "slack.sent"]] == [False, False]
    assert TypeFilter.of([]).matches("anything.at_all")
    assert TypeFilter.of(["sla.breached", "*"]) == TypeFilter()


@pytest.mark.parametrize("bad", ["", "sla.", ".*", "*.breached", "SLA.*", "sla.**", "单.*"])
def test_anything_else_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="is not an event type"):
        TypeFilter.of([bad])
