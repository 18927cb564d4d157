"""Everything a claim's console page shows, read from Postgres in one snapshot.

The same rows GET /v1/claims/{id} reads (app/services/views.py), plus what an adjuster needs
beside them: the policy, the policy check's reasons, the model's assessment, why the claim is
waiting, every decision in the ledger, and the documents' text.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncEngine

from app.schemas import ClaimOut, ShadowOut
from app.services.views import shadows_of, view_of_row
from claims.lifecycle import ClaimStatus, EventType
from claims.models import Policy
from infra.store import claims as claim_store
from infra.store import documents, policies
from infra.store.claims import DecisionRow

# A document's text is shown up to this many characters (documents may be 1 MiB).
DOCUMENT_PREVIEW_CHARS = 20_000
# Statuses a claim leaves by itself (no person needed): the page keeps itself up to date.
IN_MOTION = frozenset(
    {
        ClaimStatus.SUBMITTED,
        ClaimStatus.ASSESSING,
        ClaimStatus.APPROVED,
        ClaimStatus.PAYING,
    }
)


@dataclass(frozen=True)
class DocumentText:
    name: str
    added_by: str
    added_at: dt.datetime
    text: str
    truncated: bool
    # A file's: shown as a thumbnail (photos) or framed (PDFs), its text (once read) below.
    document_id: uuid.UUID | None = None
    kind: str = "text"
    size_bytes: int = 0

    @property
    def is_image(self) -> bool:
        return self.kind in ("jpeg", "png", "webp")

    @property
    def is_file(self) -> bool:
        return self.kind != "text"


@dataclass(frozen=True)
class ClaimPage:
    claim: ClaimOut
    policy: Policy | None
    policy_check: dict[str, Any] | None
    assessment: DecisionRow | None
    routing_reasons: list[str]
    review_due_at: dt.datetime | None
    ledger: Sequence[DecisionRow]
    documents: list[DocumentText] = field(default_factory=list)
    workflow_url: str | None = None
    shadows: list[ShadowOut] = field(default_factory=list)
    # The latest investigation's figures and transcript (the `assessed` event), if any.
    investigation: dict[str, Any] | None = None

    @property
    def in_motion(self) -> bool:
        return self.claim.status in IN_MOTION

    @property
    def takes_documents(self) -> bool:
        return not ClaimStatus(self.claim.status).is_terminal


def _latest_detail(claim: ClaimOut, event_type: EventType) -> dict[str, Any] | None:
    found = [e.detail for e in claim.events if e.type == event_type]
    return found[-1] if found else None


def _investigation(claim: ClaimOut) -> dict[str, Any] | None:
    """The latest investigation recorded: at its end (`assessed`) or at its question."""
    found = [
        e.detail["investigation"]
        for e in claim.events
        if e.type in (EventType.ASSESSED, EventType.INFO_REQUESTED) and "investigation" in e.detail
    ]
    return found[-1] if found else None


def _due(detail: dict[str, Any] | None) -> dt.datetime | None:
    raw = (detail or {}).get("due_at")
    try:
        return dt.datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def workflow_link(ui_url: str, namespace: str, workflow_id: str) -> str | None:
    if not ui_url:
        return None
    return f"{ui_url.rstrip('/')}/namespaces/{quote(namespace)}/workflows/{quote(workflow_id)}"


async def load(
    engine: AsyncEngine, claim_id: uuid.UUID, *, ui_url: str, namespace: str
) -> ClaimPage | None:
    """The claim's page, or None when no claim row exists (yet)."""
    async with engine.connect() as conn:
        snapshot = await conn.execution_options(isolation_level="REPEATABLE READ")
        async with snapshot.begin():
            row = await claim_store.get(conn=snapshot, claim_id=claim_id)
            if row is None:
                return None
            claim = await view_of_row(conn=snapshot, row=row)
            policy = await policies.get(conn=snapshot, policy_number=claim.policy_number)
            ledger = await claim_store.list_decisions(conn=snapshot, claim_id=claim_id)
            texts = await documents.texts(
                conn=snapshot,
                claim_id=claim_id,
                document_ids=[d.document_id for d in claim.documents],
            )
            shadows = await shadows_of(conn=snapshot, claim_id=claim_id)
    requested = _latest_detail(claim, EventType.REVIEW_REQUESTED)
    shown = []
    for doc, (_, stored_text) in zip(claim.documents, texts, strict=True):
        text = stored_text or ""
        shown.append(
            DocumentText(
                name=doc.name,
                added_by=doc.added_by,
                added_at=doc.created_at,
                text=text[:DOCUMENT_PREVIEW_CHARS],
                truncated=len(text) > DOCUMENT_PREVIEW_CHARS,
                document_id=doc.document_id,
                kind=doc.kind,
                size_bytes=doc.size_bytes,
            )
        )
    return ClaimPage(
        claim=claim,
        policy=policy,
        policy_check=_latest_detail(claim, EventType.POLICY_CHECKED),
        assessment=next((d for d in reversed(ledger) if d.model_name), None),
        routing_reasons=list((requested or {}).get("reasons") or []),
        review_due_at=_due(requested),
        ledger=ledger,
        documents=shown,
        workflow_url=workflow_link(ui_url, namespace, claim.workflow_id),
        shadows=shadows,
        investigation=_investigation(claim),
    )


class ClaimPages:
    """A claim's console page, read in one snapshot, with its workflow's Web UI link."""

    def __init__(self, engine: AsyncEngine, *, ui_url: str, namespace: str) -> None:
        self._engine = engine
        self._ui_url = ui_url
        self._namespace = namespace

    async def load(self, claim_id: uuid.UUID) -> ClaimPage | None:
        return await load(self._engine, claim_id, ui_url=self._ui_url, namespace=self._namespace)
