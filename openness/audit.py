"""The audit pipeline: target → release (via a source) → openness report with licence and classification."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from openness.classify import Classifier, RegistryResolver, first_of
from openness.deadline import DEFAULT_DEADLINE, deadline
from openness.engine.facts import Catalogues
from openness.engine.rules import RuleSet
from openness.errors import InputError, NotCachedError, OpennessError
from openness.frameworks.judge import Frameworks
from openness.license.database import LicenseDatabase
from openness.models import AuditError, OpennessReport, Release
from openness.redact import redact
from openness.registry.store import Registry
from openness.sources.base import Source
from openness.sources.hub import HubBaseResolver, HubSource
from openness.sources.ids import invalid_reason
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
    follow_links: bool = False
    explain: bool = False
    frameworks: list[str] = field(default_factory=list)  # framework ids (or 'all') each report is also judged by
    release_id: str | None = None  # --id: the model id of a local target whose layout does not say it
    notify: Callable[[str], None] | None = field(default=None, repr=False)  # notes for a person (stderr in the CLI)
    deadline: float | None = DEFAULT_DEADLINE  # seconds of network waits per target, all requests and retries together


class Auditor:
    """Holds the loaded rules, catalogues and sources; audit one target or many."""

    def __init__(
        self,
        sources: list[Source],
        classifier: Classifier,
        concurrency: int = 1,
        explain: bool = False,
        frameworks: Frameworks | None = None,
        offline_registry: Registry | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
    ) -> None:
        self.sources = sources
        self.offline_registry = offline_registry  # offline: Hub ids the cache lacks are answered from here
        self.classifier = classifier
        self.concurrency = max(1, concurrency)
        self.explain = explain
        self.frameworks = frameworks
        self.deadline = deadline

    @classmethod
    def from_settings(cls, settings: AuditSettings | None = None) -> Auditor:
        settings = settings or AuditSettings()
        rules = RuleSet.load(settings.rules_dirs)
        registry = Registry.load()
        hub = HubSource.from_settings(settings)
        hub_bases = HubBaseResolver(hub)
        classifier = Classifier(rules, Catalogues.load(), first_of(hub_bases, RegistryResolver(registry)), LicenseDatabase.load())
        hub_bases.classifier = classifier
        frameworks = Frameworks.load(settings.frameworks) if settings.frameworks else None
        local = LocalSource(registry, settings.release_id, settings.notify)
        offline_registry = registry if settings.offline else None
        return cls(
            [local, hub],
            classifier,
            settings.concurrency,
            settings.explain,
            frameworks=frameworks,
            deadline=settings.deadline,
            offline_registry=offline_registry,
        )

    def fetch(self, target: str) -> Release:
        """Read a release from the first source that recognises ``target``."""
        for source in self.sources:
            if source.handles(target):
                return source.fetch(target)
        reason = invalid_reason(target)
        raise InputError(f"not a local path or a model id: {target}" + (f" ({reason})" if reason else ""))

    def audit_release(self, release: Release) -> OpennessReport:
        report = self.classifier.classify(release, explain=self.explain)
        if self.frameworks is not None:  # a separate step over the finished report
            report.frameworks = self.frameworks.judge(report, release)
        return report

    def audit(self, target: str) -> OpennessReport:
        try:
            return self.audit_release(self.fetch(target))
        except NotCachedError:
            if self.offline_registry is None:
                raise
            from openness.registry.verdict import curated_report

            report = curated_report(self.offline_registry, target, self.classifier.licenses or LicenseDatabase.load())
            if report is None:
                raise
            return report

    def audit_one(self, target: str) -> OpennessReport | AuditError:
        """Audit one target; any failure (bad input that slipped past a check, too deep, too large)
        becomes that target's :class:`AuditError`, so a batch never loses the others' results."""
        try:
            with deadline(self.deadline):
                return self.audit(target)
        except OpennessError as exc:
            return AuditError(id=target, error=str(exc), kind=type(exc).__name__)
        except RecursionError:
            return AuditError(id=target, error="the input nests too deeply to be read", kind="InputError")
        except MemoryError:
            return AuditError(id=target, error="the input is too large to be read in memory", kind="InputError")
        except Exception as exc:  # noqa: BLE001 - a bug or an unforeseen input must not cost the batch
            return AuditError(id=target, error=redact(f"could not be audited: {type(exc).__name__}: {exc}"[:500]), kind="InternalError")

    def audit_many(self, targets: Iterable[str]) -> Iterator[OpennessReport | AuditError]:
        """Audit each target, ``concurrency`` at a time; results come in input order, failures never stop the rest."""
        if self.concurrency == 1:
            yield from map(self.audit_one, targets)
            return
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="audit") as pool:
            yield from pool.map(self.audit_one, targets)
