"""Generate the bundled SYNTHETIC sample usage: COUNTER PR, DR and TR files for every member.

So the dashboard can be tried, demonstrated and tested without anyone's real
usage. Every member in the registry gets plausible monthly usage (population,
a per-library adoption factor, yearly growth, the Spring Festival dip, summer
highs, the 2020 closures, a ramp-up after joining), written in the mix of formats
and the few vendor quirks an importer meets in practice. Output is byte-for-byte
reproducible: one seed, one random stream per library, year and purpose.
"""

from __future__ import annotations

import math
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from random import Random

from coopdash.counter_spec import REPORTS
from coopdash.registry import Library, Registry
from coopdash.sample import (
    SYNTHETIC_CREATED_BY,
    SYNTHETIC_RECORD_NOTE,
    SYNTHETIC_SIGNATURE,
    SYNTHETIC_STATISTICS_NOTE,
)
from coopdash.sample.catalogue import plan_catalogue, write_catalogue
from coopdash.sample.catalogue import readme_section as catalogue_readme
from coopdash.sample.counter_files import (
    Report,
    UsageRow,
    month_end,
    write_json,
    write_tabular,
    write_xlsx,
)
from coopdash.sample.oclc_files import plan_statistics, write_statistics
from coopdash.sample.oclc_files import readme_section as statistics_readme
from coopdash.sample.timeline import FIRST_YEAR, LAST_YEAR, SEED, first_usage_month

R51_FIRST_YEAR = 2025  # COUNTER Release 5.1 took effect for 2025 usage
USAGE_DIR = "usage"

# --- the shape of demand ---------------------------------------------------------------

SESSIONS_PER_10K_RESIDENTS = 12.0  # a month's e-resource sessions, adoption 1, in 2016
DEFAULT_POPULATION = 1_000_000  # for a member whose population the registry leaves blank
# A provincial library serves the whole province, but far fewer of its residents.
REACH_BY_LEVEL = {"province": 0.18}
RAMP_UP_MONTHS = 18  # a new member reaches its full use this long after access starts
# Month factors, January first: summer holidays high, October's Golden Week low.
SEASON = (1.0, 0.97, 1.05, 1.02, 1.0, 0.96, 1.16, 1.18, 1.0, 0.93, 1.04, 1.0)
SPRING_FESTIVAL_MONTH = {
    2016: 2, 2017: 1, 2018: 2, 2019: 2, 2020: 1, 2021: 2, 2022: 2, 2023: 1, 2024: 2, 2025: 1,
}  # fmt: skip
SPRING_FESTIVAL_DIP = 0.72
# Libraries closed in spring 2020; remote use of e-resources rose.
PANDEMIC_BUMP = {date(2020, 2, 1): 1.3, date(2020, 3, 1): 1.45, date(2020, 4, 1): 1.3}

# --- what the usage is of (platforms and publishers "Synthetic ..." are invented) --------

OCLC = "OCLC"
FIRSTSEARCH = "FirstSearch"
DISCOVERY = "WorldCat Discovery"
EJOURNALS = "Synthetic E-Journals Platform"
EBOOKS = "Synthetic E-Books Platform"
ACADEMIC_PRESS = "Synthetic Academic Press"
REGIONAL_PRESS = "Synthetic Regional Press"


@dataclass(frozen=True)
class Database:
    name: str
    platform: str
    publisher: str
    data_type_r51: str  # R5 reports say "Database"
    search_share: float  # of the library's sessions
    full_text: bool = False  # full-text databases have requests, bibliographic ones only views
    always_licensed: bool = True
    federated_share: float = 0.0
    automated_share: float = 0.0


DATABASES = (
    Database("WorldCat", FIRSTSEARCH, OCLC, "Database_AI", 0.14, automated_share=0.02),
    Database("ArticleFirst", FIRSTSEARCH, OCLC, "Database_AI", 0.06, federated_share=0.06),
    Database(
        "ECO (Electronic Collections Online)", FIRSTSEARCH, OCLC, "Database_Full", 0.05,
        full_text=True,
    ),
    Database("PapersFirst", FIRSTSEARCH, OCLC, "Database_AI", 0.02),
    Database("ProceedingsFirst", FIRSTSEARCH, OCLC, "Database_AI", 0.016),
    Database("WorldCat Dissertations and Theses", FIRSTSEARCH, OCLC, "Database_AI", 0.028),
    Database(
        "ERIC", FIRSTSEARCH, "U.S. Department of Education", "Database_AI", 0.032,
        always_licensed=False, federated_share=0.05,
    ),
    Database(
        "MEDLINE", FIRSTSEARCH, "U.S. National Library of Medicine", "Database_AI", 0.04,
        always_licensed=False, federated_share=0.05,
    ),
    Database(
        "GPO Monthly Catalog", FIRSTSEARCH, "U.S. Government Publishing Office", "Database_AI",
        0.012, always_licensed=False,
    ),
    Database("WorldCat Discovery Central Index", DISCOVERY, OCLC, "Database_Aggregated", 0.30),
)  # fmt: skip
OPTIONAL_LICENCE_RATE = 0.55  # chance that a member licenses a database not all do
UNLICENSED_ATTEMPT_RATE = 0.04  # denied searches per search it would have had
SEARCHES_PER_PLATFORM_SEARCH = 1.25  # FirstSearch users search several databases at once


