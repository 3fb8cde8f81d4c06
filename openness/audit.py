"""The audit pipeline, in one place:

    fetch → parse → evidence → rules → chain → level → licence → class → report

* fetch, parse: a :class:`~openness.sources.base.Source` reads the target (``sources/local.py``,
  ``sources/hub.py``) and parses its card into a :class:`~openness.models.Release`
  (``release.py:build_release``, over ``card.py``) — :meth:`Auditor.fetch`;
* evidence: readers of the sources the release links to (``readers/base.py:gather_evidence``);
* rules: the rule set over the release's facts (``engine/rules.py:RuleSet.evaluate``, ``engine/facts.py``);
* chain: base models resolved and combined (``chain.py:follow_chain``);
* level: the cumulative level (``level.py:compute_level``);
* licence: the licence audit with the bases' terms (``license/assess.py:license_with_bases``);
* class: open-source / open-weights / open-access / api-only (``license/assess.py:release_class``);
* report: everything as an :class:`~openness.models.OpennessReport` (:func:`assemble_report`);
* frameworks (when asked for): the finished report judged by regulatory frameworks
  (``frameworks/judge.py``) — :meth:`Auditor.audit_release`.

:class:`Pipeline` runs the stages from evidence to report on a parsed release; :class:`Auditor`
adds fetch and parse, and batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from openness import __version__
from openness.chain import BaseResolver, Chain, RegistryResolver, SourceResolver, first_of, follow_chain
from openness.deadline import DEFAULT_DEADLINE, deadline
from openness.engine.facts import Catalogues, Facts
from openness.engine.rules import RuleSet
from openness.engine.scan import ScanGroup
from openness.errors import InputError, NotCachedError, OpennessError
from openness.level import compute_level, level_at_most
from openness.license.assess import license_with_bases, release_class
from openness.license.database import LicenseDatabase
from openness.license.models import LicenseReport, ReleaseClass
from openness.models import AuditError, Component, ComponentVerdict, OpennessReport, Release, Status
from openness.readers import not_read_reason, readers_for
from openness.readers.base import EvidenceReader, gather_evidence
from openness.redact import redact
from openness.registry.store import Registry, bundled_registry
from openness.settings import AuditSettings
from openness.sources.base import Source
from openness.sources.ids import invalid_reason, is_hub_id

if TYPE_CHECKING:
    from openness.frameworks.judge import Frameworks

__all__ = ["AuditSettings", "Auditor", "Pipeline", "assemble_report"]


def card_warnings(release: Release) -> list[str]:
    """The release's own warnings, and one for a card with nothing in it."""
    warnings = list(release.warnings)
    if (not release.card_text or release.card_text.isspace()) and not release.metadata:
        warnings.append("the card is empty: nothing can be said beyond the file list")
    return warnings


def assemble_report(
    release: Release,
    verdicts: dict[Component, ComponentVerdict],
    chain: Chain,
    level: tuple[int, str],
    licence: LicenseReport | None,
    classification: ReleaseClass,
    warnings: list[str],
    rules_version: str,
) -> OpennessReport:
    """The REPORT stage: every stage's output in one report."""
    number, label = level
    most = level_at_most({c: v.status for c, v in verdicts.items()})
    if chain.upper_bound:
        label += " (upper bound: base chain incomplete)"
    return OpennessReport(
        id=release.id,
        source=release.source,
        revision=release.revision,
        sha=release.sha,
        level=number,
        level_label=label,
        level_is_upper_bound=chain.upper_bound,
        level_at_most=most if most > number else None,
        components={c._value_: v for c, v in verdicts.items()},  # _value_: a plain attribute, .value a property
        data_mixture_disclosed=verdicts[Component.DATA_MIXTURE].status == Status.OPEN,
        base_models=list(release.base_models),
        chain=chain.links,
        warnings=warnings,
        tool_version=__version__,
        rules_version=rules_version,
        license=licence,
        classification=classification,
    )


class Pipeline:
    """The stages from evidence to report, over a parsed release. Construct once; ``run`` is cheap and thread-safe.

    ``licenses=None`` skips the licence and class stages (the class stays ``unknown``).
    """

    def __init__(
        self,
        rules: RuleSet,
        catalogues: Catalogues,
        resolve_base: BaseResolver | None = None,
        licenses: LicenseDatabase | None = None,
        readers: Sequence[EvidenceReader] = (),
        not_read: str = "",
    ) -> None:
        self.rules = rules
        self.catalogues = catalogues
        self.resolve_base = resolve_base
        self.licenses = licenses
        self.readers = list(readers)
        self.not_read = not_read  # why nothing linked is read (offline, --no-read-links): said in the evidence
        # The card text is scanned once for the rules' patterns and the catalogues' names together.
        self.text_scan = ScanGroup((rules.texts, catalogues.datasets.names.index, catalogues.papers.names.index))

    def run(self, release: Release, depth: int = 0, explain: bool = False) -> OpennessReport:
        """The report of ``release``; ``depth``: how far down a base chain it is (0: the target)."""
        evidence = gather_evidence(release, self.readers, self.not_read)
        facts = Facts(release, self.catalogues, self.text_scan, evidence=evidence)
        verdicts = self.rules.evaluate(facts, explain=explain)
        warnings = card_warnings(release) + evidence.warnings
        chain = follow_chain(release, verdicts, depth, self.resolve_base, self.run)
        warnings += chain.warnings
        # A base that could not be read may hold the level lower: the level is then no floor ("at least").
        level = compute_level({c: v.status for c, v in verdicts.items()}, floor=not chain.upper_bound)
        licence: LicenseReport | None = None
        classification: ReleaseClass = "unknown"
        if self.licenses is not None:
            licence, licence_warnings = license_with_bases(release, chain.links, self.licenses, facts.folded)
            warnings += licence_warnings
            classification = release_class(verdicts[Component.WEIGHTS].status, level[0], licence)
        return assemble_report(release, verdicts, chain, level, licence, classification, warnings, self.rules.version)


