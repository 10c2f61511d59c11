"""A real SMTP server for the mail tests (aiosmtpd on a free local port), and what it received."""
from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest


@dataclass
class Mailbox:
    """The messages the test server accepted, parsed, in order."""

    host: str = "127.0.0.1"
    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False  # answer every message with a temporary failure (451)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler protocol
        if self.refuse:
            return "451 4.3.0 mailbox temporarily unavailable"
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(parsed)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, seconds: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


def body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def smtp_server():
    """Started and stopped around each test: no server thread outlives it (a thread alive when the
    matcher's pool forks could hold a lock the child then waits on)."""
    from aiosmtpd.controller import Controller

    box = Mailbox(port=_free_port())
    controller = Controller(box, hostname=box.host, port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture()
def mailbox(smtp_server, ctx, monkeypatch):
    """The app sends to the test server for this test; the box starts empty."""
    smtp_server.clear()
    smtp_server.refuse = False
    monkeypatch.setitem(ctx.config, "MAIL_SERVER", smtp_server.host)
    monkeypatch.setitem(ctx.config, "MAIL_PORT", smtp_server.port)
    monkeypatch.setitem(ctx.config, "SITE_URL", "https://innobridge.example.cn")
    yield smtp_server
