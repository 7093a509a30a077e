"""What each trigger is sent, and what its response changes (``docs/triggers.md``).

:class:`~userpools.domain.triggers.Triggers` invokes; this module knows the triggers by name:
the ``request`` and default ``response`` of each trigger source, as the developer guide's
event pages show them, and the rules its response fields follow. Every function here runs
outside a transaction.

- PreSignUp, "Pre sign-up Lambda trigger",
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html
- PostConfirmation, "Post confirmation Lambda trigger",
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html
- CustomEmailSender / CustomSMSSender, "Custom email sender Lambda trigger",
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-email-sender.html
  and …/user-pool-lambda-custom-sms-sender.html
- Pre/PostAuthentication,
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-authentication.html
  and …/user-pool-lambda-post-authentication.html
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from userpools.domain.errors import InvalidLambdaResponse, InvalidParameter
from userpools.domain.models import User, UserPool
from userpools.domain.triggers import Triggers

#: A pool's trigger invoker, or ``None`` for a service built without one (unit tests).
MaybeTriggers = Triggers | None
#: ``ClientMetadata`` / ``ValidationData`` as given (``None``: not given).
Pairs = Iterable[tuple[str, str]] | None

AUTO_VERIFY_NEEDS = "{flag} is set, yet the {attribute} attribute is not given."


def user_attributes(pool: UserPool, user: User) -> dict[str, str]:
    """``request.userAttributes`` of an existing user: its attributes (developer-only ones
    left out) with ``cognito:user_status``, and ``cognito:email_alias`` /
    ``cognito:phone_number_alias`` where the pool signs in with that attribute (an alias,
    or a username attribute: captured events of ``UsernameAttributes: [email]`` pools carry
    ``cognito:email_alias``) and it is verified (the guide's PostConfirmation and
    PreTokenGeneration samples)."""
    found = {name: value for name, value in user.attributes if not name.startswith("dev:")}
    found["cognito:user_status"] = user.status.value
    c = pool.config
    signs_in_with = (*c.alias_attribute_names, *c.username_attribute_names)
    for alias, flag in (("email", "email_verified"), ("phone_number", "phone_number_verified")):
        if alias in signs_in_with and found.get(flag) == "true" and alias in found:
            found[f"cognito:{alias}_alias"] = found[alias]
    return found


def _mapping(pairs: Pairs) -> dict[str, str] | None:
    return None if pairs is None else dict(pairs)


def _request(base: Mapping[str, Any], metadata: Pairs) -> dict[str, Any]:
    """``clientMetadata`` is sent only when the caller gave one."""
    request = dict(base)
    if metadata is not None:
        request["clientMetadata"] = dict(metadata)
    return request


@dataclass(frozen=True)
class SignUpAnswer:
    """What PreSignUp decided for a self-service sign-up."""

    confirm: bool = False
    verify_email: bool = False
    verify_phone: bool = False


def pre_sign_up(
    triggers: MaybeTriggers,
    pool: UserPool,
    source: str,
    username: str,
    client_id: str | None,
    given: Iterable[tuple[str, str]],
    validation: Pairs,
    metadata: Pairs,
) -> SignUpAnswer:
    """PreSignUp (``PreSignUp_SignUp`` or ``PreSignUp_AdminCreateUser``).

    ``validationData`` is always present, ``null`` when the caller gave none. The three
    response flags take effect for SignUp only; "Amazon Cognito ignores" them for
    AdminCreateUser (guide). ``autoVerifyEmail``/``autoVerifyPhone`` need the attribute
    ("the email attribute must have a valid, non-null value"): without it the sign-up fails.
    """
    if triggers is None:
        return SignUpAnswer()
    attributes = dict(given)
    request = _request(
        {"userAttributes": attributes, "validationData": _mapping(validation)}, metadata
    )
    defaults = {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}
    response = triggers.invoke(pool, "PreSignUp", source, username, client_id, request, defaults)
    if response is None or source != "PreSignUp_SignUp":
        return SignUpAnswer()
    answer = SignUpAnswer(
        confirm=response.get("autoConfirmUser") is True,
        verify_email=response.get("autoVerifyEmail") is True,
        verify_phone=response.get("autoVerifyPhone") is True,
    )
    for flag, wanted, attribute in (
        ("autoVerifyEmail", answer.verify_email, "email"),
        ("autoVerifyPhone", answer.verify_phone, "phone_number"),
    ):
        if wanted and not attributes.get(attribute):
            raise InvalidParameter(AUTO_VERIFY_NEEDS.format(flag=flag, attribute=attribute))
    return answer


def post_confirmation(
    triggers: MaybeTriggers,
    pool: UserPool,
    user: User,
    source: str,
    client_id: str | None,
    metadata: Pairs,
) -> None:
    """PostConfirmation (``_ConfirmSignUp`` or ``_ConfirmForgotPassword``), after the
    confirmation committed: a failure is the caller's error, yet the user stays confirmed,
    as on AWS. Its response has no fields."""
    if triggers is None:
        return
    request = _request({"userAttributes": user_attributes(pool, user)}, metadata)
    triggers.invoke(pool, "PostConfirmation", source, user.username, client_id, request)


CODE_PARAMETER = "{####}"
LINK_PARAMETER = "{##Click Here##}"
USERNAME_PARAMETER = "{username}"
#: A returned message that drops the code: refused, as the guide requires it be kept.
CODE_DROPPED = "Unrecognizable lambda output"


@dataclass(frozen=True)
class CustomText:
    """CustomMessage's answer: templates still holding ``{####}`` (and ``{username}``),
    filled in by ``domain/outbox.py`` inside the transaction that makes the code. ``None``
    members keep the pool's own template."""

    sms: str | None = None
    email: str | None = None
    subject: str | None = None


