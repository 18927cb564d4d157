"""Who may see a claim: its submitter, and every adjuster and admin.

A claim belongs to the principal (API key name) that submitted it. Anyone else holding a
submitter key gets 404 for it, exactly as for a claim that does not exist, so a claim's
existence never leaks across submitters.
"""

from __future__ import annotations

from infra.api_keys import ApiKey, Role


def may_see(caller: ApiKey, owner: str | None) -> bool:
    """Adjusters and admins see every claim; a submitter only its own."""
    if caller.role is not Role.SUBMITTER:
        return True
    return owner is not None and owner == caller.name


def owner_filter(caller: ApiKey, requested: str | None) -> str | None:
    """The owner a claim list is restricted to: a submitter's own, or what staff asked for."""
    return caller.name if caller.role is Role.SUBMITTER else requested
