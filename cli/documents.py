"""`claims documents sweep`: remove what uploads cut short left behind, now; `claims documents
erase`: forget one claim's documents (operators)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import uuid
from typing import Any

from infra.settings import Settings


def add_command(commands: Any) -> None:
    documents = commands.add_parser("documents", help="claim documents in object storage")
    actions = documents.add_subparsers(dest="documents", required=True)
    sweep = actions.add_parser(
        "sweep", help="remove unfinished uploads and orphan objects older than the grace period"
    )
    sweep.add_argument(
        "--grace-s",
        type=float,
        default=None,
        help="only what is older than this many seconds (default CLAIMS_DOCUMENTS_SWEEP_GRACE_S)",
    )
    sweep.add_argument(
        "--claim-id", type=uuid.UUID, default=None, help="one claim's documents only"
    )


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.documents == "erase":
        return run_erase(settings, args)
    return run_sweep(settings, args)


def run_erase(settings: Settings, args: argparse.Namespace) -> int:
    from activities.document_sweep import erase_claim_documents
    from infra.db import create_engine
    from infra.objects import ObjectStore

    if settings.database_url is None:
        raise SystemExit("claims documents erase: set CLAIMS_DATABASE_URL")

    async def erase() -> int:
        engine = create_engine(settings.database_url or "")
        try:
            removed = await erase_claim_documents(
                engine, ObjectStore.from_settings(settings), args.claim_id
            )
        finally:
            await engine.dispose()
        print(
            f"claims documents erase: claim {args.claim_id}: key destroyed, {removed} files removed"
        )
        return 0

    return asyncio.run(erase())


def run_sweep(settings: Settings, args: argparse.Namespace) -> int:
    from activities.document_sweep import DocumentSweep
    from infra.db import create_engine
    from infra.objects import ObjectStore

    if settings.database_url is None:
        raise SystemExit("claims documents sweep: set CLAIMS_DATABASE_URL")
    grace_s = settings.documents_sweep_grace_s if args.grace_s is None else args.grace_s

    async def sweep() -> int:
        engine = create_engine(settings.database_url or "")
        try:
            result = await DocumentSweep(engine, ObjectStore.from_settings(settings)).sweep(
                grace=dt.timedelta(seconds=grace_s), claim_id=args.claim_id
            )
        finally:
            await engine.dispose()
        print(
            f"claims documents sweep: removed {result.unfinished_uploads} unfinished uploads "
            f"and {result.orphan_objects} orphan objects (older than {grace_s:g} s)"
        )
        return 0

    return asyncio.run(sweep())
