"""Access control in the app: who the session's user is, the sign-in panel, the check a protected page makes.

The rules are in `coopdash.webapp.auth` (pure); this is the Streamlit side:

- the entry calls `login_panel(lang)` in its frame, before it builds the navigation,
  and registers, for the pages the session's role (`current_role()`) may not use,
  only a hidden `refusal` at their address;
- a protected page calls `require(action)` first on every run, and a button press
  (an import, a rollback, an edit) is a new run, so the check comes before the
  action: a page reached by URL, or a request crafted to press a button that was
  never drawn, gets an error and nothing else;
- failed sign-ins wait as `coopdash.webapp.signin_limits` says, per user name and per
  client address (`client_address()`), across sessions.

The role lives in the server-side session state under a key no widget uses, so a
browser cannot set it; in local mode it is looked up in the users file on every
run, so removing a user or changing the role takes effect at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st

from coopdash.errors import AccessError, SignInBusy
from coopdash.i18n import DEFAULT_LANGUAGE, t
from coopdash.webapp import auth, signin_limits

_USER = "access_signed_in_user"  # local mode: the name that signed in (never a widget key)


def settings() -> auth.Settings:
    """The access settings from st.secrets; no secrets file at all means no access control (mode none).

    Raises AccessError for a configuration that cannot work.
    """
    try:
        secrets = st.secrets.to_dict()
    except FileNotFoundError:  # StreamlitSecretNotFoundError: no secrets.toml, or one that cannot be read
        return auth.Settings()
    return auth.Settings.from_secrets(secrets)


def current_role() -> str | None:
    """The session's role: "viewer" for everyone without access control; None when nobody is signed in
    (a viewer's rights) or the configuration is broken."""
    try:
        config = settings()
        if config.mode == "none":
            return "viewer"
        if config.mode == "local":
            name = st.session_state.get(_USER)
            return auth.list_users(config.users_file).get(name) if name else None
        if not st.user.get("is_logged_in"):
            return None
        # An address the identity provider says it has not verified earns no more than the default.
        email = st.user.get("email") if st.user.get("email_verified") is not False else None
        return auth.oidc_role(email, config.roles)
    except AccessError:
        return None


def current_user() -> str | None:
    """Who is signed in, for the record of an import or a rollback: the local user name, or the
    identity provider's e-mail (else name); None when nobody is, or without access control."""
    try:
        config = settings()
        if config.mode == "local":
            name = st.session_state.get(_USER)
            return name if name and name in auth.list_users(config.users_file) else None
        if config.mode == "oidc" and st.user.get("is_logged_in"):
            return st.user.get("email") or st.user.get("name") or st.user.get("sub")
    except AccessError:
        pass
    return None


def require(action: str, lang: str | None = None) -> None:
    """First call of a protected page (and of a protected action): an error and st.stop() unless allowed."""
    role = current_role()
    if auth.can(role, action):
        return
    lang = lang or st.session_state.get("lang", DEFAULT_LANGUAGE)
    try:
        mode = settings().mode
    except AccessError as exc:
        st.error(t("access.config_error", lang, error=str(exc)), icon=":material/lock:")
        st.stop()
    if mode == "none":
        st.error(t("access.off", lang), icon=":material/lock:")
    elif role is None:
        st.error(t("access.sign_in_needed", lang), icon=":material/lock:")
    else:
        st.error(t("access.not_allowed", lang, role=t(f"role.{role}", lang)), icon=":material/lock:")
    st.stop()


def refusal(action: str, title: str, lang: str) -> Callable[[], None]:
    """What a protected page's address shows those who may not use it: its title and require()'s
    message (sign in first, not your role, or access control off), in `lang`. The page's own code
    never runs for them."""

    def refused() -> None:
        st.title(title)
        require(action, lang)

    return refused


def login_panel(lang: str) -> None:
    """The sidebar's sign-in: a name and password form (local) or the identity provider's button (OIDC),
    and sign-out once signed in. Draws nothing without access control."""
    sidebar = st.sidebar
    try:
        config = settings()
    except AccessError as exc:
        sidebar.error(t("access.config_error", lang, error=str(exc)), icon=":material/lock:")
        return
    if config.mode == "oidc":
        _oidc_panel(config, lang)
    elif config.mode == "local":
        _local_panel(config, lang)


def _oidc_panel(config: auth.Settings, lang: str) -> None:
    sidebar = st.sidebar
    if st.user.get("is_logged_in"):
        role = current_role() or "viewer"
        who = st.user.get("email") or st.user.get("name") or ""
        sidebar.caption(t("access.signed_in", lang, name=who, role=t(f"role.{role}", lang)))
        if sidebar.button(t("access.sign_out", lang), key="access_sign_out", icon=":material/logout:"):
            st.logout()
    elif sidebar.button(t("access.sign_in", lang), key="access_sign_in", icon=":material/login:"):
        if config.provider:
            st.login(config.provider)
        else:
            st.login()


def _local_panel(config: auth.Settings, lang: str) -> None:
    sidebar = st.sidebar
    name = st.session_state.get(_USER)
    if name:
        try:
            role = auth.list_users(config.users_file).get(name)
        except AccessError as exc:
            sidebar.error(t("access.config_error", lang, error=str(exc)), icon=":material/lock:")
            return
        if role is None:  # removed from the users file since signing in
            del st.session_state[_USER]
        else:
            sidebar.caption(t("access.signed_in", lang, name=name, role=t(f"role.{role}", lang)))
            if sidebar.button(t("access.sign_out", lang), key="access_sign_out", icon=":material/logout:"):
                del st.session_state[_USER]
                st.rerun()
            return
    with sidebar.form("access_sign_in_form", clear_on_submit=True):
        typed_name = st.text_input(t("access.name", lang), key="access_name", autocomplete="username")
        password = st.text_input(
            t("access.password", lang),
            type="password",
            key="access_password",
            autocomplete="current-password",
        )
        submitted = st.form_submit_button(t("access.sign_in", lang), icon=":material/login:")
    if submitted:
        _attempt(config, typed_name, password, lang)


def _attempt(config: auth.Settings, name: str, password: str, lang: str) -> None:
    """One sign-in: the same message for an unknown name and a wrong password; after a few failures
    of the name or from the address, in any session, a wait (coopdash.webapp.signin_limits)."""
    sidebar = st.sidebar
    address = client_address()
    wait = signin_limits.LIMITS.begin(name, address)
    if wait > 0:
        sidebar.warning(t("access.wait", lang, seconds=math.ceil(wait)), icon=":material/hourglass_top:")
        return
    try:
        role = auth.verify(config.users_file, name, password)
    except AccessError as exc:
        sidebar.error(t("access.config_error", lang, error=str(exc)), icon=":material/lock:")
        return
    except SignInBusy:
        sidebar.warning(t("access.busy", lang), icon=":material/hourglass_top:")
        return
    if role is None:
        sidebar.error(t("access.login_failed", lang), icon=":material/lock:")
        return
    signin_limits.LIMITS.succeeded(name, address)
    st.session_state[_USER] = name.strip().lower()
    st.rerun()


def client_address() -> str:
    """Where a sign-in came from: the connection's peer or, when the peer is the reverse proxy, the
    address the proxy put in X-Forwarded-For. Which peers count as the proxy is uvicorn's setting
    FORWARDED_ALLOW_IPS (by default this machine: 127.0.0.1 and ::1), applied before Streamlit
    sees the connection; st.context.ip_address is None for a browser on this machine itself."""
    return st.context.ip_address or "this machine"
