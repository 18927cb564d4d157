"""Temporal's remote codec protocol, for operators: the Web UI and `temporal --codec-endpoint`.

Payloads reach Temporal encrypted (`infra/encryption.py`). An operator's tool posts them here
and gets them back decoded, if the caller is an adjuster or an admin; anyone else gets 401/403
and sees ciphertext. Bodies are `{"payloads": [...]}` in protobuf JSON (base64 data and
metadata), with the namespace in `X-Namespace`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from google.protobuf import json_format
from google.protobuf.message import Message
from pydantic import BaseModel, Field
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from app.http.auth import Adjuster, CodecDecoder
from app.http.deps import SettingsDep
from app.http.openapi import AUTHENTICATED, ROLE_CHECKED, WITH_BODY
from app.services.errors import BadRequestError, InvalidFieldError, UnavailableError
from infra.encryption import KeyRingError

router = APIRouter(
    prefix="/codec", tags=["codec"], responses=AUTHENTICATED | ROLE_CHECKED | WITH_BODY
)


class Payloads(BaseModel):
    payloads: list[dict[str, Any]] = Field(max_length=10_000)


Namespace = Annotated[str | None, Header(alias="X-Namespace", max_length=200)]


def _codec(request: Request) -> PayloadCodec:
    codec: PayloadCodec | None = request.app.state.temporal.data_converter.payload_codec
    if codec is None:  # pragma: no cover - every client of ours has the codec
        raise UnavailableError("no codec configured")
    return codec


def _unusable(message: str) -> InvalidFieldError:
    """A 422 in the validation-error shape the schema documents, naming `payloads`."""
    return InvalidFieldError("payloads", message)


def _parse(body: Payloads) -> list[Payload]:
    try:
        return [json_format.ParseDict(p, Payload()) for p in body.payloads]
    except json_format.ParseError as exc:
        raise _unusable("not a payload") from exc


def _render(payloads: list[Payload]) -> Payloads:
    def as_dict(message: Message) -> dict[str, Any]:
        return json_format.MessageToDict(message)

    return Payloads(payloads=[as_dict(p) for p in payloads])


def _check_namespace(settings: SettingsDep, namespace: str | None) -> None:
    if namespace is not None and namespace != settings.temporal_namespace:
        raise BadRequestError(f"this codec serves {settings.temporal_namespace}")


@router.post("/encode", response_model=Payloads)
async def encode(
    body: Payloads,
    request: Request,
    _: Adjuster,
    settings: SettingsDep,
    namespace: Namespace = None,
) -> Payloads:
    """Encrypt payloads with the current key."""
    _check_namespace(settings, namespace)
    return _render(await _codec(request).encode(_parse(body)))


@router.post("/decode", response_model=Payloads)
async def decode(
    body: Payloads,
    request: Request,
    _: CodecDecoder,
    settings: SettingsDep,
    namespace: Namespace = None,
) -> Payloads:
    """Decrypt payloads with whichever key of the ring encrypted them.

    Callers: a bearer key of an adjuster or admin, or a browser signed in at /codec/login
    (the Web UI sends that cookie when told to include credentials).
    """
    _check_namespace(settings, namespace)
    try:
        return _render(await _codec(request).decode(_parse(body)))
    except KeyRingError as exc:
        raise _unusable(str(exc)) from exc
    except Exception as exc:  # tampered or truncated ciphertext (cryptography's InvalidTag)
        raise _unusable("a payload could not be decrypted") from exc