@dataclass(frozen=True)
class Collection:
    """A content platform whose titles are in TR and which is one database in DR."""

    database: str
    platform: str
    publisher: str
    proprietary_prefix: str
    data_type: str
    search_share: float  # of the library's sessions
    investigation_share: float  # of the library's sessions, spread over its titles


JOURNALS = Collection(
    "Synthetic E-Journals Collection",
    EJOURNALS,
    ACADEMIC_PRESS,
    "SEJ",
    "Journal",
    0.10,
    0.30,
)
BOOKS = Collection("Synthetic E-Books Collection", EBOOKS, ACADEMIC_PRESS, "SEB", "Book", 0.08, 0.25)

# Most used first. Local culture and regional history, Chinese and English.
JOURNAL_TITLES = (
    "浙江地方志研究", "宋韵文化", "Journal of Jiangnan Regional History", "越剧艺术",
    "运河文化论丛", "Studies in Chinese Local Gazetteers", "良渚文明通讯", "吴越历史与文化",
    "Maritime Silk Road Review", "江南藏书楼研究", "浙东学派研究",
    "Public Library Data and Metrics", "龙泉青瓷与窑址考古", "西湖文化遗产",
    "East Asian Book History", "瓯越民俗", "钱塘江文化研究",
    "Journal of Intangible Heritage Studies", "地方文献工作", "海洋渔业史研究",
    "Digital Humanities in China", "茶文化与茶史", "Tea and Porcelain Trade Studies",
    "非物质文化遗产保护", "Library Consortia Quarterly",
)  # fmt: skip
OPEN_ACCESS_JOURNALS = frozenset(
    {
        "Public Library Data and Metrics",
        "Digital Humanities in China",
        "非物质文化遗产保护",
    }
)
# Journals outside the consortium's package: users meet a No_License denial.
UNLICENSED_JOURNALS = frozenset({"East Asian Book History", "Tea and Porcelain Trade Studies"})
UNLICENSED_DEMAND = 0.04  # denials per investigation a licensed journal would have had
# Journal usage spreads over recent years of publication: shares for YOP = year, year-1, ...
YOP_SHARES = {
    6: (0.55, 0.3, 0.15),
    14: (0.65, 0.35),
}  # for titles numbered up to the key
BOOK_TITLES = (
    ("宋韵：南宋临安的日常生活", 2021), ("越剧百年", 2016),
    ("The Grand Canal: A Waterway and Its Cities", 2019), ("良渚：五千年文明的实证", 2020),
    ("浙江通史简编", 2015), ("天一阁藏书史", 2013), ("Gazetteers and the Making of Place", 2017),
    ("西湖十景图说", 2018), ("龙泉青瓷", 2014), ("Porcelain Roads: Celadon and the World", 2022),
    ("浙东运河史话", 2019), ("湖笔与文房四宝", 2012), ("Book Collectors of Jiangnan", 2015),
    ("温州商人与地方社会", 2023), ("舟山渔俗志", 2017),
    ("Opera of the Yue: Performance and Memory", 2020), ("南孔文化与衢州", 2021),
    ("和合文化", 2016), ("畲族民俗与歌谣", 2018), ("Tea Culture of Southern China", 2014),
    ("绍兴黄酒酿造技艺", 2022), ("Libraries and Local Knowledge", 2024), ("江南古镇", 2011),
    ("Coastal Communities of East China", 2023), ("金华古建筑", 2019),
)  # fmt: skip
# Books licensed for one user at a time: a second reader meets Limit_Exceeded.
SINGLE_USER_BOOKS = frozenset(
    {
        "宋韵：南宋临安的日常生活",
        "良渚：五千年文明的实证",
        "The Grand Canal: A Waterway and Its Cities",
    }
)
LIMIT_EXCEEDED_RATE = 0.04  # turnaways per request of a single-user book
CHINESE_TITLE_PREFERENCE = 1.5  # public-library readers favour Chinese titles

# --- report layouts ----------------------------------------------------------------------

TR_COLUMNS = [
    "Title", "Publisher", "Publisher_ID", "Platform", "DOI", "Proprietary_ID", "ISBN",
    "Print_ISSN", "Online_ISSN", "URI", "Data_Type", "YOP", "Access_Type", "Access_Method",
]  # fmt: skip
DR_COLUMNS = [
    "Database", "Publisher", "Publisher_ID", "Platform", "Proprietary_ID", "Data_Type",
    "Access_Method",
]  # fmt: skip
PR_COLUMNS = ["Platform", "Data_Type", "Access_Method"]
MASTER_COLUMNS = {"PR": PR_COLUMNS, "DR": DR_COLUMNS, "TR": TR_COLUMNS}
SHOWN_ATTRIBUTES = {
    ("TR", "5"): "Data_Type|YOP|Access_Type|Access_Method",
    ("TR", "5.1"): "YOP|Access_Type|Access_Method",
    ("DR", "5"): "Data_Type|Access_Method",
    ("DR", "5.1"): "Access_Method",
    ("PR", "5"): "Data_Type|Access_Method",
    ("PR", "5.1"): "Access_Method",
}
DENIALS = ("Limit_Exceeded", "No_License")
DR_D2_COLUMNS = DR_COLUMNS[:5]
TR_J1_COLUMNS = [c for c in TR_COLUMNS[:10] if c != "ISBN"]
TR_J1_METRICS = ("Total_Item_Requests", "Unique_Item_Requests")
# View -> (columns, Metric_Types, Report_Filters), as in COUNTER's sample views.
VIEW_LAYOUTS = {
    "DR_D2": (DR_D2_COLUMNS, "; ".join(DENIALS), "Access_Method=Regular"),
    "TR_J1": (
        TR_J1_COLUMNS,
        "; ".join(TR_J1_METRICS),
        "Data_Type=Journal; Access_Type=Controlled; Access_Method=Regular",
    ),
}


