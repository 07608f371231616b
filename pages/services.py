"""OCLC services: interlibrary loan lent and borrowed, and cataloguing activity, per city."""

import streamlit as st

from coopdash import charts, services
from coopdash.webapp import query, registry, through_entry

through_entry()

st.title("OCLC services: resource sharing and cataloguing")

years = query(services.service_years)
if not years:
    st.info(
        "No OCLC service statistics have been imported yet. Import the interlibrary loan and cataloguing "
        "exports from OCLC's Usage Statistics portal with `python -m coopdash import PATH` (see "
        "docs/oclc_statistics.md) and reload this page.",
        icon=":material/inbox:",
    )
    st.stop()

left, _ = st.columns([1, 4])
year = left.selectbox("Year", years, key="services_year")
colours = charts.library_colours(list(registry().libraries))

ill = query(services.ill_by_city, year)
lent, borrowed = int(ill.lending_filled.sum()), int(ill.borrowing_filled.sum())
requests_lent, requests_borrowed = int(ill.lending_requests.sum()), int(ill.borrowing_requests.sum())
a, b, c, d = st.columns(4)
a.metric(f"Requests lent (filled), {year}", f"{lent:,}", border=True)
b.metric(f"Requests borrowed (filled), {year}", f"{borrowed:,}", border=True)
c.metric("Lending fill rate", f"{lent / requests_lent:.0%}" if requests_lent else "–", border=True)
d.metric(
    "Borrowing fill rate", f"{borrowed / requests_borrowed:.0%}" if requests_borrowed else "–", border=True
)

active = ill[(ill.lending_requests + ill.borrowing_requests) > 0]
st.subheader(f"Interlibrary loan: lent and borrowed, {year}")
if active.empty:
    st.info(f"No interlibrary loan figures for {year}.")
else:
    st.plotly_chart(
        charts.lent_and_borrowed(active, label="label_en", colours=colours),
        width="stretch",
        config={"displaylogo": False},
    )
st.caption("How is this computed? " + services.ILL_HOW_COMPUTED)

cataloguing = query(services.cataloguing_by_city, year)
parts = {
    "new_records": "New WorldCat records",
    "records_replaced": "Records replaced",
    "holdings_set": "Holdings set",
}
worked = cataloguing[cataloguing[list(parts)].sum(axis=1) > 0]
st.subheader(f"Cataloguing activity, {year}")
if worked.empty:
    st.info(f"No cataloguing statistics for {year}.")
else:
    st.plotly_chart(
        charts.activity_bars(worked, label="label_en", parts=parts),
        width="stretch",
        config={"displaylogo": False},
    )
st.caption("How is this computed? " + services.CATALOGUING_HOW_COMPUTED)

with st.expander("The figures as tables"):
    st.dataframe(ill.drop(columns=["level"]), hide_index=True, width="stretch")
    st.dataframe(cataloguing.drop(columns=["level"]), hide_index=True, width="stretch")
