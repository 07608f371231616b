"""Benchmark: reading catalogue records, coopdash's reader against pymarc alone.

    python bench/import_marc.py [--records 200000] [--keep DIR]

Writes one MARC 21 file of UTF-8 records with Chinese titles (leader/09 'a';
001/003/005/008/020/040/084 $2 clc/245/260/650/651, and 880s for half of them),
built with pymarc, then times each route in a fresh process, so that its peak
memory is its own (that process and any workers it starts, together):

- coopdash: the whole import, as `python -m coopdash import` does it: read,
  attribute, check and store the contributions in a new DuckDB database in one
  transaction (the target: at least 50,000 records per second, under 1 GB);
- coopdash-reader: `read_catalogue` alone, from the file's bytes to the Arrow
  table of contributions (framing, decoding, attribution, local-document rules);
- pymarc: pymarc's MARCReader over the same bytes, reading title, 040 and 008.

A route is a function in ROUTES taking the file and returning (records, rows).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pymarc  # noqa: E402
from pymarc import Field, Record, Subfield  # noqa: E402

CHARACTERS = "浙江杭州宁波温州嘉兴湖州绍兴金华衢州舟山台州丽水历史文化地方志研究图书馆山水诗词民俗经济发展天下人民学术传统"
PLACES = ["杭州", "宁波", "北京", "上海", "温州", "南京", "绍兴", "广州"]
PLACES_LATIN = {
    "杭州": "Hangzhou",
    "宁波": "Ningbo",
    "北京": "Beijing",
    "上海": "Shanghai",
    "温州": "Wenzhou",
    "南京": "Nanjing",
    "绍兴": "Shaoxing",
    "广州": "Guangzhou",
}
CLASSES = ["K295.5", "K295.51", "I247.5", "TP312", "F127.55", "G258.6", "B222.2", "R212", "K928.9", "I207.22"]
SUBJECTS = ["地方史", "History", "Social life and customs", "文学", "Economic conditions", "风俗习惯"]
AGENCIES = ["SYN-HZL", "SYN-ZJL", "SYN-NBL", "SYN-WZL", "SYN-SXL", "OCLCO", "DLC", "CN-XX"]
ENHANCERS = ["OCLCQ", "OCLCF", "SYN-ZJL", "SYN-JXL"]


def record(number: int, rng: random.Random) -> bytes:
    """One realistic record: an OCLC number, a member or outside agency, a Chinese title."""
    title = "".join(rng.choice(CHARACTERS) for _ in range(rng.randint(4, 16)))
    place = rng.choice(PLACES)
    entered = f"{rng.randint(10, 25):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    rec = Record(force_utf8=True, leader="00000cam a2200000 i 4500")
    rec.add_field(
        Field(tag="001", data=f"ocn{900000000 + number}"),
        Field(tag="003", data="OCoLC"),
        Field(tag="005", data=f"20{rng.randint(20, 25)}{rng.randint(1, 12):02d}15093000.0"),
        Field(tag="008", data=f"{entered}s20{entered[:2]}    ch a          000 0 chi d"),
        Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", f"978750{number % 10**7:07d}")]),
    )
    cataloguing = [Subfield("a", rng.choice(AGENCIES)), Subfield("b", "chi"), Subfield("e", "rda")]
    cataloguing += [Subfield("d", code) for code in rng.sample(ENHANCERS, rng.randint(0, 2))]
    rec.add_field(Field(tag="040", indicators=[" ", " "], subfields=cataloguing))
    rec.add_field(
        Field(
            tag="084",
            indicators=[" ", " "],
            subfields=[Subfield("a", rng.choice(CLASSES)), Subfield("2", "clc")],
        )
    )
    vernacular = number % 2 == 0
    link = [Subfield("6", "880-01")] if vernacular else []
    rec.add_field(
        Field(
            tag="245",
            indicators=["1", "0"],
            subfields=link
            + [Subfield("a", (f"Title {number}" if vernacular else title) + " /"), Subfield("c", "张三著.")],
        ),
        Field(
            tag="260",
            indicators=[" ", " "],
            subfields=[
                Subfield("a", f"{PLACES_LATIN[place]} :"),
                Subfield("b", "出版社,"),
                Subfield("c", "2019."),
            ],
        ),
        Field(
            tag="650",
            indicators=[" ", "0"],
            subfields=[Subfield("a", rng.choice(SUBJECTS)), Subfield("z", "China")],
        ),
        Field(
            tag="651",
            indicators=[" ", "0"],
            subfields=[Subfield("a", f"{place} (China)"), Subfield("x", "History.")],
        ),
    )
    if vernacular:
        rec.add_field(
            Field(
                tag="880",
                indicators=["1", "0"],
                subfields=[Subfield("6", "245-01"), Subfield("a", title + " /")],
            ),
            Field(
                tag="880",
                indicators=[" ", " "],
                subfields=[Subfield("6", "260-00"), Subfield("a", place + " :")],
            ),
        )
    return rec.as_marc()


def write_file(path: Path, count: int) -> None:
    rng = random.Random(42)
    with open(path, "wb") as out:
        for number in range(count):
            out.write(record(number, rng))


def run_coopdash(path: Path) -> tuple[int, int]:
    from coopdash import db
    from coopdash.load import ImportContext, import_file
    from coopdash.registry import Registry

    registry = Registry.load()
    with tempfile.TemporaryDirectory() as work:
        con = db.connect(Path(work) / "bench.duckdb")
        db.sync_registry(con, registry)
        result = import_file(con, path, ImportContext(registry, library="zhejiang"))
        con.close()
    if result.status != "imported" or result.skipped:
        raise SystemExit(f"{result.status}: {result.error or result.warnings[:3]}")
    return result.rows, result.long_rows


def run_coopdash_reader(path: Path) -> tuple[int, int]:
    from coopdash.importers.contributions import LocalRules
    from coopdash.importers.marc import read_catalogue
    from coopdash.registry import Registry

    registry = Registry.load()
    rules = LocalRules.load(registry=registry)
    result = read_catalogue(path.read_bytes(), path.name, registry, rules, library="zhejiang")
    if result.skipped:
        raise SystemExit(f"{len(result.skipped)} records skipped: {result.skipped[0]}")
    return result.records, result.table.num_rows


def run_pymarc(path: Path) -> tuple[int, int]:
    """pymarc alone, reading what the reader needs most: the title, 040 $a/$d, 008/00-05."""
    records = rows = 0
    for rec in pymarc.MARCReader(path.read_bytes()):
        title, cataloguing, fixed = rec.title, rec.get("040"), rec.get("008")
        agencies = cataloguing.get_subfields("a", "d") if cataloguing else []
        records += 1
        rows += len(agencies) if title and fixed and fixed.data[:6] else 0
    return records, rows


ROUTES = {
    "coopdash": run_coopdash,
    "coopdash-reader": run_coopdash_reader,
    "pymarc": run_pymarc,
}


def measure(route: str, path: Path) -> dict:
    """Run one route in a fresh Python process; its peak memory is the route's own."""
    args = [sys.executable, __file__, "--route", route, str(path)]
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


