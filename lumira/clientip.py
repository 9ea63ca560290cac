"""The client's address, for rate limits and logs (SPEC §12).

`REMOTE_ADDR` unless it is one of TRUSTED_PROXIES (addresses or networks, e.g. the load
balancer's); then X-Forwarded-For is read from the right, each trusted hop skipped, and the
first untrusted address is the client. A client cannot spoof its way in: without a trusted
proxy the header is never read, and what a client writes at the left of the header is never
reached while a trusted proxy appended the address it saw.
"""

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(_address(remote or ""), networks):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return remote  # a garbled header: fall back on the proxy itself, never guess
        if not _trusted(address, networks):
            return str(address)
    return str(_address(hops[0])) if hops else remote
