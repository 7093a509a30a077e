"""``GET /oauth2/authorize``, ``GET/POST /login``, ``GET /logout`` and the pages' style sheet:
the HTTP and HTML half of the browser's OAuth 2.0 flow (the rules are ``domain/login.py``'s).

HTML: every page is rendered by :func:`render`, which escapes every value it is given with
``html.escape`` (quotes included) unless the value is :class:`Markup`, which only
:func:`render` itself makes. So nothing a browser or an app sent (a username, a ``state``, an
error's text) reaches a page unescaped, and there is no second way to build one. The templates
are a few fixed strings: a template engine (Jinja2 with autoescape) would do the same at the
cost of a runtime dependency, for five small pages.

Every page: ``Content-Security-Policy`` with ``default-src 'none'`` and only the page's own
style sheet (no script at all, inline or not), forms posting to this server (and the app's
redirect URI, where the answer to a form sends the browser), ``frame-ancestors 'none'`` and
``X-Frame-Options: DENY`` against clickjacking, ``Cache-Control: no-store``. The login
session's cookie is ``HttpOnly``, ``SameSite=Lax``, and ``Secure`` when served over TLS.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping, Sequence
from importlib import resources
from urllib.parse import parse_qsl, urlencode, urlsplit

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
from userpools.http.middleware import note_operation

COOKIE = "userpools-login"
CSS_PATH = "/static/login.css"
_CSS = resources.files("userpools.http").joinpath("static", "login.css").read_bytes()


class Markup(str):
    """HTML that :func:`render` made: inserted as it is."""


def render(template: str, **values: str | Markup | None) -> Markup:
    """``template`` (``string.Template``'s ``$name``) with each value escaped, unless it is
    :class:`Markup`; ``None`` is empty."""
    escaped = {
        name: (value if isinstance(value, Markup) else html.escape(value or "", quote=True))
        for name, value in values.items()
    }
    return Markup(string.Template(template).substitute(escaped))


_LAYOUT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>$title</title>
<link rel="stylesheet" href="$css">
</head>
<body>
<main>
<h1>$title</h1>
$body
</main>
</body>
</html>
"""

_ERROR = """<p class="error" role="alert">$message</p>"""

_SIGN_IN = """$error<form method="post" action="$action">
<input type="hidden" name="csrf" value="$csrf">
<label for="username">Username</label>
<input id="username" name="username" type="text" value="$username" autocomplete="username"
 autocapitalize="none" spellcheck="false" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
"""

_NEW_PASSWORD = """$error<p>Signed in as <strong>$username</strong>. Choose a new password to
continue.</p>
<form method="post" action="$action">
<input type="hidden" name="csrf" value="$csrf">
<label for="new_password">New password</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password"
 required autofocus>
<button type="submit">Set password and sign in</button>
</form>
"""

_PROBLEM = """<p class="error" role="alert">An error was encountered with the requested page.</p>
<p class="detail">Error: <code>$error</code></p>
"""

CSRF_REFUSED = "The form was not sent from this sign-in page, or it has expired. Start again."


def _headers(form_target: str | None = None) -> dict[str, str]:
    extra = ""
    if form_target is not None:
        parts = urlsplit(form_target)
        origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"
        extra = " " + origin
    return {
        "content-security-policy": (
            "default-src 'none'; style-src 'self'; base-uri 'none'; "
            f"form-action 'self'{extra}; frame-ancestors 'none'"
        ),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "no-store",
        "pragma": "no-cache",
    }


def _page(title: str, body: Markup, status: int = 200, form_target: str | None = None) -> Response:
    page = render(_LAYOUT, title=title, css=CSS_PATH, body=body)
    return Response(
        page.encode("utf-8"),
        status_code=status,
        headers=_headers(form_target),
        media_type="text/html; charset=utf-8",
    )


def _problem(error: str, status: int = 400) -> Response:
    return _page("Sign-in error", render(_PROBLEM, error=error), status)


def _query(request: Request) -> dict[str, str]:
    """The query's parameters; one given twice is ``invalid_request`` (RFC 6749 §3.1)."""
    params: dict[str, str] = {}
    for name, value in parse_qsl(request.url.query, keep_blank_values=True):
        if name in params:
            raise PageError("invalid_request")
        params[name] = value
    return params


def _redirect(request: Request, answer: Redirect) -> Response:
    response = RedirectResponse(answer.url, status_code=302, headers=_headers())
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


def _login_page(request: Request, page: Page) -> Response:
    action = f"/login?{urlencode(page.request.query())}"
    error = render(_ERROR, message=page.message) if page.message else Markup("")
    if page.step == "new_password":
        title = "Set a new password"
        body = render(
            _NEW_PASSWORD, error=error, action=action, csrf=page.csrf, username=page.username
        )
    else:
        title = "Sign in"
        body = render(_SIGN_IN, error=error, action=action, csrf=page.csrf, username=page.username)
    status = 400 if page.message else 200
    response = _page(title, body, status, form_target=page.request.redirect_uri)
    _cookie(request, response, page.handle)
    return response


def login_routes(service: LoginService, middleware: Sequence[Middleware]) -> list[Route]:
    """``middleware``: the stack around the routes (request id, access log, body cap)."""

    async def authorize(request: Request) -> Response:
        note_operation(request.scope, "oauth2/authorize")
        try:
            params = _query(request)
            answer = await run_in_threadpool(
                service.authorize, params, request.headers.get("host"), request.cookies.get(COOKIE)
            )
        except PageError as error:
            return _problem(error.error)
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
                return _page("Sign-in error", render(_ERROR, message=CSRF_REFUSED), 403)
            answer = await run_in_threadpool(service.submit, params, host, handle, form)
        except PageError as error:
            return _problem(error.error)
        except RedirectError as error:
            return _redirect(request, error_redirect(error))
        except CsrfRefused:
            return _page("Sign-in error", render(_ERROR, message=CSRF_REFUSED), 403)
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
            return _problem(error.error)
        return _redirect(request, answer)

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
