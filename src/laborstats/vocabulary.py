"""The fixed words of the data model: qualifiers, units, kinds and directions."""

from __future__ import annotations

from typing import NamedTuple

EXACT = "exact"
APPROX = "approx"
AT_LEAST = "at_least"
AT_MOST = "at_most"
QUALIFIERS = (EXACT, APPROX, AT_LEAST, AT_MOST)

REPORTED = "reported"
DERIVED = "derived"
BASES = (REPORTED, DERIVED)
# The region of a total over regions: laborstats writes it, and refuses it in data.
ALL_REGIONS = "all"
# The basis of a total over regions of reported figures: laborstats writes it, never reads it.
TOTAL = "total"

KINDS = ("count", "amount", "rate", "ratio", "share", "rank", "duration")
DIRECTIONS = ("higher", "lower", "neutral")


class Unit(NamedTuple):
    """A base unit: how values are stored, and its names for people."""

    en: str
    zh: str


# Values are stored in these base units; percent values are percent points.
UNITS: dict[str, Unit] = {
    "person": Unit("persons", "人"),
    "yuan": Unit("yuan", "元"),
    "tonne": Unit("tonnes", "吨"),
    "percent": Unit("%", "%"),
    "month": Unit("months", "个月"),
    "year": Unit("years", "年"),
    "item": Unit("items", "项"),
    "project": Unit("projects", "个"),
    "case": Unit("cases", "起"),
    "pair": Unit("pairs", "对"),
    "paper": Unit("papers", "篇"),
    "agreement": Unit("agreements", "份"),
    "award": Unit("awards", "个"),
    "medal": Unit("medals", "枚"),
    "trade": Unit("trades", "个"),
    "team": Unit("teams", "个"),
    "studio": Unit("studios", "个"),
    "institution": Unit("institutions", "个"),
    "enterprise": Unit("enterprises", "家"),
    "place": Unit("place", "名"),
}

# Names of the bundled programmes for people; other programmes show their key.
PROGRAMMES: dict[str, tuple[str, str]] = {
    "skills": ("Skills", "技能提升"),
    "innovation": ("Innovation", "创新创造"),
    "rights": ("Rights", "权益保障"),
    "services": ("Services", "职工服务"),
    "aid": ("Aid", "困难帮扶"),
    "representation": ("Representation", "政治参与"),
    "safety": ("Safety", "安全生产"),
}
