"""Compare the audit's verdicts (components, level) with human labels (the dev set's ``labels.yaml`` format).

A label may carry a ``second_opinion``: the fields where a second, independent labeller decided
otherwise. Such a field is *disputed*: the tool agrees when it matches either labeller, and the
headline figures count only the undisputed fields (both labellers agree), as the validation set's
README asks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openness.audit import Auditor
from openness.license.database import LicenseDatabase
from openness.models import OpennessReport
from openness.yamlio import load_yaml_file

DEV_COMPONENTS = ("weights", "technical_report", "training_code", "training_data", "data_pipeline", "data_mixture")


@dataclass
class DevRow:
    file: str
    expected_level: int
    got_level: int
    expected: dict[str, str]
    got: dict[str, str]
    second_level: int | None = None
    second: dict[str, str] = field(default_factory=dict)
    expected_license: str | None = None
    got_license: str | None = None
    license_ok: bool = True
    causes: dict[str, str] = field(default_factory=dict)  # component -> the rule or reason that decided it

    @property
    def level_ok(self) -> bool:
        return self.got_level in (self.expected_level, self.second_level)

    @property
    def level_disputed(self) -> bool:
        return self.second_level is not None and self.second_level != self.expected_level

    def ok(self, component: str) -> bool:
        return self.got[component] in (self.expected[component], self.second.get(component))

    def disputed(self, component: str) -> bool:
        return component in self.second and self.second[component] != self.expected[component]


def _components(label: dict[str, Any]) -> dict[str, str]:
    comps = {k: str(v) for k, v in (label.get("components") or {}).items()}
    if "data_mixture_disclosed" in label:
        comps["data_mixture"] = "open" if label["data_mixture_disclosed"] else "closed"
    return comps


def _cause(report: OpennessReport, component: str) -> str:
    """What decided a component: the winning rule, or how the chain changed it."""
    verdict = report.components[component]
    if verdict.base_status is not None and verdict.own_status is not None and verdict.status != verdict.own_status:
        return f"base chain ({verdict.base_status.value})"
    rule = verdict.evidence[0].rule if verdict.evidence else ""
    return rule or verdict.reason[:60] or "no rule fired"


def _same_license(expected: str | None, got: str | None, licenses: LicenseDatabase) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    a, b = licenses.get(expected), licenses.get(got)
    if a is not None and b is not None:
        return a.id == b.id
    return expected.lower() == got.lower()


def evaluate_devset(auditor: Auditor, labels_path: Path, cards_dir: Path) -> list[DevRow]:
    """Audit each labelled card (by the label's Hub id) and pair the result with its label."""
    licenses = LicenseDatabase.load()
    rows = []
    for label in load_yaml_file(labels_path):
        release = auditor.fetch(str(cards_dir / label["file"]))
        release.id = label["id"]
        report = auditor.audit_release(release)
        got = {c: report.components[c].status.value for c in DEV_COMPONENTS}
        second = label.get("second_opinion") or {}
        # The release's own licence, as the labels give it; one carried over from a base is not the release's.
        own = report.license is not None and report.license.source != "base_model"
        got_license = report.license.id if own and report.license is not None else None
        rows.append(
            DevRow(
                file=label["file"],
                expected_level=label["level"],
                got_level=report.level,
                expected=_components(label),
                got=got,
                second_level=second.get("level"),
                second=_components(second),
                expected_license=label.get("license"),
                got_license=got_license,
                license_ok=_same_license(label.get("license"), got_license, licenses),
                causes={c: _cause(report, c) for c in DEV_COMPONENTS},
            )
        )
    return rows


@dataclass
class Scores:
    """Agreement figures for one labelled set."""

    cards: int
    level_any: int  # level matches either labeller, over all cards
    level_undisputed: tuple[int, int]  # (agree, cards whose two labels agree on the level)
    components_undisputed: tuple[int, int]
    per_component: dict[str, tuple[int, int]]  # undisputed fields only
    license: tuple[int, int]
    misses: Counter[tuple[str, str, str, str]]  # (component, expected, got, cause) over undisputed fields


def score(rows: list[DevRow]) -> Scores:
    per: dict[str, list[int]] = {c: [0, 0] for c in DEV_COMPONENTS}
    misses: Counter[tuple[str, str, str, str]] = Counter()
    for r in rows:
        for c in DEV_COMPONENTS:
            if r.disputed(c):
                continue
            per[c][1] += 1
            if r.ok(c):
                per[c][0] += 1
            else:
                misses[(c, r.expected[c], r.got[c], r.causes[c])] += 1
    undisputed = [r for r in rows if not r.level_disputed]
    return Scores(
        cards=len(rows),
        level_any=sum(r.level_ok for r in rows),
        level_undisputed=(sum(r.level_ok for r in undisputed), len(undisputed)),
        components_undisputed=(sum(a for a, _ in per.values()), sum(n for _, n in per.values())),
        per_component={c: (a, n) for c, (a, n) in per.items()},
        license=(sum(r.license_ok for r in rows), len(rows)),
        misses=misses,
    )
