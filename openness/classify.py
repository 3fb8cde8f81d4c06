"""From component verdicts to a cumulative level, over a derived model's whole chain."""

from __future__ import annotations

from typing import Protocol

from openness import __version__
from openness.engine.facts import Catalogues, Facts
from openness.engine.prefilter import ScanGroup
from openness.engine.rules import RuleSet
from openness.license.audit import audit_license, classify_release, inherit_license, report_for_entry
from openness.license.database import LicenseDatabase
from openness.license.models import LicenseReport
from openness.license.scope import apply_scope
from openness.models import (
    CHAIN_COMPONENTS,
    ChainLink,
    Component,
    ComponentVerdict,
    OpennessReport,
    Release,
    Status,
    weakest,
)
from openness.registry.models import CuratedRelease
from openness.registry.store import Registry

MAX_CHAIN_DEPTH = 5

# Level n needs every lower level and this: (components any of which must be open, label).
LEVEL_REQUIREMENTS: tuple[tuple[tuple[Component, ...], str], ...] = (
    ((Component.WEIGHTS,), "weights"),
    ((Component.TECHNICAL_REPORT,), "technical report"),
    ((Component.TRAINING_CODE, Component.DATA_MIXTURE), "training code / data mixture"),
    ((Component.TRAINING_DATA,), "training data"),
    ((Component.DATA_PIPELINE,), "data pipeline"),
)


def compute_level(statuses: dict[Component, Status]) -> tuple[int, str]:
    """The cumulative level and a label saying what the next level needs and what each part is now,
    e.g. 'L2; L3 needs training code or data mixture open (now: training code partial, data mixture closed)'."""
    level = 0
    for components, _label in LEVEL_REQUIREMENTS:
        if any(statuses.get(c) == Status.OPEN for c in components):
            level += 1
            continue
        names = [c.value.replace("_", " ") for c in components]
        now = [statuses.get(c, Status.UNKNOWN).value for c in components]
        if len(components) == 1:
            return level, f"L{level}; L{level + 1} needs {names[0]} open (now {now[0]})"
        parts = ", ".join(f"{n} {s}" for n, s in zip(names, now, strict=True))
        return level, f"L{level}; L{level + 1} needs {' or '.join(names)} open (now: {parts})"
    return level, f"L{level}, the top level"


class BaseResolver(Protocol):
    """Finds what is known about a base model; ``None`` when nothing can be read."""

    def __call__(self, model_id: str, depth: int) -> ChainLink | None: ...


def link_from_curated(entry: CuratedRelease, note: str = "curated registry entry") -> ChainLink:
    comps = {name: c.status for name, c in entry.components.items()}
    comps.setdefault(Component.DATA_MIXTURE.value, Status.OPEN if entry.data_mixture_disclosed else Status.CLOSED)
    return ChainLink(id=entry.id, source="registry", level=entry.level, components=comps, license=entry.license, note=note)


