"""Kafka spans by the OpenTelemetry messaging conventions: `process <topic>` for a consumed
record (CONSUMER), `send <topic>` for a published one (PRODUCER), with the attributes any trace
backend knows (system, operation, destination, group, partition, offset, message id)."""

from opentelemetry.semconv._incubating.attributes import messaging_attributes as messaging
from opentelemetry.semconv._incubating.attributes.cloudevents_attributes import (
    CLOUDEVENTS_EVENT_ID,
    CLOUDEVENTS_EVENT_TYPE,
)
from opentelemetry.semconv._incubating.attributes.messaging_attributes import (
    MessagingOperationTypeValues,
    MessagingSystemValues,
)
from opentelemetry.util.types import AttributeValue

PROCESS = MessagingOperationTypeValues.PROCESS.value
SEND = MessagingOperationTypeValues.SEND.value
KAFKA = MessagingSystemValues.KAFKA.value

SpanAttributes = dict[str, AttributeValue]


def span_name(operation: str, topic: str) -> str:
    """`<operation> <destination>`: low-cardinality, as the conventions name messaging spans."""
    return f"{operation} {topic}"


def destination_attributes(*, operation: str, topic: str) -> SpanAttributes:
    """What every Kafka span says, even of a record that is no event (a dead letter's)."""
    return {
        messaging.MESSAGING_SYSTEM: KAFKA,
        messaging.MESSAGING_OPERATION_TYPE: operation,
        messaging.MESSAGING_OPERATION_NAME: operation,
        messaging.MESSAGING_DESTINATION_NAME: topic,
    }


def message_attributes(
    *, operation: str, topic: str, event_id: str, event_type: str, key: bytes | None
) -> SpanAttributes:
    """What every Kafka span of one event says: the event id is the message id."""
    attributes: SpanAttributes = {
        **destination_attributes(operation=operation, topic=topic),
        messaging.MESSAGING_MESSAGE_ID: event_id,
        CLOUDEVENTS_EVENT_ID: event_id,
        CLOUDEVENTS_EVENT_TYPE: event_type,
    }
    if key is not None:
        attributes[messaging.MESSAGING_KAFKA_MESSAGE_KEY] = key.decode(errors="replace")
    return attributes


def consumed_attributes(
    *,
    topic: str,
    partition: int,
    offset: int,
    group: str,
    event_id: str,
    event_type: str,
    key: bytes | None,
) -> SpanAttributes:
    """A consumed record's `process` span: where it was read and by which group."""
    return {
        **message_attributes(
            operation=PROCESS, topic=topic, event_id=event_id, event_type=event_type, key=key
        ),
        messaging.MESSAGING_CONSUMER_GROUP_NAME: group,
        messaging.MESSAGING_DESTINATION_PARTITION_ID: str(partition),
        messaging.MESSAGING_KAFKA_OFFSET: offset,
    }


def placed_attributes(*, partition: int, offset: int) -> SpanAttributes:
    """Where the broker put a published record, known once the send is acknowledged."""
    return {
        messaging.MESSAGING_DESTINATION_PARTITION_ID: str(partition),
        messaging.MESSAGING_KAFKA_OFFSET: offset,
    }
