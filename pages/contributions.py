"""Local records out: catalogue records contributed by city, year, role, class and language, and their growth."""

import streamlit as st

from coopdash import contributions, scale
from coopdash.i18n import number, t
from coopdash.webapp import charts
from coopdash.webapp.filters import OTHERS, largest, leading_codes, with_rest
from coopdash.webapp.frame import (
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
st.title(t("nav.contributions", lang))

if not query(contributions.contribution_years):
    st.info(t("notice.no_contributions", lang), icon=":material/inbox:")
    st.stop()

codes = list(registry().libraries)
chosen = f.libraries or tuple(codes)
colours = charts.library_colours(codes)
labels = registry().labels(lang)
table = f.chosen(query(contributions.by_city, f.year))
per_10k = "_per_10k" if f.per_capita else ""
places = scale.places(f.per_capita, small=True)
populations = members().set_index("library_code").population
served = scale.population_served(f.chosen(members()))


def shown(count: int) -> str:
    """A headline count in the chosen scale: per 10,000 residents the chosen libraries serve."""
    return number(scale.per_10k(count, served) if f.per_capita else count, lang, places)


if f.per_capita:
    st.caption(t("scale.heading", lang, residents=number(served, lang)))
original, enhanced = int(table.original.sum()), int(table.enhanced.sum())
local = int(table.local_documents.sum())
a, b, c, d = st.columns(4)
a.metric(t("contrib.original", lang, year=f.year), shown(original), border=True)
b.metric(t("contrib.enhanced", lang, year=f.year), shown(enhanced), border=True)
c.metric(
    t("contrib.local", lang, share=f"{local / (original + enhanced):.0%}")
    if original + enhanced
    else t("contrib.local_plain", lang),
    shown(local),
    border=True,
)
d.metric(
    t("contrib.members", lang),
    t("of", lang, part=int((table.total > 0).sum()), whole=len(table)),
    border=True,
)

contributed = table[table.total > 0]
drawn = scale.scaled(
    largest(contributed, "total").astype({"original": float, "enhanced": float, "total": float}),
    ["original", "enhanced", "total"],
    f.per_capita,
)
records_label = t("chart.records_contributed", lang)
value_label = t("per_10k_of", lang, metric=records_label) if f.per_capita else records_label
if contributed.empty:
    st.info(t("notice.no_contributions_year", lang, year=f.year), icon=":material/filter_alt_off:")
else:
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("contrib.by_city", lang, year=f.year))
        chart(
            charts.contribution_bars(
                drawn,
                label=f.label,
                colours=colours,
                value_label=t(f"chart.contributed_solid_pale{per_10k}", lang),
                lang=lang,
                decimals=places,
            )
        )
        cut_note(len(drawn), len(contributed), lang)
    with right:
        st.subheader(t("contrib.local_share", lang, year=f.year))
        chart(
            charts.share_bars(
                drawn,
                value="local_share",
                label=f.label,
                colours=colours,
                value_label=t("contrib.local_plain", lang),
                lang=lang,
            )
        )
        st.caption(
            t("contrib.local_share_note", lang)
            + " "
            + t("scale.not_applied", lang, why=t("scale.why.share", lang))
        )
how(t("how.contributions", lang), lang)

st.subheader(t("contrib.by_year", lang))
role = st.segmented_control(
    t("contrib.role_filter", lang),
    ["total", "original", "enhanced"],
    default="total",
    format_func=lambda r: t("contrib.role_all", lang) if r == "total" else t(f"role.{r}", lang),
    key="contributions_role",
)
yearly = f.chosen(query(contributions.by_year))
leading = leading_codes(yearly, "total")
if f.per_capita:  # rates of different cities do not add up: a line each
    rates = scale.scaled(
        yearly[yearly.library_code.isin(leading)].astype({role or "total": float}),
        [role or "total"],
        True,
        populations,
    )
    chart(
        charts.yearly_lines(
            rates,
            value=role or "total",
            label=labels,
            colours=colours,
            value_label=value_label,
            lang=lang,
            decimals=places,
        )
    )
    st.caption(t("contrib.by_year_note_per_10k", lang))
else:
    chart(
        charts.yearly_stacks(
            with_rest(yearly, leading, ["year"], ["original", "enhanced", "total"]),
            value=role or "total",
            label=labels | {OTHERS: t("chart.others", lang)},
            colours=colours,
            value_label=value_label,
            lang=lang,
        )
    )
    st.caption(t("contrib.by_year_note", lang))

left, right = st.columns([3, 2])
with left:
    st.subheader(t("contrib.by_class", lang, year=f.year))
    classes = query(contributions.by_class, f.year, chosen, lang)
    chart(charts.class_bars(classes, lang=lang))
    st.caption(
        t("contrib.by_class_note", lang)
        + " "
        + t("scale.not_applied", lang, why=t("scale.why.breakdown", lang, what=t("column.clc", lang)))
    )
with right:
    st.subheader(t("contrib.by_language", lang, year=f.year))
    languages = query(contributions.by_language, f.year, chosen, lang)
    chart(
        charts.ranked_bars(
            languages,
            item="label",
            value="total",
            value_label=t("chart.records_contributed", lang),
            lang=lang,
        )
    )
    st.caption(
        t("contrib.by_language_note", lang)
        + " "
        + t("scale.not_applied", lang, why=t("scale.why.breakdown", lang, what=t("column.language", lang)))
    )

st.subheader(t("contrib.cumulative", lang))
growth = f.chosen(query(contributions.cumulative))
chart(
    charts.cumulative_lines(
        scale.scaled(
            growth[growth.library_code.isin(leading)].astype({"cumulative": float}),
            ["cumulative"],
            f.per_capita,
            populations,
        ),
        label=labels,
        colours=colours,
        milestones=consortium().milestones,
        value_label=value_label,
        lang=lang,
        decimals=places,
    )
)
cut_note(len(leading), growth.library_code.nunique(), lang)
st.caption(t("contrib.cumulative_note", lang))

st.subheader(t("contrib.recent", lang, year=f.year))
recent = query(contributions.recent_local_documents, f.year, chosen)
st.dataframe(contributions.records_for_display(recent, labels, lang), hide_index=True, width="stretch")
st.caption(t("contrib.recent_note", lang))

with st.expander(t("files_behind", lang)):
    rows_table(f.chosen(query(contributions.files_behind, f.year)), lang)
