"""The review queue page: what waits for a person, most urgent first, filtered and paged."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.console.pages import render, time_left
from app.console.responses import signed_out
from app.console.session import Staff, staff_of
from app.http.deps import services_of
from app.services import review_queue as queue
from claims.models import ClaimType

router = APIRouter()


@router.get("/queue")
async def review_queue_page(request: Request) -> Response:
    staff = await staff_of(request)
    if staff is None:
        return signed_out(request)
    states = queue.ADMIN_STATES if staff.is_admin else queue.ADJUSTER_STATES
    params = dict(request.query_params)
    try:
        query = queue.parse(params, states, me=staff.key.name)
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
    found = await services_of(request).queue.page(query, states)
    now = dt.datetime.now(dt.UTC)
    items = [asdict(row) | {"time_left": time_left(row.due_at, now)} for row in found.rows]
    shown = {k: v for k, v in params.items() if k != "fragment"} if bad is None else {}

    def url(**changes: object) -> str:
        return "/console/queue?" + urlencode(shown | changes)

    context = {
        "staff": staff,
        "query": query,
        "form": params if bad is not None else None,
        "bad": bad,
        "states": states,
        "counts": found.counts,
        "items": items,
        "has_next": found.has_next,
        "page_url": lambda page: url(page=page),
        "state_url": lambda state: url(state=state, page=1),
        "held_url": lambda held: url(held=held, page=1),
        "claim_types": tuple(ClaimType),
        "reasons": queue.REASONS,
        "refreshed_at": now,
    }
    template = "queue_table.html" if params.get("fragment") == "1" else "queue.html"
    return render(request, template, context, 422 if bad else 200)
