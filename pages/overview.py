"""Overview: the year in headline figures, the map of cities, both directions, the story since the signing."""

import streamlit as st

from coopdash import comparison, contributions, overview, scale, services, story, uptake
from coopdash.i18n import number, t
from coopdash.webapp import charts, citymap
from coopdash.webapp.filters import largest
from coopdash.webapp.frame import chart, city_shapes, consortium, how, members, query, registry, through_entry

f = through_entry()
lang = f.lang
st.title(t("overview.title", lang))

if f.year is None:
    st.info(t("notice.no_data", lang), icon=":material/inbox:")
    st.stop()

year, metric = f.year, f.metric
metric_name = t(f"metric.{metric}", lang)
labels = registry().labels(lang)
colours = charts.library_colours(list(registry().libraries))
chosen = f.chosen(members())
per_10k = "_per_10k" if f.per_capita else ""
usage = f.chosen(query(uptake.uptake_by_city, year, metric))
records = f.chosen(query(contributions.by_city, year))
ill = f.chosen(query(services.ill_by_city, year))
changes = query(overview.year_changes, year, metric, f.libraries)

st.caption(t("overview.lede", lang, year=year, metric=metric_name))
served = scale.population_served(chosen)
if f.per_capita:
    st.caption(t("scale.heading", lang, residents=number(served, lang)))
for column, headline in zip(st.columns(4), overview.headlines(changes, chosen, f.per_capita), strict=True):
    column.metric(
        t(f"overview.{headline.key}", lang, year=year),
        number(headline.value, lang, scale.places(f.per_capita, small=headline.key != "usage")),
        comparison.delta(headline.change, lang),
        border=True,
    )
st.caption(
    f"**{t('change.title', lang)}** "
    + comparison.changes_note(
        [(t(f"overview.measure.{key}", lang), change) for key, change in changes.items()], labels, lang
    )
)

left, right = st.columns([1, 1])
with left:
    st.subheader(t("overview.map", lang, year=year))
    settings = consortium()
    if settings.map_file is None:
        st.info(t("overview.no_map", lang), icon=":material/map:")
    else:
        measure = st.selectbox(
            t("overview.map_measure", lang),
            overview.MAP_MEASURES,
            format_func=lambda m: t(f"overview.measure.{m}", lang),
            key="map_measure",
        )
        measure_name = t(f"overview.measure.{measure}", lang)
        chart(
            citymap.city_map(
                overview.map_values(usage, records, ill, measure, f.per_capita, lang),
                shapes=city_shapes(settings.map_file),
                value_label=t("per_10k_of", lang, metric=measure_name) if f.per_capita else measure_name,
                format_value=lambda v: number(v, lang, scale.places(f.per_capita, small=measure != "usage")),
                no_data_text=t("overview.no_data_city", lang),
                attribution=settings.map_attribution_zh if lang == "zh" else settings.map_attribution_en,
            ),
            key="map",
        )
        st.caption(t("overview.map_note", lang))
with right:
    st.subheader(t("overview.two_way", lang, year=year))
    both = overview.two_way_table(usage, records, f.per_capita)
    if both.empty:
        st.info(t("overview.no_two_way", lang), icon=":material/filter_alt_off:")
    else:
        chart(
            charts.two_way(
                largest(both, "uses"),
                label=f.label,
                colours=colours,
                usage="uses",
                records="records",
                usage_label=t(f"overview.in_axis{per_10k}", lang),
                records_label=t(f"overview.out_axis{per_10k}", lang),
                lang=lang,
                decimals=(scale.places(f.per_capita), scale.places(f.per_capita, small=True)),
            )
        )
    st.caption(t(f"overview.two_way_note{per_10k}", lang, metric=metric_name))

began = consortium().began
if began is not None:
    st.subheader(t("story.title", lang))
    since = f.chosen(query(story.since_signing, began.date, metric))
    if not (since.uses.any() or since.records.any()):
        st.info(t("story.none", lang), icon=":material/hourglass_empty:")
    else:
        if f.per_capita:
            st.caption(t("scale.heading", lang, residents=number(served, lang)))
        a, b = st.columns(2)
        uses, contributed = since.uses.sum(), since.records.sum()
        if f.per_capita:
            uses, contributed = scale.per_10k(uses, served), scale.per_10k(contributed, served)
        a.metric(t("story.uses", lang), number(uses, lang, scale.places(f.per_capita)), border=True)
        b.metric(
            t("story.records", lang),
            number(contributed, lang, scale.places(f.per_capita, small=True)),
            border=True,
        )
        table = scale.scaled(
            since.astype({"uses": float, "records": float}), ["uses", "records"], f.per_capita
        )
        chart(
            charts.two_way(
                largest(table[(since.uses > 0) | (since.records > 0)], "uses"),
                label=f.label,
                colours=colours,
                usage="uses",
                records="records",
                usage_label=t(f"story.uses{per_10k}", lang),
                records_label=t(f"story.records{per_10k}", lang),
                lang=lang,
                decimals=(scale.places(f.per_capita), scale.places(f.per_capita, small=True)),
            ),
            key="since_signing",
        )
        st.caption(story.since_text(began.date, since, lang))

st.subheader(t("overview.trend", lang, metric=metric_name))
monthly = query(uptake.monthly_total, metric, f.libraries or tuple(registry().libraries))
if f.per_capita:
    monthly = monthly.assign(total=monthly.total * scale.PER / served if served else None)
chart(
    charts.province_trend(
        monthly,
        milestones=consortium().milestones,
        value_label=t("overview.monthly", lang),
        average_label=t("overview.average", lang),
        axis_label=t(f"overview.trend_axis{per_10k}", lang),
        lang=lang,
        decimals=scale.places(f.per_capita),
    )
)
how(uptake.how_computed(uptake.MEASURES[metric], lang), lang)
