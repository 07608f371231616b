"""The command line: import files, show what is loaded, regenerate the sample data.

    python -m coopdash import PATH... [--db FILE] [--library CODE] [--json]
    python -m coopdash status [--db FILE] [--lang en|zh]
    python -m coopdash restore FILE [--db FILE]
    python -m coopdash harvest [--month YYYY-MM | --from YYYY-MM --to YYYY-MM] [--platform NAME] [--library CODE] [--json]
    python -m coopdash sample [--out DIR]
    python -m coopdash user add NAME --role ROLE [--users FILE] [--password-stdin]
    python -m coopdash user remove NAME [--users FILE]
    python -m coopdash user list [--users FILE]

`import` exits 0 only when every file imported (or was already there).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from coopdash import cli_harvest, db, sql, states, writer
from coopdash.errors import AccessError, CoopdashError
from coopdash.load import ImportContext, ImportResult, expand_paths, import_files
from coopdash.registry import Registry
from coopdash.webapp import auth
from coopdash.writer import writing

OK_STATUSES = {"imported", "unchanged", "replaced"}
HARVEST_SCHEMA = 12  # queries/schema/012_harvest.sql


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m coopdash", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def add_db(command):
        command.add_argument(
            "--db",
            metavar="FILE",
            help=f"database file (default: ${db.ENV_DB} or {db.DEFAULT_DB.relative_to(db.DEFAULT_DB.parent.parent)})",
        )
        command.add_argument(
            "--registry",
            metavar="CSV",
            default=None,
            help="member registry CSV (default: $COOPDASH_REGISTRY, else data/libraries.csv)",
        )

    imp = commands.add_parser(
        "import", help="import COUNTER usage, MARC catalogue records and OCLC statistics (files or folders)"
    )
    imp.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    add_db(imp)
    imp.add_argument(
        "--library",
        metavar="CODE",
        help="member library the files belong to, when their own identifiers are not in the registry",
    )
    imp.add_argument(
        "--strict",
        action="store_true",
        help="refuse a catalogue file with any unreadable record, instead of skipping and listing those records",
    )
    imp.add_argument("--json", action="store_true", help="print one JSON object per file instead of a table")

    status = commands.add_parser("status", help="what is loaded: months covered per report, library and year")
    add_db(status)
    cli_harvest.lang_arg(status)
    status.add_argument("--settings", metavar="TOML", help="harvest settings (default: data/harvest.toml)")

    cli_harvest.add_parser(commands, add_db)

    restore = commands.add_parser(
        "restore", help="put a copy of the database back (a backup); the data it replaces is kept as a backup"
    )
    restore.add_argument("file", metavar="FILE", type=Path, help="the copy to restore")
    add_db(restore)

    sample = commands.add_parser("sample", help="regenerate the synthetic sample exports")
    sample.add_argument("--out", metavar="DIR", type=Path, default=db.DEFAULT_DB.parent / "sample")

    user = commands.add_parser("user", help="local sign-in: add, remove and list the users of the dashboard")
    user_commands = user.add_subparsers(dest="user_command", required=True)

    def add_users(command):
        command.add_argument(
            "--users",
            metavar="FILE",
            type=Path,
            help="the users file (default: users_file in .streamlit/secrets.toml, else data/users.toml)",
        )

    user_add = user_commands.add_parser("add", help="add a user, or replace a user's password and role")
    user_add.add_argument("name", metavar="NAME", help="lowercase letters, digits, '.', '_', '-'")
    user_add.add_argument("--role", required=True, metavar="ROLE", help=" or ".join(auth.ROLES))
    add_users(user_add)
    user_add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of asking twice",
    )
    user_remove = user_commands.add_parser("remove", help="remove a user")
    user_remove.add_argument("name", metavar="NAME")
    add_users(user_remove)
    add_users(user_commands.add_parser("list", help="the users and their roles"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = Console(highlight=False)
    if not out.is_terminal:
        out = Console(highlight=False, width=200)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        if args.command == "import":
            return run_import(args, out, err)
        if args.command == "status":
            return run_status(args, out)
        if args.command == "restore":
            return run_restore(args, out)
        if args.command == "harvest":
            return cli_harvest.run_harvest(args, out, err)
        if args.command == "sample":
            from coopdash.sample.generate import generate

            files = generate(args.out)
            out.print(f"wrote {len(files)} synthetic sample files under {args.out}")
            return 0
        if args.command == "user":
            return run_user(args, out)
    except CoopdashError as exc:
        err.print(f"[red]error:[/red] {exc}")
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 1
    return 2


def run_import(args, out: Console, err: Console) -> int:
    registry = Registry.load(Path(args.registry) if args.registry else None)
    files = expand_paths(args.paths)
    if not files:
        err.print("[red]error:[/red] no importable files found under " + ", ".join(map(str, args.paths)))
        return 2
    with writing(db.database_path(args.db)) as con:
        db.sync_registry(con, registry)
        results = []
        show_progress = not args.json and len(files) > 1 and err.is_terminal
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=not show_progress,
        ) as progress:
            task = progress.add_task("importing", total=len(files))
            context = ImportContext(registry, library=args.library, strict=args.strict)
            for result in import_files(con, files, context):
                progress.update(task, description=f"importing {Path(result.path).name[:40]}")
                results.append(result)
                if args.json:
                    print(json.dumps(result.as_json(), ensure_ascii=False), flush=True)
                progress.advance(task)
    if not args.json:
        print_summary(results, out)
    return 0 if all(r.status in OK_STATUSES for r in results) else 1


def print_summary(results: list[ImportResult], out: Console) -> None:
    table = Table(title="Import summary", show_lines=False)
    for column, how in (
        ("file", "fold"),
        ("status", "left"),
        ("kind", "left"),
        ("library", "left"),
        ("report", "left"),
        ("release", "left"),
        ("rows", "right"),
        ("skipped", "right"),
        ("stored", "right"),
        ("warnings", "right"),
    ):
        if how == "fold":
            table.add_column(column, overflow="fold")
        else:
            table.add_column(column, justify=how, no_wrap=True)
    colours = {"imported": "green", "replaced": "yellow", "unchanged": "dim", "failed": "red"}
    for r in results:
        table.add_row(
            Path(r.path).name,
            f"[{colours[r.status]}]{r.status}[/]",
            r.kind or "",
            r.library or "",
            r.report_id or "",
            r.release or "",
            f"{r.rows:,}",
            f"{r.skipped:,}",
            f"{r.long_rows:,}",
            str(len(r.warnings)),
        )
    out.print(table)
    for r in results:
        name = Path(r.path).name
        if r.error:
            out.print(f"[red]failed[/red] {r.error}")
        if r.note:
            out.print(f"[{colours[r.status]}]{r.status}[/] {name}: {r.note}")
        if r.warnings:
            out.print(f"[yellow]warnings[/yellow] {name}:")
            for warning in r.warnings:
                out.print(f"  - {warning}")
    counts = {status: sum(r.status == status for r in results) for status in colours}
    out.print(", ".join(f"{n} {status}" for status, n in counts.items() if n) + f" of {len(results)} file(s)")


def run_user(args, out: Console) -> int:
    path = args.users or auth.configured_users_file()
    if args.user_command == "add":
        auth.check_name(args.name)  # before asking for a password
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            try:
                password = getpass.getpass(f"password for {args.name}: ")
                again = getpass.getpass("again: ")
            except EOFError:
                raise AccessError(
                    "no password given: type it at a terminal, or use --password-stdin"
                ) from None
            if again != password:
                raise AccessError("the two passwords differ: nothing changed")
        replaced = auth.add_user(path, args.name, password, args.role)
        if replaced:
            out.print(f"replaced the password and role of user {args.name} ({args.role}) in {path}")
        else:
            out.print(f"added user {args.name} ({args.role}) to {path}")
    elif args.user_command == "remove":
        auth.remove_user(path, args.name)
        out.print(f"removed user {args.name} from {path}")
    else:
        users = auth.list_users(path)
        if not users:
            out.print(f"no users in {path}")
            return 0
        table = Table(title=str(path))
        table.add_column("user")
        table.add_column("role")
        for name, role in users.items():
            table.add_row(name, role)
        out.print(table)
    return 0


def run_restore(args, out: Console) -> int:
    path = db.database_path(args.db)
    level = db.restorable_level(args.file)
    registry = Registry.load(Path(args.registry) if args.registry else None)
    with writing(path, start_from=args.file) as con:
        kept = writer.keep_replaced(path)
        db.sync_registry(con, registry)
    out.print(
        f"restored {args.file} (schema {level}) as the database at {path}"
        + (f"; the data it replaced is kept as {kept}" if kept else "")
    )
    return 0


def run_status(args, out: Console) -> int:
    path = db.database_path(args.db)
    if not os.path.lexists(path):
        out.print(f"no database at {path}: import files first (python -m coopdash import PATH)")
        return 1
    with states.reading(path) as (con, _):
        totals = sql.df(con, "import_totals").iloc[0]
        coverage = sql.df(con, "coverage_by_library_year")
        out.print(
            f"{path}: {totals.files} file(s) imported"
            + (f" ({totals.synthetic_files} of them SYNTHETIC sample data)" if totals.synthetic_files else "")
            + f", {totals.usage_rows:,} usage rows"
            + (f", {totals.first_month:%Y-%m} to {totals.last_month:%Y-%m}" if totals.usage_rows else "")
        )
        members = list(Registry.load(Path(args.registry) if args.registry else None).libraries)
        for report_id, part in coverage.groupby("report_id", sort=True):
            years = sorted(part.year.unique())
            out.print(f"\n[bold]{report_id}[/bold]: months covered per year")
            table = Table()
            table.add_column("library")
            for year in years:
                table.add_column(str(year), justify="right")
            cells = {(row.library_code, row.year): row.months for row in part.itertuples()}
            # Every member, so a library with no report at all shows as a gap, not as nothing.
            others = sorted(set(part.library_code) - set(members))
            for code in members + others:
                table.add_row(code, *(_coverage_cell(cells.get((code, year), 0)) for year in years))
            out.print(table)
        if sql.scalar(con, "maintenance/schema_level") >= HARVEST_SCHEMA:  # else written before harvesting
            from coopdash.harvest import settings as harvest_settings

            settings = harvest_settings.load(Path(args.settings) if args.settings else None)
            cli_harvest.print_status(con, settings, out, args.lang)
    return 0


def _coverage_cell(months: int) -> str:
    if months == 12:
        return "[green]12[/green]"
    return f"[yellow]{months}[/yellow]" if months else "[dim]·[/dim]"
