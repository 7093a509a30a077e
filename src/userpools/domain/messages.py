"""User-facing message texts, as AWS words them where known (sources in docs/errors.md)."""

POOL_NOT_FOUND = "User pool {pool_id} does not exist."
RESOURCE_NOT_FOUND = "Resource {arn} does not exist."
TAG_LIMIT = "A user pool can have as many as {limit} tags."
GROUP_NOT_FOUND = "Group not found."
GROUP_EXISTS = "A group with the name {name} already exists."
GROUP_LIMIT = "The user pool has reached its limit of {limit} groups."
USER_GROUP_LIMIT = "The user is already a member of the maximum of {limit} groups."
USER_EXISTS = "User account already exists"
USERNAME_ATTRIBUTE_EXISTS = "An account with the given {attribute} already exists."
ALIAS_EXISTS = "An account with the given email or phone number already exists."
DELETION_PROTECTED = (
    "The user pool cannot be deleted because deletion protection is activated. "
    "Deletion protection must be inactivated first."
)
USERNAME_NOT_EMAIL_OR_PHONE = "Username should be either an email or a phone number."
USERNAME_NOT_EMAIL = "Username should be an email."
USERNAME_NOT_PHONE = "Username should be a phone number."
USERNAME_IS_EMAIL = (
    "Username cannot be of email format, since user pool is configured for email alias."
)
USERNAME_IS_PHONE = (
    "Username cannot be of phone number format, since user pool is configured for "
    "phone number alias."
)
USERNAME_AND_ALIAS = "Only one of AliasAttributes or UsernameAttributes can be set in a User Pool."
SCHEMA_UNKNOWN_ATTRIBUTE = (
    "Attributes did not conform to the schema: Type for attribute {{{name}}} could not be "
    "determined"
)
SCHEMA_IMMUTABLE = (
    "Attributes did not conform to the schema: Cannot modify an immutable attribute: {name}"
)
SCHEMA_BOOLEAN = (
    "Attributes did not conform to the schema: {name}: Attribute must be 'true' or 'false'"
)
SCHEMA_REQUIRED = "Attributes did not conform to the schema: {name}: The attribute is required"
SCHEMA_DUPLICATE = "Attributes did not conform to the schema: Duplicate attribute {name}"
CANNOT_CONFIRM = "User cannot be confirmed. Current status is {status}"
NOT_UNCONFIRMED = "User cannot confirm because user status is not UNCONFIRMED."
RESEND_NOT_ALLOWED = "Resend not possible. {username} status is not FORCE_CHANGE_PASSWORD."
TEMPORARY_PASSWORD_WITH_VALIDITY = (
    "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of "
    "UnusedAccountValidityDays"
)
CUSTOM_ATTRIBUTE_LIMIT = "A user pool can have at most 50 custom attributes."
DUPLICATE_SCHEMA_ATTRIBUTE = "Duplicate attribute in schema: {name}"
CUSTOM_ATTRIBUTE_NO_TYPE = (
    "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."
)
CUSTOM_ATTRIBUTE_REQUIRED = "Required custom attributes are not supported currently."
CUSTOM_ATTRIBUTE_EXISTS = "{name}: Existing attribute already has name {existing}."
STANDARD_ATTRIBUTE_CHANGED = (
    "You can not change AttributeDataType or set developerOnlyAttribute for standard schema "
    "attribute {name}"
)
SCHEMA_CONSTRAINTS_INVALID = "Invalid {kind} for schema attribute {name}"
SCHEMA_STRING_TOO_LONG = "user.{name}: String attributes cannot have a length of more than 2048"
SCHEMA_LENGTHS_REVERSED = "user.{name}: Max length cannot be less than min length."
SCHEMA_VALUES_REVERSED = "user.{name}: Max value cannot be less than min value."
INVALID_PHONE_NUMBER = "Invalid phone number format."
INVALID_READ_ATTRIBUTES = "Invalid read attributes specified while {action} a client"
INVALID_WRITE_ATTRIBUTES = "Invalid write attributes specified while {action} a client"
CLIENT_NOT_FOUND = "User pool client {client_id} does not exist."
CLIENT_LIMIT = "The user pool has reached its limit of {limit} app clients."
CLIENT_SECRET_TWICE = "Cannot set both GenerateSecret and ClientSecret."
CLIENT_HAS_NO_SECRET = "User pool client {client_id} has no client secret."
CLIENT_SECRET_LIMIT = "An app client can have at most {limit} client secrets."
CLIENT_SECRET_NOT_FOUND = "Client secret {secret_id} does not exist."
LAST_CLIENT_SECRET = "You cannot delete the last remaining secret for an app client."
TOKEN_VALIDITY_RANGE = (
    "Invalid range for token validity: {token} must be between {low} and {high} seconds."
)
AUTH_FLOWS_MIXED = (
    "ExplicitAuthFlows cannot combine legacy values (ADMIN_NO_SRP_AUTH, "
    "CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH) with ALLOW_ values."
)
FLOW_NOT_ENABLED = "{flow} flow not enabled for this client"
SECRET_HASH_MISMATCH = "Unable to verify secret hash for client {client_id}"
AUTH_METHOD_NOT_SUPPORTED = "Initiate Auth method not supported."
FLOW_NOT_IMPLEMENTED = "userpools does not implement the {flow} flow"
MISSING_PARAMETER = "Missing required parameter {name}"
INCORRECT_CREDENTIALS = "Incorrect username or password."
USER_DISABLED = "User is disabled."
#: Our own wording: the checks of this user's password in flight did not end in time.
CHECKS_IN_FLIGHT = "Too many password attempts in progress for this user. Try again later."
SESSION_EXPIRED = "Invalid session for the user, session is expired."
SESSION_INVALID = "Invalid session for the user."
TEMPORARY_PASSWORD_EXPIRED = "Temporary password has expired and must be reset by an administrator."
INVALID_SRP_A = "SRP_A is not a valid value."
CHALLENGE_NOT_EXPECTED = "The {challenge} challenge is not expected here."
#: AWS's, measured (github.com/go-to-k/cdkd/issues/1975).
OTP_FACTOR_WITH_MFA = (
    "Only PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA is enabled"
)
#: AWS's (github.com/aws-amplify/amplify-backend/issues/2805).
LITE_TIER_FEATURES = (
    "The following features need to be disabled for the LITE pricing tier configured: {features}"
)
#: Our own wording: AWS requires PASSWORD among the first factors; its message is not known.
PASSWORD_FACTOR_REQUIRED = "AllowedFirstAuthFactors must include PASSWORD."
#: Our own wording (USER_AUTH): an ANSWER that was not among the AvailableChallenges.
CHALLENGE_NOT_AVAILABLE = "The {challenge} challenge is not available for this user."
#: Our own wording: passkeys (WEB_AUTHN) are not kept yet.
WEB_AUTHN_NOT_SUPPORTED = "userpools does not support WEB_AUTHN (passkey) sign-in yet."
REQUIRED_ATTRIBUTE_MISSING = "Invalid attributes given, {name} is missing"
INVALID_REFRESH_TOKEN = "Invalid Refresh Token"
REFRESH_TOKEN_EXPIRED = "Refresh Token has expired"
REFRESH_TOKEN_REVOKED = "Refresh Token has been revoked"
SIGN_UP_NOT_ALLOWED = "SignUp is not permitted for this user pool"
PASSWORD_REQUIRED = "A password is required to sign up in this user pool."
AUTO_VERIFY_OFF = "Cannot resend codes. Auto verification not turned on."
ALREADY_CONFIRMED = "User is already confirmed."
NO_RECOVERY_CHANNEL = (
    "Cannot reset password for the user as there is no registered/verified email or phone_number"
)
RESET_NOT_ALLOWED = "User password cannot be reset in the current state."
CODE_ATTEMPTS_EXCEEDED = "Attempt limit exceeded, please try after some time."
PREVIOUS_PASSWORD_REQUIRED = "PreviousPassword is required to change the password."
TOKEN_REVOCATION_DISABLED = "Token revocation is not enabled for this app client."
NOT_A_REFRESH_TOKEN = "Only refresh tokens can be revoked."
INVALID_CLIENT = "Invalid client credentials."
ATTRIBUTE_NOT_WRITABLE = "A client attempted to write unauthorized attribute"
REQUIRED_ATTRIBUTE_SET = "Cannot modify an already provided {name}"
#: Our own wording: AWS's text for a rotated-out refresh token is not published.
REFRESH_TOKEN_REUSED = "Refresh Token has been rotated and is no longer valid"
#: Our own wording, after SECRET_HASH_MISMATCH: GetTokensFromRefreshToken's ClientSecret.
CLIENT_SECRET_MISMATCH = "Unable to verify client secret for client {client_id}"
USERNAME_CLIENT_NOT_FOUND = "Username/client id combination not found."
#: Our own wording: ForgotPassword in a pool whose AccountRecoverySetting is admin_only.
RECOVERY_ADMIN_ONLY = (
    "Self-service account recovery is not enabled for this user pool; "
    "an administrator must reset the password."
)
#: Our own wording: GetUserAttributeVerificationCode/VerifyUserAttribute for an attribute that
#: is not an email or phone number, or that the user does not have.
NOT_VERIFIABLE = "{name} is not an attribute that can be verified."
NO_ATTRIBUTE_VALUE = "The user has no {name} to verify."

