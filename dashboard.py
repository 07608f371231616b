"""The dashboard's entry: page setup, the frame every page shares (language, filters, notices), navigation.

    streamlit run dashboard.py

On a fresh checkout the database is built from the bundled synthetic sample
exports first (data/sample/); set COOPDASH_DB to use another database file.
"""

import streamlit as st

from coopdash import access, auth
from coopdash.i18n import t
from coopdash.registry import ROOT
from coopdash.webapp import entry_running, page_frame, resume_wanted_page, started_as_pages_folder_app

st.set_page_config(page_title="Library cooperation · 图书馆合作", page_icon="🌐", layout="wide")
if started_as_pages_folder_app():
    st.navigation([st.Page(ROOT / "pages" / "overview.py")], position="hidden")  # ends that mode
    st.rerun()
st.logo(ROOT / "data" / "logo.svg", size="large")

lang = page_frame().lang

PAGES = (
    ("pages/overview.py", "nav.overview", ":material/dashboard:"),
    ("pages/uptake.py", "nav.uptake", ":material/bar_chart:"),
    ("pages/contributions.py", "nav.contributions", ":material/library_books:"),
    ("pages/services.py", "nav.services", ":material/swap_horiz:"),
    ("pages/city.py", "nav.city", ":material/location_city:"),
    ("pages/compare.py", "nav.compare", ":material/compare_arrows:"),
    ("pages/coverage.py", "nav.coverage", ":material/grid_on:"),
)
# Pages for those allowed to change the data: not even listed for anyone else.
PROTECTED = (
    ("pages/imports.py", "nav.imports", ":material/upload_file:", "import"),
    ("pages/data.py", "nav.data", ":material/database:", "manage_data"),
    ("pages/registry.py", "nav.registry", ":material/badge:", "edit_registry"),
    ("pages/harvest.py", "nav.harvest", ":material/cloud_download:", "harvest"),
    ("pages/harvest_settings.py", "nav.harvest_settings", ":material/settings_ethernet:", "edit_harvest"),
)
role = access.current_role()  # read once: in local mode each read opens the users file
visible = PAGES + tuple(page[:3] for page in PROTECTED if auth.can(role, page[3]))
navigation = st.navigation(
    [
        st.Page(ROOT / path, title=t(key, lang), icon=icon, default=index == 0)
        for index, (path, key, icon) in enumerate(visible)
    ]
)
resume_wanted_page()
with entry_running():
    navigation.run()
