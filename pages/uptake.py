"""Uptake of global resources: ranking, monthly trends, what was used, unmet demand, growth since joining."""

import streamlit as st

from coopdash import comparison, peers, scale, story, uptake
from coopdash.i18n import number, t
from coopdash.webapp import charts
from coopdash.webapp.filters import largest, leading_codes
from coopdash.webapp.frame import (
    chart,
    consortium,
    cut_note,
    how,
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
labels = registry().labels(lang)
codes = list(registry().libraries)
chosen = f.libraries or tuple(codes)
colours = charts.library_colours(codes)
table = f.chosen(query(uptake.uptake_by_city, f.year, f.metric))
if f.year is None or not table.total.any():
    st.info(
        t("notice.no_usage_year", lang, metric=metric_name, year=f.year), icon=":material/filter_alt_off:"
    )
    st.stop()

growth = query(uptake.usage_changes, f.year, f.metric, f.libraries)
overall = comparison.from_library_changes(growth, f.year)
total = int(table.total.sum())
served = scale.population_served(table)
a, b, c = st.columns(3)
a.metric(
    t("uptake.total_chosen" if f.libraries else "uptake.total", lang, year=f.year),
    number(total, lang),
    comparison.delta(overall, lang),
    border=True,
)
b.metric(t("scale.per_10k", lang), number(scale.per_10k(total, served), lang, 1), border=True)
c.metric(
    t("uptake.members_with_usage", lang),
    t("of", lang, part=int((table.total > 0).sum()), whole=len(table)),
    border=True,
)
st.caption(comparison.changes_note([(metric_name, overall)], labels, lang))

value = "per_10k_residents" if f.per_capita else "total"
value_label = t("per_10k_of", lang, metric=metric_name) if f.per_capita else metric_name
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
    changed = table.merge(growth[["library_code", "growth", "reason", "joined_on"]], on="library_code")
    changed["why"] = [
        comparison.LeftOut(code, reason, joined).text(f.year, lang) if isinstance(reason, str) else ""
        for code, reason, joined in zip(changed.library_code, changed.reason, changed.joined_on, strict=True)
    ]
    chart(
        charts.growth_bars(
            largest(changed.assign(size=changed.total), "size"),
            label=f.label,
            colours=colours,
            value_label=t("uptake.growth_axis", lang),
            lang=lang,
        )
    )
    st.caption(
        t("uptake.growth_note", lang) + " " + t("scale.not_applied", lang, why=t("scale.why.change", lang))
    )
cut_note(len(ranked), len(shown), lang)
st.caption(t("rank.note", lang, level=peers.level_words(peers.main_level(table), lang), metric=metric_name))
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
    st.dataframe(uptake.table_for_display(table, value, lang), hide_index=True, width="stretch")
with st.expander(t("files_behind", lang)):
    rows_table(f.chosen(query(uptake.files_behind, f.year, f.metric)), lang)

st.subheader(t("uptake.small_multiples", lang, metric=metric_name))
monthly = f.chosen(query(uptake.monthly_uptake, f.metric))
if f.per_capita:
    monthly = uptake.per_10k(monthly)
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
        chart(
            charts.ranked_bars(
                parts.head(15), item="item", value="total", value_label=metric_name, lang=lang
            ),
            key=f"breakdown_{dimension}",
        )
        st.caption(
            t("uptake.breakdown_note", lang, family=measure.family, shown=min(15, len(parts)), all=len(parts))
            + " "
            + t(
                "scale.not_applied",
                lang,
                why=t("scale.why.breakdown", lang, what=t(f"dimension.{dimension}", lang)),
            )
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
    st.caption(
        t("uptake.denials_note", lang)
        + " "
        + t("scale.not_applied", lang, why=t("scale.why.breakdown", lang, what=t("dimension.database", lang)))
    )

st.subheader(t("story.since_joining", lang))
joined = f.chosen(query(story.joined_story, f.metric))
if joined.empty:
    st.info(t("story.no_groups", lang), icon=":material/groups:")
else:
    lines = set(leading_codes(joined, "total"))
    chart(
        charts.since_joining_lines(
            joined[joined.library_code.isin(lines)],
            label=labels,
            colours=colours,
            value_label=t("per_10k_of", lang, metric=metric_name),
            joined_label=t("story.joined_line", lang),
            axis_label=t("story.axis", lang),
            lang=lang,
        ),
        key="since_joining",
    )
    cut_note(len(lines), joined.library_code.nunique(), lang)
    st.dataframe(story.story_summary(joined, lang), hide_index=True, width="stretch")
st.caption(t("story.note", lang) + " " + t("scale.not_applied", lang, why=t("scale.why.story", lang)))
