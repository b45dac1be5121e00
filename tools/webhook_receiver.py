"""A local webhook receiver for the demo: verifies each delivery's Standard Webhooks signature
with the `standardwebhooks` library, as an integrator would, and logs it (/hooks), and plays a
flaky partner endpoint (/flaky)."""

import argparse
import asyncio
import json
import logging
import zlib
from pathlib import Path

import uvicorn
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ticketflow_notify.domain.signing import standard_secret

log = logging.getLogger("webhook-receiver")


def read_secret(path: Path) -> str:
    """Read on every request, so a re-seeded demo's new secret is picked up."""
    return path.read_text().strip() if path.exists() else ""


def verified(secret: str, body: bytes, headers: Headers) -> bool:
    """The library's check; a demo secret from before Standard Webhooks in its standard form."""
    try:
        Webhook(standard_secret(secret)).verify(body, dict(headers), json_parse=False)
    except (WebhookVerificationError, ValueError):
        return False
    return True


def build_app(secret_file: Path) -> Starlette:
    async def receive(request: Request) -> Response:
        body = await request.body()
        secret = await asyncio.to_thread(read_secret, secret_file)
        valid = bool(secret) and verified(secret, body, request.headers)
        event = json.loads(body) if body else {}
        log.info(
            json.dumps(
                {
                    "type": event.get("type"),
                    "subject": event.get("subject"),
                    "event_id": event.get("id"),
                    "signature_valid": valid,
                    "traceparent": request.headers.get("traceparent"),
                }
            )
        )
        return Response(status_code=204 if valid else 401)

    failed_once: set[str] = set()

    async def flaky(request: Request) -> Response:
        """A partner endpoint having a bad day: the first attempt of one delivery in four
        answers 503 (notify retries it), everything else 204."""
        delivery = request.headers.get("webhook-id", "")
        if delivery not in failed_once and zlib.crc32(delivery.encode()) % 4 == 0:
            failed_once.add(delivery)
            return Response(status_code=503)
        return Response(status_code=204)

    return Starlette(
        routes=[
            Route("/hooks", receive, methods=["POST"]),
            Route("/flaky", flaky, methods=["POST"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--secret-file", type=Path, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    uvicorn.run(build_app(args.secret_file), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
