"""Challenges answered with a code the server sends: ``SMS_MFA``, ``EMAIL_OTP`` and
``SMS_OTP``.

The code comes from the operating system's CSPRNG and is kept only as a hash, in the
challenge's session state. Its message goes through the outbox (``domain/outbox.py``), with
the pool's templates: ``SmsAuthenticationMessage`` for SMS, ``EmailMfaConfiguration``'s
``Message`` and ``Subject`` for email, AWS's default texts otherwise. Where the pool has a
CustomMessage trigger, the message waits: the transaction stores the session and the code's
hash, and after it CustomMessage (``CustomMessage_Authentication``) is asked and the message
posted with its texts (:class:`PendingCode`, sent by the sign-in service). Where the pool has
a custom sender for the medium (CustomEmailSender, CustomSMSSender), the code goes to it
after the transaction in the same way (``CustomEmailSender_Authentication``), and nothing
enters the outbox. The challenge
parameters say where it went: ``CODE_DELIVERY_DELIVERY_MEDIUM`` and
``CODE_DELIVERY_DESTINATION``, masked as AWS masks them (``verification_codes.mask``).

A code lives :attr:`CodeChallenge.lifetime` seconds, and no longer than its session; a wrong
one counts toward the lock-out and leaves the session for another try (``answers.py``).
The first right answer marks the email address or phone number verified, as AWS does after
a first MFA by message.

Public API, for every first factor or MFA step that sends a code (the MFA follow-ups in
``mfa.py``, and ``USER_AUTH``'s passwordless factors):

``SMS_MFA``, ``EMAIL_OTP``, ``SMS_OTP``
    The three :class:`CodeChallenge` objects, registered as challenges in ``machine.py``.
``challenge.available(user) -> bool``
    Whether the user has somewhere to send the code (an email address, a phone number).
``challenge.begin(tx, attempt, source, entry, now) -> Step``
    Send a fresh code to ``entry.user`` and enter the challenge from ``source`` (which the
    table must allow: ``source -> challenge.name``): a ``Step`` whose outcome is the
    challenge, its new ``Session`` and the delivery parameters. Call it only when
    :meth:`available`; it is a ``Step`` (not ``None``) whatever the user's MFA settings.
``challenge.answer(attempt) -> Outcome``
    RespondToAuthChallenge with ``USERNAME`` and ``<NAME>_CODE``: on a right code, the
    steps the table lists after ``challenge.name`` (tokens).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field, replace
from typing import ClassVar, Self

from userpools.domain import hooks, messages, outbox, settings
from userpools.domain.errors import CodeMismatch, ExpiredCode
from userpools.domain.lookup import sign_in_keys
from userpools.domain.models import User, UserPool
from userpools.domain.signin import answers
from userpools.domain.signin.strategy import Attempt, Entry, Outcome, Step
from userpools.domain.store import LookupField, Transaction
from userpools.domain.tokens import new_secret
from userpools.domain.verification_codes import mask

#: AWS's default texts when the pool sets none (docs/auth-flows.md).
DEFAULT_SMS_MESSAGE = "Your authentication code is {####}. "
DEFAULT_EMAIL_MESSAGE = "Your authentication code is {####}. "
DEFAULT_EMAIL_SUBJECT = "Your authentication code"
_VERIFIED_FLAG = {"email": "email_verified", "phone_number": "phone_number_verified"}
_KEY = {"email": "email", "phone_number": "phone"}
_LOOKUP: dict[str, LookupField] = {"email": "login_email", "phone_number": "login_phone"}


@dataclass(frozen=True)
class _CodeState:
    """The code's hash and when it dies."""

    challenge: ClassVar[str]
    #: A short code's SHA-256 can be reversed by trying every code: never in a repr.
    code_hash: str = field(repr=False)
    code_expires_at: float

    def encode(self) -> str:
        return json.dumps({"code_hash": self.code_hash, "code_expires_at": self.code_expires_at})

    @classmethod
    def decode(cls, text: str) -> Self:
        data = json.loads(text)
        return cls(str(data["code_hash"]), float(data["code_expires_at"]))


@dataclass(frozen=True)
class SmsMfaState(_CodeState):
    challenge: ClassVar[str] = "SMS_MFA"


@dataclass(frozen=True)
class EmailOtpState(_CodeState):
    challenge: ClassVar[str] = "EMAIL_OTP"


@dataclass(frozen=True)
class SmsOtpState(_CodeState):
    challenge: ClassVar[str] = "SMS_OTP"


def _hash(user: User, challenge: str, code: str) -> str:
    return hashlib.sha256(f"{user.sub}\x00{challenge}\x00{code}".encode()).hexdigest()


