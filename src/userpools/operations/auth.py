"""Sign-in: InitiateAuth, RespondToAuthChallenge and their Admin* variants."""

from __future__ import annotations

from typing import cast

from userpools.domain.signin.strategy import Caller, Outcome
from userpools.domain.tokens import Tokens
from userpools.operations.services import Operation, Services
from userpools.protocol.dispatch import RequestContext
from userpools.protocol.shapes import (
    AdminInitiateAuthRequest,
    AdminInitiateAuthResponse,
    AdminRespondToAuthChallengeRequest,
    AdminRespondToAuthChallengeResponse,
    AdminUserGlobalSignOutRequest,
    AdminUserGlobalSignOutResponse,
    AuthenticationResultType,
    ChallengeNameType,
    GetTokensFromRefreshTokenRequest,
    GetTokensFromRefreshTokenResponse,
    GlobalSignOutRequest,
    GlobalSignOutResponse,
    InitiateAuthRequest,
    InitiateAuthResponse,
    RespondToAuthChallengeRequest,
    RespondToAuthChallengeResponse,
    RevokeTokenRequest,
    RevokeTokenResponse,
)


def _result(t: Tokens) -> AuthenticationResultType:
    result: AuthenticationResultType = {
        "AccessToken": t.access_token,
        "ExpiresIn": t.expires_in,
        "TokenType": "Bearer",
    }
    if t.refresh_token is not None:
        result["RefreshToken"] = t.refresh_token
    result["IdToken"] = t.id_token
    return result


def _reply(outcome: Outcome) -> InitiateAuthResponse:
    """The reply of every sign-in step. ``InitiateAuthResponse`` has every member of the
    other three operations' replies, so mypy accepts it as each of them."""
    if outcome.tokens is not None:
        return {"ChallengeParameters": {}, "AuthenticationResult": _result(outcome.tokens)}
    reply: InitiateAuthResponse = {}
    if outcome.challenge is not None:
        # The domain names challenges as the model does.
        reply["ChallengeName"] = cast(ChallengeNameType, outcome.challenge)
    if outcome.session is not None:
        reply["Session"] = outcome.session
    reply["ChallengeParameters"] = dict(outcome.parameters)
    if outcome.available:
        reply["AvailableChallenges"] = [cast(ChallengeNameType, c) for c in outcome.available]
    return reply


def initiate_auth(s: Services, p: InitiateAuthRequest, ctx: RequestContext) -> InitiateAuthResponse:
    caller = Caller(p["ClientId"], client_metadata=p.get("ClientMetadata"))
    parameters = p.get("AuthParameters") or {}
    return _reply(s.auth.initiate(caller, p["AuthFlow"], parameters, p.get("Session")))


def admin_initiate_auth(
    s: Services, p: AdminInitiateAuthRequest, ctx: RequestContext
) -> AdminInitiateAuthResponse:
    caller = Caller(
        p["ClientId"], p["UserPoolId"], ctx.region, client_metadata=p.get("ClientMetadata")
    )
    parameters = p.get("AuthParameters") or {}
    return _reply(s.auth.initiate(caller, p["AuthFlow"], parameters, p.get("Session")))


def respond_to_auth_challenge(
    s: Services, p: RespondToAuthChallengeRequest, ctx: RequestContext
) -> RespondToAuthChallengeResponse:
    caller = Caller(p["ClientId"], client_metadata=p.get("ClientMetadata"))
    outcome = s.auth.respond(
        caller, p["ChallengeName"], p.get("ChallengeResponses") or {}, p.get("Session")
    )
    return _reply(outcome)


def admin_respond_to_auth_challenge(
    s: Services, p: AdminRespondToAuthChallengeRequest, ctx: RequestContext
) -> AdminRespondToAuthChallengeResponse:
    caller = Caller(
        p["ClientId"], p["UserPoolId"], ctx.region, client_metadata=p.get("ClientMetadata")
    )
    outcome = s.auth.respond(
        caller, p["ChallengeName"], p.get("ChallengeResponses") or {}, p.get("Session")
    )
    return _reply(outcome)


def get_tokens_from_refresh_token(
    s: Services, p: GetTokensFromRefreshTokenRequest, ctx: RequestContext
) -> GetTokensFromRefreshTokenResponse:
    tokens = s.auth.get_tokens_from_refresh_token(
        p["ClientId"], p["RefreshToken"], p.get("ClientSecret"), p.get("ClientMetadata")
    )
    return {"AuthenticationResult": _result(tokens)}


def global_sign_out(
    s: Services, p: GlobalSignOutRequest, ctx: RequestContext
) -> GlobalSignOutResponse:
    s.sign_out.global_sign_out(p["AccessToken"])
    return {}


def admin_user_global_sign_out(
    s: Services, p: AdminUserGlobalSignOutRequest, ctx: RequestContext
) -> AdminUserGlobalSignOutResponse:
    s.sign_out.admin_global_sign_out(ctx.region, p["UserPoolId"], p["Username"])
    return {}


def revoke_token(s: Services, p: RevokeTokenRequest, ctx: RequestContext) -> RevokeTokenResponse:
    s.sign_out.revoke_token(p["ClientId"], p["Token"], p.get("ClientSecret"))
    return {}


OPERATIONS: dict[str, Operation] = {
    "InitiateAuth": initiate_auth,
    "AdminInitiateAuth": admin_initiate_auth,
    "RespondToAuthChallenge": respond_to_auth_challenge,
    "AdminRespondToAuthChallenge": admin_respond_to_auth_challenge,
    "GetTokensFromRefreshToken": get_tokens_from_refresh_token,
    "GlobalSignOut": global_sign_out,
    "AdminUserGlobalSignOut": admin_user_global_sign_out,
    "RevokeToken": revoke_token,
}