def release_for(year: int) -> str:
    return "5.1" if year >= R51_FIRST_YEAR else "5"


def open_access_type(release: str) -> str:
    return "Open" if release == "5.1" else "OA_Gold"


def _profile(library: Library) -> tuple[float, float]:
    """(adoption factor, yearly growth): how far ahead per capita, how fast it grows."""
    rng = Random(f"{SEED}/{library.code}/profile")
    adoption = min(2.5, max(0.4, math.exp(rng.gauss(0.0, 0.4))))
    return adoption, rng.uniform(0.05, 0.12)


def monthly_demand(library: Library, month: date) -> float:
    """Expected e-resource sessions of a member in a month (0 before it has access)."""
    start = first_usage_month(library)
    if month < start:
        return 0.0
    adoption, growth = _profile(library)
    population = library.population or DEFAULT_POPULATION
    years = month.year - FIRST_YEAR + (month.month - 1) / 12
    demand = population / 10_000 * REACH_BY_LEVEL.get(library.level, 1.0) * adoption
    demand *= SESSIONS_PER_10K_RESIDENTS * (1 + growth) ** years * SEASON[month.month - 1]
    if SPRING_FESTIVAL_MONTH.get(month.year) == month.month:
        demand *= SPRING_FESTIVAL_DIP
    demand *= PANDEMIC_BUMP.get(month, 1.0)
    if library.joined_on is not None:
        months_in = (month.year - start.year) * 12 + month.month - start.month
        demand *= min(1.0, 0.15 + 0.85 * months_in / RAMP_UP_MONTHS)
    return demand * Random(f"{SEED}/{library.code}/{month:%Y-%m}").gauss(1.0, 0.05)


def _draw(rng: Random, expected: float) -> int:
    """An integer near `expected`, with month-to-month noise and unbiased rounding."""
    return int(max(0.0, expected * rng.gauss(1.0, 0.12)) + rng.random())


def _item_metrics(investigations: int, rng: Random, *, requests: bool, book: bool) -> dict:
    """All item metrics of one item and month, obeying the COUNTER Validator's rules."""
    if not investigations:
        return {}
    unique_investigations = max(1, round(investigations * rng.uniform(0.62, 0.85)))
    total_requests = round(investigations * rng.uniform(0.45, 0.7)) if requests else 0
    unique_requests = 0
    if total_requests:
        share = max(1, round(total_requests * rng.uniform(0.7, 0.9)))
        unique_requests = min(unique_investigations, total_requests, share)
    metrics = {
        "Total_Item_Investigations": investigations,
        "Unique_Item_Investigations": unique_investigations,
        "Total_Item_Requests": total_requests,
        "Unique_Item_Requests": unique_requests,
    }
    if book:
        title_investigations = max(1, round(unique_investigations * rng.uniform(0.6, 0.85)))
        title_requests = 0
        if unique_requests:
            share = max(1, round(unique_requests * rng.uniform(0.7, 0.9)))
            title_requests = min(title_investigations, unique_requests, share)
        metrics["Unique_Title_Investigations"] = title_investigations
        metrics["Unique_Title_Requests"] = title_requests
    return metrics


def _rows(item: dict[str, str], by_month: dict[date, dict[str, int]]) -> list[UsageRow]:
    """{month: {metric: n}} -> one UsageRow per metric used, metrics in alphabetical order."""
    counts: dict[str, dict[date, int]] = {}
    for month, metrics in by_month.items():
        for metric, n in metrics.items():
            if n:
                counts.setdefault(metric, {})[month] = n
    return [UsageRow(dict(item), metric, counts[metric]) for metric in sorted(counts)]


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _issn(serial: int) -> str:
    digits = f"{serial:07d}"
    check = -sum(int(d) * w for d, w in zip(digits, range(8, 1, -1))) % 11
    return f"{digits[:4]}-{digits[4:]}{'X' if check == 10 else check}"


def _isbn(registrant: str, serial: int) -> str:
    body = f"9787{registrant}{serial:04d}"
    check = -sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10
    return f"978-7-{registrant}-{serial:04d}-{check}"


@dataclass(frozen=True)
class Title:
    name: str
    collection: Collection
    number: int
    weight: float  # share of the collection's investigations
    yop: int | None = None  # books: year of publication (no use before it)

    @property
    def is_book(self) -> bool:
        return self.collection is BOOKS

    def item(self, yop: int, access_type: str) -> dict[str, str]:
        prefix = self.collection.proprietary_prefix
        journal = not self.is_book
        return {
            "Title": self.name,
            "Publisher": REGIONAL_PRESS if _is_chinese(self.name) else ACADEMIC_PRESS,
            "Publisher_ID": "",
            "Platform": self.collection.platform,
            "DOI": f"10.5555/{prefix.lower()}.{self.number:03d}",  # Crossref's test prefix
            "Proprietary_ID": f"{prefix}:{self.number:03d}",
            "ISBN": "" if journal else _isbn("5550", 100 + self.number),
            "Print_ISSN": _issn(2999000 + 2 * self.number) if journal and self.number % 2 else "",
            "Online_ISSN": _issn(2999001 + 2 * self.number) if journal else "",
            "URI": "",
            "Data_Type": self.collection.data_type,
            "YOP": str(yop),
            "Access_Type": access_type,
            "Access_Method": "Regular",
        }


