"""Ports picked for test and dev servers are never ones the kernel gives outgoing connections."""

import socket
from pathlib import Path

from devstack.processes import free_port


def _ephemeral_range() -> tuple[int, int]:
    low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    return int(low), int(high)


def test_a_picked_port_is_free_and_outside_the_ephemeral_range():
    low, high = _ephemeral_range()
    for _ in range(50):
        port = free_port()
        assert not low <= port <= high, port
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", port))  # still free: nothing else was handed it


def test_a_port_is_handed_out_once_per_process():
    # Ten servers of one dev stack pick their ports before any binds: no two may share one.
    picked = [free_port() for _ in range(500)]
    assert len(set(picked)) == len(picked)
