"""The member registry: which libraries belong to the consortium and how reports name them.

`data/libraries.csv` is the source of truth; nothing about any one consortium is
written in code. Every identifier or spelling a report may use for a library is
an alias, so a file's Institution_Name / Institution_ID can be mapped to a member.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from coopdash.errors import RegistryError, UnknownInstitution

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REGISTRY = ROOT / "data" / "libraries.csv"
ENV_REGISTRY = "COOPDASH_REGISTRY"


def registry_path() -> Path:
    """The registry in use: COOPDASH_REGISTRY if set (another consortium, a benchmark), else the bundled one."""
    return Path(os.environ.get(ENV_REGISTRY) or DEFAULT_REGISTRY)


COLUMNS = (
    "code",
    "level",
    "name_en",
    "name_zh",
    "city_en",
    "city_zh",
    "adcode",
    "population",
    "population_source",
    "joined_on",
    "joined_before",
    "joined_note",
    "aliases",
)
LEVELS = ("province", "city", "district", "other")
# Alias namespaces. `name` is a spelling of the institution's name; the others
# are the identifier types COUNTER's Institution_ID and catalogue records use.
# `sample` holds the invented codes the synthetic sample data uses (SYN-...):
# they can never clash with a real code, and can be deleted with the sample.
ALIAS_KINDS = ("name", "oclc", "isil", "isni", "ror", "proprietary", "cnmarc", "marc_org", "sample")
# The kinds a cataloguing agency code (MARC 21 040, UNIMARC 801 $b) may be.
AGENCY_KINDS = ("oclc", "marc_org", "isil", "cnmarc", "sample", "name")
_CODE = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")


@dataclass(frozen=True)
class Library:
    code: str
    level: str
    name_en: str
    name_zh: str
    city_en: str
    city_zh: str
    adcode: int | None
    population: int | None
    population_source: str
    joined_on: date | None
    joined_before: date | None
    joined_note: str
    aliases: tuple[tuple[str, str], ...] = field(default=())

    def label(self, lang: str) -> str:
        """As the `members` view labels it: a city library by its city, any other by its name."""
        if self.level == "city":
            return self.city_zh if lang == "zh" else self.city_en
        return self.name_zh if lang == "zh" else self.name_en

    def keys(self) -> set[tuple[str, str]]:
        """Every (kind, normalised value) that identifies this library."""
        names = {("name", normalise(self.name_en)), ("name", normalise(self.name_zh))}
        return names | {(kind, normalise(value)) for kind, value in self.aliases}


def normalise(value: str) -> str:
    """Fold case, width and punctuation so 'Hangzhou  Public-Library' matches."""
    text = unicodedata.normalize("NFKC", value).casefold()
    text = re.sub(r"[\s\-_.,;:'\"()（）]+", " ", text)
    return text.strip()


def _parse_date(value: str, where: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise RegistryError(f"{where}: '{value}' is not a date (YYYY-MM-DD)") from None


def _parse_int(value: str, where: str) -> int | None:
    text = value.strip().replace(",", "")
    if not text:
        return None
    if not text.isdigit():
        raise RegistryError(f"{where}: '{value}' is not a whole number")
    return int(text)


def parse_aliases(value: str, where: str) -> tuple[tuple[str, str], ...]:
    """'name:Hangzhou Library|isil:CN-123' -> (('name', 'Hangzhou Library'), ('isil', 'CN-123'))."""
    aliases = []
    for part in filter(None, (p.strip() for p in value.split("|"))):
        kind, sep, ident = part.partition(":")
        kind = kind.strip().lower()
        if not sep or kind not in ALIAS_KINDS or not ident.strip():
            raise RegistryError(
                f"{where}: alias '{part}' must be KIND:VALUE with KIND one of {', '.join(ALIAS_KINDS)}"
            )
        aliases.append((kind, ident.strip()))
    return tuple(aliases)


def library_from_row(row: dict[str, str], where: str) -> Library:
    """Validate one registry row; shared by the CSV loader and any editor."""
    missing = [c for c in ("code", "level", "name_en", "name_zh") if not (row.get(c) or "").strip()]
    if missing:
        raise RegistryError(f"{where}: {', '.join(missing)} must not be empty")
    code = row["code"].strip()
    if not _CODE.match(code):
        raise RegistryError(f"{where}: code '{code}' must be 2-32 lowercase letters, digits, '-' or '_'")
    level = row["level"].strip()
    if level not in LEVELS:
        raise RegistryError(f"{where}: level '{level}' must be one of {', '.join(LEVELS)}")
    return Library(
        code=code,
        level=level,
        name_en=row["name_en"].strip(),
        name_zh=row["name_zh"].strip(),
        city_en=(row.get("city_en") or "").strip(),
        city_zh=(row.get("city_zh") or "").strip(),
        adcode=_parse_int(row.get("adcode") or "", f"{where}, adcode"),
        population=_parse_int(row.get("population") or "", f"{where}, population"),
        population_source=(row.get("population_source") or "").strip(),
        joined_on=_parse_date(row.get("joined_on") or "", f"{where}, joined_on"),
        joined_before=_parse_date(row.get("joined_before") or "", f"{where}, joined_before"),
        joined_note=(row.get("joined_note") or "").strip(),
        aliases=parse_aliases(row.get("aliases") or "", f"{where}, aliases"),
    )


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The registry file's rows as text, as a person edits them, each with the line it ends on."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            absent = [
                c for c in ("code", "level", "name_en", "name_zh") if c not in (reader.fieldnames or [])
            ]
            if absent:
                raise RegistryError(f"{path}: missing column(s) {', '.join(absent)}")
            return [
                (reader.line_num, {column: row.get(column) or "" for column in COLUMNS}) for row in reader
            ]
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read the member registry ({exc.strerror})") from None


def save_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Write the registry whole (after Registry.from_rows accepted it): a temp file, then one rename."""
    draft = path.with_name(path.name + ".draft")
    with open(draft, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({column: (row.get(column) or "").strip() for column in COLUMNS} for row in rows)
    os.replace(draft, path)


class Registry:
    """The member libraries, and the lookup from a report's identifiers to one of them."""

    def __init__(self, libraries: list[Library]):
        self.libraries = {lib.code: lib for lib in libraries}
        self._by_key: dict[tuple[str, str], str] = {}
        for lib in libraries:
            for key in lib.keys():
                other = self._by_key.setdefault(key, lib.code)
                if other != lib.code:
                    raise RegistryError(
                        f"alias {key[0]}:{key[1]} is given for both '{other}' and '{lib.code}'"
                    )

    @classmethod
    def load(cls, path: Path | None = None) -> Registry:
        path = path or registry_path()
        numbered = read_rows(path)
        return cls.from_rows(
            [row for _, row in numbered], [f"{path.name}, line {line}" for line, _ in numbered], path.name
        )

    @classmethod
    def from_rows(cls, rows: list[dict[str, str]], where: list[str], source: str) -> Registry:
        """Every check the CSV gets, for rows from the file or from the in-app editor."""
        libraries = [library_from_row(row, place) for row, place in zip(rows, where, strict=True)]
        duplicates = sorted(code for code, n in Counter(lib.code for lib in libraries).items() if n > 1)
        if duplicates:
            raise RegistryError(f"{source}: code(s) listed twice: {', '.join(duplicates)}")
        return cls(libraries)

    def labels(self, lang: str) -> dict[str, str]:
        """Each member's label in `lang`, by code: what charts and tables call it."""
        return {code: lib.label(lang) for code, lib in self.libraries.items()}

    def frame(self) -> pd.DataFrame:
        """The members as the `members` view shows them, in registry order, for the pages."""
        return pd.DataFrame(
            [
                {
                    "library_code": lib.code,
                    "level": lib.level,
                    "name_en": lib.name_en,
                    "name_zh": lib.name_zh,
                    "city_en": lib.city_en,
                    "city_zh": lib.city_zh,
                    "label_en": lib.label("en"),
                    "label_zh": lib.label("zh"),
                    "adcode": lib.adcode,
                    "population": lib.population,
                    "joined_on": lib.joined_on,
                    "joined_before": lib.joined_before,
                }
                for lib in self.libraries.values()
            ]
        )

    def __contains__(self, code: str) -> bool:
        return code in self.libraries

    def get(self, code: str) -> Library:
        try:
            return self.libraries[code]
        except KeyError:
            known = ", ".join(sorted(self.libraries))
            raise UnknownInstitution(f"no member library with code '{code}' (known: {known})") from None

    def find_agency(self, code: str) -> str | None:
        """The library a cataloguing agency code (040 $a/$d, 801 $b) stands for, or None.

        The code carries no namespace, so every agency kind is tried; a code that
        two libraries claim under different kinds is ambiguous and gives None.
        """
        value = normalise(code)
        found = {self._by_key[(kind, value)] for kind in AGENCY_KINDS if (kind, value) in self._by_key}
        return found.pop() if len(found) == 1 else None

    def find(self, names: list[str], identifiers: list[tuple[str, str]]) -> str | None:
        """The code of the one library these names/identifiers point to, or None.

        Identifiers win over names; two different libraries matched is an error,
        because filing usage under the wrong member is worse than refusing it.
        """
        found: dict[str, str] = {}
        for kind, value in identifiers:
            code = self._by_key.get((kind.lower(), normalise(value)))
            if code:
                found.setdefault(code, f"{kind}:{value}")
        if not found:
            for name in names:
                code = self._by_key.get(("name", normalise(name)))
                if code:
                    found.setdefault(code, f"name '{name}'")
        if len(found) > 1:
            detail = "; ".join(f"{how} -> {code}" for code, how in found.items())
            raise UnknownInstitution(f"the institution matches more than one member library ({detail})")
        return next(iter(found), None)
