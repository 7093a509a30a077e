"""Messages as AWS renders them, and how they enter the outbox.

A pool's templates come from its configuration (``VerificationMessageTemplate`` first, then
the legacy ``EmailVerificationMessage``/``EmailVerificationSubject``/``SmsVerificationMessage``;
``AdminCreateUserConfig.InviteMessageTemplate``), with AWS's default texts when unset
(sources in docs/messages.md). ``{####}`` is the code (or the temporary password),
``{username}`` the user's name in invitations, and ``{##Verify Email##}`` (any text between
the ``##``) the confirmation link of ``DefaultEmailOption=CONFIRM_WITH_LINK``.

Every message is written to the outbox in the transaction of the call that causes it. When
this server delivers the medium (:class:`Delivery`, from ``serve --smtp-url`` and
``--sms-webhook``) it is written ``pending`` and sent after the commit by the courier
(``userpools/delivery.py``); otherwise it is only kept.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from userpools.domain.hooks import CustomText
from userpools.domain.models import Message, UserPool
from userpools.domain.store import Transaction

#: AWS's defaults when a pool sets no template.
DEFAULT_CODE_MESSAGE = "Your verification code is {####}. "
DEFAULT_CODE_SUBJECT = "Your verification code"
DEFAULT_LINK_MESSAGE = (
    "Please click the link below to verify your email address. {##Verify Email##} "
)
DEFAULT_LINK_SUBJECT = "Your verification link"
DEFAULT_INVITE = "Your username is {username} and temporary password is {####}."
DEFAULT_INVITE_SUBJECT = "Your temporary password"
#: Cognito's own sender (``EmailSendingAccount=COGNITO_DEFAULT`` without ``From``).
DEFAULT_SENDER = "no-reply@verificationemail.com"

_LINK = re.compile(r"\{##(.*?)##\}", re.DOTALL)


@dataclass(frozen=True)
class Delivery:
    """What the domain must know of how this server delivers messages."""

    #: The media a transport is configured for ("EMAIL": SMTP, "SMS": the webhook).
    media: frozenset[str] = frozenset()
    #: Where confirmation links point: ``{link_base}/confirmUser?client_id=…``.
    link_base: str = "http://127.0.0.1:9229"


#: No transport: every message is only kept in the outbox.
KEEP_ALL = Delivery()


@dataclass(frozen=True)
class Letter:
    """A rendered message, before it is addressed to a user."""

    medium: str
    subject: str | None
    body: str


def verification(
    pool: UserPool,
    medium: str,
    code: str,
    *,
    username: str,
    client_id: str | None,
    delivery: Delivery,
    custom: CustomText | None = None,
) -> Letter:
    """A code (or, for a sign-up with ``CONFIRM_WITH_LINK`` and a known client, a link).
    ``custom``: the CustomMessage trigger's texts, which replace the pool's."""
    c = pool.config
    custom = custom or CustomText()
    template = c.verification_message_template
    if medium != "EMAIL":
        sms = custom.sms or c.verify_sms or DEFAULT_CODE_MESSAGE
        return Letter(medium, None, sms.replace("{####}", code))
    if template.default_email_option == "CONFIRM_WITH_LINK" and client_id is not None:
        body = custom.email or template.email_message_by_link or DEFAULT_LINK_MESSAGE
        query = urlencode(
            {"client_id": client_id, "user_name": username, "confirmation_code": code}
        )
        url = html.escape(f"{delivery.link_base}/confirmUser?{query}")
        linked = _LINK.sub(lambda m: f'<a href="{url}">{html.escape(m.group(1))}</a>', body)
        linked = linked.replace("{####}", code)
        subject = custom.subject or template.email_subject_by_link or DEFAULT_LINK_SUBJECT
        return Letter(medium, subject, linked)
    body = (custom.email or c.verify_email_message or DEFAULT_CODE_MESSAGE).replace("{####}", code)
    return Letter(medium, custom.subject or c.verify_email_subject or DEFAULT_CODE_SUBJECT, body)


def invitation(
    pool: UserPool,
    medium: str,
    shown_name: str,
    password: str,
    custom: CustomText | None = None,
) -> Letter:
    """AdminCreateUser's invitation: ``{username}`` and ``{####}`` (the temporary password);
    ``custom``: the CustomMessage trigger's texts, which replace the pool's."""
    invite = pool.config.invite
    custom = custom or CustomText()
    if medium == "EMAIL":
        template = custom.email or invite.email_message or DEFAULT_INVITE
        subject: str | None = custom.subject or invite.email_subject or DEFAULT_INVITE_SUBJECT
    else:
        template, subject = custom.sms or invite.sms_message or DEFAULT_INVITE, None
    body = template.replace("{username}", shown_name).replace("{####}", password)
    return Letter(medium, subject, body)


def post(
    tx: Transaction,
    pool: UserPool,
    username: str,
    destination: str,
    letter: Letter,
    now: float,
    delivery: Delivery,
) -> None:
    """Put the letter in the outbox: pending when the medium is delivered, else kept."""
    email = pool.config.email_configuration
    is_email = letter.medium == "EMAIL"
    tx.add_message(
        Message(
            pool.id,
            username,
            letter.medium,
            destination,
            letter.subject,
            letter.body,
            now,
            sender=(email.from_ or DEFAULT_SENDER) if is_email else None,
            reply_to=email.reply_to_email_address if is_email else None,
            delivery="pending" if letter.medium in delivery.media else "kept",
        )
    )