class Auditor:
    """Sources in front of a pipeline: audit one target or many."""

    def __init__(
        self,
        sources: list[Source],
        pipeline: Pipeline,
        concurrency: int = 1,
        explain: bool = False,
        frameworks: Frameworks | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        offline_registry: Registry | None = None,
    ) -> None:
        self.sources = sources
        self.pipeline = pipeline
        self.offline_registry = offline_registry  # offline: Hub ids the cache lacks are answered from here
        self.concurrency = max(1, concurrency)
        self.explain = explain
        self.frameworks = frameworks
        self.deadline = deadline

    @classmethod
    def from_settings(cls, settings: AuditSettings | None = None) -> Auditor:
        """Rules, catalogues, licences and registry loaded once; the Hub and local sources;
        ``settings`` default to :meth:`AuditSettings.from_env`."""
        # The Hub client, the local source and the frameworks are imported here, not with the module:
        # a sweep's workers run the pipeline offline and need none of them (~20 MB and 0.2 s each).
        from openness.frameworks.judge import Frameworks
        from openness.sources.hub import HubSource
        from openness.sources.local import LocalSource

        settings = settings if settings is not None else AuditSettings.from_env()
        hub = HubSource.from_settings(settings)
        ttl = hub.options.secondary_ttl
        hub_bases = SourceResolver(lambda model_id: hub.fetch(model_id, max_age=ttl), accepts=is_hub_id)
        registry = bundled_registry()  # the one the card reader resolves named bases in: loaded once
        catalogues = Catalogues.load()
        pipeline = Pipeline(
            RuleSet.load(settings.rules_dirs),
            catalogues,
            first_of(hub_bases, RegistryResolver(registry)),
            LicenseDatabase.load(),
            readers_for(settings, catalogues),
            not_read_reason(settings),
        )
        frameworks = Frameworks.load(settings.frameworks) if settings.frameworks else None
        local = LocalSource(registry, settings.release_id, settings.notify)
        return cls(
            [local, hub],
            pipeline,
            settings.concurrency,
            settings.explain,
            frameworks=frameworks,
            deadline=settings.deadline,
            offline_registry=registry if settings.offline else None,
        )

    def fetch(self, target: str) -> Release:
        """FETCH and PARSE: the release from the first source that recognises ``target``."""
        for source in self.sources:
            if source.handles(target):
                return source.fetch(target)
        reason = invalid_reason(target)
        raise InputError(f"not a local path or a model id: {target}" + (f" ({reason})" if reason else ""))

    def audit_release(self, release: Release) -> OpennessReport:
        report = self.pipeline.run(release, explain=self.explain)
        if self.frameworks is not None:  # a separate step over the finished report
            report.frameworks = self.frameworks.judge(report, release)
        return report

    def audit(self, target: str) -> OpennessReport:
        try:
            return self.audit_release(self.fetch(target))
        except NotCachedError:  # offline, never cached: the curated entry, labelled as such (what --offline promises)
            if self.offline_registry is None:
                raise
            from openness.registry.verdict import curated_report

            report = curated_report(self.offline_registry, target, self.pipeline.licenses or LicenseDatabase.load())
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
        """Audit each target; results come in input order, failures never stop the rest.

        Threads only where the audit waits on I/O: targets read over the network (Hub ids, online)
        run ``concurrency`` at a time on a pool, while the targets read from disk (local cards, the
        offline cache) run here, one after another, in the calling thread. Their work is CPU-bound,
        which threads only slow down (GIL contention: ~9% more CPU on 1,000 corpus cards). A local card's
        base models and linked sources, when read online, are read in this thread too (mostly
        from the caches: the bases' Hub metadata, the readers' store).
        """
        targets = list(targets)
        remote = [self.concurrency > 1 and self._remote(t) for t in targets]
        if not any(remote):
            yield from map(self.audit_one, targets)
            return
        pool = ThreadPoolExecutor(max_workers=min(self.concurrency, sum(remote)), thread_name_prefix="audit")
        try:
            futures = {i: pool.submit(self.audit_one, t) for i, (t, r) in enumerate(zip(targets, remote)) if r}
            for i, target in enumerate(targets):
                yield futures[i].result() if i in futures else self.audit_one(target)
        finally:  # a consumer that stops early (an interrupt) does not wait for the targets not started
            pool.shutdown(wait=True, cancel_futures=True)

    def _remote(self, target: str) -> bool:
        """Whether the source that reads ``target`` waits on the network (an unrecognised target: no)."""
        source = next((s for s in self.sources if s.handles(target)), None)
        return source is not None and source.remote(target)
