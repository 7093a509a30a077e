"""The wire shapes of the botocore ``cognito-idp`` model, as TypedDicts.

Generated, do not edit; regenerate with python tools/gen_shapes.py.

One TypedDict per input, output and nested structure, named as in the model, each after the
structures it refers to (annotations are evaluated, so that ``__required_keys__`` is right
at run time). Members the
model requires are required; the others may be left out, and are never ``None``. Enums are
``Literal`` aliases, timestamps :data:`EpochSeconds` (what the wire carries), blobs base64
text. :data:`PAGINATORS` holds the model's paginator definitions.

This module is generated and long by nature; the 500-line guideline does not apply to it.
"""

from collections.abc import Mapping
from typing import Final, Literal, NamedTuple, NotRequired, TypeAlias, TypedDict

EpochSeconds: TypeAlias = float
"""A timestamp as the wire carries it: seconds since the epoch, to the millisecond."""

AccountTakeoverEventActionType = Literal["BLOCK", "MFA_IF_CONFIGURED", "MFA_REQUIRED", "NO_ACTION"]
AdvancedSecurityEnabledModeType = Literal["AUDIT", "ENFORCED"]
AdvancedSecurityModeType = Literal["OFF", "AUDIT", "ENFORCED"]
AliasAttributeType = Literal["phone_number", "email", "preferred_username"]
AssetCategoryType = Literal[
    "FAVICON_ICO",
    "FAVICON_SVG",
    "EMAIL_GRAPHIC",
    "SMS_GRAPHIC",
    "AUTH_APP_GRAPHIC",
    "PASSWORD_GRAPHIC",
    "PASSKEY_GRAPHIC",
    "PAGE_HEADER_LOGO",
    "PAGE_HEADER_BACKGROUND",
    "PAGE_FOOTER_LOGO",
    "PAGE_FOOTER_BACKGROUND",
    "PAGE_BACKGROUND",
    "FORM_BACKGROUND",
    "FORM_LOGO",
    "IDP_BUTTON_ICON",
]
AssetExtensionType = Literal["ICO", "JPEG", "PNG", "SVG", "WEBP"]
AttributeDataType = Literal["String", "Number", "DateTime", "Boolean"]
AuthFactorType = Literal["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"]
AuthFlowType = Literal[
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
]
ChallengeName = Literal["Password", "Mfa"]
ChallengeNameType = Literal[
    "SMS_MFA",
    "EMAIL_OTP",
    "SOFTWARE_TOKEN_MFA",
    "SELECT_MFA_TYPE",
    "MFA_SETUP",
    "PASSWORD_VERIFIER",
    "CUSTOM_CHALLENGE",
    "SELECT_CHALLENGE",
    "DEVICE_SRP_AUTH",
    "DEVICE_PASSWORD_VERIFIER",
    "ADMIN_NO_SRP_AUTH",
    "NEW_PASSWORD_REQUIRED",
    "SMS_OTP",
    "PASSWORD",
    "WEB_AUTHN",
    "PASSWORD_SRP",
]
ChallengeResponse = Literal["Success", "Failure"]
ColorSchemeModeType = Literal["LIGHT", "DARK", "DYNAMIC"]
CompromisedCredentialsEventActionType = Literal["BLOCK", "NO_ACTION"]
CustomEmailSenderLambdaVersionType = Literal["V1_0"]
CustomSMSSenderLambdaVersionType = Literal["V1_0"]
DefaultEmailOptionType = Literal["CONFIRM_WITH_LINK", "CONFIRM_WITH_CODE"]
DeletionProtectionType = Literal["ACTIVE", "INACTIVE"]
DeliveryMediumType = Literal["SMS", "EMAIL"]
DeviceRememberedStatusType = Literal["remembered", "not_remembered"]
DomainStatusType = Literal["CREATING", "DELETING", "UPDATING", "ACTIVE", "FAILED"]
EmailSendingAccountType = Literal["COGNITO_DEFAULT", "DEVELOPER"]
EventFilterType = Literal["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"]
EventResponseType = Literal["Pass", "Fail", "InProgress"]
EventSourceName = Literal["userNotification", "userAuthEvents"]
EventType = Literal["SignIn", "SignUp", "ForgotPassword", "PasswordChange", "ResendCode"]
ExplicitAuthFlowsType = Literal[
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
]
FeatureType = Literal["ENABLED", "DISABLED"]
FeedbackValueType = Literal["Valid", "Invalid"]
IdentityProviderTypeType = Literal[
    "SAML",
    "Facebook",
    "Google",
    "LoginWithAmazon",
    "SignInWithApple",
    "OIDC",
]
InboundFederationLambdaVersionType = Literal["V1_0"]
LogLevel = Literal["ERROR", "INFO"]
MessageActionType = Literal["RESEND", "SUPPRESS"]
OAuthFlowType = Literal["code", "implicit", "client_credentials"]
PreTokenGenerationLambdaVersionType = Literal["V1_0", "V2_0", "V3_0"]
PreventUserExistenceErrorTypes = Literal["LEGACY", "ENABLED"]
RecoveryOptionNameType = Literal["verified_email", "verified_phone_number", "admin_only"]
RiskDecisionType = Literal["NoRisk", "AccountTakeover", "Block"]
RiskLevelType = Literal["Low", "Medium", "High"]
StatusType = Literal["Enabled", "Disabled"]
TermsEnforcementType = Literal["NONE"]
TermsSourceType = Literal["LINK"]
TimeUnitsType = Literal["seconds", "minutes", "hours", "days"]
UserImportJobStatusType = Literal[
    "Created",
    "Pending",
    "InProgress",
    "Stopping",
    "Expired",
    "Stopped",
    "Failed",
    "Succeeded",
]
UserPoolMfaType = Literal["OFF", "ON", "OPTIONAL"]
UserPoolTierType = Literal["LITE", "ESSENTIALS", "PLUS"]
UserStatusType = Literal[
    "UNCONFIRMED",
    "CONFIRMED",
    "ARCHIVED",
    "COMPROMISED",
    "UNKNOWN",
    "RESET_REQUIRED",
    "FORCE_CHANGE_PASSWORD",
    "EXTERNAL_PROVIDER",
]
UserVerificationType = Literal["required", "preferred"]
UsernameAttributeType = Literal["phone_number", "email"]
VerifiedAttributeType = Literal["phone_number", "email"]
VerifySoftwareTokenResponseType = Literal["SUCCESS", "ERROR"]
WebAuthnFactorConfigurationType = Literal["SINGLE_FACTOR", "MULTI_FACTOR_WITH_USER_VERIFICATION"]


class RecoveryOptionType(TypedDict):
    Priority: int
    Name: RecoveryOptionNameType


class AccountRecoverySettingType(TypedDict):
    RecoveryMechanisms: NotRequired[list[RecoveryOptionType]]


class AccountTakeoverActionType(TypedDict):
    Notify: bool
    EventAction: AccountTakeoverEventActionType


class AccountTakeoverActionsType(TypedDict):
    LowAction: NotRequired[AccountTakeoverActionType]
    MediumAction: NotRequired[AccountTakeoverActionType]
    HighAction: NotRequired[AccountTakeoverActionType]


class NotifyEmailType(TypedDict):
    Subject: str
    HtmlBody: NotRequired[str]
    TextBody: NotRequired[str]


class NotifyConfigurationType(TypedDict):
    From: NotRequired[str]
    ReplyTo: NotRequired[str]
    SourceArn: str
    BlockEmail: NotRequired[NotifyEmailType]
    NoActionEmail: NotRequired[NotifyEmailType]
    MfaEmail: NotRequired[NotifyEmailType]


class AccountTakeoverRiskConfigurationType(TypedDict):
    NotifyConfiguration: NotRequired[NotifyConfigurationType]
    Actions: AccountTakeoverActionsType


class NumberAttributeConstraintsType(TypedDict):
    MinValue: NotRequired[str]
    MaxValue: NotRequired[str]


class StringAttributeConstraintsType(TypedDict):
    MinLength: NotRequired[str]
    MaxLength: NotRequired[str]


class SchemaAttributeType(TypedDict):
    Name: NotRequired[str]
    AttributeDataType: NotRequired[Literal["String", "Number", "DateTime", "Boolean"]]
    DeveloperOnlyAttribute: NotRequired[bool]
    Mutable: NotRequired[bool]
    Required: NotRequired[bool]
    NumberAttributeConstraints: NotRequired[NumberAttributeConstraintsType]
    StringAttributeConstraints: NotRequired[StringAttributeConstraintsType]


class AddCustomAttributesRequest(TypedDict):
    UserPoolId: str
    CustomAttributes: list[SchemaAttributeType]


class AddCustomAttributesResponse(TypedDict):
    pass


