"""The figures of ``scale.py``: what is measured, moto's extrapolation, the tables, the
issue's targets and the plot."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from _wrk import WrkResult

USERPOOLS = ("userpools/SQLite", "userpools/PostgreSQL")
MOTO = "moto"
#: moto's figures that scale with its CPU time per page: times, and rates (inversely).
TIMES = ("first_ms", "last_ms", "last_full_ms")
RATES = ("pages_c1", "pages_c8", "boto3_pages_per_s")
MILLION = 1_000_000


@dataclass
class ApiFigures:
    """AdminCreateUser then AdminAddUserToGroup through boto3, by several threads."""

    server: str
    n: int
    users_per_s: float
    create_p50_ms: float
    create_cpu_ms: float  # the server's (and its PostgreSQL backends') CPU per call
    adds_per_s: float
    add_p50_ms: float
    add_cpu_ms: float
    errors: int
    first_error: str | None
    create_client_cpu_ms: float  # the benchmark's CPU per call, all 4 threads (one GIL)
    add_client_cpu_ms: float
    store_rows_per_s: float | None = None  # userpools: seed_userpools, a row at a time


@dataclass
class Point:
    """One server's page figures at one size."""

    server: str  # "userpools/SQLite", "userpools/PostgreSQL" or "moto"
    n: int
    extrapolated: bool = False
    seed_s: float = 0.0  # growing the group from the previous size to this one
    seed_per_s: float = 0.0
    walk_pages: int = 0
    walk_s: float = 0.0
    first_ms: float = 0.0  # medians, interleaved, one raw HTTP connection
    last_ms: float = 0.0
    last_full_ms: float = 0.0
    last_items: int = 0
    #: userpools: the first page at the smallest size (another server), timed alternately
    #: with this size's first page, and the ratio of the two.
    reference_first_ms: float = math.nan
    first_over_reference: float = math.nan
    wrk: dict[str, WrkResult] = field(default_factory=dict)  # by connections
    pages_c1: float = 0.0
    pages_c8: float = 0.0
    boto3_pages_per_s: float = 0.0
    rss_mb: float = 0.0
    errors: list[str] = field(default_factory=list)

    def set_wrk(self, connections: int, result: WrkResult) -> None:
        self.wrk[str(connections)] = result
        setattr(self, f"pages_c{connections}", result.pages_per_s)


# moto beyond its budget --------------------------------------------------------------------


def fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Least squares ``y = a + b x``."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return my - b * mx, b


def page_cpu_ms(p: Point) -> float:
    """The server's CPU time per page, averaged over the wrk runs."""
    return sum(r.server_cpu_ms for r in p.wrk.values()) / len(p.wrk)


def extrapolate(points: list[Point], sizes: Sequence[int]) -> list[Point]:
    """moto's figures at the sizes it was not measured at (needs two measured sizes).

    moto's ListUsersInGroup goes through every user of the pool, then finds the page's
    token in that list: the CPU time of a page is ``a + b N``, fitted by least squares on
    the measured sizes (the server's CPU per page during the wrk runs, from /proc: less
    disturbed by other work on the machine than wall-clock figures). Times at a larger N are
    those of the largest measured size times ``cpu(N) / cpu(largest)``, rates divided by
    it; RSS is fitted as ``a + b N`` of its own. A slope that is not positive (noise larger
    than the growth between the sizes) extrapolates nothing: NaN, shown as "-".
    """
    measured = sorted((p for p in points if p.server == MOTO and p.wrk), key=lambda p: p.n)
    if len(measured) < 2:
        return []
    ns = [float(p.n) for p in measured]
    a, b = fit(ns, [page_cpu_ms(p) for p in measured])
    ra, rb = fit(ns, [p.rss_mb for p in measured])
    top = measured[-1]
    out = []
    for n in sizes:
        if n <= top.n:
            continue
        point = Point(MOTO, n, extrapolated=True, last_items=top.last_items)
        growth = (a + b * n) / (a + b * top.n) if b > 0 else math.nan
        for name in TIMES:
            setattr(point, name, getattr(top, name) * growth)
        for name in RATES:
            setattr(point, name, getattr(top, name) / growth)
        point.rss_mb = ra + rb * n if rb > 0 else math.nan
        out.append(point)
    return out


