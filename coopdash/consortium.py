"""The consortium's own facts that are not about one library: its name, milestones and map.

Read from data/consortium.toml, so another consortium changes a file, not code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from coopdash.errors import RegistryError
from coopdash.registry import ROOT

DEFAULT_CONSORTIUM = ROOT / "data" / "consortium.toml"


@dataclass(frozen=True)
class Milestone:
    date: date
    label_en: str
    label_zh: str
    began: bool = False  # the cooperation began here: "since the signing" counts from it


@dataclass(frozen=True)
class Consortium:
    name_en: str
    name_zh: str
    milestones: tuple[Milestone, ...]
    # None when the consortium has no map: the pages then leave it out.
    map_file: Path | None = None
    map_attribution_en: str = ""
    map_attribution_zh: str = ""

    @property
    def began(self) -> Milestone | None:
        """The milestone the cooperation began with, if the settings name one."""
        return next((m for m in self.milestones if m.began), None)


def load_consortium(path: Path = DEFAULT_CONSORTIUM) -> Consortium:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        milestones = tuple(
            Milestone(m["date"], m.get("label_en", ""), m.get("label_zh", ""), bool(m.get("began", False)))
            for m in data.get("milestones", [])
        )
        city_map = data.get("map", {})
        map_file = path.parent / city_map["file"] if "map" in data else None
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise RegistryError(f"{path.name}: cannot read the consortium settings ({exc})") from None
    bad = [m for m in milestones if not isinstance(m.date, date)]
    if bad:
        raise RegistryError(f"{path.name}: milestone date '{bad[0].date}' is not a date (YYYY-MM-DD)")
    return Consortium(
        data.get("name_en", ""),
        data.get("name_zh", ""),
        milestones,
        map_file=map_file,
        map_attribution_en=city_map.get("attribution_en", ""),
        map_attribution_zh=city_map.get("attribution_zh", ""),
    )