class AddUserPoolClientSecretRequest(TypedDict):
    UserPoolId: str
    ClientId: str
    ClientSecret: NotRequired[str]


class ClientSecretDescriptorType(TypedDict):
    ClientSecretId: NotRequired[str]
    ClientSecretValue: NotRequired[str]
    ClientSecretCreateDate: NotRequired[EpochSeconds]


class AddUserPoolClientSecretResponse(TypedDict):
    ClientSecretDescriptor: NotRequired[ClientSecretDescriptorType]


class AdminAddUserToGroupRequest(TypedDict):
    UserPoolId: str
    Username: str
    GroupName: str


class AdminConfirmSignUpRequest(TypedDict):
    UserPoolId: str
    Username: str
    ClientMetadata: NotRequired[dict[str, str]]


class AdminConfirmSignUpResponse(TypedDict):
    pass


class MessageTemplateType(TypedDict):
    SMSMessage: NotRequired[str]
    EmailMessage: NotRequired[str]
    EmailSubject: NotRequired[str]


class AdminCreateUserConfigType(TypedDict):
    AllowAdminCreateUserOnly: NotRequired[bool]
    UnusedAccountValidityDays: NotRequired[int]
    InviteMessageTemplate: NotRequired[MessageTemplateType]


class AttributeType(TypedDict):
    Name: str
    Value: NotRequired[str]


class AdminCreateUserRequest(TypedDict):
    UserPoolId: str
    Username: str
    UserAttributes: NotRequired[list[AttributeType]]
    ValidationData: NotRequired[list[AttributeType]]
    TemporaryPassword: NotRequired[str]
    ForceAliasCreation: NotRequired[bool]
    MessageAction: NotRequired[MessageActionType]
    DesiredDeliveryMediums: NotRequired[list[DeliveryMediumType]]
    ClientMetadata: NotRequired[dict[str, str]]


class MFAOptionType(TypedDict):
    DeliveryMedium: NotRequired[DeliveryMediumType]
    AttributeName: NotRequired[str]


class UserType(TypedDict):
    Username: NotRequired[str]
    Attributes: NotRequired[list[AttributeType]]
    UserCreateDate: NotRequired[EpochSeconds]
    UserLastModifiedDate: NotRequired[EpochSeconds]
    Enabled: NotRequired[bool]
    UserStatus: NotRequired[UserStatusType]
    MFAOptions: NotRequired[list[MFAOptionType]]


class AdminCreateUserResponse(TypedDict):
    User: NotRequired[UserType]


class AdminDeleteUserAttributesRequest(TypedDict):
    UserPoolId: str
    Username: str
    UserAttributeNames: list[str]


class AdminDeleteUserAttributesResponse(TypedDict):
    pass


class AdminDeleteUserRequest(TypedDict):
    UserPoolId: str
    Username: str


class ProviderUserIdentifierType(TypedDict):
    ProviderName: NotRequired[str]
    ProviderAttributeName: NotRequired[str]
    ProviderAttributeValue: NotRequired[str]


class AdminDisableProviderForUserRequest(TypedDict):
    UserPoolId: str
    User: ProviderUserIdentifierType


class AdminDisableProviderForUserResponse(TypedDict):
    pass


class AdminDisableUserRequest(TypedDict):
    UserPoolId: str
    Username: str


class AdminDisableUserResponse(TypedDict):
    pass


class AdminEnableUserRequest(TypedDict):
    UserPoolId: str
    Username: str


class AdminEnableUserResponse(TypedDict):
    pass


class AdminForgetDeviceRequest(TypedDict):
    UserPoolId: str
    Username: str
    DeviceKey: str


class AdminGetDeviceRequest(TypedDict):
    DeviceKey: str
    UserPoolId: str
    Username: str


class DeviceType(TypedDict):
    DeviceKey: NotRequired[str]
    DeviceAttributes: NotRequired[list[AttributeType]]
    DeviceCreateDate: NotRequired[EpochSeconds]
    DeviceLastModifiedDate: NotRequired[EpochSeconds]
    DeviceLastAuthenticatedDate: NotRequired[EpochSeconds]


class AdminGetDeviceResponse(TypedDict):
    Device: DeviceType


class AdminGetUserRequest(TypedDict):
    UserPoolId: str
    Username: str


class AdminGetUserResponse(TypedDict):
    Username: str
    UserAttributes: NotRequired[list[AttributeType]]
    UserCreateDate: NotRequired[EpochSeconds]
    UserLastModifiedDate: NotRequired[EpochSeconds]
    Enabled: NotRequired[bool]
    UserStatus: NotRequired[UserStatusType]
    MFAOptions: NotRequired[list[MFAOptionType]]
    PreferredMfaSetting: NotRequired[str]
    UserMFASettingList: NotRequired[list[str]]


class AnalyticsMetadataType(TypedDict):
    AnalyticsEndpointId: NotRequired[str]


class HttpHeader(TypedDict):
    headerName: NotRequired[str]
    headerValue: NotRequired[str]


class ContextDataType(TypedDict):
    IpAddress: str
    ServerName: str
    ServerPath: str
    HttpHeaders: list[HttpHeader]
    EncodedData: NotRequired[str]


class AdminInitiateAuthRequest(TypedDict):
    UserPoolId: str
    ClientId: str
    AuthFlow: AuthFlowType
    AuthParameters: NotRequired[dict[str, str]]
    ClientMetadata: NotRequired[dict[str, str]]
    AnalyticsMetadata: NotRequired[AnalyticsMetadataType]
    ContextData: NotRequired[ContextDataType]
    Session: NotRequired[str]


class NewDeviceMetadataType(TypedDict):
    DeviceKey: NotRequired[str]
    DeviceGroupKey: NotRequired[str]


class AuthenticationResultType(TypedDict):
    AccessToken: NotRequired[str]
    ExpiresIn: NotRequired[int]
    TokenType: NotRequired[str]
    RefreshToken: NotRequired[str]
    IdToken: NotRequired[str]
    NewDeviceMetadata: NotRequired[NewDeviceMetadataType]


class AdminInitiateAuthResponse(TypedDict):
    ChallengeName: NotRequired[ChallengeNameType]
    Session: NotRequired[str]
    ChallengeParameters: NotRequired[dict[str, str]]
    AuthenticationResult: NotRequired[AuthenticationResultType]
    AvailableChallenges: NotRequired[list[ChallengeNameType]]


class AdminLinkProviderForUserRequest(TypedDict):
    UserPoolId: str
    DestinationUser: ProviderUserIdentifierType
    SourceUser: ProviderUserIdentifierType


class AdminLinkProviderForUserResponse(TypedDict):
    pass


class AdminListDevicesRequest(TypedDict):
    UserPoolId: str
    Username: str
    Limit: NotRequired[int]
    PaginationToken: NotRequired[str]


class AdminListDevicesResponse(TypedDict):
    Devices: NotRequired[list[DeviceType]]
    PaginationToken: NotRequired[str]


class AdminListGroupsForUserRequest(TypedDict):
    Username: str
    UserPoolId: str
    Limit: NotRequired[int]
    NextToken: NotRequired[str]


class GroupType(TypedDict):
    GroupName: NotRequired[str]
    UserPoolId: NotRequired[str]
    Description: NotRequired[str]
    RoleArn: NotRequired[str]
    Precedence: NotRequired[int]
    LastModifiedDate: NotRequired[EpochSeconds]
    CreationDate: NotRequired[EpochSeconds]


class AdminListGroupsForUserResponse(TypedDict):
    Groups: NotRequired[list[GroupType]]
    NextToken: NotRequired[str]


class AdminListUserAuthEventsRequest(TypedDict):
    UserPoolId: str
    Username: str
    MaxResults: NotRequired[int]
    NextToken: NotRequired[str]


class ChallengeResponseType(TypedDict):
    ChallengeName: NotRequired[Literal["Password", "Mfa"]]
    ChallengeResponse: NotRequired[Literal["Success", "Failure"]]


class EventContextDataType(TypedDict):
    IpAddress: NotRequired[str]
    DeviceName: NotRequired[str]
    Timezone: NotRequired[str]
    City: NotRequired[str]
    Country: NotRequired[str]


class EventFeedbackType(TypedDict):
    FeedbackValue: FeedbackValueType
    Provider: str
    FeedbackDate: NotRequired[EpochSeconds]


class EventRiskType(TypedDict):
    RiskDecision: NotRequired[RiskDecisionType]
    RiskLevel: NotRequired[RiskLevelType]
    CompromisedCredentialsDetected: NotRequired[bool]


class AuthEventType(TypedDict):
    EventId: NotRequired[str]
    EventType: NotRequired[
        Literal["SignIn", "SignUp", "ForgotPassword", "PasswordChange", "ResendCode"]
    ]
    CreationDate: NotRequired[EpochSeconds]
    EventResponse: NotRequired[EventResponseType]
    EventRisk: NotRequired[EventRiskType]
    ChallengeResponses: NotRequired[list[ChallengeResponseType]]
    EventContextData: NotRequired[EventContextDataType]
    EventFeedback: NotRequired[EventFeedbackType]