# targets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    description: str
    value: str
    passed: bool | None  # None: not measured in this run


def times(value: float) -> str:
    """``value`` as a factor, with digits enough to tell it from a target such as 3x."""
    return f"{value:.2f}x" if value < 10 else f"{value:,.1f}x" if value < 100 else f"{value:,.0f}x"


def targets(
    api: list[ApiFigures], points: list[Point], floor: dict[str, WrkResult]
) -> list[Target]:
    at = {(p.server, p.n): p for p in points}
    out: list[Target] = []

    def versus_moto(server: str, n: int, goal: float, suffix: str = "") -> None:
        store = server.split("/")[1]
        label = f"{store}: first pages/s, 8 connections, N={n:,} >= {goal:g}x moto{suffix}"
        mine, moto = at.get((server, n)), at.get((MOTO, n))
        if mine is None or moto is None or math.isnan(moto.pages_c8):
            out.append(Target(label, "not measured", None))
            return
        ratio = mine.pages_c8 / moto.pages_c8
        guessed = " (moto extrapolated)" if moto.extrapolated else ""
        value = f"{times(ratio)}: {mine.pages_c8:,.0f} vs {moto.pages_c8:,.1f}{guessed}"
        out.append(Target(label, value, ratio >= goal))

    for server in USERPOOLS:
        mine = sorted((p for p in points if p.server == server), key=lambda p: p.n)
        if not mine:
            continue
        store = server.split("/")[1]
        versus_moto(server, 10_000, 30)
        versus_moto(server, 10_000, 100, " (next goal)")
        ten = at.get((server, 10_000))
        label = f"{store}: at N=10,000 8 connections >= 1 connection"
        if ten is None:
            out.append(Target(label, "not measured", None))
        else:
            value = f"{ten.pages_c8:,.0f} vs {ten.pages_c1:,.0f} pages/s"
            out.append(Target(label, value, ten.pages_c8 >= ten.pages_c1))
        versus_moto(server, 100_000, 200)
        small, big = mine[0], mine[-1]
        where = "" if big.n == MILLION else f" (target at N={MILLION:,})"
        ratio = big.last_ms / big.first_ms
        value = f"{ratio:.2f} (last full page: {big.last_full_ms / big.first_ms:.2f})"
        out.append(
            Target(
                f"{store}: last / first page <= 1.15 at N={big.n:,}{where}", value, ratio <= 1.15
            )
        )
        ratio = big.first_over_reference
        apart = f"{big.first_ms / small.first_ms:.2f} ({big.first_ms:.2f} / {small.first_ms:.2f})"
        out.append(
            Target(
                f"{store}: first page at N={big.n:,} / at N={small.n:,} <= 1.15{where}",
                f"{ratio:.2f} timed alternately; {apart} ms measured minutes apart",
                ratio <= 1.15,
            )
        )
        out.append(
            Target(
                f"{store}: server RSS <= 200 MB at N={big.n:,}{where}",
                f"{big.rss_mb:.0f} MB",
                big.rss_mb <= 200,
            )
        )
        share = min(p.pages_c8 / floor["8"].pages_per_s for p in mine)
        out.append(
            Target(
                f"{store}: first pages/s, 8 connections >= 50% of the floor (worst size)",
                f"{100 * share:.0f}%",
                share >= 0.5,
            )
        )
    by_server = {a.server: a for a in api}
    moto_api = by_server.get(MOTO)
    for server in USERPOOLS:
        mine_api = by_server.get(server)
        if mine_api is None:
            continue
        store = server.split("/")[1]
        for what, attr in (
            ("AdminCreateUser", "users_per_s"),
            ("AdminAddUserToGroup", "adds_per_s"),
        ):
            label = f"{store}: {what} via boto3, 4 threads >= 3x moto"
            if moto_api is None:
                out.append(Target(label, "not measured", None))
                continue
            mine_rate, theirs = getattr(mine_api, attr), getattr(moto_api, attr)
            ratio = mine_rate / theirs
            value = f"{times(ratio)}: {mine_rate:,.0f} vs {theirs:,.0f} per s"
            out.append(Target(label, value, ratio >= 3))
    pairs = [
        (p, at[(USERPOOLS[1], p.n)])
        for p in points
        if p.server == USERPOOLS[0]
        if (USERPOOLS[1], p.n) in at
    ]
    if pairs:
        worst = max(sqlite.pages_c8 / postgres.pages_c8 for sqlite, postgres in pairs)
        each = ", ".join(f"{s.pages_c8 / p.pages_c8:.2f}" for s, p in pairs)
        out.append(
            Target(
                "PostgreSQL first pages/s (8 connections) within 1.5x of SQLite (worst size)",
                f"{worst:.2f} (SQLite / PostgreSQL by size: {each})",
                worst <= 1.5,
            )
        )
    return out


