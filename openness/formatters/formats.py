"""The output formats of each report type: one ``{name: formatter}`` table per type.

* :data:`AUDIT_FORMATS` — audit reports (``openness audit``): ``(results, layout) -> str``;
  :data:`AUDIT_STREAMED` the formats whose document is one record per result, written as each
  target finishes;
* :data:`CHECK_FORMATS` — policy check results (``openness check``): ``(report) -> str``;
* :data:`REGISTRY_FORMATS` — registry reports (``openness registry build``): ``(report, links) -> str``,
  with the file suffixes that choose a format for ``-o FILE`` (:meth:`FormatterTable.for_path`);
* :data:`DIFF_FORMATS` — what changed between two builds (``openness registry diff``): ``(diff) -> str``.

The CLI builds each ``--format`` choice from a table's keys and calls the formatter the table
gives, so adding a format is one line here. Each formatter is imported when first looked up: the
tables name them by ``module:function``, which keeps the CLI's start-up from loading every
formatter (and the report models behind them) for every command.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar, cast

from openness.errors import InputError

if TYPE_CHECKING:
    from openness.models import AuditError, OpennessReport
    from openness.policy.models import CheckReport
    from openness.registry.build import RegistryReport
    from openness.registry.diff import BuildDiff

F = TypeVar("F", bound=Callable[..., str])


class FormatterTable(Mapping[str, F], Generic[F]):
    """``{name: formatter}``, each formatter named ``"module:function"`` and imported on first use."""

    def __init__(self, paths: dict[str, str], suffixes: dict[str, str] | None = None) -> None:
        self._paths = dict(paths)
        self.suffixes = dict(suffixes or {})  # ".html" -> "html": what -o FILE means without --format

    def __getitem__(self, name: str) -> F:
        module, _, function = self._paths[name].partition(":")
        return cast(F, getattr(importlib.import_module(module), function))

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def for_path(self, path: Path, explicit: str | None) -> str:
        """The format to write ``path`` in: ``explicit`` when given, else the one its suffix names."""
        if explicit:
            return explicit
        name = self.suffixes.get(path.suffix.lower())
        if name is None:
            raise InputError(f"cannot tell the format of {path} from its extension: give --format {'|'.join(self)}")
        return name


@dataclass(frozen=True)
class AuditLayout:
    """How a person reads the text format (the other audit formats ignore it)."""

    explain: bool = False  # every rule that fired, and why the winner won
    width: int = 100
    color: bool = False


@dataclass(frozen=True)
class ReportLinks:
    """What an HTML registry report links to beside it (the other registry formats ignore it)."""

    downloads: dict[str, str] = field(default_factory=dict)  # format -> file name of the same report
    yaml_base: str = ""  # where the curated YAML files are, relative to the report


class AuditFormatter(Protocol):
    def __call__(self, results: list[OpennessReport | AuditError], layout: AuditLayout | None = None, /) -> str: ...


class AuditRecord(Protocol):
    def __call__(self, result: OpennessReport | AuditError, /) -> str: ...


class CheckFormatter(Protocol):
    def __call__(self, report: CheckReport, /) -> str: ...


class DiffFormatter(Protocol):
    def __call__(self, diff: BuildDiff, /) -> str: ...


class RegistryFormatter(Protocol):
    def __call__(self, report: RegistryReport, links: ReportLinks | None = None, /) -> str: ...


AUDIT_FORMATS: FormatterTable[AuditFormatter] = FormatterTable(
    {
        "text": "openness.formatters.audit_report:format_text",
        "json": "openness.formatters.audit_report:format_json",
        "jsonl": "openness.formatters.audit_report:format_jsonl",
        "markdown": "openness.formatters.audit_report:format_markdown",
    }
)
# A streamed format's document is its records joined: ``AUDIT_FORMATS[name]`` == "".join(records).
AUDIT_STREAMED: FormatterTable[AuditRecord] = FormatterTable({"jsonl": "openness.formatters.audit_report:format_jsonl_line"})

CHECK_FORMATS: FormatterTable[CheckFormatter] = FormatterTable(
    {
        "text": "openness.formatters.check:format_text",
        "json": "openness.formatters.check:format_json",
        "sarif": "openness.formatters.sarif:format_sarif",
        "junit": "openness.formatters.junit:format_junit",
        "markdown": "openness.formatters.check:format_markdown",
    }
)

REGISTRY_FORMATS: FormatterTable[RegistryFormatter] = FormatterTable(
    {
        "html": "openness.formatters.report_html:format_report_html",
        "markdown": "openness.formatters.report_markdown:format_report_markdown",
        "json": "openness.formatters.report_json:format_report_json",
        "csv": "openness.formatters.report_csv:format_report_csv",
    },
    suffixes={".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".json": "json", ".csv": "csv"},
)

DIFF_FORMATS: FormatterTable[DiffFormatter] = FormatterTable(
    {"text": "openness.formatters.registry_diff:format_diff_text", "json": "openness.formatters.registry_diff:format_diff_json"}
)