def _titles(collection: Collection, names_and_yops) -> list[Title]:
    """Number the titles and weight them by rank (Zipf-like), Chinese titles favoured."""
    weights = [
        (CHINESE_TITLE_PREFERENCE if _is_chinese(name) else 1.0) / (rank + 1) ** 0.9
        for rank, (name, _) in enumerate(names_and_yops)
    ]
    total = sum(weights)
    return [
        Title(name, collection, number, weight / total, yop)
        for number, ((name, yop), weight) in enumerate(zip(names_and_yops, weights), 1)
    ]


TITLES = [
    *_titles(JOURNALS, [(name, None) for name in JOURNAL_TITLES]),
    *_titles(BOOKS, BOOK_TITLES),
]


def _affinity(library: Library) -> dict[str, float]:
    """How much more (or less) than average each member uses each resource, stable over years."""
    rng = Random(f"{SEED}/{library.code}/affinity")
    names = [t.name for t in TITLES] + [d.name for d in DATABASES]
    return {name: math.exp(rng.gauss(0.0, 0.35)) for name in names}


def _licensed(library: Library) -> set[str]:
    rng = Random(f"{SEED}/{library.code}/licences")
    return {db.name for db in DATABASES if db.always_licensed or rng.random() < OPTIONAL_LICENCE_RATE}


@dataclass
class YearUsage:
    """A member's master reports for one year, as rows (the generator's in-memory truth)."""

    release: str
    months: list[date]
    tr: list[UsageRow]
    dr: list[UsageRow]
    pr: list[UsageRow]

    def master(self, report_id: str) -> list[UsageRow]:
        return {"PR": self.pr, "DR": self.dr, "TR": self.tr}[report_id]


def year_usage(library: Library, year: int) -> YearUsage:
    """TR, DR and PR rows of one member and year; DR and PR are sums of what lies beneath."""
    release = release_for(year)
    months = [date(year, m, 1) for m in range(1, 13)]
    demand = {month: monthly_demand(library, month) for month in months}
    rng = Random(f"{SEED}/{library.code}/{year}/usage")
    affinity = _affinity(library)
    tr = _title_rows(demand, rng, affinity, release)
    dr = _database_rows(demand, rng, affinity, _licensed(library), release)
    for collection in (JOURNALS, BOOKS):
        dr += _collection_rows(collection, tr, demand, rng)
    pr = _platform_rows(dr)
    return YearUsage(release, months, tr, dr, pr)


def _title_rows(
    demand: dict[date, float], rng: Random, affinity: dict[str, float], release: str
) -> list[UsageRow]:
    year = next(iter(demand)).year
    available = [title for title in TITLES if title.yop is None or title.yop <= year]
    # A new book takes readers from the others: a collection's use follows demand alone.
    collection_weight: Counter[Collection] = Counter()
    for title in available:
        collection_weight[title.collection] += title.weight
    rows = []
    for title in available:
        share = title.weight / collection_weight[title.collection]
        expected = title.collection.investigation_share * share * affinity[title.name]
        if title.name in UNLICENSED_JOURNALS:
            denials = {
                month: {"No_License": _draw(rng, sessions * expected * UNLICENSED_DEMAND)}
                for month, sessions in demand.items()
            }
            rows += _rows(title.item(year, "Controlled"), denials)
            continue
        access = open_access_type(release) if title.name in OPEN_ACCESS_JOURNALS else "Controlled"
        for yop, yop_share in _yop_shares(title, year):
            by_month = {}
            for month, sessions in demand.items():
                investigations = _draw(rng, sessions * expected * yop_share)
                metrics = _item_metrics(investigations, rng, requests=True, book=title.is_book)
                if title.name in SINGLE_USER_BOOKS and metrics:
                    turnaways = metrics["Total_Item_Requests"] * LIMIT_EXCEEDED_RATE
                    metrics["Limit_Exceeded"] = int(turnaways + rng.random())
                by_month[month] = metrics
            rows += _rows(title.item(yop, access), by_month)
    return rows


def _yop_shares(title: Title, year: int) -> list[tuple[int, float]]:
    if title.yop is not None:
        return [(title.yop, 1.0)]
    shares = next((s for below, s in sorted(YOP_SHARES.items()) if title.number <= below), (1.0,))
    return [(year - back, share) for back, share in enumerate(shares)]


def _database_item(db: Database, release: str) -> dict[str, str]:
    return {
        "Database": db.name,
        "Publisher": db.publisher,
        "Publisher_ID": "",
        "Platform": db.platform,
        "Proprietary_ID": "",
        "Data_Type": db.data_type_r51 if release == "5.1" else "Database",
        "Access_Method": "Regular",
    }


