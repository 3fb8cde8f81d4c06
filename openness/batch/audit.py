"""Audit cards in bulk: a pure per-card function and a batch function over an Arrow table.

Nothing here touches disk or network once the pipeline is built: base models come from the
curated registry (and, in a sweep's second pass, from the same dump's results handed in as
``bases``), never from the Hub, and no cache is opened. Compiled state (rules, Hyperscan
databases) does not pickle, so each worker process builds its own pipeline once, lazily, from the
bundled data; tasks carry only cards and options.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openness.batch.limits import CardLimits, check_card, deadline
from openness.batch.rows import PASSTHROUGH, arrow_schema, report_row
from openness.models import AuditError, ChainLink, OpennessReport

ID_COLUMNS = ("modelId", "id")  # the dump's name first
MAX_ID_CHARS = 200
SLICE_ROWS = 500  # rows turned into Python objects at once by audit_table
CARD_FALLBACKS = {
    "pipeline_tag": "pipeline_tag",
    "library_name": "library_name",
}  # card metadata -> dump column  # ids are labels here (nothing is fetched): legacy ids without an organisation ("gpt2") are fine


@dataclass(frozen=True)
class BatchOptions:
    """What shapes a batch (small and picklable: it travels with every task)."""

    rules_dirs: tuple[str, ...] = ()
    limits: CardLimits = field(default_factory=CardLimits)


class _DumpBases:
    """Base resolver: the curated registry first, then the links handed in for the current batch (this thread)."""

    def __init__(self, registry_resolver: Any) -> None:
        self.registry = registry_resolver
        self.local = threading.local()

    def __call__(self, model_id: str, depth: int, judge: Any) -> ChainLink | None:
        link: ChainLink | None = self.registry(model_id, depth, judge)
        if link is not None:
            return link
        bases: Mapping[str, ChainLink] | None = getattr(self.local, "bases", None)
        return bases.get(model_id.strip().lower()) if bases else None

    @contextmanager
    def using(self, bases: Mapping[str, ChainLink] | None) -> Iterator[None]:
        previous = getattr(self.local, "bases", None)
        self.local.bases = bases
        try:
            yield
        finally:
            self.local.bases = previous


@dataclass
class Pipeline:
    """The offline pipeline of one process: the audit stages and their base resolver."""

    stages: Any
    bases: _DumpBases
    rules_version: str


_PIPELINES: dict[tuple[str, ...], Pipeline] = {}
_LOCK = threading.Lock()


def pipeline(rules_dirs: Sequence[str] = ()) -> Pipeline:
    """This process's offline pipeline for ``rules_dirs``, built on first use (the one entry into the audit stages)."""
    key = tuple(rules_dirs)
    with _LOCK:
        if key not in _PIPELINES:
            from openness.audit import Pipeline as Stages
            from openness.chain import RegistryResolver
            from openness.engine.facts import Catalogues
            from openness.engine.rules import RuleSet
            from openness.license.database import LicenseDatabase
            from openness.registry.store import bundled_registry

            rules = RuleSet.load([Path(d) for d in rules_dirs])
            bases = _DumpBases(RegistryResolver(bundled_registry()))
            stages = Stages(rules, Catalogues.load(), bases, LicenseDatabase.load())  # no evidence readers: nothing fetched
            _PIPELINES[key] = Pipeline(stages, bases, rules.version)
        return _PIPELINES[key]


