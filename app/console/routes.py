"""The adjuster console's routes under /console: sign-in (sign_in.py), the review queue
(queue_routes.py), search across all claims (search_routes.py), and a claim's page with its
actions (claim_routes.py).

Plain HTML forms that work with scripts off; app/console/static/console.js only enhances them
(the queue refreshes itself, an action's result replaces the page in place, a claim in motion
keeps itself up to date). Actions go through the same claim commands as REST
(app/services/commands.py), so they are validated, authorized and audited the same way, under the
adjuster's principal.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from app.console import claim_routes, document_routes, queue_routes, search_routes, sign_in
from app.console.responses import redirect

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("")
async def console_home() -> Response:
    return redirect("/console/queue")


router.include_router(sign_in.router)
router.include_router(queue_routes.router)
router.include_router(search_routes.router)
# Before the claim's actions: `documents` is a path of its own, not an action.
router.include_router(document_routes.router)
router.include_router(claim_routes.router)