def _database_rows(
    demand: dict[date, float],
    rng: Random,
    affinity: dict[str, float],
    licensed: set[str],
    release: str,
) -> list[UsageRow]:
    rows = []
    for db in DATABASES:
        by_month = {}
        for month, sessions in demand.items():
            searches = _draw(rng, sessions * db.search_share * affinity[db.name])
            if db.name not in licensed:
                denied = int(searches * UNLICENSED_ATTEMPT_RATE + rng.random())
                by_month[month] = {"No_License": denied}
                continue
            views = round(searches * rng.uniform(0.6, 0.75))
            metrics = _item_metrics(views, rng, requests=db.full_text, book=False)
            metrics["Searches_Regular"] = searches
            metrics["Searches_Federated"] = round(searches * db.federated_share)
            metrics["Searches_Automated"] = round(searches * db.automated_share)
            by_month[month] = metrics
        rows += _rows(_database_item(db, release), by_month)
    return rows


def _collection_rows(
    collection: Collection, tr: list[UsageRow], demand: dict[date, float], rng: Random
) -> list[UsageRow]:
    """The collection's DR rows: its own searches plus the sum of its titles' TR rows."""
    item = {
        "Database": collection.database,
        "Publisher": collection.publisher,
        "Publisher_ID": "",
        "Platform": collection.platform,
        "Proprietary_ID": f"{collection.proprietary_prefix}:ALL",
        "Data_Type": collection.data_type,
        "Access_Method": "Regular",
    }
    searches = {
        month: {"Searches_Regular": _draw(rng, sessions * collection.search_share)}
        for month, sessions in demand.items()
    }
    titles = [row for row in tr if row.item["Platform"] == collection.platform]
    rows = _rows(item, searches) + aggregate(titles, ["Platform"], fixed=item)
    return _in_item_order(rows)


def _platform_rows(dr: list[UsageRow]) -> list[UsageRow]:
    """PR: Searches_Platform per platform, item metrics summed from DR by data type."""
    pr_metrics = REPORTS["PR"].metrics
    rows = []
    for platform in dict.fromkeys(row.item["Platform"] for row in dr):
        on_platform = [row for row in dr if row.item["Platform"] == platform]
        regular = [row for row in on_platform if row.metric_type == "Searches_Regular"]
        searches: dict[date, int] = {}
        for row in regular:
            for month, n in row.counts.items():
                searches[month] = searches.get(month, 0) + n
        if len(regular) > 1:
            searches = {m: round(n / SEARCHES_PER_PLATFORM_SEARCH) for m, n in searches.items()}
        item = {
            "Platform": platform,
            "Data_Type": "Platform",
            "Access_Method": "Regular",
        }
        rows += _rows(item, {m: {"Searches_Platform": n} for m, n in searches.items()})
        used = [row for row in on_platform if row.metric_type in pr_metrics]
        rows += aggregate(used, PR_COLUMNS)
    return _in_item_order(rows)


def aggregate(
    rows: list[UsageRow],
    columns: list[str],
    *,
    metrics: tuple[str, ...] | None = None,
    fixed: dict[str, str] | None = None,
) -> list[UsageRow]:
    """Sum rows by the given columns and metric, as a view or a higher-level report does.

    `fixed` gives the other columns of the summed rows (and their order).
    """
    sums: dict[tuple, dict[date, int]] = {}
    for row in rows:
        if metrics is not None and row.metric_type not in metrics:
            continue
        key = (tuple(row.item.get(c, "") for c in columns), row.metric_type)
        counts = sums.setdefault(key, {})
        for month, n in row.counts.items():
            counts[month] = counts.get(month, 0) + n
    summed = [
        UsageRow((fixed or {}) | dict(zip(columns, values)), metric, counts)
        for (values, metric), counts in sums.items()
    ]
    return _in_item_order(summed)


def _in_item_order(rows: list[UsageRow]) -> list[UsageRow]:
    """Items in order of first appearance, each item's metrics alphabetical (as COUNTER's samples)."""
    order: dict[tuple, int] = {}
    for row in rows:
        order.setdefault(tuple(row.item.items()), len(order))
    return sorted(rows, key=lambda row: (order[tuple(row.item.items())], row.metric_type))


# --- files -------------------------------------------------------------------------------


@dataclass
class PlannedFile:
    path: str  # relative to the output directory
    report: Report
    file_format: str  # tsv, csv, xlsx, json
    writer_options: dict = field(default_factory=dict)
    quirk: str = ""  # what a vendor did oddly in this file, for the README


@dataclass(frozen=True)
class Quirk:
    description: str
    file_format: str
    writer_options: tuple[tuple[str, object], ...] = ()
    chinese_name: bool = False
    extra_rows: str = ""  # "total" (after the items) or "all_databases" (before them)


def _province_and_cities(libraries: list[Library]) -> tuple[Library, list[Library]]:
    province = next((lib for lib in libraries if lib.level == "province"), libraries[0])
    return province, [lib for lib in libraries if lib is not province] or [province]


