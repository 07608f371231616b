"""Words and numbers in the reader's language: English, or Chinese as directors write it.

Every label the dashboard shows comes from `labels.toml` beside this module (one
line per text: English first, then Chinese), so a translator edits one file and a
test can check that nothing is missing. Large numbers in Chinese are written with
万 (10⁴) and 亿 (10⁸), the way a Chinese annual report writes them.
"""

from __future__ import annotations

import math
import tomllib
from datetime import date
from functools import cache
from pathlib import Path

LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"
CATALOG = Path(__file__).with_name("labels.toml")


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Text id -> {language: text}."""
    entries = tomllib.loads(CATALOG.read_text(encoding="utf-8"))
    return {key: dict(zip(LANGUAGES, texts, strict=True)) for key, texts in entries.items()}


def t(key: str, lang: str, **values) -> str:
    """The text `key` in `lang`, with {placeholders} filled from `values`."""
    text = catalog()[key][lang]
    return text.format(**values) if values else text


def number(value: float | None, lang: str, decimals: int = 0) -> str:
    """A count or rate as directors read it: 1,234,567 in English, 123.5万 in Chinese."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if lang == "zh" and abs(value) >= 1e4:
        unit, size = ("亿", 1e8) if abs(value) >= 1e8 else ("万", 1e4)
        scaled = value / size
        places = 2 if abs(scaled) < 10 else 1 if abs(scaled) < 1000 else 0
        return f"{scaled:,.{places}f}".rstrip("0").rstrip(".") + unit
    return f"{value:,.{decimals}f}"


def month(day: date, lang: str) -> str:
    return f"{day.year}年{day.month}月" if lang == "zh" else f"{day:%b %Y}"


def long_date(day: date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {day:%B %Y}"