class AdminListUserAuthEventsResponse(TypedDict):
    AuthEvents: NotRequired[list[AuthEventType]]
    NextToken: NotRequired[str]


class AdminRemoveUserFromGroupRequest(TypedDict):
    UserPoolId: str
    Username: str
    GroupName: str


class AdminResetUserPasswordRequest(TypedDict):
    UserPoolId: str
    Username: str
    ClientMetadata: NotRequired[dict[str, str]]


class AdminResetUserPasswordResponse(TypedDict):
    pass


class AdminRespondToAuthChallengeRequest(TypedDict):
    UserPoolId: str
    ClientId: str
    ChallengeName: ChallengeNameType
    ChallengeResponses: NotRequired[dict[str, str]]
    Session: NotRequired[str]
    AnalyticsMetadata: NotRequired[AnalyticsMetadataType]
    ContextData: NotRequired[ContextDataType]
    ClientMetadata: NotRequired[dict[str, str]]


class AdminRespondToAuthChallengeResponse(TypedDict):
    ChallengeName: NotRequired[ChallengeNameType]
    Session: NotRequired[str]
    ChallengeParameters: NotRequired[dict[str, str]]
    AuthenticationResult: NotRequired[AuthenticationResultType]


class EmailMfaSettingsType(TypedDict):
    Enabled: NotRequired[bool]
    PreferredMfa: NotRequired[bool]


class SMSMfaSettingsType(TypedDict):
    Enabled: NotRequired[bool]
    PreferredMfa: NotRequired[bool]


class SoftwareTokenMfaSettingsType(TypedDict):
    Enabled: NotRequired[bool]
    PreferredMfa: NotRequired[bool]


class WebAuthnMfaSettingsType(TypedDict):
    Enabled: NotRequired[bool]


class AdminSetUserMFAPreferenceRequest(TypedDict):
    SMSMfaSettings: NotRequired[SMSMfaSettingsType]
    SoftwareTokenMfaSettings: NotRequired[SoftwareTokenMfaSettingsType]
    EmailMfaSettings: NotRequired[EmailMfaSettingsType]
    WebAuthnMfaSettings: NotRequired[WebAuthnMfaSettingsType]
    Username: str
    UserPoolId: str


class AdminSetUserMFAPreferenceResponse(TypedDict):
    pass


class AdminSetUserPasswordRequest(TypedDict):
    UserPoolId: str
    Username: str
    Password: str
    Permanent: NotRequired[bool]


class AdminSetUserPasswordResponse(TypedDict):
    pass


class AdminSetUserSettingsRequest(TypedDict):
    UserPoolId: str
    Username: str
    MFAOptions: list[MFAOptionType]


class AdminSetUserSettingsResponse(TypedDict):
    pass


class AdminUpdateAuthEventFeedbackRequest(TypedDict):
    UserPoolId: str
    Username: str
    EventId: str
    FeedbackValue: FeedbackValueType


class AdminUpdateAuthEventFeedbackResponse(TypedDict):
    pass


class AdminUpdateDeviceStatusRequest(TypedDict):
    UserPoolId: str
    Username: str
    DeviceKey: str
    DeviceRememberedStatus: NotRequired[DeviceRememberedStatusType]


class AdminUpdateDeviceStatusResponse(TypedDict):
    pass


class AdminUpdateUserAttributesRequest(TypedDict):
    UserPoolId: str
    Username: str
    UserAttributes: list[AttributeType]
    ClientMetadata: NotRequired[dict[str, str]]


class AdminUpdateUserAttributesResponse(TypedDict):
    pass


class AdminUserGlobalSignOutRequest(TypedDict):
    UserPoolId: str
    Username: str


class AdminUserGlobalSignOutResponse(TypedDict):
    pass


class AdvancedSecurityAdditionalFlowsType(TypedDict):
    CustomAuthMode: NotRequired[AdvancedSecurityEnabledModeType]


class AnalyticsConfigurationType(TypedDict):
    ApplicationId: NotRequired[str]
    ApplicationArn: NotRequired[str]
    RoleArn: NotRequired[str]
    ExternalId: NotRequired[str]
    UserDataShared: NotRequired[bool]


class AssetType(TypedDict):
    Category: AssetCategoryType
    ColorMode: ColorSchemeModeType
    Extension: AssetExtensionType
    Bytes: NotRequired[str]
    ResourceId: NotRequired[str]


class AssociateSoftwareTokenRequest(TypedDict):
    AccessToken: NotRequired[str]
    Session: NotRequired[str]


class AssociateSoftwareTokenResponse(TypedDict):
    SecretCode: NotRequired[str]
    Session: NotRequired[str]


class ChangePasswordRequest(TypedDict):
    PreviousPassword: NotRequired[str]
    ProposedPassword: str
    AccessToken: str


class ChangePasswordResponse(TypedDict):
    pass


class CloudWatchLogsConfigurationType(TypedDict):
    LogGroupArn: NotRequired[str]


class CodeDeliveryDetailsType(TypedDict):
    Destination: NotRequired[str]
    DeliveryMedium: NotRequired[DeliveryMediumType]
    AttributeName: NotRequired[str]


class CompleteWebAuthnRegistrationRequest(TypedDict):
    AccessToken: str
    Credential: object


class CompleteWebAuthnRegistrationResponse(TypedDict):
    pass


class CompromisedCredentialsActionsType(TypedDict):
    EventAction: CompromisedCredentialsEventActionType


class CompromisedCredentialsRiskConfigurationType(TypedDict):
    EventFilter: NotRequired[list[EventFilterType]]
    Actions: CompromisedCredentialsActionsType


class DeviceSecretVerifierConfigType(TypedDict):
    PasswordVerifier: NotRequired[str]
    Salt: NotRequired[str]


class ConfirmDeviceRequest(TypedDict):
    AccessToken: str
    DeviceKey: str
    DeviceSecretVerifierConfig: NotRequired[DeviceSecretVerifierConfigType]
    DeviceName: NotRequired[str]


class ConfirmDeviceResponse(TypedDict):
    UserConfirmationNecessary: NotRequired[bool]


class UserContextDataType(TypedDict):
    IpAddress: NotRequired[str]
    EncodedData: NotRequired[str]


class ConfirmForgotPasswordRequest(TypedDict):
    ClientId: str
    SecretHash: NotRequired[str]
    Username: str
    ConfirmationCode: str
    Password: str
    AnalyticsMetadata: NotRequired[AnalyticsMetadataType]
    UserContextData: NotRequired[UserContextDataType]
    ClientMetadata: NotRequired[dict[str, str]]


class ConfirmForgotPasswordResponse(TypedDict):
    pass


class ConfirmSignUpRequest(TypedDict):
    ClientId: str
    SecretHash: NotRequired[str]
    Username: str
    ConfirmationCode: str
    ForceAliasCreation: NotRequired[bool]
    AnalyticsMetadata: NotRequired[AnalyticsMetadataType]
    UserContextData: NotRequired[UserContextDataType]
    ClientMetadata: NotRequired[dict[str, str]]
    Session: NotRequired[str]


class ConfirmSignUpResponse(TypedDict):
    Session: NotRequired[str]


class CreateGroupRequest(TypedDict):
    GroupName: str
    UserPoolId: str
    Description: NotRequired[str]
    RoleArn: NotRequired[str]
    Precedence: NotRequired[int]


class CreateGroupResponse(TypedDict):
    Group: NotRequired[GroupType]


class CreateIdentityProviderRequest(TypedDict):
    UserPoolId: str
    ProviderName: str
    ProviderType: IdentityProviderTypeType
    ProviderDetails: dict[str, str]
    AttributeMapping: NotRequired[dict[str, str]]
    IdpIdentifiers: NotRequired[list[str]]


class IdentityProviderType(TypedDict):
    UserPoolId: NotRequired[str]
    ProviderName: NotRequired[str]
    ProviderType: NotRequired[IdentityProviderTypeType]
    ProviderDetails: NotRequired[dict[str, str]]
    AttributeMapping: NotRequired[dict[str, str]]
    IdpIdentifiers: NotRequired[list[str]]
    LastModifiedDate: NotRequired[EpochSeconds]
    CreationDate: NotRequired[EpochSeconds]


class CreateIdentityProviderResponse(TypedDict):
    IdentityProvider: IdentityProviderType


class CreateManagedLoginBrandingRequest(TypedDict):
    UserPoolId: str
    ClientId: str
    UseCognitoProvidedValues: NotRequired[bool]
    Settings: NotRequired[object]
    Assets: NotRequired[list[AssetType]]


