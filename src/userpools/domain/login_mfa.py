"""The MFA challenges on the managed login page, apart from HTTP and HTML: which page each
challenge is, and how a page's form answers it.

The challenges are the sign-in service's (``signin/mfa.py``, ``signin/codes.py``), answered
through RespondToAuthChallenge's own steps, so the rules, the lock-out and the wording are the
API's:

- ``SOFTWARE_TOKEN_MFA``, ``SMS_MFA``, ``EMAIL_OTP``: a code form (``SOFTWARE_TOKEN_MFA_CODE``,
  ``SMS_MFA_CODE``, ``EMAIL_OTP_CODE``); for a code sent, where it went, masked.
- ``SELECT_MFA_TYPE``: a choice among ``MFAS_CAN_CHOOSE`` (``ANSWER``).
- ``MFA_SETUP`` with a software token: the page calls AssociateSoftwareToken with the
  challenge's session and shows the secret as text and as an ``otpauth://`` URI (Key URI
  Format, what authenticator apps import); the code form calls VerifySoftwareToken with the
  next session, then answers ``MFA_SETUP``. The secret is shown once and kept nowhere but the
  user's sealed MFA state.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from userpools.domain.signin.mfa import associate_in_session, verify_in_session
from userpools.domain.store import Store

SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA"
SMS_MFA = "SMS_MFA"
EMAIL_OTP = "EMAIL_OTP"
SELECT_MFA_TYPE = "SELECT_MFA_TYPE"
MFA_SETUP = "MFA_SETUP"
#: The code challenges and the page of each.
CODE_STEPS = {SOFTWARE_TOKEN_MFA: "totp", SMS_MFA: "sms", EMAIL_OTP: "email_otp"}
#: The challenges this page answers.
ANSWERED = (*CODE_STEPS, SELECT_MFA_TYPE, MFA_SETUP)


@dataclass(frozen=True)
class MfaPage:
    """What a challenge's page shows: its step, the session it waits on (renewed by
    AssociateSoftwareToken for ``MFA_SETUP``), and its details."""

    step: str
    session: str | None = field(repr=False)
    notice: str | None = None
    options: tuple[str, ...] = ()
    secret: str | None = field(default=None, repr=False)
    otpauth: str | None = field(default=None, repr=False)


def page_of(
    store: Store,
    challenge: str,
    session: str | None,
    parameters: Mapping[str, str],
    username: str,
    pool_name: str,
    now: float,
) -> MfaPage | None:
    """The page of ``challenge``, or ``None`` when this page cannot answer it (an
    ``MFA_SETUP`` that offers no software token)."""
    if challenge in CODE_STEPS:
        destination = parameters.get("CODE_DELIVERY_DESTINATION")
        notice = f"We have sent a code to {destination}." if destination else None
        return MfaPage(CODE_STEPS[challenge], session, notice)
    if challenge == SELECT_MFA_TYPE:
        offered = tuple(json.loads(parameters.get("MFAS_CAN_CHOOSE", "[]")))
        return MfaPage("select_mfa", session, options=offered)
    if challenge == MFA_SETUP and session is not None:
        offered = tuple(json.loads(parameters.get("MFAS_CAN_SETUP", "[]")))
        if SOFTWARE_TOKEN_MFA not in offered:
            return None
        secret, renewed = associate_in_session(store, session, now)
        return MfaPage(
            "mfa_setup", renewed, secret=secret, otpauth=otpauth(secret, username, pool_name)
        )
    return None


def otpauth(secret: str, username: str, issuer: str) -> str:
    """The Key URI Format authenticator apps import: ``otpauth://totp/<issuer>:<account>``
    with the secret, the same ``issuer`` (the pool's name, what the app shows beside the
    account), SHA-1, 6 digits and 30 seconds (what VerifySoftwareToken checks)."""
    account = quote(f"{issuer}:{username}", safe=":@")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": 6, "period": 30}
    )
    return f"otpauth://totp/{account}?{query}"


def answer(
    store: Store,
    challenge: str,
    session: str | None,
    form: Mapping[str, str],
    now: float,
) -> tuple[dict[str, str], str | None]:
    """The challenge responses of a page's form (besides ``USERNAME`` and ``SECRET_HASH``),
    and the session to answer with; for ``MFA_SETUP``, after VerifySoftwareToken proved the
    code (a wrong one raises its ``DomainError`` and leaves the session as it was)."""
    if challenge in CODE_STEPS:
        return {f"{challenge}_CODE": form.get("code", "")}, session
    if challenge == SELECT_MFA_TYPE:
        return {"ANSWER": form.get("mfa", "")}, session
    assert challenge == MFA_SETUP and session is not None
    renewed = verify_in_session(store, session, form.get("code", ""), None, now)
    return {}, renewed
