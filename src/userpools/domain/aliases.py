"""Aliases: claiming a user's email, phone number and preferred username as sign-in names.

A pool's ``UsernameAttributes`` or ``AliasAttributes`` let those values stand for the user
(``domain/lookup.py``), so no two users may hold the same one. Creation
(``domain/user_creation.py``) and every change to a user (``UserService.save``) claim them here.
"""

from __future__ import annotations

import dataclasses

from userpools.domain import attributes, messages
from userpools.domain.errors import AliasExists, UsernameExists
from userpools.domain.lookup import sign_in_keys
from userpools.domain.models import User, UserPool
from userpools.domain.store import Conflict, SignInKeys, Transaction


def claim_aliases(
    tx: Transaction,
    pool: UserPool,
    owner: User | None,
    keys: SignInKeys,
    *,
    force: bool,
    now: float,
) -> None:
    """Refuse, or with ``force`` take over, alias values another user holds."""
    pairs = (("login_email", keys.email), ("login_phone", keys.phone))
    for column, value in (*pairs, ("login_preferred", keys.preferred)):
        if value is None:
            continue
        other = tx.find_user(pool, column, value)  # type: ignore[arg-type]
        if other is None or (owner is not None and other.key == owner.key):
            continue
        if pool.config.username_attribute_names:
            # A new user's sign-in name is taken; an update would take another's alias.
            attribute = "email" if column == "login_email" else "phone_number"
            message = messages.USERNAME_ATTRIBUTE_EXISTS.format(attribute=attribute)
            raise UsernameExists(message) if owner is None else AliasExists(message)
        if not force or column == "login_preferred":
            raise AliasExists(messages.ALIAS_EXISTS)
        flag = "email_verified" if column == "login_email" else "phone_number_verified"
        released = attributes.merge(other.attributes, [(flag, "false")])
        other = dataclasses.replace(other, attributes=released, updated_at=now)
        tx.update_user(pool, other, sign_in_keys(pool, released))


def conflict_error(pool: UserPool, exc: Conflict) -> Exception:
    if exc.constraint == "username":
        return UsernameExists(messages.USER_EXISTS)
    if pool.config.username_attribute_names:
        return UsernameExists(messages.USER_EXISTS)
    return AliasExists(messages.ALIAS_EXISTS)
