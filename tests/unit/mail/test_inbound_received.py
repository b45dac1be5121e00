"""What the gateway reads before storing (the Message-ID) and the block list's entries."""

import pytest

from ticketflow_mail.domain.parsing import derived_message_id
from ticketflow_mail.domain.received import message_id_of
from ticketflow_mail.domain.senders import block_candidates, sender_pattern


def test_the_message_id_is_read_from_the_headers_with_its_brackets() -> None:
    raw = b"From: a@b.example\r\nMessage-ID:  <abc.1@b.example> \r\n\r\nbody"
    assert message_id_of(raw) == "<abc.1@b.example>"


def test_a_mail_without_one_gets_the_parsers_digest_id_the_same_for_the_same_bytes() -> None:
    raw = b"From: a@b.example\r\nSubject: hi\r\n\r\nbody"
    assert message_id_of(raw) == derived_message_id(raw) == message_id_of(bytes(raw))
    assert message_id_of(b"\xff\xfe garbage") == derived_message_id(b"\xff\xfe garbage")


@pytest.mark.parametrize(
    ("given", "kept"),
    [("Pest@Example.ORG", "pest@example.org"), (" @Spam.Example ", "@spam.example")],
)
def test_a_block_list_entry_is_an_address_or_a_domain_lower_cased(given: str, kept: str) -> None:
    assert sender_pattern(given) == kept


@pytest.mark.parametrize("bad", ["spam.example", "a@b", "@", "two words@x.org", "<a@b.org>"])
def test_anything_else_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="address"):
        sender_pattern(bad)


def test_an_address_is_covered_by_itself_its_domain_and_parent_domains_not_the_tld() -> None:
    assert block_candidates("Offers@MX.Spam.Example") == [
        "offers@mx.spam.example",
        "@mx.spam.example",
        "@spam.example",
    ]
