"""The CloudEvents Kafka protocol binding, structured mode: the header that tells SDKs the
record's value is a whole CloudEvent in JSON (without it they assume binary mode)."""

import json

CONTENT_TYPE_HEADER = "content-type"
STRUCTURED_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"

KafkaHeaderList = list[tuple[str, bytes]]


def structured(headers: KafkaHeaderList) -> KafkaHeaderList:
    """`headers` with exactly one `content-type`, ours: a copied record never keeps a stale one."""
    kept = [(k, v) for k, v in headers if k.lower() != CONTENT_TYPE_HEADER]
    return [*kept, (CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE.encode())]


def is_cloudevent(value: bytes | None) -> bool:
    """A JSON object with a `specversion`: what the structured content type may label."""
    if not value:
        return False
    try:
        parsed = json.loads(value)
    except ValueError:
        return False
    return isinstance(parsed, dict) and "specversion" in parsed


def copied(headers: KafkaHeaderList, value: bytes | None) -> KafkaHeaderList:
    """Headers of a record re-published as it was (dead letters, replays): structured when the
    value is a CloudEvent; anything else is passed on as it came, labelled or not."""
    return structured(headers) if is_cloudevent(value) else headers
