"""Where a webhook may be sent: public https endpoints only (prod), loopback too (dev).

A subscription URL is a request the service makes on a client's behalf, so it must not reach
the service's own network (SSRF): private, loopback, link-local, multicast and reserved
addresses are refused, whether written as literals or reached through DNS. The check runs when
a subscription is made and again before every delivery, since DNS can change in between; a
delivery then connects to the address that was checked (`CheckedUrl.pinned`), so a name that
resolves differently a moment later (DNS rebinding) cannot steer it elsewhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MAX_URL_LENGTH = 2048
# A name that takes longer to resolve is refused rather than holding the request (or delivery).
RESOLVE_TIMEOUT_S = 5.0

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UrlRefusedError(ValueError):
    """The URL may not receive webhooks; the message says why (and is safe to show)."""


@dataclass(frozen=True)
class CheckedUrl:
    url: str
    host: str
    port: int
    # Every address the host resolved to, each of them checked, in resolver order.
    addresses: tuple[IpAddress, ...]

    def pinned(self, address: IpAddress) -> tuple[str, dict[str, str], dict[str, Any]]:
        """(URL naming a checked address, Host header, httpx extensions for TLS SNI).

        The certificate is still verified against the host name (`sni_hostname`).
        """
        parts = urlsplit(self.url)
        literal = f"[{address}]" if address.version == 6 else str(address)
        target = urlunsplit(parts._replace(netloc=f"{literal}:{self.port}"))
        return target, {"host": parts.netloc}, {"sni_hostname": self.host}


def _allowed_address(address: IpAddress, *, allow_loopback: bool) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return allow_loopback
    return address.is_global and not address.is_multicast


def check_shape(url: str, *, allow_loopback: bool) -> tuple[str, int]:
    """Refuse a malformed or plain-http URL; return its host and port."""
    if len(url) > MAX_URL_LENGTH:
        raise UrlRefusedError(f"url is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlRefusedError("url is not a valid URL") from exc
    schemes = {"https", "http"} if allow_loopback else {"https"}
    if parts.scheme not in schemes:
        raise UrlRefusedError(f"url must use {' or '.join(sorted(schemes))}")
    if not parts.hostname:
        raise UrlRefusedError("url has no host")
    if parts.username is not None or parts.password is not None:
        raise UrlRefusedError("url must not carry credentials")
    if parts.fragment:
        raise UrlRefusedError("url must not have a fragment")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def check_url(url: str, *, allow_loopback: bool) -> CheckedUrl:
    """Refuse `url` unless every address it reaches is a public one (or loopback in dev).

    Plain http is accepted only with loopback (dev): in prod a webhook's signed body must not
    travel in the clear.
    """
    host, port = check_shape(url, allow_loopback=allow_loopback)
    try:
        literal: IpAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            async with asyncio.timeout(RESOLVE_TIMEOUT_S):
                infos = await asyncio.get_running_loop().getaddrinfo(
                    host, port, type=socket.SOCK_STREAM
                )
        except (OSError, TimeoutError) as exc:
            raise UrlRefusedError(f"url host {host} does not resolve") from exc
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if not _allowed_address(address, allow_loopback=allow_loopback):
            raise UrlRefusedError(
                f"url host {host} reaches {address}, a private, loopback, link-local or "
                "reserved address"
            )
    unique = tuple(dict.fromkeys(addresses))
    return CheckedUrl(url=url, host=host, port=port, addresses=unique)
