"""Connections that go to the address that was checked (no DNS rebinding).

Checking a URL's host and then letting the HTTP library connect resolves the name twice:
a name server that answers a public address to the check and 127.0.0.1 or 169.254.169.254
to the connect would reach what the check refused. Here the name is resolved once, at
connect time, each address checked by the rule of flows/fetching/addresses.py, and the
socket opened to that address. The URL keeps the host name, so the Host header, TLS SNI
and certificate verification are about the name, as without the pin.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import httpcore
import httpx

from flows.fetching.addresses import Network, refusal, resolve


class AddressRefused(Exception):
    """The host resolved, at connect time, to an address fetches may not reach."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PinnedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, with each connection's name resolved and checked once."""

    def __init__(self, allowed: Sequence[Network]) -> None:
        self.allowed = tuple(allowed)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = resolve(host, port)
        except (OSError, ValueError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if reason := refusal(host, [address for address, _ in addresses], self.allowed):
            raise AddressRefused(reason)
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for _, connect_to in addresses:  # in the resolver's order, as the OS would try
            try:
                return super().connect_tcp(connect_to, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport over PinnedBackend: every connection it opens is checked."""

    def __init__(self, allowed: Sequence[Network]) -> None:
        super().__init__()
        limits = httpx.Limits()  # httpx's defaults, as the pool it replaces had
        # HTTPTransport takes no network backend, so its pool is replaced by one that
        # has ours (httpx 0.28, pinned by uv.lock; tests/test_fetching.py would fail).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(allowed),
        )
