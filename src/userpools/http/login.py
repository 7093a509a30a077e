"""``GET /oauth2/authorize``, the managed login pages (``/login``, ``/signup``,
``/confirmUser``, ``/forgotPassword``, ``/confirmForgotPassword``), ``GET /logout`` and the
pages' style sheet: the HTTP half of the browser's OAuth 2.0 flow (the rules are
``domain/login.py``'s and ``domain/login_accounts.py``'s, the HTML ``http/pages.py``'s).

The login session's cookie is ``HttpOnly``, ``SameSite=Lax``, and ``Secure`` when served over
TLS; it holds only the session's handle (the store keeps its hash).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from importlib import resources
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from userpools.domain.authorize import PageError, RedirectError
from userpools.domain.login import (
    SESSION_SECONDS,
    CsrfRefused,
    LoginService,
    Page,
    Redirect,
    error_redirect,
)
from userpools.domain.login_accounts import CONFIRM, FORGOT, RESET, SIGN_UP, AccountPages
from userpools.http import pages
from userpools.http.middleware import note_operation
from userpools.http.pages import ACTIONS, CSS_PATH

COOKIE = "userpools-login"
_CSS = resources.files("userpools.http").joinpath("static", "login.css").read_bytes()


def _query(request: Request) -> dict[str, str]:
    """The query's parameters; one given twice is ``invalid_request`` (RFC 6749 §3.1)."""
    params: dict[str, str] = {}
    for name, value in parse_qsl(request.url.query, keep_blank_values=True):
        if name in params:
            raise PageError("invalid_request")
        params[name] = value
    return params


def _redirect(request: Request, answer: Redirect) -> Response:
    response = RedirectResponse(answer.url, status_code=302, headers=pages.headers())
    _cookie(request, response, answer.handle)
    return response


def _cookie(request: Request, response: Response, handle: str | None) -> None:
    if handle is None:
        return
    secure = request.url.scheme == "https"
    if handle == "":
        response.delete_cookie(COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
        return
    response.set_cookie(
        COOKIE,
        handle,
        max_age=SESSION_SECONDS,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def _login_page(request: Request, shown: Page) -> Response:
    response = pages.login_page(shown)
    _cookie(request, response, shown.handle)
    return response


def login_routes(
    service: LoginService, accounts: AccountPages, middleware: Sequence[Middleware]
) -> list[Route]:
    """``middleware``: the stack around the routes (request id, access log, body cap)."""

    async def authorize(request: Request) -> Response:
        note_operation(request.scope, "oauth2/authorize")
        try:
            params = _query(request)
            answer = await run_in_threadpool(
                service.authorize, params, request.headers.get("host"), request.cookies.get(COOKIE)
            )
        except PageError as error:
            return pages.problem(error.error)
        return _redirect(request, answer)

    async def login(request: Request) -> Response:
        note_operation(request.scope, "login")
        host = request.headers.get("host")
        handle = request.cookies.get(COOKIE)
        try:
            params = _query(request)
            if request.method == "GET":
                page = await run_in_threadpool(service.open, params, host, handle)
                return _login_page(request, page)
            form = _form(await request.body())
            if form is None:
                return pages.csrf_refused()
            answer = await run_in_threadpool(service.submit, params, host, handle, form)
        except PageError as error:
            return pages.problem(error.error)
        except RedirectError as error:
            return _redirect(request, error_redirect(error))
        except CsrfRefused:
            return pages.csrf_refused()
        if isinstance(answer, Page):
            return _login_page(request, answer)
        return _redirect(request, answer)

    async def logout(request: Request) -> Response:
        note_operation(request.scope, "logout")
        try:
            params = _query(request)
            answer = await run_in_threadpool(
                service.logout, params, request.headers.get("host"), request.cookies.get(COOKIE)
            )
        except PageError as error:
            return pages.problem(error.error)
        return _redirect(request, answer)

    def account_page(first: str | None, then: str) -> Callable[[Request], Awaitable[Response]]:
        """The handler of an account page: ``GET`` opens ``first`` (a fresh session; only
        sign-up and the forgotten password are pages of their own), ``POST`` answers
        ``then``."""

        async def handle_page(request: Request) -> Response:
            note_operation(request.scope, ACTIONS[then].lstrip("/"))
            host = request.headers.get("host")
            handle = request.cookies.get(COOKIE)
            try:
                params = _query(request)
                if request.method == "GET" and first is not None:
                    shown = await run_in_threadpool(service.open, params, host, handle, first)
                    return _login_page(request, shown)
                form = _form(await request.body())
                if form is None:
                    return pages.csrf_refused()
                shown = await run_in_threadpool(accounts.submit, then, params, host, handle, form)
            except PageError as error:
                return pages.problem(error.error)
            except RedirectError as error:
                return _redirect(request, error_redirect(error))
            except CsrfRefused:
                return pages.csrf_refused()
            return _login_page(request, shown)

        return handle_page

    async def css(_request: Request) -> Response:
        return Response(
            _CSS,
            media_type="text/css; charset=utf-8",
            headers={"cache-control": "public, max-age=3600", "x-content-type-options": "nosniff"},
        )

    return [
        Route("/oauth2/authorize", authorize, methods=["GET"], middleware=middleware),
        Route("/login", login, methods=["GET", "POST"], middleware=middleware),
        Route("/logout", logout, methods=["GET"], middleware=middleware),
        *(
            Route(ACTIONS[then], account_page(first, then), methods=methods, middleware=middleware)
            for first, then, methods in (
                (SIGN_UP, SIGN_UP, ["GET", "POST"]),
                (None, CONFIRM, ["POST"]),
                (FORGOT, FORGOT, ["GET", "POST"]),
                (None, RESET, ["POST"]),
            )
        ),
        Route(CSS_PATH, css, methods=["GET"]),
    ]


def _form(body: bytes) -> Mapping[str, str] | None:
    """The form's fields, the first of each name; ``None`` if it is not UTF-8."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)
    return form
