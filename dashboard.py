"""The dashboard: `streamlit run dashboard.py`.

Streamlit reads this file in two ways. `streamlit run` first imports it to find `app`: the
server to start, Streamlit's own with coopdash's guards in front of it (coopdash/webapp/server_guards.py:
who may upload, and client messages that never reach the app). Then every session's run executes
it as the entry script (`__main__`): page setup, the frame every page shares (language, filters,
notices), the navigation.

On a fresh checkout the database is built from the bundled synthetic sample
exports first (data/sample/); set COOPDASH_DB to use another database file.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from coopdash.i18n import t
from coopdash.registry import ROOT
from coopdash.webapp import access, auth, server_guards

PAGES = (
    ("pages/overview.py", "nav.overview", ":material/dashboard:"),
    ("pages/uptake.py", "nav.uptake", ":material/bar_chart:"),
    ("pages/contributions.py", "nav.contributions", ":material/library_books:"),
    ("pages/services.py", "nav.services", ":material/swap_horiz:"),
    ("pages/city.py", "nav.city", ":material/location_city:"),
    ("pages/compare.py", "nav.compare", ":material/compare_arrows:"),
    ("pages/coverage.py", "nav.coverage", ":material/grid_on:"),
)
# Pages for those allowed to change the data: not listed for anyone else, and their address
# shows only why the page is not theirs (the page's own code never runs for them).
PROTECTED = (
    ("pages/imports.py", "nav.imports", "imports.title", ":material/upload_file:", "import"),
    ("pages/data.py", "nav.data", "data.title", ":material/database:", "manage_data"),
    ("pages/registry.py", "nav.registry", "registry.title", ":material/badge:", "edit_registry"),
    ("pages/harvest.py", "nav.harvest", "harvest.title", ":material/cloud_download:", "harvest"),
    (
        "pages/harvest_settings.py",
        "nav.harvest_settings",
        "harvest_settings.title",
        ":material/settings_ethernet:",
        "edit_harvest",
    ),
)


def entry() -> None:
    # Imported by the run, not when `streamlit run` looks for `app`: its caches need the running server.
    from coopdash.webapp.frame import (
        entry_running,
        page_frame,
        resume_wanted_page,
        started_as_pages_folder_app,
    )

    st.set_page_config(page_title="Library cooperation · 图书馆合作", page_icon="🌐", layout="wide")
    if started_as_pages_folder_app():
        st.navigation([st.Page(ROOT / "pages" / "overview.py")], position="hidden")  # ends that mode
        st.rerun()
    st.logo(ROOT / "data" / "logo.svg", size="large")

    lang = page_frame().lang
    role = access.current_role()  # read once: in local mode each read opens the users file
    server_guards.allow_uploads(auth.can(role, "import"))
    pages = [
        st.Page(ROOT / path, title=t(key, lang), icon=icon, default=index == 0)
        for index, (path, key, icon) in enumerate(PAGES)
    ]
    for path, key, title, icon, action in PROTECTED:
        if auth.can(role, action):
            pages.append(st.Page(ROOT / path, title=t(key, lang), icon=icon))
        else:
            refusal = access.refusal(action, t(title, lang), lang)
            pages.append(
                st.Page(refusal, title=t(key, lang), icon=icon, url_path=Path(path).stem, visibility="hidden")
            )
    navigation = st.navigation(pages)
    resume_wanted_page(pages)
    with entry_running():
        navigation.run()


if __name__ == "__main__":  # a session's run
    entry()
else:  # `streamlit run dashboard.py` looks for `app`
    app = st.App(__file__, middleware=[Middleware(server_guards.Guard)], lifespan=server_guards.lifespan)