# tables ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    value: Callable[[Point], float | str | None]
    fmt: str = "{:,.0f}"
    better: str = ""  # "higher", "lower" or "": compared with moto or not
    floor: Callable[[dict[str, WrkResult]], float | str] | None = None


def _wrk(connections: str, attr: str) -> Callable[[Point], float | None]:
    def value(p: Point) -> float | None:
        figure = getattr(p.wrk.get(connections), attr, None)
        return None if figure is None else float(figure)

    return value


def _latencies(connections: str) -> Callable[[Point], str | None]:
    def value(p: Point) -> str | None:
        r = p.wrk.get(connections)
        return None if r is None else f"{r.p50_ms:.2f} / {r.p99_ms:.2f}"

    return value


def _errors(p: Point) -> str | None:
    if not p.wrk:
        return None
    non_2xx = sum(r.non_2xx for r in p.wrk.values())
    return f"{non_2xx} / {sum(r.socket_errors for r in p.wrk.values())}"


def _wrk_cpu(p: Point) -> str | None:
    r = p.wrk.get("8")
    return None if r is None else f"{r.wrk_cpu_pct:.0f}% / {r.wrk_cpu_us:.0f}"


def _floor_latencies(connections: str) -> Callable[[dict[str, WrkResult]], str]:
    return lambda f: f"{f[connections].p50_ms:.2f} / {f[connections].p99_ms:.2f}"


