"""Who is asking: the client address the console throttles sign-ins by.

The address is the TCP peer's, unless that peer is one of the reverse proxies named in
FAMILYVOICE_CONSOLE_TRUSTED_PROXIES (addresses or networks, space- or comma-separated). Only
then is ``X-Forwarded-For`` read, from the right: each trusted proxy appends the address it
was called from, so the first address from the right that is not a trusted proxy is the
client as our own proxy saw it. Everything to its left was written by the client and is
ignored, so a forged header cannot move an attacker into another officer's bucket. A trusted
proxy that sends no usable header leaves every client sharing the proxy's own address: one
throttle for all, never a bypass.

IPv6 clients are counted per /64, the block one subscriber is usually given, so cycling
through the addresses of one's own block does not reset the throttle.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Iterable, Sequence, Union

TRUSTED_PROXIES_ENV = "FAMILYVOICE_CONSOLE_TRUSTED_PROXIES"
IPV6_PREFIX = 64

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
Address = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]


class BadProxySetting(ValueError):
    """FAMILYVOICE_CONSOLE_TRUSTED_PROXIES names something that is not an address or network."""


def parse_trusted_proxies(text: str | None) -> tuple[Network, ...]:
    """The networks whose ``X-Forwarded-For`` the console believes; none if unset."""
    networks = []
    for item in re.split(r"[\s,]+", (text or "").strip()):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise BadProxySetting(
                f"{TRUSTED_PROXIES_ENV}: {item!r} is not an IP address or network"
            ) from None
    return tuple(networks)


def _address(text: str | None) -> Address | None:
    if not text:
        return None
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(found, "ipv4_mapped", None)
    return mapped or found


def _trusted(address: Address, trusted: Sequence[Network]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


def client_address(peer: str | None, forwarded_for: Iterable[str],
                   trusted: Sequence[Network]) -> str:
    """The address to count this request's failures against (see the module docstring)."""
    address = _address(peer)
    if address is None:
        return "unknown"
    if _trusted(address, trusted):
        hops = [hop for header in forwarded_for for hop in header.split(",")]
        for hop in reversed(hops):
            found = _address(hop)
            if found is None:
                break  # a proxy wrote nothing usable: keep the last address we can vouch for
            address = found
            if not _trusted(found, trusted):
                break
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)
