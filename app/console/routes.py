"""The adjuster console: sign-in, the review queue, claim pages and the actions on them.

Plain HTML forms that work with scripts off; app/console/static/console.js only enhances them
(the queue refreshes itself, an action's result replaces the page in place, a claim in motion
keeps itself up to date). Actions go through the same claim commands as REST (app/commands.py),
so they are validated, authorized and audited the same way, under the adjuster's principal.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from app import metrics, ui_sessions
from app.command_errors import CatchingUpError, CommandError, InvalidFieldError
from app.commands import ClaimCommands, Outcome
from app.console import claim_page, queue
from app.console.pages import SECURITY_HEADERS, render, time_left
from app.console.session import Staff, cross_site, csrf_valid, form_of, staff_of
from app.schemas import CancelRequest, ReviewRequest
from app.sign_in_limits import FailureLimiter
from claims.models import ClaimType
from infra.settings import Settings
from infra.store import review_queue
from workflows.contracts import ReviewDecision

_Form = TypeVar("_Form", ReviewRequest, CancelRequest)

router = APIRouter(prefix="/console", include_in_schema=False)

ACTIONS = ("approve", "reject", "request-info", "cancel", "retry")
ADMIN_ACTIONS = frozenset({"cancel", "retry"})
DONE = {
    "approve": "Approved. The payment follows; this page updates as it goes.",
    "reject": "Rejected. The claimant is told.",
    "request-info": "Information requested from the claimant.",
    "cancel": "Cancelled.",
    "retry": "The parked step is running again.",
    "pending": "Recorded, still processing: the claim took your decision and has not "
    "finished with it yet. This page updates when it moves on.",
    "sent": "Sent, but the claim has not taken it yet (its worker may be restarting). This page "
    "updates if it does; if nothing changes within a minute, act again.",
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status.HTTP_303_SEE_OTHER, headers=SECURITY_HEADERS)


def _safe_next(raw: str | None) -> str:
    """Where to go after sign-in: a console page of ours, never another site."""
    if raw and raw.startswith("/console/") and "//" not in raw and "\\" not in raw:
        return raw
    return "/console/queue"


def _sign_in_page(
    request: Request, *, message: str | None = None, code: int = 200, next_url: str = ""
) -> HTMLResponse:
    return render(
        request,
        "sign_in.html",
        {"message": message, "next_url": _safe_next(next_url), "staff": None},
        code,
    )


def _signed_out(request: Request) -> Response:
    """No live session: pages send the browser to sign in; a post is told its session ended."""
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return _redirect("/console/sign-in?" + urlencode({"next": target}))
    return _sign_in_page(
        request,
        message="Your session has ended: sign in again. Nothing was done.",
        code=status.HTTP_401_UNAUTHORIZED,
    )


@router.get("")
async def console_home() -> Response:
    return _redirect("/console/queue")


@router.get("/sign-in")
async def sign_in_form(request: Request, next: str = "") -> Response:
    if await staff_of(request) is not None:
        return _redirect(_safe_next(next))
    return _sign_in_page(request, next_url=next)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    if cross_site(request):
        return _sign_in_page(request, message="Sign in from this page.", code=403)
    form = await form_of(request)
    token = form.get("key", "").strip()
    next_url = form.get("next", "")
    limiter: FailureLimiter = request.app.state.sign_in_limiter
    tried = limiter.keys(request.client.host if request.client else None, token)
    wait = limiter.retry_after(tried)
    if wait is not None:
        refused = _sign_in_page(
            request, message=f"Too many failed sign-ins: try again in {wait} s.", code=429
        )
        refused.headers["Retry-After"] = str(wait)
        return refused
    settings = _settings(request)
    key = settings.key_for(token)
    if key is None:
        limiter.failed(tried)
        return _sign_in_page(request, message="That key is not valid.", code=401, next_url=next_url)
    if key.role not in ui_sessions.STAFF:
        return _sign_in_page(
            request,
            message="The console is for adjusters and admins; this key may not sign in.",
            code=403,
        )
    value = await ui_sessions.issue(
        request.app.state.engine,
        key,
        lifetime_s=settings.console_session_s,
        kind=ui_sessions.CONSOLE,
    )
    response = _redirect(_safe_next(next_url))
    response.set_cookie(
        ui_sessions.CONSOLE.cookie,
        value,
        max_age=settings.console_session_s,
        path=ui_sessions.CONSOLE.path,
        httponly=True,
        samesite=ui_sessions.CONSOLE.samesite,
        # Behind a TLS-terminating proxy the scheme is https only when the proxy is trusted
        # (CLAIMS_TRUSTED_PROXIES); prod never sends the cookie in the clear regardless.
        secure=request.url.scheme == "https" or settings.env == "prod",
    )
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    staff = await staff_of(request)
    if staff is not None:
        if cross_site(request) or not csrf_valid(staff, await form_of(request)):
            return _forbidden(request, staff)
        await ui_sessions.revoke(
            request.app.state.engine, request.cookies.get(ui_sessions.CONSOLE.cookie)
        )
    response: Response = _sign_in_page(request, message="Signed out.")
    response.delete_cookie(ui_sessions.CONSOLE.cookie, path=ui_sessions.CONSOLE.path, httponly=True)
    return response


def _forbidden(request: Request, staff: Staff) -> HTMLResponse:
    return render(
        request,
        "message.html",
        {
            "staff": staff,
            "title": "Refused",
            "message": "This form has expired or did not come from the console. "
            "Reload the page and try again.",
        },
        status.HTTP_403_FORBIDDEN,
    )


@router.get("/queue")
async def review_queue_page(request: Request) -> Response:
    staff = await staff_of(request)
    if staff is None:
        return _signed_out(request)
    states = queue.ADMIN_STATES if staff.is_admin else queue.ADJUSTER_STATES
    params = dict(request.query_params)
    try:
        query = queue.parse(params, states)
    except queue.BadFilterError as bad:
        return await _queue(
            request, staff=staff, query=queue.EMPTY, states=states, bad=bad, params=params
        )
    return await _queue(request, staff=staff, query=query, states=states, bad=None, params=params)


async def _queue(
    request: Request,
    *,
    staff: Staff,
    query: queue.QueueQuery,
    states: tuple[Any, ...],
    bad: queue.BadFilterError | None,
    params: dict[str, str],
) -> HTMLResponse:
    settings = _settings(request)
    sla = dt.timedelta(seconds=settings.review_sla_s)
    async with request.app.state.engine.connect() as conn:
        rows = await review_queue.page(
            conn=conn,
            where=query.store_filter(states, with_state=True),
            default_sla=sla,
            offset=(query.page - 1) * queue.PAGE_SIZE,
            limit=queue.PAGE_SIZE + 1,
        )
        counts = await review_queue.counts(
            conn=conn, where=query.store_filter(states, with_state=False), default_sla=sla
        )
    now = dt.datetime.now(dt.UTC)
    items = [dict(row) | {"time_left": time_left(row["due_at"], now)} for row in rows]
    shown = {k: v for k, v in params.items() if k != "fragment"} if bad is None else {}

    def url(**changes: object) -> str:
        return "/console/queue?" + urlencode(shown | changes)

    context = {
        "staff": staff,
        "query": query,
        "form": params if bad is not None else None,
        "bad": bad,
        "states": states,
        "counts": counts,
        "items": items[: queue.PAGE_SIZE],
        "has_next": len(items) > queue.PAGE_SIZE,
        "page_url": lambda page: url(page=page),
        "state_url": lambda state: url(state=state, page=1),
        "claim_types": tuple(ClaimType),
        "reasons": queue.REASONS,
        "refreshed_at": now,
    }
    template = "queue_table.html" if params.get("fragment") == "1" else "queue.html"
    return render(request, template, context, 422 if bad else 200)


@router.get("/claims/{claim_id}")
async def claim_detail(request: Request, claim_id: str, done: str = "") -> Response:
    staff = await staff_of(request)
    if staff is None:
        return _signed_out(request)
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
) -> HTMLResponse:
    settings = _settings(request)
    page = None
    parsed = _claim_uuid(claim_id)
    if parsed is not None:
        page = await claim_page.load(
            request.app.state.engine,
            parsed,
            ui_url=settings.temporal_ui_url,
            namespace=settings.temporal_namespace,
        )
    if page is None:
        return render(
            request,
            "message.html",
            {
                "staff": staff,
                "title": "No such claim",
                "message": "No claim has that id (or it is not recorded yet: try again in a "
                "moment).",
            },
            status.HTTP_404_NOT_FOUND,
        )
    context = {
        "staff": staff,
        "page": page,
        "claim": page.claim,
        "notice": notice,
        "error": error,
        "error_field": error_field,
        "form": form or {},
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
        return _signed_out(request)
    form = await form_of(request)
    if cross_site(request) or not csrf_valid(staff, form):
        return _forbidden(request, staff)
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
    settings = _settings(request)
    commands = ClaimCommands(request.app.state.temporal, request.app.state.engine, settings)
    try:
        outcome = await _run(commands, staff, parsed, action, form)
    except CommandError as refused:
        return await _claim(
            request,
            staff,
            claim_id,
            error=_refusal_message(refused),
            error_field=refused.field,
            # What was typed goes back into the form that was refused (and no other).
            form=form | {"_action": action},
            code=refused.status_code,
        )
    done = ("pending" if outcome.accepted else "sent") if outcome.pending else action
    return _redirect(f"/console/claims/{parsed}?done={done}")


_DECISIONS = {
    "approve": ReviewDecision.APPROVE,
    "reject": ReviewDecision.REJECT,
    "request-info": ReviewDecision.REQUEST_INFO,
}


async def _run(
    commands: ClaimCommands, staff: Staff, claim_id: uuid.UUID, action: str, form: dict[str, str]
) -> Outcome:
    if action == "retry":
        return await commands.retry(staff.key, claim_id)
    if action == "cancel":
        cancel = _validated(CancelRequest, {"reason": form.get("reason") or None})
        return await commands.cancel(staff.key, claim_id, reason=cancel.reason)
    decision = _DECISIONS[action]
    if decision is ReviewDecision.REJECT and not form.get("note", "").strip():
        raise InvalidFieldError("note", "a rejection needs a reason")
    review = _validated(
        ReviewRequest,
        {
            "decision": decision,
            "approved_amount": (form.get("approved_amount") or "").strip() or None
            if decision is ReviewDecision.APPROVE
            else None,
            "note": form.get("note") or None,
        },
    )
    outcome = await commands.review(
        staff.key,
        claim_id,
        decision=review.decision,
        approved_amount=review.approved_amount,
        note=review.note,
    )
    if not outcome.pending:
        metrics.REVIEWS.labels(decision=review.decision.value).inc()
    return outcome


def _validated(model: type[_Form], values: dict[str, Any]) -> _Form:
    try:
        return model.model_validate(values)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "note"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidFieldError(field, message) from None


def _refusal_message(refused: CommandError) -> str:
    if isinstance(refused, CatchingUpError):
        return "The claim is catching up after a restart: try again in a moment."
    if isinstance(refused, InvalidFieldError):
        return f"{refused.field}: {refused.detail}"
    if refused.status_code == status.HTTP_409_CONFLICT:
        return (
            "This claim has moved on (another adjuster may have acted first): "
            f"{refused.detail}. The page shows where it is now."
        )
    if refused.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
        return "Temporal is unavailable: nothing was done. Try again shortly."
    return refused.detail
