"""Clause detection: the binding terms of a licence text nobody has catalogued, read by meaning.

The text is split into clauses (Markdown list items and paragraphs, then sentences). Each term
type is recognised by concepts that must occur together in one clause, not far apart, and vetoed
by others (``rules/clauses/``: lexicons of prohibition, permission and condition verbs and of the
objects: commercial use, research, users, revenue, territories, derivatives, notices, other models).
Values are normalised (user caps as integers, revenue as amount and currency, territories as
codes, cure periods in days), every term quotes its clause, and a term another one implies
(research-only implies non-commercial) is reported with ``details.implied_by``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any, get_args

from openness.errors import RuleError
from openness.license.models import LicenseTerm, TermType
from openness.license.normalize import plain
from openness.resources import data_dir
from openness.yamlio import load_yaml_file

CLAUSE_MAX = 200
MAX_CLAUSE_CHARS = 1200  # a longer "sentence" (a run-on list) is cut at its semicolons
MAX_STARTS = 8  # match positions kept per concept and clause

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"thousand": 10**3, "k": 10**3, "million": 10**6, "m": 10**6, "mm": 10**6, "billion": 10**9, "bn": 10**9, "b": 10**9}
_WORD_NUMBER = (
    r"(?:(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion)(?:[\s-]+(?:and[\s-]+)?|\b))+"
)
_DIGITS = r"\d{1,3}(?:[,.\s]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = rf"(?:(?:{_DIGITS})\s*(?:thousand|million|billion|bn|mm|[kmb])?\b|{_WORD_NUMBER})"
_CURRENCY_SYMBOL = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY"}
_CURRENCY_WORD = {
    "usd": "USD",
    "us": "USD",
    "us$": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "eur": "EUR",
    "euros": "EUR",
    "euro": "EUR",
    "gbp": "GBP",
    "pounds": "GBP",
    "rmb": "CNY",
    "cny": "CNY",
    "yuan": "CNY",
    "jpy": "JPY",
    "yen": "JPY",
}
_MONEY = (
    r"(?:(?P<pre>USD|US\$|US|EUR|GBP|RMB|CNY|JPY)\s*)?(?P<sym>[$€£¥])?\s*(?P<amount>(?:"
    + _DIGITS
    + r")\s*(?:thousand|million|billion|bn|mm|[kmb])?\b|"
    + _WORD_NUMBER
    + r")\s*(?:\(\s*[$€£¥]?\s*[\d,. ]+\s*\)\s*)?(?P<post>USD|EUR|GBP|RMB|CNY|JPY|(?:US\s+)?dollars?|euros?|pounds|yuan|yen)?"
)
_MONEY_RX = re.compile(_MONEY, re.I)


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


def quote(sentence: str, at: int = 0) -> str:
    """The sentence, cut to at most CLAUSE_MAX characters around position ``at``."""
    s = sentence.strip()
    if len(s) <= CLAUSE_MAX:
        return s
    begin = max(0, min(at - 60, len(s) - (CLAUSE_MAX - 6)))
    if begin > 0 and s[begin - 1] != " ":  # start at a word, not inside one
        space = s.find(" ", begin, at if at > begin else begin + 20)
        begin = space + 1 if space != -1 else begin
    cut = s[begin : begin + CLAUSE_MAX - 6].strip()
    return ("..." if begin > 0 else "") + cut + ("..." if begin + CLAUSE_MAX - 6 < len(s) else "")


# --- clauses

_BLOCK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-*+\u2022]|\d{1,2}[.)]|\(?[a-zA-Z0-9]{1,3}\))[ \t]+)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(\[\d])")
_SEMICOLON = re.compile(r";\s+")


def clauses(text: str) -> Iterator[str]:
    """The clauses of a licence text: list items and paragraphs, then sentences (plain text)."""
    for block in _BLOCK.split(text):
        flat = plain(block)
        if not flat:
            continue
        for sentence in _SENTENCE.split(flat):
            if len(sentence) > MAX_CLAUSE_CHARS:
                yield from _SEMICOLON.split(sentence)
            elif sentence.strip():
                yield sentence


# --- rules as data


@dataclass(frozen=True)
class _Alternative:
    concepts: tuple[str, ...]
    near: int | None


@dataclass(frozen=True)
class TermRule:
    """How one term type is recognised (see rules/clauses/terms.yaml)."""

    type: TermType
    value: str | None
    when: tuple[_Alternative, ...]
    unless: tuple[str, ...]
    implies: tuple[TermType, ...]


@dataclass(frozen=True)
class ClauseRules:
    concepts: dict[str, tuple[re.Pattern[str], ...]]
    terms: tuple[TermRule, ...]
    territories: dict[str, str]  # lower-cased name -> code
    skip: tuple[str, ...] = ()  # concepts that make a clause state no term


_TERM_TYPES: frozenset[str] = frozenset(get_args(TermType))


def _expand(pattern: str) -> str:
    return pattern.replace("{NUMBER}", _NUMBER).replace("{MONEY}", _MONEY)


def _territory_pattern(names: dict[str, str]) -> str:
    parts = []
    for name in sorted(names, key=len, reverse=True):
        words = r"\s+".join(re.escape(w) for w in name.split())
        acronym = name.replace(".", "").isupper() and len(name.replace(".", "")) <= 4
        parts.append(f"(?-i:{words})" if acronym else words)
    return r"(?P<place>(?<![\w.])(?:" + "|".join(parts) + r")(?![\w]))"


def load_clause_rules(directory: Path | None = None) -> ClauseRules:
    """The clause rules in ``directory`` (default: the bundled ``rules/clauses``); errors name file and key."""
    if directory is None:
        return _bundled_rules()
    return _load(directory)


@lru_cache(maxsize=1)
def _bundled_rules() -> ClauseRules:
    return _load(data_dir("rules") / "clauses")


def _load(directory: Path) -> ClauseRules:
    raw_concepts: dict[str, list[str]] = {}
    raw_terms: dict[str, tuple[Path, dict[str, Any]]] = {}
    territories: dict[str, str] = {}
    skip: list[str] = []
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise RuleError(f"{directory}: no clause rule files")
    for path in files:
        doc = load_yaml_file(path) or {}
        if not isinstance(doc, dict):
            raise RuleError(f"{path}: a clause rule file must be a mapping")
        for name, patterns in (doc.get("concepts") or {}).items():
            if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
                raise RuleError(f"{path}: concepts.{name}: must be a list of regular expressions")
            raw_concepts.setdefault(str(name), []).extend(patterns)
        for name, code in (doc.get("territories") or {}).items():
            territories[str(name)] = str(code)
        skip += [str(c) for c in doc.get("skip") or ()]
        for name, spec in (doc.get("terms") or {}).items():
            if str(name) in raw_terms:
                raise RuleError(f"{path}: terms.{name}: defined twice")
            raw_terms[str(name)] = (path, spec)
    concepts: dict[str, tuple[re.Pattern[str], ...]] = {}
    for name, patterns in raw_concepts.items():
        try:
            concepts[name] = tuple(re.compile(_expand(p), re.I) for p in patterns)
        except re.error as exc:
            raise RuleError(f"{directory}: concepts.{name}: invalid pattern: {exc}") from None
    if territories:
        concepts["territory"] = (re.compile(_territory_pattern(territories), re.I),)
    terms = []
    for name, (path, spec) in raw_terms.items():
        where = f"{path}: terms.{name}"
        if name not in _TERM_TYPES:
            raise RuleError(f"{where}: not a term type ({', '.join(sorted(_TERM_TYPES))})")
        if not isinstance(spec, dict) or not spec.get("when"):
            raise RuleError(f"{where}: needs a non-empty 'when' list")
        alts = []
        for i, alt in enumerate(spec["when"]):
            names = tuple(alt.get("all") or ()) if isinstance(alt, dict) else ()
            if not names:
                raise RuleError(f"{where}.when.{i}: needs 'all: [concepts]'")
            alts.append(_Alternative(names, alt.get("near")))
        unless = tuple(spec.get("unless") or ())
        for c in {c for a in alts for c in a.concepts} | set(unless):
            if c not in concepts:
                raise RuleError(f"{where}: unknown concept {c!r}")
        implies = tuple(spec.get("implies") or ())
        for t in implies:
            if t not in _TERM_TYPES:
                raise RuleError(f"{where}.implies: {t!r} is not a term type")
        value = spec.get("value")
        if value is not None and value not in _VALUES:
            raise RuleError(f"{where}.value: {value!r} is not one of {', '.join(sorted(_VALUES))}")
        terms.append(TermRule(name, value, tuple(alts), unless, implies))  # type: ignore[arg-type]
    for c in skip:
        if c not in concepts:
            raise RuleError(f"{directory}: skip: unknown concept {c!r}")
    return ClauseRules(concepts, tuple(terms), {k.lower(): v for k, v in territories.items()}, tuple(skip))


# --- matching


class _Clause:
    """One clause and the concept matches found in it so far (each concept searched once)."""

    def __init__(self, text: str, rules: ClauseRules) -> None:
        self.text = text
        self.rules = rules
        self._found: dict[str, list[re.Match[str]]] = {}

    def matches(self, concept: str) -> list[re.Match[str]]:
        got = self._found.get(concept)
        if got is None:
            got = []
            for rx in self.rules.concepts[concept]:
                for m in rx.finditer(self.text):
                    got.append(m)
                    if len(got) >= MAX_STARTS * 4:
                        break
            got.sort(key=lambda m: m.start())
            self._found[concept] = got
        return got

    def fits(self, alt: _Alternative) -> list[re.Match[str]] | None:
        """The matches (one per concept) that satisfy the alternative, closest together; None if none do."""
        found = []
        for c in alt.concepts:
            ms = self.matches(c)
            if not ms:
                return None
            found.append(ms[:MAX_STARTS])
        if alt.near is None:
            return [ms[0] for ms in found]
        best: tuple[int, list[re.Match[str]]] | None = None
        for combo in product(*found):
            starts = [m.start() for m in combo]
            span = max(starts) - min(starts)
            if span <= alt.near and (best is None or span < best[0]):
                best = (span, list(combo))
        return best[1] if best else None


def _group(ms: list[re.Match[str]], name: str) -> str | None:
    for m in ms:
        g = m.groupdict().get(name)
        if g:
            return g
    return None


def _count(c: _Clause, ms: list[re.Match[str]]) -> tuple[Any, dict[str, Any]] | None:
    for m in c.matches("user_count"):
        n = parse_number(m.group("n") or "")
        if n and n >= 100:
            text = m.group(0).lower()
            details: dict[str, Any] = {}
            if "daily" in text or "dau" in text:
                details["measure"] = "daily active users"
            elif "visit" in text:
                details["measure"] = "monthly visits"
            return n, details
    return None


def _money(c: _Clause, ms: list[re.Match[str]]) -> tuple[Any, dict[str, Any]] | None:
    for m in c.matches("money"):
        sym, pre, post = m.group("sym"), (m.group("pre") or "").lower(), (m.group("post") or "").lower()
        if not (sym or pre or post):
            continue
        n = parse_number(m.group("amount") or "")
        if not n or n < 1000:
            continue
        post_word = post.split()[-1] if post else ""
        currency = _CURRENCY_SYMBOL.get(sym or "") or _CURRENCY_WORD.get(pre) or _CURRENCY_WORD.get(post_word) or "USD"
        details: dict[str, Any] = {}
        if re.search(
            r"\bannual|\bper\s+(?:year|annum)|\byearly|\bfiscal\s+year|\b12\s+months|\btwelve\s+months|\bcalendar\s+year", c.text, re.I
        ):
            details["period"] = "annual"
        return {"amount": n, "currency": currency}, details
    return None


def _territories(c: _Clause, ms: list[re.Match[str]]) -> tuple[Any, dict[str, Any]] | None:
    codes = []
    for m in c.matches("territory"):
        code = c.rules.territories.get(" ".join(m.group("place").split()).lower())
        if code and code not in codes:
            codes.append(code)
    return (codes, {}) if codes else None


def _fields(c: _Clause, ms: list[re.Match[str]]) -> tuple[Any, dict[str, Any]] | None:
    fields = []
    for m in c.matches("field"):
        for name, g in m.groupdict().items():
            label = name.replace("_", " ")
            if g and label not in fields:
                fields.append(label)
    return (fields, {}) if fields else None


def _brand(c: _Clause, ms: list[re.Match[str]]) -> tuple[Any, dict[str, Any]] | None:
    for name in ("brand", "brand2", "brand3"):
        for m in c.matches("brand_phrase"):
            g = m.groupdict().get(name)
            if g:
                return g.strip().rstrip(".,;"), {"kind": "display"}
    quoted = _group(c.matches("quoted"), "quoted")
    if quoted:
        return quoted.strip(), {"kind": "model_name_prefix"}
    return True, {"kind": "model_name_prefix"}


def _policy(c: _Clause, ms: list[re.Match[str]]) -> tuple[Any, dict[str, Any]] | None:
    details: dict[str, Any] = {}
    if re.search(r"\bincorporated\b", c.text, re.I):
        details["incorporated"] = True
    if c.matches("pass_down"):
        details["pass_down"] = True
    url = _group(c.matches("url"), "url")
    if url:
        details["url"] = url.rstrip(").,;")
    return True, details


_DURATION_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


def _termination(c: _Clause, ms: list[re.Match[str]]) -> tuple[Any, dict[str, Any]] | None:
    automatic = bool(c.matches("automatic"))
    details: dict[str, Any] = {}
    for m in c.matches("duration"):
        text = m.group("duration").lower()
        unit = re.search(r"(day|week|month|year)s?\s*$", text)
        n = parse_number(re.sub(r"\(.*?\)|calendar|business|working|(?:day|week|month|year)s?\s*$", " ", text).strip())
        if unit and n:
            details["period_days"] = n * _DURATION_DAYS[unit.group(1)]
            if re.search(r"\bcure[sd]?\b|\bremed\w*|\bcorrect\w*|\bfix\w*|\brectif\w*", c.text, re.I):
                details["cure_period"] = True
            break
    return ("automatic on breach" if automatic else "on breach"), details


_VALUES: dict[str, Callable[[_Clause, list[re.Match[str]]], tuple[Any, dict[str, Any]] | None]] = {
    "count": _count,
    "money": _money,
    "territories": _territories,
    "fields": _fields,
    "brand": _brand,
    "policy": _policy,
    "termination": _termination,
}


def clause_terms(clause: str, rules: ClauseRules | None = None, *, definitions: bool = False) -> list[LicenseTerm]:
    """The terms one clause states (implied ones not included); a definition states none unless ``definitions``."""
    rules = rules or load_clause_rules()
    c = _Clause(clause, rules)
    if not definitions and any(c.matches(s) for s in rules.skip):
        return []
    out = []
    for rule in rules.terms:
        hit = next((ms for alt in rule.when if (ms := c.fits(alt)) is not None), None)
        if hit is None or any(c.matches(u) for u in rule.unless):
            continue
        value: Any = True
        details: dict[str, Any] = {}
        if rule.value is not None:
            got = _VALUES[rule.value](c, hit)
            if got is None:
                continue
            value, details = got
        at = min(m.start() for m in hit)
        out.append(LicenseTerm(type=rule.type, value=value, clause=quote(clause, at), details=details))
    return out


def _defined_name(clause: str, rules: ClauseRules) -> str | None:
    """The word a definition clause defines, lower-cased; None for any other clause."""
    if "defined_name" not in rules.concepts or not _Clause(clause, rules).matches("definition"):
        return None
    m = next((rx.search(clause) for rx in rules.concepts["defined_name"] if rx.search(clause)), None)
    return m.group("defined").lower() if m else None


def detect_terms(text: str, rules: ClauseRules | None = None) -> list[LicenseTerm]:
    """Terms found clause by clause, one per type (the first clause that states it), then the implied ones."""
    rules = rules or load_clause_rules()
    found: dict[str, LicenseTerm] = {}
    defined: list[tuple[str, list[LicenseTerm]]] = []
    kept: list[str] = []
    for clause in clauses(text):
        if len(clause) < 12:
            continue
        kept.append(clause)
        for term in clause_terms(clause, rules):
            found.setdefault(term.type, term)
        name = _defined_name(clause, rules)
        if name:
            defined.append((name, clause_terms(clause, rules, definitions=True)))
    # A definition binds where the grant limits use to the defined word ("for Non-Commercial purposes only").
    for name, terms in defined:
        if terms and any(name in k.lower() and _Clause(k, rules).matches("only") for k in kept if _defined_name(k, rules) is None):
            for term in terms:
                if term.type not in found:
                    found[term.type] = term.model_copy(update={"details": {**term.details, "via_definition": name}})
    for rule in rules.terms:
        if rule.type not in found:
            continue
        for implied in rule.implies:
            if implied not in found:
                source = found[rule.type]
                found[implied] = LicenseTerm(type=implied, value=True, clause=source.clause, details={"implied_by": rule.type})
    order = [r.type for r in rules.terms]
    return sorted(found.values(), key=lambda t: order.index(t.type) if t.type in order else len(order))
