"""The member registry, edited in the app (admins only), with the checks the CSV file gets."""

import pandas as pd
import streamlit as st

from coopdash import db
from coopdash.errors import CoopdashError
from coopdash.i18n import t
from coopdash.registry import COLUMNS, Registry, read_rows, registry_path, save_rows
from coopdash.webapp import access
from coopdash.webapp.frame import members, prepare_database, registry, through_entry
from coopdash.writer import writing

f = through_entry()
lang = f.lang
access.require("edit_registry", lang)
st.title(t("registry.title", lang))
st.caption(t("registry.lede", lang, file=registry_path().name))

path = registry_path()
current = pd.DataFrame([row for _, row in read_rows(path)], columns=list(COLUMNS), dtype="string")
edited = st.data_editor(
    current,
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    key="registry_editor",
    column_config={
        "aliases": st.column_config.TextColumn(help=t("registry.aliases_help", lang), width="large")
    },
)
if st.button(t("registry.save", lang), type="primary", key="registry_save"):
    rows = [
        {column: "" if pd.isna(value) else str(value) for column, value in row.items()}
        for row in edited.to_dict("records")
    ]
    try:
        checked = Registry.from_rows(
            rows, [t("registry.row", lang, row=n) for n in range(1, len(rows) + 1)], path.name
        )
        save_rows(path, rows)
        with writing(prepare_database()) as con:
            db.sync_registry(con, checked)
    except CoopdashError as exc:
        st.error(t("registry.refused", lang, error=str(exc)), icon=":material/error:")
    else:
        registry.clear()
        members.clear()
        st.success(t("registry.saved", lang, libraries=len(rows)), icon=":material/check_circle:")
