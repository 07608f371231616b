"""Local records out: catalogue records contributed by city, role, class and language, and their growth."""

import streamlit as st

from coopdash import charts, contributions
from coopdash.webapp import consortium, query, registry, through_entry

through_entry()

st.title("Local records out: contributions to the global catalogue")

years = query(contributions.contribution_years)
if not years:
    st.info(
        "No catalogue records have been imported yet. Import MARC 21, MARCXML or UNIMARC/CNMARC exports "
        "with `python -m coopdash import PATH` and reload this page.",
        icon=":material/inbox:",
    )
    st.stop()

left, _ = st.columns([1, 4])
choice = left.selectbox("Year", ["All years", *years], key="contributions_year")
year = None if choice == "All years" else int(choice)
period = "all years" if year is None else str(year)

table = query(contributions.by_city, year)
codes = list(registry().libraries)
colours = charts.library_colours(codes)

original, enhanced = int(table.original.sum()), int(table.enhanced.sum())
local = int(table.local_documents.sum())
a, b, c, d = st.columns(4)
a.metric(f"Original records, {period}", f"{original:,}", border=True)
b.metric(f"Enhanced records, {period}", f"{enhanced:,}", border=True)
c.metric(
    f"Local documents ({local / (original + enhanced):.0%} of all)"
    if original + enhanced
    else "Local documents",
    f"{local:,}",
    border=True,
)
d.metric("Members contributing", f"{int((table.total > 0).sum())} of {len(table)}", border=True)

st.subheader(f"Records contributed by city, {period}")
st.plotly_chart(
    charts.contribution_bars(table[table.total > 0], label="label_en", colours=colours),
    width="stretch",
    config={"displaylogo": False},
)
st.caption("How is this computed? " + contributions.HOW_COMPUTED)

st.subheader("Records contributed by year and city")
role_choice = st.segmented_control(
    "Records", ["All", "Original", "Enhanced"], default="All", key="contributions_role"
)
column = {"Original": "original", "Enhanced": "enhanced"}.get(role_choice or "All", "total")
labels = dict(zip(table.library_code, table.label_en, strict=True))
st.plotly_chart(
    charts.yearly_stacks(
        query(contributions.by_year),
        value=column,
        label=labels,
        colours=colours,
        value_label="Records contributed",
    ),
    width="stretch",
    config={"displaylogo": False},
)
st.caption("Each bar is a year's records, stacked by the library that contributed them.")

st.subheader("By class of the Chinese Library Classification")
st.plotly_chart(
    charts.class_bars(query(contributions.by_class, year)), width="stretch", config={"displaylogo": False}
)
st.caption("Top class: the first letter of the record's CLC number (084 $a with $2 clc, or UNIMARC 690 $a).")

left, right = st.columns(2)
with left:
    st.subheader("Local-document share by city")
    st.plotly_chart(
        charts.share_bars(
            table[table.total > 0],
            value="local_share",
            label="label_en",
            colours=colours,
            value_label="Local documents",
        ),
        width="stretch",
        config={"displaylogo": False},
    )
    st.caption(
        "Share of each library's contributed records (original and enhanced) that are local documents."
    )
with right:
    st.subheader("By language")
    st.dataframe(query(contributions.by_language, year), hide_index=True, width="stretch")
    st.caption(
        "The language of the resource as the record gives it (MARC language codes: chi, eng, jpn, ...)."
    )

st.subheader("Cumulative records contributed since joining")
growth = query(contributions.cumulative)
st.plotly_chart(
    charts.cumulative_lines(
        growth,
        label=labels,
        colours=colours,
        milestones=consortium().milestones,
        value_label="Records contributed",
    ),
    width="stretch",
    config={"displaylogo": False},
)
st.caption("Running total of each library's contributed records, month by month from its first contribution.")

with st.expander("Files these figures come from"):
    st.dataframe(query(contributions.files_behind, year), hide_index=True, width="stretch")
