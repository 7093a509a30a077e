"""The one error tree of userpools.

Every error a client can see is a :class:`DomainError`. Each class carries the wire code
(the botocore error shape name, which becomes ``__type``) and an HTTP status. The
dispatcher turns them into wire errors in one place; nothing else formats errors.

    DomainError
    ├── InvalidParameter          InvalidParameterException      400
    ├── ResourceNotFound          ResourceNotFoundException      400
    ├── UserNotFound              UserNotFoundException          400
    ├── UsernameExists            UsernameExistsException        400
    ├── GroupExists               GroupExistsException           400
    ├── AliasExists               AliasExistsException           400
    ├── LimitExceeded             LimitExceededException         400
    ├── InvalidPassword           InvalidPasswordException       400
    ├── NotAuthorized             NotAuthorizedException         400
    ├── UnsupportedUserState      UnsupportedUserStateException  400
    ├── UnsupportedOperation      UnsupportedOperationException  400
    ├── UserNotConfirmed          UserNotConfirmedException      400
    ├── PasswordResetRequired     PasswordResetRequiredException 400
    ├── CodeMismatch              CodeMismatchException          400
    ├── ExpiredCode               ExpiredCodeException           400
    ├── Unauthorized              UnauthorizedException          400
    ├── UnsupportedTokenType      UnsupportedTokenTypeException  400
    ├── RefreshTokenReuse         RefreshTokenReuseException     400
    ├── TooManyRequests           TooManyRequestsException       400
    ├── UserPoolAddOnNotEnabled   UserPoolAddOnNotEnabledException 400
    ├── UserLambdaValidation      UserLambdaValidationException  400  (trigger handler failed)
    ├── UnexpectedLambda          UnexpectedLambdaException      400  (trigger not run)
    ├── InvalidLambdaResponse     InvalidLambdaResponseException 400  (trigger output unreadable)
    ├── ScopeDoesNotExist         ScopeDoesNotExistException     400
    ├── InvalidOAuthFlow          InvalidOAuthFlowException      400
    ├── FeatureUnavailableInTier  FeatureUnavailableInTierException 400
    ├── ProtocolError             (not modelled by Cognito; raised by the protocol layer)
    │   ├── MissingAuthenticationToken MissingAuthenticationTokenException 400
    │   ├── IncompleteSignature   IncompleteSignatureException   400
    │   ├── InvalidSignature      InvalidSignatureException      400
    │   ├── UnrecognizedClient    UnrecognizedClientException    400
    │   ├── AccessDenied          AccessDeniedException          400
    │   ├── SerializationError    SerializationException         400
    │   ├── UnknownOperation      UnknownOperationException      400
    │   ├── RequestTooLarge       SerializationException         413
    │   ├── RequestTimeout        RequestTimeout                 408  (the HTTP edge)
    │   └── HeaderTooLarge        RequestHeaderFieldsTooLarge    431  (the HTTP edge)
    ├── ServiceUnavailable        ServiceUnavailable             503  (storage, commit, edge)
    └── InternalError             InternalErrorException         500

Messages are never built from secret values: passwords, tokens, pagination keys and
other ``sensitive`` model values stay out of them.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """Base of every error a client can see."""

    code: ClassVar[str] = "InternalErrorException"
    status: ClassVar[int] = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidParameter(DomainError):
    code = "InvalidParameterException"


class ResourceNotFound(DomainError):
    code = "ResourceNotFoundException"


class UserNotFound(DomainError):
    code = "UserNotFoundException"

    def __init__(self, message: str = "User does not exist.") -> None:
        super().__init__(message)


class UsernameExists(DomainError):
    code = "UsernameExistsException"

    def __init__(self, message: str = "User account already exists") -> None:
        super().__init__(message)


class GroupExists(DomainError):
    code = "GroupExistsException"


class AliasExists(DomainError):
    code = "AliasExistsException"

    def __init__(
        self, message: str = "An account with the given email or phone number already exists."
    ) -> None:
        super().__init__(message)


class LimitExceeded(DomainError):
    code = "LimitExceededException"


class InvalidPassword(DomainError):
    code = "InvalidPasswordException"


class NotAuthorized(DomainError):
    code = "NotAuthorizedException"


class UnsupportedUserState(DomainError):
    code = "UnsupportedUserStateException"


class UnsupportedOperation(DomainError):
    code = "UnsupportedOperationException"


class UserNotConfirmed(DomainError):
    code = "UserNotConfirmedException"

    def __init__(self, message: str = "User is not confirmed.") -> None:
        super().__init__(message)


class PasswordResetRequired(DomainError):
    code = "PasswordResetRequiredException"

    def __init__(self, message: str = "Password reset required for the user") -> None:
        super().__init__(message)


class CodeMismatch(DomainError):
    code = "CodeMismatchException"

    def __init__(
        self, message: str = "Invalid verification code provided, please try again."
    ) -> None:
        super().__init__(message)


class ExpiredCode(DomainError):
    code = "ExpiredCodeException"

    def __init__(
        self, message: str = "Invalid code provided, please request a code again."
    ) -> None:
        super().__init__(message)


class Unauthorized(DomainError):
    code = "UnauthorizedException"


class UnsupportedTokenType(DomainError):
    code = "UnsupportedTokenTypeException"


class RefreshTokenReuse(DomainError):
    code = "RefreshTokenReuseException"


class TooManyRequests(DomainError):
    code = "TooManyRequestsException"

    def __init__(self, message: str = "Rate exceeded") -> None:
        super().__init__(message)


class UserPoolAddOnNotEnabled(DomainError):
    code = "UserPoolAddOnNotEnabledException"


class UserLambdaValidation(DomainError):
    code = "UserLambdaValidationException"


class UnexpectedLambda(DomainError):
    code = "UnexpectedLambdaException"


class InvalidLambdaResponse(DomainError):
    code = "InvalidLambdaResponseException"


class ScopeDoesNotExist(DomainError):
    """An app client names an OAuth scope that is neither standard nor a resource server's."""

    code = "ScopeDoesNotExistException"


