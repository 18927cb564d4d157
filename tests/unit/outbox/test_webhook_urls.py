"""SSRF: in prod a webhook reaches public https endpoints only; dev allows loopback."""

from __future__ import annotations

import pytest

from infra.webhook_urls import UrlRefusedError, check_url

REFUSED_IN_PROD = [
    ("http://93.184.215.14/hooks", "https"),
    ("https://127.0.0.1/hooks", "loopback"),
    ("https://[::1]/hooks", "loopback"),
    ("https://10.1.2.3/hooks", "private"),
    ("https://192.168.0.10/hooks", "private"),
    ("https://172.16.5.4/hooks", "private"),
    ("https://169.254.169.254/latest/meta-data", "link-local"),
    ("https://[fe80::1]/hooks", "link-local"),
    ("https://[::ffff:10.0.0.1]/hooks", "private"),
    ("https://100.64.0.1/hooks", "reserved"),
    ("https://0.0.0.0/hooks", "reserved"),
    ("https://224.0.0.1/hooks", "reserved"),
    ("https://localhost/hooks", "loopback"),
    ("https://user:pw@93.184.215.14/hooks", "credentials"),
    ("ftp://93.184.215.14/hooks", "https"),
    ("https:///hooks", "host"),
    ("https://93.184.215.14:99999/", "valid"),
    # IPv4 inside IPv6, each a way to reach 127.0.0.1 that `is_global` alone lets through.
    ("https://[::7f00:1]/hooks", "reserved"),
    ("https://[::ffff:0:7f00:1]/hooks", "reserved"),
    ("https://[64:ff9b::7f00:1]/hooks", "reserved"),
    ("https://[64:ff9b:1::7f00:1]/hooks", "reserved"),
    ("https://[2002:7f00:1::]/hooks", "reserved"),
    # Names no resolver takes: refused as such, never a crash inside the idna codec.
    ("https://a..b/hooks", "valid host name"),
    (f"https://{'a' * 64}.example.com/hooks", "valid host name"),
    (f"https://{'a.' * 130}com/hooks", "valid host name"),
]


# Addresses that are not globally reachable but that Python's `ipaddress` calls global (3.11 to
# 3.13 disagree among themselves), so the check refuses them by an explicit list instead.
IS_GLOBAL_GETS_WRONG = [
    "fec0::1",  # site-local (deprecated, still routed inside some networks)
    "fed0:1::5",  # site-local
    "3fff::1",  # documentation (RFC 9637)
    "5f00::1",  # SRv6 SIDs (RFC 9602)
    "4000::1",  # unassigned, outside global unicast 2000::/3
    "c000::1",  # unassigned
    "ff02::1",  # multicast (is_global says true)
    "192.88.99.1",  # 6to4 relay anycast (deprecated)
    "2001:db8:ffff::1",  # documentation
    "2001:20::1",  # ORCHIDv2, inside the IETF protocol block 2001::/23
]


@pytest.mark.parametrize("address", IS_GLOBAL_GETS_WRONG)
async def test_prod_refuses_non_global_ranges_that_is_global_lets_through(address: str) -> None:
    literal = f"[{address}]" if ":" in address else address
    with pytest.raises(UrlRefusedError, match="private, loopback"):
        await check_url(f"https://{literal}/hooks", allow_loopback=False)
    with pytest.raises(UrlRefusedError, match="private, loopback"):
        await check_url(f"http://{literal}/hooks", allow_loopback=True)


@pytest.mark.parametrize(("url", "why"), REFUSED_IN_PROD)
async def test_prod_refuses(url: str, why: str) -> None:
    with pytest.raises(UrlRefusedError, match=why.split("-", maxsplit=1)[0]):
        await check_url(url, allow_loopback=False)


async def test_prod_accepts_a_public_https_address() -> None:
    await check_url("https://93.184.215.14:8443/hooks?tenant=1", allow_loopback=False)
    await check_url("https://[2606:4700::1111]/hooks", allow_loopback=False)


async def test_dev_allows_loopback_and_plain_http_but_not_private_networks() -> None:
    await check_url("http://127.0.0.1:9000/hooks", allow_loopback=True)
    await check_url("http://localhost:9000/hooks", allow_loopback=True)
    with pytest.raises(UrlRefusedError):
        await check_url("http://10.0.0.5/hooks", allow_loopback=True)
    with pytest.raises(UrlRefusedError):
        await check_url("http://169.254.169.254/", allow_loopback=True)


async def test_a_host_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(UrlRefusedError, match="does not resolve"):
        await check_url("https://no-such-host.invalid/hooks", allow_loopback=False)


async def test_a_delivery_is_pinned_to_the_addresses_that_were_checked() -> None:
    checked = await check_url("https://93.184.215.14/hooks?x=1", allow_loopback=False)
    assert checked.pinned(checked.addresses[0]) == (
        "https://93.184.215.14:443/hooks?x=1",
        {"host": "93.184.215.14"},
        {"sni_hostname": "93.184.215.14"},
    )
    v6 = await check_url("https://[2606:4700::1111]:8443/h", allow_loopback=False)
    assert v6.pinned(v6.addresses[0])[0] == "https://[2606:4700::1111]:8443/h"
    # A name: connect to what it resolved to, name the host in Host and in TLS (SNI).
    named = await check_url("http://localhost:9000/h", allow_loopback=True)
    assert all(a.is_loopback for a in named.addresses)
    target, host, extensions = named.pinned(named.addresses[0])
    assert "localhost" not in target
    assert host == {"host": "localhost:9000"}
    assert extensions == {"sni_hostname": "localhost"}


async def test_a_refusal_never_says_what_a_name_resolved_to() -> None:
    """The reason is safe to show a caller: it maps no internal name to an address."""
    with pytest.raises(UrlRefusedError) as refused:
        await check_url("https://localhost/hooks", allow_loopback=False)
    assert "127.0.0.1" not in str(refused.value)
    assert "::1" not in str(refused.value)
