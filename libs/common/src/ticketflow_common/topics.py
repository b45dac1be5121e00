"""The event topics of ARCHITECTURE §3, who consumes them, and their dead-letter names."""

from dataclasses import dataclass

TICKETS = "tickets.events.v1"
ROUTING = "routing.events.v1"
SLA = "sla.events.v1"
NOTIFY = "notify.events.v1"
INSIGHTS = "insights.events.v1"
KNOWLEDGE = "knowledge.events.v1"
MAIL = "mail.events.v1"
IDENTITY = "identity.events.v1"
AUDIT = "audit.events.v1"
AUTOMATION = "automation.events.v1"
ALL_TOPICS = (
    TICKETS,
    ROUTING,
    SLA,
    NOTIFY,
    INSIGHTS,
    KNOWLEDGE,
    MAIL,
    IDENTITY,
    AUDIT,
    AUTOMATION,
)
PARTITIONS = 12

PUBLISHED_BY: dict[str, str] = {
    TICKETS: "intake",
    ROUTING: "routing",
    SLA: "sla",
    NOTIFY: "notify",
    INSIGHTS: "insights",
    KNOWLEDGE: "knowledge",
    MAIL: "mail",
    IDENTITY: "identity",
    AUDIT: "every service",
    AUTOMATION: "automation",
}
"""Each topic has one writer (ARCHITECTURE §3): the service whose events it carries. The audit
trail is the one exception: every service appends its own chain (key: the service's name), in
the transaction of the change it records, so its `source` names the service (`audit_source`)."""

CONSUMED_BY: dict[str, tuple[str, ...]] = {
    "intake": (ROUTING, SLA, NOTIFY, KNOWLEDGE, MAIL, IDENTITY, AUTOMATION),
    "routing": (TICKETS, IDENTITY, AUTOMATION),
    "sla": (TICKETS, ROUTING, IDENTITY),
    "notify": (TICKETS, ROUTING, SLA, INSIGHTS, KNOWLEDGE, IDENTITY, AUTOMATION),
    "insights": (TICKETS, ROUTING, SLA, IDENTITY),
    "knowledge": (TICKETS, IDENTITY),
    "mail": (TICKETS, IDENTITY),
    "identity": (),
    "automation": (TICKETS, ROUTING, SLA, NOTIFY, INSIGHTS, KNOWLEDGE, MAIL, IDENTITY),
    "console": (TICKETS, ROUTING, SLA),
}
"""Every service but identity and the console consumes `identity.events.v1`: its revocations
refuse access tokens before they expire (`ticketflow_common.revocations`); the console verifies
no token (it calls the services with the user's, and they refuse a revoked one)."""


def event_source(topic: str) -> str:
    """The CloudEvents `source` of every event on `topic`: its one publishing service."""
    return f"/ticketflow/{PUBLISHED_BY[topic]}"


def audit_source(service: str) -> str:
    """The `source` of an `audit.recorded` event: the service whose chain it extends."""
    return f"/ticketflow/{service}"


def dlq_topic(topic: str, consumer_service: str) -> str:
    """Dead letters of one consumer service stay apart from another's."""
    return f"{topic}.dlq.{consumer_service}"


def all_topic_names() -> list[str]:
    """Every topic the system needs, dead-letter topics included."""
    dlqs = [dlq_topic(t, svc) for svc, topics in CONSUMED_BY.items() for t in topics]
    return [*ALL_TOPICS, *dlqs]


@dataclass(frozen=True)
class TopicNames:
    """Maps contract topic names to physical ones; tests isolate themselves with a prefix."""

    prefix: str = ""

    def physical(self, topic: str) -> str:
        return f"{self.prefix}{topic}"

    def logical(self, physical: str) -> str:
        return physical.removeprefix(self.prefix)
