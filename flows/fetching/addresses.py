"""Which network addresses a fetch may reach.

A feed entry can point anywhere, and so can a redirect: without a check, a hostile feed
could make peninsula read a cloud metadata endpoint or a service on the local network.
Only public addresses are reached, unless the sources file allows a block explicitly.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class AddressProblem:
    reason: str
    # True: the URL can never be fetched as it is (its scheme, a refused address);
    # False: it may work later (the name did not resolve).
    permanent: bool


def address_problem(url: str, allowed: Sequence[Network]) -> str | None:
    """Why `url` must not be fetched, or None when its host is fine to reach."""
    problem = check_address(url, allowed)
    return problem.reason if problem else None


def check_address(url: str, allowed: Sequence[Network]) -> AddressProblem | None:
    """Why `url` must not be fetched, and whether for good; None when it may be."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return AddressProblem(f"{url}: only http and https URLs are fetched", permanent=True)
    host = parts.hostname
    if not host:
        return AddressProblem(f"{url}: no host in the URL", permanent=True)
    try:
        addresses = _resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, ValueError) as exc:  # ValueError: a port out of range
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return AddressProblem(f"{url}: cannot resolve {host}: {reason}", permanent=False)
    for address in addresses:
        kind = _restricted_kind(address)
        if kind and not any(address in network for network in allowed):
            return AddressProblem(
                f"{url}: {host} is {address}, a {kind} address; refused "
                "(list it under fetch.allow_networks in the sources file to allow it)",
                permanent=True,
            )
    return None


def _resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # Drop an IPv6 zone ("fe80::1%eth0"): ip_address does not take one.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _restricted_kind(address: Address) -> str | None:
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_private:
        return "private"
    if address.is_multicast or address.is_reserved or address.is_unspecified:
        return "reserved"
    if not address.is_global:
        return "non-public"
    return None
