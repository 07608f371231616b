"""City profile: one library's year, its rank among its level, its trend against its peers, what it used and contributed."""

import streamlit as st

from coopdash import contributions, peers, profile, scale, services, uptake
from coopdash.i18n import long_date, number, t
from coopdash.webapp import charts
from coopdash.webapp.frame import chart, consortium, members, query, registry, through_entry

f = through_entry()
lang = f.lang
st.title(t("nav.city", lang))
if f.year is None:
    st.info(t("notice.no_data", lang), icon=":material/inbox:")
    st.stop()

libraries = registry().libraries
code = st.selectbox(
    t("city.library", lang),
    list(libraries),
    index=list(libraries).index(f.libraries[0] if f.libraries else profile.first_city(libraries)),
    format_func=lambda c: libraries[c].label(lang),
    key="profile_library",
)
library = libraries[code]
year, metric = f.year, f.metric
metric_name = t(f"metric.{metric}", lang)
st.header(f"{library.name_zh if lang == 'zh' else library.name_en} · {year}")
st.caption(t("city.print", lang))

usage = query(uptake.uptake_by_city, year, metric)
records = scale.scaled(query(contributions.by_city, year).astype({"total": float}), ["total"], f.per_capita)
ill = scale.scaled(
    query(services.ill_by_city, year).astype({"lending_filled": float}), ["lending_filled"], f.per_capita
)
mine, own_records, own_ill = (table[table.library_code == code].iloc[0] for table in (usage, records, ill))


def ranked(table, column):
    place = peers.rank_within_level(table, code, column)
    if place is None:
        return None
    return place.text(lang) if place.of > 1 else t("rank.not_ranked", lang)


if f.per_capita:
    st.caption(t("scale.heading", lang, residents=number(library.population, lang)))
used_by = "per_10k_residents" if f.per_capita else "total"
small = scale.places(f.per_capita, small=True)
figures = (  # label, value, and the table and column it is ranked in (None: not ranked)
    (
        t("overview.usage", lang, year=year),
        number(mine[used_by], lang, scale.places(f.per_capita)),
        usage,
        used_by,
    ),
    (
        t("overview.records", lang, year=year),
        number(own_records.total, lang, small),
        records,
        "total",
    ),
    (
        t("overview.lent", lang, year=year),
        number(own_ill.lending_filled, lang, small),
        ill,
        "lending_filled",
    ),
    (t("column.residents", lang), number(library.population, lang), None, None),
)
for column, (label, value, table, ranked_by) in zip(st.columns(len(figures)), figures, strict=True):
    column.metric(
        label,
        value,
        ranked(table, ranked_by) if table is not None else None,
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
st.caption(t("rank.note", lang, level=peers.level_words(library.level, lang), metric=metric_name))

st.subheader(t("city.trend", lang, metric=metric_name))
monthly = uptake.per_10k(query(uptake.monthly_uptake, metric)).rename(columns={"total": "value"})
lines, line = profile.with_peer_line(monthly, members(), [code], against_peers=True)
if lines.empty:
    st.info(t("city.no_usage", lang), icon=":material/inbox:")
else:
    level = peers.level_words(library.level, lang)
    chart(
        charts.compare_lines(
            lines,
            label={code: library.label(lang), peers.PEERS: profile.peer_label(library.level, lang)},
            colours=charts.library_colours(list(libraries)),
            value_label=t("per_10k_of", lang, metric=metric_name),
            reference=peers.PEERS,
            milestones=consortium().milestones,
            lang=lang,
            peers_label=t("peers.hover", lang, level=level),
            peers_count=t("peers.count", lang, level=level),
        )
    )
    note = (
        t("peers.line_note", lang, level=level, runs=peers.peer_runs_text(line, library.level, lang))
        if not line.empty
        else t("peers.none", lang, level=level)
    )
    st.caption(note + " " + t("scale.not_applied", lang, why=t("scale.why.peers", lang)))

left, right = st.columns(2)
with left:
    st.subheader(t("city.top_resources", lang, year=year))
    dimension = "platform" if uptake.MEASURES[metric].family == "PR" else "database"
    used = query(uptake.breakdown, year, metric, dimension, (code,))
    if used.empty:
        st.info(t("city.no_usage", lang), icon=":material/inbox:")
    else:
        chart(
            charts.ranked_bars(used.head(8), item="item", value="total", value_label=metric_name, lang=lang)
        )
        st.caption(
            t(
                "scale.not_applied",
                lang,
                why=t("scale.why.breakdown", lang, what=t(f"dimension.{dimension}", lang)),
            )
        )
    titles = query(uptake.top_titles, year, metric, (code,), 10)
    if not titles.empty:
        st.dataframe(uptake.titles_for_display(titles, lang), hide_index=True, width="stretch")
with right:
    st.subheader(t("city.contributions", lang))
    by_year = query(contributions.by_year)
    own = by_year[by_year.library_code == code]
    if own.empty:
        st.info(t("city.no_contributions", lang), icon=":material/inbox:")
    else:
        chart(charts.class_bars(query(contributions.by_class, year, (code,), lang), lang=lang))
        st.caption(
            t("scale.not_applied", lang, why=t("scale.why.breakdown", lang, what=t("column.clc", lang)))
        )
        st.dataframe(
            own[["year", "original", "enhanced", "total"]].rename(
                columns={
                    "year": t("filter.year", lang),
                    "original": t("role.original", lang),
                    "enhanced": t("role.enhanced", lang),
                    "total": t("column.total", lang),
                }
            ),
            hide_index=True,
            width="stretch",
        )
if library.joined_on:
    st.caption(t("city.joined_on", lang, date=long_date(library.joined_on, lang)))
elif library.joined_before:
    st.caption(t("city.joined_before", lang, date=long_date(library.joined_before, lang)))
