"""The browser's side of OAuth 2.0: ``/oauth2/authorize``, the managed login page and
``/logout``, apart from HTTP and HTML.

A browser's visit is a *login session* (:class:`~userpools.domain.models.LoginSession`),
kept in the store under the hash of the handle in its cookie, so that any node answers the
next page. It holds the CSRF token the page's forms must send back, the authorization
request it serves, the challenge in flight (``NEW_PASSWORD_REQUIRED``), and, once the user
has signed in, who and when: for an hour, a later ``/oauth2/authorize`` of the same pool
answers without the page (AWS's managed login keeps a session cookie for an hour; docs/oauth.md),
unless ``prompt=login``.

The page signs in with the sign-in service's own steps (``AuthService.sign_in_on_page``);
the tokens of that sign-in never leave the server: its token family is revoked at once, and
the grant's own tokens (the scopes asked for, the ``nonce``) are made from the code at the
token endpoint, or, for the implicit grant, here.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from userpools.domain import login_mfa
from userpools.domain.authorize import (
    CODE,
    AuthorizeRequest,
    PageError,
    RedirectError,
    browser_client,
    check_request,
    issue_code,
)
from userpools.domain.clients import secret_hash
from userpools.domain.errors import CodeMismatch, DomainError
from userpools.domain.login_mfa import MfaPage
from userpools.domain.models import AppClient, LoginSession, UserPool
from userpools.domain.signin.service import AuthService
from userpools.domain.signin.strategy import Caller, Outcome
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import Grant, TokenIssuer, Tokens, digest, new_secret

#: How long a login session (and its cookie) lasts: AWS's managed login session cookie
#: lasts an hour.
SESSION_SECONDS = 3600
NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"


class CsrfRefused(Exception):
    """The form did not come from this session's page: no session, or a wrong token."""


@dataclass(frozen=True)
class LoginState:
    """A login session's document."""

    csrf: str = field(repr=False)
    request: AuthorizeRequest
    user_key: int | None = None
    auth_time: float | None = None
    challenge: str | None = None
    session: str | None = field(default=None, repr=False)
    username: str | None = None

    def encode(self) -> str:
        return json.dumps(
            {
                "csrf": self.csrf,
                "request": self.request.as_json(),
                "user_key": self.user_key,
                "auth_time": self.auth_time,
                "challenge": self.challenge,
                "session": self.session,
                "username": self.username,
            }
        )

    @classmethod
    def decode(cls, text: str) -> LoginState:
        data = json.loads(text)
        return cls(**{**data, "request": AuthorizeRequest.from_json(data["request"])})


@dataclass(frozen=True)
class Redirect:
    """Send the browser to ``url``; ``handle``: the session cookie to set (``""``: clear it,
    ``None``: leave it)."""

    url: str = field(repr=False)
    handle: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Implicit:
    """The implicit grant's tokens, to be signed after the commit, and its request."""

    grant: Grant = field(repr=False)
    request: AuthorizeRequest


@dataclass(frozen=True)
class Page:
    """Show a login page: ``step`` is ``signin``, ``new_password``, or one of the account
    pages' (``login_accounts.py``); ``message`` a refusal to show; ``handle`` the cookie to
    set."""

    step: str
    csrf: str = field(repr=False)
    request: AuthorizeRequest
    handle: str = field(repr=False)
    message: str | None = None
    username: str | None = None
    #: Not a refusal: what the previous step did ("We sent a code to …").
    notice: str | None = None
    #: An MFA challenge's details: the factors to choose from, the TOTP secret to set up.
    mfa: MfaPage | None = None


def redirect_url(uri: str, response_type: str, values: Mapping[str, str | None]) -> str:
    """``values`` on the redirect URI: in the query for the code grant (keeping the URI's own
    query), in the fragment for the implicit grant (RFC 6749 §4.1.2, §4.2.2)."""
    encoded = urlencode({name: value for name, value in values.items() if value is not None})
    if response_type == CODE:
        return f"{uri}{'&' if '?' in uri else '?'}{encoded}"
    return f"{uri}#{encoded}"


def error_redirect(error: RedirectError) -> Redirect:
    request = error.request
    values = {"error": error.error, "state": request.state}
    return Redirect(redirect_url(request.redirect_uri, request.response_type, values))


