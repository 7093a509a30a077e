"""An app client's OAuth 2.0 settings, checked as AWS checks them on CreateUserPoolClient and
UpdateUserPoolClient (each rule's source is in docs/oauth.md).

The rules read the request as given, whether or not ``AllowedOAuthFlowsUserPoolClient`` is
true; only that flag decides whether the authorization server's endpoints serve the client.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from userpools.domain import messages
from userpools.domain.errors import InvalidOAuthFlow, InvalidParameter, ScopeDoesNotExist
from userpools.domain.models import ClientSettings, UserPool
from userpools.domain.resource_servers import existing_custom_scopes, split_scope
from userpools.domain.store import Transaction

#: The scopes every pool has ("Scopes, M2M, and API authorization with resource servers").
STANDARD_SCOPES = frozenset(
    {"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"}
)
#: The user pool's own directory: the one identity provider that exists without
#: CreateIdentityProvider.
COGNITO_PROVIDER = "COGNITO"
#: Hosts a callback URL may reach over plain HTTP (CreateUserPoolClient, ``CallbackURLs``).
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def check_oauth(
    tx: Transaction, pool: UserPool, settings: ClientSettings, *, has_secret: bool
) -> None:
    """Raise the error AWS answers for the first rule ``settings`` break; ``has_secret``:
    the client has (or is being given) a client secret."""
    flows = settings.oauth_flows
    scopes = settings.oauth_scopes
    if settings.oauth_enabled and (not flows or not scopes):
        raise InvalidParameter(messages.OAUTH_FLOWS_AND_SCOPES_REQUIRED)
    custom = [s for s in scopes if s not in STANDARD_SCOPES]
    existing = existing_custom_scopes(tx, pool, custom)
    for scope in custom:
        if split_scope(scope) is None or scope not in existing:
            raise ScopeDoesNotExist(messages.SCOPE_DOES_NOT_EXIST.format(scope=scope))
    if "client_credentials" in flows:
        if len(set(flows)) > 1:
            raise InvalidOAuthFlow(messages.CLIENT_CREDENTIALS_WITH_OTHERS)
        if not has_secret:
            raise InvalidOAuthFlow(messages.CLIENT_CREDENTIALS_NO_SECRET)
        for scope in scopes:
            if scope in STANDARD_SCOPES:
                raise InvalidOAuthFlow(
                    messages.CLIENT_CREDENTIALS_STANDARD_SCOPE.format(scope=scope)
                )
    if {"code", "implicit"} & set(flows) and not settings.callback_urls:
        raise InvalidOAuthFlow(messages.CALLBACK_URLS_REQUIRED)
    for member, urls in (
        ("CallbackURLs", settings.callback_urls),
        ("LogoutURLs", settings.logout_urls),
    ):
        for url in urls:
            if not redirect_url_allowed(url):
                raise InvalidParameter(messages.INVALID_REDIRECT_URL.format(member=member, url=url))
    default = settings.default_redirect_uri
    if default is not None:
        if not redirect_url_allowed(default):
            raise InvalidParameter(
                messages.INVALID_REDIRECT_URL.format(member="DefaultRedirectURI", url=default)
            )
        if default not in settings.callback_urls:
            raise InvalidParameter(messages.DEFAULT_REDIRECT_NOT_IN_CALLBACKS)
    for name in settings.identity_providers:
        # No identity provider can be created yet (CreateIdentityProvider is not served), so
        # every name but COGNITO names one that does not exist.
        if name != COGNITO_PROVIDER:
            raise InvalidParameter(messages.PROVIDER_NOT_FOUND.format(name=name, pool_id=pool.id))


def redirect_url_allowed(url: str) -> bool:
    """An absolute URL without a fragment, over HTTPS, or HTTP to a loopback host, or an app
    scheme such as ``myapp://callback`` (CreateUserPoolClient, ``CallbackURLs``)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if not parts.scheme or "#" in url:
        return False
    if parts.scheme == "http":
        return host in LOOPBACK_HOSTS
    if parts.scheme == "https":
        return bool(host)
    return bool(parts.netloc or parts.path)
