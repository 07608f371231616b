"""The two languages: every text the code asks for exists in both, and numbers read as each language writes them."""

import re
from datetime import date
from pathlib import Path

import pytest

from coopdash.i18n import LANGUAGES, catalog, long_date, month, number, t

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*ROOT.glob("coopdash/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "dashboard.py"]
LITERAL = re.compile(r"""\bt\(\s*"([a-z_.A-Z0-9]+)\"""")
PREFIX = re.compile(r"""\bt\(\s*f"([a-z_.]+)\{""")


def used(pattern: re.Pattern) -> set[str]:
    return {key for path in SOURCES for key in pattern.findall(path.read_text(encoding="utf-8"))}


def test_every_text_the_code_asks_for_is_in_the_catalogue():
    missing = sorted(used(LITERAL) - set(catalog()))
    assert not missing


def test_every_computed_key_has_entries_under_its_prefix():
    keys = set(catalog())
    assert all(any(key.startswith(prefix) for key in keys) for prefix in used(PREFIX))


def test_every_text_has_both_languages_and_the_same_placeholders():
    for key, texts in catalog().items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts.values()), key
        names = {lang: set(re.findall(r"\{(\w+)\}", text)) for lang, text in texts.items()}
        assert names["en"] == names["zh"], key


def test_the_chinese_texts_are_chinese():
    untranslated = [
        key
        for key, texts in catalog().items()
        if not re.search(r"[\u4e00-\u9fff]", texts["zh"])
        and re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", texts["zh"]))
    ]
    # Only texts that are the same in both (report names, language names in English) may stay in Latin letters.
    assert all(catalog()[key]["zh"] == catalog()[key]["en"] for key in untranslated)


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (1234567, "en", 0, "1,234,567"),
        (1234567, "zh", 0, "123.5万"),
        (12345, "zh", 0, "1.23万"),
        (10000, "zh", 0, "1万"),
        (9999, "zh", 0, "9,999"),
        (131.25, "zh", 1, "131.2"),
        (131.25, "en", 1, "131.2"),
        (250_000_000, "zh", 0, "2.5亿"),
        (12_345_678_901, "zh", 0, "123.5亿"),
        (-25000, "zh", 0, "-2.5万"),
        (None, "en", 0, "–"),
        (float("nan"), "zh", 1, "–"),
    ],
)
def test_numbers_as_each_language_writes_them(value, lang, decimals, expected):
    assert number(value, lang, decimals) == expected


def test_dates_in_both_languages():
    assert month(date(2018, 12, 1), "zh") == "2018年12月"
    assert month(date(2018, 12, 1), "en") == "Dec 2018"
    assert long_date(date(2018, 12, 5), "zh") == "2018年12月5日"
    assert long_date(date(2018, 12, 5), "en") == "5 December 2018"


def test_placeholders_are_filled():
    assert t("uptake.total", "zh", year=2025) == "联盟合计，2025年"
