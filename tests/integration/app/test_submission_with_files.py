"""A claim and its photos and PDFs in one request: every file checked before anything starts;
the claim has them from its first step, and the model reads the PDF."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from temporalio.service import RPCError

from app.services.submission import claim_id_for
from contracts import workflow_id_for
from tests.support.api import ADJUSTER, SUBMITTER, wait_for_claim
from tests.support.files import pdf, photo
from tests.support.stack import Stack
from tools import samples as f


async def send(
    stack: Stack, claim: dict[str, Any], files: list[tuple[str, bytes]], key: str
) -> Any:
    return await stack.http.post(
        "/v1/claims/with-documents",
        headers=SUBMITTER | {"Idempotency-Key": key},
        data={"claim": json.dumps(claim)},
        files=[("file", (name, data, "application/octet-stream")) for name, data in files],
    )


async def test_a_claim_sent_with_a_photo_and_a_pdf_has_both_from_its_first_step(
    stack: Stack,
) -> None:
    policy = await stack.add_policy(f.policy())
    claim = f.submission_json(policy.policy_number)
    files = [("bumper.jpg", photo(gps=True)), ("invoice.pdf", pdf("Invoice 12 for a bumper"))]
    key = uuid.uuid4().hex
    sent = await send(stack, claim, files, key)
    assert sent.status_code == 202, sent.text
    claim_id = sent.json()["claim_id"]
    done = await wait_for_claim(stack.http, claim_id, {"paid", "awaiting_review"})
    shown = {d["name"]: d for d in done["documents"]}
    assert set(shown) == {"bumper.jpg", "invoice.pdf"}
    assert (shown["bumper.jpg"]["kind"], shown["invoice.pdf"]["kind"]) == ("jpeg", "pdf")
    assert shown["invoice.pdf"]["extraction"] == "read"
    photo_back = await stack.http.get(
        f"/v1/claims/{claim_id}/documents/{shown['bumper.jpg']['document_id']}", headers=ADJUSTER
    )
    assert photo_back.status_code == 200
    assert b"PhoneMaker" not in photo_back.content
    # The same request again (same key, same files): the same claim, nothing new.
    again = await send(stack, claim, files, key)
    assert (again.status_code, again.json()["claim_id"]) == (200, claim_id)
    # The same key with other files is another request.
    other = await send(stack, claim, files[:1], key)
    assert other.status_code == 409


async def test_one_refused_file_refuses_the_claim_and_nothing_starts(stack: Stack) -> None:
    policy = await stack.add_policy(f.policy())
    claim = f.submission_json(policy.policy_number)
    key = uuid.uuid4().hex
    refused = await send(
        stack, claim, [("ok.png", photo("PNG")), ("page.jpg", b"<html>not a photo</html>")], key
    )
    assert refused.status_code == 415
    assert "page.jpg" in refused.json()["detail"]
    bad_claim = await send(stack, claim | {"amount": "-1"}, [("ok.png", photo("PNG"))], key)
    assert bad_claim.status_code == 422
    assert "body.claim.amount" in bad_claim.json()["detail"]
    # No workflow was started under the key's claim id.
    claim_id = claim_id_for(stack.settings.dev_submitter, key)
    handle = stack.client.get_workflow_handle(workflow_id_for(claim_id))
    with pytest.raises(RPCError, match="not found"):
        await handle.describe()