PAGE_ROWS = (
    Row("seeding from the previous size (s)", lambda p: p.seed_s or None, "{:,.1f}"),
    Row(
        "first page, wrk 1 connection (pages/s)",
        lambda p: p.pages_c1,
        "{:,.0f}",
        "higher",
        lambda f: f["1"].pages_per_s,
    ),
    Row("  latency p50 / p99 (ms)", _latencies("1"), "{}", "", _floor_latencies("1")),
    Row(
        "first page, wrk 8 connections (pages/s)",
        lambda p: p.pages_c8,
        "{:,.0f}",
        "higher",
        lambda f: f["8"].pages_per_s,
    ),
    Row("  latency p50 / p99 (ms)", _latencies("8"), "{}", "", _floor_latencies("8")),
    Row(
        "  server CPU per page (ms)",
        _wrk("8", "server_cpu_ms"),
        "{:.2f}",
        "lower",
        lambda f: f["8"].server_cpu_ms,
    ),
    Row("  PostgreSQL backends' CPU per page (ms)", _wrk("8", "db_cpu_ms"), "{:.2f}"),
    Row(
        "  wrk CPU: % of a core / us per page",
        _wrk_cpu,
        "{}",
        "",
        lambda f: f"{f['8'].wrk_cpu_pct:.0f}% / {f['8'].wrk_cpu_us:.0f}",
    ),
    Row(
        "  machine CPU busy (%)",
        _wrk("8", "machine_busy_pct"),
        "{:.0f}",
        "",
        lambda f: f["8"].machine_busy_pct,
    ),
    Row("  non-2xx / socket errors (both runs)", _errors, "{}"),
    Row("first page, boto3 1 client (pages/s)", lambda p: p.boto3_pages_per_s, "{:,.0f}", "higher"),
    Row("first page, median (ms)", lambda p: p.first_ms, "{:.2f}", "lower"),
    Row("last page, median (ms)", lambda p: p.last_ms, "{:.2f}", "lower"),
    Row("last full page (60 users), median (ms)", lambda p: p.last_full_ms, "{:.2f}", "lower"),
    Row("last / first page", lambda p: p.last_ms / p.first_ms, "{:.2f}"),
    Row(
        "first page / at the smallest N (timed alternately)",
        lambda p: p.first_over_reference,
        "{:.2f}",
    ),
    Row(
        "NextToken walk: pages in s",
        lambda p: f"{p.walk_pages:,} in {p.walk_s:.1f}" if p.walk_pages else None,
        "{}",
    ),
    Row("server RSS after (MB)", lambda p: p.rss_mb, "{:,.0f}", "lower"),
)


def advantage(mine: float, theirs: float, better: str) -> str:
    """How many times better ``mine`` is (rates: mine/theirs; times and memory: the inverse)."""
    if not (mine > 0 and theirs > 0):  # also NaN
        return "n/a"
    return times(mine / theirs if better == "higher" else theirs / mine)


def markdown(lines: list[list[str]]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]

    def fmt(line: list[str]) -> str:
        cells = [line[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)]
        return "| " + " | ".join(cells) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(lines[0]), rule, *(fmt(line) for line in lines[1:])])


def cell(value: float | str | None, fmt: str, guessed: bool = False) -> str:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return fmt.format(value) + ("*" if guessed else "")


def share_of_floor(floor: dict[str, WrkResult]) -> Row:
    """Pages/s as a share of the floor's, with 1 and with 8 connections."""

    def value(p: Point) -> str | None:
        if math.isnan(p.pages_c1) or math.isnan(p.pages_c8) or not p.pages_c8:
            return None
        one = 100 * p.pages_c1 / floor["1"].pages_per_s
        eight = 100 * p.pages_c8 / floor["8"].pages_per_s
        return f"{one:.1f}% / {eight:.1f}%"

    return Row("  % of the floor (1 / 8 connections)", value, "{}")


def pages_table(points: list[Point], floor: dict[str, WrkResult], sizes: Sequence[int]) -> str:
    """One row per measure and size; a column per server, the floor, and userpools vs moto."""
    at = {(p.server, p.n): p for p in points}
    servers = [s for s in (*USERPOOLS, MOTO) if any(p.server == s for p in points)]
    stores = [s for s in servers if s != MOTO]
    header = ["measure", "N", *(s.removeprefix("userpools/") for s in servers), "floor"]
    if MOTO in servers:
        header += [f"{s.removeprefix('userpools/')} vs moto" for s in stores]
    lines = [header]
    rows = list(PAGE_ROWS)
    at_eight = next(
        i for i, row in enumerate(rows) if row.label.endswith("8 connections (pages/s)")
    )
    rows.insert(at_eight + 1, share_of_floor(floor))
    for row in rows:
        for i, n in enumerate(sizes):
            line = [row.label if i == 0 else "", f"{n:,}"]
            for server in servers:
                p = at.get((server, n))
                line.append("-" if p is None else cell(row.value(p), row.fmt, p.extrapolated))
            floor_value = row.floor(floor) if row.floor is not None and i == 0 else None
            line.append(cell(floor_value, row.fmt))
            moto = at.get((MOTO, n))
            for server in stores if MOTO in servers else ():
                mine, ratio = at.get((server, n)), ""
                if row.better and mine is not None and moto is not None:
                    a, b = row.value(mine), row.value(moto)
                    if isinstance(a, float) and isinstance(b, float):
                        ratio = advantage(a, b, row.better) + ("*" if moto.extrapolated else "")
                line.append(ratio)
            lines.append(line)
    return markdown(lines)


