"""The CHAIN stage: a derived model's base models, resolved and combined with its own verdicts.

Resolvers find what is known about one base model. :class:`SourceResolver` reads it with a fetch
callable (the Hub source's) and judges it with the pipeline it is handed at each call (the same
pipeline, one level deeper); :class:`RegistryResolver` answers from the curated registry;
:func:`first_of` tries several in order. None of them holds the pipeline, so none is wired after
construction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from openness.errors import OpennessError, SourceError
from openness.models import CHAIN_COMPONENTS, ChainLink, Component, ComponentVerdict, OpennessReport, Release, Status, weakest
from openness.registry.models import CuratedRelease
from openness.registry.store import Registry

MAX_CHAIN_DEPTH = 5

Judge = Callable[[Release, int], OpennessReport]
"""The pipeline, as the chain stage hands it to resolvers: (release, depth) to its report."""


class BaseResolver(Protocol):
    """Finds what is known about a base model; ``None`` when nothing can be read.

    ``judge`` runs the pipeline on a release read at ``depth`` (resolvers that read releases use it).
    """

    def __call__(self, model_id: str, depth: int, judge: Judge) -> ChainLink | None: ...


def link_from_curated(entry: CuratedRelease, note: str = "curated registry entry") -> ChainLink:
    comps = {name: c.status for name, c in entry.components.items()}
    comps.setdefault(Component.DATA_MIXTURE.value, Status.OPEN if entry.data_mixture_disclosed else Status.CLOSED)
    return ChainLink(id=entry.id, source="registry", level=entry.level, components=comps, license=entry.license, note=note)


def link_from_report(release: Release, report: OpennessReport, source: Literal["hub", "local"], where: str) -> ChainLink:
    """A judged base model as a link of the chain (``where``: where it was read, for the note)."""
    return ChainLink(
        id=release.id,
        source=source,
        level=report.level,
        components={name: v.status for name, v in report.components.items()},
        license=report.license.id if report.license is not None else None,
        upper_bound=report.level_is_upper_bound,
        note=f"read from {where} at {(release.sha or '?')[:12]}"
        + (f"; upper bound: {report.level_label}" if report.level_is_upper_bound else ""),
    )


class RegistryResolver:
    """Resolves base models from the curated registry (offline, or when the Hub cannot be read)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def __call__(self, model_id: str, depth: int, judge: Judge) -> ChainLink | None:
        entry = self.registry.find(model_id)
        if entry is None:
            return None
        if self.registry.checked_on(entry) is None:
            return link_from_curated(entry, "curated registry entry, written from general knowledge (not checked against its sources)")
        return link_from_curated(entry)


class SourceResolver:
    """Reads a base model with ``fetch`` (for model ids ``accepts`` takes) and judges it with the pipeline.

    Cycle-safe: a model already being resolved on this thread is not read again (the chain stays an
    upper bound). Once the source has failed (unreachable, or still failing after retries) it is not
    asked again in this run, so auditing many local cards offline does not wait on the network for
    each base.
    """

    def __init__(
        self,
        fetch: Callable[[str], Release],
        accepts: Callable[[str], bool],
        source: Literal["hub", "local"] = "hub",
        where: str = "the Hub",
    ) -> None:
        self.fetch = fetch
        self.accepts = accepts
        self.source = source
        self.where = where
        self._local = threading.local()
        self._memo: dict[str, ChainLink] = {}
        self._lock = threading.Lock()
        self.unavailable: str | None = None

    def __call__(self, model_id: str, depth: int, judge: Judge) -> ChainLink | None:
        key = model_id.strip().lower()
        if self.unavailable is not None or not self.accepts(model_id.strip()):
            return None
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        active: set[str] = self._local.__dict__.setdefault("active", set())
        if key in active:
            return None
        active.add(key)
        try:
            release = self.fetch(model_id.strip())
            report = judge(release, depth)
        except SourceError as exc:
            self.unavailable = str(exc)
            return None
        except OpennessError:
            return None
        finally:
            active.discard(key)
        link = link_from_report(release, report, self.source, self.where)
        with self._lock:
            self._memo[key] = link
        return link


def first_of(*resolvers: BaseResolver) -> BaseResolver:
    """Try resolvers in order (e.g. the Hub, then the registry)."""

    def resolve(model_id: str, depth: int, judge: Judge) -> ChainLink | None:
        for r in resolvers:
            link = r(model_id, depth, judge)
            if link is not None:
                return link
        return None

    return resolve


@dataclass
class Chain:
    """The CHAIN stage's output: the base models' links, whether the level is only an upper bound, warnings."""

    links: list[ChainLink] = field(default_factory=list)
    upper_bound: bool = False
    warnings: list[str] = field(default_factory=list)


def follow_chain(
    release: Release,
    verdicts: dict[Component, ComponentVerdict],
    depth: int,
    resolve: BaseResolver | None,
    judge: Judge,
) -> Chain:
    """Resolve the release's base models and combine them into ``verdicts`` (updated in place): a
    component of the chain is no more open than its least open base."""
    bases = [b for b in release.base_models if b.lower() != release.id.lower()]
    chain = Chain()
    if not bases:
        return chain
    for base in bases:
        link = None
        if depth >= MAX_CHAIN_DEPTH:
            chain.warnings.append(f"base chain deeper than {MAX_CHAIN_DEPTH}; stopped at {base}")
        elif resolve is not None:
            link = resolve(base, depth + 1, judge)
        if link is None:
            chain.upper_bound = True
            chain.links.append(ChainLink(id=base, source="unresolved", note="base model could not be read"))
            chain.warnings.append(f"base model {base} could not be read; the level is an upper bound")
            continue
        if link.upper_bound:
            chain.upper_bound = True
            chain.warnings.append(f"the chain of base model {link.id} is incomplete; the level is an upper bound")
        chain.links.append(link)
    resolved = [link for link in chain.links if link.source != "unresolved"]
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
    return chain
