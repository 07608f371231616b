"""OCLC services: interlibrary loan lent and borrowed, and cataloguing activity, per city."""

import streamlit as st

from coopdash import scale, services
from coopdash.i18n import number, t
from coopdash.webapp import charts
from coopdash.webapp.filters import largest
from coopdash.webapp.frame import chart, cut_note, how, members, query, registry, rows_table, through_entry

f = through_entry()
lang = f.lang
st.title(t("services.title", lang))

if not query(services.service_years):
    st.info(t("notice.no_services", lang), icon=":material/inbox:")
    st.stop()

colours = charts.library_colours(list(registry().libraries))
ill = f.chosen(query(services.ill_by_city, f.year))
per_10k = "_per_10k" if f.per_capita else ""
places = scale.places(f.per_capita, small=True)
served = scale.population_served(f.chosen(members()))
lent, borrowed = int(ill.lending_filled.sum()), int(ill.borrowing_filled.sum())
requests_lent, requests_borrowed = int(ill.lending_requests.sum()), int(ill.borrowing_requests.sum())
if f.per_capita:
    st.caption(t("scale.heading", lang, residents=number(served, lang)))
a, b, c, d = st.columns(4)
for column, key, count in ((a, "lent", lent), (b, "borrowed", borrowed)):
    column.metric(
        t(f"services.{key}", lang, year=f.year),
        number(scale.per_10k(count, served) if f.per_capita else count, lang, places),
        border=True,
    )
c.metric(
    t("services.lending_fill", lang), f"{lent / requests_lent:.0%}" if requests_lent else "–", border=True
)
d.metric(
    t("services.borrowing_fill", lang),
    f"{borrowed / requests_borrowed:.0%}" if requests_borrowed else "–",
    border=True,
)

active = ill[(ill.lending_requests + ill.borrowing_requests) > 0]
st.subheader(t("services.ill", lang, year=f.year))
if active.empty:
    st.info(t("services.no_ill", lang, year=f.year), icon=":material/filter_alt_off:")
else:
    busiest = largest(active.assign(volume=active.lending_filled + active.borrowing_filled), "volume")
    filled = ["lending_filled", "borrowing_filled"]
    chart(
        charts.lent_and_borrowed(
            scale.scaled(busiest.astype({column: float for column in filled}), filled, f.per_capita),
            label=f.label,
            colours=colours,
            value_label=t(f"chart.borrowed_lent_axis{per_10k}", lang),
            lang=lang,
            decimals=places,
        )
    )
    cut_note(len(busiest), len(active), lang)
how(t("how.ill", lang), lang)

cataloguing = f.chosen(query(services.cataloguing_by_city, f.year))
parts = {
    column: t(f"services.{column}", lang) for column in ("new_records", "records_replaced", "holdings_set")
}
worked = cataloguing[cataloguing[list(parts)].sum(axis=1) > 0]
st.subheader(t("services.cataloguing", lang, year=f.year))
if worked.empty:
    st.info(t("services.no_cataloguing", lang, year=f.year), icon=":material/filter_alt_off:")
else:
    busiest = largest(worked.assign(work=worked[list(parts)].sum(axis=1)), "work")
    chart(
        charts.activity_bars(
            scale.scaled(busiest.astype({column: float for column in parts}), list(parts), f.per_capita),
            label=f.label,
            parts=parts,
            value_label=t(f"services.cataloguing_axis{per_10k}", lang),
            lang=lang,
            decimals=places,
        )
    )
    cut_note(len(busiest), len(worked), lang)
how(t("how.cataloguing", lang), lang)

with st.expander(t("as_table", lang)):
    shown = [f.label]
    rows_table(
        ill[shown + [c for c in ill.columns if c.startswith(("borrowing", "lending")) or c == "balance"]],
        lang,
    )
    rows_table(cataloguing[shown + list(parts) + ["authority_records"]], lang)
