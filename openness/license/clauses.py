"""Generic clause detection: the binding terms of a licence text nobody has catalogued.

Works on :func:`openness.license.normalize.plain` text. Each finding quotes the sentence it came
from (at most 200 characters, cut around the match), so a reader can check it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from openness.license.models import LicenseTerm, TermType

CLAUSE_MAX = 200

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"thousand": 10**3, "k": 10**3, "million": 10**6, "m": 10**6, "mm": 10**6, "billion": 10**9, "bn": 10**9, "b": 10**9}
_WORD_NUMBER = r"(?:(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|and)[\s-]*)+"
_DIGITS = r"\d{1,3}(?:[,.\s]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = rf"(?:(?:{_DIGITS})\s*(?:thousand|million|billion|bn|mm|[kmb])?\b|{_WORD_NUMBER})"

_MAU = re.compile(
    rf"(?:more than|greater than|in excess of|exceed(?:s|ing)?|over|above|at least)\s+(?P<n>{_NUMBER})\s*(?:\((?:{_DIGITS})\)\s*)?"
    r"(?:monthly active users|MAUs?\b|active users per month|users per month)",
    re.I,
)
_MAU_AFTER = re.compile(
    rf"monthly active users[^.;]{{0,80}}?(?:more than|greater than|in excess of|exceeds?|over)\s+(?P<n>{_NUMBER})",
    re.I,
)
_CURRENCY_SYMBOL = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY"}
_CURRENCY_WORD = {
    "usd": "USD",
    "us": "USD",
    "dollars": "USD",
    "eur": "EUR",
    "euros": "EUR",
    "euro": "EUR",
    "gbp": "GBP",
    "rmb": "CNY",
    "cny": "CNY",
    "yuan": "CNY",
}
_MONEY = re.compile(
    rf"(?P<pre>USD|US|EUR|GBP|RMB|CNY)?\s*(?P<sym>[$€£¥])?\s*(?P<n>(?:{_DIGITS})\s*(?:thousand|million|billion|bn|mm|[kmb])?\b)\s*(?P<post>USD|EUR|GBP|RMB|CNY|dollars|euros?|yuan)?",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-Z\"'(\d])|\n")


# Larger than any real count of users or amount of money: a figure beyond it is unreadable, not a cap
# (and would overflow a float on the way, as 309+ digits or "one hundred" x 3000 do).
MAX_FIGURE = 10**18


def parse_number(text: str) -> int | None:
    """'700 million', '700,000,000', 'seven hundred million', '1M' -> int; None if unreadable or absurdly large."""
    value = _parse_number(text)
    return value if value is None or value <= MAX_FIGURE else None


def _parse_number(text: str) -> int | None:
    s = text.strip().lower().replace("-", " ")
    m = re.fullmatch(rf"({_DIGITS})\s*(thousand|million|billion|bn|mm|[kmb])?", s)
    if m:
        digits = re.sub(r"[,\s]", "", m.group(1))
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", digits):  # 1.000.000
            digits = digits.replace(".", "")
        if len(digits) > 40:
            return None
        try:
            value = float(digits)
        except ValueError:
            return None
        return round(value * _SCALES.get(m.group(2) or "", 1))
    total, current, seen = 0, 0, False
    for word in s.split():
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
            if current > MAX_FIGURE:
                return None
        elif word in ("thousand", "million", "billion"):
            total += max(current, 1) * _SCALES[word]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for m in _SENTENCE_END.finditer(text):
        yield start, text[start : m.start()]
        start = m.end()
    yield start, text[start:]


def quote(sentence: str, at: int = 0) -> str:
    """The sentence, cut to at most CLAUSE_MAX characters around position ``at``."""
    s = sentence.strip()
    if len(s) <= CLAUSE_MAX:
        return s
    begin = max(0, min(at - 60, len(s) - (CLAUSE_MAX - 6)))
    cut = s[begin : begin + CLAUSE_MAX - 6].strip()
    return ("..." if begin > 0 else "") + cut + ("..." if begin + CLAUSE_MAX - 6 < len(s) else "")


_TERRITORIES = {
    "european union": "EU",
    "european economic area": "EEA",
    "united kingdom": "UK",
    "south korea": "KR",
    "republic of korea": "KR",
    "china": "CN",
    "united states": "US",
    "russia": "RU",
}

_Finder = Callable[[str], "tuple[Any, dict[str, Any]] | None"]


def _mau(sentence: str) -> tuple[Any, dict[str, Any]] | None:
    m = _MAU.search(sentence) or _MAU_AFTER.search(sentence)
    if not m:
        return None
    n = parse_number(m.group("n"))
    return (n, {}) if n else None


def _revenue(sentence: str) -> tuple[Any, dict[str, Any]] | None:
    if not re.search(r"\brevenues?\b|\bturnover\b", sentence, re.I):
        return None
    for m in _MONEY.finditer(sentence):
        sym, pre, post = m.group("sym"), (m.group("pre") or "").lower(), (m.group("post") or "").lower()
        if not (sym or pre or post):
            continue
        n = parse_number(m.group("n"))
        if not n or n < 1000:
            continue
        currency = _CURRENCY_SYMBOL.get(sym or "") or _CURRENCY_WORD.get(pre) or _CURRENCY_WORD.get(post) or "USD"
        return {"amount": n, "currency": currency}, {}
    return None


def _territories(sentence: str) -> tuple[Any, dict[str, Any]] | None:
    if not re.search(r"does not apply in|exclud\w* the territor|outside the territory|not being granted to you if you are", sentence, re.I):
        return None
    codes = [code for name, code in _TERRITORIES.items() if name in sentence.lower()]
    return (list(dict.fromkeys(codes)), {}) if codes else None


def _flag(pattern: str, details: dict[str, Any] | None = None) -> _Finder:
    rx = re.compile(pattern, re.I)

    def find(sentence: str) -> tuple[Any, dict[str, Any]] | None:
        return (True, dict(details or {})) if rx.search(sentence) else None

    return find


def _aup(sentence: str) -> tuple[Any, dict[str, Any]] | None:
    if not re.search(r"acceptable use policy|prohibited use policy|use-based restrictions|use restrictions", sentence, re.I):
        return None
    details: dict[str, Any] = {}
    if re.search(r"incorporated (?:herein |hereby )?by reference", sentence, re.I):
        details["incorporated"] = True
    if re.search(r"enforceable provision|require all of your users|provide notice to subsequent users", sentence, re.I):
        details["pass_down"] = True
    url = re.search(r"https?://\S+", sentence)
    if url:
        details["url"] = url.group(0).rstrip(").,;")
    return True, details


_FINDERS: tuple[tuple[TermType, _Finder], ...] = (
    ("mau_cap", _mau),
    ("revenue_cap", _revenue),
    (
        "non_commercial",
        _flag(
            r"non-?commercial (?:purposes|use)s? only|only for non-?commercial|for non-?commercial (?:purposes|uses?)|"
            r"may not (?:be )?use[d]? (?:\S+ ){0,6}for commercial|commercial use is (?:not permitted|prohibited)|"
            r"not primarily intended for or directed towards commercial advantage"
        ),
    ),
    (
        "research_only",
        _flag(
            r"research (?:or evaluation )?purposes only|solely for (?:non-?commercial )?research|research[- ]only|for research or evaluation purposes"
        ),
    ),
    (
        "no_training_other_models",
        _flag(
            r"(?:not|never)\b[^.;]{0,160}?\b(?:improve|train|create|develop)\b[^.;]{0,40}?\bany other (?:large language |ai |generative |machine learning )?models?|"
            r"(?:not|never)\b[^.;]{0,160}?\bto (?:create or )?improve any foundational (?:generative )?ai models?"
        ),
    ),
    ("acceptable_use_policy", _aup),
    ("territory_exclusions", _territories),
    ("naming", _flag(r"(?:display|include)\s+\"?(?:built with|powered by|built on)\b|at the beginning of any such (?:ai )?model name")),
    (
        "attribution",
        _flag(
            r"attribution notice|\"notice\" text file|retain (?:all|this|the above) (?:copyright )?notices?|must give appropriate credit"
        ),
    ),
    (
        "termination",
        _flag(
            r"(?:may|shall|will) (?:automatically )?terminate (?:this|the) (?:agreement|license)|rights under this (?:agreement|license) will automatically terminate|reserves the right to terminate"
        ),
    ),
    (
        "copyleft_on_derivatives",
        _flag(r"sharealike|under the same license as the original|must be licensed under (?:the terms of )?this license"),
    ),
    ("field_of_use_restrictions", _flag(r"military|hosting use\b|weapons")),
)


def detect_terms(plain_text: str) -> list[LicenseTerm]:
    """Terms found by clause patterns, one per type (the first sentence that shows it)."""
    found: dict[str, LicenseTerm] = {}
    for _start, sentence in _sentences(plain_text):
        if len(sentence) < 12:
            continue
        for term_type, finder in _FINDERS:
            if term_type in found:
                continue
            hit = finder(sentence)
            if hit is None:
                continue
            value, details = hit
            found[term_type] = LicenseTerm(
                type=term_type, value=value, clause=quote(sentence, _match_at(term_type, sentence)), details=details
            )
    return [found[t] for t, _ in _FINDERS if t in found]


_ANCHORS: dict[str, re.Pattern[str]] = {
    "mau_cap": re.compile(r"monthly active users|MAU", re.I),
    "revenue_cap": re.compile(r"revenue|turnover", re.I),
    "no_training_other_models": re.compile(r"any other|foundational", re.I),
    "territory_exclusions": re.compile(r"territor|does not apply|not being granted", re.I),
}


def _match_at(term_type: str, sentence: str) -> int:
    rx = _ANCHORS.get(term_type)
    m = rx.search(sentence) if rx else None
    return m.start() if m else 0
