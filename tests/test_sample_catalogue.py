"""The catalogue records and OCLC statistics sample: reproducible, labelled, readable, consistent.

The MARC files are read back with pymarc, independently of the project's importers,
so a fault in the generator cannot hide behind the same fault in the reader.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pymarc
import pytest
from pymarc.marc8 import marc8_to_unicode

from coopdash.registry import Registry
from coopdash.sample import (
    SYNTHETIC_CREATED_BY,
    SYNTHETIC_RECORD_NOTE,
    SYNTHETIC_SIGNATURE,
    SYNTHETIC_STATISTICS_NOTE,
)
from coopdash.sample.catalogue import (
    MARC_DIR,
    MarcFile,
    plan_catalogue,
    readme_section,
    sample_code,
    write_catalogue,
)
from coopdash.sample.marc_files import marc8
from coopdash.sample.oclc_files import (
    FILL_RATE,
    NEW_RECORDS_TOLERANCE,
    OCLC_DIR,
    TURNAROUND_DAYS,
    StatisticsFile,
    ill_months,
    plan_statistics,
    write_statistics,
)
from coopdash.sample.timeline import FIRST_YEAR, LAST_YEAR, first_usage_month

REGISTRY = Registry.load()
RECORD_TERMINATOR = b"\x1d"
UNREADABLE = {"garbage", "truncated"}  # damage that leaves no record to read


@pytest.fixture(scope="module")
def plan() -> tuple[list[MarcFile], list[StatisticsFile]]:
    marc_files = plan_catalogue(REGISTRY)
    return marc_files, plan_statistics(REGISTRY, marc_files)


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory, plan) -> Path:
    out = tmp_path_factory.mktemp("catalogue")
    write_catalogue(out, plan[0])
    write_statistics(out, plan[1])
    return out


@pytest.fixture(scope="module")
def records(sample_dir, plan) -> dict[str, list[pymarc.Record | None]]:
    """Every MARC file's records in file order, None where pymarc cannot read one."""
    return {marc_file.path: read_marc(sample_dir / marc_file.path) for marc_file in plan[0]}


def read_marc(path: Path) -> list[pymarc.Record | None]:
    """Records split at the record terminator (so one bad record cannot hide the rest)."""
    if path.suffix == ".xml":
        return list(pymarc.parse_xml_to_array(str(path)))
    chunks = path.read_bytes().split(RECORD_TERMINATOR)
    if not chunks[-1].strip():
        chunks.pop()
    found = []
    for chunk in chunks:
        try:
            # CNMARC leaves leader/09 blank although it is UTF-8.
            found.append(
                pymarc.Record(chunk.lstrip(b"\r\n") + RECORD_TERMINATOR, force_utf8=path.suffix == ".iso")
            )
        except Exception:  # any pymarc error means: not a record
            found.append(None)
    return found


def is_unimarc(path: str) -> bool:
    return path.endswith(".iso")


def agency(record: pymarc.Record, unimarc: bool) -> str | None:
    """The originating agency: MARC 21 040 $a, UNIMARC 801 second indicator 0, $b."""
    if unimarc:
        originals = [f for f in record.get_fields("801") if f.indicator2 == "0"]
        return next((code for f in originals for code in f.get_subfields("b")), None)
    return next((code for f in record.get_fields("040") for code in f.get_subfields("a")), None)


def entered(record: pymarc.Record, unimarc: bool) -> date:
    """Date entered on file: MARC 21 008/00-05, UNIMARC 100 $a/0-7."""
    if unimarc:
        return datetime.strptime(record["100"]["a"][:8], "%Y%m%d").date()
    return datetime.strptime(record["008"].data[:6], "%y%m%d").date()


def oclc_number(record: pymarc.Record) -> str | None:
    for field in record.get_fields("035"):
        for value in field.get_subfields("a"):
            if value.startswith("(OCoLC)"):
                return value.removeprefix("(OCoLC)")
    return None


def _files(root: Path) -> dict[str, bytes]:
    paths = sorted(p for folder in (MARC_DIR, OCLC_DIR) for p in (root / folder).rglob("*") if p.is_file())
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in paths}


def test_generating_twice_gives_identical_bytes(sample_dir, tmp_path):
    marc_files = plan_catalogue(REGISTRY)
    write_catalogue(tmp_path, marc_files)
    write_statistics(tmp_path, plan_statistics(REGISTRY, marc_files))
    first, second = _files(sample_dir), _files(tmp_path)
    assert len(first) > 250
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_the_synthetic_labels_share_one_signature():
    for label in (SYNTHETIC_CREATED_BY, SYNTHETIC_RECORD_NOTE, SYNTHETIC_STATISTICS_NOTE):
        assert label.startswith(SYNTHETIC_SIGNATURE)


