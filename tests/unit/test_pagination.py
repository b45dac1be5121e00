"""The shared page cursor: what one list hands out it takes back; anything else is a 422."""

import base64
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from ticketflow_common.pagination import (
    decode_cursor,
    encode_cursor,
    encode_timed_cursor,
    page_of,
    read_cursor,
    read_timed_cursor,
)
from ticketflow_common.problems import ProblemError


def test_a_cursor_comes_back_as_the_position_it_holds() -> None:
    cursor = encode_cursor("macros", {"name": "打印机", "id": 7})
    assert decode_cursor(cursor, kind="macros") == {"name": "打印机", "id": 7}
    assert decode_cursor(None, kind="macros") is None


@pytest.mark.parametrize(
    "cursor",
    [encode_cursor("rules", {"id": 1}), "not base64!", "bnVsbA", "W10", "//79", "e30"],
)
def test_a_cursor_of_another_list_or_garbage_is_refused_naming_the_field(cursor: str) -> None:
    with pytest.raises(ProblemError) as refused:
        decode_cursor(cursor, kind="macros")
    assert refused.value.status == 422
    assert "query:cursor" in str(refused.value.errors)


def test_page_of_uses_the_extra_row_only_to_say_there_is_more() -> None:
    def cursor(n: int) -> str:
        return encode_cursor("numbers", {"n": n})

    more = page_of([1, 2, 3], limit=2, cursor=cursor)
    assert more.items == [1, 2]
    assert decode_cursor(more.next_cursor, kind="numbers") == {"n": 2}
    last = page_of([1, 2], limit=2, cursor=cursor)
    assert (last.items, last.next_cursor) == ([1, 2], None)
    assert page_of([], limit=2, cursor=cursor).next_cursor is None


def test_a_cursor_whose_position_does_not_parse_is_a_422_not_a_500() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    item = uuid4()
    timed = encode_timed_cursor("timed", at, item)
    assert read_timed_cursor(timed, kind="timed") == (at, item)
    assert read_timed_cursor(None, kind="timed") is None
    for forged in (encode_cursor("timed", {"at": "soon", "id": "x"}), encode_cursor("timed", {})):
        with pytest.raises(ProblemError) as refused:
            read_timed_cursor(forged, kind="timed")
        assert refused.value.status == 422
        assert "query:cursor" in str(refused.value.errors)
    with pytest.raises(ProblemError):
        read_cursor(encode_cursor("n", {"n": "x"}), kind="n", parse=lambda p: int(p["n"]))


def _raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "position",
    [
        '{"kind": "macros", "position": 1000000000000000000000000000000}',
        '{"kind": "macros", "name": "a\\u0000b"}',
        '{"kind": "macros", "name": "\\ud800"}',
        '{"kind": "macros", "rank": NaN}',
        '{"kind": "macros", "at": [1e999]}',
    ],
)
def test_a_hand_made_position_the_database_cannot_take_is_refused(position: str) -> None:
    with pytest.raises(ProblemError) as refused:
        decode_cursor(_raw(position), kind="macros")
    assert refused.value.status == 422


def test_big_but_storable_positions_pass() -> None:
    position = {"position": 2**63 - 1, "rank": -1.5, "name": "打印机", "done": True, "x": None}
    assert decode_cursor(encode_cursor("macros", position), kind="macros") == position
