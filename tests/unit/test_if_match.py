"""RFC 9110 If-Match: `*`, lists, optional whitespace, strong comparison; malformed refused."""

import pytest

from ticketflow_common.preconditions import (
    EntityTag,
    IfMatch,
    InvalidIfMatch,
    WritePrecondition,
    parse_if_match,
    write_precondition,
)
from ticketflow_common.problems import ProblemError

CURRENT = EntityTag("3")


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("*", IfMatch(any=True)),
        (" * ", IfMatch(any=True)),
        ('"3"', IfMatch(tags=(EntityTag("3"),))),
        ('W/"3"', IfMatch(tags=(EntityTag("3", weak=True),))),
        ('""', IfMatch(tags=(EntityTag(""),))),
        ('"a", W/"b" ,"c"', IfMatch(tags=(EntityTag("a"), EntityTag("b", True), EntityTag("c")))),
        ('\t"a",, ,"b",', IfMatch(tags=(EntityTag("a"), EntityTag("b")))),
        ('"x,y"', IfMatch(tags=(EntityTag("x,y"),))),
        ('"caf\xe9"', IfMatch(tags=(EntityTag("caf\xe9"),))),
    ],
)
def test_parses_star_and_lists_of_tags(value: str, parsed: IfMatch) -> None:
    assert parse_if_match(value) == parsed


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        ",",
        "3",
        '"3',
        '3"',
        '"3" "4"',
        '*, "3"',
        '"3", *',
        'w/"3"',
        'W/ "3"',
        '"a"b',
        '"a b"',
    ],
)
def test_refuses_what_is_not_an_entity_tag_list(value: str) -> None:
    with pytest.raises(InvalidIfMatch):
        parse_if_match(value)


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        ("*", True),
        ('"3"', True),
        (' "3" ', True),
        ('"1", "2", "3"', True),
        ('W/"1", "3"', True),
        ('W/"3"', False),
        ('W/"3", "4"', False),
        ('"4"', False),
        ('"03"', False),
        ('"3x"', False),
    ],
)
def test_strong_comparison_any_tag_of_a_list(value: str, matches: bool) -> None:
    assert parse_if_match(value).matches(CURRENT) is matches


def test_nothing_matches_a_missing_or_weak_representation() -> None:
    assert not parse_if_match("*").matches(None)
    assert not parse_if_match('"3"').matches(EntityTag("3", weak=True))


def test_several_header_lines_are_one_list() -> None:
    assert write_precondition(['"1"', '"3"']).if_match == IfMatch(
        tags=(EntityTag("1"), EntityTag("3"))
    )


def status_of(precondition: WritePrecondition) -> int | None:
    try:
        precondition.check(CURRENT, what="ticket t")
    except ProblemError as exc:
        return exc.status
    return None


def test_check_answers_412_428_or_lets_the_write_through() -> None:
    assert status_of(write_precondition([])) is None
    assert status_of(write_precondition([], required=True)) == 428
    assert status_of(write_precondition(['"3"'], required=True)) is None
    assert status_of(write_precondition(['W/"3"'])) == 412
    assert status_of(write_precondition(["*"], required=True)) is None


def test_a_malformed_field_is_a_named_422() -> None:
    with pytest.raises(ProblemError) as refused:
        write_precondition(["3"])
    assert refused.value.status == 422
    assert refused.value.errors is not None
    assert refused.value.errors[0].field == "header:If-Match"
