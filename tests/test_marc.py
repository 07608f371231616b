"""Catalogue records: the real corpus, who contributed what, broken files, encodings, local documents."""

from __future__ import annotations

import json
from datetime import date

import pymarc
import pytest
from pymarc import Field, Leader, Record, Subfield

from coopdash.errors import ReportFormatError, UnknownInstitution
from coopdash.importers import marc
from coopdash.importers.contributions import Evidence, LocalRules, RulesError
from coopdash.importers.marc import SCHEMA, read_catalogue
from tests.conftest import CORPUS

FACTS = [f for f in json.loads((CORPUS / "FACTS.json").read_text())["files"] if f["file"].startswith("marc/")]
CJK = range(0x4E00, 0xA000)
# 浙江 in EACC, the CJK set of MARC-8 (LC's table: 浙 0x21474D, 江 0x214664), between the
# escape to EACC (ESC $ 1) and the escape back to ASCII (ESC ( B).
MARC8_ZHEJIANG = "\x1b$1!GM!Fd\x1b(B"


@pytest.fixture(scope="module")
def rules(registry) -> LocalRules:
    return LocalRules.load(registry=registry)


def read(data: bytes, registry, rules, **options):
    return read_catalogue(data, "test.mrc", registry, rules, **options)


def book(
    title: str = "运河史",
    agency: str | None = "SYN-HZL",
    enhancers: tuple[str, ...] = (),
    *,
    number: str = "rec1",
    entered: str = "190304",
    latest: str | None = "20210506101010.0",
    clc: str | None = None,
    place: str = "Beijing :",
    subjects: tuple[str, ...] = (),
    vernacular: str | None = None,
    extra: tuple[Field, ...] = (),
) -> bytes:
    """A MARC 21 record in UTF-8, built with pymarc."""
    record = Record(force_utf8=True, leader="00000nam a2200000 a 4500")
    record.add_field(Field(tag="001", data=number))
    if latest:
        record.add_field(Field(tag="005", data=latest))
    record.add_field(Field(tag="008", data=f"{entered}s2019    ch            000 0 chi d"))
    if agency is not None or enhancers:
        codes = ([Subfield("a", agency)] if agency else []) + [Subfield("d", code) for code in enhancers]
        record.add_field(Field(tag="040", indicators=[" ", " "], subfields=[*codes, Subfield("b", "chi")]))
    if clc:
        record.add_field(
            Field(tag="084", indicators=[" ", " "], subfields=[Subfield("a", clc), Subfield("2", "clc")])
        )
    link = [Subfield("6", "880-01")] if vernacular else []
    record.add_field(Field(tag="245", indicators=["1", "0"], subfields=[*link, Subfield("a", f"{title} /")]))
    record.add_field(
        Field(tag="260", indicators=[" ", " "], subfields=[Subfield("a", place), Subfield("c", "2019.")])
    )
    for subject in subjects:
        record.add_field(Field(tag="650", indicators=[" ", "0"], subfields=[Subfield("a", subject)]))
    if vernacular:
        record.add_field(
            Field(
                tag="880",
                indicators=["1", "0"],
                subfields=[Subfield("6", "245-01"), Subfield("a", vernacular)],
            )
        )
    record.add_field(*extra)
    return record.as_marc()


def unimarc(sources: list[tuple[str, str, str]], *, title: str = "\x88The \x89history of Ningbo") -> bytes:
    """A UNIMARC record, UTF-8 under a blank leader/09; sources are 801s as (indicator 2, $b, $c)."""
    record = Record(to_unicode=False, force_utf8=True)
    record.add_field(Field(tag="001", data="CN-1"), Field(tag="005", data="20200102030405.0"))
    record.add_field(
        Field(
            tag="100",
            indicators=[" ", " "],
            subfields=[Subfield("a", "20170815d2017    em y0chiy50      ea")],
        )
    )
    record.add_field(Field(tag="101", indicators=["0", " "], subfields=[Subfield("a", "chi")]))
    record.add_field(Field(tag="200", indicators=["1", " "], subfields=[Subfield("a", title)]))
    for indicator, code, stamp in sources:
        subfields = [Subfield("a", "CN"), Subfield("b", code)] + ([Subfield("c", stamp)] if stamp else [])
        record.add_field(Field(tag="801", indicators=[" ", indicator], subfields=subfields))
    record.leader = Leader("00000nam0 2200000   450 ")
    return record.as_marc()


