"""Access control: the roles, the local users file, OIDC roles, the mode from secrets.toml, the CLI, the app's checks."""

from __future__ import annotations

import io
import stat
import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher, extract_parameters
from streamlit.testing.v1 import AppTest

from coopdash import cli
from coopdash.errors import AccessError
from coopdash.i18n import t
from coopdash.webapp import auth

PASSWORD = "correct horse battery"
AUTH_SECTION = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a long random string",
    "client_id": "coopdash",
    "client_secret": "shh",
    "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration",
}


# ---------------------------------------------------------------- roles


@pytest.mark.parametrize(
    ("role", "view", "import_", "manage_data", "edit_registry", "manage_users"),
    [
        ("viewer", True, False, False, False, False),
        ("importer", True, True, True, False, False),
        ("admin", True, True, True, True, True),
        (None, True, False, False, False, False),  # nobody signed in: a viewer's rights
        ("root", False, False, False, False, False),  # an unknown role: no rights at all
        ("", False, False, False, False, False),
    ],
)
def test_can(role, view, import_, manage_data, edit_registry, manage_users):
    expected = {
        "view": view,
        "import": import_,
        "manage_data": manage_data,
        "edit_registry": edit_registry,
        "manage_users": manage_users,
    }
    assert {action: auth.can(role, action) for action in expected} == expected


def test_roles_are_ordered_by_power_and_an_unknown_action_is_a_bug():
    assert auth.ROLES == ("viewer", "importer", "admin")
    with pytest.raises(ValueError, match="unknown action"):
        auth.can("admin", "imports")


# ---------------------------------------------------------------- OIDC roles

ROLE_LISTS = {
    "admins": ["Director@ZJLib.cn"],
    "importers": ["@zjlib.cn", "clerk@hzlib.net"],
    "default": "viewer",
}


@pytest.mark.parametrize(
    ("email", "settings", "expected"),
    [
        ("director@zjlib.cn", ROLE_LISTS, "admin"),
        (" DIRECTOR@zjlib.CN ", ROLE_LISTS, "admin"),  # case and spaces ignored
        ("anyone@zjlib.cn", ROLE_LISTS, "importer"),  # the domain entry
        ("Clerk@HZLib.net", ROLE_LISTS, "importer"),
        ("other@hzlib.net", ROLE_LISTS, "viewer"),
        ("someone@notzjlib.cn", ROLE_LISTS, "viewer"),  # a domain entry is the whole domain, not a suffix
        ("someone@sub.zjlib.cn", ROLE_LISTS, "viewer"),
        ("@zjlib.cn", ROLE_LISTS, "viewer"),  # not an address
        ("a@b@zjlib.cn", ROLE_LISTS, "viewer"),
        (None, ROLE_LISTS, "viewer"),
        ("", ROLE_LISTS, "viewer"),
        ("anyone@example.org", {}, "viewer"),
        ("anyone@example.org", {"default": "importer"}, "importer"),
        ("director@zjlib.cn", {"admins": ["director@zjlib.cn"], "importers": ["@zjlib.cn"]}, "admin"),
    ],
)
def test_oidc_role(email, settings, expected):
    assert auth.oidc_role(email, settings) == expected


def test_oidc_role_refuses_an_unknown_default():
    with pytest.raises(AccessError, match="default"):
        auth.oidc_role("a@b.cn", {"default": "root"})


# ---------------------------------------------------------------- the mode from secrets.toml


