"""Who may do what: the roles, the local users file, the OIDC role lists, the mode from secrets.toml.

Pure Python, no Streamlit: `coopdash.webapp.access` is the Streamlit glue around it and
the CLI's `user` command writes the users file through it.

Three roles, each able to do what the one before it can and more:

    viewer    every dashboard
    importer  also imports and data management
    admin     also users and the member registry

The mode comes from `.streamlit/secrets.toml`: none (no configuration: everyone
is a viewer and nobody imports), local (users and argon2 hashes in a TOML file,
for a single-machine deployment) or oidc (Streamlit's `st.login` against an
institution's identity provider, roles from e-mail lists).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from coopdash.errors import AccessError, SignInBusy

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_USERS_FILE = ROOT / "data" / "users.toml"
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"

ROLES = ("viewer", "importer", "admin")  # ordered by power
MODES = ("none", "local", "oidc")

# The least powerful role that may do each action.
ACTIONS = {
    "view": "viewer",
    "import": "importer",
    "manage_data": "importer",
    "edit_registry": "admin",
    "manage_users": "admin",
    "harvest": "importer",  # start a harvest from the app
    "edit_harvest": "admin",  # platforms, credentials, connection tests
}

MIN_PASSWORD_LENGTH = 10
NAME = re.compile(r"[a-z0-9._-]{1,64}")

# Streamlit's own st.login settings in [auth] (or [auth.<provider>] for the last three).
AUTH_SHARED_KEYS = ("redirect_uri", "cookie_secret")
AUTH_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")

# Password checks at once, in the whole process. Each argon2 check takes 64 MiB (m=65536) while it
# runs: twelve sign-ins at once took the server from 244 MB to 1013 MB. The others wait their
# turn for up to CHECK_QUEUE_SECONDS, then are told to try again.
CHECKS_AT_ONCE = 2
CHECK_QUEUE_SECONDS = 10.0
_checks = threading.BoundedSemaphore(CHECKS_AT_ONCE)

# Verified when the user does not exist, so an unknown name costs what a wrong password costs.
# Made with argon2-cffi's default parameters (the ones `_hasher()` uses; a test checks they still agree).
# Its result is ignored: an unknown name never signs in, whatever the password.
DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$1oyFGGzW1wycI9UGn0tJPA$yjyANxSYsXXAHjYC48K7rxird17htgQUOULHoI2nODY"
)


def can(role: str | None, action: str) -> bool:
    """Whether `role` may do `action`. None (nobody signed in) has a viewer's rights; an unknown role has none."""
    try:
        needed = ACTIONS[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}") from None
    if role is None:
        role = "viewer"
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


# ---------------------------------------------------------------- the local users file


@cache
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def add_user(path: Path, name: str, password: str, role: str) -> bool:
    """Add a user, or replace an existing user's password and role; True when it replaced one.

    Refuses a name that is not lowercase letters, digits, `.`, `_` and `-`, a role
    that is not one of ROLES, and a password under MIN_PASSWORD_LENGTH characters.
    """
    check_name(name)
    if role not in ROLES:
        raise AccessError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccessError(f"the password is too short: at least {MIN_PASSWORD_LENGTH} characters")
    users = _read(path)
    replaced = name in users
    users[name] = {"role": role, "hash": _hasher().hash(password)}
    _write(path, users)
    return replaced


def remove_user(path: Path, name: str) -> None:
    """Remove a user; refuses a name that is not in the file."""
    users = _read(path)
    if name not in users:
        raise AccessError(f"no user {name!r} in {path}")
    del users[name]
    _write(path, users)


def list_users(path: Path) -> dict[str, str]:
    """Name -> role, sorted by name; no users when the file does not exist yet."""
    return {name: entry["role"] for name, entry in sorted(_read(path).items())}


