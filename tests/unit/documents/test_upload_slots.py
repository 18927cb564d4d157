"""A principal has at most a few uploads in flight per API process; others are not held up."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from app.services.document_files import UPLOADS_PER_PRINCIPAL, DocumentFiles
from app.services.errors import BusyError
from infra.settings import Settings


def files() -> DocumentFiles:
    unused: Any = None  # the slots touch neither the database nor the store
    return DocumentFiles(unused, unused, unused, [], Settings())


async def test_a_principal_past_its_uploads_in_flight_is_told_to_wait() -> None:
    service = files()
    flooder = Settings().key_for("dev-submitter-key")
    other = Settings().key_for("dev-adjuster-key")
    assert flooder is not None
    assert other is not None
    async with contextlib.AsyncExitStack() as held:
        for _ in range(UPLOADS_PER_PRINCIPAL):
            await held.enter_async_context(service.upload_slot(flooder))
        with pytest.raises(BusyError) as busy:
            async with service.upload_slot(flooder):
                pass
        assert busy.value.status_code == 429
        # Someone else's upload is not held up by the flood.
        async with service.upload_slot(other):
            pass
    # Once they end, the slots are free again.
    async with service.upload_slot(flooder):
        pass