@dataclass(frozen=True)
class CodeChallenge:
    name: str
    state: type[_CodeState]
    medium: str  # SMS or EMAIL
    attribute: str  # phone_number or email
    digits: int
    lifetime: float

    @property
    def response(self) -> str:
        """The ChallengeResponses member that carries the code."""
        return f"{self.name}_CODE"

    def available(self, user: User) -> bool:
        return bool(user.attribute(self.attribute))

    def begin(
        self, tx: Transaction, attempt: Attempt, source: str, entry: Entry, now: float
    ) -> Step:
        pool, user = entry.pool, entry.user
        code = f"{secrets.randbelow(10**self.digits):0{self.digits}d}"
        destination = user.attribute(self.attribute) or ""
        pending = None
        if hooks.has_sender(attempt.triggers, pool, self.medium) or (
            attempt.triggers is not None and attempt.triggers.configured(pool, "CustomMessage")
        ):
            pending = PendingCode(self, attempt, entry, destination, code, now).send
        else:
            letter = self._letter(tx, pool, code)
            outbox.post(tx, pool, user.username, destination, letter, now, attempt.delivery)
        expires_at = now + min(self.lifetime, entry.client.settings.auth_session_minutes * 60)
        handle = new_secret()
        state = self.state(_hash(user, self.name, code), expires_at)
        attempt.enter(tx, source, entry, state, handle, now)
        parameters = {
            "CODE_DELIVERY_DELIVERY_MEDIUM": self.medium,
            "CODE_DELIVERY_DESTINATION": mask(self.medium, destination),
        }
        outcome = Outcome(
            challenge=self.name, session=handle, parameters=parameters, pending=pending
        )
        return Step(outcome=outcome)

    def _letter(
        self, tx: Transaction, pool: UserPool, code: str, custom: hooks.CustomText | None = None
    ) -> outbox.Letter:
        custom = custom or hooks.CustomText()
        if self.medium == "SMS":
            template = custom.sms or pool.config.sms_authentication_message or DEFAULT_SMS_MESSAGE
            return outbox.Letter("SMS", None, template.replace("{####}", code))
        stored = tx.get_setting(pool, settings.MFA)
        email = dict(stored.document.get("EmailMfaConfiguration") or {}) if stored else {}
        template = custom.email or str(email.get("Message") or DEFAULT_EMAIL_MESSAGE)
        subject = custom.subject or str(email.get("Subject") or DEFAULT_EMAIL_SUBJECT)
        return outbox.Letter("EMAIL", subject, template.replace("{####}", code))

    def answer(self, attempt: Attempt) -> Outcome:
        code = attempt.required(self.response)
        now = attempt.clock()

        def run(tx: Transaction) -> Step:
            pool, client, user, pending = answers.open_session(tx, attempt, self.state, now)
            if now > pending.state.code_expires_at:
                return Step(error=ExpiredCode())
            given = _hash(user, self.name, code).encode()
            if not hmac.compare_digest(given, pending.state.code_hash.encode()):
                error = CodeMismatch(messages.MFA_CODE_MISMATCH)
                return answers.refuse(tx, pool, user, error, now)
            user = _verified(tx, pool, user, self.attribute)
            return answers.accept(tx, attempt, self.name, Entry(pool, client, user), now)

        return attempt.store.write(run).finish()


@dataclass(frozen=True)
class PendingCode:
    """A sign-in code whose message waits for CustomMessage ("Custom message Lambda trigger",
    ``CustomMessage_Authentication``: "Custom message for MFA codes",
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html),
    asked after the transaction that made the code: no trigger runs inside one. The event has
    the placeholder ``{####}``, never the code; a message without it is refused
    (``hooks.custom_message``). A custom sender of the medium, when the pool has one, is given
    the code instead (``hooks.custom_sender``) and nothing is posted."""

    challenge: CodeChallenge
    attempt: Attempt = field(repr=False)
    entry: Entry = field(repr=False)
    destination: str = field(repr=False)
    code: str = field(repr=False)
    now: float

    def send(self) -> None:
        pool, user, attempt = self.entry.pool, self.entry.user, self.attempt
        metadata = attempt.step_metadata
        if attempt.triggers is not None and hooks.has_sender(
            attempt.triggers, pool, self.challenge.medium
        ):
            hooks.custom_sender(
                attempt.triggers,
                pool,
                self.challenge.medium,
                "Authentication",
                user.username,
                self.entry.client.client_id,
                hooks.user_attributes(pool, user),
                self.code,
                metadata.items() if metadata is not None else None,
            )
            return
        custom = hooks.custom_message(
            attempt.triggers,
            pool,
            "CustomMessage_Authentication",
            user.username,
            self.entry.client.client_id,
            hooks.user_attributes(pool, user),
            metadata.items() if metadata is not None else None,
        )

        def post(tx: Transaction) -> None:
            letter = self.challenge._letter(tx, pool, self.code, custom)
            outbox.post(
                tx, pool, user.username, self.destination, letter, self.now, attempt.delivery
            )

        attempt.store.write(post)


def _verified(tx: Transaction, pool: UserPool, user: User, attribute: str) -> User:
    """The user with ``attribute`` marked verified: the code reached it. Unless that would
    make it an alias another user holds: then it stays as it was."""
    flag = _VERIFIED_FLAG[attribute]
    if user.attribute(flag) == "true":
        return user
    kept = tuple((n, v) for n, v in user.attributes if n != flag)
    changed = replace(user, attributes=(*kept, (flag, "true")))
    keys = sign_in_keys(pool, changed.attributes)
    alias = keys.email if attribute == "email" else keys.phone
    if alias is not None and alias != getattr(sign_in_keys(pool, user.attributes), _KEY[attribute]):
        holder = tx.find_user(pool, _LOOKUP[attribute], alias)
        if holder is not None and holder.key != user.key:
            return user
    tx.update_user(pool, changed, keys)
    return changed


SMS_MFA = CodeChallenge("SMS_MFA", SmsMfaState, "SMS", "phone_number", 6, 3 * 60.0)
EMAIL_OTP = CodeChallenge("EMAIL_OTP", EmailOtpState, "EMAIL", "email", 8, 5 * 60.0)
SMS_OTP = CodeChallenge("SMS_OTP", SmsOtpState, "SMS", "phone_number", 6, 3 * 60.0)