@pytest.mark.parametrize(
    ("secrets", "mode"),
    [
        ({}, "none"),
        ({"coopdash": {}}, "none"),
        ({"coopdash": {"auth": "none"}}, "none"),
        ({"auth": AUTH_SECTION}, "none"),  # Streamlit's [auth] alone does not turn on our roles
        ({"coopdash": {"auth": "local"}}, "local"),
        ({"coopdash": {"auth": "local", "users_file": "/srv/coopdash/users.toml"}}, "local"),
        ({"coopdash": {"auth": "oidc"}, "auth": AUTH_SECTION}, "oidc"),
        ({"coopdash": {"auth": "oidc", "importers": ["@zjlib.cn"]}, "auth": AUTH_SECTION}, "oidc"),
        (
            {
                "coopdash": {"auth": "oidc", "provider": "zjlib"},
                "auth": {
                    "redirect_uri": AUTH_SECTION["redirect_uri"],
                    "cookie_secret": "x",
                    "zjlib": {k: AUTH_SECTION[k] for k in auth.AUTH_PROVIDER_KEYS},
                },
            },
            "oidc",
        ),
    ],
)
def test_mode_from(secrets, mode):
    assert auth.mode_from(secrets) == mode


@pytest.mark.parametrize(
    ("secrets", "message"),
    [
        ({"coopdash": {"auth": "oidc"}}, r"needs Streamlit's \[auth\] section"),
        (
            {
                "coopdash": {"auth": "oidc"},
                "auth": {k: v for k, v in AUTH_SECTION.items() if k != "client_secret"},
            },
            "client_secret",
        ),
        ({"coopdash": {"auth": "oidc", "provider": "zjlib"}, "auth": AUTH_SECTION}, r"no \[auth.zjlib\]"),
        ({"coopdash": {"auth": "oidc", "admins": "boss@zjlib.cn"}, "auth": AUTH_SECTION}, "admins"),
        ({"coopdash": {"auth": "oidc", "importers": ["zjlib.cn"]}, "auth": AUTH_SECTION}, "importers"),
        ({"coopdash": {"auth": "oidc", "default": "root"}, "auth": AUTH_SECTION}, "default"),
        ({"coopdash": {"auth": "ldap"}}, "one of"),
        ({"coopdash": "local"}, "must be a table"),
    ],
)
def test_an_invalid_configuration_says_what_is_wrong(secrets, message):
    with pytest.raises(AccessError, match=message):
        auth.mode_from(secrets)


def test_settings_resolve_the_users_file_and_the_provider():
    assert auth.Settings.from_secrets({}).users_file == auth.ROOT / "data" / "users.toml"
    relative = auth.Settings.from_secrets({"coopdash": {"auth": "local", "users_file": "private/u.toml"}})
    assert relative.users_file == auth.ROOT / "private" / "u.toml"  # the project folder, not the working one
    oidc = auth.Settings.from_secrets({"coopdash": {"auth": "oidc"}, "auth": AUTH_SECTION})
    assert oidc.provider is None


def test_the_cli_finds_the_users_file_the_app_uses(tmp_path):
    assert auth.configured_users_file(tmp_path / "missing.toml") == auth.DEFAULT_USERS_FILE
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        f'[coopdash]\nauth = "local"\nusers_file = "{tmp_path / "u.toml"}"\n', encoding="utf-8"
    )
    assert auth.configured_users_file(secrets) == tmp_path / "u.toml"


# ---------------------------------------------------------------- the local users file


def test_add_verify_remove_round_trip(tmp_path):
    users = tmp_path / "sub" / "users.toml"
    assert auth.list_users(users) == {}
    assert auth.add_user(users, "wang.li", PASSWORD, "importer") is False
    assert auth.add_user(users, "admin-1", "another long one", "admin") is False
    assert auth.list_users(users) == {"admin-1": "admin", "wang.li": "importer"}
    assert auth.verify(users, "wang.li", PASSWORD) == "importer"
    assert auth.verify(users, " Wang.Li ", PASSWORD) == "importer"  # names are lowercase; typing is forgiven
    assert auth.verify(users, "admin-1", "another long one") == "admin"

    assert auth.add_user(users, "wang.li", "a new password", "viewer") is True  # replaced, and says so
    assert auth.verify(users, "wang.li", PASSWORD) is None
    assert auth.verify(users, "wang.li", "a new password") == "viewer"

    auth.remove_user(users, "wang.li")
    assert auth.list_users(users) == {"admin-1": "admin"}
    assert auth.verify(users, "wang.li", "a new password") is None
    with pytest.raises(AccessError, match="no user 'wang.li'"):
        auth.remove_user(users, "wang.li")


