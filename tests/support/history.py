"""A workflow's history as Temporal stores it, and as our codec decodes it."""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.client import Client


def _payloads(message: Message) -> Iterator[Payload]:
    """Every Payload anywhere inside `message` (inputs, results, memo, failures, metadata)."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            for entry in value.values():
                if isinstance(entry, Message):
                    yield from _payloads(entry)
        elif field.is_repeated:
            for item in value:
                yield from _payloads(item)
        else:
            yield from _payloads(value)


async def raw_history(client: Client, workflow_id: str) -> bytes:
    """The history's bytes exactly as the server keeps and serves them."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return b"".join(event.SerializeToString() for event in history.events)


async def decoded_payloads(client: Client, workflow_id: str) -> bytes:
    """Every payload of the history, decoded by the client's codec, concatenated."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    codec = client.data_converter.payload_codec
    assert codec is not None
    found = [p for event in history.events for p in _payloads(event)]
    decoded = await codec.decode(found)
    return b"".join(p.SerializeToString() for p in decoded)
