"""Damaged catalogue files: every one is read or refused in plain words, never with a traceback.

Seeded, so a failure names the case that found it. The damage is what real files
suffer: bytes flipped, cut short, records doubled or dropped, line breaks and
garbage between records, lengths and directories wrong.
"""

from __future__ import annotations

import random

import pytest
from pymarc import Field, Record, Subfield

from coopdash.errors import ReportFormatError
from coopdash.importers.contributions import LocalRules
from coopdash.importers.marc import SCHEMA, read_catalogue
from tests.conftest import CORPUS


def generated() -> bytes:
    """A few MARC 21 records in UTF-8 with CJK titles and member agencies."""
    out = b""
    for number, title in enumerate(["浙江通志", "宁波港史", "Hangzhou", "温州文献", "绍兴"]):
        record = Record(force_utf8=True, leader="00000nam a2200000 a 4500")
        record.add_field(
            Field(tag="001", data=f"g{number}"), Field(tag="008", data="200101s2020    ch 000 0 chi d")
        )
        record.add_field(
            Field(
                tag="040",
                indicators=[" ", " "],
                subfields=[Subfield("a", "SYN-HZL"), Subfield("d", "SYN-ZJL")],
            )
        )
        record.add_field(
            Field(tag="084", indicators=[" ", " "], subfields=[Subfield("a", "K295.5"), Subfield("2", "clc")])
        )
        record.add_field(Field(tag="245", indicators=["1", "0"], subfields=[Subfield("a", title)]))
        out += record.as_marc()
    return out


SOURCES = {path.name: path.read_bytes() for path in sorted((CORPUS / "marc").iterdir())}
SOURCES["generated.mrc"] = generated()


def damaged(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    how = rng.choice(["flip", "truncate", "splice", "separators", "length", "terminators"])
    if how == "truncate":
        return bytes(data[: rng.randrange(len(data))])
    if how == "splice":  # a stretch doubled or dropped
        a, b = sorted(rng.randrange(len(data)) for _ in range(2))
        return bytes(data[:a] + (data[a:b] * 2 if rng.random() < 0.5 else b"") + data[b:])
    if how == "separators":
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(len(data)) : 0] = rng.choice([b"\r\n", b"\n", b"\x00", b"junk\x1d", b"\x1d"])
        return bytes(data)
    if how == "length":
        position = rng.choice([0, 12, 24 + 3 * rng.randrange(4)])
        data[position : position + 5] = b"%05d" % rng.randrange(100000)
        return bytes(data)
    if how == "terminators":
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.choice(b"\x1d\x1e\x1f\x1b")
        return bytes(data)
    for _ in range(rng.randint(1, 30)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


@pytest.mark.parametrize("seed", range(8))
def test_damaged_files_are_read_or_refused_in_words(registry, seed):
    rules = LocalRules.load(registry=registry)
    rng = random.Random(seed)
    for case in range(60):
        source = rng.choice(sorted(SOURCES))
        name = f"seed{seed}_case{case}_{source}"
        data = damaged(rng, SOURCES[source])
        strict = rng.random() < 0.2
        try:
            result = read_catalogue(
                data, name, registry, rules, library=rng.choice([None, "hangzhou"]), strict=strict
            )
        except ReportFormatError as refused:
            assert str(refused).startswith(name + ":"), str(refused)
            continue
        assert result.table.schema == SCHEMA, name
        numbers = result.table.column("record_number").to_pylist()
        listed = [p.number for p in result.skipped]
        assert not set(numbers) & set(listed), name  # a record is either imported or listed
        assert all(p.reason for p in result.skipped), name
        assert result.records >= len(set(numbers)), name
