"""Messages really delivered: email to a real SMTP server (aiosmtpd), SMS to a webhook.

Each test starts a server of its own (both stores) with ``smtp_url`` and/or ``sms_webhook``,
drives it with boto3, and reads what the SMTP server or the webhook received: sender,
Reply-To, subject, body, and a code or temporary password that works. A mail server that is
down makes the message wait in the outbox with its error, and it is delivered once the
server comes up; the request that wrote it succeeded all along.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller

from userpools.delivery import DeliveryURLError, SmsWebhook, SmtpTarget
from userpools.domain.models import Message
from userpools.testing import RunningServer, start_server

PASSWORD = "Correct-horse-1"
NEW_PASSWORD = "Battery-staple-2"
CODE = re.compile(r"\b(\d{6})\b")
WAIT = 15.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An aiosmtpd handler keeping every mail it receives."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), mail))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int) -> list[tuple[str, list[str], EmailMessage]]:
        deadline = time.monotonic() + WAIT
        while len(self.mails) < count:
            assert time.monotonic() < deadline, f"{len(self.mails)} of {count} mails arrived"
            time.sleep(0.05)
        return self.mails


def smtp_server(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    port = free_port()
    controller, inbox = smtp_server(port)
    yield port, inbox
    controller.stop()


def serve(
    database: dict[str, Any], request: pytest.FixtureRequest, **settings: Any
) -> RunningServer:
    running = start_server(
        database["db_path"],
        database_url=database["database_url"],
        delivery_retry_seconds=0.2,
        **settings,
    )
    request.addfinalizer(running.close)
    return next(running)


def wait_until(condition: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + WAIT
    while not (found := condition()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
    return found


def body_of(mail: EmailMessage) -> str:
    part = mail.get_body(("html", "plain"))
    assert part is not None
    # The body as sent, without the line break email adds at its end.
    return str(part.get_content()).replace("\r\n", "\n").removesuffix("\n")


def test_sign_up_code_arrives_from_the_pools_sender_and_works(
    fresh_database: dict[str, Any], request: pytest.FixtureRequest, smtp: tuple[int, Inbox]
) -> None:
    port, inbox = smtp
    server = serve(fresh_database, request, smtp_url=f"smtp://127.0.0.1:{port}")
    api = server.client()
    pool_id = api.create_user_pool(
        PoolName="mail",
        AutoVerifiedAttributes=["email"],
        EmailConfiguration={
            "EmailSendingAccount": "DEVELOPER",
            "SourceArn": "arn:aws:ses:us-east-1:000000000000:identity/example.com",
            "From": "Example App <hello@example.com>",
            "ReplyToEmailAddress": "support@example.com",
        },
        VerificationMessageTemplate={
            "EmailSubject": "Welcome to Example",
            "EmailMessage": "Hello! Your Example code is {####}. See you soon.",
        },
    )["UserPool"]["Id"]
    client_id = api.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]
    api.sign_up(
        ClientId=client_id,
        Username="ann",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
    )

    ((mail_from, rcpt_tos, mail),) = inbox.wait_for(1)
    assert mail_from == "hello@example.com"
    assert rcpt_tos == ["ann@example.com"]
    assert mail["From"] == "Example App <hello@example.com>"
    assert mail["To"] == "ann@example.com"
    assert mail["Reply-To"] == "support@example.com"
    assert mail["Subject"] == "Welcome to Example"
    body = body_of(mail)
    match = re.fullmatch(r"Hello! Your Example code is (\d{6})\. See you soon\.", body)
    assert match, body
    api.confirm_sign_up(ClientId=client_id, Username="ann", ConfirmationCode=match[1])
    assert api.admin_get_user(UserPoolId=pool_id, Username="ann")["UserStatus"] == "CONFIRMED"
    (kept,) = wait_until(
        lambda: [m for m in server.outbox(pool_id) if m.delivery == "sent"] or None
    )
    assert (kept.attempts, kept.error) == (1, None)


def test_invitation_with_aws_defaults_and_resend(
    fresh_database: dict[str, Any], request: pytest.FixtureRequest, smtp: tuple[int, Inbox]
) -> None:
    port, inbox = smtp
    server = serve(fresh_database, request, smtp_url=f"smtp://127.0.0.1:{port}")
    api = server.client()
    pool_id = api.create_user_pool(PoolName="invite")["UserPool"]["Id"]
    client_id = api.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    email = [{"Name": "email", "Value": "bob@example.com"}]
    api.admin_create_user(
        UserPoolId=pool_id, Username="bob", UserAttributes=email, DesiredDeliveryMediums=["EMAIL"]
    )
    ((mail_from, _, first),) = inbox.wait_for(1)
    assert mail_from == "no-reply@verificationemail.com"
    assert first["From"] == "no-reply@verificationemail.com"
    assert first["Reply-To"] is None
    assert first["Subject"] == "Your temporary password"
    body = body_of(first)
    match = re.fullmatch(r"Your username is bob and temporary password is (.+)\.", body)
    assert match, body

    api.admin_create_user(
        UserPoolId=pool_id, Username="bob", MessageAction="RESEND", DesiredDeliveryMediums=["EMAIL"]
    )
    second = inbox.wait_for(2)[1][2]
    resent = re.fullmatch(r"Your username is bob and temporary password is (.+)\.", body_of(second))
    assert resent and resent[1] != match[1]
    answer = api.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": resent[1]},
    )
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_confirm_with_link_puts_awss_link_in_the_mail(
    fresh_database: dict[str, Any], request: pytest.FixtureRequest, smtp: tuple[int, Inbox]
) -> None:
    port, inbox = smtp
    server = serve(fresh_database, request, smtp_url=f"smtp://127.0.0.1:{port}")
    api = server.client()
    pool_id = api.create_user_pool(
        PoolName="link",
        AutoVerifiedAttributes=["email"],
        VerificationMessageTemplate={"DefaultEmailOption": "CONFIRM_WITH_LINK"},
    )["UserPool"]["Id"]
    client_id = api.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]
    api.sign_up(
        ClientId=client_id,
        Username="cy",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "cy@example.com"}],
    )
    ((_, _, mail),) = inbox.wait_for(1)
    assert mail["Subject"] == "Your verification link"
    assert mail.get_content_type() == "text/html"
    body = body_of(mail)
    assert body.startswith("Please click the link below to verify your email address. <a href=")
    href = re.search(r'href="([^"]+)">Verify Email</a>', body)
    assert href, body
    link = urlsplit(href[1].replace("&amp;", "&"))
    assert f"{link.scheme}://{link.netloc}" == server.endpoint_url
    assert link.path == "/confirmUser"
    query = {k: v[0] for k, v in parse_qs(link.query).items()}
    assert (query["client_id"], query["user_name"]) == (client_id, "cy")
    wrong = href[1].replace("&amp;", "&").replace(query["confirmation_code"], "000000")
    if wrong != href[1].replace("&amp;", "&"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(wrong)
        assert refused.value.code == 400
        assert "Invalid verification code provided" in refused.value.read().decode()
        refused.value.close()
    # Following the link, as a browser would, confirms the account.
    with urllib.request.urlopen(href[1].replace("&amp;", "&")) as page:
        assert page.status == 200
        assert "Your registration has been confirmed." in page.read().decode()
    assert api.admin_get_user(UserPoolId=pool_id, Username="cy")["UserStatus"] == "CONFIRMED"
    given = api.admin_get_user(UserPoolId=pool_id, Username="cy")["UserAttributes"]
    assert {"Name": "email_verified", "Value": "true"} in given


def test_mail_server_down_keeps_the_message_with_its_error_then_delivers_it(
    fresh_database: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    port = free_port()  # nothing listens here yet
    server = serve(fresh_database, request, smtp_url=f"smtp://127.0.0.1:{port}")
    api = server.client()
    pool_id = api.create_user_pool(PoolName="down", AutoVerifiedAttributes=["email"])["UserPool"][
        "Id"
    ]
    client_id = api.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]
    started = time.monotonic()
    answer = api.sign_up(
        ClientId=client_id,
        Username="dee",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "dee@example.com"}],
    )
    assert time.monotonic() - started < 5  # the request never waits for the mail server
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"

    def failed_once() -> Message | None:
        (message,) = server.outbox(pool_id)
        return message if message.attempts >= 1 else None

    waiting = wait_until(failed_once)
    assert waiting.delivery == "pending"
    assert waiting.error is not None and "ConnectionRefusedError" in waiting.error
    assert "dee@example.com" not in waiting.error and CODE.search(waiting.error) is None

    controller, inbox = smtp_server(port)
    request.addfinalizer(controller.stop)
    ((_, rcpt_tos, mail),) = inbox.wait_for(1)
    assert rcpt_tos == ["dee@example.com"]
    code = CODE.search(body_of(mail))
    assert code is not None
    assert body_of(mail).startswith(f"Your verification code is {code[1]}.")
    sent = wait_until(lambda: failed_once() if failed_once().delivery == "sent" else None)  # type: ignore[union-attr]
    assert sent.error is None and sent.attempts >= 2
    api.confirm_sign_up(ClientId=client_id, Username="dee", ConfirmationCode=code[1])


class Webhook(BaseHTTPRequestHandler):
    """Records each POST; answers 500 to the first ``failures`` of them."""

    received: list[dict[str, Any]]
    failures: list[int]

    def do_POST(self) -> None:
        document = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if self.failures[0] > 0:
            self.failures[0] -= 1
            self.send_response(500)
        else:
            self.received.append(document)
            self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_sms_goes_to_the_webhook_and_is_retried(
    fresh_database: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    received: list[dict[str, Any]] = []
    handler = type("Hook", (Webhook,), {"received": received, "failures": [1]})
    http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    request.addfinalizer(http.server_close)
    request.addfinalizer(http.shutdown)
    url = f"http://127.0.0.1:{http.server_address[1]}/sms"
    server = serve(fresh_database, request, sms_webhook=url)
    api = server.client()
    pool_id = api.create_user_pool(
        PoolName="sms",
        AutoVerifiedAttributes=["phone_number"],
        VerificationMessageTemplate={"SmsMessage": "Code: {####}"},
    )["UserPool"]["Id"]
    client_id = api.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]
    api.sign_up(
        ClientId=client_id,
        Username="eve",
        Password=PASSWORD,
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}],
    )
    (sms,) = wait_until(lambda: received or None)
    assert sms["pool_id"] == pool_id
    assert (sms["username"], sms["medium"], sms["destination"]) == ("eve", "SMS", "+15555550100")
    code = re.fullmatch(r"Code: (\d{6})", sms["body"])
    assert code, sms
    api.confirm_sign_up(ClientId=client_id, Username="eve", ConfirmationCode=code[1])
    (message,) = wait_until(
        lambda: [m for m in server.outbox(pool_id) if m.delivery == "sent"] or None
    )
    assert message.attempts == 2  # the first POST got a 500


def test_email_is_kept_not_sent_without_an_smtp_url(
    userpools_server: RunningServer, cognito_idp: Any, user_pool_id: str
) -> None:
    cognito_idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username="fay",
        UserAttributes=[{"Name": "email", "Value": "fay@example.com"}],
        DesiredDeliveryMediums=["EMAIL"],
    )
    (message,) = userpools_server.outbox(user_pool_id)
    assert (message.delivery, message.attempts, message.error) == ("kept", 0, None)
    assert message.sender == "no-reply@verificationemail.com"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", SmtpTarget("mail.example.com", 25, "plain")),
        ("smtp://127.0.0.1:1025", SmtpTarget("127.0.0.1", 1025, "plain")),
        (
            "smtp+starttls://me%40example.com:p%40ss@mail.example.com",
            SmtpTarget("mail.example.com", 587, "starttls", "me@example.com", "p@ss"),
        ),
        (
            "smtps://u:p@mail.example.com:2465",
            SmtpTarget("mail.example.com", 2465, "tls", "u", "p"),
        ),
    ],
)
def test_smtp_urls(url: str, expected: SmtpTarget) -> None:
    assert SmtpTarget.parse(url) == expected


@pytest.mark.parametrize(
    "url", ["http://mail.example.com", "smtp://", "smtp://u:secret@host:notaport"]
)
def test_bad_smtp_urls_are_refused_without_their_password(url: str) -> None:
    with pytest.raises(DeliveryURLError) as error:
        SmtpTarget.parse(url)
    assert "secret" not in str(error.value)


def test_bad_webhook_url_is_refused() -> None:
    with pytest.raises(DeliveryURLError):
        SmsWebhook.parse("ftp://example.com/hook")


def test_serve_refuses_a_bad_smtp_url(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from userpools.cli import main

    result = CliRunner().invoke(
        main, ["serve", "--db", str(tmp_path / "x.db"), "--port", "0", "--smtp-url", "imap://x"]
    )
    assert result.exit_code == 2
    assert "--smtp-url: unknown scheme 'imap'" in result.output


def test_the_banner_names_where_messages_go_without_the_password() -> None:
    from userpools.cli.serve import _delivery_line

    line = _delivery_line("smtps://me:s3cret@mail.example.com:465", "https://hooks.example.com/sms")
    assert line == (
        "email by smtps://mail.example.com:465, SMS to https://hooks.example.com/sms, "
        "the rest kept in the outbox (GET /_userpools/messages)"
    )
    assert _delivery_line(None, None) == "kept in the outbox (GET /_userpools/messages)"


def test_an_incomplete_or_wrong_confirmation_link_is_refused(
    userpools_server: RunningServer,
) -> None:
    base = f"{userpools_server.endpoint_url}/confirmUser"
    for url, status, text in (
        (f"{base}?client_id=abc", 400, "The link is incomplete"),
        (
            f"{base}?client_id=nosuchclient1&user_name=ann&confirmation_code=123456",
            400,
            "User pool client nosuchclient1 does not exist.",
        ),
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url)
        assert refused.value.code == status
        assert text in refused.value.read().decode()
        refused.value.close()
