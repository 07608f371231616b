"""Uptake of global resources by city: one year, one metric, absolute or per 10,000 residents."""

import streamlit as st

from coopdash import charts, uptake
from coopdash.webapp import consortium, query, registry, through_entry

through_entry()

st.title("Uptake of global resources by city")

years = query(uptake.usage_years)
if not years:
    st.info(
        "No usage has been imported yet. Import COUNTER reports with "
        "`python -m coopdash import PATH` and reload this page.",
        icon=":material/inbox:",
    )
    st.stop()

left, middle, right = st.columns([1, 3, 2])
year = left.selectbox("Year", years, key="year")
metric = middle.selectbox(
    "Metric",
    list(uptake.MEASURES),
    index=list(uptake.MEASURES).index(uptake.DEFAULT_METRIC),
    format_func=lambda m: uptake.MEASURES[m].label,
    key="metric",
)
per_capita = (
    right.segmented_control("Show", ["Total", "Per 10,000 residents"], default="Total", key="scale")
    == "Per 10,000 residents"
)
measure = uptake.MEASURES[metric]

table = query(uptake.uptake_by_city, year, metric)
codes = list(registry().libraries)
colours = charts.library_colours(codes)

total = int(table.total.sum())
previous = table.previous_total.sum()
served = uptake.population_served(table)
a, b, c = st.columns(3)
a.metric(f"Consortium total, {year}", f"{total:,}", uptake.change_text(total, previous), border=True)
b.metric("Per 10,000 residents", f"{total * 10000 / served:,.1f}" if served else "–", border=True)
c.metric(
    "Members with usage",
    f"{int((table.total > 0).sum())} of {len(table)}",
    border=True,
)

value = "per_10k_residents" if per_capita else "total"
value_label = f"{metric} per 10,000 residents" if per_capita else metric
st.subheader(f"{measure.label}{' per 10,000 residents' if per_capita else ''}, {year}")
st.plotly_chart(
    charts.uptake_bars(
        table[table.total > 0] if table.total.any() else table,
        value=value,
        value_label=value_label,
        label="label_en",
        colours=colours,
        decimals=1 if per_capita else 0,
    ),
    width="stretch",
    config={"displaylogo": False},
)
st.caption("How is this computed? " + uptake.how_computed(measure))

incomplete = table[(table.months_with_usage > 0) & (table.months_with_usage < 12)]
if not incomplete.empty:
    st.caption(
        "Fewer than 12 months with usage in "
        + f"{year}: "
        + ", ".join(f"{row.label_en} ({row.months_with_usage})" for row in incomplete.itertuples())
    )

with st.expander("The figures as a table"):
    whole = st.column_config.NumberColumn(format="localized")
    st.dataframe(
        uptake.table_for_display(table),
        hide_index=True,
        width="stretch",
        column_config={
            "Residents": whole,
            "Total": whole,
            "Previous year": whole,
            "Per 10,000 residents": st.column_config.NumberColumn(format="%.1f"),
        },
    )
with st.expander("Files these figures come from"):
    st.dataframe(query(uptake.files_behind, year, metric), hide_index=True, width="stretch")

st.subheader(f"{measure.label} by month")
trend = query(uptake.monthly_uptake, metric)
labels = dict(zip(table.library_code, table.label_en, strict=True))
st.plotly_chart(
    charts.monthly_trend(
        trend, label=labels, colours=colours, milestones=consortium().milestones, value_label=metric
    ),
    width="stretch",
    config={"displaylogo": False},
)
st.caption(
    "Stacked by member library: the top edge is the consortium total, counted as above. The dashed line marks "
    + "; ".join(f"{m.date:%-d %B %Y}: {m.label_en}" for m in consortium().milestones)
    + "."
)
