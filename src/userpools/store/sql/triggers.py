"""The SQL of the trigger record (``triggers``, migration 0014)."""

from __future__ import annotations

from userpools.domain.models import Invocation
from userpools.domain.store.triggers import TriggerStore
from userpools.store.sql.base import Row, SQLBase

_COLUMNS = (
    "pool_id, username, trigger_name, source, arn, outcome, error, duration_ms, event, created_at"
)


class TriggerSQL(SQLBase, TriggerStore):
    def add_invocation(self, invocation: Invocation, keep: int) -> None:
        self._run(
            f"INSERT INTO trigger_invocations ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                invocation.pool_id,
                invocation.username,
                invocation.trigger,
                invocation.source,
                invocation.arn,
                invocation.outcome,
                invocation.error,
                invocation.duration_ms,
                invocation.event,
                invocation.created_at,
            ),
        )
        # The pool's oldest past ``keep``, found on the (pool_id, id) index.
        self._run(
            "DELETE FROM trigger_invocations WHERE pool_id = ? AND id <= ("
            "SELECT id FROM trigger_invocations WHERE pool_id = ?"
            " ORDER BY id DESC LIMIT 1 OFFSET ?)",
            (invocation.pool_id, invocation.pool_id, keep),
        )

    def recent_invocations(self, pool_id: str, limit: int) -> list[Invocation]:
        rows = self._all(
            f"SELECT {_COLUMNS} FROM trigger_invocations WHERE pool_id = ?"
            " ORDER BY id DESC LIMIT ?",
            (pool_id, limit),
        )
        return [_invocation(r) for r in rows]


def _invocation(row: Row) -> Invocation:
    return Invocation(
        pool_id=row["pool_id"],
        username=row["username"],
        trigger=row["trigger_name"],
        source=row["source"],
        arn=row["arn"],
        outcome=row["outcome"],
        error=row["error"],
        duration_ms=row["duration_ms"],
        event=row["event"],
        created_at=row["created_at"],
    )