def audit_card(
    model_id: str,
    card: str | None,
    tags: Sequence[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    *,
    options: BatchOptions | None = None,
    bases: Mapping[str, ChainLink] | None = None,
) -> OpennessReport | AuditError:
    """One card's report, or an :class:`AuditError` saying why not; never raises, never reads disk or network.

    ``metadata`` wins over the card's own front matter (as the Hub's ``cardData`` does);
    ``bases``: chain links by lower-case id, consulted after the registry.
    """
    return _audit(model_id, card, tags, metadata, options or BatchOptions(), bases)[0]


def _audit(
    model_id: str,
    card: str | None,
    tags: Sequence[str] | None,
    metadata: Mapping[str, Any] | None,
    options: BatchOptions,
    bases: Mapping[str, ChainLink] | None,
) -> tuple[OpennessReport | AuditError, dict[str, Any]]:
    """The result, and the card metadata the row falls back on where the dump's columns are empty."""
    card_meta: dict[str, Any] = {}
    try:
        from openness.release import build_release

        shown = model_id if isinstance(model_id, str) else repr(model_id)
        if not isinstance(model_id, str) or not model_id.strip():
            return AuditError(id=shown[:MAX_ID_CHARS], error="the row has no model id", kind="InputError"), card_meta
        if len(model_id) > MAX_ID_CHARS or not model_id.isprintable() or any(c.isspace() for c in model_id):
            detail = f"longer than {MAX_ID_CHARS} characters" if len(model_id) > MAX_ID_CHARS else "spaces or control characters"
            return AuditError(id=model_id[:MAX_ID_CHARS], error=f"not a model id ({detail})", kind="InputError"), card_meta
        if card is not None and not isinstance(card, str):
            return AuditError(id=model_id, error=f"the card is a {type(card).__name__}, not text", kind="InputError"), card_meta
        text = card or ""
        check_card(text, options.limits)
        pipe = pipeline(options.rules_dirs)
        with pipe.bases.using(bases), deadline(options.limits.seconds):
            release = build_release(
                model_id,
                text,
                source="hub",
                api_tags=[str(t) for t in tags or [] if isinstance(t, str)],
                metadata_override=dict(metadata) if metadata else None,
            )
            report: OpennessReport = pipe.stages.run(release)
        for key in CARD_FALLBACKS:
            value = release.metadata.get(key)
            if isinstance(value, str):
                card_meta[CARD_FALLBACKS[key]] = value
        return report, card_meta
    except Exception as exc:  # noqa: BLE001 - one bad card is an error row, never a lost batch
        error = AuditError(id=str(model_id)[:MAX_ID_CHARS], error=f"{type(exc).__name__}: {exc}"[:500], kind=type(exc).__name__)
        return error, card_meta


def card_row(
    model_id: str,
    card: str | None,
    tags: Sequence[str] | None = None,
    extra: Mapping[str, Any] | None = None,
    *,
    options: BatchOptions | None = None,
    bases: Mapping[str, ChainLink] | None = None,
) -> dict[str, Any]:
    """The flat result row (:mod:`openness.batch.rows`) for one card; ``extra``: the dump's other columns."""
    options = options or BatchOptions()
    result, card_meta = _audit(model_id, card, tags, None, options, bases)
    if card_meta:
        extra = {**card_meta, **{k: v for k, v in (extra or {}).items() if v is not None}}
    try:
        rules_version = pipeline(options.rules_dirs).rules_version
    except Exception:  # noqa: BLE001 - the pipeline itself failed to build: the error row says so
        rules_version = ""
    return report_row(result, extra, rules_version)


def table_rows(table: Any) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
    """(id, card, tags, the dump's other columns) for each row of an Arrow table or record batch."""
    names = set(table.column_names)
    id_col = next((c for c in ID_COLUMNS if c in names), None)
    ids = table.column(id_col).to_pylist() if id_col else [None] * table.num_rows
    cards = table.column("card").to_pylist() if "card" in names else [None] * table.num_rows
    tags = table.column("tags").to_pylist() if "tags" in names else [None] * table.num_rows
    extras = {src: table.column(src).to_pylist() for src, _ in PASSTHROUGH.values() if src in names}
    for i in range(table.num_rows):
        yield ids[i], cards[i], tags[i], {k: v[i] for k, v in extras.items()}


def audit_rows(table: Any, options: BatchOptions | None = None, bases: Mapping[str, ChainLink] | None = None) -> list[dict[str, Any]]:
    """One flat row per input row, in order."""
    options = options or BatchOptions()
    return [card_row(i, c, t if isinstance(t, list) else None, e, options=options, bases=bases) for i, c, t, e in table_rows(table)]


def audit_table(table: Any, options: BatchOptions | None = None, bases: Mapping[str, ChainLink] | None = None) -> Any:
    """Audit every card of an Arrow table with the dump's columns (``modelId`` or ``id``, ``card``,
    ``tags``, ...): an Arrow table of flat rows (:func:`openness.batch.rows.arrow_schema`), one per input row, in order."""
    import pyarrow as pa

    schema = arrow_schema()
    if table.num_rows <= SLICE_ROWS:
        return pa.Table.from_pylist(audit_rows(table, options, bases), schema=schema)
    # A slice at a time: a row is a dict of ~60 Python objects, so a whole chunk of them would be
    # the worker's largest allocation (tens of MB that the allocator then keeps).
    parts = [
        pa.Table.from_pylist(audit_rows(table.slice(start, SLICE_ROWS), options, bases), schema=schema)
        for start in range(0, table.num_rows, SLICE_ROWS)
    ]
    return pa.concat_tables(parts)