def rows(result) -> list[tuple]:
    return [
        (r["library_code"], r["role"], r["agency_code"], r["attributed_by"]) for r in result.table.to_pylist()
    ]


# ---------------------------------------------------------------- the real corpus


@pytest.mark.parametrize("fact", FACTS, ids=[f["file"] for f in FACTS])
def test_corpus_file_gives_the_records_and_titles_facts_count(registry, rules, fact):
    facts = fact["facts"]
    data = (CORPUS / fact["file"]).read_bytes()
    # The samples come from libraries outside the registry: name the library, as for a member's own export.
    result = read_catalogue(data, fact["file"], registry, rules, library="hangzhou")

    assert result.records == facts["records"]
    assert result.skipped == []
    assert result.table.schema == SCHEMA
    titles = result.table.column("title").to_pylist()
    assert sum(t is not None for t in titles) == facts["titled"]
    with_cjk = sum(any(ord(c) in CJK for c in t or "") for t in titles)
    assert with_cjk == facts["records_with_cjk"]


@pytest.mark.parametrize(
    ("name", "format", "title"),
    [
        (
            "marc4j__oclc_63111280_export_as_UTF8_from_connexion.mrc",
            "marc21",
            "日本民俗·信仰·藝能·與中國文化",
        ),
        ("pymarc__marc8.dat", "marc21", "Escape from loneliness"),
        ("pymarc__testunimarc.dat", "unimarc", "L'altra faccia della spirale"),
        ("pymarc__batch.xml", "marcxml", "The Great Ray Charles"),
    ],
)
def test_corpus_titles_read_right(registry, rules, name, format, title):
    """The vernacular 880 title, MARC-8 without escape bytes, UNIMARC read as UTF-8 without its non-sort markers."""
    result = read_catalogue((CORPUS / "marc" / name).read_bytes(), name, registry, rules, library="hangzhou")
    assert result.format == format
    first = result.table.to_pylist()[0]
    assert first["title"] == title
    assert not any(c in first["title"] for c in "\x1b\x88\x89℗�")


def test_connexion_record_facts(registry, rules):
    name = "marc/marc4j__oclc_63111280_export_as_UTF8_from_connexion.mrc"
    (row,) = read_catalogue(
        (CORPUS / name).read_bytes(), name, registry, rules, library="hangzhou"
    ).table.to_pylist()
    assert row["record_key"] == "oclc:63111280"
    assert row["oclc_number"] == "63111280"
    assert row["isbn"] == "9867271033"
    assert row["language"] == "chi"
    assert row["place"] == "台北市"
    assert row["contributed_on"] == date(2006, 1, 1)  # 008/00-05 060119
    assert (row["agency_code"], row["attributed_by"]) == ("KKU", "library_option")


def test_unimarc_corpus_record_has_its_own_control_number_as_key(registry, rules):
    name = "marc/pymarc__testunimarc.dat"
    (row,) = read_catalogue(
        (CORPUS / name).read_bytes(), name, registry, rules, library="hangzhou"
    ).table.to_pylist()
    assert row["record_key"] == "ctl:IT\\ICCU\\ANA\\0019370"
    assert (row["isbn"], row["language"], row["place"]) == ("8804406828", "ita", "Milano")
    assert row["contributed_on"] == date(1996, 11, 1)  # 100 $a/0-7: 19961119


# ---------------------------------------------------------------- who contributed