class LoginService:
    def __init__(
        self,
        store: Store,
        auth: AuthService,
        tokens: TokenIssuer,
        clock: Callable[[], float],
        login_path: str = "/login",
    ) -> None:
        self._store = store
        self._auth = auth
        self._tokens = tokens
        self._clock = clock
        self._login_path = login_path

    # /oauth2/authorize --------------------------------------------------------------------

    def authorize(
        self, params: Mapping[str, str], host: str | None, handle: str | None
    ) -> Redirect:
        """Where ``/oauth2/authorize`` sends the browser: the error, the grant at once when
        the browser's session has signed in to the pool (and ``prompt`` is not ``login``),
        ``login_required`` for ``prompt=none`` without one, else the login page with the same
        parameters. :class:`PageError` when the app cannot be told."""
        now = self._clock()

        def run(tx: Transaction) -> tuple[Redirect, Implicit | None]:
            try:
                pool, client, request = check_request(tx, params, host)
                state = self._signed_in(tx, pool, handle, now)
                if state is None or request.prompt == "login":
                    if request.prompt == "none":
                        raise RedirectError("login_required", request)
                    login = f"{self._login_path}?{urlencode(request.query())}"
                    return Redirect(login), None
                assert state.user_key is not None and state.auth_time is not None
                return self._grant(tx, pool, client, request, state.user_key, state.auth_time, now)
            except RedirectError as error:
                return error_redirect(error), None

        redirect, grant = self._store.write(run)
        return self._signed(redirect, grant)

    def _signed_in(
        self, tx: Transaction, pool: UserPool, handle: str | None, now: float
    ) -> LoginState | None:
        found = tx.get_login_session(pool, digest(handle)) if handle else None
        if found is None or now > found.expires_at:
            return None
        state = LoginState.decode(found.state)
        return state if state.user_key is not None else None

    def _grant(
        self,
        tx: Transaction,
        pool: UserPool,
        client: AppClient,
        request: AuthorizeRequest,
        user_key: int,
        auth_time: float,
        now: float,
    ) -> tuple[Redirect, Implicit | None]:
        """The code, or the implicit grant's tokens (signed after the commit), for the user."""
        user = tx.get_user(pool, user_key)
        if user is None or not user.enabled:
            raise RedirectError("access_denied", request)
        if request.response_type == CODE:
            code = issue_code(tx, pool, user, request, auth_time, now)
            url = redirect_url(request.redirect_uri, CODE, {"code": code, "state": request.state})
            return Redirect(url), None
        grant = self._tokens.grant(
            tx,
            pool,
            client,
            user,
            now=now,
            scopes=request.scopes,
            nonce=request.nonce,
            auth_time=auth_time,
            refresh=False,
        )
        return Redirect(request.redirect_uri), Implicit(grant, request)

    def _signed(self, redirect: Redirect, implicit: Implicit | None) -> Redirect:
        """The implicit grant's redirect, its tokens in the fragment (the ID token only with
        ``openid``), signed now that the transaction has committed."""
        if implicit is None:
            return redirect
        request = implicit.request
        try:
            tokens = implicit.grant.sign()
        except DomainError:  # a PreTokenGeneration trigger refused or failed
            return error_redirect(RedirectError("server_error", request))
        values = {
            "access_token": tokens.access_token,
            "id_token": tokens.id_token if "openid" in request.scopes else None,
            "token_type": "bearer",  # as AWS's sample of the implicit grant spells it
            "expires_in": str(tokens.expires_in),
            "state": request.state,
        }
        return Redirect(redirect_url(redirect.url, "token", values), redirect.handle)

    # /login -------------------------------------------------------------------------------

    def open(
        self, params: Mapping[str, str], host: str | None, handle: str | None, step: str = "signin"
    ) -> Page:
        """``GET /login`` (or the first page of sign-up or password reset, ``step``): a fresh
        session (new handle, new CSRF token) for the request; the browser's former session,
        if any, is dropped. :class:`PageError` or :class:`RedirectError` as at the
        authorization endpoint."""
        now = self._clock()

        def run(tx: Transaction) -> Page:
            pool, _client, request = check_request(tx, params, host)
            if handle:
                tx.delete_login_session(pool, digest(handle))
            return self._store_page(tx, pool, LoginState(new_secret(), request), now, step)

        return self._store.write(run)

    def submit(
        self,
        params: Mapping[str, str],
        host: str | None,
        handle: str | None,
        form: Mapping[str, str],
    ) -> Page | Redirect:
        """``POST /login``: the CSRF token checked against the session (:class:`CsrfRefused`),
        then the step the session is at: the password, the new password, or an MFA
        challenge (``login_mfa.py``). A wrong code asks again on the same page, as the API
        keeps a code challenge's session after one (RespondToAuthChallenge) and
        VerifySoftwareToken an ``MFA_SETUP``'s; any other refusal of a challenge's answer
        starts the sign-in again."""
        pool, client, state = self.checked(params, host, handle, form)
        assert handle is not None
        caller = Caller(client.client_id, on_page=True)
        username = form.get("username", "") if state.challenge is None else state.username or ""
        parameters = {"USERNAME": username}
        if client.secret is not None:
            parameters["SECRET_HASH"] = secret_hash(client.secret, username, client.client_id)
        try:
            if state.challenge == NEW_PASSWORD_REQUIRED:
                parameters["NEW_PASSWORD"] = form.get("new_password", "")
                outcome = self._auth.respond(caller, state.challenge, parameters, state.session)
            elif state.challenge in login_mfa.ANSWERED:
                try:
                    extra, session = login_mfa.answer(
                        self._store, state.challenge, state.session, form, self._clock()
                    )
                except DomainError as error:
                    if state.challenge != login_mfa.MFA_SETUP:
                        raise
                    # VerifySoftwareToken left the session as it was: try another code.
                    again = login_mfa.MfaPage("mfa_setup", state.session)
                    return self.next_page(
                        pool, state, handle, "mfa_setup", str(error), username, mfa=again
                    )
                parameters.update(extra)
                outcome = self._auth.respond(caller, state.challenge, parameters, session)
            else:
                parameters["PASSWORD"] = form.get("password", "")
                outcome = self._auth.sign_in_on_page(caller, parameters)
        except DomainError as error:
            code_step = login_mfa.CODE_STEPS.get(state.challenge or "")
            if code_step is not None and isinstance(error, CodeMismatch):
                # The session stays open after a wrong code (signin/answers.py): ask again.
                again = login_mfa.MfaPage(code_step, state.session)
                return self.next_page(
                    pool, state, handle, code_step, str(error), username, mfa=again
                )
            step = "new_password" if state.challenge else "signin"
            if state.challenge:  # the challenge's session is used up: start again
                state = replace(state, challenge=None, session=None, username=None)
                step = "signin"
            return self.next_page(pool, state, handle, step, str(error), username)
        return self._after(pool, client, state, handle, outcome, username)

    def session(
        self, tx: Transaction, params: Mapping[str, str], host: str | None, handle: str | None
    ) -> tuple[UserPool, AppClient, LoginState]:
        """The client the page's URL names and the browser's session of it, or
        :class:`CsrfRefused` (no session, another client's, or expired)."""
        try:
            pool, client = browser_client(tx, params.get("client_id"), host)
        except PageError:
            raise CsrfRefused from None
        found = tx.get_login_session(pool, digest(handle)) if handle else None
        if found is None or found.client_id != client.client_id or self._clock() > found.expires_at:
            raise CsrfRefused
        return pool, client, LoginState.decode(found.state)

    def checked(
        self,
        params: Mapping[str, str],
        host: str | None,
        handle: str | None,
        form: Mapping[str, str],
    ) -> tuple[UserPool, AppClient, LoginState]:
        """:meth:`session`, and the form's CSRF token compared with the session's in
        constant time (:class:`CsrfRefused`)."""
        pool, client, state = self._store.read(lambda tx: self.session(tx, params, host, handle))
        if not hmac.compare_digest(state.csrf.encode(), form.get("csrf", "").encode()):
            raise CsrfRefused
        return pool, client, state

    def next_page(
        self,
        pool: UserPool,
        state: LoginState,
        handle: str,
        step: str,
        message: str | None,
        username: str | None,
        notice: str | None = None,
        mfa: MfaPage | None = None,
    ) -> Page:
        """The next page of the session: a new CSRF token and a new handle; the old one is
        worth nothing after."""
        now = self._clock()
        fresh = replace(state, csrf=new_secret())

        def run(tx: Transaction) -> Page:
            tx.delete_login_session(pool, digest(handle))
            return self._store_page(tx, pool, fresh, now, step, message, username, notice, mfa)

        return self._store.write(run)

    def _store_page(
        self,
        tx: Transaction,
        pool: UserPool,
        state: LoginState,
        now: float,
        step: str,
        message: str | None = None,
        username: str | None = None,
        notice: str | None = None,
        mfa: MfaPage | None = None,
    ) -> Page:
        handle = new_secret()
        session = LoginSession(
            handle_hash=digest(handle),
            client_id=state.request.client_id,
            state=state.encode(),
            expires_at=now + SESSION_SECONDS,
        )
        tx.put_login_session(pool, session, now)
        return Page(step, state.csrf, state.request, handle, message, username, notice, mfa)

    def _after(
        self,
        pool: UserPool,
        client: AppClient,
        state: LoginState,
        handle: str,
        outcome: Outcome,
        username: str,
    ) -> Page | Redirect:
        if outcome.tokens is None:
            challenge = outcome.challenge or ""
            shown = login_mfa.page_of(
                self._store,
                challenge,
                outcome.session,
                outcome.parameters,
                username,
                pool.name,
                self._clock(),
            )
            if shown is not None:
                waiting = replace(
                    state, challenge=challenge, session=shown.session, username=username
                )
                return self.next_page(
                    pool, waiting, handle, shown.step, None, username, shown.notice, shown
                )
            if outcome.challenge != NEW_PASSWORD_REQUIRED:
                message = f"This sign-in needs {outcome.challenge}, which this page does not offer."
                return self.next_page(pool, state, handle, "signin", message, username)
            waiting = replace(
                state, challenge=outcome.challenge, session=outcome.session, username=username
            )
            return self.next_page(pool, waiting, handle, "new_password", None, username)
        return self._signed_in_now(pool, client, state, handle, outcome.tokens)

    def _signed_in_now(
        self, pool: UserPool, client: AppClient, state: LoginState, handle: str, tokens: Tokens
    ) -> Redirect:
        """The user passed: the page's own tokens are revoked, the session gets a new handle
        (so a handle seen before sign-in is worth nothing after), and the grant goes back."""
        assert tokens.refresh_token is not None
        now = self._clock()
        refresh_hash = digest(tokens.refresh_token)

        def run(tx: Transaction) -> tuple[Redirect, Implicit | None]:
            family = tx.find_token_family(pool, "token_hash", refresh_hash)
            if family is None:  # revoked or deleted in between
                raise RedirectError("access_denied", state.request)
            tx.revoke_token_family(pool, family.origin_jti, now)
            tx.delete_login_session(pool, digest(handle))
            signed_in = LoginState(
                new_secret(), state.request, user_key=family.user_key, auth_time=family.auth_time
            )
            page = self._store_page(tx, pool, signed_in, now, "done")
            redirect, grant = self._grant(
                tx, pool, client, state.request, family.user_key, family.auth_time, now
            )
            return Redirect(redirect.url, page.handle), grant

        try:
            redirect, grant = self._store.write(run)
        except RedirectError as error:
            return error_redirect(error)
        return self._signed(redirect, grant)

    # /logout ------------------------------------------------------------------------------

    def logout(self, params: Mapping[str, str], host: str | None, handle: str | None) -> Redirect:
        """``GET /logout``: the browser's session ends; then to ``logout_uri`` (one of the
        client's ``LogoutURLs``), or, with ``redirect_uri`` and ``response_type``, to the
        login page again. :class:`PageError` (``redirect_mismatch``) otherwise."""

        def run(tx: Transaction) -> Redirect:
            pool, client = browser_client(tx, params.get("client_id"), host)
            logout_uri = params.get("logout_uri")
            if logout_uri is not None:
                if logout_uri not in client.settings.logout_urls:
                    raise PageError("redirect_mismatch")
                target = logout_uri
            elif params.get("redirect_uri") is not None and params.get("response_type"):
                _pool, _client, request = check_request(tx, params, host)
                target = f"{self._login_path}?{urlencode(request.query())}"
            else:
                raise PageError("redirect_mismatch")
            if handle:
                tx.delete_login_session(pool, digest(handle))
            return Redirect(target, "")

        try:
            return self._store.write(run)
        except RedirectError as error:
            return replace(error_redirect(error), handle="")