def custom_message(
    triggers: MaybeTriggers,
    pool: UserPool,
    source: str,
    username: str,
    client_id: str | None,
    attributes: Mapping[str, str],
    metadata: Pairs = None,
) -> CustomText | None:
    """CustomMessage ("Custom message Lambda trigger",
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html),
    invoked before the transaction with the placeholders as parameters, exactly as AWS sends
    them (the code is never in the event). Request ``userAttributes``, ``codeParameter``
    ``{####}``, ``linkParameter``, ``usernameParameter`` (``{username}`` for
    ``_AdminCreateUser``, else ``null``) and ``clientMetadata``; response ``smsMessage``,
    ``emailMessage``, ``emailSubject`` (sent ``null``). A message without ``{####}`` is
    refused (``InvalidLambdaResponseException``): the guide requires the code be kept."""
    if triggers is None or not triggers.configured(pool, "CustomMessage"):
        return None
    admin = source == "CustomMessage_AdminCreateUser"
    request = _request(
        {
            "userAttributes": dict(attributes),
            "codeParameter": CODE_PARAMETER,
            "linkParameter": LINK_PARAMETER,
            "usernameParameter": USERNAME_PARAMETER if admin else None,
        },
        metadata,
    )
    defaults = {"smsMessage": None, "emailMessage": None, "emailSubject": None}
    response = triggers.invoke(
        pool, "CustomMessage", source, username, client_id, request, defaults
    )
    if response is None:
        return None
    found = CustomText(
        sms=_text(response.get("smsMessage")),
        email=_text(response.get("emailMessage")),
        subject=_text(response.get("emailSubject")),
    )
    for message in (found.sms, found.email):
        if message is not None and CODE_PARAMETER not in message:
            raise InvalidLambdaResponse(CODE_DROPPED)
    return found


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Migrated:
    """UserMigration's answer: the user to create, and its welcome."""

    attributes: tuple[tuple[str, str], ...]
    reset_required: bool
    force_alias: bool
    #: ``messageAction`` ``SUPPRESS``: no welcome message.
    suppress: bool = False
    #: ``desiredDeliveryMediums``: where the welcome message goes ("SMS" when not returned).
    delivery: tuple[str, ...] = ("SMS",)
    #: ``enableSMSMFA``: the user must pass SMS MFA to sign in.
    sms_mfa: bool = False


#: ``enableSMSMFA`` without a phone number: "the migration of that user will fail" (guide).
SMS_MFA_NEEDS_PHONE = "enableSMSMFA is set, yet the phone_number attribute is not given."
#: ``enableSMSMFA`` in a pool whose MFA has no SMS factor ("Your user pool must have MFA
#: enabled", guide).
SMS_MFA_OFF = "enableSMSMFA is set, yet the user pool does not allow SMS MFA."
#: ``messageAction`` and ``desiredDeliveryMediums`` take the values of AdminCreateUser's.
BAD_MESSAGE_ACTION = "messageAction must be SUPPRESS or left out; got {value!r}."
BAD_DELIVERY = "desiredDeliveryMediums must list EMAIL and/or SMS; got {value!r}."


