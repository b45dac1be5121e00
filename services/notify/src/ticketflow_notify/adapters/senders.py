"""The channels a delivery can go out on, chosen by its kind: webhook and chat over HTTP, email."""

from dataclasses import dataclass
from datetime import datetime

import aiohttp

from ticketflow_notify.adapters.address_guard import AddressGuard
from ticketflow_notify.adapters.email_sender import SmtpSender
from ticketflow_notify.adapters.http_sender import HttpSender
from ticketflow_notify.domain.outcomes import AttemptResult
from ticketflow_notify.settings import NotifySettings
from ticketflow_notify.store.deliveries import ClaimedDelivery


@dataclass(frozen=True)
class Senders:
    http: HttpSender
    email: SmtpSender

    @classmethod
    def from_settings(
        cls,
        settings: NotifySettings,
        *,
        http: aiohttp.ClientSession,
        timeout_seconds: float | None = None,
    ) -> "Senders":
        """Webhooks checked against the settings' network policy before every send."""
        guard = AddressGuard(allowed=settings.allowed_networks())
        timeout = settings.webhook_timeout_seconds if timeout_seconds is None else timeout_seconds
        return cls(
            http=HttpSender(http=http, guard=guard, timeout_seconds=timeout),
            email=SmtpSender(settings),
        )

    async def send(
        self, delivery: ClaimedDelivery, *, secrets: list[str], now: datetime
    ) -> AttemptResult:
        if delivery.channel == "email":
            return await self.email.send(delivery, now=now)
        return await self.http.send(delivery, secrets=secrets, now=now)