def _quirks(province: Library, cities: list[Library]) -> dict[tuple[str, str, int], Quirk]:
    """Which (member, report, year) files carry a vendor quirk; chosen by registry order."""

    def host(library: Library, report_id: str, year: int) -> tuple[str, str, int]:
        return library.code, report_id, max(year, first_usage_month(library).year)

    def city(position: int) -> Library:
        return cities[position % len(cities)]

    return {
        host(city(1), "PR", 2020): Quirk(
            "CSV saved by Excel: GB18030 without BOM, CRLF line ends, Chinese Institution_Name",
            "csv",
            (("encoding", "gb18030"), ("lineterminator", "\r\n")),
            chinese_name=True,
        ),
        host(province, "DR", 2023): Quirk(
            'CSV with thousands separators in the counts ("1,234")',
            "csv",
            (("thousands_separator", True),),
        ),
        host(city(2), "DR", 2021): Quirk(
            "XLSX whose month headings are Excel date cells and whose Release is the number 5",
            "xlsx",
            (("month_headings_as_dates", True), ("release_as_number", True)),
        ),
        host(city(3), "TR", 2023): Quirk(
            "a 'Total' row per metric appended after the titles",
            "tsv",
            extra_rows="total",
        ),
        host(city(4), "DR", 2024): Quirk(
            "an 'All Databases' aggregate row per metric before the databases",
            "tsv",
            extra_rows="all_databases",
        ),
    }


def _views(province: Library, cities: list[Library]) -> dict[tuple[str, int], list[str]]:
    """A few standard views, {(member, year): [view]}, to go with their master reports."""
    wanted = [
        (province, "DR_D2", 2024), (cities[5 % len(cities)], "DR_D2", 2022),
        (cities[0], "DR_D2", 2025), (province, "TR_J1", 2022),
        (cities[6 % len(cities)], "TR_J1", 2024), (cities[1 % len(cities)], "TR_J1", 2025),
    ]  # fmt: skip
    views: dict[tuple[str, int], list[str]] = {}
    for library, view, year in wanted:
        if year >= first_usage_month(library).year:
            views.setdefault((library.code, year), []).append(view)
    return views


def _habit(index: int, report_id: str, year: int) -> str:
    """Each member's usual download format, by its place in the registry."""
    habit = index % 4
    if habit == 1:
        return "csv"
    if habit == 2 and year >= 2022 and (report_id != "TR" or year >= R51_FIRST_YEAR):
        return "json"  # harvested over SUSHI
    if habit == 3 and report_id == "PR":
        return "xlsx"
    return "tsv"


def _created(end: date, key: str) -> str:
    """A fixed 'Created' timestamp a few days after the period ends."""
    rng = Random(f"{SEED}/{key}/created")
    moment = datetime.combine(end, time()) + timedelta(days=rng.randint(1, 12), seconds=rng.randrange(86400))
    return f"{moment:%Y-%m-%dT%H:%M:%SZ}"


def view_rows(report_id: str, usage: YearUsage) -> list[UsageRow]:
    """DR_D2 = the denial rows of DR; TR_J1 = the Controlled journal requests of TR."""
    if report_id == "DR_D2":
        return aggregate(usage.dr, DR_D2_COLUMNS, metrics=DENIALS)
    journals = [
        row
        for row in usage.tr
        if row.item["Data_Type"] == "Journal" and row.item["Access_Type"] == "Controlled"
    ]
    return aggregate(journals, TR_J1_COLUMNS, metrics=TR_J1_METRICS)


def _extra_rows(kind: str, rows: list[UsageRow], columns: list[str]) -> list[UsageRow]:
    """The aggregate rows some vendors add; they double-count if imported as items."""
    label = {"Title": "Total"} if kind == "total" else {"Database": "All Databases"}
    return aggregate(rows, [], fixed={column: "" for column in columns} | label)


def _planned(
    library: Library,
    report_id: str,
    rows: list[UsageRow],
    period: tuple[date, date],
    file_format: str,
    chinese_name: bool,
    quirk: Quirk | None = None,
) -> PlannedFile:
    begin, end = period
    when = f"{begin:%Y-%m}" if begin.month == end.month else f"{begin.year}"
    stem = f"{library.code}_{report_id}_{when}"
    if report_id in VIEW_LAYOUTS:
        columns, metric_types, filters = VIEW_LAYOUTS[report_id]
    else:
        columns, metric_types, filters = MASTER_COLUMNS[report_id], "", ""
    release = release_for(begin.year)
    attributes = SHOWN_ATTRIBUTES.get((report_id, release), "")
    report = Report(
        report_id=report_id,
        release=release,
        institution_name=library.name_zh if chinese_name else library.name_en,
        institution_ids=[],
        begin=begin,
        end=end,
        columns=columns,
        rows=rows,
        created=_created(end, stem),
        created_by=SYNTHETIC_CREATED_BY,
        report_filters=filters,
        report_attributes=f"Attributes_To_Show={attributes}" if attributes else "",
        metric_types=metric_types,
    )
    return PlannedFile(
        f"{USAGE_DIR}/{begin.year}/{stem}.{file_format}",
        report,
        file_format,
        dict(quirk.writer_options) if quirk else {},
        quirk.description if quirk else "",
    )


