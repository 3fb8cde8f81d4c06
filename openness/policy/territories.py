"""Territory names as a policy states them and as licences exclude them ('EU', 'UK', 'South Korea', 'DE')."""

from __future__ import annotations

EU_MEMBERS = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE HU".split())
_ALIASES = {
    "european union": "EU",
    "eu": "EU",
    "united kingdom": "UK",
    "great britain": "UK",
    "gb": "UK",
    "uk": "UK",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "united states": "US",
    "usa": "US",
    "china": "CN",
    "mainland china": "CN",
}


def normalise(name: str) -> str:
    """A canonical code: 'European Union' -> 'EU', 'United Kingdom' -> 'UK', 'de' -> 'DE'."""
    key = name.strip().lower()
    return _ALIASES.get(key, key.upper())


def overlaps(served: list[str], excluded: list[str]) -> list[str]:
    """The served territories an exclusion covers; an EU exclusion covers each EU member state."""
    excluded_codes = {normalise(e) for e in excluded}
    hits = []
    for s in served:
        code = normalise(s)
        if code in excluded_codes or (code in EU_MEMBERS and "EU" in excluded_codes):
            hits.append(s)
    return hits