def test_the_file_holds_no_password_and_only_its_owner_reads_it(tmp_path):
    users = tmp_path / "users.toml"
    auth.add_user(users, "wang", PASSWORD, "importer")
    text = users.read_text(encoding="utf-8")
    assert PASSWORD not in text
    assert "$argon2id$" in text
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    users.chmod(0o644)
    auth.add_user(users, "li", PASSWORD, "viewer")  # rewritten whole, with the owner-only mode again
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["users.toml"]  # no temporary file left behind


def test_wrong_password_and_unknown_user_are_the_same_none(tmp_path):
    users = tmp_path / "users.toml"
    auth.add_user(users, "wang", PASSWORD, "admin")
    assert auth.verify(users, "wang", "wrong password") is None
    assert auth.verify(users, "nobody", PASSWORD) is None
    assert auth.verify(users, "NOT A NAME!", PASSWORD) is None
    assert auth.verify(users, "wang", "") is None
    assert auth.verify(tmp_path / "no-such-file.toml", "wang", PASSWORD) is None


def test_an_unknown_user_takes_as_long_as_a_wrong_password(tmp_path):
    users = tmp_path / "users.toml"
    auth.add_user(users, "wang", PASSWORD, "admin")

    def fastest(name: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            auth.verify(users, name, "wrong password")
            times.append(time.perf_counter() - start)
        return min(times)

    assert 0.5 < fastest("nobody") / fastest("wang") < 2


def test_the_dummy_hash_has_the_parameters_of_real_hashes():
    assert extract_parameters(auth.DUMMY_HASH) == extract_parameters(PasswordHasher().hash("x"))
    assert not auth._hasher().check_needs_rehash(auth.DUMMY_HASH)


@pytest.mark.parametrize(
    ("name", "password", "role", "message"),
    [
        ("wang", "short", "importer", "too short"),
        ("wang", "123456789", "importer", "at least 10"),
        ("wang", PASSWORD, "root", "unknown role"),
        ("wang", PASSWORD, "", "unknown role"),
        ("Wang", PASSWORD, "viewer", "invalid user name"),
        ("wang li", PASSWORD, "viewer", "invalid user name"),
        ("", PASSWORD, "viewer", "invalid user name"),
        ('wang"]\n[users.x', PASSWORD, "viewer", "invalid user name"),
    ],
)
def test_weak_passwords_bad_roles_and_bad_names_are_refused(tmp_path, name, password, role, message):
    users = tmp_path / "users.toml"
    with pytest.raises(AccessError, match=message):
        auth.add_user(users, name, password, role)
    assert not users.exists()


def test_a_broken_users_file_is_reported(tmp_path):
    users = tmp_path / "users.toml"
    users.write_text('[users.wang]\nrole = "root"\nhash = "$argon2id$x"\n', encoding="utf-8")
    with pytest.raises(AccessError, match="needs a role"):
        auth.verify(users, "wang", PASSWORD)
    users.write_text("[users.wang\n", encoding="utf-8")
    with pytest.raises(AccessError, match="not valid TOML"):
        auth.list_users(users)


# ---------------------------------------------------------------- the CLI


def run_cli(monkeypatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(argv)


def test_cli_user_add_list_remove(tmp_path, monkeypatch, capsys):
    users = str(tmp_path / "users.toml")
    add = ["user", "add", "wang", "--role", "importer", "--users", users, "--password-stdin"]
    assert run_cli(monkeypatch, add, PASSWORD + "\n") == 0
    assert "added user wang (importer)" in capsys.readouterr().out
    assert auth.verify(Path(users), "wang", PASSWORD) == "importer"

    again = ["user", "add", "wang", "--role", "admin", "--users", users, "--password-stdin"]
    assert run_cli(monkeypatch, again, "another password\r\n") == 0
    assert "replaced the password and role of user wang (admin)" in capsys.readouterr().out
    assert auth.verify(Path(users), "wang", "another password") == "admin"

    assert run_cli(monkeypatch, ["user", "list", "--users", users]) == 0
    listing = capsys.readouterr().out
    assert "wang" in listing and "admin" in listing and "$argon2" not in listing

    assert run_cli(monkeypatch, ["user", "remove", "wang", "--users", users]) == 0
    assert "removed user wang" in capsys.readouterr().out
    assert run_cli(monkeypatch, ["user", "list", "--users", users]) == 0
    assert "no users" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["user", "add", "wang", "--role", "importer", "--password-stdin"], "short\n", "too short"),
        (["user", "add", "wang", "--role", "boss", "--password-stdin"], PASSWORD + "\n", "unknown role"),
        (
            ["user", "add", "Wang!", "--role", "viewer", "--password-stdin"],
            PASSWORD + "\n",
            "invalid user name",
        ),
        (["user", "remove", "nobody"], "", "no user 'nobody'"),
    ],
)
def test_cli_user_errors_exit_2_with_a_message(tmp_path, monkeypatch, capsys, argv, stdin, message):
    users = tmp_path / "users.toml"
    assert run_cli(monkeypatch, [*argv, "--users", str(users)], stdin) == 2
    assert message in capsys.readouterr().err
    assert not users.exists()