def plan_files(registry: Registry) -> list[PlannedFile]:
    """Every file to write, with its report, format and quirk; nothing written yet."""
    libraries = list(registry.libraries.values())
    province, cities = _province_and_cities(libraries)
    quirks = _quirks(province, cities)
    views = _views(province, cities)
    monthly_pr = {
        province.code,
        cities[0].code,
    }  # staff there download PR month by month
    planned = []
    for index, library in enumerate(libraries):
        chinese_name = index % 3 == 2  # these members' platforms report the Chinese name
        for year in range(first_usage_month(library).year, LAST_YEAR + 1):
            usage = year_usage(library, year)
            for report_id in ("PR", "DR", "TR"):
                quirk = quirks.get((library.code, report_id, year))
                if quirk:
                    planned.append(_quirk_file(library, report_id, usage, quirk, chinese_name))
                    continue
                file_format = _habit(index, report_id, year)
                if report_id == "PR" and year == LAST_YEAR and library.code in monthly_pr:
                    planned += _monthly_files(library, usage, file_format, chinese_name)
                else:
                    rows = usage.master(report_id)
                    period = _whole_year(year)
                    planned.append(_planned(library, report_id, rows, period, file_format, chinese_name))
            for view in views.get((library.code, year), []):
                rows, period = view_rows(view, usage), _whole_year(year)
                planned.append(_planned(library, view, rows, period, "tsv", chinese_name))
    return planned


def _whole_year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _monthly_files(
    library: Library, usage: YearUsage, file_format: str, chinese_name: bool
) -> list[PlannedFile]:
    files = []
    for month in usage.months:
        rows = [
            UsageRow(row.item, row.metric_type, {month: row.counts[month]})
            for row in usage.pr
            if row.counts.get(month)
        ]
        period = (month, month_end(month))
        files.append(_planned(library, "PR", rows, period, file_format, chinese_name))
    return files


def _quirk_file(
    library: Library, report_id: str, usage: YearUsage, quirk: Quirk, chinese_name: bool
) -> PlannedFile:
    rows = usage.master(report_id)
    if quirk.extra_rows:
        extra = _extra_rows(quirk.extra_rows, rows, MASTER_COLUMNS[report_id])
        rows = rows + extra if quirk.extra_rows == "total" else extra + rows
    period = _whole_year(usage.months[0].year)
    chinese_name = chinese_name or quirk.chinese_name
    return _planned(library, report_id, rows, period, quirk.file_format, chinese_name, quirk)


def write_planned(planned: PlannedFile, out_dir: Path) -> Path:
    path = out_dir / planned.path
    path.parent.mkdir(parents=True, exist_ok=True)
    options = planned.writer_options
    if planned.file_format == "tsv":
        write_tabular(planned.report, path, **options)
    elif planned.file_format == "csv":
        write_tabular(planned.report, path, delimiter=",", **options)
    elif planned.file_format == "xlsx":
        write_xlsx(planned.report, path, **options)
    else:
        write_json(planned.report, path)
    return path


def generate(out_dir: Path, registry: Registry | None = None) -> list[Path]:
    """Write all the sample data: usage/, marc/, oclc/ and README.md under out_dir.

    Each folder is emptied first, so a member removed from the registry leaves
    no stale files behind.
    """
    registry = registry or Registry.load()
    planned = plan_files(registry)
    shutil.rmtree(out_dir / USAGE_DIR, ignore_errors=True)
    paths = [write_planned(file, out_dir) for file in planned]
    marc_files = plan_catalogue(registry)
    statistics = plan_statistics(registry, marc_files)
    paths += write_catalogue(out_dir, marc_files) + write_statistics(out_dir, statistics)
    sections = catalogue_readme(marc_files) + "\n" + statistics_readme(statistics) + "\n"
    readme = out_dir / "README.md"
    readme.write_text(readme_text(planned, registry, sections), encoding="utf-8")
    return paths + [readme]


def _paths(files: list[PlannedFile]) -> str:
    return "\n".join(f"  - `{file.path}`" for file in sorted(files, key=lambda f: f.path))


