"""The measurements of ``membership.py`` and the tables and targets printed from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

PASS_RATIO = 2.0  # PostgreSQL's page throughput within this factor of SQLite's


@dataclass
class Measurements:
    server: str
    n: int
    groups: int
    seed_method: str
    seed_s: float
    store: str = ""  # userpools: "SQLite" or "PostgreSQL"
    workers: int = 1  # userpools: worker processes (--workers)
    full_pass_s: float = 0.0
    full_pass_pages: int = 0
    full_pass_items: int = 0
    full_pass_items_per_s: float = 0.0
    first_page_ms: float = 0.0
    last_page_ms: float = 0.0
    last_full_page_ms: float = 0.0
    last_full_over_first: float = 0.0
    last_over_first: float = 0.0
    first_page_items: int = 0
    last_page_items: int = 0
    groups_for_user_ms: float = 0.0
    groups_for_user_pages: int = 0
    groups_for_user_items: int = 0
    pages_per_s: float = 0.0
    pages_count: int = 0
    pages_errors: int = 0
    pages_retries: int = 0
    pages_server_cpu_ms: float = 0.0
    pages_db_cpu_ms: float | None = None
    pages_worker_split: str = ""
    pages_client_cpu_ms: float = 0.0
    pages_machine_busy_pct: float = 0.0
    adds_seq_per_s: float = 0.0
    adds_seq_count: int = 0
    adds_seq_errors: int = 0
    adds_seq_server_cpu_ms: float = 0.0
    adds_seq_db_cpu_ms: float | None = None
    adds_par_per_s: float = 0.0
    adds_par_count: int = 0
    adds_par_errors: int = 0
    adds_par_retries: int = 0
    adds_par_server_cpu_ms: float = 0.0
    adds_par_db_cpu_ms: float | None = None
    adds_par_worker_split: str = ""
    adds_par_client_cpu_ms: float = 0.0
    adds_par_machine_busy_pct: float = 0.0
    adds_par_members: int = 0  # members of the group after the concurrent adds
    rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    log_problems: int = 0  # tracebacks and given-up retries in the server's log
    first_errors: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.server != "userpools" or (self.store == "SQLite" and self.workers == 1):
            return f"{self.server} N={self.n:,}"
        workers = f", {self.workers} workers" if self.workers > 1 else ""
        return f"{self.server} ({self.store}{workers}) N={self.n:,}"

    # server plus database CPU: the whole cost of a call on the server side
    @property
    def pages_all_cpu_ms(self) -> float:
        return self.pages_server_cpu_ms + (self.pages_db_cpu_ms or 0.0)

    @property
    def adds_seq_all_cpu_ms(self) -> float:
        return self.adds_seq_server_cpu_ms + (self.adds_seq_db_cpu_ms or 0.0)

    @property
    def adds_par_all_cpu_ms(self) -> float:
        return self.adds_par_server_cpu_ms + (self.adds_par_db_cpu_ms or 0.0)

    @property
    def concurrent_failures(self) -> int:
        """Errors and retries of the concurrent phases, adds that went missing (or were
        counted twice), and failed calls in the server's log."""
        return (
            self.pages_errors
            + self.pages_retries
            + self.adds_par_errors
            + self.adds_par_retries
            + abs(self.adds_par_members - self.adds_par_count)
            + self.log_problems
        )


# tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    attr: str
    fmt: str
    better: str  # "higher", "lower", or "" (no ratio)
    #: "" always shown; "database": only when a column ran on PostgreSQL; "workers": only
    #: when a column ran with several workers.
    only: str = ""


DB, WORKERS = "database", "workers"

