"""Benchmark: every dashboard page, cold and warm, at national and at province scale.

    python bench/pages.py [--scale national|province|both] [--pages TEXT] [--warm-runs 3]
                          [--queries] [--top 15] [--limit 120] [--rebuild]

The pages are the `pages/*.py` files dashboard.py names (in its `st.Page(...)`
calls or the table it builds them from), in that order; none is listed here.
Each page is timed in a fresh Python process, as Streamlit's AppTest runs it
(tests/test_app.py), with COOPDASH_DB and COOPDASH_REGISTRY set to the database
and registry of the scale:

- first: the entry (run as tests/conftest.py's `entry_app` runs it), `switch_page(page)`, `run()`: the
  entry runs and goes on to the page, with the process's one-off set-up (schema
  check, registry copy, cached resources); printed, not held to a target;
- cold: `st.cache_data` cleared, `run()` again: the page as the first reader
  after an import sees it (every query runs, nothing cached);
- warm: `run()` again in the same process, the median of --warm-runs runs: the
  page as every later reader sees it.

A run not finished after --limit seconds (default 120) is stopped and shown as
such: a watchdog reports and ends the process, since Streamlit stops a script
only between its calls, never inside a long chart build.

A run is the whole script run, entry included, as a reader waits for it. Each
is split into: queries (`webapp.query`: the DuckDB work, or the
cache lookup when warm), charts (the Plotly figure builders of coopdash), render
(`st.plotly_chart`, `st.dataframe`: the figure and tables serialised for the
browser) and other (the rest: Streamlit, widgets, pandas in the page).

Targets: warm under 1 s, cold under 3 s, at national scale (bench/national.py:
3,000 libraries, about 20 million usage counts, 5 million catalogue records).
Province scale is the bundled sample (data/sample) with the bundled registry,
built into bench/out/province.duckdb.

--queries also times, on their own, the pure functions (coopdash/uptake.py,
contributions.py, services.py, ...) the pages called through `webapp.query` in
their cold runs, with the very arguments the pages gave them, each with a fresh
read-only connection as the dashboard opens one per query, and prints the
slowest, with the SQL files each ran: what needs pre-aggregating.
"""

from __future__ import annotations

import argparse
import ast
import functools
import hashlib
import importlib
import inspect
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
ENTRY = ROOT / "dashboard.py"
PROVINCE_DB = OUT / "province.duckdb"
WARM_TARGET, COLD_TARGET = 1.0, 3.0
LIMIT = 120.0  # seconds: a run not finished by then is reported as such (the target is 3)
sys.path[:0] = [str(ROOT), str(BENCH)]

BUCKETS = ("queries", "charts", "render", "other")


# ---------------------------------------------------------------- the pages


