"""Finding a user by the name it signs in with: its username, its ``sub``, or an alias.

A pool's ``UsernameAttributes`` or ``AliasAttributes`` decide which email, phone number or
preferred username can stand for the user; :func:`sign_in_keys` derives the values the store
indexes for that, and :func:`resolve` tries them, one indexed look-up each.
"""

from __future__ import annotations

from userpools.crypto import srp
from userpools.domain import attributes, usernames
from userpools.domain.errors import UserNotFound
from userpools.domain.models import User, UserPool
from userpools.domain.store import SignInKeys, Transaction

#: A sign-in name with this in it can only be an email address.
EMAIL_LIKE = "@"


def looks_like_phone(value: str) -> bool:
    """Whether ``value`` has the E.164 shape of a phone number (``+`` and digits)."""
    return value.startswith("+") and value[1:].isdigit() and len(value) > 2


def names_an_alias(pool: UserPool, name: str) -> bool:
    """Whether ``name`` can only be an email or phone sign-in name in this pool, never the
    username itself (which may not take that form there)."""
    c = pool.config
    allowed = c.username_attribute_names or c.alias_attribute_names
    if EMAIL_LIKE in name:
        return "email" in allowed
    return looks_like_phone(name) and "phone_number" in allowed


def sign_in_keys(pool: UserPool, attrs: attributes.Attributes) -> SignInKeys:
    """The alias values under which the pool lets this user be found."""
    c = pool.config
    email = attributes.value_of(attrs, "email")
    phone = attributes.value_of(attrs, "phone_number")
    preferred = attributes.value_of(attrs, "preferred_username")
    email_ok = attributes.is_true(attributes.value_of(attrs, "email_verified"))
    phone_ok = attributes.is_true(attributes.value_of(attrs, "phone_number_verified"))
    fold = c.case_sensitive

    def key(v: str | None) -> str | None:
        return usernames.key(v, fold) if v is not None else None

    if c.username_attribute_names:
        return SignInKeys(
            email=key(email) if "email" in c.username_attribute_names else None,
            phone=phone if "phone_number" in c.username_attribute_names else None,
        )
    return SignInKeys(
        email=key(email) if "email" in c.alias_attribute_names and email_ok else None,
        phone=phone if "phone_number" in c.alias_attribute_names and phone_ok else None,
        preferred=key(preferred) if "preferred_username" in c.alias_attribute_names else None,
    )


def srp_verifier(pool: UserPool, username: str, password: str) -> str:
    """The SRP verifier stored beside the Argon2id hash (``username`` is the real one)."""
    return srp.make_verifier(srp.pool_name_of(pool.id), username, password).to_json()


def resolve(tx: Transaction, pool: UserPool, username: str) -> User | None:
    """Find a user by username, sub, or alias: each step is one indexed look-up."""
    cs = pool.config.case_sensitive
    user = tx.find_user(pool, "username_key", usernames.key(username, cs))
    if user is None:
        user = tx.find_user(pool, "sub", username)
    c = pool.config
    if user is None and (c.username_attribute_names or c.alias_attribute_names):
        if EMAIL_LIKE in username:
            user = tx.find_user(pool, "login_email", usernames.key(username, cs))
        elif looks_like_phone(username):
            user = tx.find_user(pool, "login_phone", username)
        if user is None and "preferred_username" in c.alias_attribute_names:
            user = tx.find_user(pool, "login_preferred", usernames.key(username, cs))
    return user


def require_user(tx: Transaction, pool: UserPool, username: str) -> User:
    user = resolve(tx, pool, username)
    if user is None:
        raise UserNotFound()
    return user
