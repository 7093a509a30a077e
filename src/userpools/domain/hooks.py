"""What each trigger is sent, and what its response changes (``docs/triggers.md``).

:class:`~userpools.domain.triggers.Triggers` invokes; this module knows the triggers by name:
the ``request`` and default ``response`` of each trigger source, as the developer guide's
event pages show them, and the rules its response fields follow. Every function here runs
outside a transaction.

- PreSignUp, "Pre sign-up Lambda trigger",
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html
- PostConfirmation, "Post confirmation Lambda trigger",
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html
- Pre/PostAuthentication,
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-authentication.html
  and …/user-pool-lambda-post-authentication.html
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from userpools.domain.errors import InvalidParameter
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
    ``cognito:phone_number_alias`` where the pool signs in with that alias and it is
    verified (the guide's PostConfirmation and PreTokenGeneration samples)."""
    found = {name: value for name, value in user.attributes if not name.startswith("dev:")}
    found["cognito:user_status"] = user.status.value
    for alias, flag in (("email", "email_verified"), ("phone_number", "phone_number_verified")):
        if (
            alias in pool.config.alias_attribute_names
            and found.get(flag) == "true"
            and alias in found
        ):
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