def test_every_record_is_labelled_and_names_its_agency(plan, records):
    marc_files, _ = plan
    unreadable, without_agency, unlabelled = set(), set(), set()
    for marc_file in marc_files:
        unimarc = is_unimarc(marc_file.path)
        note_tag = "300" if unimarc else "500"
        for number, record in enumerate(records[marc_file.path], 1):
            if record is None:
                unreadable.add((marc_file.path, number))
                continue
            notes = [value for field in record.get_fields(note_tag) for value in field.get_subfields("a")]
            if SYNTHETIC_RECORD_NOTE not in notes:
                unlabelled.add((marc_file.path, number))
            if not agency(record, unimarc):
                without_agency.add((marc_file.path, number))
    damaged = {(f.path, f.damage.number) for f in marc_files if f.damage and f.damage.kind in UNREADABLE}
    agencyless = {(f.path, n) for f in marc_files for n in f.numbered("agencyless")}
    assert unlabelled == set()
    assert unreadable == damaged
    assert 3 <= len(agencyless) <= 10
    assert without_agency == agencyless
    # The README lists both, so a user knows what an import should report.
    readme = readme_section(marc_files)
    assert all(f"`{path}`" in readme for path, _ in damaged | agencyless)


def test_damage_is_in_a_handful_of_files_and_listed(plan, sample_dir):
    damaged = [f for f in plan[0] if f.damage]
    assert {f.damage.kind for f in damaged} == {"length", "garbage", "line_breaks", "truncated"}
    assert 3 <= len(damaged) <= 5
    for marc_file in damaged:
        data = (sample_dir / marc_file.path).read_bytes()
        if marc_file.damage.kind == "line_breaks":
            assert data.count(b"\x1d\r\n") == len(marc_file.records)
        if marc_file.damage.kind == "truncated":
            assert not data.endswith(RECORD_TERMINATOR)
        if marc_file.damage.kind == "length":
            record = data.split(RECORD_TERMINATOR)[marc_file.damage.number - 1] + RECORD_TERMINATOR
            assert int(record[:5]) == len(record.decode("utf-8")) < len(record)


def test_no_member_has_records_from_before_it_joined(plan, records):
    for marc_file in plan[0]:
        joined = marc_file.library.joined_on
        if joined is None:
            continue
        joining_month = joined.replace(day=1)
        assert marc_file.year >= joined.year
        unimarc = is_unimarc(marc_file.path)
        for record in filter(None, records[marc_file.path]):
            changed = datetime.strptime(record["005"].data[:8], "%Y%m%d").date()
            assert entered(record, unimarc) >= joining_month, (marc_file.path, record["001"].data)
            assert changed >= joining_month, (marc_file.path, record["001"].data)


def test_marc8_files_decode_to_the_titles_meant(plan, records, sample_dir):
    marc8_files = [f for f in plan[0] if f.format.encoding == "marc-8"]
    assert 2 <= len(marc8_files) <= 3
    for marc_file in marc8_files:
        assert b"\x1b$1" in (sample_dir / marc_file.path).read_bytes()  # EACC is used
        read = records[marc_file.path]
        assert len(read) == len(marc_file.records)
        cjk = 0
        for record, entry in zip(read, marc_file.records):
            assert record.leader[9] == " "
            book = entry.record.book
            if book.is_cjk:
                cjk += 1
                vernacular = [f for f in record.get_fields("880") if f["6"].startswith("245-")]
                assert vernacular[0]["a"].removesuffix(" /").removesuffix(".") == book.title
                assert record["245"]["a"].removesuffix(" /").removesuffix(".") == book.title_roman
            else:
                assert record["245"]["a"].removesuffix(" /").removesuffix(".") == book.title
        assert cjk > len(read) / 2


def _statistics_rows(path: Path, stats_file: StatisticsFile) -> list[list[str]]:
    text = path.read_bytes().decode(stats_file.encoding)
    return list(csv.reader(io.StringIO(text), delimiter=stats_file.delimiter))


def _month(label: str) -> date:
    for pattern in ("%Y-%m", "%b-%Y", "%Y年%m月"):
        try:
            return datetime.strptime(label, pattern).date()
        except ValueError:
            pass
    raise ValueError(label)


def reported_new_records(sample_dir: Path, statistics: list[StatisticsFile]) -> Counter[tuple[str, date]]:
    """{(member, month): New Records} summed over the cataloguing files, as an importer would."""
    reported: Counter[tuple[str, date]] = Counter()
    for stats_file in statistics:
        if stats_file.report != "cataloguing":
            continue
        rows = _statistics_rows(sample_dir / stats_file.path, stats_file)
        institution = next(row[1] for row in rows if row and row[0] == "Institution:")
        code = REGISTRY.find_agency(institution)
        assert code == stats_file.library.code
        heading = next(i for i, row in enumerate(rows) if row and row[0] == "Month")
        column = rows[heading].index("New Records")
        for row in rows[heading + 1 :]:
            if row[0] != "Total":
                reported[code, _month(row[0])] += int(row[column])
    return reported


