"""The glue between Streamlit and the core: the database handle, cached queries, shared notices.

Pages import from here and from the pure modules (uptake, charts); besides this
module only access.py (who is signed in) and server_guards.py (in front of
Streamlit's server) import streamlit.
"""

from __future__ import annotations

import importlib
import inspect
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from coopdash import bootstrap, coverage, db, states, uptake
from coopdash.consortium import Consortium, load_consortium
from coopdash.errors import DatabaseNotWritable, DatabaseUnreadable
from coopdash.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalog, t
from coopdash.registry import ROOT, Registry
from coopdash.webapp import access, citymap
from coopdash.webapp.filters import Filters
from coopdash.writer import WriterBusy


@st.cache_resource(show_spinner=False)
def registry() -> Registry:
    return Registry.load()


@st.cache_resource(show_spinner=False)
def members() -> pd.DataFrame:
    return registry().frame()


@st.cache_resource(show_spinner=False)
def city_shapes(path: Path) -> dict[int, citymap.CityShape]:
    return citymap.load_shapes(path)


@st.cache_resource(show_spinner=False)
def consortium() -> Consortium:
    return load_consortium()


_first_run = threading.Lock()


def prepare_database() -> Path:
    """The database file, built from the bundled sample exports on the very first run.

    Called by the entry before any page runs; shows the build's progress once,
    and only one session builds while the others wait.
    """
    path = db.database_path()
    if not os.path.lexists(path):  # a link to a missing state is a damaged database, not a first run
        with _first_run:
            if not os.path.lexists(path):
                with st.status(
                    "First run: building the database from the bundled synthetic sample data…"
                ) as status:
                    bar = st.progress(0.0)
                    results = bootstrap.build_from_sample(
                        path,
                        registry(),
                        progress=lambda done, total: bar.progress(done / total, f"{done} of {total} files"),
                    )
                    imported = sum(r.status != "failed" for r in results)
                    status.update(label=f"Database built: {imported} sample files imported", state="complete")
    return _refreshed(path)


@st.cache_resource(show_spinner=False)
def _refreshed(path: Path) -> Path:
    """Once per process: schema applied and registry copied in, unless an import holds the file.

    In a folder that cannot be written the database is shown as it is, and every
    page says why changes to the registry do not show (`read_only_notice`).
    """
    try:
        bootstrap.refresh(path, registry())
    except WriterBusy:
        pass  # an import is writing, and brings the schema and registry up to date itself
    except DatabaseNotWritable:
        _not_writable.add(path)
    return path


_not_writable: set[Path] = set()


def database_problem(lang: str) -> None:
    """Say, in the reader's language, why the database cannot be shown or changed; stop if it cannot be read."""
    try:
        st.session_state[_STATE] = _current_state()
    except DatabaseUnreadable as exc:
        unreadable_stop(exc, lang)
    except DatabaseNotWritable:
        st.error(t("database.not_writable", lang, folder=db.database_path().parent), icon=":material/block:")
        st.stop()
    if db.database_path() in _not_writable:
        st.warning(t("database.read_only", lang, folder=db.database_path().parent), icon=":material/lock:")


def unreadable_stop(exc: DatabaseUnreadable, lang: str) -> None:
    st.error(
        t("database.unreadable", lang, path=exc.path, reason=t(f"database.unreadable.{exc.kind}", lang))
        + (t("database.backups", lang, backups=", ".join(exc.backups)) if exc.backups else "")
        + t("database.recover", lang),
        icon=":material/error:",
    )
    st.stop()


def query(function: Callable, *args):
    """Run `function(con, *args)` from a pure module, cached for the database state it reads.

    The state is looked up once per run, by the frame, so a page's queries all
    answer from the same import state; every write publishes a state of a new
    name (coopdash/states.py), so nothing cached can outlive the data it came from.
    """
    state, identity = st.session_state.get(_STATE) or _current_state()
    try:
        return _cached(str(prepare_database()), state, identity, function.__module__, function.__name__, args)
    except DatabaseUnreadable as exc:  # damage a query found in a part of the file read only now
        unreadable_stop(exc, st.session_state.get("lang", DEFAULT_LANGUAGE))
    except states.StateGone:
        st.session_state[_STATE] = _current_state()  # a newer state replaced it and nobody held it
        st.rerun()


@st.cache_data(ttl=3600, show_spinner=False, max_entries=500)
def _cached(database: str, state: str, identity: str, module: str, name: str, args: tuple):
    function = getattr(importlib.import_module(module), name)
    try:
        with states.reading(Path(database), Path(state)) as (con, _):
            return function(con, *args)
    except duckdb.IOException:
        # coopdash never opens a state for writing, but a tool outside it (the duckdb shell) may,
        # and DuckDB then refuses every reader: say so and stop rather than fail.
        st.info(
            "The database is being updated by an import right now. Reload the page in a moment.",
            icon=":material/hourglass_top:",
        )
        st.stop()


def _current_state() -> tuple[str, str]:
    """The current state's file and its identity (a state's name is never reused; the identity covers a
    database left as a plain file, replaced by hand)."""
    state = states.current(prepare_database())
    stat = state.stat()
    return str(state), f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


ENTRY = ROOT / "dashboard.py"
_IN_ENTRY = "entry_is_running"
_FILTERS = "shared_filters"
_STATE = "database_state"
_WANTED = "page_wanted_before_entry"


def page_frame() -> Filters:
    """What every page shares: the database, language, filters, notices. Drawn by the entry."""
    print_style()
    lang = language()
    database_problem(lang)
    status = query(coverage.data_status)
    access.login_panel(lang)
    st.sidebar.caption(consortium().name_zh if lang == "zh" else consortium().name_en)
    chosen = shared_filters(lang)
    synthetic_notice(status, lang)
    st.session_state[_FILTERS] = chosen
    return chosen


