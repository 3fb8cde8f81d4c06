"""Precision and recall of clause detection per term type, over a labelled set of clauses.

The set (``tests/clauses/cases.yaml``) lists texts with the term types they state; implied terms
(``details.implied_by``) are not scored, as no clause states them. A found term whose value
differs from the labelled one counts as both a miss and a false find.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openness.license.clauses import detect_terms
from openness.yamlio import load_yaml_file

TABLE_BEGIN = "<!-- clause-table:begin (generated from tests/clauses by `python bench/clause_table.py --update FILE`; do not edit) -->"
TABLE_END = "<!-- clause-table:end -->"


@dataclass
class TermScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    cases: int = 0  # texts labelled with this term
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_cases(path: Path) -> list[dict[str, Any]]:
    doc = load_yaml_file(path)
    cases = doc.get("cases") if isinstance(doc, dict) else None
    if not isinstance(cases, list):
        raise ValueError(f"{path}: expected a mapping with a 'cases' list")
    return cases


def score_cases(cases: list[dict[str, Any]]) -> dict[str, TermScore]:
    """Per term type: true and false finds and misses over ``cases``."""
    scores: dict[str, TermScore] = {}
    for case in cases:
        want: dict[str, Any] = case.get("terms") or {}
        got = {t.type: t for t in detect_terms(case["text"]) if "implied_by" not in t.details}
        for t in want:
            scores.setdefault(t, TermScore()).cases += 1
        for t in set(want) | set(got):
            s = scores.setdefault(t, TermScore())
            if t in want and t in got:
                if want[t] is True or want[t] == got[t].value:
                    s.tp += 1
                else:
                    s.fn += 1
                    s.fp += 1
                    s.misses.append(f"value {got[t].value!r} != {want[t]!r}: {case['text'][:80]}")
            elif t in got:
                s.fp += 1
                s.misses.append(f"false find: {case['text'][:80]}")
            else:
                s.fn += 1
                s.misses.append(f"missed: {case['text'][:80]}")
    return dict(sorted(scores.items()))


def score_table(cases: list[dict[str, Any]], scores: dict[str, TermScore]) -> str:
    """The README table: cases, precision and recall per term type."""
    negatives = sum(1 for c in cases if not c.get("terms"))
    registers = sorted({str(c.get("register")) for c in cases})
    lines = [
        f"{len(cases)} texts ({negatives} that state no term), registers: {', '.join(registers)}.",
        "",
        "| term type | texts | precision | recall |",
        "| --- | --- | --- | --- |",
    ]
    for t, s in scores.items():
        lines.append(f"| `{t}` | {s.cases} | {s.precision:.0%} ({s.tp}/{s.tp + s.fp}) | {s.recall:.0%} ({s.tp}/{s.tp + s.fn}) |")
    return "\n".join(lines) + "\n"


def replace_block(document: str, table: str) -> str:
    """``document`` with the text between the clause-table markers replaced by ``table``."""
    start = document.index(TABLE_BEGIN) + len(TABLE_BEGIN)
    end = document.index(TABLE_END)
    return document[:start] + "\n" + table + document[end:]
