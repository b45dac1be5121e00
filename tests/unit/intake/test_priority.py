"""A ticket's priority: given, else impact x urgency (the ITIL matrix), else its category's."""

from datetime import UTC, datetime
from typing import Any

import pytest

from ticketflow_common.events.common import Priority
from ticketflow_intake.domain.catalogue import Category, choose_priority
from ticketflow_intake.domain.priority import MATRIX, PRIORITY_RANK, Level, derive_priority
from ticketflow_intake.domain.tickets import NewTicket

LEVELS: list[Level] = ["low", "medium", "high"]


def new_ticket(**fields: Any) -> NewTicket:
    return NewTicket.model_validate({"subject": "s", "requester": {"id": "u-1"}, **fields})


def category(default_priority: Priority) -> Category:
    at = datetime(2025, 6, 2, tzinfo=UTC)
    return Category(
        key="network", name="Network", default_priority=default_priority, created_at=at,
        updated_at=at,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("impact", "urgency", "expected"),
    [
        ("high", "high", "urgent"),
        ("high", "medium", "high"),
        ("medium", "high", "high"),
        ("high", "low", "normal"),
        ("medium", "medium", "normal"),
        ("low", "high", "normal"),
        ("medium", "low", "low"),
        ("low", "medium", "low"),
        ("low", "low", "low"),
    ],
)
def test_impact_and_urgency_derive_the_priority(
    impact: Level, urgency: Level, expected: Priority
) -> None:
    assert derive_priority(impact, urgency) == expected


def test_the_matrix_covers_every_pair_and_never_lowers_with_more_impact_or_urgency() -> None:
    assert set(MATRIX) == {(i, u) for i in LEVELS for u in LEVELS}
    for i, impact in enumerate(LEVELS):
        for u, urgency in enumerate(LEVELS):
            rank = PRIORITY_RANK[derive_priority(impact, urgency)]
            if i + 1 < len(LEVELS):
                assert PRIORITY_RANK[derive_priority(LEVELS[i + 1], urgency)] <= rank
            if u + 1 < len(LEVELS):
                assert PRIORITY_RANK[derive_priority(impact, LEVELS[u + 1])] <= rank


def test_a_given_priority_wins_over_impact_urgency_and_category() -> None:
    new = new_ticket(priority="low", impact="high", urgency="high")
    assert choose_priority(new, category("urgent")) == "low"


def test_impact_and_urgency_win_over_the_category() -> None:
    new = new_ticket(impact="high", urgency="high")
    assert choose_priority(new, category("low")) == "urgent"


def test_else_the_category_default_else_normal() -> None:
    assert choose_priority(new_ticket(), category("high")) == "high"
    assert choose_priority(new_ticket(), None) == "normal"


def test_ranks_order_urgent_first() -> None:
    assert sorted(PRIORITY_RANK, key=PRIORITY_RANK.__getitem__) == [
        "urgent",
        "high",
        "normal",
        "low",
    ]