def api_table(api: list[ApiFigures], points: list[Point]) -> str:
    by_server = {a.server: a for a in api}
    servers = [s for s in (*USERPOOLS, MOTO) if s in by_server]
    stores = [s for s in servers if s != MOTO]
    moto = by_server.get(MOTO)
    header = ["measure", *(s.removeprefix("userpools/") for s in servers)]
    header += [f"{s.removeprefix('userpools/')} vs moto" for s in stores if moto]

    def bulk(server: str) -> float | None:
        mine = [p for p in points if p.server == server and p.seed_s]
        seconds = sum(p.seed_s for p in mine)
        return max(p.n for p in mine) / seconds if mine and seconds else None

    rows: list[tuple[str, Callable[[ApiFigures], float | str | None], str, str]] = [
        ("AdminCreateUser, 4 threads (users/s)", lambda a: a.users_per_s, "{:,.0f}", "higher"),
        ("  latency p50 (ms)", lambda a: a.create_p50_ms, "{:.1f}", "lower"),
        ("  server CPU per call (ms)", lambda a: a.create_cpu_ms, "{:.2f}", "lower"),
        ("  client CPU per call (ms, 4 threads)", lambda a: a.create_client_cpu_ms, "{:.2f}", ""),
        (
            "  client busy (% of one core)",
            lambda a: a.create_client_cpu_ms * a.users_per_s / 10,
            "{:.0f}",
            "",
        ),
        ("AdminAddUserToGroup, 4 threads (adds/s)", lambda a: a.adds_per_s, "{:,.0f}", "higher"),
        ("  latency p50 (ms)", lambda a: a.add_p50_ms, "{:.1f}", "lower"),
        ("  server CPU per call (ms)", lambda a: a.add_cpu_ms, "{:.2f}", "lower"),
        ("  client CPU per call (ms, 4 threads)", lambda a: a.add_client_cpu_ms, "{:.2f}", ""),
        (
            "  client busy (% of one core)",
            lambda a: a.add_client_cpu_ms * a.adds_per_s / 10,
            "{:.0f}",
            "",
        ),
        ("  errors", lambda a: str(a.errors), "{}", ""),
        ("store, a statement per row (users/s)", lambda a: a.store_rows_per_s, "{:,.0f}", ""),
        ("seeding the page sizes (users/s)", lambda a: bulk(a.server), "{:,.0f}", ""),
    ]
    lines = [header]
    for label, value, fmt, better in rows:
        line = [label, *(cell(value(by_server[s]), fmt) for s in servers)]
        for server in stores if moto else ():
            a, b = value(by_server[server]), value(moto) if moto else None
            ok = better and isinstance(a, float) and isinstance(b, float)
            line.append(advantage(a, b, better) if ok else "")  # type: ignore[arg-type]
        lines.append(line)
    return markdown(lines)


