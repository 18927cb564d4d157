"""Every service of the API, built once in the lifespan from the clients it made
(app/main.py) and kept on `app.state.services`; routes reach them through app/http/deps.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from app.services.assignments import Assignments
from app.services.authenticator import Authenticator
from app.services.claim_page import ClaimPages
from app.services.claim_search import ClaimSearch
from app.services.commands import ClaimCommands
from app.services.document_files import DocumentFiles
from app.services.health import Health
from app.services.policies import PolicyBook
from app.services.reads import ClaimReads
from app.services.review_queue import ReviewQueue
from app.services.submission import Submissions
from app.services.submission_files import SubmissionFiles
from app.services.subscriptions import Subscriptions
from infra.objects import ObjectStore
from infra.settings import Settings


@dataclass(frozen=True)
class Services:
    authenticator: Authenticator
    commands: ClaimCommands
    reads: ClaimReads
    policies: PolicyBook
    subscriptions: Subscriptions
    health: Health
    queue: ReviewQueue
    pages: ClaimPages
    files: DocumentFiles
    submission_files: SubmissionFiles
    submissions: Submissions
    search: ClaimSearch
    assignments: Assignments


def build_services(settings: Settings, engine: AsyncEngine, client: Client) -> Services:
    commands = ClaimCommands(client, engine, settings)
    objects = ObjectStore.from_settings(settings)
    return Services(
        authenticator=Authenticator(settings, engine),
        commands=commands,
        reads=ClaimReads(engine, client),
        policies=PolicyBook(engine),
        subscriptions=Subscriptions(client, engine, settings),
        health=Health(engine, client),
        queue=ReviewQueue(engine, dt.timedelta(seconds=settings.review_sla_s)),
        pages=ClaimPages(
            engine, ui_url=settings.temporal_ui_url, namespace=settings.temporal_namespace
        ),
        files=DocumentFiles(engine, commands, objects, settings.key_ring(), settings),
        submission_files=SubmissionFiles(engine, objects, settings.key_ring(), settings),
        submissions=Submissions(client, engine, settings),
        search=ClaimSearch(engine),
        assignments=Assignments(engine),
    )
