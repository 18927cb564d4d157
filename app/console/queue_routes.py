"""The review queue page: what waits for a person, most urgent first, filtered and paged."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.console import queue
from app.console.pages import render, time_left
from app.console.responses import settings_of, signed_out
from app.console.session import Staff, staff_of
from claims.models import ClaimType
from infra.store import review_queue

router = APIRouter()


@router.get("/queue")
async def review_queue_page(request: Request) -> Response:
    staff = await staff_of(request)
    if staff is None:
        return signed_out(request)
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
    settings = settings_of(request)
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