@pytest.mark.parametrize(
    ("record", "library", "expected"),
    [
        pytest.param(
            book(agency="SYN-HZL"), None, [("hangzhou", "original", "SYN-HZL", "agency")], id="040a-only"
        ),
        pytest.param(
            book(agency="SYN-HZL", enhancers=("SYN-ZJL", "OCLCQ", "SYN-NBL")),
            None,
            [
                ("hangzhou", "original", "SYN-HZL", "agency"),
                ("zhejiang", "enhanced", "SYN-ZJL", "agency"),
                ("ningbo", "enhanced", "SYN-NBL", "agency"),
            ],
            id="040a-and-two-member-d",
        ),
        pytest.param(
            book(agency="SYN-HZL", enhancers=("SYN-HZL", "SYN-ZJL", "SYN-ZJL")),
            None,
            [("hangzhou", "original", "SYN-HZL", "agency"), ("zhejiang", "enhanced", "SYN-ZJL", "agency")],
            id="same-library-as-a-and-d-counts-once",
        ),
        pytest.param(
            book(agency="DLC"),
            "jiaxing",
            [("jiaxing", "original", "DLC", "library_option")],
            id="unknown-a-library",
        ),
        pytest.param(
            book(agency=None), "huzhou", [("huzhou", "original", None, "library_option")], id="no-040-library"
        ),
        pytest.param(
            book(agency="DLC", enhancers=("SYN-WZL",)),
            "jiaxing",
            [("wenzhou", "enhanced", "SYN-WZL", "agency")],
            id="unknown-a-member-d-ignores-library",
        ),
        pytest.param(
            unimarc([("0", "SYN-SXL", "20180506")]),
            None,
            [("shaoxing", "original", "SYN-SXL", "agency")],
            id="801-ind0",
        ),
        pytest.param(
            unimarc(
                [
                    ("0", "SYN-SXL", "20180506"),
                    ("2", "SYN-QZL", "20200101"),
                    ("1", "SYN-ZSL", ""),
                    ("3", "SYN-LSL", ""),
                ]
            ),
            None,
            [("shaoxing", "original", "SYN-SXL", "agency"), ("quzhou", "enhanced", "SYN-QZL", "agency")],
            id="801-ind0-ind2-counted-ind1-ind3-not",
        ),
        pytest.param(
            unimarc([("1", "SYN-ZSL", "")]),
            "jinhua",
            [("jinhua", "original", None, "library_option")],
            id="801-ind1-only",
        ),
        pytest.param(
            unimarc([("3", "SYN-ZSL", "")]),
            "jinhua",
            [("jinhua", "original", None, "library_option")],
            id="801-ind3-only",
        ),
    ],
)
def test_attribution(registry, rules, record, library, expected):
    assert rows(read(record, registry, rules, library=library)) == expected


def test_unknown_agency_without_library_is_listed_and_counted(registry, rules):
    data = book(agency="SYN-HZL", number="a") + book(agency="DLC", enhancers=("OCLCQ",), number="b")
    result = read(data, registry, rules)

    assert result.records == 2
    assert rows(result) == [("hangzhou", "original", "SYN-HZL", "agency")]
    (problem,) = result.skipped
    assert (problem.number, problem.offset) == (2, len(book(number="a")))
    assert "DLC" in problem.reason and "--library" in problem.reason
    assert any("DLC (1)" in w and "OCLCQ (1)" in w for w in result.warnings)
    assert any("not imported" in w for w in result.warnings)


def test_library_option_is_said_with_counts(registry, rules):
    data = book(agency="DLC", number="a") + book(agency=None, number="b") + book(number="c")
    result = read(data, registry, rules, library="lishui")
    assert result.table.column("library_code").to_pylist() == ["lishui", "lishui", "hangzhou"]
    (said,) = [w for w in result.warnings if "--library" in w]
    assert said.startswith("2 record(s)") and "1 name none" in said and "'lishui'" in said


def test_library_option_must_be_a_member(registry, rules):
    with pytest.raises(UnknownInstitution, match="'nowhere' is not a member"):
        read(book(), registry, rules, library="nowhere")


def test_months_of_original_and_enhanced_work(registry, rules):
    table = read(book(enhancers=("SYN-ZJL",), entered="990101"), registry, rules).table.to_pylist()
    assert [r["contributed_on"] for r in table] == [
        date(1999, 1, 1),
        date(2021, 5, 1),
    ]  # 008 for $a, 005 for $d


def test_unimarc_months_come_from_each_801(registry, rules):
    data = unimarc([("0", "SYN-SXL", "20180506"), ("2", "SYN-QZL", "20190711"), ("2", "SYN-NBL", "")])
    table = read(data, registry, rules).table.to_pylist()
    assert [r["contributed_on"] for r in table] == [date(2018, 5, 1), date(2019, 7, 1), date(2020, 1, 1)]


