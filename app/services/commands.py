"""The claim commands: review, cancel, add a document, retry a parked step.

Each is a Temporal update with a validator, so a request the claim cannot take is refused
before it enters the workflow's history. This module speaks Temporal and Postgres and raises
`ServiceError`s; the routes (app/routes/actions.py) speak HTTP, and app/http/errors.py maps the
errors to problem responses. Nothing here loops or sleeps: when the claim cannot answer yet,
the caller is told so and when to ask again.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import (
    Client,
)

from app.schemas import MAX_DOCUMENT_BYTES, ClaimOut, DocumentOut
from app.services import workflow_view
from app.services.errors import (
    CatchingUpError,
    ConflictError,
    ForbiddenError,
    InvalidFieldError,
    MovedOnError,
    NotFoundError,
    TooLargeError,
)
from app.services.moved_on import who_moved_it
from app.services.ownership import may_see
from app.services.updates import OWN_CLAIM, ClaimUpdates, Known
from app.services.views import claim_view
from claims.lifecycle import ClaimStatus
from contracts import (
    ADD_DOCUMENT_UPDATE,
    CANCEL_UPDATE,
    PAYEE_UPDATE,
    RETRY_UPDATE,
    REVIEW_UPDATE,
    Actor,
    CancelInput,
    DocumentAdded,
    PayeeCorrection,
    RetryInput,
    ReviewDecision,
    ReviewInput,
)
from infra.api_keys import ApiKey, Role
from infra.settings import Settings
from infra.store import claim_numbers, documents
from infra.store import claims as claim_store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """The claim after the command; `pending` when it has not answered in time. A pending
    command the claim `accepted` is in its history and will be applied; one it had not
    accepted yet may still be taken, or may be lost with the worker that was to take it."""

    claim: ClaimOut
    pending: bool
    accepted: bool = True


@dataclass(frozen=True)
class DocumentOutcome:
    document: DocumentOut
    pending: bool


class ClaimCommands:
    def __init__(self, client: Client, engine: AsyncEngine, settings: Settings) -> None:
        self._client = client
        self._engine = engine
        self._settings = settings
        self._updates = ClaimUpdates(client, settings.update_wait_s)

    async def review(
        self,
        caller: ApiKey,
        claim_id: uuid.UUID,
        *,
        decision: ReviewDecision,
        approved_amount: Decimal | None,
        note: str | None,
        message_to_claimant: str | None = None,
    ) -> Outcome:
        """An adjuster's decision: approve (optionally less), reject, or ask for information.

        `note` is internal; `message_to_claimant` is what the claimant reads."""
        review = ReviewInput(
            decision=decision,
            approved_amount=approved_amount,
            note=note,
            adjuster_name=caller.name,
            adjuster_role=caller.role.value,
            message_to_claimant=message_to_claimant,
        )
        known = await self._authorize(caller, claim_id)
        if known.submitted_by == caller.name:
            # Segregation of duties; the workflow's validator refuses it too.
            raise ForbiddenError(OWN_CLAIM)
        return await self._command(caller, claim_id, REVIEW_UPDATE, review, known=known)

    async def cancel(self, caller: ApiKey, claim_id: uuid.UUID, *, reason: str | None) -> Outcome:
        """Cancel before the payment starts; an assessment in flight is cancelled too."""
        return await self._command(
            caller, claim_id, CANCEL_UPDATE, CancelInput(reason=reason, by=_actor(caller))
        )

    async def correct_payee(
        self, caller: ApiKey, claim_id: uuid.UUID, *, payee: str, note: str | None
    ) -> Outcome:
        """Pay another account (after the bank refused the claimant's): the claimant's own
        system may, and staff may with a note saying why."""
        if caller.role is not Role.SUBMITTER and not (note or "").strip():
            raise InvalidFieldError("note", "a correction by staff needs a note saying why")
        correction = PayeeCorrection(payee=payee.strip(), note=note, by=_actor(caller))
        return await self._command(caller, claim_id, PAYEE_UPDATE, correction)

    async def retry(self, caller: ApiKey, claim_id: uuid.UUID) -> Outcome:
        """Run a parked claim's failed step again, once its data or code is fixed."""
        return await self._command(caller, claim_id, RETRY_UPDATE, RetryInput(by=_actor(caller)))

    async def document_target(self, caller: ApiKey, claim_id: uuid.UUID) -> Known:
        """The claim a document is for, when the caller may add one to it now."""
        known = await self._authorize(caller, claim_id)
        if not known.recorded:
            # Documents hang off the claim row, which the workflow writes just after its start.
            raise CatchingUpError(f"claim {claim_id} is not recorded yet; retry in a moment")
        if ClaimStatus(known.status).is_terminal:
            raise ConflictError(f"claim {claim_id} is {known.status}; no more documents")
        return known

    async def add_document(
        self, caller: ApiKey, claim_id: uuid.UUID, *, name: str, content_type: str, text: str
    ) -> DocumentOutcome:
        """Store a text document with the claim; a claim awaiting information is assessed again.

        The row is stored unattached, and the claim attaches it in the step that records its
        `document_added` event (infra/store/claims.py). A refusal deletes it at once; one the
        claim never took (an update that timed out and was refused later) is deleted when
        the claim ends. No read shows an unattached document.
        """
        size = len(text.encode())
        if size > MAX_DOCUMENT_BYTES:
            raise TooLargeError(f"document text is {size} bytes; the limit is {MAX_DOCUMENT_BYTES}")
        known = await self.document_target(caller, claim_id)
        async with self._engine.begin() as conn:
            document_id = await documents.add(
                conn=conn,
                claim_id=claim_id,
                name=name,
                content_type=content_type,
                text=text,
                added_by=caller.name,
            )
        added = DocumentAdded(document_id=document_id, name=name, by=_actor(caller))
        return await self.announce_document(claim_id, known, added, refused=self._forget)

    async def _forget(self, document_id: uuid.UUID) -> None:
        async with self._engine.begin() as conn:
            await documents.remove(conn=conn, document_id=document_id)

    async def announce_document(
        self,
        claim_id: uuid.UUID,
        known: Known,
        added: DocumentAdded,
        *,
        refused: Callable[[uuid.UUID], Awaitable[None]],
    ) -> DocumentOutcome:
        """Tell the claim of a stored document; `refused` removes it if the claim says no."""
        # Shielded: a client hanging up mid-request must not stop a refusal's clean-up.
        return await asyncio.shield(self._announce(claim_id, known, added, refused))

    async def _announce(
        self,
        claim_id: uuid.UUID,
        known: Known,
        added: DocumentAdded,
        refused: Callable[[uuid.UUID], Awaitable[None]],
    ) -> DocumentOutcome:
        try:
            sent = await self._updates.send(
                claim_id,
                known,
                ADD_DOCUMENT_UPDATE,
                added,
                # Announcing a document again (a client's retry) is the same update.
                update_id=f"document-{added.document_id}",
            )
        except (ConflictError, InvalidFieldError):
            await refused(added.document_id)
            raise
        async with self._engine.connect() as conn:
            row = await documents.get(conn=conn, document_id=added.document_id)
        if row is None:  # pragma: no cover - stored before; only the claim's end deletes it
            raise NotFoundError(f"claim {claim_id} not found")
        return DocumentOutcome(
            DocumentOut.model_validate(row, from_attributes=True), pending=sent.state is None
        )

    async def _command(
        self,
        caller: ApiKey,
        claim_id: uuid.UUID,
        name: str,
        argument: Any,
        *,
        known: Known | None = None,
    ) -> Outcome:
        known = known or await self._authorize(caller, claim_id)
        try:
            sent = await self._updates.send(claim_id, known, name, argument)
        except MovedOnError as moved:
            raise await who_moved_it(self._engine, claim_id, moved) from None
        return Outcome(
            await self._claim_now(claim_id), pending=sent.state is None, accepted=sent.accepted
        )

    async def visible(self, caller: ApiKey, claim_id: uuid.UUID) -> Known:
        """The claim's status when the caller may see it (NotFoundError otherwise)."""
        return await self._authorize(caller, claim_id)

    async def _authorize(self, caller: ApiKey, claim_id: uuid.UUID) -> Known:
        """The claim's status, read once; NotFoundError when it is not the caller's to see."""
        async with self._engine.connect() as conn:
            row = await claim_store.get(conn=conn, claim_id=claim_id)
        if row is not None:
            owner = row.submitted_by
            known = Known(row.status, recorded=True, submitted_by=owner)
        else:
            started = await workflow_view.started_input(self._client, claim_id)
            if started is None:
                raise NotFoundError(f"claim {claim_id} not found")
            owner = started.submitted_by
            known = Known(ClaimStatus.SUBMITTED, recorded=False, submitted_by=owner)
        if not may_see(caller, owner):
            raise NotFoundError(f"claim {claim_id} not found")
        return known

    async def _claim_now(self, claim_id: uuid.UUID) -> ClaimOut:
        async with self._engine.connect() as conn:
            view = await claim_view(conn=conn, claim_id=claim_id)
        if view is not None:
            return view
        workflow_input = await workflow_view.started_input(self._client, claim_id)
        if workflow_input is None:  # pragma: no cover - the update above found the workflow
            raise NotFoundError(f"claim {claim_id} not found")
        async with self._engine.connect() as conn:
            number = await claim_numbers.of(conn=conn, claim_id=claim_id)
        return workflow_view.from_workflow(
            workflow_input, await workflow_view.query_state(self._client, claim_id), number
        )


def _actor(caller: ApiKey) -> Actor:
    return Actor(name=caller.name, role=caller.role.value)
