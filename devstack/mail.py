"""The dev stack's mail sink: a local SMTP server that keeps every message it is sent.

Claimant e-mails in dev go here instead of to anyone's inbox: each one is kept as an .eml file
under the data dir (and in memory, for tests), so `ls .data/mail` lists what was sent.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from devstack.processes import free_port, port_in_use

_UNSAFE = re.compile(r"[^A-Za-z0-9@._-]+")


class _Keep:
    def __init__(self, sink: MailSink) -> None:
        self._sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self._sink.keep(message)
        return "250 Message accepted for delivery"


class MailSink:
    def __init__(
        self,
        port: int,
        directory: Path | None = None,
        host: str = "127.0.0.1",
        on_message: Callable[[EmailMessage], None] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.directory = directory
        self.messages: list[EmailMessage] = []
        # Called with each message before it is accepted (tests: crash the sender mid-send).
        self.on_message = on_message
        self._controller = Controller(_Keep(self), hostname=host, port=port)

    def start(self) -> None:
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def keep(self, message: EmailMessage) -> None:
        self.messages.append(message)
        if self.on_message is not None:
            self.on_message(message)
        if self.directory is not None:
            name = _UNSAFE.sub("_", str(message.get("Message-ID", "message")).strip("<>"))
            path = self.directory / f"{len(self.messages):05d}-{name}.eml"
            path.write_bytes(message.as_bytes())

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


DEFAULT_MAIL_PORT = 2525


def start_mail_sink(directory: Path) -> MailSink:
    """The local SMTP sink on DEFAULT_MAIL_PORT, or a free port when that is taken."""
    port = DEFAULT_MAIL_PORT if not port_in_use("127.0.0.1", DEFAULT_MAIL_PORT) else free_port()
    sink = MailSink(port=port, directory=directory)
    try:
        sink.start()
    except OSError:  # another stack took the port between the check and the bind
        sink = MailSink(port=free_port(), directory=directory)
        sink.start()
    return sink
