"""Data management: the import history, rolling back one import, the whole database to download."""

import streamlit as st

from coopdash import coverage, export, rollback
from coopdash.errors import CoopdashError
from coopdash.i18n import t
from coopdash.webapp import access
from coopdash.webapp.frame import prepare_database, query, registry, through_entry
from coopdash.writer import writing

f = through_entry()
lang = f.lang
access.require("manage_data", lang)
st.title(t("data.title", lang))

history = query(coverage.import_history, None)
if history.empty:
    st.info(t("notice.no_data", lang), icon=":material/inbox:")
    st.stop()

labels = registry().labels(lang)
st.subheader(t("coverage.history", lang))
st.dataframe(coverage.history_for_display(history, labels, lang), hide_index=True, width="stretch")
st.caption(t("data.history_note", lang))

st.subheader(t("data.rollback", lang))
files = dict(zip(history.import_id, history.file_name, strict=True))
chosen = st.selectbox(
    t("data.rollback_which", lang),
    list(files),
    index=None,
    format_func=lambda import_id: f"#{import_id} {files[import_id]}",
    key="rollback_import",
)
st.caption(t("data.rollback_note", lang))
sure = st.checkbox(t("data.rollback_sure", lang), key="rollback_sure", disabled=chosen is None)
if st.button(t("data.rollback_go", lang), disabled=not (chosen is not None and sure), key="rollback_go"):
    try:
        with writing(prepare_database()) as con:
            done = rollback.roll_back(con, int(chosen), by=access.current_user())
    except CoopdashError as exc:
        st.error(str(exc), icon=":material/error:")
    else:
        st.success(
            t(
                "data.rolled_back",
                lang,
                import_id=done.import_id,
                file=done.file_name,
                rows=f"{done.rows_removed:,}",
                restored=f"{done.rows_restored:,}",
            ),
            icon=":material/undo:",
        )

st.subheader(t("data.download", lang))
st.caption(t("data.download_note", lang))
if st.button(t("data.prepare_download", lang), key="prepare_download"):
    with st.spinner(t("data.preparing", lang)):
        st.session_state.parquet_zip = export.parquet_zip(prepare_database())
if "parquet_zip" in st.session_state:
    st.download_button(
        t("data.download_zip", lang),
        st.session_state.parquet_zip,
        file_name="coopdash-parquet.zip",
        mime="application/zip",
        key="download_zip",
    )
