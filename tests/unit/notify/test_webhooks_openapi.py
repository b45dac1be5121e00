"""The OpenAPI `webhooks` section lists every event type a webhook carries, signed headers and
body schema included, so receivers can be generated from the document."""

from typing import Any

from fastapi import FastAPI

from ticketflow_common.events import EVENT_MODELS
from ticketflow_notify.api.webhooks import carried_payloads, describe_webhooks
from ticketflow_notify.domain.deliveries import FORWARDED_TOPICS


def document() -> dict[str, Any]:
    app = FastAPI()
    describe_webhooks(app)
    return app.openapi()


def test_every_forwarded_event_type_and_the_test_event_is_a_webhook() -> None:
    forwarded = {t for t, m in EVENT_MODELS.items() if m.topic in FORWARDED_TOPICS}
    assert set(document()["webhooks"]) == forwarded | {"ticketflow.test"}
    assert set(carried_payloads()) == forwarded | {"ticketflow.test"}
    assert "sla.breached" in forwarded


def test_each_webhook_has_its_body_schema_and_the_standard_headers() -> None:
    spec = document()
    schemas = spec["components"]["schemas"]
    for event_type, path in spec["webhooks"].items():
        operation = path["post"]
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= set(headers)
        assert all(headers[h]["required"] for h in ("webhook-id", "webhook-signature"))
        assert headers["Ticketflow-Signature"]["deprecated"] is True
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = schemas[ref.rsplit("/", 1)[1]]
        assert body["properties"]["type"]["const"] == event_type
        assert "$ref" in body["properties"]["data"]
        assert set(body["required"]) >= {"id", "source", "type", "time", "subject", "data"}
    ids = [p["post"]["operationId"] for p in spec["webhooks"].values()]
    assert len(ids) == len(set(ids))
