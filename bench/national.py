"""A database at national scale for the benchmarks: 3,000 libraries, 10 years, all synthetic.

    python bench/national.py [--rebuild]

Writes a registry of 3,000 member libraries (31 provincial libraries, the city
libraries of their prefectures, district and county libraries under them, with
2020-census-like populations) to bench/out/national_libraries.csv, then builds
bench/out/national.duckdb through coopdash itself (`db.connect` applies the
schema, `db.sync_registry` copies the registry in) and fills it in bulk with
DuckDB SQL, deterministic `hash()`-based values rather than Python loops:

- `imports`: one provenance row per file a real consortium would have imported:
  a PR and a DR per library and year (COUNTER), a catalogue export, an ILL and a
  cataloguing statistics file per library and year; `imports_seq` is moved past
  them, so a later real import gets the next number (the data version);
- `usage_rows` / `usage_counts`: monthly PR (4 platforms) and DR (9 databases)
  counts, about 20 million non-zero month counts, each obeying the COUNTER
  Validator's ordering rules; then every `db.rebuild_*` (`rebuild_usage_monthly`
  today), so the pre-aggregated tables hold what the imports would have left;
- `contributions`: 5,000,000 catalogue records (original and enhanced, CLC
  classes, languages, about 30 % local documents with the rule that matched);
- `ill_activity` and `cataloguing_activity`: monthly per library.

The file is reused while bench/out/national.json records the same build
parameters, schema files and DuckDB version; `--rebuild` (or
`ensure(rebuild=True)`) builds it again. Built under a temporary name and moved
into place only when complete.

    from national import ensure        # with bench/ on sys.path
    database, registry_csv = ensure()
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import inspect
import json
import math
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from coopdash import db  # noqa: E402
from coopdash.registry import COLUMNS, Registry  # noqa: E402

OUT = ROOT / "bench" / "out"
DATABASE = OUT / "national.duckdb"
REGISTRY_CSV = OUT / "national_libraries.csv"

# Bump BUILD_VERSION whenever what the builder writes changes: a stored file is then rebuilt.
BUILD_VERSION = 2
PARAMETERS = {
    "build_version": BUILD_VERSION,
    "libraries": 3000,
    "first_year": 2016,
    "years": 10,
    "contributions": 5_000_000,
    "seed": 20261124,
}
CREATED_BY = "coopdash national benchmark (SYNTHETIC DATA, not real usage)"
IMPORTED_BY = "bench/national.py (synthetic national-scale data)"

# The 31 provincial-level divisions: adcode prefix, English and Chinese names, the
# 2020 census population and the number of prefecture-level cities (0: a municipality,
# whose districts hang directly under it).
PROVINCES = (
    (11, "Beijing", "北京市", 21_893_095, 0),
    (12, "Tianjin", "天津市", 13_866_009, 0),
    (13, "Hebei", "河北省", 74_610_235, 11),
    (14, "Shanxi", "山西省", 34_915_616, 11),
    (15, "Inner Mongolia", "内蒙古自治区", 24_049_155, 12),
    (21, "Liaoning", "辽宁省", 42_591_407, 14),
    (22, "Jilin", "吉林省", 24_073_453, 9),
    (23, "Heilongjiang", "黑龙江省", 31_850_088, 13),
    (31, "Shanghai", "上海市", 24_870_895, 0),
    (32, "Jiangsu", "江苏省", 84_748_016, 13),
    (33, "Zhejiang", "浙江省", 64_567_588, 11),
    (34, "Anhui", "安徽省", 61_027_171, 16),
    (35, "Fujian", "福建省", 41_540_086, 9),
    (36, "Jiangxi", "江西省", 45_188_635, 11),
    (37, "Shandong", "山东省", 101_527_453, 16),
    (41, "Henan", "河南省", 99_365_519, 17),
    (42, "Hubei", "湖北省", 57_752_557, 13),
    (43, "Hunan", "湖南省", 66_444_864, 14),
    (44, "Guangdong", "广东省", 126_012_510, 21),
    (45, "Guangxi", "广西壮族自治区", 50_126_804, 14),
    (46, "Hainan", "海南省", 10_081_232, 4),
    (50, "Chongqing", "重庆市", 32_054_159, 0),
    (51, "Sichuan", "四川省", 83_674_866, 21),
    (52, "Guizhou", "贵州省", 38_562_148, 9),
    (53, "Yunnan", "云南省", 47_209_277, 16),
    (54, "Tibet", "西藏自治区", 3_648_100, 7),
    (61, "Shaanxi", "陕西省", 39_528_999, 10),
    (62, "Gansu", "甘肃省", 25_019_831, 14),
    (63, "Qinghai", "青海省", 5_923_957, 8),
    (64, "Ningxia", "宁夏回族自治区", 7_202_654, 5),
    (65, "Xinjiang", "新疆维吾尔自治区", 25_852_345, 14),
)
# Syllables for invented place names: a pair gives one name in pinyin and in Chinese.
SYLLABLES = (
    ("An", "安"), ("Bai", "白"), ("Bao", "宝"), ("Bei", "北"), ("Chang", "长"), ("Cheng", "城"),
    ("Chong", "崇"), ("Chun", "春"), ("Da", "大"), ("De", "德"), ("Dong", "东"), ("Fang", "芳"),
    ("Feng", "丰"), ("Fu", "福"), ("Gao", "高"), ("Guang", "广"), ("Gui", "桂"), ("Hai", "海"),
    ("He", "河"), ("Heng", "衡"), ("Hong", "洪"), ("Hua", "华"), ("Huai", "淮"), ("Hui", "惠"),
    ("Jia", "嘉"), ("Jian", "建"), ("Jiang", "江"), ("Jin", "金"), ("Jing", "景"), ("Kang", "康"),
    ("Le", "乐"), ("Lin", "林"), ("Ling", "陵"), ("Long", "龙"), ("Lu", "鹿"), ("Mei", "梅"),
    ("Ming", "明"), ("Nan", "南"), ("Ning", "宁"), ("Ping", "平"), ("Qing", "清"), ("Quan", "泉"),
    ("Rui", "瑞"), ("Shan", "山"), ("Shi", "石"), ("Shou", "寿"), ("Song", "松"), ("Tai", "泰"),
    ("Tian", "天"), ("Wen", "文"), ("Wu", "武"), ("Xi", "西"), ("Xin", "新"), ("Xing", "兴"),
    ("Yang", "阳"), ("Yong", "永"), ("Yuan", "源"), ("Yun", "云"), ("Zhang", "章"), ("Zhao", "昭"),
)  # fmt: skip

# COUNTER rows of every file: (report, platform, database, data type, metric, share of the
# library's use that goes to this platform or database, metric factor, sparse). A sparse
# metric (denials, federated and automated searches) is present in about a third of the
# months; the others every month, in proportions that keep the Validator's rules
# (Total_Item_Investigations >= Unique_Item_Investigations >= Unique_Item_Requests, ...).
TII, UII, TIR, UIR = "Total_Item_Investigations", "Unique_Item_Investigations", "Total_Item_Requests", "Unique_Item_Requests"  # fmt: skip
UTI, UTR = "Unique_Title_Investigations", "Unique_Title_Requests"
FACTORS = {
    TII: 1.0, UII: 0.74, TIR: 0.52, UIR: 0.40, UTI: 0.55, UTR: 0.30,
    "Searches_Platform": 0.85, "Searches_Regular": 0.80,
    "Searches_Federated": 2.0, "Searches_Automated": 3.0, "No_License": 1.0, "Limit_Exceeded": 0.6,
}  # fmt: skip
SPARSE = {"Searches_Federated", "Searches_Automated", "No_License", "Limit_Exceeded"}
EBOOKS, EJOURNALS = "Synthetic E-Books Platform", "Synthetic E-Journals Platform"
PR_PLATFORMS = (
    ("FirstSearch", "Database", 0.35, ("Searches_Platform", TII, UII, TIR, UIR)),
    ("WorldCat Discovery", "Database", 0.30, ("Searches_Platform", TII, UII)),
    (EBOOKS, "Book", 0.20, ("Searches_Platform", TII, UII, TIR, UIR, UTI, UTR)),
    (EJOURNALS, "Journal", 0.15, ("Searches_Platform", TII, UII, TIR, UIR)),
)
DR_DATABASES = (
    ("FirstSearch", "WorldCat", 0.12, ("Searches_Regular", "Searches_Automated", TII, UII)),
    ("FirstSearch", "ArticleFirst", 0.06, ("Searches_Regular", "Searches_Federated", TII, UII)),
    ("FirstSearch", "ECO (Electronic Collections Online)", 0.08, ("Searches_Regular", TII, UII, TIR, UIR)),
    ("FirstSearch", "ERIC", 0.03, ("Searches_Regular", "Searches_Federated", TII, UII, "No_License")),
    ("FirstSearch", "MEDLINE", 0.03, ("Searches_Regular", "Searches_Federated", TII, UII, "No_License")),
    ("FirstSearch", "PapersFirst", 0.03, ("Searches_Regular", TII, UII)),
    ("WorldCat Discovery", "WorldCat Discovery Central Index", 0.30, ("Searches_Regular", TII, UII)),
    (EBOOKS, "Synthetic E-Books Collection", 0.20,
     ("Searches_Regular", TII, UII, TIR, UIR, UTI, UTR, "Limit_Exceeded")),
    (EJOURNALS, "Synthetic E-Journals Collection", 0.15,
     ("Searches_Regular", TII, UII, TIR, UIR, "No_License")),
)  # fmt: skip
PUBLISHERS = {"FirstSearch": "OCLC", "WorldCat Discovery": "OCLC", EBOOKS: "Synthetic Press", EJOURNALS: "Synthetic Press"}  # fmt: skip
SEASON = [1.0, 0.72, 1.1, 1.1, 1.05, 1.0, 0.85, 0.8, 1.05, 1.1, 1.15, 1.05]  # January ... December

# Catalogue records.
CLASSES = [
    "A81", "B222.2", "B84", "C91", "D63", "D922.1", "E29", "F127", "F832", "G258.6", "G40", "G624",
    "H19", "H31", "I207.22", "I247.5", "I247.5", "I266", "J212", "J292", "K20", "K203", "K825.6",
    "K928.9", "N49", "O13", "P9", "Q94", "R212", "R47", "S5", "TP312", "TU98", "U4", "V2", "X3", "Z228",
]  # fmt: skip
TITLE_FIRST = [
    "中国",
    "现代",
    "古代",
    "世界",
    "城市",
    "乡村",
    "图书馆",
    "数字",
    "近代",
    "当代",
    "丝绸之路",
    "江南",
]
TITLE_SECOND = [
    "历史",
    "文学",
    "经济",
    "哲学",
    "艺术",
    "教育",
    "科学",
    "法律",
    "建筑",
    "医学",
    "社会",
    "音乐",
]
TITLE_THIRD = ["研究", "概论", "史话", "论集", "丛书", "导论", "简史", "评论", "文选", "读本"]
LOCAL_TOPICS = ["地方志", "文史资料", "风俗志", "人物志", "年鉴", "文化研究", "经济发展报告", "民间故事集", "方言研究", "老照片"]  # fmt: skip
PLACES = ["北京", "上海", "南京", "广州", "武汉", "成都", "西安", "杭州", "长沙", "天津"]


# ---------------------------------------------------------------- the registry


def _split(total: int, parts: int, rng: random.Random, sigma: float) -> list[int]:
    """`total` split into `parts` lognormal shares, adding up exactly."""
    weights = [rng.lognormvariate(0, sigma) for _ in range(parts)]
    scale = sum(weights)
    shares = [int(total * w / scale) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Whole numbers proportional to `weights`, adding up to `total` (largest remainder)."""
    exact = [total * w / sum(weights) for w in weights]
    counts = [math.floor(x) for x in exact]
    for index in sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])[: total - sum(counts)]:
        counts[index] += 1
    return counts


