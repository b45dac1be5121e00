"""What clients may send to file or change a ticket, checked before any rule runs."""

import pytest
from pydantic import ValidationError

from ticketflow_intake.domain.tickets import NewTicket, TicketPatch

BASE = {"subject": "Printer jams", "requester": {"id": "u-1"}}


@pytest.mark.parametrize("given", [{"impact": "high"}, {"urgency": "low"}])
def test_impact_and_urgency_come_together(given: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="impact and urgency must be given together"):
        NewTicket.model_validate({**BASE, **given})


def test_defaults_of_a_new_ticket() -> None:
    new = NewTicket.model_validate(BASE)
    assert (new.channel, new.language, new.priority, new.required_skills) == (
        "api",
        "en",
        None,
        None,
    )
    assert new.requester.tier == "standard"


def test_unknown_fields_are_refused_not_dropped() -> None:
    with pytest.raises(ValidationError):
        NewTicket.model_validate({**BASE, "colour": "red"})


def test_a_patch_changes_at_least_one_field() -> None:
    with pytest.raises(ValidationError, match="give at least one field to change"):
        TicketPatch.model_validate({})
    assert TicketPatch.model_validate({"priority": None}).model_fields_set == {"priority"}
