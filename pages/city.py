"""City profile: one library's year, its rank, its trend against the other cities, what it used and contributed."""

import streamlit as st

from coopdash import charts, contributions, profile, services, uptake
from coopdash.i18n import number, t
from coopdash.webapp import chart, consortium, query, registry, through_entry

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
st.header(f"{library.name_zh if lang == 'zh' else library.name_en} · {year}")
st.caption(t("city.print", lang))

usage = query(uptake.uptake_by_city, year, metric)
records = query(contributions.by_city, year)
ill = query(services.ill_by_city, year)
mine = usage[usage.library_code == code].iloc[0]
own_records = records[records.library_code == code].iloc[0]
own_ill = ill[ill.library_code == code]


def ranked(table, column):
    place = profile.rank(table, code, column)
    return t("city.rank", lang, rank=place[0], of=place[1]) if place else None


figures = (  # label, value, and the table and column it is ranked in
    (t("overview.usage", lang, year=year), number(mine.total, lang), usage, "total"),
    (t("scale.per_10k", lang), number(mine.per_10k_residents, lang, 1), usage, "per_10k_residents"),
    (t("overview.records", lang, year=year), number(own_records.total, lang), records, "total"),
    (t("overview.lent", lang, year=year), number(own_ill.lending_filled.sum(), lang), ill, "lending_filled"),
)
for column, (label, value, table, ranked_by) in zip(st.columns(len(figures)), figures, strict=True):
    column.metric(label, value, ranked(table, ranked_by), delta_color="off", delta_arrow="off", border=True)
st.caption(t("city.rank_note", lang, metric=metric))

st.subheader(t("city.trend", lang, metric=t(f"metric.{metric}", lang)))
monthly = uptake.per_10k(query(uptake.monthly_uptake, metric))
cities = [c for c, lib in libraries.items() if lib.level == "city" and c != code]
lines = profile.against_peers(monthly.rename(columns={"total": "value"}), [code], cities, "median")
if lines.empty:
    st.info(t("city.no_usage", lang), icon=":material/inbox:")
else:
    labels = {code: library.label(lang), profile.PEERS: t("city.median", lang)}
    chart(
        charts.compare_lines(
            lines,
            label=labels,
            colours=charts.library_colours(list(libraries)),
            value_label=t("per_10k_of", lang, metric=metric),
            reference=profile.PEERS,
            milestones=consortium().milestones,
            lang=lang,
        )
    )
st.caption(t("city.trend_note", lang))

left, right = st.columns(2)
with left:
    st.subheader(t("city.top_resources", lang, year=year))
    dimension = "platform" if uptake.MEASURES[metric].family == "PR" else "database"
    used = query(uptake.breakdown, year, metric, dimension, (code,))
    if used.empty:
        st.info(t("city.no_usage", lang), icon=":material/inbox:")
    else:
        chart(charts.ranked_bars(used.head(8), item="item", value="total", value_label=metric, lang=lang))
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
        chart(
            charts.class_bars(query(contributions.by_class, year, (code,), lang), lang=lang),
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
joined = library.joined_on or library.joined_before
if joined:
    st.caption(
        t("city.joined_on" if library.joined_on else "city.joined_before", lang, date=str(joined))
        + (f" ({library.joined_note})" if library.joined_note and lang == "en" else "")
    )
