"""Harvest settings (admins): platforms, which libraries harvest from each, their credentials, and a connection test."""

import streamlit as st

from coopdash.errors import CoopdashError
from coopdash.harvest import credentials as secret_store
from coopdash.harvest import registry_record, status
from coopdash.harvest import settings as harvest_settings
from coopdash.i18n import t
from coopdash.webapp import access
from coopdash.webapp.frame import prepare_database, registry, through_entry

f = through_entry()
lang = f.lang
access.require("edit_harvest", lang)
st.title(t("harvest_settings.title", lang))
st.caption(
    t(
        "harvest_settings.lede",
        lang,
        settings=str(harvest_settings.settings_path()),
        credentials=str(secret_store.credentials_path()),
    )
)

try:
    settings = harvest_settings.load()
except harvest_settings.HarvestSettingsError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()
libraries = registry().libraries
labels = registry().labels(lang)

# ---------------------------------------------------------------- a platform
names = [p.name for p in settings.platforms]
if "hs_saved" in st.session_state:  # the platform just saved: shown chosen, with its message
    saved_name = st.session_state.pop("hs_saved")
    st.session_state.hs_platform = saved_name if saved_name in names else None
    st.success(t("harvest_settings.saved", lang, name=saved_name), icon=":material/check_circle:")
chosen = st.selectbox(
    t("column.platform", lang),
    [None, *names],
    format_func=lambda n: n or t("harvest_settings.new", lang),
    key="hs_platform",
)
record = st.file_uploader(
    t("harvest_settings.registry_record", lang),
    type=["json"],
    key="hs_record",
    help=t("harvest_settings.registry_help", lang),
)
current = settings.platform(chosen) if chosen else harvest_settings.Platform(name="", base_url="")
needs: list[str] = []
if record is not None and chosen is None:
    try:
        current, needs = registry_record.platform_from_record(record.getvalue(), record.name)
        st.info(
            t("harvest_settings.prefilled", lang, needs=", ".join(needs)), icon=":material/auto_fix_high:"
        )
    except CoopdashError as exc:
        st.error(str(exc), icon=":material/error:")
key = f"hs_{chosen or 'new'}_{current.name}"
with st.form(f"{key}_form"):
    name = st.text_input(t("harvest_settings.name", lang), current.name, key=f"{key}_name")
    base_url = st.text_input(
        t("harvest_settings.base_url", lang),
        current.base_url,
        key=f"{key}_url",
        help=t("harvest_settings.base_url_help", lang),
    )
    release = st.radio(
        t("harvest_settings.release", lang),
        harvest_settings.RELEASES,
        index=harvest_settings.RELEASES.index(current.release),
        horizontal=True,
        key=f"{key}_release",
    )
    reports = st.multiselect(
        t("harvest_settings.reports", lang),
        harvest_settings.REPORTS,
        list(current.reports),
        key=f"{key}_reports",
        help=t("harvest_settings.reports_help", lang),
    )
    platform_param = st.text_input(
        t("harvest_settings.platform_param", lang), current.platform_param, key=f"{key}_param"
    )
    members = st.multiselect(
        t("harvest_settings.libraries", lang),
        list(libraries),
        [c for c in current.libraries if c in libraries],
        format_func=lambda c: labels.get(c, c),
        key=f"{key}_libraries",
    )
    pause = st.number_input(
        t("harvest_settings.pause", lang),
        min_value=0.0,
        value=float(current.pause_seconds or settings.politeness.pause_seconds),
        key=f"{key}_pause",
    )
    saved = st.form_submit_button(t("harvest_settings.save", lang), type="primary", key="hs_save")
if saved:
    access.require("edit_harvest", lang)
    edited = harvest_settings.Platform(
        name.strip(),
        base_url.strip(),
        release,
        tuple(reports),
        platform_param.strip(),
        tuple(members),
        pause if pause != settings.politeness.pause_seconds else None,
        current.registry_record,
    )
    try:
        updated = harvest_settings.with_platform(settings, edited, replacing=chosen)
        harvest_settings.check(updated, str(harvest_settings.settings_path()), set(libraries))
        harvest_settings.save(updated)
        if chosen and chosen != edited.name:
            secret_store.rename_platform(None, chosen, edited.name)
    except CoopdashError as exc:
        st.error(t("harvest_settings.refused", lang, error=str(exc)), icon=":material/error:")
    else:
        st.session_state.hs_saved = edited.name
        st.rerun()
if chosen and st.button(t("harvest_settings.remove", lang), key="hs_remove", icon=":material/delete:"):
    access.require("edit_harvest", lang)
    harvest_settings.save(harvest_settings.without_platform(settings, chosen))
    st.success(t("harvest_settings.removed", lang, name=chosen), icon=":material/check_circle:")
    st.stop()
if not chosen:
    st.stop()

# ---------------------------------------------------------------- a library's credentials
platform = settings.platform(chosen)
st.subheader(t("harvest_settings.credentials", lang))
if not platform.libraries:
    st.info(t("harvest_settings.no_libraries", lang))
    st.stop()
library = st.selectbox(
    t("column.library", lang),
    list(platform.libraries),
    format_func=lambda c: labels.get(c, c),
    key="hs_library",
)
try:
    stored = secret_store.load().get((platform.name, library))
except CoopdashError as exc:
    st.error(str(exc), icon=":material/lock:")
    st.stop()
kept = [
    t(f"harvest_settings.field.{n}", lang)
    for n in ("customer_id", "requestor_id", "api_key", "platform")
    if stored and getattr(stored, n)
]
st.caption(
    t("harvest_settings.stored", lang, fields=", ".join(kept))
    if kept
    else t("harvest_settings.none_stored", lang)
)
with st.form(f"hs_credentials_{platform.name}_{library}", clear_on_submit=True):
    customer_id = st.text_input(
        t("harvest_settings.field.customer_id", lang), type="password", key="hs_customer_id"
    )
    requestor_id = st.text_input(
        t("harvest_settings.field.requestor_id", lang), type="password", key="hs_requestor_id"
    )
    api_key = st.text_input(t("harvest_settings.field.api_key", lang), type="password", key="hs_api_key")
    library_platform = st.text_input(t("harvest_settings.field.platform", lang), key="hs_library_platform")
    store = st.form_submit_button(
        t("harvest_settings.save_credentials", lang), type="primary", key="hs_store"
    )
if store:
    access.require("edit_harvest", lang)
    given = secret_store.Credentials(
        customer_id.strip(), requestor_id.strip(), api_key.strip(), library_platform.strip()
    )
    try:
        secret_store.store(None, platform.name, library, given)
    except CoopdashError as exc:
        st.error(str(exc), icon=":material/lock:")
    else:
        st.success(t("harvest_settings.credentials_saved", lang), icon=":material/check_circle:")
        stored = given
if st.button(
    t("harvest_settings.test", lang), key="hs_test", icon=":material/network_check:", disabled=not stored
):
    access.require("edit_harvest", lang)
    ok, reason = status.check_and_record(prepare_database(), platform, library, stored, settings.politeness)
    text = status.reason_text(reason[0], reason[1], lang)
    if ok:
        st.success(t("harvest_settings.verified", lang, answer=text), icon=":material/check_circle:")
    else:
        st.error(t("harvest_settings.not_verified", lang, answer=text), icon=":material/error:")