def test_cataloguing_statistics_agree_with_the_marc_originals(plan, records, sample_dir):
    marc_files, statistics = plan
    created: Counter[tuple[str, date]] = Counter()
    seen = set()
    for marc_file in marc_files:
        unimarc = is_unimarc(marc_file.path)
        for record in filter(None, records[marc_file.path]):
            code = REGISTRY.find_agency(agency(record, unimarc) or "")
            key = oclc_number(record) or record["001"].data
            if code and key not in seen:  # an enhanced copy repeats its original
                seen.add(key)
                created[code, entered(record, unimarc).replace(day=1)] += 1
    reported = reported_new_records(sample_dir, statistics)
    member_months = {
        (code, date(year, month, 1))
        for code, library in REGISTRY.libraries.items()
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
        for month in range(1, 13)
        if date(year, month, 1) >= first_usage_month(library)
    }
    assert set(reported) == member_months
    assert set(created) <= member_months
    off = {
        key: (reported[key], created[key]) for key in member_months if abs(reported[key] - created[key]) > 0
    }
    assert all(abs(new - made) <= NEW_RECORDS_TOLERANCE for new, made in off.values()), off
    assert sum(created.values()) > 3000
    assert abs(sum(reported.values()) - sum(created.values())) < 0.05 * sum(created.values())


def test_every_statistics_file_opens_with_the_synthetic_note(plan, sample_dir):
    for stats_file in plan[1]:
        rows = _statistics_rows(sample_dir / stats_file.path, stats_file)
        assert rows[0] == [SYNTHETIC_STATISTICS_NOTE], stats_file.path
    kinds = Counter((f.report, f.path.rsplit(".", 1)[1], f.encoding) for f in plan[1])
    assert kinds["ill_requests", "xls", "utf-8"] == 1
    assert kinds["ill", "csv", "gb18030"] == 1


def test_contributions_grow_and_a_realistic_share_is_local(plan):
    marc_files, _ = plan
    for code in REGISTRY.libraries:
        by_year = Counter(
            f.year for f in marc_files if f.library.code == code for _ in f.numbered("original")
        )
        years = sorted(by_year)
        assert by_year[years[-1]] > 1.5 * by_year[years[0]], code
    originals = [e.record.book for f in marc_files for e in f.records if e and e.role == "original"]
    assert 0.3 <= sum(book.is_local for book in originals) / len(originals) <= 0.6
    assert {book.language for book in originals} >= {"chi", "eng", "jpn", "kor"}


def test_ill_volumes_fill_rates_and_turnaround_are_plausible():
    libraries = list(REGISTRY.libraries.values())
    province = next(lib for lib in libraries if lib.level == "province")
    smallest = min((lib for lib in libraries if lib.level == "city"), key=lambda lib: lib.population)
    for library in libraries:
        months = [
            m for year in range(FIRST_YEAR, LAST_YEAR + 1) for m in ill_months(library, libraries, year)
        ]
        lent, borrowed = sum(m.lending for m in months), sum(m.borrowing for m in months)
        if library is province:
            assert lent > 3 * borrowed
        if library is smallest:
            assert borrowed > lent
        for requests, filled in ((lent, sum(m.lending_filled for m in months)), (borrowed, sum(m.borrowing_filled for m in months))):  # fmt: skip
            assert FILL_RATE[0] <= filled / requests <= FILL_RATE[1], library.code
        days = [d for m in months for d in (m.borrowing_turnaround, m.lending_turnaround) if d is not None]
        assert TURNAROUND_DAYS[0] <= min(days) and max(days) <= TURNAROUND_DAYS[1]
        assert all(m.borrowing_filled <= m.borrowing and m.lending_filled <= m.lending for m in months)


def test_statistics_name_the_member_by_its_sample_code(plan):
    for stats_file in plan[1]:
        assert f"Institution:\t{sample_code(stats_file.library)}" in stats_file.title_lines


@pytest.mark.parametrize(
    "text",
    [
        "杭州运河文化史话 /",
        "浙江省志. 第3卷",
        "宋代江南の都市と文化",
        "도서관 협력의 미래",
        "Tosŏgwan hyŏmnyŏk ŭi mirae",
        "Les céladons de Longquan",
        "Geschichte einer Wasserstraße",
        "中国通史（第2版）：上",
    ],
)
def test_marc8_encoding_round_trips_through_pymarc(text):
    encoded = marc8(text)
    assert marc8_to_unicode(encoded) == text
    cjk = any(ord(char) >= 0x2E80 for char in text)
    assert (b"\x1b$1" in encoded) == cjk  # CJK in EACC
    assert cjk or not encoded.isascii()  # Latin diacritics as ANSEL bytes


@pytest.mark.parametrize("text", ["Жуковский", "😀"])
def test_marc8_refuses_what_it_cannot_hold(text):
    with pytest.raises(ValueError, match="MARC-8"):
        marc8(text)
