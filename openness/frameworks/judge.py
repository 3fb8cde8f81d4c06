"""The loaded frameworks and the catalogues they read: judge an audit or a curated entry."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openness.code_repos import CodeCatalogue
from openness.datasets import DatasetCatalogue
from openness.frameworks.evaluate import Context, evaluate
from openness.frameworks.evidence import EvidenceRecord, record_from_curated, record_from_report
from openness.frameworks.load import load_frameworks, select_frameworks
from openness.frameworks.models import FrameworkSpec
from openness.frameworks.verdicts import FrameworkVerdict
from openness.license.database import LicenseDatabase
from openness.models import OpennessReport, Release
from openness.registry.models import CuratedRelease


class Frameworks:
    """The loaded frameworks and the catalogues they read; thread-safe once built."""

    def __init__(self, specs: list[FrameworkSpec], code: CodeCatalogue, licences: LicenseDatabase, datasets: DatasetCatalogue) -> None:
        self.specs = specs
        self.code = code
        self.licences = licences
        self.datasets = datasets

    @classmethod
    def load(cls, names: Iterable[str] = ("all",), directory: Path | None = None) -> Frameworks:
        specs = select_frameworks(load_frameworks(directory), names)
        return cls(specs, CodeCatalogue.load(), LicenseDatabase.load(), DatasetCatalogue.load())

    def judge_record(self, rec: EvidenceRecord) -> dict[str, FrameworkVerdict]:
        return {s.framework.id: evaluate(s, rec, Context(s, self.code, self.licences)) for s in self.specs}

    def judge(self, report: OpennessReport, release: Release | None = None) -> dict[str, FrameworkVerdict]:
        """Verdicts from a finished audit (its licence report included); ``release`` adds datasets and card fields."""
        return self.judge_record(record_from_report(report, release, self.datasets))

    def judge_curated(self, entry: CuratedRelease) -> dict[str, FrameworkVerdict]:
        """Verdicts from a curated registry entry alone (no audit)."""
        return self.judge_record(record_from_curated(entry, self.licences, self.datasets))
