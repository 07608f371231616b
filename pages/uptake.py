"""Uptake of global resources: ranking, monthly trends, what was used, unmet demand, growth since joining."""

import streamlit as st

from coopdash import charts, uptake
from coopdash.filters import largest, leading_codes
from coopdash.i18n import change, number, t
from coopdash.webapp import (
    chart,
    consortium,
    cut_note,
    how,
    members,
    query,
    registry,
    rows_table,
    through_entry,
)

f = through_entry()
lang = f.lang
st.title(t("nav.uptake", lang))

if not query(uptake.usage_years):
    st.info(t("notice.no_usage", lang), icon=":material/inbox:")
    st.stop()

measure = uptake.MEASURES[f.metric]
metric_name = t(f"metric.{f.metric}", lang)
codes = list(registry().libraries)
chosen = f.libraries or tuple(codes)
colours = charts.library_colours(codes)
table = f.chosen(query(uptake.uptake_by_city, f.year, f.metric))
if f.year is None or not table.total.any():
    st.info(
        t("notice.no_usage_year", lang, metric=metric_name, year=f.year), icon=":material/filter_alt_off:"
    )
    st.stop()

total = int(table.total.sum())
previous = table.previous_total.sum()
served = uptake.population_served(table)
a, b, c = st.columns(3)
a.metric(
    t("uptake.total_chosen" if f.libraries else "uptake.total", lang, year=f.year),
    number(total, lang),
    change(total, previous, lang, f.year - 1),
    border=True,
)
b.metric(t("scale.per_10k", lang), number(total * 10000 / served, lang, 1) if served else "–", border=True)
c.metric(
    t("uptake.members_with_usage", lang),
    t("of", lang, part=int((table.total > 0).sum()), whole=len(table)),
    border=True,
)

value = "per_10k_residents" if f.per_capita else "total"
value_label = t("per_10k_of", lang, metric=f.metric) if f.per_capita else f.metric
shown = table[table.total > 0]
ranked = largest(shown, value)
left, right = st.columns([3, 2])
with left:
    st.subheader(
        t(
            "uptake.ranking",
            lang,
            what=t(f"scale.{'per_10k' if f.per_capita else 'total'}", lang),
            year=f.year,
        )
    )
    chart(
        charts.uptake_bars(
            ranked,
            value=value,
            value_label=value_label,
            label=f.label,
            colours=colours,
            lang=lang,
            decimals=1 if f.per_capita else 0,
        )
    )
with right:
    st.subheader(t("uptake.growth", lang, year=f.year, previous=f.year - 1))
    chart(
        charts.growth_bars(
            largest(shown, "growth"),
            label=f.label,
            colours=colours,
            value_label=t("uptake.growth_axis", lang),
        )
    )
cut_note(len(ranked), len(shown), lang)
how(uptake.how_computed(measure, lang), lang)

incomplete = table[(table.months_with_usage > 0) & (table.months_with_usage < 12)]
if not incomplete.empty:
    st.caption(
        t(
            "uptake.incomplete",
            lang,
            year=f.year,
            libraries=", ".join(
                f"{row[f.label]} ({row.months_with_usage})" for _, row in incomplete.iterrows()
            ),
        )
    )
with st.expander(t("as_table", lang)):
    st.dataframe(uptake.table_for_display(table, lang), hide_index=True, width="stretch")
with st.expander(t("files_behind", lang)):
    rows_table(f.chosen(query(uptake.files_behind, f.year, f.metric)), lang)

st.subheader(t("uptake.small_multiples", lang, metric=metric_name))
every_month = query(uptake.monthly_uptake, f.metric)  # of every library: the cohorts below use them all
monthly = f.chosen(every_month)
if f.per_capita:
    monthly = uptake.per_10k(monthly)
labels = registry().labels(lang)
drawn = set(leading_codes(monthly, "total"))
chart(
    charts.small_multiples(
        monthly[monthly.library_code.isin(drawn)],
        label={code: labels[code] for code in codes if code in drawn},
        colours=colours,
        milestones=consortium().milestones,
        shared_scale=f.per_capita,
        lang=lang,
    )
)
cut_note(len(drawn), monthly.library_code.nunique(), lang)
st.caption(
    t(
        "uptake.small_multiples_note",
        lang,
        scale=t(f"uptake.scale_{'shared' if f.per_capita else 'own'}", lang),
    )
)

st.subheader(t("uptake.what_was_used", lang, year=f.year))
dimensions = ("platform", "data_type") if measure.family == "PR" else ("database", "platform")
for tab, dimension in zip(st.tabs([t(f"dimension.{d}", lang) for d in dimensions]), dimensions, strict=True):
    with tab:
        parts = query(uptake.breakdown, f.year, f.metric, dimension, chosen)
        chart(charts.ranked_bars(parts.head(15), item="item", value="total", value_label=f.metric, lang=lang))
        st.caption(
            t("uptake.breakdown_note", lang, family=measure.family, shown=min(15, len(parts)), all=len(parts))
        )

left, right = st.columns(2)
with left:
    title_metric = uptake.title_metric(f.metric)
    st.subheader(t("uptake.top_titles", lang, year=f.year))
    titles = query(uptake.top_titles, f.year, f.metric, chosen)
    if titles.empty:
        st.info(t("uptake.no_titles", lang), icon=":material/menu_book:")
    else:
        st.dataframe(
            uptake.titles_for_display(titles, lang),
            hide_index=True,
            width="stretch",
            column_config={t("column.total", lang): st.column_config.NumberColumn(format="localized")},
        )
    st.caption(t("uptake.top_titles_note", lang, metric=title_metric))
with right:
    st.subheader(t("uptake.denials", lang, year=f.year))
    refused = query(uptake.denials, f.year, chosen)
    if refused.empty:
        st.info(t("uptake.no_denials", lang), icon=":material/lock_open:")
    else:
        chart(charts.denial_bars(refused.head(12), lang=lang))
    st.caption(t("uptake.denials_note", lang))

st.subheader(t("uptake.cohorts", lang))
groups = uptake.cohorts(every_month, members())
if len(groups[["kind", "date"]].drop_duplicates()) < 2:
    st.info(t("uptake.no_cohorts", lang), icon=":material/groups:")
else:
    names = {
        (kind, day): uptake.cohort_label(kind, day, n, lang)
        for kind, day, n in groups[["kind", "date", "libraries"]].drop_duplicates().itertuples(index=False)
    }
    chart(
        charts.cohort_lines(
            groups,
            names=names,
            milestones=consortium().milestones,
            value_label=t("per_10k_of", lang, metric=f.metric),
            lang=lang,
        )
    )
    st.dataframe(uptake.cohort_summary(groups, names, lang), hide_index=True, width="stretch")
st.caption(t("uptake.cohorts_note", lang))