def test_record_without_any_date_is_counted_and_said(registry, rules):
    result = read(book(entered="||||||", latest=None), registry, rules)
    assert result.table.column("contributed_on").to_pylist() == [None]
    assert any("no usable date" in w for w in result.warnings)


# ---------------------------------------------------------------- what a record is


def test_facts_of_a_record(registry, rules):
    isbn = Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", "978-7-5340-1234-5 (pbk.)")])
    oclc = Field(tag="035", indicators=[" ", " "], subfields=[Subfield("a", "(OCoLC)ocm00012345")])
    data = book("Hang zhou yun he shi", clc="k295.51", vernacular="杭州运河史 :", extra=(isbn, oclc))
    (row,) = read(data, registry, rules).table.to_pylist()
    assert row["title"] == "杭州运河史"
    assert (row["isbn"], row["oclc_number"], row["record_key"]) == ("9787534012345", "12345", "oclc:12345")
    assert (row["clc_class"], row["clc_top"]) == ("k295.51", "K")
    assert (row["language"], row["place"], row["record_format"]) == ("chi", "Beijing", "marc21")


def test_record_without_001_is_keyed_by_its_bytes(registry, rules):
    record = pymarc.Record(data=book(), force_utf8=True)
    record.remove_fields("001")
    (row,) = read(record.as_marc(), registry, rules).table.to_pylist()
    assert row["record_key"].startswith("sha1:") and len(row["record_key"]) == 45
    assert row["control_number"] is None


def test_clc_top_is_null_for_a_letter_that_is_no_class(registry, rules):
    (row,) = read(book(clc="W123"), registry, rules).table.to_pylist()
    assert (row["clc_class"], row["clc_top"]) == ("W123", None)


# ---------------------------------------------------------------- broken files


def five() -> list[bytes]:
    return [book(f"书{i}", number=f"r{i}") for i in range(1, 6)]


def titles(result) -> list[str]:
    return result.table.column("title").to_pylist()


def test_wrong_declared_length_is_read_from_the_terminator(registry, rules):
    records = five()
    wrong = bytearray(records[1])
    wrong[:5] = b"%05d" % (len(wrong) + 40)
    result = read(records[0] + bytes(wrong) + b"".join(records[2:]), registry, rules)
    assert titles(result) == ["书1", "书2", "书3", "书4", "书5"]
    assert any("1 record(s) declare a wrong length" in w for w in result.warnings)


def test_garbage_record_in_the_middle_is_listed_and_the_rest_kept(registry, rules):
    records = five()
    data = records[0] + b"NOT A RECORD\x1d" + b"".join(records[1:])
    result = read(data, registry, rules)
    assert titles(result) == ["书1", "书2", "书3", "书4", "书5"]
    (problem,) = result.skipped
    assert (problem.number, problem.offset, problem.line) == (2, len(records[0]), None)
    assert "does not begin with a MARC leader" in problem.reason
    assert result.table.column("record_number").to_pylist() == [1, 3, 4, 5, 6]


def test_line_breaks_between_records(registry, rules):
    records = five()
    result = read(b"\r\n".join(records) + b"\n", registry, rules)
    assert titles(result) == ["书1", "书2", "书3", "书4", "书5"]
    assert result.table.column("source_offset").to_pylist()[1] == len(records[0]) + 2
    assert result.warnings == []


def test_missing_terminator_is_found_by_the_next_leader(registry, rules):
    records = five()
    result = read(records[0][:-1] + b"".join(records[1:]), registry, rules)
    assert titles(result) == ["书1", "书2", "书3", "书4", "书5"]
    assert any("no record terminator" in w for w in result.warnings)


def test_truncated_last_record_is_listed(registry, rules):
    data = b"".join(five())[:-20]
    result = read(data, registry, rules)
    assert titles(result) == ["书1", "书2", "书3", "书4"]
    (problem,) = result.skipped
    assert problem.number == 5 and "the file ends 20 bytes before this record does" in problem.reason


