"""Sign-in: InitiateAuth, RespondToAuthChallenge and their Admin* variants."""

from __future__ import annotations

from typing import Any

from userpools.domain.signin.strategy import Caller, Outcome
from userpools.operations.services import Services
from userpools.protocol.dispatch import RequestContext


def _reply(outcome: Outcome) -> dict[str, Any]:
    if outcome.tokens is not None:
        t = outcome.tokens
        result = {
            "AccessToken": t.access_token,
            "ExpiresIn": t.expires_in,
            "TokenType": "Bearer",
            "RefreshToken": t.refresh_token,
            "IdToken": t.id_token,
        }
        return {"ChallengeParameters": {}, "AuthenticationResult": result}
    return {
        "ChallengeName": outcome.challenge,
        "Session": outcome.session,
        "ChallengeParameters": dict(outcome.parameters),
    }


def initiate_auth(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    caller = Caller(p["ClientId"])
    return _reply(s.auth.initiate(caller, p["AuthFlow"], p.get("AuthParameters") or {}))


def admin_initiate_auth(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    caller = Caller(p["ClientId"], p["UserPoolId"], ctx.region)
    return _reply(s.auth.initiate(caller, p["AuthFlow"], p.get("AuthParameters") or {}))


def respond_to_auth_challenge(
    s: Services, p: dict[str, Any], ctx: RequestContext
) -> dict[str, Any]:
    caller = Caller(p["ClientId"])
    outcome = s.auth.respond(
        caller, p["ChallengeName"], p.get("ChallengeResponses") or {}, p.get("Session")
    )
    return _reply(outcome)


def admin_respond_to_auth_challenge(
    s: Services, p: dict[str, Any], ctx: RequestContext
) -> dict[str, Any]:
    caller = Caller(p["ClientId"], p["UserPoolId"], ctx.region)
    outcome = s.auth.respond(
        caller, p["ChallengeName"], p.get("ChallengeResponses") or {}, p.get("Session")
    )
    return _reply(outcome)


def global_sign_out(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.accounts.global_sign_out(p["AccessToken"])


def admin_user_global_sign_out(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.accounts.admin_global_sign_out(ctx.region, p["UserPoolId"], p["Username"])


def revoke_token(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.accounts.revoke_token(p["ClientId"], p["Token"], p.get("ClientSecret"))


OPERATIONS = {
    "InitiateAuth": initiate_auth,
    "AdminInitiateAuth": admin_initiate_auth,
    "RespondToAuthChallenge": respond_to_auth_challenge,
    "AdminRespondToAuthChallenge": admin_respond_to_auth_challenge,
    "GlobalSignOut": global_sign_out,
    "AdminUserGlobalSignOut": admin_user_global_sign_out,
    "RevokeToken": revoke_token,
}