class InvalidOAuthFlow(DomainError):
    """An app client's OAuth flows do not fit its other settings."""

    code = "InvalidOAuthFlowException"


class FeatureUnavailableInTier(DomainError):
    """The pool's feature plan (``UserPoolTier``) does not include the feature."""

    code = "FeatureUnavailableInTierException"


class ProtocolError(DomainError):
    """A request that never reached an operation: bad framing, bad JSON, unknown target,
    or a caller the server does not let through."""


class MissingAuthenticationToken(ProtocolError):
    code = "MissingAuthenticationTokenException"

    def __init__(self, message: str = "Missing Authentication Token") -> None:
        super().__init__(message)


class IncompleteSignature(ProtocolError):
    code = "IncompleteSignatureException"


class InvalidSignature(ProtocolError):
    code = "InvalidSignatureException"


class UnrecognizedClient(ProtocolError):
    code = "UnrecognizedClientException"


class AccessDenied(ProtocolError):
    code = "AccessDeniedException"


class SerializationError(ProtocolError):
    code = "SerializationException"


class UnknownOperation(ProtocolError):
    code = "UnknownOperationException"


class RequestTooLarge(ProtocolError):
    code = "SerializationException"
    status = 413


class RequestTimeout(ProtocolError):
    """A request header or body that did not arrive in time (``http/edge.py``)."""

    code = "RequestTimeout"
    status = 408


class HeaderTooLarge(ProtocolError):
    """A request header over the server's total header cap (``http/edge.py``)."""

    code = "RequestHeaderFieldsTooLarge"
    status = 431


class ServiceUnavailable(DomainError):
    """The server cannot serve the call now, for a named cause outside the call: its
    storage is full or failing, the outcome of a commit could not be settled, or the
    server is at its connection cap (``http/edge.py``). Not a bug: nothing half-done is
    kept, and the same call may succeed later. The code and status are AWS's common
    ``ServiceUnavailable`` (503), which SDKs retry with backoff."""

    code = "ServiceUnavailable"
    status = 503


#: Messages of :class:`ServiceUnavailable`, one per cause.
STORAGE_FULL = (
    "The server's storage is full: writes are refused until space is freed; reads still work."
    " Try again later."
)
STORAGE_FAILING = (
    "The server's storage reported an I/O error: the change was not made. Try again later."
)
DATABASE_UNREACHABLE = "The server cannot reach its database right now. Try again later."
COMMIT_UNSETTLED = (
    "The connection to the database was lost while the change was being committed, and"
    " whether it was kept could not be settled. Read before trying again."
)


class InternalError(DomainError):
    code = "InternalErrorException"
    status = 500

    def __init__(self, message: str = "An internal error occurred.") -> None:
        super().__init__(message)


class EnableSoftwareTokenMFA(DomainError):
    code = "EnableSoftwareTokenMFAException"