ROWS = (
    Row("seeded through", "seed_method", "{}", ""),
    Row("seeding (s)", "seed_s", "{:.1f}", ""),
    Row("full pagination, PageSize 60 (s)", "full_pass_s", "{:.2f}", "lower"),
    Row("  pages", "full_pass_pages", "{:,}", ""),
    Row("  items/s", "full_pass_items_per_s", "{:,.0f}", "higher"),
    Row("first page, median (ms)", "first_page_ms", "{:.2f}", "lower"),
    Row("last page, median (ms)", "last_page_ms", "{:.2f}", "lower"),
    Row("  last/first", "last_over_first", "{:.2f}", ""),
    Row("  items on first / last page", "page_items", "{}", ""),
    Row("last full page (60 items), median (ms)", "last_full_page_ms", "{:.2f}", "lower"),
    Row("  last full/first", "last_full_over_first", "{:.2f}", ""),
    Row("AdminListGroupsForUser full paging, median (ms)", "groups_for_user_ms", "{:.2f}", "lower"),
    Row("  pages / groups", "groups_paging", "{}", ""),
    Row("first pages, concurrent clients (req/s)", "pages_per_s", "{:,.0f}", "higher"),
    Row("  errors / retries", "pages_failures", "{}", ""),
    Row("  server CPU per request (ms)", "pages_server_cpu_ms", "{:.2f}", "lower"),
    Row("  PostgreSQL backends' CPU per request (ms)", "pages_db_cpu_ms", "{:.2f}", "", DB),
    Row("  server + PostgreSQL CPU per request (ms)", "pages_all_cpu_ms", "{:.2f}", "lower", DB),
    Row("  workers' shares of the server CPU (%)", "pages_worker_split", "{}", "", WORKERS),
    Row("  client CPU per request (ms, all clients)", "pages_client_cpu_ms", "{:.2f}", ""),
    Row("AdminAddUserToGroup, sequential (adds/s)", "adds_seq_per_s", "{:,.0f}", "higher"),
    Row("  adds / errors", "adds_seq", "{}", ""),
    Row("  server CPU per add (ms)", "adds_seq_server_cpu_ms", "{:.2f}", "lower"),
    Row("  PostgreSQL backends' CPU per add (ms)", "adds_seq_db_cpu_ms", "{:.2f}", "", DB),
    Row("  server + PostgreSQL CPU per add (ms)", "adds_seq_all_cpu_ms", "{:.2f}", "lower", DB),
    Row("AdminAddUserToGroup, concurrent clients (adds/s)", "adds_par_per_s", "{:,.0f}", "higher"),
    Row("  adds / errors / retries", "adds_par", "{}", ""),
    Row("  server CPU per add (ms)", "adds_par_server_cpu_ms", "{:.2f}", "lower"),
    Row("  PostgreSQL backends' CPU per add (ms)", "adds_par_db_cpu_ms", "{:.2f}", "", DB),
    Row("  server + PostgreSQL CPU per add (ms)", "adds_par_all_cpu_ms", "{:.2f}", "lower", DB),
    Row("  workers' shares of the server CPU (%)", "adds_par_worker_split", "{}", "", WORKERS),
    Row("  client CPU per add (ms, all clients)", "adds_par_client_cpu_ms", "{:.2f}", ""),
    Row("server RSS after the run (MB)", "rss_mb", "{:.0f}", "lower"),
    Row("server peak RSS (MB)", "peak_rss_mb", "{:.0f}", "lower"),
)

#: ``--scale-out``: the throughput phases first, every CPU row shown.
SCALE_ROWS = (
    Row("seeded through", "seed_method", "{}", ""),
    Row("seeding (s)", "seed_s", "{:.1f}", ""),
    Row("first pages, concurrent clients (req/s)", "pages_per_s", "{:,.0f}", "higher"),
    Row("  errors / retries", "pages_failures", "{}", ""),
    Row(
        "  server CPU per request (ms, all its processes)", "pages_server_cpu_ms", "{:.2f}", "lower"
    ),
    Row("  PostgreSQL backends' CPU per request (ms)", "pages_db_cpu_ms", "{:.2f}", ""),
    Row("  server + PostgreSQL CPU per request (ms)", "pages_all_cpu_ms", "{:.2f}", "lower"),
    Row("  workers' shares of the server CPU (%)", "pages_worker_split", "{}", ""),
    Row("  client CPU per request (ms, all clients)", "pages_client_cpu_ms", "{:.2f}", ""),
    Row("  machine CPU busy, all processes (%)", "pages_machine_busy_pct", "{:.0f}", ""),
    Row("AdminAddUserToGroup, concurrent clients (adds/s)", "adds_par_per_s", "{:,.0f}", "higher"),
    Row("  adds / errors / retries", "adds_par", "{}", ""),
    Row("  group members afterwards", "adds_par_members", "{:,}", ""),
    Row(
        "  server CPU per add (ms, all its processes)", "adds_par_server_cpu_ms", "{:.2f}", "lower"
    ),
    Row("  PostgreSQL backends' CPU per add (ms)", "adds_par_db_cpu_ms", "{:.2f}", ""),
    Row("  server + PostgreSQL CPU per add (ms)", "adds_par_all_cpu_ms", "{:.2f}", "lower"),
    Row("  workers' shares of the server CPU (%)", "adds_par_worker_split", "{}", ""),
    Row("  client CPU per add (ms, all clients)", "adds_par_client_cpu_ms", "{:.2f}", ""),
    Row("  machine CPU busy, all processes (%)", "adds_par_machine_busy_pct", "{:.0f}", ""),
    Row("full pagination, PageSize 60 (s)", "full_pass_s", "{:.2f}", "lower"),
    Row("  pages / items", "full_pass", "{}", ""),
    Row("first page, median (ms)", "first_page_ms", "{:.2f}", "lower"),
    Row("last page, median (ms)", "last_page_ms", "{:.2f}", "lower"),
    Row("  items on first / last page", "page_items", "{}", ""),
    Row("last full page (60 items), median (ms)", "last_full_page_ms", "{:.2f}", "lower"),
    Row("AdminAddUserToGroup, sequential (adds/s)", "adds_seq_per_s", "{:,.0f}", "higher"),
    Row("  adds / errors", "adds_seq", "{}", ""),
    Row("  server + PostgreSQL CPU per add (ms)", "adds_seq_all_cpu_ms", "{:.2f}", "lower"),
    Row("AdminListGroupsForUser full paging, median (ms)", "groups_for_user_ms", "{:.2f}", "lower"),
    Row("server RSS after the run (MB, sum over its processes)", "rss_mb", "{:.0f}", "lower"),
    Row("server log: tracebacks / given-up calls", "log_problems", "{}", ""),
)


