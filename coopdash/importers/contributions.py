"""What a catalogue record contributes: who catalogued it, in which role and month, and what it is.

MARC 21 names the agency that created a record in 040 $a and each agency that
modified it in 040 $d; UNIMARC/CNMARC does it with 801 fields, second indicator 0
(original) and 2 (modifying); 801s with indicator 1 (transcribing) and 3 (issuing)
say who keyed or distributed a record, not who catalogued it, and are not counted.

Two steps, for speed: `describe` takes from each record the raw texts it needs
(one pass over its fields, in Python); `facts_table` then cleans them, derives the
identifiers and applies the local-document rules to all records at once, in Arrow
(RE2 regexes in C++). Whether a record is a local document is decided by rules in a
data file (data/local_documents.toml), never here: another consortium edits it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from coopdash.errors import CoopdashError
from coopdash.importers.marc_records import MarcRecord, flavour
from coopdash.registry import ROOT, Registry

DEFAULT_RULES = ROOT / "data" / "local_documents.toml"
CLC_TOP_CLASSES = "ABCDEFGHIJKNOPQRSTUVXZ"
RULE_ORDER = ("clc", "subject", "place", "title")
# The raw texts `describe` takes from a record, in this order; the plural ones are all
# of a kind, one per line, for the local-document rules.
FACTS = (
    "control_number",  # 001
    "control_source",  # 003
    "system_numbers",  # 035 $a
    "title",  # the first title, vernacular (880) first
    "titles",
    "isbn",  # 020 $a / 010 $a, as written
    "language",
    "clc_class",
    "clc",
    "place",
    "places",
    "subjects",
    "digest",  # sha1 of the record, only when it has no 001
)
_NO_TEXT = " /:;=,.[]\x88\x89\x98\x9c"  # ISBD punctuation, brackets, non-sort markers
_LANGUAGE = re.compile(r"[a-z]{3}")
_THIS_YEAR = date.today().year  # pivot for 008's two-digit years
_THIS_MONTH = (date.today().year, date.today().month)  # no record is made later (read once a process)


class RulesError(CoopdashError):
    """The local-document rules file is invalid; the message names the file and the entry."""


@dataclass(slots=True)
class Description:
    """What one record says: raw texts (FACTS order) and its agencies as (code, role, month)."""

    flavour: str  # 'marc21' | 'unimarc'
    facts: tuple
    agencies: list[tuple[str, str, date | None]]
    original_month: date | None  # for a record attributed by --library


def describe(record: MarcRecord) -> Description:
    """The record's raw facts and cataloguing agencies, read the MARC 21 or the UNIMARC way."""
    found = _marc21(record)
    if found is None:
        return _unimarc(record)
    return found


# ---------------------------------------------------------------- one record, in Python


def _sub(item, code: str) -> str | None:
    """The first non-blank value of subfield `code` in one field."""
    for value in item.subfields_by_code(code):
        if value.strip():
            return value
    return None


def _first(fields: dict, tag: str, code: str) -> str | None:
    """The first non-blank value of subfield `code` in any field `tag`."""
    for item in fields.get(tag, ()):
        value = _sub(item, code)
        if value:
            return value
    return None


def _pick(texts: list[str]) -> str | None:
    """The first text that is more than punctuation."""
    for text in texts:
        if text.strip(_NO_TEXT):
            return text
    return None


def _texts(item) -> list[str]:
    """The values of a subject field's lettered subfields (numbered ones are links and sources)."""
    return [s.value for s in item.subfields() if s.code.isalpha()]


def _identifiers(record: MarcRecord, system_numbers: list[str]) -> tuple:
    control = record.control
    number = (control.get("001") or "").strip() or None
    source = (control.get("003") or "").strip() or None
    return number, source, "\n".join(system_numbers) or None, None if number else record.digest()


@lru_cache(maxsize=4096)
def _month_yymm(text: str) -> date | None:
    """008/00-03, of the date entered (yymmdd): two-digit years after this year are the 1900s."""
    if len(text) < 4 or not text[:4].isdigit():
        return None
    year = 2000 + int(text[:2])
    if year > _THIS_YEAR:
        year -= 100
    return _month(year, int(text[2:4]))


@lru_cache(maxsize=4096)
def _month_yyyymm(text: str) -> date | None:
    """005, 801 $c, UNIMARC 100 $a/0-7: yyyymm..."""
    if len(text) < 6 or not text[:6].isdigit():
        return None
    return _month(int(text[:4]), int(text[4:6]))


