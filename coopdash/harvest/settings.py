"""Where to harvest from: the platforms, their COUNTER API, and the libraries that harvest from each.

Data, not code and not secret: `data/harvest.toml` (or the file COOPDASH_HARVEST
names), edited by admins in the app and written whole by a rename, so a reader
never sees half of it. Credentials are never here (see credentials.py).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from coopdash.errors import CoopdashError
from coopdash.registry import ROOT

DEFAULT_SETTINGS = ROOT / "data" / "harvest.toml"
ENV_SETTINGS = "COOPDASH_HARVEST"
RELEASES = ("5", "5.1")
REPORTS = ("PR", "DR", "TR", "IR")  # the master reports; every standard view is a part of one
_URL = re.compile(r"^https?://[^\s/?#]+[^\s?#]*$")


class HarvestSettingsError(CoopdashError):
    """The harvest settings (data/harvest.toml, or an edit of them) cannot be used."""


def settings_path(explicit: str | os.PathLike | None = None) -> Path:
    return Path(explicit or os.environ.get(ENV_SETTINGS) or DEFAULT_SETTINGS)


@dataclass(frozen=True)
class Politeness:
    """How hard a run may press the platforms; short in the tests, a few seconds in service."""

    pause_seconds: float = 3.0  # between two requests to one host
    connect_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 300.0  # between two chunks of a response
    parallel_hosts: int = 4
    queued_wait_seconds: float = 60.0  # 202 / 1011: ask again after this, doubled each time
    queued_tries: int = 3  # in one run; then the daily retry
    busy_wait_seconds: float = 60.0  # 429 / 1020 / 1000 / 1010 without a Retry-After
    busy_tries: int = 3
    max_response_mb: int = 500  # a response larger than this is cut off and refused


@dataclass(frozen=True)
class Platform:
    name: str
    base_url: str
    release: str = "5.1"
    reports: tuple[str, ...] = REPORTS  # empty: every master report the platform's /reports lists
    platform_param: str = ""  # the `platform` parameter, for servers that host several
    libraries: tuple[str, ...] = ()
    pause_seconds: float | None = None  # this platform's own pause, when it asks for a longer one
    registry_record: str = ""  # the COUNTER Registry record it was filled from, for reference


@dataclass(frozen=True)
class HarvestSettings:
    platforms: tuple[Platform, ...] = ()
    politeness: Politeness = field(default_factory=Politeness)
    responses_folder: str = ""  # empty: `harvested` beside the database

    def platform(self, name: str) -> Platform:
        for platform in self.platforms:
            if platform.name == name:
                return platform
        raise HarvestSettingsError(
            f"no platform named '{name}' in the harvest settings; the platforms are: "
            + (", ".join(p.name for p in self.platforms) or "none yet")
        )

    def responses_dir(self, database: Path) -> Path:
        if self.responses_folder:
            folder = Path(self.responses_folder)
            return folder if folder.is_absolute() else ROOT / folder
        return database.parent / "harvested"


def load(path: Path | None = None) -> HarvestSettings:
    """The settings in `path`; no file at all means no platforms yet."""
    path = settings_path(path)
    if not path.exists():
        return HarvestSettings()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise HarvestSettingsError(f"{path}: cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise HarvestSettingsError(f"{path}: not valid TOML ({exc})") from None
    return parse(document, str(path))


def parse(document: dict, where: str) -> HarvestSettings:
    general = document.get("harvest", {})
    if not isinstance(general, dict):
        raise HarvestSettingsError(f"{where}: [harvest] must be a table")
    known = {f.name: f.type for f in fields(Politeness)}
    politeness = {}
    for key, value in general.items():
        if key == "responses_folder":
            continue
        if key not in known:
            raise HarvestSettingsError(f"{where}: [harvest] has an unknown setting '{key}'")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise HarvestSettingsError(f"{where}: [harvest] {key} must be a number of 0 or more")
        politeness[key] = int(value) if known[key] == "int" else float(value)
    raw = document.get("platform", [])
    if not isinstance(raw, list):
        raise HarvestSettingsError(f"{where}: platforms are [[platform]] tables")
    platforms = tuple(_platform(entry, f"{where}, platform {n}") for n, entry in enumerate(raw, start=1))
    settings = HarvestSettings(platforms, Politeness(**politeness), str(general.get("responses_folder", "")))
    check(settings, where)
    return settings


def _platform(entry: dict, where: str) -> Platform:
    if not isinstance(entry, dict):
        raise HarvestSettingsError(f"{where}: not a table")
    allowed = {f.name for f in fields(Platform)}
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise HarvestSettingsError(f"{where}: unknown setting(s) {', '.join(unknown)}")
    values = dict(entry)
    for key in ("reports", "libraries"):
        if key in values:
            if not isinstance(values[key], list) or not all(isinstance(v, str) for v in values[key]):
                raise HarvestSettingsError(f"{where}: {key} must be a list of texts")
            values[key] = tuple(values[key])
    if "release" in values:
        values["release"] = str(values["release"])
    return Platform(**values)


def check(settings: HarvestSettings, where: str, library_codes: set[str] | None = None) -> None:
    """Refuse what cannot work, naming the platform and the setting."""
    seen = set()
    for platform in settings.platforms:
        name = platform.name.strip() if isinstance(platform.name, str) else ""
        here = f"{where}: platform '{name}'" if name else f"{where}: a platform"
        if not name:
            raise HarvestSettingsError(f"{here} has no name")
        if name in seen:
            raise HarvestSettingsError(f"{here} is named twice; each platform needs its own name")
        seen.add(name)
        if not isinstance(platform.base_url, str) or not _URL.match(platform.base_url):
            raise HarvestSettingsError(
                f"{here}: base_url must be the COUNTER API's address, starting with https:// "
                "(for example https://sushi.example.org/counter)"
            )
        if platform.release not in RELEASES:
            raise HarvestSettingsError(f"{here}: release must be 5 or 5.1, not '{platform.release}'")
        bad = [r for r in platform.reports if r not in REPORTS]
        if bad:
            raise HarvestSettingsError(
                f"{here}: reports may be {', '.join(REPORTS)} (the standard views are parts of them), "
                f"not {', '.join(bad)}"
            )
        if library_codes is not None:
            unknown = [code for code in platform.libraries if code not in library_codes]
            if unknown:
                raise HarvestSettingsError(
                    f"{here}: {', '.join(unknown)} is not a member library (data/libraries.csv)"
                )
        if platform.pause_seconds is not None and platform.pause_seconds < 0:
            raise HarvestSettingsError(f"{here}: pause_seconds must be 0 or more")


def save(settings: HarvestSettings, path: Path | None = None) -> Path:
    """Write the settings whole: to a file beside `path`, then renamed over it."""
    path = settings_path(path)
    check(settings, str(path))
    write_atomically(path, render(settings), mode=0o644)
    return path


def render(settings: HarvestSettings) -> str:
    lines = [
        "# Where coopdash harvests COUNTER reports from (python -m coopdash harvest; the app's Harvest pages).",
        "# No credentials here: they are in the credentials file, readable only by the service's user.",
        "",
        "[harvest]",
    ]
    if settings.responses_folder:
        lines.append(f"responses_folder = {_text(settings.responses_folder)}")
    for item in fields(Politeness):
        lines.append(f"{item.name} = {getattr(settings.politeness, item.name)!r}")
    for platform in settings.platforms:
        lines += ["", "[[platform]]"]
        for item in fields(Platform):
            value = getattr(platform, item.name)
            if value is None or (item.name == "registry_record" and not value):
                continue
            if isinstance(value, tuple):
                lines.append(f"{item.name} = [{', '.join(_text(v) for v in value)}]")
            elif isinstance(value, str):
                lines.append(f"{item.name} = {_text(value)}")
            else:
                lines.append(f"{item.name} = {value!r}")
    return "\n".join(lines) + "\n"


def _text(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's."""
    return json.dumps(value, ensure_ascii=False)


def write_atomically(path: Path, text: str, *, mode: int) -> None:
    """The whole file or the old one, never half: a new file with `mode`, renamed over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.new")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(descriptor, mode)  # O_CREAT's mode is cut by the umask; this is not
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(draft, path)
    except BaseException:
        draft.unlink(missing_ok=True)
        raise


def with_platform(
    settings: HarvestSettings, platform: Platform, replacing: str | None = None
) -> HarvestSettings:
    """The settings with `platform` added, or put in the place of the one named `replacing`."""
    others = [p for p in settings.platforms if p.name != (replacing or platform.name)]
    index = next(
        (i for i, p in enumerate(settings.platforms) if p.name == (replacing or platform.name)), None
    )
    if index is None:
        return replace(settings, platforms=(*others, platform))
    return replace(settings, platforms=(*others[:index], platform, *others[index:]))


def without_platform(settings: HarvestSettings, name: str) -> HarvestSettings:
    return replace(settings, platforms=tuple(p for p in settings.platforms if p.name != name))
