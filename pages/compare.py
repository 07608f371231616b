"""Compare: two to four libraries side by side, or one against the median of its peers, on the same measures."""

import streamlit as st

from coopdash import contributions, peers, profile, services, uptake
from coopdash.i18n import t
from coopdash.webapp import charts
from coopdash.webapp.frame import chart, consortium, members, query, registry, through_entry

f = through_entry()
lang = f.lang
st.title(t("nav.compare", lang))
if f.year is None:
    st.info(t("notice.no_data", lang), icon=":material/inbox:")
    st.stop()

libraries = registry().libraries
cities = [code for code, lib in libraries.items() if lib.level == "city"]
KEPT = "compare_chosen"  # the libraries chosen, kept while the reader switches between the two ways


def keep(widget: str) -> None:
    """Remember the choice; one library chosen against its peers leads, the others stay behind it."""
    chosen = st.session_state[widget]
    before = st.session_state.get(KEPT, [])
    st.session_state[KEPT] = (
        (chosen + [c for c in before if c not in chosen])[:4] if len(chosen) == 1 else chosen
    )


left, right = st.columns([3, 2])
mode = right.radio(
    t("compare.mode", lang),
    ["side_by_side", "peers"],
    format_func=lambda m: t(f"compare.{m}", lang),
    horizontal=True,
    key="compare_mode",
)
limit = 1 if mode == "peers" else 4
kept = st.session_state.get(KEPT) or list(f.libraries[:4]) or cities[:2]
chosen = left.multiselect(
    t("compare.libraries", lang, limit=limit),
    list(libraries),
    default=kept[:limit],
    format_func=lambda c: libraries[c].label(lang),
    max_selections=limit,
    key=f"compare_{mode}",
    on_change=keep,
    args=(f"compare_{mode}",),
)
if not chosen or (mode == "side_by_side" and len(chosen) < 2):
    st.info(t("compare.choose", lang), icon=":material/touch_app:")
    st.stop()

year, metric = f.year, f.metric
metric_name = t(f"metric.{metric}", lang)
registry_members = members()
usage = query(uptake.uptake_by_city, year, metric)
records = query(contributions.by_city, year)
ill = query(services.ill_by_city, year)
growth = query(uptake.usage_changes, year, metric, ())
against_peers = mode == "peers"
level = libraries[chosen[0]].level
st.subheader(t("compare.measures", lang, year=year))
st.dataframe(
    profile.side_by_side(
        usage,
        records,
        ill,
        growth,
        registry_members,
        chosen,
        year,
        with_peers=against_peers,
        per_capita=f.per_capita,
        lang=lang,
    ),
    width="stretch",
)
st.caption(
    t(
        "compare.measures_note_peers" if against_peers else "compare.measures_note",
        lang,
        metric=metric_name,
        previous=year - 1,
        peers=profile.peer_label(level, lang),
        level=peers.level_words(level, lang),
    )
)

st.subheader(t("city.trend", lang, metric=metric_name))
monthly = uptake.per_10k(query(uptake.monthly_uptake, metric)).rename(columns={"total": "value"})
lines, line = profile.with_peer_line(monthly, registry_members, chosen, against_peers)
chart(
    charts.compare_lines(
        lines,
        label={code: libraries[code].label(lang) for code in chosen}
        | {peers.PEERS: profile.peer_label(level, lang)},
        colours=charts.library_colours(list(libraries)),
        value_label=t("per_10k_of", lang, metric=metric_name),
        reference=peers.PEERS if against_peers else None,
        milestones=consortium().milestones,
        lang=lang,
        peers_label=t("peers.hover", lang, level=peers.level_words(level, lang)),
        peers_count=t("peers.count", lang, level=peers.level_words(level, lang)),
    )
)
if against_peers and line is not None and not line.empty:
    note = t(
        "peers.line_note",
        lang,
        level=peers.level_words(level, lang),
        runs=peers.peer_runs_text(line, level, lang),
    )
elif against_peers:
    note = t("peers.none", lang, level=peers.level_words(level, lang))
else:
    note = t("compare.trend_note", lang)
st.caption(note + " " + t("scale.not_applied", lang, why=t("scale.why.peers", lang)))