def discover_pages(entry: Path = ENTRY) -> list[str]:
    """The page files the entry names, in order: every string constant that is a .py file
    under the entry's folder (the arguments of st.Page, or a table they are built from)."""
    found = sorted(
        (node.lineno, node.col_offset, node.value)
        for node in ast.walk(ast.parse(entry.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.endswith(".py")
        and (entry.parent / node.value).is_file()
    )
    return list(dict.fromkeys(page for _, _, page in found))


# ---------------------------------------------------------------- the databases


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"{path.relative_to(ROOT)}\0".encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def province_database(rebuild: bool) -> tuple[Path, Path]:
    """The bundled sample imported into bench/out/province.duckdb (about half a minute, once)."""
    from coopdash import bootstrap, db
    from coopdash.load import expand_paths
    from coopdash.registry import DEFAULT_REGISTRY, Registry

    stamp_path = PROVINCE_DB.with_suffix(".json")
    files = expand_paths([bootstrap.SAMPLE_DIR])
    wanted = {"sample": _digest(files), "schema": _digest(sorted(db.SCHEMA.glob("*.sql")))}
    stamp = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
    if not rebuild and PROVINCE_DB.exists() and stamp.get("parameters") == wanted:
        print(f"province database: reusing {PROVINCE_DB.relative_to(ROOT)}")
        return PROVINCE_DB, DEFAULT_REGISTRY
    print(f"province database: importing {len(files)} sample files into {PROVINCE_DB.relative_to(ROOT)}")
    OUT.mkdir(parents=True, exist_ok=True)
    PROVINCE_DB.unlink(missing_ok=True)
    started = time.perf_counter()
    results = bootstrap.build_from_sample(PROVINCE_DB, Registry.load(DEFAULT_REGISTRY))
    seconds = time.perf_counter() - started
    failed = [r for r in results if r.status == "failed"]
    stamp_path.write_text(json.dumps({"parameters": wanted, "build_seconds": round(seconds, 1)}, indent=2))
    print(f"  built in {seconds:.1f} s ({len(results) - len(failed)} of {len(results)} files imported)")
    return PROVINCE_DB, DEFAULT_REGISTRY


def describe(database: Path) -> str:
    import duckdb

    con = duckdb.connect(str(database), read_only=True)
    try:
        libraries, counts, records, files = con.execute(
            "select (select count(*) from libraries), (select count(*) from usage_counts), "
            "(select count(*) from contributions), (select count(*) from imports)"
        ).fetchone()
    finally:
        con.close()
    return (
        f"{libraries:,} libraries, {counts:,} usage counts, {records:,} contributions, {files:,} files; "
        f"{database.relative_to(ROOT)} {database.stat().st_size / 2**20:,.0f} MB"
    )


# ---------------------------------------------------------------- inside the page process


class Clock:
    """Time spent in each bucket during one script run; nested calls count once (the outermost)."""

    def __init__(self) -> None:
        self.spent = dict.fromkeys(BUCKETS[:-1], 0.0)
        self.depth = dict.fromkeys(BUCKETS[:-1], 0)
        self.calls: list[dict] = []  # the pure functions the page ran through webapp.query
        self.phase = ""
        self.named: dict[str, float] = {}  # seconds per chart or render function in this run
        self.active: dict[str, tuple[str, float]] = {}  # bucket: (label, start) of the call under way

    def reset(self, phase: str) -> None:
        self.spent = dict.fromkeys(self.spent, 0.0)
        self.named = {}
        self.phase = phase

    def wrap(self, bucket: str, function: Callable, label: str = "") -> Callable:
        label = label or getattr(function, "__qualname__", repr(function))

        @functools.wraps(function)
        def timed(*args, **kwargs):
            self.depth[bucket] += 1
            started = time.perf_counter()
            if self.depth[bucket] == 1:
                self.active[bucket] = (label, started)
            try:
                return function(*args, **kwargs)
            finally:
                self.depth[bucket] -= 1
                if not self.depth[bucket]:
                    self.active.pop(bucket, None)
                    seconds = time.perf_counter() - started
                    self.spent[bucket] += seconds
                    self.named[label] = self.named.get(label, 0.0) + seconds

        timed.__wrapped_by_bench__ = True
        return timed

    def record(self, function: Callable) -> Callable:
        """webapp._cached(database, state, identity, module, name, args): which function, what arguments, how long."""

        @functools.wraps(function)
        def recorded(database, state, identity, module, name, args):
            started = time.perf_counter()
            result = function(database, state, identity, module, name, args)
            self.calls.append(
                {
                    "phase": self.phase,
                    "module": module,
                    "name": name,
                    "args": repr(tuple(args)),
                    "seconds": time.perf_counter() - started,
                    "rows": len(result) if hasattr(result, "__len__") else None,
                }
            )
            return result

        return recorded


def instrument(clock: Clock) -> list[str]:
    """Time the buckets by wrapping what pages call through module attributes; returns what was wrapped."""
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    import coopdash
    from coopdash.webapp import frame as webapp

    wrapped = []
    if callable(getattr(webapp, "query", None)):
        webapp.query = clock.wrap("queries", webapp.query, "webapp.query")
        wrapped.append("webapp.query")
    if callable(getattr(webapp, "_cached", None)):
        webapp._cached = clock.record(webapp._cached)
    # Chart modules: every coopdash module that builds Plotly figures (charts, citymap, ...).
    for path in sorted(Path(coopdash.__file__).parent.glob("[!_]*.py")):
        try:
            module = importlib.import_module(f"coopdash.{path.stem}")
        except Exception:  # a module being edited: its page will say what is wrong
            continue
        if not any(
            getattr(value, "__name__", "") == "plotly.graph_objects" for value in vars(module).values()
        ):
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                setattr(module, name, clock.wrap("charts", function, f"{path.stem}.{name}"))
                wrapped.append(f"{path.stem}.{name}")
    for name in ("plotly_chart", "dataframe", "pydeck_chart", "altair_chart", "vega_lite_chart"):
        if hasattr(DeltaGenerator, name):
            setattr(DeltaGenerator, name, clock.wrap("render", getattr(DeltaGenerator, name), f"st.{name}"))
            setattr(st, name, clock.wrap("render", getattr(st, name), f"st.{name}"))
    return wrapped


def run_page(page: str, warm_runs: int, limit: float) -> dict:
    """In a fresh process: the entry, then the page cold, then warm; one JSON line out."""
    import duckdb  # noqa: F401  (loaded before any clock starts, as in a running server)
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401
    import streamlit as st
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    config.set_option("client.showErrorDetails", "full")
    clock = Clock()
    instrument(clock)
    result: dict = {"page": page, "exceptions": []}

    def give_up(phase: str) -> None:
        """The run is past the limit: report what was measured and leave. AppTest's own timeout
        cannot do it: it waits for the script thread, which stops only between Streamlit calls."""
        result["unfinished"] = "cold" if phase == "first" else phase  # the first run is colder still
        result["exceptions"].append(f"{phase} run: not finished after {limit:g} s (--limit), stopped")
        named = dict(clock.named)
        for label, started in clock.active.values():
            named[f"{label} (unfinished)"] = time.perf_counter() - started
        result.setdefault("named", {})["warm" if phase.startswith("warm") else "cold"] = dict(
            sorted(named.items(), key=lambda kv: -kv[1])[:6]
        )
        result["calls"] = clock.calls
        print(json.dumps(result), flush=True)
        os._exit(0)

    def timed_run(at: AppTest, phase: str) -> float:
        clock.reset(phase)
        watchdog = threading.Timer(limit, give_up, args=(phase,))
        watchdog.daemon = True
        watchdog.start()
        started = time.perf_counter()
        try:
            at.run()
        finally:
            watchdog.cancel()
        seconds = time.perf_counter() - started
        for exception in at.exception:
            proto = exception.proto
            message = f"{phase}: {proto.type}: {proto.message}"
            trace = [line for line in proto.stack_trace if line.strip()]
            result["exceptions"].append(message + (f" ({trace[-1].strip()})" if trace else ""))
        parts = {bucket: round(clock.spent[bucket], 4) for bucket in clock.spent}
        parts["other"] = round(max(0.0, seconds - sum(parts.values())), 4)
        result.setdefault("parts", {})[phase] = parts
        queried: dict[str, float] = {}
        for call in clock.calls:
            if call["phase"] == phase:
                key = call["module"].removeprefix("coopdash.") + "." + call["name"]
                queried[key] = queried.get(key, 0.0) + call["seconds"]
        named = {**clock.named, **queried}
        named.pop("webapp.query", None)
        result.setdefault("named", {})[phase] = dict(sorted(named.items(), key=lambda kv: -kv[1])[:6])
        return seconds

    # Run from a script outside the repository, as tests/conftest.py's entry_app explains: next to
    # a pages/ folder AppTest would run each later page without the entry.
    at = AppTest.from_string(
        f"import runpy\nrunpy.run_path({str(ENTRY)!r}, run_name='__main__')", default_timeout=limit + 60
    )
    try:
        # The entry runs first, as always, and goes on to this page (not the default one: a slow
        # default page would hide every other); the process's one-off set-up happens here.
        at.switch_page(str(ROOT / page))
        result["first_s"] = timed_run(at, "first")
        st.cache_data.clear()
        result["cold_s"] = timed_run(at, "cold")
        warm = []
        for index in range(warm_runs if result["cold_s"] < 20 else 1):  # a slow page: one is enough
            warm.append(timed_run(at, f"warm{index}"))
        result["warm_runs"] = warm
        median = sorted(range(len(warm)), key=lambda i: warm[i])[(len(warm) - 1) // 2]
        result["warm_s"] = statistics.median(warm)
        result["parts"]["warm"] = result["parts"][f"warm{median}"]
        result["named"]["warm"] = result["named"][f"warm{median}"]
    except Exception as exc:  # a page that cannot be reached: say so, go on
        result["exceptions"].append(f"{type(exc).__name__}: {exc}")
    result["calls"] = clock.calls
    result["peak_mb"] = peak_mb()
    return result


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- the report


def measure(page: str, database: Path, registry: Path, warm_runs: int, limit: float) -> dict:
    env = {**os.environ, "COOPDASH_DB": str(database), "COOPDASH_REGISTRY": str(registry)}
    args = [
        sys.executable,
        __file__,
        "--child",
        page,
        "--warm-runs",
        str(warm_runs),
        "--limit",
        str(limit),
    ]
    try:
        done = subprocess.run(
            args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=limit * (3 + warm_runs) + 60
        )
    except subprocess.TimeoutExpired:
        return {"page": page, "exceptions": ["the page process did not finish in time and was stopped"]}
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines or not lines[-1].startswith("{"):
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        return {
            "page": page,
            "exceptions": [f"the page process failed ({done.returncode}): " + " | ".join(tail)],
        }
    return json.loads(lines[-1])


def verdict(r: dict) -> str:
    unfinished = r.get("unfinished")
    if unfinished == "cold":
        return "MISS: cold did not finish"
    cold, warm = r.get("cold_s"), r.get("warm_s")
    if cold is None:
        return "FAILED"
    misses = [f"cold > {COLD_TARGET:g} s"] * (cold >= COLD_TARGET)
    if warm is None:
        misses.append("warm did not finish" if unfinished else "warm failed")
    elif warm >= WARM_TARGET:
        misses.append(f"warm > {WARM_TARGET:g} s")
    return "ok" if not misses else "MISS: " + ", ".join(misses)


def _seconds(r: dict, phase: str, limit: float) -> str:
    if r.get(f"{phase}_s") is not None:
        return f"{r[f'{phase}_s']:>8.2f}"
    return f"{'>' + format(limit, 'g'):>8}" if r.get("unfinished", "").startswith(phase) else f"{'-':>8}"


def _parts(parts: dict | None) -> str:
    if not parts:
        return f"{'':>27}"
    return " ".join(f"{parts[b]:>6.2f}" for b in BUCKETS)


def report(scale: str, results: list[dict], limit: float) -> None:
    header = (
        f"{'page':<26}{'cold s':>8}{'warm s':>8}  {'against the targets':<32}"
        f"{'cold: queries charts render  other':>35}   {'warm: queries charts render  other':>35}{'peak MB':>9}"
    )
    print(f"\n{scale} scale: targets warm < {WARM_TARGET:g} s, cold < {COLD_TARGET:g} s")
    print(header)
    print("-" * len(header))
    for r in results:
        parts = r.get("parts", {})
        print(
            f"{r['page']:<26}{_seconds(r, 'cold', limit)}{_seconds(r, 'warm', limit)}  {verdict(r):<32}"
            f"{'':>8}{_parts(parts.get('cold'))}   {'':>8}{_parts(parts.get('warm'))}"
            + (f"{r['peak_mb']:>9,.0f}" if "peak_mb" in r else "")
        )
    first = [r["first_s"] for r in results if "first_s" in r]
    if first:
        print(
            "first run of each page in its fresh process (the entry's schema check and registry copy, "
            f"then the page, nothing cached): {min(first):.1f}-{max(first):.1f} s"
        )
    for r in results:
        for message in r.get("exceptions", []):
            print(f"EXCEPTION {r['page']}: {message}")
    for r in results:
        if verdict(r) == "ok":
            continue
        for phase in ("cold", "warm"):
            named = r.get("named", {}).get(phase)
            if named:
                print(
                    f"where {r['page']} spends its {phase} run (s): "
                    + ", ".join(f"{name} {seconds:.2f}" for name, seconds in named.items() if seconds >= 0.01)
                )


def time_queries(database: Path, registry: Path, results: list[dict], top: int) -> None:
    """The pages' own calls of the pure functions, replayed one by one against `database`."""
    import duckdb

    os.environ["COOPDASH_REGISTRY"] = str(registry)  # a function may read the registry
    from coopdash import sql

    used: dict[tuple[str, str, str], set[str]] = {}
    for r in results:
        for call in r.get("calls", []):
            if call["phase"] in ("first", "cold"):  # nothing cached: the function ran
                used.setdefault((call["module"], call["name"], call["args"]), set()).add(r["page"])
    ran: list[str] = []
    original = sql.execute

    def execute(con, name, **params):
        ran.append(name)
        return original(con, name, **params)

    sql.execute = execute
    rows = []
    try:
        for (module, name, args), pages in used.items():
            function = getattr(importlib.import_module(module), name)
            try:
                arguments = ast.literal_eval(args)
            except (ValueError, SyntaxError):
                rows.append((None, None, f"{module}.{name}{args}", "arguments not replayable", pages, None))
                continue
            times = []
            for _ in range(3):
                ran.clear()
                con = duckdb.connect(str(database), read_only=True)
                started = time.perf_counter()
                frame = function(con, *arguments)
                times.append(time.perf_counter() - started)
                con.close()
            label = f"{module.removeprefix('coopdash.')}.{name}{_short(arguments)}"
            size = len(frame) if hasattr(frame, "__len__") else None
            rows.append(
                (statistics.median(times), times[0], label, ", ".join(dict.fromkeys(ran)), pages, size)
            )
    finally:
        sql.execute = original
    rows.sort(key=lambda row: -(row[0] or 0))
    print(
        f"\nthe pages' queries at this scale, slowest first ({len(rows)} distinct calls; fresh connection each):"
    )
    print(f"{'median s':>9}{'first s':>9}{'rows':>11}  call  [queries/*.sql]  (pages)")
    for median, first, label, names, pages, size in rows[:top]:
        print(
            (f"{median:>9.3f}{first:>9.3f}" if median is not None else f"{'-':>9}{'-':>9}")
            + (f"{size:>11,}" if size is not None else f"{'':>11}")
            + f"  {label}  [{names}]  ({', '.join(sorted(p.removeprefix('pages/') for p in pages))})"
        )


def _short(arguments: tuple) -> str:
    shown = []
    for value in arguments:
        if isinstance(value, tuple | list) and len(value) > 3:
            shown.append(f"<{len(value)} codes>")
        else:
            shown.append(repr(value))
    return "(" + ", ".join(shown) + ")"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["national", "province", "both"], default="both")
    parser.add_argument("--pages", default="", help="only the pages whose path contains this text")
    parser.add_argument("--warm-runs", type=int, default=3, help="warm runs per page; the median is shown")
    parser.add_argument("--queries", action="store_true", help="also time the pages' queries one by one")
    parser.add_argument("--top", type=int, default=15, help="how many of the slowest queries to print")
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    parser.add_argument(
        "--limit", type=float, default=LIMIT, help=f"seconds a page run may take (default {LIMIT:g})"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_page(args.child, args.warm_runs, args.limit)), flush=True)
        # An unfinished run's script thread is still drawing: leave without waiting for it.
        os._exit(0)

    pages = [page for page in discover_pages() if args.pages in page]
    if not pages:
        raise SystemExit(f"no page of {ENTRY.name} matches '{args.pages}'")
    print(f"pages ({ENTRY.name}): {', '.join(pages)}")
    scales = ["national", "province"] if args.scale == "both" else [args.scale]
    for scale in scales:
        if scale == "national":
            import national

            # In its own process: the build's memory is not this process's while the pages run.
            subprocess.run(
                [sys.executable, str(BENCH / "national.py"), *(["--rebuild"] if args.rebuild else [])],
                check=True,
            )
            database, registry = national.DATABASE, national.REGISTRY_CSV
        else:
            database, registry = province_database(args.rebuild)
        print(f"{scale}: {describe(database)}")
        results = []
        for page in pages:
            started = time.perf_counter()
            results.append(measure(page, database, registry, args.warm_runs, args.limit))
            r = results[-1]
            print(
                f"  {page}: cold {r.get('cold_s', float('nan')):.2f} s, warm {r.get('warm_s', float('nan')):.2f} s"
                f" ({time.perf_counter() - started:.0f} s with the entry)",
                flush=True,
            )
        report(scale, results, args.limit)
        if args.queries:
            time_queries(database, registry, results, args.top)


if __name__ == "__main__":
    main()