def test_strict_refuses_the_file_naming_the_record(registry, rules):
    records = five()
    data = records[0] + b"NOT A RECORD\x1d" + records[1]
    with pytest.raises(ReportFormatError) as refused:
        read(data, registry, rules, strict=True)
    message = str(refused.value)
    assert message.startswith("test.mrc: record 2 (byte ")
    assert f"byte {len(records[0])}" in message and "--strict" in message


def test_strict_accepts_a_file_it_can_read_whole(registry, rules):
    assert read(b"".join(five()), registry, rules, strict=True).records == 5


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"title,isbn\nA,123\n", "not a MARC file"),
        (b'{"records": []}', "not a MARC file"),
        (b"PK\x03\x04" + bytes(range(256)) * 4, "not a MARC file"),
        (b"=LDR  00000nam a2200000 a 4500\n=245  10$aTitle\n", "MarcEdit"),
        (b'<?xml version="1.0"?><html><body>hi</body></html>', "not MARCXML"),
    ],
    ids=["empty", "csv", "json", "zip", "mrk-text", "other-xml"],
)
def test_a_file_that_is_not_marc_is_refused_in_words(registry, rules, data, says):
    with pytest.raises(ReportFormatError, match=says) as refused:
        read(data, registry, rules)
    assert str(refused.value).startswith("test.mrc: ")


def test_ours_keeps_every_record_pymarc_or_mrrc_keeps(registry, rules):
    """The bar: on each kind of damage, every title either library recovers is recovered here."""
    import mrrc

    records = five()
    wrong = bytearray(records[1])
    wrong[:5] = b"%05d" % (len(wrong) - 30)
    damaged = bytearray(records[2])
    damaged[30:35] = b"xx\x1ezz"  # a broken directory entry
    undecodable = bytearray(records[3])
    undecodable[undecodable.index("书".encode())] = 0xFF
    cases = [
        records[0] + bytes(wrong) + b"".join(records[2:]),
        records[0][:-1] + b"".join(records[1:]),
        b"\n".join(records),
        b"".join(records[:2]) + bytes(damaged) + b"".join(records[3:]),
        records[0] + b"NOT A RECORD\x1d" + b"".join(records[1:]),
        b"".join(records[:3]) + bytes(undecodable) + records[4],
    ]
    for data in cases:
        theirs = set()
        for record in pymarc.MARCReader(data, permissive=True, force_utf8=True):
            if record is not None and record.title:
                theirs.add(record.title.rstrip(" /"))
        try:
            for record in mrrc.MARCReader(data):
                if record is not None and record.title:
                    theirs.add(record.title.rstrip(" /"))
        except Exception:  # mrrc gives up on the rest of the file; what it kept counts
            pass
        ours = set(titles(read(data, registry, rules)))
        assert theirs <= ours and len(ours) == 5


# ---------------------------------------------------------------- encodings


def test_marc8_cjk_escapes_are_decoded(registry, rules):
    record = Record(to_unicode=False, leader="00000nam  2200000 a 4500")
    record.add_field(
        Field(tag="001", data="m8"), Field(tag="008", data="190304s2019    ch            000 0 chi d")
    )
    record.add_field(Field(tag="040", indicators=[" ", " "], subfields=[Subfield("a", "SYN-HZL")]))
    record.add_field(
        Field(
            tag="245", indicators=["1", "0"], subfields=[Subfield("6", "880-01"), Subfield("a", "Zhejiang /")]
        )
    )
    record.add_field(
        Field(
            tag="880",
            indicators=["1", "0"],
            subfields=[Subfield("6", "245-01/$1"), Subfield("a", f"{MARC8_ZHEJIANG}tu shu /")],
        )
    )
    data = record.as_marc()
    assert data[9:10] == b" " and b"\x1b$1" in data
    result = read(data, registry, rules)
    assert titles(result) == ["浙江tu shu"]
    assert result.warnings == []