def test_cli_asks_twice_and_refuses_two_different_passwords(tmp_path, monkeypatch, capsys):
    users = tmp_path / "users.toml"
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.main(["user", "add", "wang", "--role", "viewer", "--users", str(users)]) == 2
    assert "differ" in capsys.readouterr().err
    assert not users.exists()
    answers = iter([PASSWORD, PASSWORD])
    assert cli.main(["user", "add", "wang", "--role", "viewer", "--users", str(users)]) == 0
    assert auth.verify(users, "wang", PASSWORD) == "viewer"


# ---------------------------------------------------------------- the app's checks (AppTest)

PROTECTED_PAGE = """
import streamlit as st
from coopdash.webapp import access

access.login_panel("en")
st.caption(f"user: {access.current_user()}")
access.require("import")
st.button("Import files")  # the import widget
st.write("IMPORT PAGE CONTENT")
"""
MARKER = "IMPORT PAGE CONTENT"


@pytest.fixture()
def users(tmp_path) -> Path:
    path = tmp_path / "users.toml"
    auth.add_user(path, "wang", PASSWORD, "importer")
    auth.add_user(path, "li", "viewer password", "viewer")
    return path


def protected_app(secrets: dict, user: dict | None = None) -> AppTest:
    at = AppTest.from_string(PROTECTED_PAGE, default_timeout=30)
    at.secrets = secrets
    if user is not None:
        at.user = user
    return at.run()


def local(users: Path) -> dict:
    return {"coopdash": {"auth": "local", "users_file": str(users)}}


def shown(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="access_name").input(name)
    at.text_input(key="access_password").input(password)
    next(b for b in at.button if b.label == t("access.sign_in", "en")).click()
    return at.run()


def test_a_session_nobody_signed_in_gets_no_import_widget_and_no_import_action(users):
    at = protected_app(local(users))
    assert not at.exception
    assert [e.value for e in at.main.error] == [t("access.sign_in_needed", "en")]
    assert "user: None" in [c.value for c in at.main.caption]
    assert MARKER not in shown(at)  # require() stopped the page
    assert [b.label for b in at.button] == [t("access.sign_in", "en")]  # no import button


def test_a_viewer_is_stopped_like_nobody(users):
    at = sign_in(protected_app(local(users)), "li", "viewer password")
    assert not at.exception
    assert t("access.signed_in", "en", name="li", role="viewer") in [c.value for c in at.sidebar.caption]
    assert [e.value for e in at.main.error] == [t("access.not_allowed", "en", role="viewer")]
    assert MARKER not in shown(at)
    assert "Import files" not in [b.label for b in at.button]


