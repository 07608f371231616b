"""The top classes of the Chinese Library Classification (中国图书馆分类法), named in Chinese and English.

Read from data/clc_classes.csv, so a chart can label a class without code knowing it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coopdash.i18n import t
from coopdash.registry import ROOT

CLASSES_FILE = ROOT / "data" / "clc_classes.csv"


@dataclass(frozen=True)
class TopClass:
    letter: str
    name_zh: str
    name_en: str


@cache
def top_classes(path: Path = CLASSES_FILE) -> dict[str, TopClass]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            row["class"]: TopClass(row["class"], row["name_zh"], row["name_en"])
            for row in csv.DictReader(handle)
        }


def label(letter: str | None, lang: str) -> str:
    """'K History and geography' or 'K 历史、地理'; a record without a CLC number says so."""
    if not letter:
        return t("clc.none", lang)
    known = top_classes().get(letter)
    if not known:
        return letter
    return f"{letter} {known.name_zh if lang == 'zh' else known.name_en}"
