"""The demo's receiver (tools/webhook_receiver.py) accepts what notify signs, new secrets and
pre-Standard-Webhooks ones alike, and refuses a tampered body."""

import secrets
import time
from pathlib import Path

import httpx
import pytest

from ticketflow_notify.domain.signing import new_secret, webhook_headers
from tools.webhook_receiver import build_app


@pytest.mark.parametrize("secret", [new_secret(), "whsec_" + secrets.token_urlsafe(32)])
async def test_signed_deliveries_are_accepted_and_tampered_ones_refused(
    tmp_path: Path, secret: str
) -> None:
    secret_file = tmp_path / "webhook-secret"
    secret_file.write_text(secret)
    body = b'{"id":"e-1","type":"sla.breached","subject":"t-1"}'
    headers = webhook_headers(secrets=[secret], msg_id="d-1", timestamp=int(time.time()), body=body)
    transport = httpx.ASGITransport(app=build_app(secret_file))
    async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as client:
        assert (await client.post("/hooks", content=body, headers=headers)).status_code == 204
        tampered = body.replace(b"breached", b"met")
        assert (await client.post("/hooks", content=tampered, headers=headers)).status_code == 401
        unsigned = {"content-type": "application/json"}
        assert (await client.post("/hooks", content=body, headers=unsigned)).status_code == 401
