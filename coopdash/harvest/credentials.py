"""Each library's COUNTER API credentials for each platform: secrets, kept in one file only.

The file (`data/harvest_credentials.toml`, or the one COOPDASH_HARVEST_CREDENTIALS
names; git ignores the default) must be readable by the service's user alone
(mode 0600): one that the group or others may read is refused, since anyone on
the machine could then harvest in the consortium's name. Credentials may also sit
in `.streamlit/secrets.toml` under [harvest_credentials], held to the same rule.

    ["Platform name".hangzhou]
    customer_id = "..."
    requestor_id = "..."
    api_key = "..."
    platform = "..."      # only where one library's platform parameter differs

Nothing here is ever written to the database, a log, a message or a download:
`Credentials.__repr__` hides the values, and `redact` takes them out of any text
that came back from a server.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import quote, quote_plus

from coopdash.errors import CoopdashError
from coopdash.harvest.settings import _text, write_atomically
from coopdash.registry import ROOT

DEFAULT_CREDENTIALS = ROOT / "data" / "harvest_credentials.toml"
ENV_CREDENTIALS = "COOPDASH_HARVEST_CREDENTIALS"
STREAMLIT_SECRETS = ROOT / ".streamlit" / "secrets.toml"
SECRETS_TABLE = "harvest_credentials"


class CredentialsError(CoopdashError):
    """The credentials file cannot be used (unsafe mode, not TOML, a wrong key). Never quotes a value."""


def credentials_path(explicit: str | os.PathLike | None = None) -> Path:
    return Path(explicit or os.environ.get(ENV_CREDENTIALS) or DEFAULT_CREDENTIALS)


@dataclass(frozen=True)
class Credentials:
    customer_id: str = ""
    requestor_id: str = ""
    api_key: str = ""
    platform: str = ""  # overrides the platform's own platform parameter for this library

    def __repr__(self) -> str:  # a traceback or a debug print shows which are set, never what
        return (
            "Credentials("
            + ", ".join(f"{f.name}={'set' if getattr(self, f.name) else 'empty'}" for f in fields(self))
            + ")"
        )

    __str__ = __repr__

    @property
    def secrets(self) -> list[str]:
        """The values no output may show (the platform parameter is a name, not a secret)."""
        return [value for value in (self.customer_id, self.requestor_id, self.api_key) if value]


def check_private(path: Path) -> None:
    """Refuse a file the group or others may read or write, saying why and how to fix it."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise CredentialsError(
            f"{path} may be read by other users of this machine (mode {mode:04o}): it holds COUNTER API "
            f"credentials, so it is not used. Make it private: chmod 600 {path}"
        )


def _read_toml(path: Path) -> dict:
    check_private(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        # The decoder's message quotes no value, only where it stopped.
        raise CredentialsError(f"{path}: not valid TOML ({str(exc).splitlines()[0]})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialsError(f"{path}: cannot be read ({type(exc).__name__})") from None


def _entries(table: dict, where: str) -> dict[tuple[str, str], Credentials]:
    found = {}
    allowed = {f.name for f in fields(Credentials)}
    for platform, libraries in table.items():
        if not isinstance(libraries, dict):
            raise CredentialsError(f'{where}: ["{platform}"] must hold one table per library')
        for library, values in libraries.items():
            if not isinstance(values, dict):
                raise CredentialsError(f'{where}: ["{platform}".{library}] must be a table')
            unknown = sorted(set(values) - allowed)
            if unknown:
                raise CredentialsError(
                    f'{where}: ["{platform}".{library}] has unknown key(s) {", ".join(unknown)}; '
                    f"the keys are {', '.join(sorted(allowed))}"
                )
            if not all(isinstance(v, str) for v in values.values()):
                raise CredentialsError(f'{where}: ["{platform}".{library}]: every value must be a text')
            found[(platform, library)] = Credentials(**values)
    return found


def load(
    path: Path | None = None, secrets_toml: Path | None = STREAMLIT_SECRETS
) -> dict[tuple[str, str], Credentials]:
    """(platform, library code) -> credentials, from the credentials file and secrets.toml."""
    found: dict[tuple[str, str], Credentials] = {}
    if secrets_toml is not None and secrets_toml.exists():
        try:
            text = secrets_toml.read_text(encoding="utf-8")
        except OSError:
            text = ""
        if f"[{SECRETS_TABLE}" in text:  # only then does secrets.toml matter here, and must be private
            table = _read_toml(secrets_toml).get(SECRETS_TABLE, {})
            found.update(_entries(table, f"{secrets_toml} [{SECRETS_TABLE}]"))
    path = credentials_path(path)
    if path.exists():
        found.update(_entries(_read_toml(path), str(path)))
    return found


def store(path: Path | None, platform: str, library: str, credentials: Credentials | None) -> Path:
    """Set (or with None remove) one library's credentials for one platform; the file stays 0600."""
    path = credentials_path(path)
    current = _entries(_read_toml(path), str(path)) if path.exists() else {}
    if credentials is None:
        current.pop((platform, library), None)
    else:
        current[(platform, library)] = credentials
    lines = [
        "# COUNTER API credentials for coopdash harvesting. SECRET: mode 0600, never in git or a backup others read.",
    ]
    for (name, code), entry in sorted(current.items()):
        lines += ["", f"[{_text(name)}.{_text(code)}]"]
        lines += [
            f"{f.name} = {_text(getattr(entry, f.name))}" for f in fields(entry) if getattr(entry, f.name)
        ]
    write_atomically(path, "\n".join(lines) + "\n", mode=0o600)
    return path


def rename_platform(path: Path | None, old: str, new: str) -> None:
    """Keep the credentials with a platform whose name an admin changed."""
    path = credentials_path(path)
    if old == new or not path.exists():
        return
    for (name, code), entry in load(path, secrets_toml=None).items():
        if name == old:
            store(path, new, code, entry)
            store(path, old, code, None)


def redact(text: str, secrets: list[str]) -> str:
    """`text` with every secret replaced by ***: for anything a server said that we keep or show."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 3:
            for form in (secret, quote(secret, safe=""), quote_plus(secret)):  # as sent in an address, too
                text = text.replace(form, "***")
    return text
