"""SQL shared by every engine: one mixin per feature, composed into one transaction class.

Each module here holds the SQL of one feature's store protocol (``domain/store/``):
``pools``, ``users``, ``groups`` (with memberships), ``clients`` (with their secrets),
``sessions`` (with one-time codes), ``tokens``, ``messages``, ``keys`` (with server
secrets), ``settings``, sign-in ``events``, users' ``mfa`` and ``oauth`` (resource
servers and domains), over the plumbing of ``base``. An engine subclasses
:class:`SQLTransaction` with its driver's details (``store/sqlite.py``,
``store/postgres.py``), and overrides a method only where its SQL must differ.
"""

from __future__ import annotations

from userpools.store.sql.base import SQLBase
from userpools.store.sql.clients import ClientSQL
from userpools.store.sql.events import EventSQL
from userpools.store.sql.groups import GroupSQL
from userpools.store.sql.keys import KeySQL
from userpools.store.sql.messages import MessageSQL
from userpools.store.sql.mfa import MfaSQL
from userpools.store.sql.oauth import OAuthSQL
from userpools.store.sql.pools import PoolSQL
from userpools.store.sql.sessions import SessionSQL
from userpools.store.sql.settings import SettingSQL
from userpools.store.sql.tokens import TokenSQL
from userpools.store.sql.triggers import TriggerSQL
from userpools.store.sql.users import UserSQL


class SQLTransaction(
    PoolSQL,
    UserSQL,
    GroupSQL,
    ClientSQL,
    SessionSQL,
    TokenSQL,
    MessageSQL,
    KeySQL,
    SettingSQL,
    EventSQL,
    MfaSQL,
    TriggerSQL,
    OAuthSQL,
):
    """One transaction on one connection: implements ``domain.store.Transaction``."""


__all__ = ["SQLBase", "SQLTransaction"]
