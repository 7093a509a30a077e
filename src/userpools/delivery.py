"""The courier: sends pending outbox messages by SMTP (``serve --smtp-url``) and POSTs SMS to
a webhook (``serve --sms-webhook``), after the transaction that wrote them has committed.

A background thread per server process polls the outbox: a cheap read asks whether anything
is due, and only then a write transaction claims a batch. A claim leases its rows (their
next attempt is pushed :data:`LEASE` seconds out), so several processes or nodes on one
database never send the same message twice; on PostgreSQL the claim skips rows another node
is claiming (``FOR UPDATE SKIP LOCKED``). Each message is then sent outside any transaction
and marked sent, or failed with its error and a retry time that backs off (``retry_base``,
doubling up to :data:`MAX_RETRY_DELAY`). A message still undelivered :data:`GIVE_UP_AFTER`
seconds after it was written is marked failed for good (its code has expired by then). A
request never waits on any of this: it only writes the row.

A process that dies between sending and marking leaves the lease to expire, and the message
is sent again: delivery is at least once.
"""

from __future__ import annotations

import json
import logging
import re
import smtplib
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from userpools.domain.models import Message
from userpools.domain.store import Store

logger = logging.getLogger("userpools.delivery")

LEASE = 120.0
MAX_RETRY_DELAY = 900.0
GIVE_UP_AFTER = 24 * 3600.0
BATCH = 20
SMTP_TIMEOUT = 15.0
_HTML = re.compile(r"<[a-zA-Z][^>]*>")


class DeliveryURLError(ValueError):
    """A ``--smtp-url`` or ``--sms-webhook`` that cannot be used; the text never holds a
    password."""


@dataclass(frozen=True)
class SmtpTarget:
    """``smtp://``, ``smtp+starttls://`` or ``smtps://`` ``[user[:password]@]host[:port]``."""

    host: str
    port: int
    security: str  # "plain", "starttls" or "tls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        defaults = {
            "smtp": ("plain", 25),
            "smtp+starttls": ("starttls", 587),
            "smtps": ("tls", 465),
        }
        if parts.scheme not in defaults:
            raise DeliveryURLError(
                f"--smtp-url: unknown scheme {parts.scheme!r}: use smtp://, smtp+starttls:// "
                "or smtps://"
            )
        security, default_port = defaults[parts.scheme]
        try:
            port = parts.port or default_port
        except ValueError:
            raise DeliveryURLError("--smtp-url: the port is not a number") from None
        if not parts.hostname:
            raise DeliveryURLError("--smtp-url: no host")
        user = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password else None
        return cls(parts.hostname, port, security, user, password)

    def send(self, message: Message) -> None:
        mail = email_of(message)
        context = ssl.create_default_context()
        if self.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=SMTP_TIMEOUT, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        with client:
            if self.security == "starttls":
                client.starttls(context=context)
            if self.user is not None:
                client.login(self.user, self.password or "")
            client.send_message(mail)


def email_of(message: Message) -> EmailMessage:
    """The email: From (the pool's or AWS's default sender), To, Reply-To, Subject; the body
    as HTML when it holds a tag (a confirmation link), else as plain text."""
    mail = EmailMessage()
    mail["From"] = message.sender or "no-reply@verificationemail.com"
    mail["To"] = message.destination
    if message.reply_to:
        mail["Reply-To"] = message.reply_to
    mail["Subject"] = message.subject or ""
    mail["Date"] = formatdate(message.created_at)
    mail["Message-ID"] = make_msgid(domain="userpools.local")
    subtype = "html" if _HTML.search(message.body) else "plain"
    mail.set_content(message.body, subtype=subtype)
    return mail


@dataclass(frozen=True)
class SmsWebhook:
    """POSTs each SMS as JSON: ``{"pool_id", "username", "destination", "body",
    "created_at"}``; any 2xx answer is delivery."""

    url: str

    @classmethod
    def parse(cls, url: str) -> SmsWebhook:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise DeliveryURLError("--sms-webhook: expected an http:// or https:// URL")
        return cls(url)

    def send(self, message: Message) -> None:
        document = {
            "pool_id": message.pool_id,
            "username": message.username,
            "medium": message.medium,
            "destination": message.destination,
            "body": message.body,
            "created_at": message.created_at,
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(document).encode(),
            headers={"content-type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=SMTP_TIMEOUT) as reply:
                reply.read()
        except urllib.error.HTTPError as error:
            error.close()  # its answer's socket
            raise


Transport = SmtpTarget | SmsWebhook


def transports(smtp_url: str | None, sms_webhook: str | None) -> dict[str, Transport]:
    """The transport of each delivered medium; ``DeliveryURLError`` for a bad URL."""
    found: dict[str, Transport] = {}
    if smtp_url:
        found["EMAIL"] = SmtpTarget.parse(smtp_url)
    if sms_webhook:
        found["SMS"] = SmsWebhook.parse(sms_webhook)
    return found


def describe_failure(exc: BaseException) -> str:
    """What went wrong, for the outbox row and the log: the exception's type and text (an SMTP
    or HTTP error names the server's answer, never a password or the body)."""
    text = str(exc).strip() or "no detail"
    return f"{type(exc).__name__}: {text}"[:500]


class Courier:
    """Delivers the outbox in a background thread; :meth:`run_once` is one pass."""

    def __init__(
        self,
        store: Store,
        routes: dict[str, Transport],
        clock: Callable[[], float] = time.time,
        *,
        poll_interval: float = 0.5,
        retry_base: float = 5.0,
    ) -> None:
        self._store = store
        self._routes = routes
        self._media = frozenset(routes)
        self._clock = clock
        self._poll = poll_interval
        self._retry_base = retry_base
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="courier", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=SMTP_TIMEOUT + 5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                while self.run_once() and not self._stop.is_set():
                    pass
            except Exception:  # the database away: try again at the next poll
                logger.warning("outbox delivery pass failed; retrying", exc_info=True)
            self._stop.wait(self._poll)

    def run_once(self) -> int:
        """Send what is due now; the number of messages tried."""
        now = self._clock()
        media = self._media
        if not self._store.read(lambda tx: tx.any_message_due(media, now)):
            return 0
        claimed = self._store.write(lambda tx: tx.claim_messages(media, now, LEASE, BATCH))
        for message_id, message in claimed:
            self._deliver(message_id, message)
        return len(claimed)

    def _deliver(self, message_id: int, message: Message) -> None:
        try:
            self._routes[message.medium].send(message)
        except Exception as exc:  # any failure of the mail server or webhook is retried
            error = describe_failure(exc)
            now = self._clock()
            delay = min(self._retry_base * 2**message.attempts, MAX_RETRY_DELAY)
            retry_at = now + delay if now + delay - message.created_at < GIVE_UP_AFTER else None
            logger.warning(
                "delivery of message %d (%s to pool %s) failed, %s: %s",
                message_id,
                message.medium,
                message.pool_id,
                f"retry in {delay:g} s" if retry_at is not None else "giving up",
                error,
            )
            self._store.write(lambda tx: tx.mark_message_failed(message_id, error, retry_at))
            return
        sent_at = self._clock()
        self._store.write(lambda tx: tx.mark_message_sent(message_id, sent_at))