def readme_text(planned: list[PlannedFile], registry: Registry, sections: str = "") -> str:
    """data/sample/README.md: everything here is synthetic (in English and Chinese), and what is where."""
    libraries = list(registry.libraries.values())
    late = ", ".join(lib.code for lib in libraries if lib.joined_on) or "none"
    chinese = sorted({f.path.split("/")[-1].split("_")[0] for f in planned
                      if f.report.institution_name in {lib.name_zh for lib in libraries}})  # fmt: skip
    monthly = sorted({f.path.split("/")[-1].split("_")[0] for f in planned
                      if f.report.begin.month == f.report.end.month})  # fmt: skip
    formats = Counter(file.file_format.upper() for file in planned)
    views = [file for file in planned if file.report.report_id in VIEW_LAYOUTS]
    quirks = "\n".join(f"| `{f.path}` | {f.quirk} |" for f in planned if f.quirk)
    firstsearch = ", ".join(db.name for db in DATABASES if db.platform == FIRSTSEARCH)
    optional = ", ".join(db.name for db in DATABASES if not db.always_licensed)
    return f"""# SYNTHETIC sample data / 合成示例数据

**Every file in this folder is synthetic.** The numbers, records and titles are invented:
they are not the usage, catalogue or statistics of any library. They are generated by
`python -m coopdash sample` (`coopdash/sample/`, seed {SEED}): regenerate them, do not edit
them. Every file says it is synthetic, and the importers flag it:

- COUNTER usage (`usage/`): `Created_By` is `{SYNTHETIC_CREATED_BY}`; an import whose
  `Created_By` contains the word SYNTHETIC is flagged.
- MARC records (`marc/`): every record carries the note `{SYNTHETIC_RECORD_NOTE}`
  (MARC 21 500 $a, UNIMARC 300 $a).
- OCLC statistics (`oclc/`): the first line is `{SYNTHETIC_STATISTICS_NOTE}`.

All three labels begin with `{SYNTHETIC_SIGNATURE}`.

**本目录中的所有文件均为合成数据。** 其中的数字、记录与题名均为虚构，不代表任何图书馆的真实
使用、编目或统计情况。这些文件由 `python -m coopdash sample`（`coopdash/sample/`，随机种子
{SEED}）生成；需要时请重新生成，不要手工修改。每个文件都标明为合成数据：COUNTER 报告的
`Created_By` 为 `{SYNTHETIC_CREATED_BY}`；每条 MARC 记录带有附注 `{SYNTHETIC_RECORD_NOTE}`；
每个 OCLC 统计文件的第一行为 `{SYNTHETIC_STATISTICS_NOTE}`。导入程序会标记这些文件。

## What is here

- `usage/`: COUNTER usage of all {len(libraries)} members of `data/libraries.csv`,
  {FIRST_YEAR}-01 to {LAST_YEAR}-12; Release 5 up to {R51_FIRST_YEAR - 1}, Release 5.1
  in {R51_FIRST_YEAR}. One file per member, report and year,
  `usage/<year>/<code>_<report>_<year>.<ext>`, for PR (platforms), DR (databases) and
  TR (titles): {len(planned)} files, {formats["TSV"]} TSV, {formats["CSV"]} CSV,
  {formats["JSON"]} JSON (SUSHI layout) and {formats["XLSX"]} XLSX.
- In {LAST_YEAR} {" and ".join(monthly)} deliver PR month by month:
  `<code>_PR_<yyyy-mm>.<ext>`.
- Standard views, equal to the matching rows of their master reports:
{_paths(views)}
- Platforms: OCLC's {FIRSTSEARCH} ({firstsearch}) and {DISCOVERY}; two invented
  platforms, "{EJOURNALS}" ({len(JOURNAL_TITLES)} journals) and "{EBOOKS}"
  ({len(BOOK_TITLES)} books). The titles, the publishers "{ACADEMIC_PRESS}" and
  "{REGIONAL_PRESS}", and their ISSNs, ISBNs and DOIs (Crossref's test prefix 10.5555)
  are invented; a match with a real publication is a coincidence.
- Shape: use roughly proportional to population times a per-member adoption factor,
  5-12 % growth a year, a dip in the Spring Festival month, highs in July and August,
  a rise in February-April 2020. Members with a joined_on date ({late}) have usage
  from the month after they joined, ramping up over {RAMP_UP_MONTHS} months.
  DR sums the TR titles of each content platform and PR sums DR, so reports agree.
  Denials: some members lack a licence for {optional} (No_License), two journals are
  outside the package (No_License), three e-books admit one reader at a time
  (Limit_Exceeded).
- `marc/`: MARC 21 and CNMARC records each member catalogued, and `oclc/`: its interlibrary
  loan and cataloguing statistics, both described below.
- `Institution_Name` is the registry's English name, except the Chinese name in the files
  of {", ".join(chinese)}. `Institution_ID` is empty: these libraries' OCLC symbols
  are not public.

## 内容

- `usage/`：`data/libraries.csv` 中全部 {len(libraries)} 个成员馆 {FIRST_YEAR} 年 1 月至
  {LAST_YEAR} 年 12 月的 COUNTER 使用报告（{R51_FIRST_YEAR - 1} 年及以前为第 5 版，
  {R51_FIRST_YEAR} 年为第 5.1 版）：平台报告 PR、数据库报告 DR、题名报告 TR，每馆每种
  报告每年一个文件；另有少量标准视图（DR_D2、TR_J1）。
- 平台为 OCLC 的 FirstSearch 与 WorldCat Discovery，以及两个虚构平台；题名、出版者、
  ISSN、ISBN 与 DOI 均为虚构。
- 使用量大致与人口成正比，各馆采用程度不同，年增长 5-12 %，春节所在月份下降，七、八月
  上升，2020 年 2-4 月上升；有 joined_on 日期的成员馆（{late}）自加入后的次月起才有
  使用数据，并在 {RAMP_UP_MONTHS} 个月内逐步增长。
- `marc/` 与 `oclc/`：各成员馆的 MARC 21 与 CNMARC 编目记录，以及馆际互借与编目统计，详见下文。

## Vendor quirks / 供应商文件的常见问题

Real exports are often slightly off. Each quirk below is in exactly one file; the files
are still valid and must import. Everything else is clean.
下列每种问题只出现在一个文件中；这些文件仍然有效，应能正常导入。其余文件均为规范格式。

| File / 文件 | Quirk / 问题 |
|---|---|
{quirks}

{sections}## Caveats / 说明

- COUNTER Release 5 took effect in 2019; real exports for {FIRST_YEAR}-2018 would be
  Release 4. The sample uses Release 5 throughout to give one comparable series.
- A real provider reports only its own platforms; here one file covers all four.
- 真实的 {FIRST_YEAR}-2018 年报告应为 COUNTER 第 4 版，此处统一使用第 5 版以便比较；
  真实的报告只包含提供方自己的平台，此处一个文件包含全部四个平台。
"""
