"""The dashboard's entry: page setup, the shared notices, navigation.

    streamlit run dashboard.py

On a fresh checkout the database is built from the bundled synthetic sample
exports first (data/sample/); set COOPDASH_DB to use another database file.
"""

import streamlit as st

from coopdash.webapp import (
    consortium,
    data_status,
    mark_entry,
    prepare_database,
    resume_wanted_page,
    synthetic_notice,
)

st.set_page_config(
    page_title="Library cooperation dashboard",
    page_icon=":material/public:",
    layout="wide",
)
st.logo("data/logo.svg", size="large")

mark_entry()
prepare_database()
status = data_status()
st.sidebar.caption(consortium().name_en + " · " + consortium().name_zh)
synthetic_notice(status)

navigation = st.navigation(
    [
        st.Page("pages/uptake.py", title="Uptake by city", icon=":material/bar_chart:", default=True),
        st.Page("pages/contributions.py", title="Contributions", icon=":material/library_books:"),
        st.Page("pages/services.py", title="OCLC services", icon=":material/swap_horiz:"),
    ]
)
resume_wanted_page()
navigation.run()
