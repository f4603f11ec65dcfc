"""Where a request comes from, as far as the per-IP hold cap needs to know.

Behind CloudFront, API Gateway's sourceIp is a CloudFront edge, shared by many
clients. So a viewer-request function on /api/* writes the viewer's IP into
VIEWER_HEADER (overwriting whatever the caller sent), and the origin adds
EDGE_HEADER carrying a per-stack secret (EDGE_SECRET). The execute-api URL stays
reachable directly (it is CloudFront's origin), so VIEWER_HEADER is believed only
next to that secret; any other request counts under its own sourceIp, which a
direct caller cannot forge.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping
from typing import Any

VIEWER_HEADER = "x-keepslot-viewer"
EDGE_HEADER = "x-keepslot-edge"


def client_network(event: Mapping[str, Any], edge_secret: str | None) -> str | None:
    """The caller's network (see `network`), or None if the event names no address."""
    headers = event.get("headers") or {}
    sent = str(headers.get(EDGE_HEADER, "")).encode()
    if edge_secret and hmac.compare_digest(sent, edge_secret.encode()):
        found = network(str(headers.get(VIEWER_HEADER, "")))
        if found:
            return found
    source = ((event.get("requestContext") or {}).get("http") or {}).get("sourceIp")
    return network(str(source or ""))


def network(raw: str) -> str | None:
    """The address in `raw` ("ip", "ip:port" or "[ipv6]:port") as the unit one client
    controls: an IPv4 address, or the /64 of an IPv6 one (a subscriber's usual share,
    inside which a client can pick a fresh address at will). None if there is none."""
    text = raw.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    addr = _address(text)
    if addr is None and text.count(":") == 1:  # IPv4 with a port
        addr = _address(text.partition(":")[0])
    if addr is None:
        return None
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped:
            return str(addr.ipv4_mapped)
        return str(ipaddress.IPv6Network((addr, 64), strict=False))
    return str(addr)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
