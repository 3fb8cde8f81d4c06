"""One formatter table per report type: the CLI's choices are its keys, every entry is a formatter,
suffixes go through it; list files and check targets are gathered by the library."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import click
import pytest

from openness.cli import cli
from openness.errors import InputError
from openness.formatters.formats import (
    AUDIT_FORMATS,
    AUDIT_STREAMED,
    CHECK_FORMATS,
    DIFF_FORMATS,
    REGISTRY_FORMATS,
    AuditLayout,
    ReportLinks,
)
from openness.models import AuditError, OpennessReport
from openness.registry.build import build_report
from openness.registry.diff import BuildDiff, Change
from openness.registry.output import report_links
from openness.registry.store import Registry
from openness.targets import gather_targets, read_target_lines
from tests.policy_helpers import report as sample_report

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def format_choices(*command: str) -> list[str]:
    group: click.Command = cli
    for name in command:
        assert isinstance(group, click.Group)
        group = group.commands[name]
    option = next(p for p in group.params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    return list(option.type.choices)


@pytest.mark.parametrize(
    "command, table",
    [
        (("audit",), AUDIT_FORMATS),
        (("check",), CHECK_FORMATS),
        (("registry", "build"), REGISTRY_FORMATS),
        (("registry", "diff"), DIFF_FORMATS),
    ],
)
def test_each_format_choice_is_its_tables_keys(command: tuple[str, ...], table: Mapping[str, Callable[..., str]]) -> None:
    assert format_choices(*command) == list(table)


@pytest.mark.parametrize("table", [AUDIT_FORMATS, AUDIT_STREAMED, CHECK_FORMATS, REGISTRY_FORMATS, DIFF_FORMATS])
def test_every_entry_names_a_formatter(table: Mapping[str, Callable[..., str]]) -> None:
    assert all(callable(table[name]) for name in table)
    with pytest.raises(KeyError):
        table["no-such-format"]


def results() -> list[OpennessReport | AuditError]:
    return [sample_report(), AuditError(id="acme/gone", error="not found", kind="NotFoundError")]


def test_every_audit_format_takes_a_layout_and_a_streamed_one_is_its_records_joined() -> None:
    rs = results()
    for name in AUDIT_FORMATS:
        assert AUDIT_FORMATS[name](rs, AuditLayout(explain=True, width=80)) == AUDIT_FORMATS[name](rs, AuditLayout(explain=True, width=80))
    assert json.loads(AUDIT_FORMATS["json"](rs, AuditLayout()))[1]["error"] == "not found"
    for name in AUDIT_STREAMED:
        assert AUDIT_FORMATS[name](rs, AuditLayout()) == "".join(AUDIT_STREAMED[name](r) for r in rs)


def test_registry_formats_are_called_alike_and_suffixes_name_table_formats(tmp_path: Path) -> None:
    report = build_report(Registry.load(), None, only=["EleutherAI/pythia-6.9b"])
    for name in ("markdown", "json", "csv"):  # the HTML page differs on every call (its script nonce)
        assert REGISTRY_FORMATS[name](report, ReportLinks()) == REGISTRY_FORMATS[name](report)
    assert "pythia-6.9b" in REGISTRY_FORMATS["html"](report)
    assert set(REGISTRY_FORMATS.suffixes.values()) == set(REGISTRY_FORMATS)
    assert REGISTRY_FORMATS.for_path(Path("out/report.HTM"), None) == "html"
    assert REGISTRY_FORMATS.for_path(Path("out/report.txt"), "csv") == "csv"
    with pytest.raises(InputError, match="give --format html|markdown|json|csv"):
        REGISTRY_FORMATS.for_path(Path("report.txt"), None)
    page = tmp_path / "site" / "report.html"
    outputs = [(page, "html"), (tmp_path / "site" / "report.csv", "csv"), (tmp_path / "elsewhere.json", "json")]
    links = report_links(page, outputs, tmp_path / "releases")
    assert links.downloads == {"csv": "report.csv"} and links.yaml_base == "../releases/"
    assert 'href="report.csv"' in REGISTRY_FORMATS["html"](report, links)


def test_diff_formats() -> None:
    diff = BuildDiff(
        "build #1", "build #2", None, [Change(release_id="a/b", model_id="a/b", kind="licence changed", before="mit", after="apache-2.0")]
    )
    assert DIFF_FORMATS["text"](diff) == "a/b: licence changed: mit -> apache-2.0\n"
    assert DIFF_FORMATS["text"](BuildDiff("x", "y", None, [])) == ""
    doc = json.loads(DIFF_FORMATS["json"](diff))
    assert doc["old"] == "build #1" and doc["coverage"] is None and doc["changes"][0]["after"] == "apache-2.0"


def test_the_cli_loads_no_formatter_to_start() -> None:
    code = "import sys, openness.cli; print(sorted(m for m in sys.modules if m.startswith('openness.formatters.')))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.replace("'", '"'))
    assert "openness.formatters.formats" in loaded
    assert not {"openness.formatters.audit_report", "openness.formatters.report_html", "openness.formatters.sarif"} & set(loaded)


def test_list_files_skip_blanks_and_comments() -> None:
    lines = ["acme/one\n", "\n", "# a comment\n", "acme/two  # why\n", "./local#dir\n"]
    assert read_target_lines(lines) == [("acme/one", 1), ("acme/two", 4), ("./local#dir", 5)]


def test_check_targets_merge_given_listed_and_scanned() -> None:
    listed = io.StringIO("acme/one\nacme/two\n")
    gathered = gather_targets(("acme/two",), listed, "models.txt", [FIXTURES / "scan_project"])
    assert gathered.targets[:2] == ["acme/two", "acme/one"]  # given first, a target named twice checked once
    assert [(loc.path, loc.line) for loc in gathered.locations["acme/two"]] == [("models.txt", 2)]
    assert gathered.scan is not None and gathered.scan.files_scanned > 0
    assert len(gathered.targets) == len(set(gathered.targets)) > 2  # the scan found model ids of its own
    assert any(p.path.endswith("broken.py") for p in gathered.problems)
    assert gather_targets(("a/b",)).scan is None and gather_targets(("a/b",)).problems == []
