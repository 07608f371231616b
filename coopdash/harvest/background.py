"""'Harvest now' from the app: the harvest command in a process of its own, and its progress.

The page must not hold a harvest in its script run (a reader closing the tab
would end it), so it starts `python -m coopdash harvest` on its own, which keeps
its progress in a small JSON file the page reads every second; the harvest lock
keeps it from overlapping the timer's run, and says so in that file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

from coopdash.registry import ROOT


def start(
    database: Path,
    folder: Path,
    months: list[date],
    platform: str | None,
    library: str | None,
    settings: Path | None = None,
    credentials: Path | None = None,
) -> Path:
    """Start a harvest; returns the progress file the page follows."""
    folder.mkdir(parents=True, exist_ok=True)
    progress = folder / f"progress-{uuid.uuid4().hex}.json"
    command = [
        sys.executable,
        "-m",
        "coopdash",
        "harvest",
        "--db",
        str(database),
        "--json",
        "--progress-file",
        str(progress),
    ]
    if months:
        command += ["--from", f"{min(months):%Y-%m}", "--to", f"{max(months):%Y-%m}"]
    if platform:
        command += ["--platform", platform]
    if library:
        command += ["--library", library]
    if settings:
        command += ["--settings", str(settings)]
    if credentials:
        command += ["--credentials", str(credentials)]
    progress.write_text(json.dumps({"done": 0, "total": None, "finished": False}), encoding="utf-8")
    with open(folder / "harvest-now.log", "ab") as log:
        subprocess.Popen(  # our own command, no shell; the arguments are the page's choices
            command,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ},
        )
    return progress


def progress(path: Path) -> dict:
    """What the harvest says of itself: done, total, current, finished, states, problems, error."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"done": 0, "total": None, "finished": False}
