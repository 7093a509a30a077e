"""The SQL of each user's MFA state (``user_mfa``)."""

from __future__ import annotations

from userpools.domain.models import User, UserMfa, UserPool
from userpools.domain.store.mfa import MfaStore
from userpools.store.sql.base import SQLBase

_COLUMNS = (
    "totp_secret, pending_secret, device_name, last_step, sms_enabled, totp_enabled,"
    " email_enabled, preferred"
)


class MfaSQL(SQLBase, MfaStore):
    def get_user_mfa(self, pool: UserPool, user: User) -> UserMfa | None:
        row = self._one(
            f"SELECT {_COLUMNS} FROM user_mfa WHERE pool = ? AND user_id = ?",
            (pool.key, user.key),
        )
        if row is None:
            return None
        return UserMfa(
            totp_secret=_bytes(row["totp_secret"]),
            pending_secret=_bytes(row["pending_secret"]),
            device_name=row["device_name"],
            last_step=row["last_step"],
            sms_enabled=bool(row["sms_enabled"]),
            totp_enabled=bool(row["totp_enabled"]),
            email_enabled=bool(row["email_enabled"]),
            preferred=row["preferred"],
        )

    def put_user_mfa(self, pool: UserPool, user: User, mfa: UserMfa) -> None:
        self._run(
            f"INSERT INTO user_mfa (pool, user_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?) ON CONFLICT (pool, user_id) DO UPDATE SET"
            " totp_secret = excluded.totp_secret, pending_secret = excluded.pending_secret,"
            " device_name = excluded.device_name, last_step = excluded.last_step,"
            " sms_enabled = excluded.sms_enabled, totp_enabled = excluded.totp_enabled,"
            " email_enabled = excluded.email_enabled, preferred = excluded.preferred",
            (
                pool.key,
                user.key,
                mfa.totp_secret,
                mfa.pending_secret,
                mfa.device_name,
                mfa.last_step,
                int(mfa.sms_enabled),
                int(mfa.totp_enabled),
                int(mfa.email_enabled),
                mfa.preferred,
            ),
        )


def _bytes(value: object) -> bytes | None:
    return None if value is None else bytes(value)  # type: ignore[call-overload]
