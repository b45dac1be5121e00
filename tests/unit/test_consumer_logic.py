"""Pure parts of the inbox/DLQ logic: backoff and the dead-letter headers."""

from ticketflow_common.consumer import DeadLetter, retry_delay


def test_retry_delay_doubles_and_is_capped() -> None:
    delays = [retry_delay(n, base=0.2, cap=1.0) for n in range(1, 6)]
    assert delays == [0.2, 0.4, 0.8, 1.0, 1.0]


def test_dead_letter_keeps_original_headers_and_adds_the_error() -> None:
    letter = DeadLetter(
        topic="tickets.events.v1",
        partition=4,
        offset=17,
        consumer="routing",
        error_type="ValueError",
        error="x" * 10_000,
        attempts=3,
    )
    headers = letter.headers([("traceparent", b"00-abc-def-01")])
    as_dict = dict(headers)
    assert headers[0] == ("traceparent", b"00-abc-def-01")
    assert as_dict["dlq-original-topic"] == b"tickets.events.v1"
    assert as_dict["dlq-original-partition"] == b"4"
    assert as_dict["dlq-original-offset"] == b"17"
    assert as_dict["dlq-consumer"] == b"routing"
    assert as_dict["dlq-attempts"] == b"3"
    assert len(as_dict["dlq-error"]) == 4000, "long errors are truncated to keep headers small"
