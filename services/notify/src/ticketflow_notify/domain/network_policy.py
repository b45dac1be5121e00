"""Which addresses webhooks may reach: public ones, and private ranges only if allow-listed."""

import ipaddress
from collections.abc import Iterable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(cidrs: Iterable[str]) -> list[IPNetwork]:
    return [ipaddress.ip_network(c, strict=False) for c in cidrs]


def _unmapped(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def refusal(address: IPAddress, *, allowed: Sequence[IPNetwork]) -> str | None:
    """Why `address` may not be called, or None when it may.

    Anything not globally routable (private, loopback, link-local, CGNAT, reserved,
    unspecified) and multicast is refused unless an allow-listed network contains it.
    """
    plain = _unmapped(address)
    for candidate in {address, plain}:
        if any(candidate.version == n.version and candidate in n for n in allowed):
            return None
    if plain.is_multicast:
        return f"{address} is a multicast address"
    if not plain.is_global:
        kind = (
            "loopback"
            if plain.is_loopback
            else "link-local"
            if plain.is_link_local
            else "private or reserved"
        )
        return f"{address} is a {kind} address"
    return None