def user_migration(
    triggers: MaybeTriggers,
    pool: UserPool,
    source: str,
    username: str,
    client_id: str,
    password: str | None,
    validation: Mapping[str, str] | None,
    metadata: Mapping[str, str] | None = None,
) -> Migrated | None:
    """UserMigration ("Migrate user Lambda trigger",
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html)
    for a user the pool does not have: ``_Authentication`` (with the password the user gave)
    or ``_ForgotPassword`` (without). Request ``password`` (Authentication only),
    ``validationData`` (InitiateAuth's ``ClientMetadata``; ``null`` from ForgotPassword) and
    ``clientMetadata`` (ForgotPassword's ``ClientMetadata``: InitiateAuth's reaches the
    function "as validationData" only, the API reference says); response ``userAttributes``,
    ``finalUserStatus``, ``messageAction``, ``desiredDeliveryMediums``,
    ``forceAliasCreation``, ``enableSMSMFA`` (sent ``null``). ``None`` without the trigger,
    or when the function answers no ``userAttributes`` (the user stays unknown).

    The welcome message is sent unless ``messageAction`` is ``SUPPRESS``, by SMS unless
    ``desiredDeliveryMediums`` says otherwise ("If this attribute is not returned, the
    welcome message will be sent by SMS", guide)."""
    if triggers is None or not triggers.configured(pool, "UserMigration"):
        return None
    base: dict[str, Any] = {"validationData": None if validation is None else dict(validation)}
    if password is not None:
        base = {"password": password, **base}
    request = _request(base, None if metadata is None else metadata.items())
    defaults = dict.fromkeys(
        (
            "userAttributes",
            "finalUserStatus",
            "messageAction",
            "desiredDeliveryMediums",
            "forceAliasCreation",
            "enableSMSMFA",
        )
    )
    response = (
        triggers.invoke(pool, "UserMigration", source, username, client_id, request, defaults) or {}
    )
    attributes = response.get("userAttributes")
    if not isinstance(attributes, dict) or not attributes:
        return None
    status = response.get("finalUserStatus")
    # "set to CONFIRMED, or not set, to auto-confirm" at sign-in (guide); a forgot-password
    # migration has no password to confirm, so the user must reset it.
    reset = source == "UserMigration_ForgotPassword" or status == "RESET_REQUIRED"
    pairs = tuple((str(k), str(v)) for k, v in attributes.items() if k not in ("sub", "username"))
    action = response.get("messageAction")
    if action not in (None, "SUPPRESS"):
        raise InvalidParameter(BAD_MESSAGE_ACTION.format(value=action))
    mediums = response.get("desiredDeliveryMediums")
    if mediums is None:
        mediums = ["SMS"]
    if (
        not isinstance(mediums, list)
        or not mediums
        or any(m not in ("EMAIL", "SMS") for m in mediums)
    ):
        raise InvalidParameter(BAD_DELIVERY.format(value=mediums))
    sms_mfa = response.get("enableSMSMFA") is True
    if sms_mfa and not attributes.get("phone_number"):
        raise InvalidParameter(SMS_MFA_NEEDS_PHONE)
    return Migrated(
        pairs,
        reset,
        response.get("forceAliasCreation") is True,
        suppress=action == "SUPPRESS",
        delivery=tuple(dict.fromkeys(mediums)),
        sms_mfa=sms_mfa,
    )


#: The custom senders, by medium.
SENDER_OF = {"EMAIL": "CustomEmailSender", "SMS": "CustomSMSSender"}
#: The marker next to ``request.code``: userpools has no KMS, so the code is only
#: base64-encoded, and says so (docs/triggers.md).
CODE_ENCRYPTION = "none (userpools has no KMS)"
_REQUEST_TYPE = {"EMAIL": "customEmailSenderRequestV1", "SMS": "customSMSSenderRequestV1"}


def has_sender(triggers: MaybeTriggers, pool: UserPool, medium: str) -> bool:
    """Whether the pool hands messages of ``medium`` ("EMAIL", "SMS") to a custom sender
    instead of sending them itself."""
    return triggers is not None and triggers.configured(pool, SENDER_OF[medium])


def custom_sender(
    triggers: Triggers,
    pool: UserPool,
    medium: str,
    source: str,
    username: str,
    client_id: str | None,
    attributes: Mapping[str, str],
    code: str,
    metadata: Pairs = None,
) -> None:
    """The custom sender of ``medium`` sends the code: ``source`` is the suffix AWS appends
    (``Authentication``, ``SignUp`` …). The request is the guide's: ``type``
    (``customEmailSenderRequestV1`` / ``customSMSSenderRequestV1``), ``code``,
    ``clientMetadata`` (``null`` when none was given, as in captured events) and
    ``userAttributes``; the event has no ``response``. AWS encrypts ``code`` with the pool's
    KMS key; userpools has none, so ``code`` is the code base64-encoded, and
    ``codeEncryption`` says so: nobody should mistake it for ciphertext. The function is
    invoked asynchronously, as AWS does (:meth:`Triggers.send`)."""
    trigger = SENDER_OF[medium]
    request = {
        "type": _REQUEST_TYPE[medium],
        "code": base64.b64encode(code.encode()).decode(),
        "codeEncryption": CODE_ENCRYPTION,
        "clientMetadata": _mapping(metadata),
        "userAttributes": dict(attributes),
    }
    triggers.send(pool, trigger, f"{trigger}_{source}", username, client_id, request)


@dataclass(frozen=True)
class SenderCode:
    """A code (or temporary password) for a custom sender, carried past the commit of the
    transaction that made it: no trigger runs inside one."""

    pool: UserPool
    medium: str
    user: User = field(repr=False)
    code: str = field(repr=False)


def hand_off(
    triggers: MaybeTriggers,
    codes: Iterable[SenderCode],
    source: str,
    client_id: str | None,
    metadata: Pairs = None,
) -> None:
    """Give each code carried past the commit to its pool's custom sender."""
    if triggers is None:
        return
    for sent in codes:
        custom_sender(
            triggers,
            sent.pool,
            sent.medium,
            source,
            sent.user.username,
            client_id,
            user_attributes(sent.pool, sent.user),
            sent.code,
            metadata,
        )
