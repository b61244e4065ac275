"""Whether ``batch --engine ray --address ADDRESS`` names a cluster that answers, before the run.

Ray, given an address where nothing listens (a mistyped port, a head node not started), retried
for as long as it was let, printing a warning every few seconds ("Failed to connect to GCS …"),
after the run had made OUT: a user saw log lines and no end. A TCP connection to the address,
tried once for a few seconds, tells that at once.
"""
from __future__ import annotations

import socket
from urllib.parse import urlsplit

# what ray.init takes that is no host and port: join the cluster this machine belongs to
_NO_HOST = frozenset({"auto", "local"})


class RayUnreachable(Exception):
    """Nothing answers at the ``--address`` of a Ray cluster (the message says where and why)."""


def host_port(address: str) -> tuple[str, int] | None:
    """``(host, port)`` of a Ray address: ``HOST:PORT`` (the head's GCS) or ``ray://HOST:PORT``
    (Ray Client); ``[::1]:6379`` for IPv6. None for ``auto``/``local`` and for an address without
    a port (Ray's own defaults then apply; there is nothing to check)."""
    if address.strip().lower() in _NO_HOST:
        return None
    parts = urlsplit(address if "://" in address else f"//{address}")
    try:
        port = parts.port
    except ValueError:  # "host:abc": Ray says what is wrong with it
        return None
    if not parts.hostname or port is None:
        return None
    return parts.hostname, port


def check_reachable(address: str | None, timeout_s: float = 5.0) -> None:
    """Raise ``RayUnreachable`` when a TCP connection to ``address`` fails within ``timeout_s``;
    nothing for None (a local Ray), ``auto`` or an address without a port."""
    target = host_port(address) if address else None
    if target is None:
        return
    host, port = target
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        if isinstance(exc, TimeoutError):
            why = f"no answer within {timeout_s:g} s"
        raise RayUnreachable(
            f"cannot reach a Ray cluster at --address {address} ({why}): start its head with "
            f"`ray start --head --port {port}`, check the host and port, or leave --address out to run Ray on this machine"
        ) from None