# GET /_userpools/messages (ours: AWS has no such route).
MESSAGES_UNKNOWN_PARAMETER = "Unknown query parameter {name!r}: use pool, to, limit."
MESSAGES_POOL_REQUIRED = "The query parameter pool (a user pool id) is required."
MESSAGES_POOL_INVALID = "The query parameter pool is not a user pool id."
MESSAGES_TO_INVALID = "The query parameter to must be 1 to 2048 characters."
MESSAGES_LIMIT_INVALID = "The query parameter limit must be a number from 1 to {limit}."
TRIGGERS_UNKNOWN_PARAMETER = "Unknown query parameter {name!r}: use pool, limit."

# GET /confirmUser, the link of a CONFIRM_WITH_LINK email (ours).
CONFIRM_LINK_INCOMPLETE = (
    "The link is incomplete: client_id, user_name and confirmation_code are needed."
)
CONFIRM_LINK_DONE = "Your registration has been confirmed."
ADD_ON_NOT_ENABLED = "Advanced security features are not enabled for this user pool."

# MFA (sources in docs/errors.md).
SESSION_USED = "Invalid session for the user, session can only be used once."
MFA_CODE_MISMATCH = "Invalid code or auth state for the user."
TOTP_CODE_MISMATCH = "Invalid code received for user"
TOTP_CODE_REUSED = "Your software token has already been used once."
SOFTWARE_TOKEN_MISMATCH = "Code mismatch and fail enable Software Token MFA"
MFA_ALL_OFF = (
    "Invalid MFA configuration given, can't disable all MFAs with a required or optional "
    "configuration."
)
MFA_NEEDS_SMS = (
    "SMS configuration and Auto verification for phone_number are required when MFA is "
    "required/optional"
)
MFA_OFF_WITH_FACTOR = (
    "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."
)
#: Our own wording: AWS's texts for these are not published.
EMAIL_MFA_TIER = "Email MFA requires the user pool to be in the ESSENTIALS or PLUS tier."
EMAIL_MFA_SENDER = (
    "Email MFA requires EmailConfiguration with EmailSendingAccount set to DEVELOPER."
)
MFA_NO_DELIVERY = "User does not have delivery config set to turn on {factor}"
MFA_TWO_PREFERRED = "Only one MFA method can be set as preferred."
MFA_PREFERRED_DISABLED = "A preferred MFA method must be enabled."
SOFTWARE_TOKEN_NOT_ASSOCIATED = "User has not associated a software token."
MFA_SETUP_NOT_DONE = "The MFA setup is not complete: verify a software token first."
MFA_METHOD_NOT_OFFERED = "The MFA method {answer} is not one the user can choose."
# OAuth 2.0 administration: domains, resource servers, app clients' OAuth settings (issue 14);
# each with its source in docs/oauth.md.
DOMAIN_RESERVED_WORD = "Domain cannot contain reserved word: {word}"
DOMAIN_INVALID_PREFIX = (
    "The domain name contains an invalid character. Domain names can only contain lower-case"
    " letters, numbers, and hyphens. Please enter a different name that follows this format:"
    " ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"
)
DOMAIN_TAKEN = "Domain already associated with another user pool."
#: Our own wording; the quota is AWS's ("Quotas in Amazon Cognito").
CUSTOM_DOMAIN_LIMIT = "The Region has the maximum of {limit} custom domains."
POOL_HAS_DOMAIN = "User pool already has a domain configured."
POOL_DELETE_HAS_DOMAIN = (
    "User pool cannot be deleted. It has a domain configured that should be deleted first."
)
#: Our own wording: a custom domain that is not a host name of two or more labels.
DOMAIN_INVALID_CUSTOM = "The custom domain {domain} is not a valid fully-qualified domain name."
DOMAIN_NOT_FOUND = "No such domain or user pool exists."
#: Our own wording: ManagedLoginVersion is 1 (hosted UI, classic) or 2 (managed login).
MANAGED_LOGIN_VERSION = "ManagedLoginVersion must be 1 or 2."
#: Our own wording: "Managed login requires that your user pool be configured for any feature
#: plan other than Lite" (CreateUserPoolDomain, API reference).
MANAGED_LOGIN_TIER = (
    "Managed login (ManagedLoginVersion 2) is not available in the LITE feature plan."
)
#: Our own wording: CustomDomainConfig on a prefix domain, which has no certificate.
DOMAIN_NOT_CUSTOM = "Domain {domain} is not a custom domain: it takes no CustomDomainConfig."

