"""What the services write as JSON reads back as it was, whichever library wrote it."""

import json

from ticketflow_common.json_codec import json_bytes, json_text


def test_compact_utf8_with_the_same_values_as_json() -> None:
    value = {"subject": "办公室网络故障", "n": [1, 2.5, None, True], "nested": {"k": "v"}}
    assert (
        json_bytes(value)
        == '{"subject":"办公室网络故障","n":[1,2.5,null,true],"nested":{"k":"v"}}'.encode()
    )
    assert json.loads(json_text(value)) == value


def test_integers_beyond_64_bits_are_written_exactly() -> None:
    value = {"amount": 123456789012345678901234567890, "negative": -(2**70)}
    assert json.loads(json_bytes(value)) == value


def test_integer_keys_are_written_as_text_as_json_does() -> None:
    assert json.loads(json_text({1: "a"})) == json.loads(json.dumps({1: "a"}))


def test_a_lone_surrogate_is_escaped_as_json_escapes_it() -> None:
    assert json.loads(json_text({"s": "\ud800"})) == {"s": "\ud800"}
