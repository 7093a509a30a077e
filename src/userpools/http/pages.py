"""The HTML of the managed login pages (``http/login.py`` serves them).

Every page is rendered by :func:`render`, which escapes every value it is given with
``html.escape`` (quotes included) unless the value is :class:`Markup`, which only
:func:`render` itself makes. So nothing a browser or an app sent (a username, a ``state``, an
error's text) reaches a page unescaped, and there is no second way to build one. The templates
are fixed strings: a template engine (Jinja2 with autoescape) would do the same at the cost of
a runtime dependency, for a few small pages.

Every page: ``Content-Security-Policy`` with ``default-src 'none'`` and only the page's own
style sheet (no script at all, inline or not), forms posting to this server (and the app's
redirect URI, where the answer to a form sends the browser), ``frame-ancestors 'none'`` and
``X-Frame-Options: DENY`` against clickjacking, ``Cache-Control: no-store``. Accessibility:
``lang``, a label for each field, the first field focused, refusals in ``role="alert"``.
"""

from __future__ import annotations

import html
import string
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from starlette.responses import Response

from userpools.domain.login import Page

CSS_PATH = "/static/login.css"

#: The path each step's form posts to (AWS's names for the pages).
ACTIONS = {
    "signin": "/login",
    "new_password": "/login",
    "signup": "/signup",
    "confirm": "/confirmUser",
    "forgot": "/forgotPassword",
    "reset": "/confirmForgotPassword",
    "totp": "/login",
    "sms": "/login",
    "email_otp": "/login",
    "select_mfa": "/login",
    "mfa_setup": "/login",
}


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

_ERROR = """<p class="error" role="alert">$message</p>
"""
_NOTICE = """<p class="notice" role="status">$message</p>
"""

_FORM = """$error$notice<form method="post" action="$action">
<input type="hidden" name="csrf" value="$csrf">
$fields<button type="submit">$button</button>
</form>
$links"""

_USERNAME = """<label for="username">Username</label>
<input id="username" name="username" type="text" value="$username" autocomplete="username"
 autocapitalize="none" spellcheck="false" required autofocus>
"""
_PASSWORD = """<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="$autocomplete" required>
"""
_EMAIL = """<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required>
"""
_CODE = """<p>Code for <strong>$username</strong>.</p>
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
 required autofocus>
"""
_NEW_PASSWORD = """<label for="new_password">New password</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password"
 required$autofocus>
"""
_FOR_USER = """<p>Signed in as <strong>$username</strong>. Choose a new password to continue.</p>
"""
_LINKS = """<p class="links"><a href="$signup">Create an account</a>
<a href="$forgot">Forgot your password?</a></p>
"""
_BACK = """<p class="links"><a href="$signin">Back to sign in</a></p>
"""

_MFA_CODE = """<p>$intro</p>
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
 required autofocus>
"""
_CHOICES = """<fieldset>
<legend>How do you want to receive your code?</legend>
$choices</fieldset>
"""
_CHOICE = """<label class="choice"><input type="radio" name="mfa" value="$value"$checked>
$name</label>
"""
_SETUP = """<p>Add this key to your authenticator app, then enter the code it shows.</p>
<p class="detail">Key: <code id="secret">$secret</code></p>
<p class="detail">Or open this link on the phone with the app:
<a id="otpauth" href="$otpauth">$otpauth</a></p>
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
 required autofocus>
"""
#: How each factor is named on the page.
FACTORS = {
    "SOFTWARE_TOKEN_MFA": "Authenticator app",
    "SMS_MFA": "Text message (SMS)",
    "EMAIL_OTP": "Email",
}

_PROBLEM = """<p class="error" role="alert">An error was encountered with the requested page.</p>
<p class="detail">Error: <code>$error</code></p>
"""

CSRF_REFUSED = "The form was not sent from this sign-in page, or it has expired. Start again."


def headers(form_target: str | None = None) -> dict[str, str]:
    """The headers of every page; ``form_target``: where answering a form may redirect."""
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


def page(title: str, body: Markup, status: int = 200, form_target: str | None = None) -> Response:
    text = render(_LAYOUT, title=title, css=CSS_PATH, body=body)
    return Response(
        text.encode("utf-8"),
        status_code=status,
        headers=headers(form_target),
        media_type="text/html; charset=utf-8",
    )


