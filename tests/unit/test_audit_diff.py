"""The audit log's field-level diff, redaction and canonical JSON, without a database."""

from ticketflow_common.audit import REDACTED, canonical_json, diff, redact


def test_diff_names_nested_paths_and_list_items() -> None:
    before = {"name": "a", "levels": [{"delay": 60}, {"delay": 120}], "week": {"mon": 1}}
    after = {"name": "a", "levels": [{"delay": 60}, {"delay": 90}], "week": {"tue": 2}}
    assert [(c.path, c.before, c.after) for c in diff(before, after)] == [
        ("levels[1].delay", 120, 90),
        ("week.mon", 1, None),
        ("week.tue", None, 2),
    ]


def test_lists_of_another_length_change_whole() -> None:
    [change] = diff({"teams": ["a"]}, {"teams": ["a", "b"]})
    assert (change.path, change.before, change.after) == ("teams", ["a"], ["a", "b"])


def test_created_and_deleted_entities_list_their_fields() -> None:
    assert {c.path for c in diff(None, {"a": 1, "b": 2})} == {"a", "b"}
    assert {(c.path, c.after) for c in diff({"a": 1}, None)} == {("a", None)}


def test_secrets_are_redacted_at_any_depth_and_their_changes_shown_without_values() -> None:
    value = {"signing_secret": "s", "nested": {"api_token": "t", "password": None}, "n": 1}
    assert redact(value) == {
        "signing_secret": REDACTED,
        "nested": {"api_token": REDACTED, "password": None},
        "n": 1,
    }
    assert redact({"note": "tfid_abc.def"}) == {"note": REDACTED}
    [change] = diff({"secret": "old"}, {"secret": "new"})
    assert (change.before, change.after) == (REDACTED, REDACTED)


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": "网络", "a": [1, {"d": 2, "c": 3}]}) == (
        '{"a":[1,{"c":3,"d":2}],"b":"网络"}'.encode()
    )
