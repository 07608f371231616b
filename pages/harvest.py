"""Harvest now (importers and admins): ask the platforms' COUNTER API for months, follow the run, see where each stands."""

from datetime import date

import streamlit as st

from coopdash.harvest import background, display, plan
from coopdash.harvest import settings as harvest_settings
from coopdash.i18n import month, t
from coopdash.webapp import access
from coopdash.webapp.frame import prepare_database, query, registry, through_entry

f = through_entry()
lang = f.lang
access.require("harvest", lang)
st.title(t("harvest.title", lang))
st.caption(t("harvest.lede", lang))

try:
    settings = harvest_settings.load()
except harvest_settings.HarvestSettingsError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()
if not settings.platforms:
    st.info(t("harvest.no_platforms", lang), icon=":material/settings:")
    st.stop()

names = [p.name for p in settings.platforms]
labels = registry().labels(lang)
last = plan.last_complete_month(date.today())
recent = plan.month_range(date(last.year - 10, 1, 1), last)[::-1]
left, middle = st.columns(2)
platform = left.selectbox(
    t("column.platform", lang),
    [None, *names],
    format_func=lambda n: n or t("harvest.all_platforms", lang),
    key="harvest_platform",
)
codes = sorted({code for p in settings.platforms if platform in (None, p.name) for code in p.libraries})
library = middle.selectbox(
    t("column.library", lang),
    [None, *codes],
    format_func=lambda c: labels.get(c, c) if c else t("filter.all_libraries", lang),
    key="harvest_library",
)
first_col, last_col = st.columns(2)
first = first_col.selectbox(
    t("harvest.from", lang), recent, index=0, format_func=lambda m: month(m, lang), key="harvest_from"
)
to = last_col.selectbox(
    t("harvest.to", lang), recent, index=0, format_func=lambda m: month(m, lang), key="harvest_to"
)

if st.button(t("harvest.now", lang), type="primary", icon=":material/cloud_download:", key="harvest_now"):
    access.require("harvest", lang)  # checked again when the button runs
    if first > to:
        st.error(t("harvest.bad_range", lang), icon=":material/error:")
    else:
        database = prepare_database()
        st.session_state.harvest_progress = background.start(
            database, settings.responses_dir(database), plan.month_range(first, to), platform, library
        )


@st.fragment(run_every=1.0)
def follow() -> None:
    """The running harvest's bar, then its result; redrawn every second until it ends."""
    path = st.session_state.get("harvest_progress")
    if not path:
        return
    state = background.progress(path)
    if state.get("error"):
        st.error(t("harvest.could_not_run", lang, error=state["error"]), icon=":material/error:")
    elif not state.get("finished"):
        total = state.get("total")
        done = state.get("done", 0)
        st.progress(
            done / total if total else 0.0,
            t("harvest.progress", lang, done=done, total=total if total is not None else "…"),
        )
        if state.get("current"):
            st.caption(state["current"])
    else:
        counts = ", ".join(f"{t(f'harvest.state.{s}', lang)} {n}" for s, n in state.get("states", {}).items())
        st.success(
            t("harvest.finished", lang, months=state.get("jobs", 0), counts=counts or "–"),
            icon=":material/check_circle:",
        )
        for skipped in state.get("skipped", []):
            st.warning(
                f"{skipped['platform']} · {skipped['library']}: {t('harvest.skip.' + skipped['reason_code'], lang)}"
            )


follow()

st.subheader(t("harvest.status_title", lang))
st.dataframe(query(display.overview, lang, ()), hide_index=True, width="stretch")
problems = query(display.problems, lang, ())
if not problems.empty:
    st.caption(t("harvest.problems", lang))
    st.dataframe(problems, hide_index=True, width="stretch")
