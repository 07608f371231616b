"""The documentation says what is true: commands, the schema page, the CI script."""

import argparse
import re
import tomllib
from pathlib import Path

import duckdb

from coopdash import db
from coopdash.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README, flags=re.S)


def test_readme_gives_the_two_commands_first():
    start, test = readme_commands()[:2]
    assert start.endswith("streamlit run dashboard.py")
    assert test.endswith("python -m pytest")
    assert "requirements.txt" in start and "requirements-dev.txt" in test


def test_ci_runs_the_readmes_test_command_verbatim():
    test_command = readme_commands()[1]
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_every_documented_cli_command_and_flag_exists():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for command, flags in re.findall(r"python -m coopdash (\w+)([^\n`]*)", README):
        assert command in commands, command
        documented = commands[command]
        nested = [action for action in documented._actions if isinstance(action, argparse._SubParsersAction)]
        if nested:  # `user add ...`: the flags belong to the subcommand
            subcommand = flags.split()[0]
            assert subcommand in nested[0].choices, f"{command} {subcommand}"
            documented = nested[0].choices[subcommand]
            command = f"{command} {subcommand}"
        known = {option for action in documented._actions for option in action.option_strings}
        for flag in re.findall(r"--[a-z-]+", flags):
            assert flag in known, f"{command} {flag}"


def test_schema_page_lists_every_column(tmp_path):
    con = db.connect(tmp_path / "schema.duckdb")
    page = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    for table in (
        "libraries",
        "imports",
        "usage",
        "contributions",
        "ill_activity",
        "cataloguing_activity",
        "import_problems",
        "rollbacks",
    ):
        section = page.split(f"## `{table}`", 1)[1].split("\n## ", 1)[0]
        columns = [name for (name,) in con.execute(f"select column_name from (describe {table})").fetchall()]  # noqa: S608
        missing = [c for c in columns if f"`{c}`" not in section]
        assert not missing, f"docs/schema.md does not document {table}: {missing}"
    con.close()


def test_schema_is_idempotent(tmp_path):
    path = tmp_path / "twice.duckdb"
    db.connect(path).close()
    con = db.connect(path)  # applying the schema again changes nothing and fails on nothing
    assert con.execute("select count(*) from schema_version").fetchone()[0] == len(
        list(db.SCHEMA.glob("*.sql"))
    )
    con.close()
    assert duckdb.connect(str(path), read_only=True).execute("select count(*) from usage").fetchone()[0] == 0


def test_the_deployment_files_agree_with_the_app_s_settings():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    proxy = (ROOT / "deploy" / "nginx-coopdash.conf").read_text(encoding="utf-8")
    service = (ROOT / "deploy" / "coopdash.service").read_text(encoding="utf-8")
    # nginx would refuse with 413 an upload the app accepts
    assert re.search(r"client_max_body_size (\d+)m;", proxy).group(1) == str(
        config["server"]["maxUploadSize"]
    )
    served = re.search(r"--server\.address (\S+) --server\.port (\d+)", service).groups()
    assert served[0] == "127.0.0.1"  # only the proxy reaches Streamlit
    assert f"proxy_pass http://{served[0]}:{served[1]};" in proxy
    assert "proxy_set_header Upgrade $http_upgrade;" in proxy  # the page is a websocket
