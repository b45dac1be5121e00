"""The shared page cursor: what one list hands out it takes back; anything else is a 422."""

import pytest

from ticketflow_common.pagination import decode_cursor, encode_cursor
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
