"""Compare: two to four libraries side by side, or one against the average of its peers, on the same measures."""

import streamlit as st

from coopdash import charts, contributions, profile, services, uptake
from coopdash.i18n import t
from coopdash.webapp import chart, consortium, query, registry, through_entry

f = through_entry()
lang = f.lang
st.title(t("nav.compare", lang))
if f.year is None:
    st.info(t("notice.no_data", lang), icon=":material/inbox:")
    st.stop()

libraries = registry().libraries
cities = [code for code, lib in libraries.items() if lib.level == "city"]
left, right = st.columns([3, 2])
mode = right.radio(
    t("compare.mode", lang),
    ["side_by_side", "peers"],
    format_func=lambda m: t(f"compare.{m}", lang),
    horizontal=True,
    key="compare_mode",
)
limit = 1 if mode == "peers" else 4
chosen = left.multiselect(
    t("compare.libraries", lang, limit=limit),
    list(libraries),
    default=list(f.libraries[:limit]) or cities[: 1 if mode == "peers" else 2],
    format_func=lambda c: libraries[c].label(lang),
    max_selections=limit,
    key=f"compare_{mode}",
)
if not chosen or (mode == "side_by_side" and len(chosen) < 2):
    st.info(t("compare.choose", lang), icon=":material/touch_app:")
    st.stop()

year, metric = f.year, f.metric
usage = query(uptake.uptake_by_city, year, metric)
records = query(contributions.by_city, year)
ill = query(services.ill_by_city, year)
st.subheader(t("compare.measures", lang, year=year))
st.dataframe(profile.side_by_side(usage, records, ill, chosen, mode == "peers", lang), width="stretch")
st.caption(t("compare.measures_note", lang, metric=metric))

st.subheader(t("city.trend", lang, metric=t(f"metric.{metric}", lang)))
monthly = uptake.per_10k(query(uptake.monthly_uptake, metric)).rename(columns={"total": "value"})
peers = [code for code in cities if code not in chosen] if mode == "peers" else []
lines = profile.against_peers(monthly, chosen, peers, "mean")
labels = {code: libraries[code].label(lang) for code in chosen} | {
    profile.PEERS: t("compare.peer_average", lang)
}
chart(
    charts.compare_lines(
        lines,
        label=labels,
        colours=charts.library_colours(list(libraries)),
        value_label=t("per_10k_of", lang, metric=metric),
        reference=profile.PEERS if peers else None,
        milestones=consortium().milestones,
        lang=lang,
    )
)
st.caption(t("compare.trend_note", lang))
