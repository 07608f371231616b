"""Data coverage: which library has which report for which month, the files imported, their warnings."""

import streamlit as st

from coopdash import coverage
from coopdash.harvest import display
from coopdash.i18n import month, t
from coopdash.webapp import charts
from coopdash.webapp.filters import MOST_SHOWN
from coopdash.webapp.frame import chart, cut_note, query, registry, through_entry

f = through_entry()
lang = f.lang
st.title(t("coverage.title", lang))
st.caption(t("scale.not_on_page", lang))

history = query(coverage.import_history, f.libraries or None)
if history.empty:
    st.info(t("notice.no_data", lang), icon=":material/inbox:")
    st.stop()

chosen = [code for code in registry().libraries if not f.libraries or code in f.libraries]
codes = chosen[: 2 * MOST_SHOWN]
labels = registry().labels(lang)
covered = query(coverage.by_month, tuple(codes))
spans = query(coverage.spans, tuple(chosen))

st.subheader(t("coverage.matrix", lang))
sources = [source for source in coverage.SOURCES if (spans.source == source).any()]
for tab, source in zip(st.tabs([t(f"source.{s}", lang) for s in sources]), sources, strict=True):
    with tab:
        chart(
            charts.coverage_matrix(
                covered[covered.source == source],
                label={code: labels[code] for code in codes},
                value_label=t("coverage.reports", lang),
            ),
            key=f"coverage_{source}",
        )
        missing = coverage.gaps(spans, source, chosen)
        if missing.empty:
            st.caption(t("coverage.no_gaps", lang))
        else:
            st.caption(t("coverage.gaps", lang))
            st.dataframe(
                missing.assign(
                    library_code=missing.library_code.map(labels),
                    first_missing=[month(day, lang) for day in missing.first_missing],
                ).rename(
                    columns={
                        "library_code": t("column.library", lang),
                        "missing": t("column.missing", lang),
                        "first_missing": t("column.first_missing", lang),
                    }
                ),
                hide_index=True,
            )
cut_note(len(codes), len(chosen), lang)
st.caption(t("coverage.matrix_note", lang))

st.subheader(t("coverage.history", lang))
st.dataframe(coverage.history_for_display(history, labels, lang), hide_index=True, width="stretch")
st.caption(t("coverage.history_note", lang))
if len(history) == coverage.HISTORY_SHOWN:
    st.caption(t("coverage.history_latest", lang, shown=f"{coverage.HISTORY_SHOWN:,}"))

st.subheader(t("harvest.status_title", lang))
harvested = query(display.overview, lang, f.libraries)
if harvested.empty:
    st.caption(t("harvest.none_yet", lang))
else:
    st.dataframe(harvested, hide_index=True, width="stretch")
    every = query(display.statuses)
    for platform_name, part in every.groupby("platform", sort=True):
        with st.expander(t("harvest.months_of", lang, platform=platform_name)):
            reports = sorted(part.report_id.unique())
            for tab, report_id in zip(st.tabs(reports), reports, strict=True):
                tab.dataframe(query(display.month_grid, platform_name, report_id, lang), hide_index=True)
            st.caption(display.legend(lang))
    waiting = query(display.problems, lang, f.libraries)
    if not waiting.empty:
        st.caption(t("harvest.problems", lang))
        st.dataframe(waiting, hide_index=True, width="stretch")

st.subheader(t("coverage.warnings", lang))
warnings = coverage.warnings_for_display(history, lang)
if warnings.empty:
    st.caption(t("coverage.no_warnings", lang))
else:
    st.dataframe(warnings, hide_index=True, width="stretch")
