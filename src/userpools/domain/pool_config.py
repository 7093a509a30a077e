"""A user pool's configuration: one typed value, stored once, rendered by DescribeUserPool.

The records mirror the model's shapes (``UserPoolType`` and its members) with snake_case
field names; ``operations/pool_wire.py`` derives the wire names from them. ``None`` means
unset: the member is left out of DescribeUserPool, as AWS leaves it out. Fields with a
value as default are the ones AWS always shows, with its default. ``domain/pools.py``
builds and changes a configuration; the properties at the end of :class:`PoolConfig` are
what the other domain rules read.

To add a member: add a field to the record that holds it, in the model's order (its wire
name is derived, see :func:`member_name`), and a rule in ``domain/pools.py`` if it has one.
"""

from __future__ import annotations

from dataclasses import dataclass

from userpools.domain.password_policy import PasswordPolicy


@dataclass(frozen=True)
class SignInPolicy:
    allowed_first_auth_factors: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Policies:
    #: Always set in a pool's configuration; ``None`` only in a request that left it out.
    password_policy: PasswordPolicy | None = None
    sign_in_policy: SignInPolicy | None = None


@dataclass(frozen=True)
class LambdaVersionConfig:
    lambda_version: str | None = None
    lambda_arn: str | None = None


@dataclass(frozen=True)
class LambdaConfig:
    pre_sign_up: str | None = None
    custom_message: str | None = None
    post_confirmation: str | None = None
    pre_authentication: str | None = None
    post_authentication: str | None = None
    define_auth_challenge: str | None = None
    create_auth_challenge: str | None = None
    verify_auth_challenge_response: str | None = None
    pre_token_generation: str | None = None
    user_migration: str | None = None
    pre_token_generation_config: LambdaVersionConfig | None = None
    custom_sms_sender: LambdaVersionConfig | None = None
    custom_email_sender: LambdaVersionConfig | None = None
    kms_key_id: str | None = None
    inbound_federation: LambdaVersionConfig | None = None


@dataclass(frozen=True)
class VerificationMessageTemplate:
    default_email_option: str = "CONFIRM_WITH_CODE"
    sms_message: str | None = None
    email_message: str | None = None
    email_subject: str | None = None
    email_message_by_link: str | None = None
    email_subject_by_link: str | None = None


@dataclass(frozen=True)
class EmailConfiguration:
    email_sending_account: str = "COGNITO_DEFAULT"
    source_arn: str | None = None
    reply_to_email_address: str | None = None
    from_: str | None = None
    configuration_set: str | None = None


@dataclass(frozen=True)
class MessageTemplate:
    sms_message: str | None = None
    email_message: str | None = None
    email_subject: str | None = None


@dataclass(frozen=True)
class AdminCreateUserConfig:
    allow_admin_create_user_only: bool = False
    unused_account_validity_days: int | None = None
    invite_message_template: MessageTemplate | None = None


@dataclass(frozen=True)
class UserAttributeUpdateSettings:
    attributes_require_verification_before_update: tuple[str, ...] | None = None


@dataclass(frozen=True)
class DeviceConfiguration:
    challenge_required_on_new_device: bool | None = None
    device_only_remembered_on_user_prompt: bool | None = None


@dataclass(frozen=True)
class SmsConfiguration:
    sns_caller_arn: str | None = None
    external_id: str | None = None
    sns_region: str | None = None


@dataclass(frozen=True)
class AdvancedSecurityAdditionalFlows:
    custom_auth_mode: str | None = None


@dataclass(frozen=True)
class UserPoolAddOns:
    advanced_security_mode: str | None = None
    advanced_security_additional_flows: AdvancedSecurityAdditionalFlows | None = None


@dataclass(frozen=True)
class RecoveryOption:
    priority: int = 0
    name: str = ""


@dataclass(frozen=True)
class AccountRecoverySetting:
    recovery_mechanisms: tuple[RecoveryOption, ...] | None = None


@dataclass(frozen=True)
class UsernameConfiguration:
    case_sensitive: bool | None = None


@dataclass(frozen=True)
class NumberAttributeConstraints:
    min_value: str | None = None
    max_value: str | None = None


@dataclass(frozen=True)
class StringAttributeConstraints:
    min_length: str | None = None
    max_length: str | None = None


@dataclass(frozen=True)
class SchemaAttribute:
    name: str | None = None
    attribute_data_type: str | None = None
    developer_only_attribute: bool | None = None
    mutable: bool | None = None
    required: bool | None = None
    # String before number, as DescribeUserPool has always listed them.
    string_attribute_constraints: StringAttributeConstraints | None = None
    number_attribute_constraints: NumberAttributeConstraints | None = None


@dataclass(frozen=True)
class CustomAttribute:
    """A custom (``custom:x``) or developer-only (``dev:custom:x``) attribute of a pool's
    schema."""

    name: str
    mutable: bool = True


#: ``dev:`` also covers developer-only attributes stored before they were named as AWS
#: names them (``dev:NAME``, before issue 12), so those pools keep working.
CUSTOM_PREFIXES = ("custom:", "dev:")


