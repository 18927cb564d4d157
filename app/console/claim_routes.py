"""A claim's page, and the actions posted from it (app/console/decisions.py runs them)."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response

from app.console.assigning import ASSIGN_ACTIONS, assign, overriding
from app.console.claim_events import waits_and_refusals
from app.console.confirmations import CONFIRMED_ACTIONS, YES, confirmation
from app.console.decisions import ACTIONS, ADMIN_ACTIONS, DONE, refusal_message, run
from app.console.pages import render, time_left
from app.console.responses import forbidden, message_page, redirect, signed_out
from app.console.session import Staff, csrf_valid, staff_of
from app.http.deps import services_of
from app.http.forms import cross_site, form_of
from app.services.claim_history import history
from app.services.errors import ForbiddenError, MovedOnError, NotFoundError, ServiceError
from app.services.updates import OWN_CLAIM

router = APIRouter()


@router.get("/claims/{claim_id}")
async def claim_detail(request: Request, claim_id: str, done: str = "") -> Response:
    staff = await staff_of(request)
    if staff is None:
        return signed_out(request)
    notice = DONE.get(done)
    return await _claim(request, staff, claim_id, notice=notice)


async def _claim(
    request: Request,
    staff: Staff,
    claim_id: str,
    *,
    notice: str | None = None,
    error: str | None = None,
    error_field: str | None = None,
    form: dict[str, str] | None = None,
    code: int = 200,
    moved_on: bool = False,
) -> HTMLResponse:
    page = None
    parsed = _claim_uuid(claim_id)
    if parsed is not None:
        page = await services_of(request).pages.load(parsed)
    if page is None:
        return message_page(
            request,
            staff,
            "No such claim",
            "No claim has that id (or it is not recorded yet: try again in a moment).",
            status.HTTP_404_NOT_FOUND,
        )
    services = services_of(request)
    related = await services.search.related(
        page.claim.claim_id, page.claim.policy_number, page.claim.claimant.email
    )
    context = {
        "staff": staff,
        "page": page,
        "related": related,
        "holder": await services.assignments.holder(page.claim.claim_id),
        **waits_and_refusals(page.claim),
        "history": history(page.claim, await services.assignments.history(page.claim.claim_id)),
        "claim": page.claim,
        "notice": notice,
        "error": error,
        "error_field": error_field,
        "form": form or {},
        "moved_on": moved_on,
        "time_left": time_left(page.review_due_at, dt.datetime.now(dt.UTC)),
    }
    return render(request, "claim.html", context, code)


def _claim_uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


@router.post("/claims/{claim_id}/{action}")
async def act(request: Request, claim_id: str, action: str) -> Response:
    staff = await staff_of(request)
    if staff is None:
        return signed_out(request)
    form = await form_of(request)
    if cross_site(request) or not csrf_valid(staff, form):
        return forbidden(request, staff)
    return await _act(request, staff, claim_id, action, form)


async def _act(
    request: Request, staff: Staff, claim_id: str, action: str, form: dict[str, str]
) -> Response:
    parsed = _claim_uuid(claim_id)
    if action not in ACTIONS or parsed is None:
        return await _claim(request, staff, claim_id, code=status.HTTP_404_NOT_FOUND)
    if action in ADMIN_ACTIONS and not staff.is_admin:
        return await _claim(
            request,
            staff,
            claim_id,
            error=f"Only admins may {action} a claim.",
            code=status.HTTP_403_FORBIDDEN,
        )
    services = services_of(request)
    try:
        if action in ASSIGN_ACTIONS:
            await assign(services.assignments, staff, parsed, action, form)
            return redirect(f"/console/claims/{parsed}?done={action}")
        held_by = await overriding(services.assignments, staff, parsed, action, form)
        if action in CONFIRMED_ACTIONS:
            page = await services.pages.load(parsed)
            if page is None:
                raise NotFoundError(f"claim {parsed} not found")
            if action == "approve" and page.claim.submitted_by == staff.key.name:
                # Segregation of duties comes before any question about the amount.
                raise ForbiddenError(OWN_CLAIM)
            confirm = confirmation(action, form, page.claim)
            if form.get("confirmed") != YES:
                confirm.fields.update({"override": form.get("override", "")})
                context = {"staff": staff, "claim": page.claim, "confirm": confirm}
                return render(request, "confirm.html", context)
            form = form | confirm.fields  # the amount as checked, not as typed
        outcome = await run(services.commands, staff, parsed, action, form)
        if held_by is not None and outcome.accepted:
            # Accepted is enough: a decision still being recorded will be applied.
            await services.assignments.overridden(staff.key, parsed, held_by)
    except ServiceError as refused:
        return await _claim(
            request,
            staff,
            claim_id,
            error=refusal_message(refused),
            error_field=refused.field,
            # What was typed goes back into the form that was refused (and no other).
            form=form | {"_action": action},
            code=refused.status_code,
            # Decided by someone else: no form is offered again while the row catches up.
            moved_on=isinstance(refused, MovedOnError),
        )
    done = ("pending" if outcome.accepted else "sent") if outcome.pending else action
    if outcome.claim.status == "needs_attention" and action != "retry":
        # Taken, but a step after it failed: say so, not "still processing".
        done = "parked"
    return redirect(f"/console/claims/{parsed}?done={done}")
