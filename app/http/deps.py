"""Request dependencies: what the lifespan built (settings, clients, services), as Annotated
aliases for routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar, cast

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from app.services.authenticator import Authenticator
from app.services.commands import ClaimCommands
from app.services.document_files import DocumentFiles
from app.services.health import Health
from app.services.policies import PolicyBook
from app.services.reads import ClaimReads
from app.services.submission import Submissions
from app.services.submission_files import SubmissionFiles
from app.services.subscriptions import Subscriptions
from app.services.wiring import Services
from infra.settings import Settings

T = TypeVar("T")


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _state(name: str, kind: type[T]) -> Callable[[Request], T]:
    """A dependency answering one thing the lifespan put on app.state."""

    def dependency(request: Request) -> T:
        return cast(T, getattr(request.app.state, name))

    return dependency


def _service(pick: Callable[[Services], T]) -> Callable[[Request], T]:
    """A dependency answering one of the services the lifespan built."""

    def dependency(request: Request) -> T:
        return pick(services_of(request))

    return dependency


SettingsDep = Annotated[Settings, Depends(settings_of)]
EngineDep = Annotated[AsyncEngine, Depends(_state("engine", AsyncEngine))]
ClientDep = Annotated[Client, Depends(_state("temporal", Client))]
AuthenticatorDep = Annotated[Authenticator, Depends(_service(lambda s: s.authenticator))]
CommandsDep = Annotated[ClaimCommands, Depends(_service(lambda s: s.commands))]
FilesDep = Annotated[DocumentFiles, Depends(_service(lambda s: s.files))]
SubmissionsDep = Annotated[Submissions, Depends(_service(lambda s: s.submissions))]
SubmissionFilesDep = Annotated[SubmissionFiles, Depends(_service(lambda s: s.submission_files))]
ReadsDep = Annotated[ClaimReads, Depends(_service(lambda s: s.reads))]
PoliciesDep = Annotated[PolicyBook, Depends(_service(lambda s: s.policies))]
SubscriptionsDep = Annotated[Subscriptions, Depends(_service(lambda s: s.subscriptions))]
HealthDep = Annotated[Health, Depends(_service(lambda s: s.health))]
