"""The OpenAPI `webhooks` section: one operation per event type a webhook endpoint receives,
with its CloudEvent body and the Standard Webhooks headers that sign it."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import FastAPI, Header
from pydantic import BaseModel, Field, create_model

from ticketflow_common.events import EVENT_MODELS
from ticketflow_notify.commands.endpoint_test_events import TEST_EVENT_TYPE
from ticketflow_notify.domain.deliveries import FORWARDED_TOPICS


class WebhookEvent(BaseModel):
    """A webhook's body: the CloudEvent (structured JSON mode) as notify consumed it."""

    specversion: Literal["1.0"] = "1.0"
    id: UUID = Field(description="The event's id (one per event, whichever endpoint).")
    source: str
    type: str
    time: datetime
    subject: str = Field(description="The ticket id for ticket events.")
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = Field(default=None, description="Absent on older events.")
    data: dict[str, Any]


class TestEventData(BaseModel):
    """What a `ticketflow.test` event (POST /endpoints/{id}/test) carries."""

    endpoint_id: UUID
    message: str
    test: Literal[True] = True


WebhookId = Annotated[
    str, Header(alias="webhook-id", description="The delivery id: the same on retries.")
]
WebhookTimestamp = Annotated[
    str, Header(alias="webhook-timestamp", description="Unix seconds when it was signed.")
]
WebhookSignature = Annotated[
    str,
    Header(
        alias="webhook-signature",
        description="Space-separated `v1,<base64 HMAC-SHA256>` (or `v1a,<base64 ed25519>`)"
        " over `<webhook-id>.<webhook-timestamp>.<body>`, one per active secret.",
    ),
]
LegacySignature = Annotated[
    str | None,
    Header(
        alias="Ticketflow-Signature",
        deprecated=True,
        description="Deprecated: `t=<ts>,v1=<hex>` over `<ts>.<body>`; use webhook-signature.",
    ),
]


def carried_payloads() -> dict[str, type[BaseModel]]:
    """Every event type a webhook can carry, with its payload model: what notify forwards,
    and the test event."""
    payloads: dict[str, type[BaseModel]] = {
        event_type: model
        for event_type, model in EVENT_MODELS.items()
        if model.topic in FORWARDED_TOPICS
    }
    return dict(sorted(payloads.items())) | {TEST_EVENT_TYPE: TestEventData}


def _schema_name(event_type: str) -> str:
    words = event_type.replace(".", "_").split("_")
    return "".join(w.capitalize() for w in words) + "Webhook"


def _receiver(body_model: type[BaseModel]) -> Callable[..., None]:
    """A stand-in for the integrator's receiver, typed so FastAPI documents the request."""

    def receive(
        body: Any,
        webhook_id: WebhookId,
        webhook_timestamp: WebhookTimestamp,
        webhook_signature: WebhookSignature,
        ticketflow_signature: LegacySignature = None,
    ) -> None:
        """Answer 2xx within the timeout; anything else is retried with backoff."""

    receive.__annotations__["body"] = body_model
    return receive


def describe_webhooks(app: FastAPI) -> None:
    """Add one `webhooks` operation per carried event type (POST to the endpoint's URL)."""
    for event_type, payload in carried_payloads().items():
        doc = (payload.__doc__ or "").strip() if payload is not TestEventData else ""
        only_this: Any = Literal[event_type]
        body_model = create_model(
            _schema_name(event_type),
            __base__=WebhookEvent,
            type=(only_this, ...),
            data=(payload, ...),
        )
        app.webhooks.add_api_route(
            event_type,
            _receiver(body_model),
            methods=["POST"],
            operation_id=f"webhook_{event_type.replace('.', '_')}",
            summary=f"{event_type} delivered to a webhook endpoint",
            description=doc or f"A `{event_type}` event as a signed CloudEvent.",
            tags=["webhooks"],
            status_code=204,
        )
