"""The audit pipeline: target → release (via a source) → openness report with licence and classification."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openness.classify import Classifier, RegistryResolver
from openness.engine.facts import Catalogues
from openness.engine.rules import RuleSet
from openness.errors import InputError, OpennessError
from openness.models import AuditError, OpennessReport, Release
from openness.registry.store import Registry
from openness.sources.base import Source
from openness.sources.local import LocalSource


@dataclass
class AuditSettings:
    """Everything that shapes an audit; the CLI fills it from options and environment variables."""

    rules_dirs: list[Path] = field(default_factory=list)
    endpoint: str | None = None
    token: str | None = field(default=None, repr=False)
    offline: bool = False
    cache_path: Path | None = None
    concurrency: int = 4
    explain: bool = False


class Auditor:
    """Holds the loaded rules, catalogues and sources; audit one target or many."""

    def __init__(self, sources: list[Source], classifier: Classifier, explain: bool = False) -> None:
        self.sources = sources
        self.classifier = classifier
        self.explain = explain

    @classmethod
    def from_settings(cls, settings: AuditSettings | None = None) -> "Auditor":
        settings = settings or AuditSettings()
        rules = RuleSet.load(settings.rules_dirs)
        registry = Registry.load()
        classifier = Classifier(rules, Catalogues.load(), RegistryResolver(registry))
        return cls([LocalSource()], classifier, explain=settings.explain)

    def fetch(self, target: str) -> Release:
        """Read a release from the first source that recognises ``target``."""
        for source in self.sources:
            if source.handles(target):
                return source.fetch(target)
        raise InputError(f"not a local path or a model id: {target}")

    def audit_release(self, release: Release) -> OpennessReport:
        return self.classifier.classify(release, explain=self.explain)

    def audit(self, target: str) -> OpennessReport:
        return self.audit_release(self.fetch(target))

    def audit_many(self, targets: Iterable[str]) -> Iterator[OpennessReport | AuditError]:
        """Audit each target in order; a failure becomes an :class:`AuditError`, never stops the rest."""
        for target in targets:
            try:
                yield self.audit(target)
            except OpennessError as exc:
                yield AuditError(id=target, error=str(exc), kind=type(exc).__name__)