@dataclass(frozen=True)
class PoolConfig:
    """Everything a pool is configured with, but its id, name, region and times.

    Fields are in the order DescribeUserPool shows them. ``user_pool_tier`` and the
    password policy are always set in a pool's configuration (``domain/pools.py``).
    """

    policies: Policies = Policies()
    deletion_protection: str = "INACTIVE"
    lambda_config: LambdaConfig = LambdaConfig()
    mfa_configuration: str = "OFF"
    verification_message_template: VerificationMessageTemplate = VerificationMessageTemplate()
    email_configuration: EmailConfiguration = EmailConfiguration()
    admin_create_user_config: AdminCreateUserConfig = AdminCreateUserConfig()
    user_pool_tier: str | None = None
    auto_verified_attributes: tuple[str, ...] | None = None
    sms_verification_message: str | None = None
    email_verification_message: str | None = None
    email_verification_subject: str | None = None
    sms_authentication_message: str | None = None
    user_attribute_update_settings: UserAttributeUpdateSettings | None = None
    device_configuration: DeviceConfiguration | None = None
    sms_configuration: SmsConfiguration | None = None
    user_pool_tags: tuple[tuple[str, str], ...] | None = None
    user_pool_add_ons: UserPoolAddOns | None = None
    account_recovery_setting: AccountRecoverySetting | None = None
    # Fixed at creation: UpdateUserPool has no member for these.
    alias_attributes: tuple[str, ...] | None = None
    username_attributes: tuple[str, ...] | None = None
    username_configuration: UsernameConfiguration | None = None
    schema_attributes: tuple[SchemaAttribute, ...] = ()

    # What the domain rules read ---------------------------------------------------------

    @property
    def password_policy(self) -> PasswordPolicy:
        return self.policies.password_policy or PasswordPolicy()

    @property
    def username_attribute_names(self) -> tuple[str, ...]:
        """``UsernameAttributes``: email or phone number sign in, and the username is the sub."""
        return self.username_attributes or ()

    @property
    def alias_attribute_names(self) -> tuple[str, ...]:
        return self.alias_attributes or ()

    @property
    def case_sensitive(self) -> bool:
        setting = self.username_configuration
        return True if setting is None or setting.case_sensitive is None else setting.case_sensitive

    @property
    def deletion_protected(self) -> bool:
        return self.deletion_protection == "ACTIVE"

    @property
    def custom_attributes(self) -> tuple[CustomAttribute, ...]:
        return tuple(
            CustomAttribute(a.name, a.mutable is not False)
            for a in self.schema_attributes
            if a.name is not None and a.name.startswith(CUSTOM_PREFIXES)
        )

    @property
    def immutable_attributes(self) -> frozenset[str]:
        """Attributes set only when a user is created (``Mutable: false``)."""
        return frozenset(a.name for a in self.schema_attributes if a.name and a.mutable is False)

    @property
    def required_attributes(self) -> tuple[str, ...]:
        """Standard attributes the schema requires, but ``sub`` (the server always sets it)."""
        names = (a.name for a in self.schema_attributes if a.required and a.name)
        return tuple(sorted(n for n in names if n != "sub" and not n.startswith(CUSTOM_PREFIXES)))

    @property
    def auto_verified(self) -> tuple[str, ...]:
        """``AutoVerifiedAttributes``: where sign-up sends its confirmation code."""
        return self.auto_verified_attributes or ()

    @property
    def admin_create_only(self) -> bool:
        """``AllowAdminCreateUserOnly``: SignUp is refused."""
        return self.admin_create_user_config.allow_admin_create_user_only

    @property
    def invite(self) -> MessageTemplate:
        return self.admin_create_user_config.invite_message_template or MessageTemplate()

    @property
    def verify_email_message(self) -> str | None:
        template = self.verification_message_template
        return template.email_message or self.email_verification_message

    @property
    def verify_email_subject(self) -> str | None:
        template = self.verification_message_template
        return template.email_subject or self.email_verification_subject

    @property
    def verify_sms(self) -> str | None:
        return self.verification_message_template.sms_message or self.sms_verification_message

    @property
    def recovery(self) -> tuple[str, ...]:
        """Recovery mechanism names by priority; empty: the legacy order."""
        setting = self.account_recovery_setting
        mechanisms = (setting.recovery_mechanisms if setting else None) or ()
        return tuple(m.name for m in sorted(mechanisms, key=lambda m: m.priority))


#: (record, field) -> the model's member name, where :func:`member_name`'s rule is wrong
#: (the model is not consistent about acronyms).
MEMBER_NAMES: dict[tuple[type, str], str] = {
    (LambdaConfig, "kms_key_id"): "KMSKeyID",
    (LambdaConfig, "custom_sms_sender"): "CustomSMSSender",
    (MessageTemplate, "sms_message"): "SMSMessage",
}


def member_name(cls: type, field: str) -> str:
    """The model's name for a field: ``sms_verification_message`` is ``SmsVerificationMessage``.

    The wire mapping (``operations/pool_wire.py``) uses it, and so does the conversion of
    rows stored before this record existed, which kept the configuration in wire form.
    """
    named = MEMBER_NAMES.get((cls, field))
    if named is not None:
        return named
    return "".join(part.capitalize() for part in field.rstrip("_").split("_"))