class ManagedLoginBrandingType(TypedDict):
    ManagedLoginBrandingId: NotRequired[str]
    UserPoolId: NotRequired[str]
    UseCognitoProvidedValues: NotRequired[bool]
    Settings: NotRequired[object]
    Assets: NotRequired[list[AssetType]]
    CreationDate: NotRequired[EpochSeconds]
    LastModifiedDate: NotRequired[EpochSeconds]


class CreateManagedLoginBrandingResponse(TypedDict):
    ManagedLoginBranding: NotRequired[ManagedLoginBrandingType]


class ResourceServerScopeType(TypedDict):
    ScopeName: str
    ScopeDescription: str


class CreateResourceServerRequest(TypedDict):
    UserPoolId: str
    Identifier: str
    Name: str
    Scopes: NotRequired[list[ResourceServerScopeType]]


class ResourceServerType(TypedDict):
    UserPoolId: NotRequired[str]
    Identifier: NotRequired[str]
    Name: NotRequired[str]
    Scopes: NotRequired[list[ResourceServerScopeType]]


class CreateResourceServerResponse(TypedDict):
    ResourceServer: ResourceServerType


class CreateTermsRequest(TypedDict):
    UserPoolId: str
    ClientId: str
    TermsName: str
    TermsSource: TermsSourceType
    Enforcement: TermsEnforcementType
    Links: NotRequired[dict[str, str]]


class TermsType(TypedDict):
    TermsId: str
    UserPoolId: str
    ClientId: str
    TermsName: str
    TermsSource: TermsSourceType
    Enforcement: TermsEnforcementType
    Links: dict[str, str]
    CreationDate: EpochSeconds
    LastModifiedDate: EpochSeconds


class CreateTermsResponse(TypedDict):
    Terms: NotRequired[TermsType]


class CreateUserImportJobRequest(TypedDict):
    JobName: str
    UserPoolId: str
    CloudWatchLogsRoleArn: str


class UserImportJobType(TypedDict):
    JobName: NotRequired[str]
    JobId: NotRequired[str]
    UserPoolId: NotRequired[str]
    PreSignedUrl: NotRequired[str]
    CreationDate: NotRequired[EpochSeconds]
    StartDate: NotRequired[EpochSeconds]
    CompletionDate: NotRequired[EpochSeconds]
    Status: NotRequired[UserImportJobStatusType]
    CloudWatchLogsRoleArn: NotRequired[str]
    ImportedUsers: NotRequired[int]
    SkippedUsers: NotRequired[int]
    FailedUsers: NotRequired[int]
    CompletionMessage: NotRequired[str]


class CreateUserImportJobResponse(TypedDict):
    UserImportJob: NotRequired[UserImportJobType]


class RefreshTokenRotationType(TypedDict):
    Feature: FeatureType
    RetryGracePeriodSeconds: NotRequired[int]


class TokenValidityUnitsType(TypedDict):
    AccessToken: NotRequired[TimeUnitsType]
    IdToken: NotRequired[TimeUnitsType]
    RefreshToken: NotRequired[TimeUnitsType]


class CreateUserPoolClientRequest(TypedDict):
    UserPoolId: str
    ClientName: str
    GenerateSecret: NotRequired[bool]
    ClientSecret: NotRequired[str]
    RefreshTokenValidity: NotRequired[int]
    AccessTokenValidity: NotRequired[int]
    IdTokenValidity: NotRequired[int]
    TokenValidityUnits: NotRequired[TokenValidityUnitsType]
    ReadAttributes: NotRequired[list[str]]
    WriteAttributes: NotRequired[list[str]]
    ExplicitAuthFlows: NotRequired[list[ExplicitAuthFlowsType]]
    SupportedIdentityProviders: NotRequired[list[str]]
    CallbackURLs: NotRequired[list[str]]
    LogoutURLs: NotRequired[list[str]]
    DefaultRedirectURI: NotRequired[str]
    AllowedOAuthFlows: NotRequired[list[OAuthFlowType]]
    AllowedOAuthScopes: NotRequired[list[str]]
    AllowedOAuthFlowsUserPoolClient: NotRequired[bool]
    AnalyticsConfiguration: NotRequired[AnalyticsConfigurationType]
    PreventUserExistenceErrors: NotRequired[PreventUserExistenceErrorTypes]
    EnableTokenRevocation: NotRequired[bool]
    EnablePropagateAdditionalUserContextData: NotRequired[bool]
    AuthSessionValidity: NotRequired[int]
    RefreshTokenRotation: NotRequired[RefreshTokenRotationType]


class UserPoolClientType(TypedDict):
    UserPoolId: NotRequired[str]
    ClientName: NotRequired[str]
    ClientId: NotRequired[str]
    ClientSecret: NotRequired[str]
    LastModifiedDate: NotRequired[EpochSeconds]
    CreationDate: NotRequired[EpochSeconds]
    RefreshTokenValidity: NotRequired[int]
    AccessTokenValidity: NotRequired[int]
    IdTokenValidity: NotRequired[int]
    TokenValidityUnits: NotRequired[TokenValidityUnitsType]
    ReadAttributes: NotRequired[list[str]]
    WriteAttributes: NotRequired[list[str]]
    ExplicitAuthFlows: NotRequired[list[ExplicitAuthFlowsType]]
    SupportedIdentityProviders: NotRequired[list[str]]
    CallbackURLs: NotRequired[list[str]]
    LogoutURLs: NotRequired[list[str]]
    DefaultRedirectURI: NotRequired[str]
    AllowedOAuthFlows: NotRequired[list[OAuthFlowType]]
    AllowedOAuthScopes: NotRequired[list[str]]
    AllowedOAuthFlowsUserPoolClient: NotRequired[bool]
    AnalyticsConfiguration: NotRequired[AnalyticsConfigurationType]
    PreventUserExistenceErrors: NotRequired[PreventUserExistenceErrorTypes]
    EnableTokenRevocation: NotRequired[bool]
    EnablePropagateAdditionalUserContextData: NotRequired[bool]
    AuthSessionValidity: NotRequired[int]
    RefreshTokenRotation: NotRequired[RefreshTokenRotationType]


class CreateUserPoolClientResponse(TypedDict):
    UserPoolClient: NotRequired[UserPoolClientType]


class CustomDomainConfigType(TypedDict):
    CertificateArn: str


class CreateUserPoolDomainRequest(TypedDict):
    Domain: str
    UserPoolId: str
    ManagedLoginVersion: NotRequired[int]
    CustomDomainConfig: NotRequired[CustomDomainConfigType]


class CreateUserPoolDomainResponse(TypedDict):
    ManagedLoginVersion: NotRequired[int]
    CloudFrontDomain: NotRequired[str]


class DeviceConfigurationType(TypedDict):
    ChallengeRequiredOnNewDevice: NotRequired[bool]
    DeviceOnlyRememberedOnUserPrompt: NotRequired[bool]


class EmailConfigurationType(TypedDict):
    SourceArn: NotRequired[str]
    ReplyToEmailAddress: NotRequired[str]
    EmailSendingAccount: NotRequired[EmailSendingAccountType]
    From: NotRequired[str]
    ConfigurationSet: NotRequired[str]


class CustomEmailLambdaVersionConfigType(TypedDict):
    LambdaVersion: CustomEmailSenderLambdaVersionType
    LambdaArn: str


class CustomSMSLambdaVersionConfigType(TypedDict):
    LambdaVersion: CustomSMSSenderLambdaVersionType
    LambdaArn: str


class InboundFederationLambdaType(TypedDict):
    LambdaVersion: InboundFederationLambdaVersionType
    LambdaArn: str


class PreTokenGenerationVersionConfigType(TypedDict):
    LambdaVersion: PreTokenGenerationLambdaVersionType
    LambdaArn: str


class LambdaConfigType(TypedDict):
    PreSignUp: NotRequired[str]
    CustomMessage: NotRequired[str]
    PostConfirmation: NotRequired[str]
    PreAuthentication: NotRequired[str]
    PostAuthentication: NotRequired[str]
    DefineAuthChallenge: NotRequired[str]
    CreateAuthChallenge: NotRequired[str]
    VerifyAuthChallengeResponse: NotRequired[str]
    PreTokenGeneration: NotRequired[str]
    UserMigration: NotRequired[str]
    PreTokenGenerationConfig: NotRequired[PreTokenGenerationVersionConfigType]
    CustomSMSSender: NotRequired[CustomSMSLambdaVersionConfigType]
    CustomEmailSender: NotRequired[CustomEmailLambdaVersionConfigType]
    KMSKeyID: NotRequired[str]
    InboundFederation: NotRequired[InboundFederationLambdaType]


class SmsConfigurationType(TypedDict):
    SnsCallerArn: str
    ExternalId: NotRequired[str]
    SnsRegion: NotRequired[str]