def verify(path: Path, name: str, password: str) -> str | None:
    """The user's role when the password is right, else None: the same None, in about the same time,
    for a wrong password and for a user that does not exist.

    At most CHECKS_AT_ONCE checks run at once; raises SignInBusy when this one waited its turn
    CHECK_QUEUE_SECONDS in vain (a known and an unknown name wait alike).
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    name = name.strip().lower()
    entry = _read(path).get(name) if NAME.fullmatch(name) else None
    stored = entry["hash"] if entry else DUMMY_HASH
    if not _checks.acquire(timeout=CHECK_QUEUE_SECONDS):
        raise SignInBusy("too many sign-ins at once")
    try:
        ok = _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        ok = False
    finally:
        _checks.release()
    # `entry` is checked after the hash work, so an unknown name took the same path.
    return entry["role"] if ok and entry is not None else None


def check_name(name: str) -> None:
    if not NAME.fullmatch(name):
        raise AccessError(
            f"invalid user name {name!r}: use 1 to 64 lowercase letters, digits, '.', '_' or '-'"
        )


def _read(path: Path) -> dict[str, dict[str, str]]:
    """The users file as name -> {role, hash}; checked, so a hand edit that broke it is reported, not used."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise AccessError(f"cannot read the users file {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AccessError(f"the users file {path} is not valid TOML: {exc}") from None
    users = data.get("users", {})
    if not isinstance(users, dict):
        raise AccessError(f"the users file {path}: [users] must be a table of users")
    for name, entry in users.items():
        if not NAME.fullmatch(name):
            raise AccessError(f"the users file {path}: invalid user name {name!r}")
        if (
            not isinstance(entry, dict)
            or entry.get("role") not in ROLES
            or not str(entry.get("hash", "")).startswith("$argon2")
        ):
            raise AccessError(
                f"the users file {path}: user {name!r} needs a role ({', '.join(ROLES)}) and an argon2 hash"
            )
    return users


def _write(path: Path, users: Mapping[str, Mapping[str, str]]) -> None:
    """Write the whole file at once (a temporary file renamed over it), readable by its owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# coopdash local users: written by `python -m coopdash user add/remove`; do not edit the hashes.",
        "",
    ]
    for name in sorted(users):
        # JSON strings of these characters are TOML basic strings.
        lines += [
            f"[users.{json.dumps(name)}]",
            f"role = {json.dumps(users[name]['role'])}",
            f"hash = {json.dumps(users[name]['hash'])}",
            "",
        ]
    handle, temporary = tempfile.mkstemp(prefix=".users-", suffix=".toml", dir=path.parent)
    try:
        os.chmod(temporary, 0o600)  # mkstemp's mode already; said here because it matters
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("\n".join(lines))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- OIDC roles


def oidc_role(email: str | None, settings: Mapping) -> str:
    """An identity provider's user's role from the `[coopdash]` lists `admins` and `importers`
    (addresses, or `@domain` for everyone in a domain; case ignored), else `default` (viewer)."""
    default = settings.get("default", "viewer")
    if default not in ROLES:
        raise AccessError(f"[coopdash] default = {default!r} in secrets.toml: one of {', '.join(ROLES)}")
    email = (email or "").strip().lower()
    if email.count("@") != 1 or email.startswith("@"):
        return default
    domain = email[email.index("@") :]
    for role, key in (("admin", "admins"), ("importer", "importers")):
        listed = settings.get(key, ())
        entries = {entry.strip().lower() for entry in ([listed] if isinstance(listed, str) else listed)}
        if email in entries or domain in entries:
            return role
    return default


# ---------------------------------------------------------------- settings from secrets.toml


@dataclass(frozen=True)
class Settings:
    """What `[coopdash]` (and `[auth]`) in secrets.toml say about access control."""

    mode: str = "none"
    users_file: Path = DEFAULT_USERS_FILE
    roles: Mapping = field(default_factory=dict)  # the [coopdash] section: admins, importers, default
    provider: str | None = None  # st.login(provider) when [auth.<provider>] holds the provider's keys

    @classmethod
    def from_secrets(cls, secrets: Mapping) -> Settings:
        """Read a mapping as st.secrets gives it; raises AccessError for a configuration that cannot work."""
        section = secrets.get("coopdash", {})
        if not isinstance(section, Mapping):
            raise AccessError("[coopdash] in secrets.toml must be a table")
        mode = section.get("auth", "none")
        if mode not in MODES:
            raise AccessError(f'[coopdash] auth = {mode!r} in secrets.toml: one of "local", "oidc", "none"')
        users_file = _users_file(section)
        provider = None
        if mode == "oidc":
            provider = _check_oidc(secrets, section)
        return cls(mode, users_file, dict(section), provider)


def mode_from(secrets: Mapping) -> str:
    """ "none", "local" or "oidc"; raises AccessError for an invalid configuration."""
    return Settings.from_secrets(secrets).mode


def _check_oidc(secrets: Mapping, section: Mapping) -> str | None:
    """The provider name for st.login, after checking [auth] has what st.login needs and the role lists."""
    auth = secrets.get("auth")
    if not isinstance(auth, Mapping):
        raise AccessError(
            '[coopdash] auth = "oidc" needs Streamlit\'s [auth] section in secrets.toml: '
            + ", ".join(AUTH_SHARED_KEYS + AUTH_PROVIDER_KEYS)
        )
    provider = section.get("provider")
    provider_keys = auth
    if provider is not None:
        provider_keys = auth.get(provider)
        if not isinstance(provider_keys, Mapping):
            raise AccessError(
                f"[coopdash] provider = {provider!r}, but secrets.toml has no [auth.{provider}]"
            )
    where = f"[auth.{provider}]" if provider else "[auth]"
    missing = [f"{key} in [auth]" for key in AUTH_SHARED_KEYS if not auth.get(key)]
    missing += [f"{key} in {where}" for key in AUTH_PROVIDER_KEYS if not provider_keys.get(key)]
    if missing:
        raise AccessError(f"secrets.toml: OIDC sign-in needs {', '.join(missing)}")
    for key in ("admins", "importers"):
        entries = section.get(key, [])
        if isinstance(entries, str) or not all(isinstance(e, str) and "@" in e for e in entries):
            raise AccessError(
                f'[coopdash] {key} in secrets.toml: a list of e-mail addresses or "@domain" entries'
            )
    oidc_role(None, section)  # checks `default`
    return provider


def configured_users_file(secrets_file: Path = SECRETS_FILE) -> Path:
    """The users file the app reads: `[coopdash] users_file` of the project's secrets.toml, else the default.

    For the CLI, so `user add` writes the file the dashboard signs in against.
    """
    try:
        secrets = tomllib.loads(secrets_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return DEFAULT_USERS_FILE
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AccessError(f"cannot read {secrets_file}: {exc}") from None
    section = secrets.get("coopdash", {})
    return _users_file(section) if isinstance(section, Mapping) else DEFAULT_USERS_FILE


def _users_file(section: Mapping) -> Path:
    """`users_file` from [coopdash]; a relative path is relative to the project folder, not the working one."""
    users_file = Path(section.get("users_file") or DEFAULT_USERS_FILE)
    return users_file if users_file.is_absolute() else ROOT / users_file