def test_marc8_record_that_pymarc_cannot_parse_still_decodes_its_escapes(registry, rules):
    record = Record(to_unicode=False, leader="00000nam  2200000 a 4500")
    record.add_field(
        Field(tag="001", data="m8"), Field(tag="008", data="190304s2019    ch            000 0 chi d")
    )
    record.add_field(Field(tag="040", indicators=[" ", " "], subfields=[Subfield("a", "SYN-HZL")]))
    record.add_field(
        Field(tag="245", indicators=["1", "0"], subfields=[Subfield("a", f"{MARC8_ZHEJIANG} /")])
    )
    data = bytearray(record.as_marc())
    data[24:27] = b"0x1"  # the first directory entry's tag is not a number: pymarc gives up, mrrc does not
    result = read(bytes(data), registry, rules)
    assert titles(result) == ["浙江"]


def test_unimarc_blank_leader_is_utf8(registry, rules):
    data = unimarc([("0", "SYN-NBL", "20170901")], title="\x88宁波\x89港史")
    assert data[9:10] == b" "
    result = read(data, registry, rules)
    assert (result.format, titles(result), result.warnings) == ("unimarc", ["宁波港史"], [])


def test_unimarc_records_with_line_breaks_between_them(registry, rules):
    records = [unimarc([("0", "SYN-NBL", "20170901")], title=f"\x88宁波\x89港史 {i}") for i in range(1, 6)]
    result = read(b"\n".join(records) + b"\n", registry, rules)
    assert titles(result) == [f"宁波港史 {i}" for i in range(1, 6)]
    assert result.skipped == []


def test_gb18030_cnmarc_is_read_and_said(registry, rules):
    def gb(text: str) -> str:  # pymarc writes ISO 8859-1 when leader/09 is blank: hand it GB18030 bytes
        return text.encode("gb18030").decode("latin-1")

    record = Record(to_unicode=False, leader="00000nam0 2200000   450 ")
    record.add_field(Field(tag="001", data="GB-1"))
    record.add_field(Field(tag="200", indicators=["1", " "], subfields=[Subfield("a", gb("温州文献"))]))
    record.add_field(
        Field(
            tag="801", indicators=[" ", "0"], subfields=[Subfield("b", "SYN-WZL"), Subfield("c", "20160301")]
        )
    )
    result = read(record.as_marc(), registry, rules)
    assert titles(result) == ["温州文献"]
    assert any("1 record(s) were read as GB18030" in w for w in result.warnings)


def test_utf8_leader_with_a_bad_byte_keeps_the_record(registry, rules):
    data = bytearray(book("杭州书"))
    data[data.index("杭".encode())] = 0xFF
    result = read(bytes(data), registry, rules)
    assert titles(result) == ["\ufffd\ufffd\ufffd州书"]
    assert any("UTF-8 with replacement characters" in w for w in result.warnings)


# ---------------------------------------------------------------- MARCXML


XML = """<?xml version="1.0" encoding="UTF-8"?>
<marc:collection xmlns:marc="http://www.loc.gov/MARC21/slim">
  <marc:record>
    <marc:leader>00000nam a2200000 a 4500</marc:leader>
    <marc:controlfield tag="001">x1</marc:controlfield>
    <marc:datafield tag="040" ind1=" " ind2=" "><marc:subfield code="a">SYN-HZL</marc:subfield></marc:datafield>
    <marc:datafield tag="245" ind1="1" ind2="0"><marc:subfield code="a">西湖志 /</marc:subfield></marc:datafield>
  </marc:record>
  <marc:record>
    <marc:leader>00000nam a2200000 a 4500</marc:leader>
    <marc:datafield ind1=" " ind2=" "><marc:subfield code="a">no tag</marc:subfield></marc:datafield>
  </marc:record>
  <marc:record>
    <marc:leader>00000nam a2200000 a 4500</marc:leader>
    <marc:controlfield tag="001">x3</marc:controlfield>
    <marc:datafield tag="040" ind1=" " ind2=" "><marc:subfield code="a">SYN-NBL</marc:subfield></marc:datafield>
    <marc:datafield tag="245" ind1="1" ind2="0"><marc:subfield code="a">四明志</marc:subfield></marc:datafield>
  </marc:record>
</marc:collection>
"""


def test_marcxml_damaged_record_is_listed_by_line(registry, rules):
    result = read(XML.encode(), registry, rules)
    assert (result.format, titles(result)) == ("marcxml", ["西湖志", "四明志"])
    (problem,) = result.skipped
    assert (problem.number, problem.line, problem.offset) == (2, 9, None)
    assert result.table.column("source_line").to_pylist() == [3, 13]


