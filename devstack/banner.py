"""The banner `claims dev` prints when the stack is up: where everything is, and the dev keys."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from devstack.mail import MailSink
from devstack.settings import DevStackSettings
from infra.api_keys import DEV_TOKENS
from infra.settings import Settings


class RunningStack(Protocol):
    """What the banner reads of the running stack."""

    metrics_ports: dict[str, int]
    mail_sink: MailSink | None
    logs: Path
    object_store: str | None


def banner(s: Settings, dev: DevStackSettings, stack: RunningStack) -> str:
    """What `claims dev` prints once every piece is ready: where to look, and the dev keys."""
    api = f"http://{s.api_host}:{s.api_port}"
    lines = [
        "",
        "  Claims service is up.",
        f"    API docs      {api}/docs",
        f"    Console       {api}/console (sign in with an adjuster or admin key)",
    ]
    if s.temporal_address is None:
        lines.append(f"    Temporal UI   http://127.0.0.1:{dev.temporal_ui_port}")
        # Payloads are encrypted: the UI shows them decoded once the browser signs in.
        lines.append(f"    Codec sign-in {api}/codec/login (adjuster key; see README)")
    store = stack.object_store or s.documents_s3_endpoint or "AWS S3"
    lines.append(
        f"    Documents     {store}, bucket {s.documents_s3_bucket} (SeaweedFS in dev; encrypted)"
    )
    lines.append(f"    Metrics       {api}/metrics")
    for name, port in stack.metrics_ports.items():
        lines.append(f"                  http://127.0.0.1:{port}/metrics ({name}, Temporal SDK)")
    if stack.mail_sink is not None:
        lines.append(
            f"    Mail          smtp://127.0.0.1:{stack.mail_sink.port}, kept as .eml files: "
            f"ls {stack.mail_sink.directory}/"
        )
    else:
        lines.append(f"    Mail          via smtp://{s.smtp_host}:{s.smtp_port}")
    lines += [f"    Logs          {stack.logs}/", ""]
    lines.append("  API keys (Authorization: Bearer <key>):")
    # Only the published dev keys: a key someone configured is a secret, and this banner
    # lands in terminals, scrollback and CI logs.
    shown = [k for k in s.api_key_list if k.plaintext in DEV_TOKENS]
    for key in shown:
        lines.append(f"    {key.role:<10} {key.plaintext}")
    if len(shown) < len(s.api_key_list):
        lines.append("    (and the keys configured in CLAIMS_API_KEYS, not shown)")
    lines += ["", "  Ctrl-C stops everything; `make dev` again resumes every claim.", ""]
    return "\n".join(lines)
