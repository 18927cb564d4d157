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
    """The URL may not receive webhooks; the message says why (and is safe to show).

    It never names what the host resolved to: that would map internal names for a caller.
    """


class UnresolvableError(UrlRefusedError):
    """The host did not resolve (now): transient for a delivery, a refusal for a new URL."""


# Ways to write an IPv4 address inside IPv6 that `is_global` does not unwrap: IPv4-compatible
# (::a.b.c.d, deprecated), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96 and the
# local-use 64:ff9b:1::/48) and 6to4 (2002::/16). A receiver there could be any IPv4 host, the
# service's own network included, so none of them is accepted.
_EMBEDS_IPV4 = tuple(
    ipaddress.ip_network(n)
    for n in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16")
)


# Not globally reachable, by IANA's special-purpose address registries, written out rather than
# left to `ipaddress.is_global`, which lets some through (site-local fec0::/10, 3fff::/20, the
# 6to4 relay anycast 192.88.99.0/24) and differs between Python versions.
_NOT_GLOBAL_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # this network
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local (cloud metadata services)
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the limited broadcast 255.255.255.255
    )
)
# IPv6 is global only inside global unicast 2000::/3 (which leaves out ::/128, ::1, the mapped
# and NAT64 prefixes, 100::/64, 5f00::/16, fc00::/7, fe80::/10, fec0::/10, ff00::/8 and the
# unassigned space), and not even all of that:
_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_NOT_GLOBAL_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "2001::/23",  # IETF protocol assignments (Teredo, ORCHID, benchmarking, ...)
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4: any IPv4 host, ours included
        "3fff::/20",  # documentation (RFC 9637)
    )
)


def _is_global(address: IpAddress) -> bool:
    """Whether `address` is globally reachable unicast, by the lists above."""
    if isinstance(address, ipaddress.IPv4Address):
        return not any(address in network for network in _NOT_GLOBAL_V4)
    if address not in _GLOBAL_UNICAST_V6:
        return False
    return not any(address in network for network in _NOT_GLOBAL_V6)


@dataclass(frozen=True)
class CheckedUrl:
    url: str
    host: str
    port: int
    # Every address the host resolved to, each of them checked, in resolver order.
    addresses: tuple[IpAddress, ...]

    @property
    def receiver(self) -> str:
        """`host:port`: what a circuit breaker counts failures of (one service, one breaker)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host.lower()}:{self.port}"

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
    embeds_ipv4 = isinstance(address, ipaddress.IPv6Address) and not address.is_loopback
    if embeds_ipv4 and any(address in network for network in _EMBEDS_IPV4):
        return False
    if address.is_loopback:
        return allow_loopback
    # Both must agree: our list, and Python's view as a second opinion.
    return _is_global(address) and address.is_global and not address.is_multicast


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
    _check_host_name(parts.hostname)
    if parts.username is not None or parts.password is not None:
        raise UrlRefusedError("url must not carry credentials")
    if parts.fragment:
        raise UrlRefusedError("url must not have a fragment")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def _check_host_name(host: str) -> None:
    """Refuse a name no resolver would take (empty or over-long labels, bad IDNA)."""
    if host.startswith("[") or ":" in host:
        return  # an IPv6 literal, checked as an address
    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    try:
        encoded = host.encode("idna")
    except UnicodeError:
        raise UrlRefusedError("url host is not a valid host name") from None
    labels = encoded.rstrip(b".").split(b".")
    if len(encoded) > 253 or any(not 0 < len(label) <= 63 for label in labels):
        raise UrlRefusedError("url host is not a valid host name")


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
        except (OSError, TimeoutError, UnicodeError) as exc:
            raise UnresolvableError("url host does not resolve") from exc
        # A scoped IPv6 address (fe80::1%eth0) drops its scope, then is refused as link-local.
        addresses = [ipaddress.ip_address(str(info[4][0]).partition("%")[0]) for info in infos]
    for address in addresses:
        if not _allowed_address(address, allow_loopback=allow_loopback):
            # Which address, and even whether it was the literal or the name's, is not said.
            raise UrlRefusedError(
                "url host is or resolves to a private, loopback, link-local or reserved "
                "address; webhooks go to public addresses only"
            )
    unique = tuple(dict.fromkeys(addresses))
    return CheckedUrl(url=url, host=host, port=port, addresses=unique)