class UserAttributeUpdateSettingsType(TypedDict):
    AttributesRequireVerificationBeforeUpdate: NotRequired[list[VerifiedAttributeType]]


class UserPoolAddOnsType(TypedDict):
    AdvancedSecurityMode: AdvancedSecurityModeType
    AdvancedSecurityAdditionalFlows: NotRequired[AdvancedSecurityAdditionalFlowsType]


class PasswordPolicyType(TypedDict):
    MinimumLength: NotRequired[int]
    RequireUppercase: NotRequired[bool]
    RequireLowercase: NotRequired[bool]
    RequireNumbers: NotRequired[bool]
    RequireSymbols: NotRequired[bool]
    PasswordHistorySize: NotRequired[int]
    TemporaryPasswordValidityDays: NotRequired[int]


class SignInPolicyType(TypedDict):
    AllowedFirstAuthFactors: NotRequired[list[AuthFactorType]]


class UserPoolPolicyType(TypedDict):
    PasswordPolicy: NotRequired[PasswordPolicyType]
    SignInPolicy: NotRequired[SignInPolicyType]


class UsernameConfigurationType(TypedDict):
    CaseSensitive: bool


class VerificationMessageTemplateType(TypedDict):
    SmsMessage: NotRequired[str]
    EmailMessage: NotRequired[str]
    EmailSubject: NotRequired[str]
    EmailMessageByLink: NotRequired[str]
    EmailSubjectByLink: NotRequired[str]
    DefaultEmailOption: NotRequired[DefaultEmailOptionType]


class CreateUserPoolRequest(TypedDict):
    PoolName: str
    Policies: NotRequired[UserPoolPolicyType]
    DeletionProtection: NotRequired[DeletionProtectionType]
    LambdaConfig: NotRequired[LambdaConfigType]
    AutoVerifiedAttributes: NotRequired[list[VerifiedAttributeType]]
    AliasAttributes: NotRequired[list[AliasAttributeType]]
    UsernameAttributes: NotRequired[list[UsernameAttributeType]]
    SmsVerificationMessage: NotRequired[str]
    EmailVerificationMessage: NotRequired[str]
    EmailVerificationSubject: NotRequired[str]
    VerificationMessageTemplate: NotRequired[VerificationMessageTemplateType]
    SmsAuthenticationMessage: NotRequired[str]
    MfaConfiguration: NotRequired[UserPoolMfaType]
    UserAttributeUpdateSettings: NotRequired[UserAttributeUpdateSettingsType]
    DeviceConfiguration: NotRequired[DeviceConfigurationType]
    EmailConfiguration: NotRequired[EmailConfigurationType]
    SmsConfiguration: NotRequired[SmsConfigurationType]
    UserPoolTags: NotRequired[dict[str, str]]
    AdminCreateUserConfig: NotRequired[AdminCreateUserConfigType]
    Schema: NotRequired[list[SchemaAttributeType]]
    UserPoolAddOns: NotRequired[UserPoolAddOnsType]
    UsernameConfiguration: NotRequired[UsernameConfigurationType]
    AccountRecoverySetting: NotRequired[AccountRecoverySettingType]
    UserPoolTier: NotRequired[UserPoolTierType]


class UserPoolType(TypedDict):
    Id: NotRequired[str]
    Name: NotRequired[str]
    Policies: NotRequired[UserPoolPolicyType]
    DeletionProtection: NotRequired[DeletionProtectionType]
    LambdaConfig: NotRequired[LambdaConfigType]
    Status: NotRequired[StatusType]
    LastModifiedDate: NotRequired[EpochSeconds]
    CreationDate: NotRequired[EpochSeconds]
    SchemaAttributes: NotRequired[list[SchemaAttributeType]]
    AutoVerifiedAttributes: NotRequired[list[VerifiedAttributeType]]
    AliasAttributes: NotRequired[list[AliasAttributeType]]
    UsernameAttributes: NotRequired[list[UsernameAttributeType]]
    SmsVerificationMessage: NotRequired[str]
    EmailVerificationMessage: NotRequired[str]
    EmailVerificationSubject: NotRequired[str]
    VerificationMessageTemplate: NotRequired[VerificationMessageTemplateType]
    SmsAuthenticationMessage: NotRequired[str]
    UserAttributeUpdateSettings: NotRequired[UserAttributeUpdateSettingsType]
    MfaConfiguration: NotRequired[UserPoolMfaType]
    DeviceConfiguration: NotRequired[DeviceConfigurationType]
    EstimatedNumberOfUsers: NotRequired[int]
    EmailConfiguration: NotRequired[EmailConfigurationType]
    SmsConfiguration: NotRequired[SmsConfigurationType]
    UserPoolTags: NotRequired[dict[str, str]]
    SmsConfigurationFailure: NotRequired[str]
    EmailConfigurationFailure: NotRequired[str]
    Domain: NotRequired[str]
    CustomDomain: NotRequired[str]
    AdminCreateUserConfig: NotRequired[AdminCreateUserConfigType]
    UserPoolAddOns: NotRequired[UserPoolAddOnsType]
    UsernameConfiguration: NotRequired[UsernameConfigurationType]
    Arn: NotRequired[str]
    AccountRecoverySetting: NotRequired[AccountRecoverySettingType]
    UserPoolTier: NotRequired[UserPoolTierType]


class CreateUserPoolResponse(TypedDict):
    UserPool: NotRequired[UserPoolType]


class DeleteGroupRequest(TypedDict):
    GroupName: str
    UserPoolId: str


class DeleteIdentityProviderRequest(TypedDict):
    UserPoolId: str
    ProviderName: str


class DeleteManagedLoginBrandingRequest(TypedDict):
    ManagedLoginBrandingId: str
    UserPoolId: str


class DeleteResourceServerRequest(TypedDict):
    UserPoolId: str
    Identifier: str


class DeleteTermsRequest(TypedDict):
    TermsId: str
    UserPoolId: str


class DeleteUserAttributesRequest(TypedDict):
    UserAttributeNames: list[str]
    AccessToken: str


class DeleteUserAttributesResponse(TypedDict):
    pass


class DeleteUserPoolClientRequest(TypedDict):
    UserPoolId: str
    ClientId: str


class DeleteUserPoolClientSecretRequest(TypedDict):
    UserPoolId: str
    ClientId: str
    ClientSecretId: str


class DeleteUserPoolClientSecretResponse(TypedDict):
    pass


class DeleteUserPoolDomainRequest(TypedDict):
    Domain: str
    UserPoolId: str


class DeleteUserPoolDomainResponse(TypedDict):
    pass


class DeleteUserPoolRequest(TypedDict):
    UserPoolId: str


class DeleteUserRequest(TypedDict):
    AccessToken: str


class DeleteWebAuthnCredentialRequest(TypedDict):
    AccessToken: str
    CredentialId: str


class DeleteWebAuthnCredentialResponse(TypedDict):
    pass


class DescribeIdentityProviderRequest(TypedDict):
    UserPoolId: str
    ProviderName: str


class DescribeIdentityProviderResponse(TypedDict):
    IdentityProvider: IdentityProviderType


class DescribeManagedLoginBrandingByClientRequest(TypedDict):
    UserPoolId: str
    ClientId: str
    ReturnMergedResources: NotRequired[bool]


class DescribeManagedLoginBrandingByClientResponse(TypedDict):
    ManagedLoginBranding: NotRequired[ManagedLoginBrandingType]


class DescribeManagedLoginBrandingRequest(TypedDict):
    UserPoolId: str
    ManagedLoginBrandingId: str
    ReturnMergedResources: NotRequired[bool]


class DescribeManagedLoginBrandingResponse(TypedDict):
    ManagedLoginBranding: NotRequired[ManagedLoginBrandingType]


class DescribeResourceServerRequest(TypedDict):
    UserPoolId: str
    Identifier: str


class DescribeResourceServerResponse(TypedDict):
    ResourceServer: ResourceServerType


class DescribeRiskConfigurationRequest(TypedDict):
    UserPoolId: str
    ClientId: NotRequired[str]


class RiskExceptionConfigurationType(TypedDict):
    BlockedIPRangeList: NotRequired[list[str]]
    SkippedIPRangeList: NotRequired[list[str]]


class RiskConfigurationType(TypedDict):
    UserPoolId: NotRequired[str]
    ClientId: NotRequired[str]
    CompromisedCredentialsRiskConfiguration: NotRequired[
        CompromisedCredentialsRiskConfigurationType
    ]
    AccountTakeoverRiskConfiguration: NotRequired[AccountTakeoverRiskConfigurationType]
    RiskExceptionConfiguration: NotRequired[RiskExceptionConfigurationType]
    LastModifiedDate: NotRequired[EpochSeconds]