def test_malformed_xml_loses_only_the_broken_record(registry, rules):
    broken = XML.replace(
        '<marc:subfield code="a">no tag</marc:subfield>', '<marc:subfield code="a">no tag</marc:subf'
    )
    result = read(broken.encode(), registry, rules)
    assert titles(result) == ["西湖志", "四明志"]
    assert [p.number for p in result.skipped] == [2]


# ---------------------------------------------------------------- local documents


@pytest.mark.parametrize(
    ("evidence", "rule"),
    [
        (Evidence(clc=["I247.5", "K295.51"]), "clc:K295.5"),
        (Evidence(clc=["K925.5"], subjects=["浙江省"]), "clc:K925.5"),
        (Evidence(subjects=["History", "Zhejiang Sheng (China)"]), "subject:Zhejiang"),
        (Evidence(subjects=["地方史", "浙江"], places=["杭州"]), "subject:浙江"),
        (Evidence(places=["杭州 :"]), "place:杭州"),
        (Evidence(places=["HANGZHOU :"]), "place:Hangzhou"),
        (Evidence(places=["衢州"]), "place:衢州"),  # a member city, from the registry alone
        (Evidence(titles=["寧波港史"]), "title:寧波"),
        (Evidence(titles=["Taizhou shi zhi"]), None),  # Taizhou is also in Jiangsu: left out in English
        (Evidence(titles=["台州史志"]), "title:台州"),
        (Evidence(subjects=["Zhejiangese dialect"]), None),  # Latin keywords match whole words
        (Evidence(clc=["K29"], subjects=["History"], places=["Beijing"], titles=["北京史"]), None),
    ],
)
def test_local_document_rules(rules, evidence, rule):
    assert rules.match(evidence) == rule


def test_local_rule_is_stored_with_the_record(registry, rules):
    data = (
        book(clc="I247.5", subjects=("杭州 (China)",), number="a")
        + book(place="Ningbo :", number="b")
        + book(number="c")
    )
    table = read(data, registry, rules).table
    assert table.column("local_rule").to_pylist() == ["subject:杭州", "place:Ningbo", None]
    assert table.column("is_local_document").to_pylist() == [True, True, False]


def test_rules_file_is_checked(tmp_path, registry):
    path = tmp_path / "rules.toml"
    path.write_text('[clc]\nprefixes = ["K295.5"]\n[keywords]\nsubjects = ["浙江"]\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"unknown key\(s\) subjects"):
        LocalRules.load(path, registry)
    path.write_text("[clc]\nprefixes = 'K295.5'\n", encoding="utf-8")
    with pytest.raises(RulesError, match="must be a list of strings"):
        LocalRules.load(path, registry)


# ---------------------------------------------------------------- large files, read in parts


def test_a_file_read_in_parallel_parts_gives_what_one_piece_gives(registry, rules, monkeypatch):
    records = [book(f"书{i}", number=f"r{i}", agency="SYN-HZL" if i % 3 else "DLC") for i in range(300)]
    records[150] = b"NOT A RECORD\x1d"
    data = b"\n".join(records)
    whole = read(data, registry, rules)
    monkeypatch.setattr(marc, "PARALLEL_RECORDS", 10)
    monkeypatch.setattr(marc, "_WORKER_START_RECORDS", 0)
    monkeypatch.setattr(marc, "_cpus", lambda: 3)
    here = []
    read_part = marc.read_part
    monkeypatch.setattr(marc, "read_part", lambda *args, **kw: here.append(args[1]) or read_part(*args, **kw))

    parts = read(data, registry, rules)
    assert here == [0]  # this process read the first part; two workers read the others
    assert parts.table.equals(whole.table)
    assert (parts.records, parts.skipped, parts.warnings) == (whole.records, whole.skipped, whole.warnings)

    monkeypatch.setattr(
        marc.sys, "executable", "/nonexistent/python"
    )  # workers fail: their parts are read here
    assert read(data, registry, rules).table.equals(whole.table)
    assert len(here) == 4