def _month(year: int, month: int) -> date | None:
    """The month, if a record can have been made in it: from 1900 up to this month."""
    if 1 <= month <= 12 and 1900 <= year and (year, month) <= _THIS_MONTH:
        return date(year, month, 1)
    return None


def _marc21(record: MarcRecord) -> Description | None:
    """One pass over the fields; None if the record turns out to be UNIMARC."""
    control = record.control
    titles, places, subjects, clc, system_numbers = [], [], [], [], []
    vernacular_titles, vernacular_places = [], []
    published = {"264": [], "260": []}
    cataloguing = isbn = language = None
    for item in record.fields:
        tag = item.tag
        if tag == "880":
            link = item.subfields_by_code("6")
            linked = link[0][:3] if link else ""
            if linked == "245":
                vernacular_titles.append(_title_245(item))
            elif linked == "264" or linked == "260":
                vernacular_places.extend(item.subfields_by_code("a")[:1])
            elif "600" <= linked <= "655":
                subjects.extend(_texts(item))
        elif tag == "245":
            if not titles:
                titles.append(_title_245(item))
        elif "600" <= tag <= "655":
            subjects.extend(_texts(item))
        elif tag == "040":
            cataloguing = cataloguing or item
        elif tag == "260" or tag == "264":
            published[tag].extend(item.subfields_by_code("a")[:1])
        elif tag == "084":
            if any(source.strip().lower() == "clc" for source in item.subfields_by_code("2")):
                clc.extend(v.strip() for v in item.subfields_by_code("a") if v.strip())
        elif tag == "020":
            isbn = isbn or _sub(item, "a")
        elif tag == "035":
            system_numbers.extend(item.subfields_by_code("a"))
        elif tag == "041":
            language = language or _sub(item, "a")
    if not titles and flavour(control, record.fields, record.leader) == "unimarc":
        return None
    titles = vernacular_titles + titles
    places = vernacular_places + published["264"] + published["260"]

    fixed = control.get("008") or ""
    if _LANGUAGE.fullmatch(fixed[35:38]):
        language = fixed[35:38]
    else:
        language = (language or "")[:3].strip().lower() or None
    entered = _month_yymm(fixed[:4])
    latest = _month_yyyymm((control.get("005") or "")[:6])
    created, modified = entered or latest, latest or entered
    agencies = []
    if cataloguing is not None:
        original = (_sub(cataloguing, "a") or "").strip()
        if original:
            agencies.append((original, "original", created))
        for code in cataloguing.subfields_by_code("d"):
            if code.strip():
                agencies.append((code.strip(), "enhanced", modified))

    number, source, system_numbers, digest = _identifiers(record, system_numbers)
    facts = (
        number,
        source,
        system_numbers,
        _pick(titles),
        "\n".join(titles),
        isbn,
        language,
        clc[0] if clc else None,
        "\n".join(clc),
        _pick(places),
        "\n".join(places),
        "\n".join(subjects),
        digest,
    )
    return Description("marc21", facts, agencies, created)


def _title_245(item) -> str:
    """$a (or $k, for a collection) and $b, as the record writes them."""
    title = item.subfields_by_code("a")[:1] or item.subfields_by_code("k")[:1]
    return " ".join(title + item.subfields_by_code("b")[:1])


def _unimarc(record: MarcRecord) -> Description:
    control, fields = record.control, {}
    for item in record.fields:
        fields.setdefault(item.tag, []).append(item)
    titles = []
    for item in fields.get("200", ())[:1]:
        title, other = _sub(item, "a"), _sub(item, "e")
        if title:
            titles.append(f"{title} : {other}" if other else title)
    places = [
        v for tag in ("210", "214") for item in fields.get(tag, ()) for v in item.subfields_by_code("a")[:1]
    ]
    subjects = [
        t for tag, items in fields.items() if "600" <= tag <= "607" for item in items for t in _texts(item)
    ]
    clc = [v.strip() for item in fields.get("690", ()) for v in item.subfields_by_code("a") if v.strip()]

    latest = _month_yyyymm((control.get("005") or "")[:6])
    entered = _month_yyyymm((_first(fields, "100", "a") or "")[:6]) or latest
    original = None
    enhanced = []
    for item in fields.get("801", ()):
        role = {"0": "original", "2": "enhanced"}.get(item.indicator2)
        code = (_sub(item, "b") or "").strip()
        if role is None or not code or (role == "original" and original is not None):
            continue
        stamp = _month_yyyymm((_sub(item, "c") or "").strip()[:6])
        if role == "original":
            original = (code, role, stamp or entered)
        else:
            enhanced.append((code, role, stamp or latest or entered))

    system_numbers = [v for item in fields.get("035", ()) for v in item.subfields_by_code("a")]
    number, source, system_numbers, digest = _identifiers(record, system_numbers)
    facts = (
        number,
        source,
        system_numbers,
        _pick(titles),
        "\n".join(titles),
        _first(fields, "010", "a"),
        (_first(fields, "101", "a") or "").strip().lower()[:3] or None,
        clc[0] if clc else None,
        "\n".join(clc),
        _pick(places),
        "\n".join(places),
        "\n".join(subjects),
        digest,
    )
    agencies = ([original] if original else []) + enhanced
    return Description("unimarc", facts, agencies, original[2] if original else entered)


