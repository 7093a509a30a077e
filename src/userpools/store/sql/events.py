"""The SQL of sign-in events (``auth_events``)."""

from __future__ import annotations

from userpools.domain.models import AuthEvent, User, UserPool
from userpools.domain.store import EventStore
from userpools.store.sql.base import Row, SQLBase, dumps, loads


class EventSQL(SQLBase, EventStore):
    def insert_auth_event(self, pool: UserPool, user: User, event: AuthEvent) -> None:
        self._run(
            "INSERT INTO auth_events (pool, user_id, event_id, event_type, response, challenges,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                user.key,
                event.event_id,
                event.event_type,
                event.response,
                dumps([list(c) for c in event.challenges]),
                event.created_at,
            ),
        )

    def auth_events(
        self, pool: UserPool, user: User, before: int | None, limit: int
    ) -> list[AuthEvent]:
        older = "" if before is None else " AND id < ?"
        params: tuple[int, ...] = (pool.key, user.key) + (() if before is None else (before,))
        rows = self._all(
            "SELECT id, event_id, event_type, response, challenges, created_at FROM auth_events"
            f" WHERE pool = ? AND user_id = ?{older} ORDER BY id DESC LIMIT ?",
            (*params, limit),
        )
        return [_event(r) for r in rows]


def _event(row: Row) -> AuthEvent:
    return AuthEvent(
        key=row["id"],
        event_id=row["event_id"],
        event_type=row["event_type"],
        response=row["response"],
        challenges=tuple((str(n), str(r)) for n, r in loads(row["challenges"])),
        created_at=row["created_at"],
    )