def registry_rows(libraries: int, seed: int) -> list[dict[str, str]]:
    """The synthetic registry: provincial, city and district libraries, `libraries` in all."""
    rng = random.Random(seed)
    province_names = {name.replace(" ", "").lower() for _, name, *_ in PROVINCES}
    pairs = [(a, b) for a in SYLLABLES for b in SYLLABLES if a != b]
    rng.shuffle(pairs)
    unique: dict[str, tuple[str, str]] = {}  # "Jia"+"nan" and "Jian"+"an" spell the same: keep one
    for a, b in pairs:
        unique.setdefault((a[0] + b[0]).lower(), (a[0] + b[0].lower(), a[1] + b[1]))
    names = iter(name for spelling, name in unique.items() if spelling not in province_names)
    rows: list[dict[str, str]] = []

    def add(
        code: str, level: str, name_en: str, name_zh: str, city: tuple[str, str], adcode: int, population: int
    ):
        number = len(rows) + 1
        # Libraries join in waves, as Zhejiang's cities did: a province signs, its libraries join
        # that day; the date of a few is not known exactly, only that they had joined by 2016.
        if level == "province" or rng.random() < 0.15:
            joined = {"joined_on": "", "joined_before": "2016-01-01", "joined_note": "by 2016 (synthetic)"}
        else:
            joined = {"joined_on": signed.isoformat(), "joined_before": "", "joined_note": "synthetic wave"}
        rows.append(
            {
                "code": code,
                "level": level,
                "name_en": name_en,
                "name_zh": name_zh,
                "city_en": city[0],
                "city_zh": city[1],
                "adcode": str(adcode),
                "population": str(population),
                "population_source": "synthetic (national benchmark)",
                **joined,
                "aliases": f"sample:SYN-N{number:04d}|isil:CN-BENCH-{number:04d}",
            }
        )

    cities = sum(p[4] for p in PROVINCES)
    districts = libraries - len(PROVINCES) - cities
    if districts < 0:
        raise SystemExit(f"at least {len(PROVINCES) + cities} libraries: one per province and city")
    # Parents of district libraries: every city, and the four municipalities themselves.
    parents: list[tuple[str, str, int, int]] = []  # city_en, city_zh, adcode, population
    plan = []
    for prefix, name_en, name_zh, population, city_count in PROVINCES:
        plan.append((prefix, name_en, name_zh, population, city_count))
        if city_count == 0:
            parents.append((name_en, name_zh, prefix * 10000, population))
        else:
            for k, city_population in enumerate(_split(population, city_count, rng, 0.5)):
                en, zh = next(names)
                parents.append((en, zh + "市", prefix * 10000 + (k + 1) * 100, city_population))
    per_parent = _allocate(districts, [p[3] for p in parents])
    by_province: dict[int, list[int]] = {}
    for index, parent in enumerate(parents):
        by_province.setdefault(parent[2] // 10000, []).append(index)
    for prefix, name_en, name_zh, population, city_count in plan:
        signed = date(2012, 3, 1) + timedelta(days=rng.randrange(3 * 365 + 240))
        municipality = city_count == 0
        title = "Municipal Library" if municipality else "Provincial Library"
        add("prov-" + name_en.replace(" ", "").lower(), "province", f"{name_en} {title}", name_zh + "图书馆",
            (f"{name_en} (province)", name_zh), prefix * 10000, population)  # fmt: skip
        for index in by_province[prefix]:
            city_en, city_zh, adcode, city_population = parents[index]
            if not municipality:
                add(
                    city_en.lower(),
                    "city",
                    f"{city_en} Library",
                    city_zh + "图书馆",
                    (city_en, city_zh),
                    adcode,
                    city_population,
                )
            count = per_parent[index]
            for j, district_population in enumerate(
                _split(city_population, count, rng, 0.6) if count else []
            ):
                en, zh = next(names)
                county = rng.random() < 0.45
                add(
                    en.lower(),
                    "district",
                    f"{en} {'County' if county else 'District'} Library",
                    zh + ("县" if county else "区") + "图书馆",
                    (city_en, city_zh),
                    adcode + j + 1,
                    district_population,
                )
    return rows


def write_registry(path: Path, libraries: int, seed: int) -> None:
    rows = registry_rows(libraries, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


# ---------------------------------------------------------------- the tables

# frac(h): a hash as a fraction in [0, 1).
MACROS = (
    "create or replace temp macro frac(h) as (h % 1000003) / 1000003.0;"
    # draw(h, n): a hash as a list index, 1 ... n
    "create or replace temp macro draw(h, n) as 1 + (h % n)::bigint;"
)

LIBRARIES = """
create or replace temp table lib as
select
    row_number() over (order by code) - 1 as l,
    code,
    level,
    name_en,
    regexp_replace(city_zh, '(市|省|壮族自治区|回族自治区|维吾尔自治区|自治区)$', '') as place_zh,
    population,
    list_filter(aliases, lambda a: starts_with(a, 'sample:'))[1][8:] as agency,
    -- the library's monthly Total_Item_Investigations over all platforms, before season and growth
    greatest(population, 50000) / 10000.0 * (2 + 6 * frac(hash(code, 'uptake')))
        * case level when 'province' then 0.1 when 'city' then 0.5 else 1.0 end as base,
    case when frac(hash(code, 'format')) < 0.6 then 'marc21'
        when frac(hash(code, 'format')) < 0.85 then 'unimarc' else 'marcxml' end as catalogue_format,
    level <> 'district' or frac(hash(code, 'ill')) < 0.7 as ill,
    level <> 'district' or frac(hash(code, 'cataloguing')) < 0.8 as cataloguing
from libraries
"""

# One COUNTER file per library, year and report: PR import_id odd, DR even, 1 ... 2 x libraries x years.
COUNTER_FILES = """
create or replace temp table counter_files as
select
    1 + (lib.l * $years + y) * 2 + r as import_id,
    lib.l, lib.code, lib.name_en, lib.base, y, $first_year + y as year,
    ['PR', 'DR'][r + 1] as report_id,
    case when $first_year + y >= 2025 then '5.1' else '5' end as release,
    ['tsv', 'csv', 'json', 'xlsx'][draw(hash(lib.code, y, r), 4)] as format
from lib, range($years) as ry(y), range(2) as rr(r)
"""

USAGE_ROWS = """
insert into usage_rows (
    import_id, row_id, library_code, report_id, release, platform, database, publisher,
    data_type, access_method, metric_type, source_line
)
select f.import_id, t.row_id, f.code, f.report_id, f.release, t.platform, t.database, t.publisher,
    t.data_type, 'Regular', t.metric, 14 + t.row_id
from counter_files as f
join templates as t on t.report_id = f.report_id
"""

USAGE_COUNTS = """
insert into usage_counts (import_id, row_id, month, count)
with cells as (
    select
        f.import_id, t.row_id, make_date(f.year, m + 1, 1) as month, t.sparse,
        f.base * t.share * t.factor * $season[m + 1]
            * pow(1.09, f.y + m / 12.0) * case when f.year >= 2019 then 1.3 else 1.0 end
            -- shared by every metric of a platform or database and month: the ratios hold
            * (0.75 + 0.5 * frac(hash(f.l, t.unit, f.y, m))) as level,
        frac(hash(f.l, t.row_id, f.report_id, f.y, m, 'sparse')) as chance,
        sqrt(f.base * t.share) * t.factor * frac(hash(f.l, t.row_id, f.report_id, f.y, m, 'denials')) as denials
    from counter_files as f
    join templates as t on t.report_id = f.report_id
    cross join range(12) as months(m)
)
select import_id, row_id, month, count
from (
    select import_id, row_id, month,
        case when not sparse then floor(level)
            when chance < 0.35 then 1 + floor(denials)
            else 0 end::bigint as count
    from cells
)
where count > 0
"""

COUNTER_IMPORTS = """
insert into imports (
    import_id, kind, file_name, sha256, bytes, format, encoding, report_id, report_name, release,
    library_code, institution_name, institution_id, period_begin, period_end, months, created,
    created_by, rows, skipped, long_rows, replaced_rows, replaced_imports, superseded_rows,
    warnings, synthetic, imported_at, imported_by
)
with stored as (
    select import_id, count(*) as long_rows from usage_counts group by import_id
),
described as (
    select import_id, count(*) as rows from usage_rows group by import_id
)
select
    f.import_id, 'counter',
    f.code || '_' || f.report_id || '_' || f.year || '.' || f.format,
    sha256('national:' || f.import_id),
    1200 + d.rows * (case f.format when 'json' then 900 when 'xlsx' then 60 else 110 end),
    f.format,
    case f.format when 'json' then 'utf-8' when 'xlsx' then null else 'utf-8-sig' end,
    f.report_id,
    case f.report_id when 'PR' then 'Platform Master Report' else 'Database Master Report' end,
    f.release, f.code, f.name_en, null,
    make_date(f.year, 1, 1), make_date(f.year, 12, 31),
    generate_series(make_date(f.year, 1, 1), make_date(f.year, 12, 1), interval 1 month)::date[],
    strftime(make_timestamp(f.year + 1, 1, 7, 1, 25, 34), '%Y-%m-%dT%H:%M:%SZ'),
    $created_by,
    d.rows, 0, coalesce(s.long_rows, 0), 0, [], 0, [], true,
    make_timestamp(f.year + 1, 1, 15, 9, 0, 0) + to_seconds(f.import_id), $imported_by
from counter_files as f
join described as d using (import_id)
left join stored as s using (import_id)
"""

# Catalogue files: one per library and year, the records split by weight (size, growth).
CONTRIBUTION_FILES = """
create or replace temp table contribution_files as
with weighted as (
    select lib.*, y,
        round(1000 * sqrt(greatest(population, 50000)) * (0.3 + frac(hash(code, 'contributes')))
            * case level when 'province' then 4 when 'city' then 2 else 1 end
            * pow(1.07, y) * case when $first_year + y >= 2019 then 1.4 else 1 end)::hugeint as w
    from lib, range($years) as ry(y)
),
cumulative as (
    select *, sum(w) over (order by l, y rows unbounded preceding) as upto, sum(w) over () as total
    from weighted
)
select
    $catalogue_base + l * $years + y as import_id,
    l, code, agency, place_zh, catalogue_format, y, $first_year + y as year,
    ((upto - w) * $records // total)::bigint as first,
    (upto * $records // total - (upto - w) * $records // total)::bigint as n
from cumulative
"""

CONTRIBUTIONS = """
insert into contributions (
    import_id, record_number, source_offset, source_line, record_key, library_code, role,
    agency_code, attributed_by, contributed_on, control_number, oclc_number, title, isbn,
    language, clc_class, clc_top, place, is_local_document, local_rule, record_format
)
with records as (
    select f.*, k, f.first + k as g,
        frac(hash(f.first + k, 'local')) < 0.3 as local,
        frac(hash(f.first + k, 'rule')) as rule,
        frac(hash(f.first + k, 'language')) as language_draw,
        hash(f.first + k, 'class') as class_draw,
        hash(f.first + k, 'title') as title_draw
    from contribution_files as f, range(f.n) as r(k)
    where f.n > 0
),
classed as (
    select *,
        case when local and rule < 0.4 then 'K295.' || draw(l, 9)
            when class_draw % 50 = 0 then null
            else $classes[draw(class_draw, len($classes))] end as clc
    from records
)
select
    import_id, k + 1,
    case when catalogue_format = 'marcxml' then null else k * 642 end,
    case when catalogue_format = 'marcxml' then 2 + k * 47 end,
    'oclc:' || (1000000000 + g), code,
    case when frac(hash(g, 'role')) < 0.88 then 'original' else 'enhanced' end,
    agency, 'agency',
    make_date(year, draw(hash(g, 'month'), 12), 1),
    year::varchar || lpad((k + 1)::varchar, 6, '0'),
    (1000000000 + g)::varchar,
    case when local
        then place_zh || $local_topics[draw(title_draw, len($local_topics))]
            || case when title_draw % 3 = 0 then '（第' || draw(g, 20) || '辑）' else '' end
        else $first[draw(title_draw, len($first))] || $second[draw(title_draw // 7, len($second))]
            || $third[draw(title_draw // 97, len($third))] end,
    '97875' || lpad((g % 100000000)::varchar, 8, '0'),
    case when language_draw < 0.85 then 'chi' when language_draw < 0.93 then 'eng'
        when language_draw < 0.96 then 'jpn' when language_draw < 0.98 then 'kor'
        when language_draw < 0.99 then 'ger' else 'fre' end,
    clc, left(clc, 1),
    case when local and rule >= 0.4 and rule < 0.9 then place_zh
        else $places[draw(hash(g, 'place'), len($places))] end,
    local,
    case when not local then null
        when rule < 0.4 then 'clc:' || clc
        when rule < 0.75 then 'subject:' || place_zh
        when rule < 0.9 then 'place:' || place_zh
        else 'title:' || place_zh end,
    case when catalogue_format = 'unimarc' then 'unimarc' else 'marc21' end
from classed
"""

CATALOGUE_IMPORTS = """
insert into imports (
    import_id, kind, file_name, sha256, bytes, format, encoding, report_id, report_name, release,
    library_code, institution_name, institution_id, period_begin, period_end, months, created,
    created_by, rows, skipped, long_rows, replaced_rows, replaced_imports, superseded_rows,
    warnings, synthetic, imported_at, imported_by
)
select
    import_id, 'catalogue',
    code || '_' || year || case catalogue_format when 'marc21' then '.mrc' when 'unimarc' then '.iso' else '.xml' end,
    sha256('national:' || import_id),
    n * case catalogue_format when 'marcxml' then 2400 else 642 end,
    catalogue_format, null, null, null, null, code, null, null,
    make_date(year, 1, 1), make_date(year, 12, 1),
    generate_series(make_date(year, 1, 1), make_date(year, 12, 1), interval 1 month)::date[],
    null, null, n, 0, n, 0, [], 0, [], true,
    make_timestamp(year + 1, 1, 10, 9, 0, 0) + to_seconds(l), $imported_by
from contribution_files
where n > 0
"""

ILL = """
insert into ill_activity (import_id, library_code, month, role, requests, filled, unfilled,
    turnaround_days, turnaround_requests, source_line)
with cells as (
    select lib.l, lib.code, y, m, role,
        floor(sqrt(greatest(population, 50000)) / (case role when 'lending' then 35 else 45 end)
            * case level when 'province' then 3 when 'city' then 1.5 else 0.6 end
            * $season[m + 1] * pow(1.05, y + m / 12.0)
            * (0.6 + 0.8 * frac(hash(lib.code, y, m, role))))::bigint + 1 as requests,
        0.6 + 0.3 * frac(hash(lib.code, y, m, role, 'filled')) as fill_rate
    from lib, range($years) as ry(y), range(12) as months(m), (values ('borrowing'), ('lending')) as roles(role)
    where lib.ill
)
select $ill_base + l * $years + y, code, make_date($first_year + y, m + 1, 1), role,
    requests, floor(requests * fill_rate)::bigint, requests - floor(requests * fill_rate)::bigint,
    round(3 + 7 * frac(hash(code, y, m, role, 'days')), 1), null, 8 + m
from cells
"""

CATALOGUING = """
insert into cataloguing_activity (import_id, library_code, month, activity, count, source_line)
select $cataloguing_base + lib.l * $years + y, lib.code, make_date($first_year + y, m + 1, 1), activity,
    floor(sqrt(greatest(population, 50000)) / 60 * factor
        * case level when 'province' then 4 when 'city' then 2 else 0.8 end
        * $season[m + 1] * pow(1.06, y + m / 12.0) * frac(hash(lib.code, y, m, activity)) * 2)::bigint,
    8 + m
from lib, range($years) as ry(y), range(12) as months(m),
    (values ('new_records', 1.0), ('holdings_set', 4.0), ('records_replaced', 0.8),
        ('authority_records', 0.3)) as kinds(activity, factor)
where lib.cataloguing and (activity <> 'authority_records' or lib.level <> 'district')
"""

STATISTICS_IMPORTS = """
insert into imports (
    import_id, kind, file_name, sha256, bytes, format, encoding, report_id, report_name, release,
    library_code, institution_name, institution_id, period_begin, period_end, months, created,
    created_by, rows, skipped, long_rows, replaced_rows, replaced_imports, superseded_rows,
    warnings, synthetic, imported_at, imported_by
)
with files as (
    select import_id, 'ill' as kind, library_code, year(min(month)) as year, count(*) as long_rows
    from ill_activity group by all
    union all
    select import_id, 'cataloguing', library_code, year(min(month)), count(*)
    from cataloguing_activity group by all
)
select
    f.import_id, f.kind, f.library_code || '_' || f.kind || '_' || f.year || '.xls',
    sha256('national:' || f.import_id), 300 + f.long_rows * 28, 'tsv', 'utf-8', null,
    case f.kind when 'ill' then 'ill_monthly' else 'cataloguing' end, null,
    f.library_code, lib.agency, null, make_date(f.year, 1, 1), make_date(f.year, 12, 1),
    generate_series(make_date(f.year, 1, 1), make_date(f.year, 12, 1), interval 1 month)::date[],
    null, null, 12, 0, f.long_rows, 0, [], 0, [], true,
    make_timestamp(f.year + 1, 1, 12, 9, 0, 0) + to_seconds(lib.l), $imported_by
from files as f
join lib on lib.code = f.library_code
"""

# A real import takes its number from imports_seq: move it past the numbers used here.
ADVANCE_SEQUENCE = "select max(nextval('imports_seq')) from range((select max(import_id) from imports))"

COUNTS = {
    "libraries": "select count(*) from libraries",
    "imports": "select count(*) from imports",
    "usage_rows": "select count(*) from usage_rows",
    "usage_counts": "select count(*) from usage_counts",
    "usage_monthly": "select count(*) from usage_monthly",
    "contributions": "select count(*) from contributions",
    "ill_activity": "select count(*) from ill_activity",
    "cataloguing_activity": "select count(*) from cataloguing_activity",
}


def templates() -> pd.DataFrame:
    """The COUNTER rows of every PR and DR file, numbered as rows of the file."""
    rows = []
    for report, units in (("PR", PR_PLATFORMS), ("DR", DR_DATABASES)):
        row_id = 0
        for unit, (platform, second, share, metrics) in enumerate(units):
            database = second if report == "DR" else None
            data_type = "Database" if report == "DR" else second
            for metric in metrics:
                rows.append(
                    {
                        "report_id": report,
                        "row_id": row_id,
                        "unit": unit,
                        "platform": platform,
                        "database": database,
                        "publisher": PUBLISHERS[platform],
                        "data_type": "Platform" if metric == "Searches_Platform" else data_type,
                        "metric": metric,
                        "share": share,
                        "factor": FACTORS[metric],
                        "sparse": metric in SPARSE,
                    }
                )
                row_id += 1
    return pd.DataFrame(rows)


def _step(con: duckdb.DuckDBPyConnection, label: str, statement: str, **params) -> None:
    started = time.perf_counter()
    con.execute(statement, params or None)
    print(f"  {label:<42}{time.perf_counter() - started:>7.1f} s", flush=True)


def build(path: Path, registry_csv: Path, parameters: dict) -> dict[str, int]:
    """Build the database at `path` (under a temporary name first); returns its row counts."""
    building = path.with_name(path.name + ".building")
    building.unlink(missing_ok=True)
    Path(str(building) + ".wal").unlink(missing_ok=True)
    years, first_year = parameters["years"], parameters["first_year"]
    libraries = parameters["libraries"]
    bases = {  # import_id blocks: COUNTER 1 ..., then catalogue, ILL and cataloguing files
        "catalogue_base": 2 * libraries * years + 1,
        "ill_base": 3 * libraries * years + 1,
        "cataloguing_base": 4 * libraries * years + 1,
    }
    con = db.connect(building)
    try:
        con.execute("set threads = 2")
        con.execute("set memory_limit = '4GB'")  # other work runs beside the benchmarks
        started = time.perf_counter()
        db.sync_registry(con, Registry.load(registry_csv))
        print(f"  {'registry (db.sync_registry)':<42}{time.perf_counter() - started:>7.1f} s", flush=True)
        con.execute(MACROS)
        con.execute(LIBRARIES)
        con.register("templates_frame", templates())
        con.execute("create or replace temp table templates as select * from templates_frame")
        con.unregister("templates_frame")
        con.begin()
        _step(con, "COUNTER files", COUNTER_FILES, years=years, first_year=first_year)
        _step(con, "usage_rows", USAGE_ROWS)
        _step(con, "usage_counts", USAGE_COUNTS, season=SEASON)
        _step(con, "imports (COUNTER)", COUNTER_IMPORTS, created_by=CREATED_BY, imported_by=IMPORTED_BY)
        _step(
            con,
            "catalogue files",
            CONTRIBUTION_FILES,
            years=years,
            first_year=first_year,
            records=parameters["contributions"],
            catalogue_base=bases["catalogue_base"],
        )
        _step(
            con,
            "contributions",
            CONTRIBUTIONS,
            classes=CLASSES,
            local_topics=LOCAL_TOPICS,
            first=TITLE_FIRST,
            second=TITLE_SECOND,
            third=TITLE_THIRD,
            places=PLACES,
        )
        _step(con, "imports (catalogue)", CATALOGUE_IMPORTS, imported_by=IMPORTED_BY)
        _step(
            con,
            "ill_activity",
            ILL,
            years=years,
            first_year=first_year,
            season=SEASON,
            ill_base=bases["ill_base"],
        )
        _step(
            con,
            "cataloguing_activity",
            CATALOGUING,
            years=years,
            first_year=first_year,
            season=SEASON,
            cataloguing_base=bases["cataloguing_base"],
        )
        _step(con, "imports (ILL, cataloguing)", STATISTICS_IMPORTS, imported_by=IMPORTED_BY)
        _step(con, "imports_seq moved past the imports", ADVANCE_SEQUENCE)
        con.commit()
        for name, rebuild in rebuilders():
            started = time.perf_counter()
            rebuild(con)
            print(f"  {'db.' + name:<42}{time.perf_counter() - started:>7.1f} s", flush=True)
        _step(con, "checkpoint", "checkpoint")
        counts = {table: con.execute(query).fetchone()[0] for table, query in COUNTS.items()}
    finally:
        con.close()
    os.replace(building, path)
    return counts


def rebuilders() -> list[tuple[str, object]]:
    """Every `db.rebuild_*(con)`: what an import keeps pre-aggregated, counted again from the tables."""
    return [
        (name, function)
        for name, function in inspect.getmembers(db, inspect.isfunction)
        if name.startswith("rebuild_") and len(inspect.signature(function).parameters) == 1
    ]


def schema_digest() -> str:
    """The schema files' digest: a changed schema (a new pre-aggregate table) means a new build."""
    digest = hashlib.sha256()
    for script in sorted(db.SCHEMA.glob("*.sql")):
        digest.update(script.name.encode() + b"\0" + script.read_bytes())
    return digest.hexdigest()[:16]


def ensure(
    rebuild: bool = False, path: Path = DATABASE, registry_csv: Path = REGISTRY_CSV
) -> tuple[Path, Path]:
    """The national database and its registry CSV, built unless a matching build is there."""
    stamp_path = path.with_suffix(".json")
    stamp = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
    # hash() may change between DuckDB versions; the schema between commits.
    wanted = {**PARAMETERS, "duckdb": duckdb.__version__, "schema": schema_digest()}
    if not rebuild and path.exists() and registry_csv.exists() and stamp.get("parameters") == wanted:
        counts = stamp["counts"]
        print(
            f"national database: reusing {path.relative_to(ROOT)} ({path.stat().st_size / 2**20:,.0f} MB, "
            f"built in {stamp['build_seconds']:.0f} s): "
            + ", ".join(f"{counts[t]:,} {t}" for t in ("libraries", "usage_counts", "contributions"))
        )
        return path, registry_csv
    print(f"national database: building {path.relative_to(ROOT)}", flush=True)
    started = time.perf_counter()
    write_registry(registry_csv, PARAMETERS["libraries"], PARAMETERS["seed"])
    counts = build(path, registry_csv, PARAMETERS)
    seconds = time.perf_counter() - started
    stamp_path.write_text(
        json.dumps({"parameters": wanted, "counts": counts, "build_seconds": round(seconds, 1)}, indent=2)
    )
    size = path.stat().st_size / 2**20
    print(f"built in {seconds:.1f} s, {size:,.0f} MB:")
    for table, count in counts.items():
        print(f"  {table:<22}{count:>12,}")
    return path, registry_csv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="build again even if a matching file is there")
    args = parser.parse_args()
    ensure(rebuild=args.rebuild)


if __name__ == "__main__":
    main()
