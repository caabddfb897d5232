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
        addresses = resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, ValueError) as exc:  # ValueError: a port out of range
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return AddressProblem(f"{url}: cannot resolve {host}: {reason}", permanent=False)
    if reason := refusal(host, [address for address, _ in addresses], allowed):
        return AddressProblem(f"{url}: {reason}", permanent=True)
    return None


def refusal(host: str, addresses: Sequence[Address], allowed: Sequence[Network]) -> str | None:
    """Why `host`, found at `addresses`, must not be reached; None when every one may be.

    One restricted address is enough to refuse: a name that answers a public and a
    private address could be connected to either.
    """
    for address in addresses:
        kind = _restricted_kind(address)
        if kind and not any(address in network for network in allowed):
            return (
                f"{host} is {address}, a {kind} address; refused "
                "(list it under fetch.allow_networks in the sources file to allow it)"
            )
    return None


def resolve(host: str, port: int) -> list[tuple[Address, str]]:
    """The addresses of `host`, each as checked and as given to connect (an IPv6
    link-local address keeps its zone, "fe80::1%eth0", which ip_address does not take)."""
    try:
        return [(ipaddress.ip_address(host), host)]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[tuple[Address, str]] = []
    for info in infos:
        raw = str(info[4][0])
        entry = (ipaddress.ip_address(raw.split("%")[0]), raw)
        if entry not in found:  # one per address, not per socket type and protocol
            found.append(entry)
    return found


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
