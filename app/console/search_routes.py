"""Search across every claim (waiting, paid, rejected, cancelled): by number, claimant, policy,
status, type, amount and dates, sorted by a column and paged."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.console.pages import render
from app.console.responses import signed_out
from app.console.session import staff_of
from app.http.deps import services_of
from app.services import claim_search as search
from app.services.review_queue import BadFilterError
from claims.models import ClaimType

router = APIRouter()

COLUMNS = (
    ("number", "Claim"),
    ("claimant", "Claimant"),
    ("status", "Status"),
    ("amount", "Amount"),
    ("submitted", "Submitted"),
)


@router.get("/search")
async def search_page(request: Request) -> Response:
    staff = await staff_of(request)
    if staff is None:
        return signed_out(request)
    params = dict(request.query_params)
    bad: BadFilterError | None = None
    try:
        query = search.parse(params)
    except BadFilterError as refused:
        bad, query = refused, search.SearchQuery()
    found = await services_of(request).search.find(query) if bad is None else None
    shown = {k: v for k, v in params.items() if v and k != "page"} if bad is None else {}

    def url(**changes: object) -> str:
        return "/console/search?" + urlencode(shown | {k: v for k, v in changes.items() if v})

    def sort_url(column: str) -> str:
        flip = "asc" if query.sort == column and query.order == "desc" else "desc"
        return url(sort=column, order=flip)

    context = {
        "staff": staff,
        "query": query,
        "form": params,
        "bad": bad,
        "found": found,
        "columns": COLUMNS,
        "sort_url": sort_url,
        "page_url": lambda page: url(page=page),
        "statuses": search.STATUSES,
        "claim_types": tuple(ClaimType),
        "searched": bool(shown),
    }
    return render(request, "search.html", context, 422 if bad else 200)