class DescribeRiskConfigurationResponse(TypedDict):
    RiskConfiguration: RiskConfigurationType


class DescribeTermsRequest(TypedDict):
    TermsId: str
    UserPoolId: str


class DescribeTermsResponse(TypedDict):
    Terms: NotRequired[TermsType]


class DescribeUserImportJobRequest(TypedDict):
    UserPoolId: str
    JobId: str


class DescribeUserImportJobResponse(TypedDict):
    UserImportJob: NotRequired[UserImportJobType]


class DescribeUserPoolClientRequest(TypedDict):
    UserPoolId: str
    ClientId: str


class DescribeUserPoolClientResponse(TypedDict):
    UserPoolClient: NotRequired[UserPoolClientType]


class DescribeUserPoolDomainRequest(TypedDict):
    Domain: str


class DomainDescriptionType(TypedDict):
    UserPoolId: NotRequired[str]
    AWSAccountId: NotRequired[str]
    Domain: NotRequired[str]
    S3Bucket: NotRequired[str]
    CloudFrontDistribution: NotRequired[str]
    Version: NotRequired[str]
    Status: NotRequired[DomainStatusType]
    CustomDomainConfig: NotRequired[CustomDomainConfigType]
    ManagedLoginVersion: NotRequired[int]


class DescribeUserPoolDomainResponse(TypedDict):
    DomainDescription: NotRequired[DomainDescriptionType]


class DescribeUserPoolRequest(TypedDict):
    UserPoolId: str


class DescribeUserPoolResponse(TypedDict):
    UserPool: NotRequired[UserPoolType]


class EmailMfaConfigType(TypedDict):
    Message: NotRequired[str]
    Subject: NotRequired[str]


class FirehoseConfigurationType(TypedDict):
    StreamArn: NotRequired[str]


class ForgetDeviceRequest(TypedDict):
    AccessToken: NotRequired[str]
    DeviceKey: str


class ForgotPasswordRequest(TypedDict):
    ClientId: str
    SecretHash: NotRequired[str]
    UserContextData: NotRequired[UserContextDataType]
    Username: str
    AnalyticsMetadata: NotRequired[AnalyticsMetadataType]
    ClientMetadata: NotRequired[dict[str, str]]


class ForgotPasswordResponse(TypedDict):
    CodeDeliveryDetails: NotRequired[CodeDeliveryDetailsType]


class GetCSVHeaderRequest(TypedDict):
    UserPoolId: str


class GetCSVHeaderResponse(TypedDict):
    UserPoolId: NotRequired[str]
    CSVHeader: NotRequired[list[str]]


class GetDeviceRequest(TypedDict):
    DeviceKey: str
    AccessToken: NotRequired[str]


class GetDeviceResponse(TypedDict):
    Device: DeviceType


class GetGroupRequest(TypedDict):
    GroupName: str
    UserPoolId: str


class GetGroupResponse(TypedDict):
    Group: NotRequired[GroupType]


class GetIdentityProviderByIdentifierRequest(TypedDict):
    UserPoolId: str
    IdpIdentifier: str


class GetIdentityProviderByIdentifierResponse(TypedDict):
    IdentityProvider: IdentityProviderType


class GetLogDeliveryConfigurationRequest(TypedDict):
    UserPoolId: str


class S3ConfigurationType(TypedDict):
    BucketArn: NotRequired[str]


class LogConfigurationType(TypedDict):
    LogLevel: Literal["ERROR", "INFO"]
    EventSource: EventSourceName
    CloudWatchLogsConfiguration: NotRequired[CloudWatchLogsConfigurationType]
    S3Configuration: NotRequired[S3ConfigurationType]
    FirehoseConfiguration: NotRequired[FirehoseConfigurationType]


class LogDeliveryConfigurationType(TypedDict):
    UserPoolId: str
    LogConfigurations: list[LogConfigurationType]


class GetLogDeliveryConfigurationResponse(TypedDict):
    LogDeliveryConfiguration: NotRequired[LogDeliveryConfigurationType]


class GetSigningCertificateRequest(TypedDict):
    UserPoolId: str


class GetSigningCertificateResponse(TypedDict):
    Certificate: NotRequired[str]


class GetTokensFromRefreshTokenRequest(TypedDict):
    RefreshToken: str
    ClientId: str
    ClientSecret: NotRequired[str]
    DeviceKey: NotRequired[str]
    ClientMetadata: NotRequired[dict[str, str]]


class GetTokensFromRefreshTokenResponse(TypedDict):
    AuthenticationResult: NotRequired[AuthenticationResultType]


class GetUICustomizationRequest(TypedDict):
    UserPoolId: str
    ClientId: NotRequired[str]


class UICustomizationType(TypedDict):
    UserPoolId: NotRequired[str]
    ClientId: NotRequired[str]
    ImageUrl: NotRequired[str]
    CSS: NotRequired[str]
    CSSVersion: NotRequired[str]
    LastModifiedDate: NotRequired[EpochSeconds]
    CreationDate: NotRequired[EpochSeconds]


class GetUICustomizationResponse(TypedDict):
    UICustomization: UICustomizationType


class GetUserAttributeVerificationCodeRequest(TypedDict):
    AccessToken: str
    AttributeName: str
    ClientMetadata: NotRequired[dict[str, str]]


class GetUserAttributeVerificationCodeResponse(TypedDict):
    CodeDeliveryDetails: NotRequired[CodeDeliveryDetailsType]


class GetUserAuthFactorsRequest(TypedDict):
    AccessToken: str


class GetUserAuthFactorsResponse(TypedDict):
    Username: str
    PreferredMfaSetting: NotRequired[str]
    UserMFASettingList: NotRequired[list[str]]
    ConfiguredUserAuthFactors: NotRequired[list[AuthFactorType]]


class GetUserPoolMfaConfigRequest(TypedDict):
    UserPoolId: str


class SmsMfaConfigType(TypedDict):
    SmsAuthenticationMessage: NotRequired[str]
    SmsConfiguration: NotRequired[SmsConfigurationType]


class SoftwareTokenMfaConfigType(TypedDict):
    Enabled: NotRequired[bool]


class WebAuthnConfigurationType(TypedDict):
    RelyingPartyId: NotRequired[str]
    UserVerification: NotRequired[UserVerificationType]
    FactorConfiguration: NotRequired[WebAuthnFactorConfigurationType]


class GetUserPoolMfaConfigResponse(TypedDict):
    SmsMfaConfiguration: NotRequired[SmsMfaConfigType]
    SoftwareTokenMfaConfiguration: NotRequired[SoftwareTokenMfaConfigType]
    EmailMfaConfiguration: NotRequired[EmailMfaConfigType]
    MfaConfiguration: NotRequired[UserPoolMfaType]
    WebAuthnConfiguration: NotRequired[WebAuthnConfigurationType]


class GetUserRequest(TypedDict):
    AccessToken: str


class GetUserResponse(TypedDict):
    Username: str
    UserAttributes: list[AttributeType]
    MFAOptions: NotRequired[list[MFAOptionType]]
    PreferredMfaSetting: NotRequired[str]
    UserMFASettingList: NotRequired[list[str]]


class GlobalSignOutRequest(TypedDict):
    AccessToken: str


class GlobalSignOutResponse(TypedDict):
    pass


class InitiateAuthRequest(TypedDict):
    AuthFlow: AuthFlowType
    AuthParameters: NotRequired[dict[str, str]]
    ClientMetadata: NotRequired[dict[str, str]]
    ClientId: str
    AnalyticsMetadata: NotRequired[AnalyticsMetadataType]
    UserContextData: NotRequired[UserContextDataType]
    Session: NotRequired[str]


class InitiateAuthResponse(TypedDict):
    ChallengeName: NotRequired[ChallengeNameType]
    Session: NotRequired[str]
    ChallengeParameters: NotRequired[dict[str, str]]
    AuthenticationResult: NotRequired[AuthenticationResultType]
    AvailableChallenges: NotRequired[list[ChallengeNameType]]


class ListDevicesRequest(TypedDict):
    AccessToken: str
    Limit: NotRequired[int]
    PaginationToken: NotRequired[str]


class ListDevicesResponse(TypedDict):
    Devices: NotRequired[list[DeviceType]]
    PaginationToken: NotRequired[str]


class ListGroupsRequest(TypedDict):
    UserPoolId: str
    Limit: NotRequired[int]
    NextToken: NotRequired[str]


class ListGroupsResponse(TypedDict):
    Groups: NotRequired[list[GroupType]]
    NextToken: NotRequired[str]


class ListIdentityProvidersRequest(TypedDict):
    UserPoolId: str
    MaxResults: NotRequired[int]
    NextToken: NotRequired[str]