def test_an_importer_who_signs_in_gets_the_page_and_can_sign_out(users):
    at = sign_in(protected_app(local(users)), "wang", PASSWORD)
    assert not at.exception
    assert not at.error
    assert MARKER in shown(at)
    assert "Import files" in [b.label for b in at.button]
    assert "user: wang" in [c.value for c in at.main.caption]  # who the import is recorded as
    assert "access_password" not in at.session_state and PASSWORD not in repr(at.session_state)  # forgotten

    next(b for b in at.button if b.label == t("access.sign_out", "en")).click()
    at.run()
    assert MARKER not in shown(at)
    assert [e.value for e in at.main.error] == [t("access.sign_in_needed", "en")]


def test_removing_a_user_ends_their_rights_at_once(users):
    at = sign_in(protected_app(local(users)), "wang", PASSWORD)
    assert MARKER in shown(at)
    auth.add_user(users, "wang", PASSWORD, "viewer")
    at.run()
    assert MARKER not in shown(at)
    auth.remove_user(users, "wang")
    at.run()
    assert MARKER not in shown(at)
    assert [b.label for b in at.button] == [t("access.sign_in", "en")]


def test_wrong_password_and_unknown_user_get_the_same_message(users):
    wrong = sign_in(protected_app(local(users)), "wang", "not the password")
    unknown = sign_in(protected_app(local(users)), "nobody", PASSWORD)
    messages = [[e.value for e in at.sidebar.error] for at in (wrong, unknown)]
    assert messages[0] == messages[1] == [t("access.login_failed", "en")]
    assert MARKER not in shown(wrong) and MARKER not in shown(unknown)


def test_after_a_few_failures_the_next_attempt_must_wait(users):
    at = protected_app(local(users))
    for _ in range(3):
        at = sign_in(at, "wang", "not the password")
        assert [e.value for e in at.sidebar.error] == [t("access.login_failed", "en")]
    at = sign_in(at, "wang", PASSWORD)  # even the right password, too soon
    assert "wait" in at.sidebar.warning[0].value
    assert MARKER not in shown(at)


def test_without_configuration_everyone_reads_and_nobody_imports():
    at = protected_app({"coopdash": {"auth": "none"}})
    assert not at.exception
    assert [e.value for e in at.main.error] == [t("access.off", "en")]
    assert not at.button and not at.text_input  # no sign-in either
    assert MARKER not in shown(at)


def test_a_broken_configuration_is_said_and_grants_nothing():
    at = protected_app({"coopdash": {"auth": "oidc"}})
    assert not at.exception
    assert any("needs Streamlit's [auth] section" in e.value for e in at.sidebar.error)
    assert MARKER not in shown(at)


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ({"is_logged_in": True, "email": "clerk@zjlib.cn"}, True),
        ({"is_logged_in": True, "email": "reader@example.org"}, False),
        ({"is_logged_in": True, "email": "clerk@zjlib.cn", "email_verified": False}, False),
        ({"is_logged_in": False}, False),
        ({}, False),
    ],
)
def test_oidc_roles_in_the_app(user, allowed):
    secrets = {"coopdash": {"auth": "oidc", "importers": ["@zjlib.cn"]}, "auth": AUTH_SECTION}
    at = protected_app(secrets, user)
    assert not at.exception
    assert (MARKER in shown(at)) is allowed
    user_shown = f"user: {user['email'] if user.get('is_logged_in') else None}"
    assert user_shown in [c.value for c in at.main.caption]
    sign = t("access.sign_out" if user.get("is_logged_in") else "access.sign_in", "en")
    assert sign in [b.label for b in at.button]


def test_no_secrets_file_at_all_means_no_access_control(monkeypatch):
    import streamlit as st

    from coopdash.webapp import access

    class NoSecretsFile:
        def to_dict(self):
            raise FileNotFoundError("No secrets found")  # what StreamlitSecretNotFoundError is a kind of

    monkeypatch.setattr(st, "secrets", NoSecretsFile())
    assert access.settings().mode == "none"
    assert access.current_role() == "viewer"
    assert not auth.can(access.current_role(), "import")