class TreeMemory:
    """Peak resident memory of this process and the worker processes it starts, added up.

    ru_maxrss counts one process; the reader starts workers for a large file, so
    /proc is sampled every 50 ms for the whole process tree, and the result is
    never less than this process's own ru_maxrss.
    """

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        self.peak = max(self.peak, own)

    def _watch(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, sum(_resident_pages(pid) for pid in _tree(os.getpid())) * page)


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children = task.read_text().split()
        except OSError:
            continue
        for child in children:
            pids.extend(_tree(int(child)))
    return pids


def _resident_pages(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def child(route: str, path: Path) -> None:
    # Libraries load before the clock starts, as in `python -m coopdash`, which has pandas
    # loaded (pyarrow imports it on first use when it is installed).
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401

    import coopdash.importers.marc
    import coopdash.load  # noqa: F401

    with TreeMemory() as memory:
        started = time.perf_counter()
        records, rows = ROUTES[route](path)
        seconds = time.perf_counter() - started
    peak_mb = memory.peak / 2**20
    print(
        json.dumps({"route": route, "records": records, "rows": rows, "seconds": seconds, "peak_mb": peak_mb})
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000, help="records to generate (default 200,000)")
    parser.add_argument("--keep", type=Path, help="write the generated file here and keep it")
    parser.add_argument("--route", choices=sorted(ROUTES), help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.route:
        child(args.route, args.file)
        return
    with tempfile.TemporaryDirectory() as scratch:
        out = args.keep or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"bench_{args.records}.mrc"
        if path.exists():  # the same seed writes the same bytes
            print(f"reusing {path}")
        else:
            started = time.perf_counter()
            write_file(path, args.records)
            seconds = time.perf_counter() - started
            print(
                f"wrote {args.records:,} MARC 21 records, {path.stat().st_size / 2**20:,.0f} MB, in {seconds:.1f} s"
            )
        results = {route: measure(route, path) for route in ROUTES}
    print(f"{'route':<17}{'records':>10}{'rows':>10}{'seconds':>9}{'records/s':>11}{'peak MB':>9}")
    for route, r in results.items():
        print(
            f"{route:<17}{r['records']:>10,}{r['rows']:>10,}{r['seconds']:>9.2f}"
            f"{r['records'] / r['seconds']:>11,.0f}{r['peak_mb']:>9,.0f}"
        )
    baseline = results["pymarc"]
    for route, r in results.items():
        if route != "pymarc":
            speed = r["records"] / r["seconds"] / (baseline["records"] / baseline["seconds"])
            print(f"{route} / pymarc alone: {speed:.1f}x")
    print("coopdash-reader is the reader only: up to the Arrow table, nothing stored in DuckDB")


if __name__ == "__main__":
    main()
