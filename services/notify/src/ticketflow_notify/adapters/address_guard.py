"""Resolves a URL's host and refuses private, loopback and link-local addresses (SSRF guard)."""

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

from ticketflow_notify.domain.network_policy import IPAddress, IPNetwork, refusal


class UnsafeAddressError(Exception):
    """The URL's host resolves to an address webhooks may not call."""


class AddressGuard:
    """Checks at registration and again before every send, against what DNS says right then;
    the caller connects to the returned address, so a changed DNS answer cannot slip past."""

    def __init__(self, *, allowed: Sequence[IPNetwork]) -> None:
        self.allowed = list(allowed)

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            pass
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise UnsafeAddressError(f"host {host!r} does not resolve: {exc.strerror}") from exc
        except UnicodeError as exc:  # IDNA: a label empty or over 63 characters
            raise UnsafeAddressError(f"host {host!r} is not a valid host name") from exc
        found: list[IPAddress] = []
        for *_, sockaddr in infos:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
            if address not in found:
                found.append(address)
        return found

    async def check(self, url: str) -> IPAddress:
        """The address to connect to; raises `UnsafeAddressError` if any answer is refused."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UnsafeAddressError("only http and https URLs with a host can be called")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = await self.resolve(parts.hostname, port)
        if not addresses:
            raise UnsafeAddressError(f"host {parts.hostname!r} has no address")
        for address in addresses:
            reason = refusal(address, allowed=self.allowed)
            if reason is not None:
                raise UnsafeAddressError(
                    f"{parts.hostname} resolves to {reason}; such URLs are refused unless their"
                    " network is in NOTIFY_ALLOWED_PRIVATE_NETWORKS"
                )
        return addresses[0]