# ---------------------------------------------------------------- all records, in Arrow


def facts_table(rows: list[tuple], rules: LocalRules) -> pa.Table:
    """Raw facts (one tuple per record, FACTS order) -> the facts stored with each contribution."""
    raw = {name: pa.array(values, type=pa.string()) for name, values in zip(FACTS, zip(*rows), strict=True)}
    number, source = raw["control_number"], raw["control_source"]
    from_001 = _group(number, r"^(?i:ocm|ocn|on)?0*(?P<n>\d+)\s*$")
    from_001 = pc.if_else(pc.equal(pc.utf8_lower(source), "ocolc"), from_001, None)
    from_035 = _group(raw["system_numbers"], r"(?m)^\s*\((?i:OCoLC)\)\s*(?i:ocm|ocn|on)?0*(?P<n>\d+)")
    oclc = pc.coalesce(from_001, from_035)
    control = pc.coalesce(pc.binary_join_element_wise(source, number, "/"), number)
    key = pc.coalesce(_prefixed("oclc:", oclc), _prefixed("ctl:", control), _prefixed("sha1:", raw["digest"]))
    isbn = pc.replace_substring(_group(raw["isbn"], r"(?P<n>[0-9][0-9Xx-]{8,16})"), "-", "")
    isbn = pc.utf8_upper(isbn)
    isbn = pc.if_else(pc.is_in(pc.utf8_length(isbn), pa.array([10, 13])), isbn, None)
    clc_class = raw["clc_class"]
    top = pc.utf8_upper(pc.utf8_slice_codeunits(clc_class, 0, 1))
    rule = rules.match_arrays(raw["clc"], raw["subjects"], raw["places"], raw["titles"])
    return pa.table(
        {
            "record_key": key,
            "control_number": number,
            "oclc_number": oclc,
            "title": _clean(raw["title"]),
            "isbn": isbn,
            "language": raw["language"],
            "clc_class": clc_class,
            "clc_top": pc.if_else(pc.is_in(top, pa.array(list(CLC_TOP_CLASSES))), top, None),
            "place": _clean(raw["place"]),
            "is_local_document": pc.is_valid(rule),
            "local_rule": rule,
        }
    )


def _group(texts: pa.Array, pattern: str) -> pa.Array:
    """The named group of the first match of an RE2 pattern, or null."""
    return pc.struct_field(pc.extract_regex(texts, pattern), [0])