def problem(error: str, status: int = 400) -> Response:
    return page("Sign-in error", render(_PROBLEM, error=error), status)


def csrf_refused() -> Response:
    return page("Sign-in error", render(_ERROR, message=CSRF_REFUSED), 403)


def login_page(shown: Page) -> Response:
    """The page of a login session's step, its refusal (HTTP 400) or notice."""
    query = urlencode(shown.request.query())
    link = {step: f"{path}?{query}" for step, path in ACTIONS.items()}
    title, button, fields, links = _STEPS[shown.step](shown)
    body = render(
        _FORM,
        error=render(_ERROR, message=shown.message) if shown.message else Markup(""),
        notice=render(_NOTICE, message=shown.notice) if shown.notice else Markup(""),
        action=link[shown.step],
        csrf=shown.csrf,
        fields=fields,
        button=button,
        links=render(links, signup=link["signup"], forgot=link["forgot"], signin=link["signin"]),
    )
    status = 400 if shown.message else 200
    return page(title, body, status, form_target=shown.request.redirect_uri)


def _sign_in(shown: Page) -> tuple[str, str, Markup, str]:
    user = shown.username
    fields = render(_USERNAME, username=user) + render(_PASSWORD, autocomplete="current-password")
    return "Sign in", "Sign in", Markup(fields), _LINKS


def _new_password(shown: Page) -> tuple[str, str, Markup, str]:
    user = shown.username
    fields = render(_FOR_USER, username=user) + render(_NEW_PASSWORD, autofocus=" autofocus")
    return "Set a new password", "Set password and sign in", Markup(fields), ""


def _sign_up(shown: Page) -> tuple[str, str, Markup, str]:
    user = shown.username
    fields = (
        render(_USERNAME, username=user)
        + render(_EMAIL)
        + render(_PASSWORD, autocomplete="new-password")
    )
    return "Sign up", "Sign up", Markup(fields), _BACK


def _confirm(shown: Page) -> tuple[str, str, Markup, str]:
    user = shown.username
    return "Confirm your account", "Confirm account", render(_CODE, username=user), _BACK


def _forgot(shown: Page) -> tuple[str, str, Markup, str]:
    user = shown.username
    return "Forgot your password?", "Send a code", render(_USERNAME, username=user), _BACK


def _reset(shown: Page) -> tuple[str, str, Markup, str]:
    user = shown.username
    fields = render(_CODE, username=user) + render(_NEW_PASSWORD, autofocus="")
    return "Reset your password", "Change password", Markup(fields), _BACK


def _code(intro: str) -> Callable[[Page], tuple[str, str, Markup, str]]:
    def step(shown: Page) -> tuple[str, str, Markup, str]:
        return "Enter your code", "Sign in", render(_MFA_CODE, intro=intro), ""

    return step


def _select_mfa(shown: Page) -> tuple[str, str, Markup, str]:
    offered = shown.mfa.options if shown.mfa else ()
    choices = Markup(
        "".join(
            render(
                _CHOICE,
                value=factor,
                name=FACTORS.get(factor, factor),
                checked=" checked" if index == 0 else "",
            )
            for index, factor in enumerate(offered)
        )
    )
    return "Choose a sign-in code", "Continue", render(_CHOICES, choices=choices), ""


def _mfa_setup(shown: Page) -> tuple[str, str, Markup, str]:
    if shown.mfa is None or shown.mfa.secret is None:  # a wrong code: the key was shown
        intro = "Enter the code your authenticator app shows for the key you added."
        return "Set up an authenticator app", "Verify", render(_MFA_CODE, intro=intro), ""
    fields = render(_SETUP, secret=shown.mfa.secret, otpauth=shown.mfa.otpauth)
    return "Set up an authenticator app", "Verify", fields, ""


_STEPS: dict[str, Callable[[Page], tuple[str, str, Markup, str]]] = {
    "signin": _sign_in,
    "new_password": _new_password,
    "signup": _sign_up,
    "confirm": _confirm,
    "forgot": _forgot,
    "reset": _reset,
    "totp": _code("Enter the code from your authenticator app."),
    "sms": _code("Enter the code we sent you by text message."),
    "email_otp": _code("Enter the code we sent you by email."),
    "select_mfa": _select_mfa,
    "mfa_setup": _mfa_setup,
}