#: Our own wording (AWS's texts are not published).
RESOURCE_SERVER_NOT_FOUND = "Resource server {identifier} does not exist."
RESOURCE_SERVER_EXISTS = "{identifier} already exists in user pool {pool_id}."
RESOURCE_SERVER_LIMIT = "The user pool has the maximum of {limit} resource servers."
RESOURCE_SERVER_SCOPE_TWICE = "Scope {name} appears more than once."

OAUTH_FLOWS_AND_SCOPES_REQUIRED = (
    "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to"
    " use OAuth flows."
)
SCOPE_DOES_NOT_EXIST = "Invalid scope requested: {scope}"
CLIENT_CREDENTIALS_WITH_OTHERS = (
    "client_credentials flow can not be selected along with code flow or implicit flow."
)
CLIENT_CREDENTIALS_NO_SECRET = (
    "client_credentials flow can not be selected if client does not have a client secret."
)
CLIENT_CREDENTIALS_STANDARD_SCOPE = "{scope} is not supported with client_credentials flow"
CALLBACK_URLS_REQUIRED = "CallbackUrls can not be empty when code flow or implicit flow is selected"
PROVIDER_NOT_FOUND = "The provider {name} does not exist for User Pool {pool_id}"
#: Our own wording: AWS's texts for these are not published.
INVALID_REDIRECT_URL = (
    "Invalid {member}: {url}. A URL must be absolute, have no fragment, and use HTTPS (or"
    " HTTP to localhost, 127.0.0.1 or [::1], or an app scheme such as myapp://)."
)
DEFAULT_REDIRECT_NOT_IN_CALLBACKS = "DefaultRedirectURI must be one of the CallbackURLs."