@contextmanager
def entry_running() -> Iterator[None]:
    """Around the entry's navigation.run(): the page run inside it finds the frame drawn."""
    st.session_state[_IN_ENTRY] = True
    try:
        yield
    finally:
        st.session_state[_IN_ENTRY] = False


def started_as_pages_folder_app() -> bool:
    """Whether Streamlit runs this script as an old-style app of the pages/ folder.

    It does so for the first runs after the server starts, until some run has
    called st.navigation; the widgets of such a run get other IDs than in every
    later run, so the first thing a visitor then did (signing in, choosing a
    year) was lost. The entry reruns such a run at once (see dashboard.py).
    """
    context = get_script_run_ctx()
    return (
        context is not None and ThreadState.get().active_script_hash != context.pages_manager.main_script_hash
    )


def resume_wanted_page(pages: list) -> None:
    """Called by the entry before its navigation runs: go on to the page a deep link asked for, with
    the link's query (its language). The entry registers every page's address, a protected page's
    as a refusal for those who may not use it; an address it does not know leaves the first page."""
    wanted = st.session_state.pop(_WANTED, None)
    if wanted:
        address, query = wanted
        for page in pages:
            if page.url_path == address:
                st.switch_page(page, query_params=query)


def through_entry() -> Filters:
    """Called first by every page: the shared filters the entry set for this run.

    Until some session has run the entry, Streamlit serves a deep link (/uptake)
    from the pages/ folder by itself, without the entry's frame: such a visit is
    sent through the entry, then back to the page it asked for, its query (the
    link's ?lang=) kept all the way.
    """
    if not st.session_state.get(_IN_ENTRY):
        query = st.query_params.to_dict()
        st.session_state[_WANTED] = (Path(inspect.stack()[1].filename).stem, query)
        st.switch_page(ENTRY, query_params=query)
    return st.session_state[_FILTERS]


def synthetic_notice(status: pd.Series, lang: str) -> None:
    """Said on every page while any sample data is loaded: none of it is real usage."""
    if status.synthetic_files:
        st.warning(
            t("notice.synthetic", lang, synthetic=f"{status.synthetic_files:,}", files=f"{status.files:,}"),
            icon=":material/science:",
        )


def language() -> str:
    """The reader's language, chosen first so everything after it is in that language.

    A link may carry ?lang=zh; after that the choice lives in the session, across pages,
    and stays in the address, so a link copied from any page opens in the same language.
    """
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANGUAGE)
        st.session_state.lang = wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE
    chosen = st.sidebar.radio(
        "Language · 语言", list(LANGUAGES), format_func=LANGUAGES.get, horizontal=True, key="lang"
    )
    if st.query_params.get("lang") != chosen:
        st.query_params["lang"] = chosen
    return chosen


SCALES = ("total", "per_10k")


def shared_filters(lang: str) -> Filters:
    """The entry's sidebar filters, kept (by key) while the reader moves between pages."""
    years = query(coverage.data_years)
    default = query(coverage.default_year)
    sidebar = st.sidebar
    year = (
        sidebar.selectbox(
            t("filter.year", lang),
            years,
            index=years.index(default) if default in years else 0,
            help=t("filter.year_help", lang, share=f"{coverage.COMPLETE_SHARE:.0%}"),
            key="year",
        )
        if years
        else None
    )
    metric = sidebar.selectbox(
        t("filter.metric", lang),
        list(uptake.MEASURES),
        index=list(uptake.MEASURES).index(uptake.DEFAULT_METRIC),
        format_func=lambda m: t(f"metric.{m}", lang),
        key="metric",
    )
    members = registry().libraries
    libraries = sidebar.multiselect(
        t("filter.libraries", lang),
        list(members),
        format_func=lambda code: members[code].label(lang),
        placeholder=t("filter.all_libraries", lang),
        key="libraries",
    )
    scale = sidebar.radio(
        t("filter.scale", lang),
        SCALES,
        format_func=lambda s: t(f"scale.{s}", lang),
        horizontal=True,
        key="scale",
    )
    return Filters(lang, year, metric, tuple(libraries), scale == "per_10k")


def print_style() -> None:
    """Printing a page from the browser (a city profile for a meeting) prints the page, not the app around it."""
    st.html(
        "<style>@media print {"
        "[data-testid='stSidebar'], [data-testid='stHeader'], [data-testid='stToolbar'] {display: none !important;}"
        "[data-testid='stMainBlockContainer'] {padding-top: 0 !important;}"
        "}</style>"
    )


def chart(fig, key: str | None = None) -> None:
    """A chart across the page, its PNG download at twice the size for slides."""
    st.plotly_chart(
        fig,
        width="stretch",
        key=key,
        config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}},
    )


def how(text: str, lang: str) -> None:
    """The note under a chart that says which metric and which rule the figures follow."""
    st.caption(f"**{t('how', lang)}** {text}")


def cut_note(shown: int, whole: int, lang: str) -> None:
    """Said under a chart that draws only the largest of many libraries."""
    if shown < whole:
        st.caption(t("chart.largest", lang, shown=shown, all=whole))


def rows_table(frame: pd.DataFrame, lang: str) -> None:
    """A query's rows as a table, its column names in the reader's language."""
    names = {column: t(f"field.{column}", lang) for column in frame.columns if f"field.{column}" in catalog()}
    st.dataframe(frame.rename(columns=names), hide_index=True, width="stretch")