def shown(rows: tuple[Row, ...], columns: list[Measurements]) -> list[Row]:
    """The rows that apply to at least one column."""
    database = any(m.pages_db_cpu_ms is not None for m in columns)
    workers = any(m.workers > 1 for m in columns)
    wanted = {"": True, DB: database, WORKERS: workers}
    return [row for row in rows if wanted[row.only]]


def cell(m: Measurements, row: Row) -> str:
    derived = {
        "full_pass": f"{m.full_pass_pages:,} / {m.full_pass_items:,}",
        "page_items": f"{m.first_page_items} / {m.last_page_items}",
        "groups_paging": f"{m.groups_for_user_pages} / {m.groups_for_user_items}",
        "pages_failures": f"{m.pages_errors} / {m.pages_retries}",
        "adds_seq": f"{m.adds_seq_count:,} / {m.adds_seq_errors}",
        "adds_par": f"{m.adds_par_count:,} / {m.adds_par_errors} / {m.adds_par_retries}",
    }
    if row.attr in derived:
        return derived[row.attr]
    value = getattr(m, row.attr)
    return "-" if value is None or value == "" else row.fmt.format(value)


def times(value: float) -> str:
    return f"{value:,.1f}x" if value >= 1 else f"{value:.2f}x"


def advantage(a: Measurements | None, b: Measurements | None, row: Row) -> str:
    """How many times better ``a`` is than ``b`` on this row (rates: a/b; else b/a)."""
    if a is None or b is None or not row.better:
        return ""
    x, y = getattr(a, row.attr), getattr(b, row.attr)
    if x is None or y is None:
        return ""
    value = x / y if row.better == "higher" else y / x
    return times(value) if x > 0 and y > 0 else "n/a"


def table(
    columns: list[Measurements],
    rows: tuple[Row, ...],
    ratio_title: str | None = None,
    ratio_of: Callable[[Row], str] | None = None,
) -> str:
    header = ["metric", *(m.title for m in columns)]
    if ratio_title is not None:
        header.append(ratio_title)
    lines = [header]
    for row in shown(rows, columns):
        line = [row.label, *(cell(m, row) for m in columns)]
        if ratio_title is not None and ratio_of is not None:
            line.append(ratio_of(row))
        lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]

    def fmt(line: list[str]) -> str:
        cells = [line[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)]
        return "| " + " | ".join(cells) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(lines[0]), rule, *(fmt(line) for line in lines[1:])])


# targets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    description: str
    value: str
    passed: bool | None  # None: not measured in this run


def targets(
    big: Measurements, small: Measurements | None, moto: Measurements | None
) -> list[Target]:
    out = [
        Target(
            f"at N={big.n:,} last page <= 1.3x first page",
            f"{big.last_over_first:.2f}x",
            big.last_over_first <= 1.3,
        ),
        Target(
            f"at N={big.n:,} last full page (60 items) <= 1.3x first page",
            f"{big.last_full_over_first:.2f}x",
            big.last_full_over_first <= 1.3,
        ),
    ]
    pairs = (
        ("8-client first pages (req/s)", "pages_per_s", 30.0),
        ("AdminAddUserToGroup sequential (adds/s)", "adds_seq_per_s", 10.0),
        ("AdminAddUserToGroup concurrent (adds/s)", "adds_par_per_s", 10.0),
    )
    for label, attr, goal in pairs:
        if small is None or moto is None:
            out.append(Target(f"{label} >= {goal:g}x moto's", "not measured", None))
            continue
        theirs = float(getattr(moto, attr))
        factor = float(getattr(small, attr)) / theirs if theirs > 0 else float("inf")
        out.append(
            Target(f"at N={small.n:,} {label} >= {goal:g}x moto's", times(factor), factor >= goal)
        )
    out.append(
        Target(f"at N={big.n:,} server RSS < 200 MB", f"{big.rss_mb:.0f} MB", big.rss_mb < 200)
    )
    return out


def scale_targets(sqlite: Measurements, postgres: Measurements) -> list[Target]:
    ratio = sqlite.pages_per_s / postgres.pages_per_s if postgres.pages_per_s > 0 else float("inf")
    a, b = sqlite.concurrent_failures, postgres.concurrent_failures
    return [
        Target(
            f"PostgreSQL page throughput within {PASS_RATIO:g}x of SQLite's "
            f"(ratio = sqlite/postgres <= {PASS_RATIO:g})",
            f"{ratio:.2f} ({sqlite.pages_per_s:,.0f} / {postgres.pages_per_s:,.0f} req/s)",
            ratio <= PASS_RATIO,
        ),
        Target(
            "no errors under concurrent load",
            f"{a + b} (SQLite {a}, PostgreSQL {b}: errors and retries of the concurrent "
            "phases, adds missing from the group, failed calls in the server log)",
            a + b == 0,
        ),
    ]
