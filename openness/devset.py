"""Compare the classifier with human labels (the dev set's ``labels.yaml`` format)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openness.audit import Auditor
from openness.yamlio import load_yaml_file

DEV_COMPONENTS = ("weights", "technical_report", "training_code", "training_data", "data_pipeline", "data_mixture")


@dataclass
class DevRow:
    file: str
    expected_level: int
    got_level: int
    expected: dict[str, str]
    got: dict[str, str]

    @property
    def level_ok(self) -> bool:
        return self.expected_level == self.got_level


def _expected(label: dict[str, Any]) -> dict[str, str]:
    comps = dict(label["components"])
    comps["data_mixture"] = "open" if label.get("data_mixture_disclosed") else "closed"
    return comps


def evaluate_devset(auditor: Auditor, labels_path: Path, cards_dir: Path) -> list[DevRow]:
    """Audit each labelled card (by the label's Hub id) and pair the result with its label."""
    rows = []
    for label in load_yaml_file(labels_path):
        release = auditor.fetch(str(cards_dir / label["file"]))
        release.id = label["id"]
        report = auditor.audit_release(release)
        got = {c: report.components[c].status.value for c in DEV_COMPONENTS}
        rows.append(DevRow(label["file"], label["level"], report.level, _expected(label), got))
    return rows
