"""A client generated from our OpenAPI document works against the running API.

`openapi-python-client` (a dev dependency) generates a client package from `app.openapi()`;
the generation must report nothing (a duplicate model name makes it drop responses), and the
generated functions subscribe to webhooks, drive a claim to paid and review another, with typed
results.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.support.api import ADJUSTER, ADMIN, SUBMITTER
from tools import samples as f
from tools.waiting import wait_for
from tools.webhook_receiver import WebhookReceiver

PACKAGE = "generated_claims_client"


def _generate(http: httpx.AsyncClient, out: Path) -> str:
    """Generate the client package into `out`; return what the generator printed."""
    spec = out.parent / "openapi.json"
    app = http._transport.app  # type: ignore[attr-defined]  # the ASGI app under test
    spec.write_text(json.dumps(app.openapi()))
    bin_dir = Path(sys.executable).parent
    env = os.environ | {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    argv = [str(bin_dir / "openapi-python-client"), "generate", "--path", str(spec)]
    argv += ["--output-path", str(out), "--meta", "none"]
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    printed = done.stdout + done.stderr
    assert done.returncode == 0, printed
    return printed


@pytest.fixture
def generated(http: httpx.AsyncClient, tmp_path: Path) -> Iterator[tuple[ModuleType, str]]:
    printed = _generate(http, tmp_path / PACKAGE)
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE), printed
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _sub(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


async def _until(read: Callable[[], Any], done: Callable[[Any], bool]) -> Any:
    return await wait_for(read, done, what="the generated client's read")


async def test_generation_reports_nothing_and_every_model_name_is_unique(
    generated: tuple[ModuleType, str], http: httpx.AsyncClient
) -> None:
    _, printed = generated
    assert "warning" not in printed.lower(), printed
    assert "error" not in printed.lower(), printed
    schemas = http._transport.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
    titles = [schema.get("title", name) for name, schema in schemas.items()]
    assert len(titles) == len(set(titles))


@pytest.fixture
async def receiver() -> Any:
    server = WebhookReceiver()
    await server.start()
    yield server
    await server.stop()


async def test_the_generated_client_pays_a_claim_and_reviews_another(
    generated: tuple[ModuleType, str], http: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    package, _ = generated
    models = _sub(package, "models")
    put_policy = _sub(package, "api.policies.put_policy")
    submit_claim = _sub(package, "api.claims.submit_claim")
    get_claim = _sub(package, "api.claims.get_claim")
    review_claim = _sub(package, "api.claims.review_claim")

    def as_(headers: dict[str, str]) -> Any:
        client = package.Client(base_url=str(http.base_url))
        app = http._transport  # the same in-process API the other tests call
        client.set_async_httpx_client(
            httpx.AsyncClient(transport=app, base_url=http.base_url, headers=headers)
        )
        return client

    admin, submitter, adjuster = as_(ADMIN), as_(SUBMITTER), as_(ADJUSTER)
    create_webhook = _sub(package, "api.webhooks.create_webhook")
    list_deliveries = _sub(package, "api.webhooks.list_webhook_deliveries")
    hook = await create_webhook.asyncio(
        client=submitter,
        body=models.WebhookIn(url=receiver.url, events=[models.WebhookEvent.CLAIM_PAID]),
    )
    assert isinstance(hook, models.WebhookCreated), hook
    assert hook.secret.startswith("whsec_")
    policy = models.Policy.from_dict(f.policy().model_dump(mode="json"))
    created = await put_policy.asyncio_detailed(client=admin, body=policy)
    assert created.status_code == 201, created.content

    async def claim_reaching(status: str, **overrides: Any) -> Any:
        body = models.ClaimSubmission.from_dict(
            f.submission_json(policy.policy_number, **overrides)
        )
        submitted = await submit_claim.asyncio(
            client=submitter, body=body, idempotency_key=str(uuid.uuid4())
        )
        assert isinstance(submitted, models.SubmitResponse), submitted
        return await _until(
            lambda: get_claim.asyncio(client=admin, claim_id=submitted.claim_id),
            lambda claim: claim.status == models.ClaimStatus(status),
        )

    paid = await claim_reaching("paid")
    assert isinstance(paid, models.ClaimOut)
    assert paid.payment.status == "settled"
    assert [event.type_ for event in paid.events][-1] == "paid"
    # The subscription heard about it; the client reads the delivery back, typed.
    delivered = await _until(
        lambda: list_deliveries.asyncio(client=submitter, subscription_id=hook.id),
        lambda found: any(
            d.claim_id == paid.claim_id and d.status == models.DeliveryStatus.DELIVERED
            for d in found.items
        ),
    )
    [delivery] = [d for d in delivered.items if d.claim_id == paid.claim_id]
    assert delivery.event_type == models.WebhookEvent.CLAIM_PAID
    assert delivery.status == models.DeliveryStatus.DELIVERED
    assert delivery.event_id in receiver.accepted_ids()

    waiting = await claim_reaching("awaiting_review", description=f.RED_FLAG_DESCRIPTION)
    decision = models.ReviewRequest(decision=models.ReviewDecision.APPROVE, note="checked")
    reviewed = await review_claim.asyncio_detailed(
        client=adjuster, claim_id=waiting.claim_id, body=decision
    )
    assert reviewed.status_code == 200, reviewed.content
    assert isinstance(reviewed.parsed, models.ClaimOut)
    assert reviewed.parsed.decision.decided_by == "adjuster"

    # Errors come typed too: RFC 9457 problem details.
    unknown = uuid.uuid4()
    missing = await get_claim.asyncio_detailed(client=admin, claim_id=unknown)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    problem = missing.parsed
    assert isinstance(problem, models.Problem)
    assert (problem.status, problem.title) == (404, "Not Found")
    assert problem.instance == f"/v1/claims/{unknown}"