class ProviderDescription(TypedDict):
    ProviderName: NotRequired[str]
    ProviderType: NotRequired[IdentityProviderTypeType]
    LastModifiedDate: NotRequired[EpochSeconds]
    CreationDate: NotRequired[EpochSeconds]


class ListIdentityProvidersResponse(TypedDict):
    Providers: list[ProviderDescription]
    NextToken: NotRequired[str]


class ListResourceServersRequest(TypedDict):
    UserPoolId: str
    MaxResults: NotRequired[int]
    NextToken: NotRequired[str]


class ListResourceServersResponse(TypedDict):
    ResourceServers: list[ResourceServerType]
    NextToken: NotRequired[str]


class ListTagsForResourceRequest(TypedDict):
    ResourceArn: str


class ListTagsForResourceResponse(TypedDict):
    Tags: NotRequired[dict[str, str]]


class ListTermsRequest(TypedDict):
    UserPoolId: str
    MaxResults: NotRequired[int]
    NextToken: NotRequired[str]


class TermsDescriptionType(TypedDict):
    TermsId: str
    TermsName: str
    Enforcement: TermsEnforcementType
    CreationDate: EpochSeconds
    LastModifiedDate: EpochSeconds


class ListTermsResponse(TypedDict):
    Terms: list[TermsDescriptionType]
    NextToken: NotRequired[str]


class ListUserImportJobsRequest(TypedDict):
    UserPoolId: str
    MaxResults: int
    PaginationToken: NotRequired[str]


class ListUserImportJobsResponse(TypedDict):
    UserImportJobs: NotRequired[list[UserImportJobType]]
    PaginationToken: NotRequired[str]


class ListUserPoolClientSecretsRequest(TypedDict):
    UserPoolId: str
    ClientId: str
    NextToken: NotRequired[str]


class ListUserPoolClientSecretsResponse(TypedDict):
    ClientSecrets: NotRequired[list[ClientSecretDescriptorType]]
    NextToken: NotRequired[str]


class ListUserPoolClientsRequest(TypedDict):
    UserPoolId: str
    MaxResults: NotRequired[int]
    NextToken: NotRequired[str]


class UserPoolClientDescription(TypedDict):
    ClientId: NotRequired[str]
    UserPoolId: NotRequired[str]
    ClientName: NotRequired[str]


class ListUserPoolClientsResponse(TypedDict):
    UserPoolClients: NotRequired[list[UserPoolClientDescription]]
    NextToken: NotRequired[str]


class ListUserPoolsRequest(TypedDict):
    NextToken: NotRequired[str]
    MaxResults: int


class UserPoolDescriptionType(TypedDict):
    Id: NotRequired[str]
    Name: NotRequired[str]
    LambdaConfig: NotRequired[LambdaConfigType]
    Status: NotRequired[StatusType]
    LastModifiedDate: NotRequired[EpochSeconds]
    CreationDate: NotRequired[EpochSeconds]


class ListUserPoolsResponse(TypedDict):
    UserPools: NotRequired[list[UserPoolDescriptionType]]
    NextToken: NotRequired[str]


class ListUsersInGroupRequest(TypedDict):
    UserPoolId: str
    GroupName: str
    Limit: NotRequired[int]
    NextToken: NotRequired[str]


class ListUsersInGroupResponse(TypedDict):
    Users: NotRequired[list[UserType]]
    NextToken: NotRequired[str]


class ListUsersRequest(TypedDict):
    UserPoolId: str
    AttributesToGet: NotRequired[list[str]]
    Limit: NotRequired[int]
    PaginationToken: NotRequired[str]
    Filter: NotRequired[str]


class ListUsersResponse(TypedDict):
    Users: NotRequired[list[UserType]]
    PaginationToken: NotRequired[str]


class ListWebAuthnCredentialsRequest(TypedDict):
    AccessToken: str
    NextToken: NotRequired[str]
    MaxResults: NotRequired[int]


class WebAuthnCredentialDescription(TypedDict):
    CredentialId: str
    FriendlyCredentialName: str
    RelyingPartyId: str
    AuthenticatorAttachment: NotRequired[str]
    AuthenticatorTransports: list[str]
    CreatedAt: EpochSeconds


class ListWebAuthnCredentialsResponse(TypedDict):
    Credentials: list[WebAuthnCredentialDescription]
    NextToken: NotRequired[str]


class ResendConfirmationCodeRequest(TypedDict):
    ClientId: str
    SecretHash: NotRequired[str]
    UserContextData: NotRequired[UserContextDataType]
    Username: str
    AnalyticsMetadata: NotRequired[AnalyticsMetadataType]
    ClientMetadata: NotRequired[dict[str, str]]


class ResendConfirmationCodeResponse(TypedDict):
    CodeDeliveryDetails: NotRequired[CodeDeliveryDetailsType]


class RespondToAuthChallengeRequest(TypedDict):
    ClientId: str
    ChallengeName: ChallengeNameType
    Session: NotRequired[str]
    ChallengeResponses: NotRequired[dict[str, str]]
    AnalyticsMetadata: NotRequired[AnalyticsMetadataType]
    UserContextData: NotRequired[UserContextDataType]
    ClientMetadata: NotRequired[dict[str, str]]


class RespondToAuthChallengeResponse(TypedDict):
    ChallengeName: NotRequired[ChallengeNameType]
    Session: NotRequired[str]
    ChallengeParameters: NotRequired[dict[str, str]]
    AuthenticationResult: NotRequired[AuthenticationResultType]


class RevokeTokenRequest(TypedDict):
    Token: str
    ClientId: str
    ClientSecret: NotRequired[str]


class RevokeTokenResponse(TypedDict):
    pass


class SetLogDeliveryConfigurationRequest(TypedDict):
    UserPoolId: str
    LogConfigurations: list[LogConfigurationType]


class SetLogDeliveryConfigurationResponse(TypedDict):
    LogDeliveryConfiguration: NotRequired[LogDeliveryConfigurationType]


class SetRiskConfigurationRequest(TypedDict):
    UserPoolId: str
    ClientId: NotRequired[str]
    CompromisedCredentialsRiskConfiguration: NotRequired[
        CompromisedCredentialsRiskConfigurationType
    ]
    AccountTakeoverRiskConfiguration: NotRequired[AccountTakeoverRiskConfigurationType]
    RiskExceptionConfiguration: NotRequired[RiskExceptionConfigurationType]


class SetRiskConfigurationResponse(TypedDict):
    RiskConfiguration: RiskConfigurationType


class SetUICustomizationRequest(TypedDict):
    UserPoolId: str
    ClientId: NotRequired[str]
    CSS: NotRequired[str]
    ImageFile: NotRequired[str]


class SetUICustomizationResponse(TypedDict):
    UICustomization: UICustomizationType


class SetUserMFAPreferenceRequest(TypedDict):
    SMSMfaSettings: NotRequired[SMSMfaSettingsType]
    SoftwareTokenMfaSettings: NotRequired[SoftwareTokenMfaSettingsType]
    EmailMfaSettings: NotRequired[EmailMfaSettingsType]
    WebAuthnMfaSettings: NotRequired[WebAuthnMfaSettingsType]
    AccessToken: str


class SetUserMFAPreferenceResponse(TypedDict):
    pass


class SetUserPoolMfaConfigRequest(TypedDict):
    UserPoolId: str
    SmsMfaConfiguration: NotRequired[SmsMfaConfigType]
    SoftwareTokenMfaConfiguration: NotRequired[SoftwareTokenMfaConfigType]
    EmailMfaConfiguration: NotRequired[EmailMfaConfigType]
    MfaConfiguration: NotRequired[UserPoolMfaType]
    WebAuthnConfiguration: NotRequired[WebAuthnConfigurationType]


class SetUserPoolMfaConfigResponse(TypedDict):
    SmsMfaConfiguration: NotRequired[SmsMfaConfigType]
    SoftwareTokenMfaConfiguration: NotRequired[SoftwareTokenMfaConfigType]
    EmailMfaConfiguration: NotRequired[EmailMfaConfigType]
    MfaConfiguration: NotRequired[UserPoolMfaType]
    WebAuthnConfiguration: NotRequired[WebAuthnConfigurationType]


class SetUserSettingsRequest(TypedDict):
    AccessToken: str
    MFAOptions: list[MFAOptionType]


class SetUserSettingsResponse(TypedDict):
    pass


class SignUpRequest(TypedDict):
    ClientId: str
    SecretHash: NotRequired[str]
    Username: str
    Password: NotRequired[str]
    UserAttributes: NotRequired[list[AttributeType]]
    ValidationData: NotRequired[list[AttributeType]]
    AnalyticsMetadata: NotRequired[AnalyticsMetadataType]
    UserContextData: NotRequired[UserContextDataType]
    ClientMetadata: NotRequired[dict[str, str]]