def report(
    api: list[ApiFigures],
    points: list[Point],
    floor: dict[str, WrkResult],
    checks: list[Target],
    args: argparse.Namespace,
    started: datetime,
    loads: tuple[tuple[float, float, float], tuple[float, float, float]],
) -> str:
    moto = sorted(p.n for p in points if p.server == MOTO and not p.extrapolated)
    lines = [
        f"Pages at scale, {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs; server source "
        f"{args.src}.",
        f"userpools: `userpools serve` ({_processes(args.workers)}, access log to a file), "
        "development mode "
        "(signatures not checked), seeded through its store, restarted at each size.",
        f"moto: `python -m moto.server`, seeded through its API; measured at N = "
        f"{', '.join(f'{n:,}' for n in moto) or 'none'}. "
        "* = extrapolated: moto's CPU per page is linear in the pool size (cpu = a + b N, "
        "least squares on the measured sizes); its times at the largest measured size are "
        "scaled by cpu(N) / cpu(that size), its rates divided by it; RSS fitted as a + b N.",
        f"wrk: -t {args.wrk_threads}, {args.duration:g} s per run, the request boto3 sends "
        "(signed once). floor: floor.py, Starlette + orjson under uvicorn with httptools, "
        "the same page. Medians of "
        f"{args.repeats} interleaved first / last / last full pages on one raw HTTP "
        f"connection; boto3 pages for {args.boto3_duration:g} s.",
        "vs moto = how many times better userpools is (rates: userpools / moto; times and "
        "memory: moto / userpools).",
        "load average at start: {:.2f} {:.2f} {:.2f}; at end: {:.2f} {:.2f} {:.2f}".format(
            *loads[0], *loads[1]
        ),
    ]
    if args.quick:
        lines.append("--quick: small sizes and short runs, not the reported figures.")
    lines += ["", f"Seeding through the API ({args.api_n:,} users, 4 boto3 clients):", ""]
    lines += [
        "(the 4 client threads share one Python process and its GIL: near 100% 'client "
        "busy', a rate is the client's limit, not the server's)",
        "",
    ]
    lines += [api_table(api, points), "", "Pages (ListUsersInGroup, Limit 60):", ""]
    lines += [pages_table(points, floor, args.sizes), "", "Targets:"]
    for t in checks:
        status = "n/a " if t.passed is None else ("PASS" if t.passed else "MISS")
        lines.append(f"  {status}  {t.description}: {t.value}")
    errors = [f"  {p.server} N={p.n:,}: {e}" for p in points for e in p.errors]
    errors += [f"  {a.server} API: {a.first_error}" for a in api if a.first_error]
    if errors:
        lines += ["", "Errors seen:", *errors]
    return "\n".join(lines)


# plot ------------------------------------------------------------------------------------


def draw(points: list[Point], floor: dict[str, WrkResult], path: Path) -> None:
    """Two panels against N (log x): first page latency, and first pages/s (8 connections)."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.4))
    styles = {USERPOOLS[0]: "tab:blue", USERPOOLS[1]: "tab:green", MOTO: "tab:red"}
    for server, color in styles.items():
        mine = sorted((p for p in points if p.server == server), key=lambda p: p.n)
        measured = [p for p in mine if not p.extrapolated]
        guessed = [p for p in mine if p.extrapolated]
        if not measured:
            continue
        label = server.replace("/", " ")
        for axis, attr in ((left, "first_ms"), (right, "pages_c8")):
            xs, ys = [p.n for p in measured], [getattr(p, attr) for p in measured]
            axis.plot(xs, ys, "-o", color=color, label=label)
            if guessed:
                bridge = [measured[-1], *guessed]
                axis.plot(
                    [p.n for p in bridge], [getattr(p, attr) for p in bridge], "--", color=color
                )
                axis.plot(
                    [p.n for p in guessed],
                    [getattr(p, attr) for p in guessed],
                    "o",
                    color=color,
                    markerfacecolor="none",
                    label=f"{label} (extrapolated)" if axis is left else None,
                )
    right.axhline(
        floor["8"].pages_per_s,
        color="grey",
        linestyle=":",
        label="floor: Starlette + orjson, same page",
    )
    left.set_title("First page latency, median (ms)")
    right.set_title("First pages per second, 8 connections (wrk)")
    sizes = sorted({p.n for p in points})
    for axis in (left, right):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xticks(sizes, [f"{n:,}" for n in sizes])
        axis.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        axis.yaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
        axis.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:,g}"))
        axis.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        axis.set_xlabel("members of the group (N)")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _processes(workers: int) -> str:
    return "one process" if workers <= 1 else f"--workers {workers}"
