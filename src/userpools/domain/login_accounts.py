"""The managed login's account pages: sign-up with its confirmation code, and the forgotten
password's reset, apart from HTTP and HTML.

Each form is a step of the browser's login session (``login.py``): its CSRF token is checked
first, and each answer is a new page of the session (a new token, a new handle). The work is
the API's own (``SignUpService``: SignUp, ConfirmSignUp; ``AccountRecoveryService``:
ForgotPassword, ConfirmForgotPassword), with the client's ``SECRET_HASH`` computed by the
page, so the rules, the codes delivered (``/_userpools/messages``, SMTP, the SMS webhook) and
the refusals are the API's, in Cognito's wording. After a confirmation or a reset the user
signs in on the sign-in page (AWS's page signs the user in at once; ours asks for the password
again: it keeps no password between two pages).

The username a code is for is kept in the session (not taken from the second form), so the
code form answers for the account the first form named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from userpools.domain.account_recovery import AccountRecoveryService
from userpools.domain.clients import secret_hash
from userpools.domain.errors import DomainError
from userpools.domain.login import LoginService, Page
from userpools.domain.models import AppClient
from userpools.domain.self_registration import SignUpService
from userpools.domain.verification_codes import CodeDelivery, mask

SIGN_UP = "signup"
CONFIRM = "confirm"
FORGOT = "forgot"
RESET = "reset"
STEPS = (SIGN_UP, CONFIRM, FORGOT, RESET)

CONFIRMED = "Your account is confirmed. Sign in."
CREATED = "Your account is created. Sign in."
PASSWORD_RESET = "Your password has been reset. Sign in."


def sent_to(delivery: CodeDelivery) -> str:
    """Where the code went, masked as AWS masks it."""
    by = "email" if delivery.medium == "EMAIL" else "SMS"
    return f"We have sent a code by {by} to {mask(delivery.medium, delivery.destination)}."


def _hash(client: AppClient, username: str) -> str | None:
    if client.secret is None:
        return None
    return secret_hash(client.secret, username, client.client_id)


class AccountPages:
    def __init__(
        self, login: LoginService, sign_up: SignUpService, recovery: AccountRecoveryService
    ) -> None:
        self._login = login
        self._sign_up = sign_up
        self._recovery = recovery

    def submit(
        self,
        step: str,
        params: Mapping[str, str],
        host: str | None,
        handle: str | None,
        form: Mapping[str, str],
    ) -> Page:
        """The answer to one account form: the next page, or the same one with the refusal.
        :class:`~userpools.domain.login.CsrfRefused` before anything else."""
        pool, client, state = self._login.checked(params, host, handle, form)
        assert handle is not None
        username = form.get("username", "") if step in (SIGN_UP, FORGOT) else state.username or ""
        try:
            if step == SIGN_UP:
                email = form.get("email", "")
                given = [("email", email)] if email else []
                _, delivery, _session = self._sign_up.sign_up(
                    client.client_id,
                    username,
                    form.get("password", ""),
                    given,
                    _hash(client, username),
                )
                if delivery is None:
                    return self._login.next_page(
                        pool, state, handle, "signin", None, username, CREATED
                    )
                waiting = replace(state, username=username)
                return self._login.next_page(
                    pool, waiting, handle, CONFIRM, None, username, sent_to(delivery)
                )
            if step == CONFIRM:
                self._sign_up.confirm_sign_up(
                    client.client_id,
                    username,
                    form.get("code", ""),
                    _hash(client, username),
                    False,
                )
                done = replace(state, username=None)
                return self._login.next_page(
                    pool, done, handle, "signin", None, username, CONFIRMED
                )
            if step == FORGOT:
                delivery = self._recovery.forgot_password(
                    client.client_id, username, _hash(client, username)
                )
                waiting = replace(state, username=username)
                return self._login.next_page(
                    pool, waiting, handle, RESET, None, username, sent_to(delivery)
                )
            self._recovery.confirm_forgot_password(
                client.client_id,
                username,
                form.get("code", ""),
                form.get("new_password", ""),
                _hash(client, username),
            )
            done = replace(state, username=None)
            return self._login.next_page(
                pool, done, handle, "signin", None, username, PASSWORD_RESET
            )
        except DomainError as error:
            return self._login.next_page(pool, state, handle, step, str(error), username)