class SignUpResponse(TypedDict):
    UserConfirmed: bool
    CodeDeliveryDetails: NotRequired[CodeDeliveryDetailsType]
    UserSub: str
    Session: NotRequired[str]


class StartUserImportJobRequest(TypedDict):
    UserPoolId: str
    JobId: str


class StartUserImportJobResponse(TypedDict):
    UserImportJob: NotRequired[UserImportJobType]


class StartWebAuthnRegistrationRequest(TypedDict):
    AccessToken: str


class StartWebAuthnRegistrationResponse(TypedDict):
    CredentialCreationOptions: object


class StopUserImportJobRequest(TypedDict):
    UserPoolId: str
    JobId: str


class StopUserImportJobResponse(TypedDict):
    UserImportJob: NotRequired[UserImportJobType]


class TagResourceRequest(TypedDict):
    ResourceArn: str
    Tags: dict[str, str]


class TagResourceResponse(TypedDict):
    pass


class UntagResourceRequest(TypedDict):
    ResourceArn: str
    TagKeys: list[str]


class UntagResourceResponse(TypedDict):
    pass


class UpdateAuthEventFeedbackRequest(TypedDict):
    UserPoolId: str
    Username: str
    EventId: str
    FeedbackToken: str
    FeedbackValue: FeedbackValueType


class UpdateAuthEventFeedbackResponse(TypedDict):
    pass


class UpdateDeviceStatusRequest(TypedDict):
    AccessToken: str
    DeviceKey: str
    DeviceRememberedStatus: NotRequired[DeviceRememberedStatusType]


class UpdateDeviceStatusResponse(TypedDict):
    pass


class UpdateGroupRequest(TypedDict):
    GroupName: str
    UserPoolId: str
    Description: NotRequired[str]
    RoleArn: NotRequired[str]
    Precedence: NotRequired[int]


class UpdateGroupResponse(TypedDict):
    Group: NotRequired[GroupType]


class UpdateIdentityProviderRequest(TypedDict):
    UserPoolId: str
    ProviderName: str
    ProviderDetails: NotRequired[dict[str, str]]
    AttributeMapping: NotRequired[dict[str, str]]
    IdpIdentifiers: NotRequired[list[str]]


class UpdateIdentityProviderResponse(TypedDict):
    IdentityProvider: IdentityProviderType


class UpdateManagedLoginBrandingRequest(TypedDict):
    UserPoolId: NotRequired[str]
    ManagedLoginBrandingId: NotRequired[str]
    UseCognitoProvidedValues: NotRequired[bool]
    Settings: NotRequired[object]
    Assets: NotRequired[list[AssetType]]


class UpdateManagedLoginBrandingResponse(TypedDict):
    ManagedLoginBranding: NotRequired[ManagedLoginBrandingType]


class UpdateResourceServerRequest(TypedDict):
    UserPoolId: str
    Identifier: str
    Name: str
    Scopes: NotRequired[list[ResourceServerScopeType]]


class UpdateResourceServerResponse(TypedDict):
    ResourceServer: ResourceServerType


class UpdateTermsRequest(TypedDict):
    TermsId: str
    UserPoolId: str
    TermsName: NotRequired[str]
    TermsSource: NotRequired[TermsSourceType]
    Enforcement: NotRequired[TermsEnforcementType]
    Links: NotRequired[dict[str, str]]


class UpdateTermsResponse(TypedDict):
    Terms: NotRequired[TermsType]


class UpdateUserAttributesRequest(TypedDict):
    UserAttributes: list[AttributeType]
    AccessToken: str
    ClientMetadata: NotRequired[dict[str, str]]


class UpdateUserAttributesResponse(TypedDict):
    CodeDeliveryDetailsList: NotRequired[list[CodeDeliveryDetailsType]]


class UpdateUserPoolClientRequest(TypedDict):
    UserPoolId: str
    ClientId: str
    ClientName: NotRequired[str]
    RefreshTokenValidity: NotRequired[int]
    AccessTokenValidity: NotRequired[int]
    IdTokenValidity: NotRequired[int]
    TokenValidityUnits: NotRequired[TokenValidityUnitsType]
    ReadAttributes: NotRequired[list[str]]
    WriteAttributes: NotRequired[list[str]]
    ExplicitAuthFlows: NotRequired[list[ExplicitAuthFlowsType]]
    SupportedIdentityProviders: NotRequired[list[str]]
    CallbackURLs: NotRequired[list[str]]
    LogoutURLs: NotRequired[list[str]]
    DefaultRedirectURI: NotRequired[str]
    AllowedOAuthFlows: NotRequired[list[OAuthFlowType]]
    AllowedOAuthScopes: NotRequired[list[str]]
    AllowedOAuthFlowsUserPoolClient: NotRequired[bool]
    AnalyticsConfiguration: NotRequired[AnalyticsConfigurationType]
    PreventUserExistenceErrors: NotRequired[PreventUserExistenceErrorTypes]
    EnableTokenRevocation: NotRequired[bool]
    EnablePropagateAdditionalUserContextData: NotRequired[bool]
    AuthSessionValidity: NotRequired[int]
    RefreshTokenRotation: NotRequired[RefreshTokenRotationType]


class UpdateUserPoolClientResponse(TypedDict):
    UserPoolClient: NotRequired[UserPoolClientType]


class UpdateUserPoolDomainRequest(TypedDict):
    Domain: str
    UserPoolId: str
    ManagedLoginVersion: NotRequired[int]
    CustomDomainConfig: NotRequired[CustomDomainConfigType]


class UpdateUserPoolDomainResponse(TypedDict):
    ManagedLoginVersion: NotRequired[int]
    CloudFrontDomain: NotRequired[str]


class UpdateUserPoolRequest(TypedDict):
    UserPoolId: str
    Policies: NotRequired[UserPoolPolicyType]
    DeletionProtection: NotRequired[DeletionProtectionType]
    LambdaConfig: NotRequired[LambdaConfigType]
    AutoVerifiedAttributes: NotRequired[list[VerifiedAttributeType]]
    SmsVerificationMessage: NotRequired[str]
    EmailVerificationMessage: NotRequired[str]
    EmailVerificationSubject: NotRequired[str]
    VerificationMessageTemplate: NotRequired[VerificationMessageTemplateType]
    SmsAuthenticationMessage: NotRequired[str]
    UserAttributeUpdateSettings: NotRequired[UserAttributeUpdateSettingsType]
    MfaConfiguration: NotRequired[UserPoolMfaType]
    DeviceConfiguration: NotRequired[DeviceConfigurationType]
    EmailConfiguration: NotRequired[EmailConfigurationType]
    SmsConfiguration: NotRequired[SmsConfigurationType]
    UserPoolTags: NotRequired[dict[str, str]]
    AdminCreateUserConfig: NotRequired[AdminCreateUserConfigType]
    UserPoolAddOns: NotRequired[UserPoolAddOnsType]
    AccountRecoverySetting: NotRequired[AccountRecoverySettingType]
    PoolName: NotRequired[str]
    UserPoolTier: NotRequired[UserPoolTierType]


class UpdateUserPoolResponse(TypedDict):
    pass


class VerifySoftwareTokenRequest(TypedDict):
    AccessToken: NotRequired[str]
    Session: NotRequired[str]
    UserCode: str
    FriendlyDeviceName: NotRequired[str]


class VerifySoftwareTokenResponse(TypedDict):
    Status: NotRequired[VerifySoftwareTokenResponseType]
    Session: NotRequired[str]


class VerifyUserAttributeRequest(TypedDict):
    AccessToken: str
    AttributeName: str
    Code: str


class VerifyUserAttributeResponse(TypedDict):
    pass


class Paginator(NamedTuple):
    """The members an operation pages with, as botocore's paginator knows them."""

    input_token: str
    output_token: str
    limit_key: str
    result_key: str


#: Paginated operations: their token, limit and result members (paginators-1.json).
PAGINATORS: Final[Mapping[str, Paginator]] = {
    "AdminListGroupsForUser": Paginator("NextToken", "NextToken", "Limit", "Groups"),
    "AdminListUserAuthEvents": Paginator("NextToken", "NextToken", "MaxResults", "AuthEvents"),
    "ListGroups": Paginator("NextToken", "NextToken", "Limit", "Groups"),
    "ListIdentityProviders": Paginator("NextToken", "NextToken", "MaxResults", "Providers"),
    "ListResourceServers": Paginator("NextToken", "NextToken", "MaxResults", "ResourceServers"),
    "ListUserPoolClients": Paginator("NextToken", "NextToken", "MaxResults", "UserPoolClients"),
    "ListUserPools": Paginator("NextToken", "NextToken", "MaxResults", "UserPools"),
    "ListUsers": Paginator("PaginationToken", "PaginationToken", "Limit", "Users"),
    "ListUsersInGroup": Paginator("NextToken", "NextToken", "Limit", "Users"),
}