class RegistryResolver:
    """Resolves base models from the curated registry (offline, or when the Hub cannot be read)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def __call__(self, model_id: str, depth: int) -> ChainLink | None:
        entry = self.registry.find(model_id)
        if entry is None:
            return None
        if self.registry.checked_on(entry) is None:
            return link_from_curated(entry, "curated registry entry, written from general knowledge (not checked against its sources)")
        return link_from_curated(entry)


def first_of(*resolvers: BaseResolver) -> BaseResolver:
    """Try resolvers in order (e.g. the Hub, then the registry)."""

    def resolve(model_id: str, depth: int) -> ChainLink | None:
        for r in resolvers:
            link = r(model_id, depth)
            if link is not None:
                return link
        return None

    return resolve


class Classifier:
    """Rules in, level out. Construct once; ``classify`` is cheap and thread-safe."""

    def __init__(
        self,
        rules: RuleSet,
        catalogues: Catalogues,
        resolve_base: BaseResolver | None = None,
        licenses: LicenseDatabase | None = None,
    ) -> None:
        self.rules = rules
        self.catalogues = catalogues
        self.resolve_base = resolve_base
        self.licenses = licenses
        # The card text is scanned once for the rules' patterns and the catalogues' names together.
        self.text_scan = ScanGroup((rules.texts, catalogues.datasets.names.index, catalogues.papers.names.index))

    def classify(self, release: Release, depth: int = 0, explain: bool = False) -> OpennessReport:
        verdicts = self.rules.evaluate(Facts(release, self.catalogues, self.text_scan), explain=explain)
        warnings = list(release.warnings)
        if (not release.card_text or release.card_text.isspace()) and not release.metadata:
            warnings.append("the card is empty: nothing can be said beyond the file list")
        chain, upper_bound = self._apply_chain(release, verdicts, depth, warnings)
        statuses = {c: v.status for c, v in verdicts.items()}
        level, label = compute_level(statuses)
        if upper_bound:
            label += " (upper bound: base chain incomplete)"
        report = OpennessReport(
            id=release.id,
            source=release.source,
            revision=release.revision,
            sha=release.sha,
            level=level,
            level_label=label,
            level_is_upper_bound=upper_bound,
            components={c.value: v for c, v in verdicts.items()},
            data_mixture_disclosed=statuses[Component.DATA_MIXTURE] == Status.OPEN,
            base_models=list(release.base_models),
            chain=chain,
            warnings=warnings,
            tool_version=__version__,
            rules_version=self.rules.version,
        )
        if self.licenses is not None:
            report.license = self._license(release, chain, report.warnings)
            report.classification = classify_release(report, report.license)
        return report

    def _license(self, release: Release, chain: list[ChainLink], warnings: list[str]) -> LicenseReport:
        """The release's licence audit, with the binding terms of its base models carried over."""
        assert self.licenses is not None
        lic = audit_license(release, self.licenses)
        for link in chain:
            if link.license is None:
                continue
            entry = self.licenses.get(link.license)
            if entry is None:
                warnings.append(
                    f"base model {link.id} is under {link.license!r}, not in the licence database: its terms are not carried over"
                )
                continue
            lic = inherit_license(lic, report_for_entry(entry, "base_model", 1.0, declared=link.license), link.id)
        apply_scope(lic, release)
        return lic

    def _apply_chain(
        self, release: Release, verdicts: dict[Component, ComponentVerdict], depth: int, warnings: list[str]
    ) -> tuple[list[ChainLink], bool]:
        bases = [b for b in release.base_models if b.lower() != release.id.lower()]
        if not bases:
            return [], False
        chain: list[ChainLink] = []
        upper_bound = False
        for base in bases:
            link = None
            if depth >= MAX_CHAIN_DEPTH:
                warnings.append(f"base chain deeper than {MAX_CHAIN_DEPTH}; stopped at {base}")
            elif self.resolve_base is not None:
                link = self.resolve_base(base, depth + 1)
            if link is None:
                upper_bound = True
                chain.append(ChainLink(id=base, source="unresolved", note="base model could not be read"))
                warnings.append(f"base model {base} could not be read; the level is an upper bound")
                continue
            if link.upper_bound:
                upper_bound = True
                warnings.append(f"the chain of base model {link.id} is incomplete; the level is an upper bound")
            chain.append(link)
        resolved = [link for link in chain if link.source != "unresolved"]
        for component in CHAIN_COMPONENTS:
            verdict = verdicts[component]
            base_statuses = [link.components.get(component.value, Status.UNKNOWN) for link in resolved]
            if not base_statuses:
                continue
            base_status = weakest(*base_statuses)
            verdict.base_status = base_status
            combined = weakest(verdict.status, base_status)
            if combined != verdict.status:
                names = ", ".join(link.id for link in resolved if link.components.get(component.value) == base_status)
                verdict.reason = f"{verdict.reason}; base model {names} is {base_status.value}"
                verdict.status = combined
        return chain, upper_bound