def _prefixed(prefix: str, texts: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(prefix, texts, "")


def _clean(texts: pa.Array) -> pa.Array:
    """Without non-sort markers, doubled spaces, ISBD's trailing punctuation or enclosing brackets."""
    texts = pc.replace_substring_regex(texts, "[\x88\x89\x98\x9c]", "")
    texts = pc.utf8_ltrim_whitespace(pc.replace_substring_regex(texts, r"\s+", " "))
    texts = pc.utf8_rtrim(texts, characters=" /:;=,.")
    texts = pc.replace_substring_regex(texts, r"^\[([^\[\]]*)\]$", r"\1")
    return pc.if_else(pc.equal(texts, ""), None, texts)


# ---------------------------------------------------------------- local documents


@dataclass
class Evidence:
    """The texts of one record the local-document rules look at, in record order."""

    clc: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


class LocalRules:
    """Which records are local documents, from a data file the consortium edits.

    Rules are tried in RULE_ORDER: a CLC class number starting with one of the
    prefixes (the longest prefix that fits), then a keyword in the subjects, in the
    place of publication, in the title. Within one kind, the keyword that comes
    first in the record wins. Keywords in Latin letters match whole words, ignoring
    case; Chinese ones match anywhere. The result names the rule: 'clc:K295.5',
    'subject:浙江', 'place:杭州'.
    """

    def __init__(self, clc_prefixes: list[str], keywords: dict[str, list[str]]):
        prefixes = {p.strip().upper() for p in clc_prefixes if p.strip()}
        self.clc_prefixes = sorted(prefixes, key=lambda p: (-len(p), p))
        self.keywords = {
            kind: list(dict.fromkeys(w.strip() for w in keywords.get(kind, []) if w.strip()))
            for kind in RULE_ORDER[1:]
        }
        self._spelling = {w.lower(): w for words in self.keywords.values() for w in words}

    @classmethod
    def load(cls, path: Path = DEFAULT_RULES, registry: Registry | None = None) -> LocalRules:
        """Read the rules file; the member cities' names come from the registry when given."""
        name = Path(path).name
        try:
            with open(path, "rb") as handle:
                settings = tomllib.load(handle)
        except OSError as exc:
            raise RulesError(f"{path}: cannot read the local-document rules ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise RulesError(f"{name}: not valid TOML ({exc})") from None
        _only(settings, {"clc", "keywords", "member_cities"}, name)
        clc = settings.get("clc", {})
        _only(clc, {"prefixes"}, f"{name} [clc]")
        keywords = settings.get("keywords", {})
        _only(keywords, set(RULE_ORDER[1:]), f"{name} [keywords]")
        cities = settings.get("member_cities", {})
        _only(cities, {"match_in", "exclude"}, f"{name} [member_cities]")
        lists = {
            kind: _strings(keywords.get(kind, []), f"{name} [keywords] {kind}") for kind in RULE_ORDER[1:]
        }
        match_in = _strings(cities.get("match_in", []), f"{name} [member_cities] match_in")
        unknown = sorted(set(match_in) - set(RULE_ORDER[1:]))
        if unknown:
            raise RulesError(
                f"{name} [member_cities] match_in: {', '.join(unknown)} is not subject, place or title"
            )
        if registry is not None:
            excluded = _strings(cities.get("exclude", []), f"{name} [member_cities] exclude")
            folded = {w.casefold() for w in excluded}
            names = [n for n in city_names(registry) if n.casefold() not in folded]
            for kind in match_in:
                lists[kind] = lists[kind] + names
        return cls(_strings(clc.get("prefixes", []), f"{name} [clc] prefixes"), lists)

    def match(self, evidence: Evidence) -> str | None:
        """The first rule one record meets ('clc:K295.5', 'place:杭州'), or None."""
        texts = [
            [("\n".join(part)) or None]
            for part in (evidence.clc, evidence.subjects, evidence.places, evidence.titles)
        ]
        return self.match_arrays(*(pa.array(t, type=pa.string()) for t in texts))[0].as_py()

    def match_arrays(self, clc: pa.Array, subjects: pa.Array, places: pa.Array, titles: pa.Array) -> pa.Array:
        """The rule each record meets, or null: the texts are one line per value."""
        found = []
        if self.clc_prefixes:
            prefixes = "|".join(re.escape(p) for p in self.clc_prefixes)
            found.append(_prefixed("clc:", _group(pc.utf8_upper(clc), rf"(?m)^\s*(?P<k>{prefixes})")))
        for kind, texts in (("subject", subjects), ("place", places), ("title", titles)):
            words = sorted(self.keywords[kind], key=lambda w: (-len(w), w))
            if not words:
                continue
            pattern = "|".join(rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w) for w in words)
            word = _group(texts, f"(?i)(?P<k>{pattern})")
            found.append(_prefixed(f"{kind}:", self._as_written(word)))
        return pc.coalesce(*found) if found else pa.nulls(len(clc), pa.string())

    def _as_written(self, words: pa.Array) -> pa.Array:
        """Matched text ('HANGZHOU') -> the keyword as the rules file spells it ('Hangzhou')."""
        encoded = pc.dictionary_encode(pc.utf8_lower(words))
        spelled = pa.array(
            [self._spelling.get(w, w) for w in encoded.dictionary.to_pylist()], type=pa.string()
        )
        return pc.take(spelled, encoded.indices)


def city_names(registry: Registry) -> list[str]:
    """Each member's city in Chinese (without 市 or 省) and English (without a '(province)' note)."""
    names = []
    for library in registry.libraries.values():
        chinese = library.city_zh.strip()
        if len(chinese) > 2 and chinese[-1] in "市省":
            chinese = chinese[:-1]
        english = re.sub(r"\s*\(.*\)$", "", library.city_en).strip()
        names.extend(n for n in (chinese, english) if n)
    return names


def _only(table: object, allowed: set[str], where: str) -> None:
    if not isinstance(table, dict):
        raise RulesError(f"{where} must be a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise RulesError(
            f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{where} must be a list of strings")
    return value
