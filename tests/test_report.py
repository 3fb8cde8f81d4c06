"""Registry report formatters: hostile content stays inert, terms read well, writes are atomic."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from openness.errors import InputError
from openness.formatters.report_common import term_badge
from openness.formatters.report_csv import format_report_csv
from openness.formatters.report_html import format_report_html
from openness.formatters.report_json import format_report_json
from openness.formatters.report_markdown import format_report_markdown
from openness.license.models import LicenseReport, LicenseTerm
from openness.models import ComponentVerdict, Evidence, OpennessReport, Status
from openness.output import write_output
from openness.registry.build import RegistryReport, _result
from openness.registry.models import CuratedRelease, RegistryFamily
from openness.registry.store import Registry

ESC = "\x1b[31m\x1b]0;owned\x07"
SCRIPT = '<script>alert("x")</script>'
IMG = '"><img src=x onerror=alert(1)>'
HUGE = "A" * 200_000


def hostile_report() -> RegistryReport:
    comps = {
        "weights": {"status": "open", "evidence": ["javascript:alert(1)", "https://ok.example/w", "data:text/html,<b>x</b>"]},
        "technical_report": {"status": "partial", "evidence": ['https://ok.example/"onmouseover="alert(1)'], "note": SCRIPT + ESC},
        "training_code": {"status": "closed", "evidence": []},
        "training_data": {"status": "closed"},
        "data_pipeline": {"status": "closed"},
    }
    rel = CuratedRelease.model_validate(
        {"id": f"evil/{SCRIPT}", "name": f"Evil {IMG}{ESC}", "hub_ids": ["evil/model"], "level": 1, "components": comps,
         "license": "llama3.1", "notes": HUGE, "base_model": SCRIPT}
    )  # fmt: skip
    fam = RegistryFamily(
        family=f"Fam {SCRIPT}", organisation=f"Org {IMG}", organisation_url="javascript:alert(3)", verified="2025-01-01", releases=[rel]
    )  # type: ignore[arg-type]
    verdicts = {
        name: ComponentVerdict(
            status=Status.OPEN,
            reason=f"card says {SCRIPT}",
            evidence=[Evidence(rule="r", where=f"card:## {IMG}", excerpt=(SCRIPT + ESC)[:200])],
        )
        for name in ("weights", "technical_report", "training_code", "training_data", "data_pipeline")
    }
    computed = OpennessReport(
        id="evil/model",
        level=5,
        level_label=f"L5 {SCRIPT}",
        components=verdicts,
        license=LicenseReport(
            id="llama3.1",
            terms=[
                LicenseTerm(type="mau_cap", value=700_000_000, clause="700 million monthly active users"),
                LicenseTerm(type="no_training_other_models", clause=SCRIPT),
                LicenseTerm(type="naming", value=f"Built with {SCRIPT}"),
            ],
        ),
    )
    other = _result(fam, rel.model_copy(update={"id": "evil/other", "hub_ids": ["evil/other"]}), None, None, None)
    return RegistryReport(generated="2025-01-01T00:00:00+00:00", releases=[_result(fam, rel, None, computed, None), other])


def test_html_escapes_everything_from_cards_and_registry() -> None:
    html = format_report_html(hostile_report())
    assert SCRIPT not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html.lower() and 'href="data:' not in html.lower()
    assert (
        "onmouseover=" not in html.replace("onmouseover=&#34;", "").replace("&#34;onmouseover", "")
        or 'href="https://ok.example/"' not in html
    )
    assert 'href="https://ok.example/w"' in html
    assert "\x1b" not in html and "\x07" not in html
    assert len(html) < 200_000  # huge text is cut
    assert html.count("<script") == 1  # only the page's own, nonce-protected script
    assert "Content-Security-Policy" in html and "script-src 'nonce-" in html
    assert "700M MAU cap" in html and "no training other models" in html
    assert "cdn" not in html.lower() and "http://" not in html.replace("http://www.w3.org", "")


def test_markdown_and_csv_are_inert() -> None:
    report = hostile_report()
    md = format_report_markdown(report)
    assert not re.search(r"(?<!\\)<(script|img|/script)", md), "an unescaped tag reached the Markdown"
    assert "\x1b" not in md
    assert "](javascript:" not in md
    rows = list(csv.DictReader(io.StringIO(format_report_csv(report))))
    assert len(rows) == 2
    assert all("\x1b" not in v for row in rows for v in row.values())
    assert rows[0]["license_terms"].startswith("700M MAU cap")


def test_csv_defuses_formulas() -> None:
    report = hostile_report()
    report.releases[0].name = '=HYPERLINK("http://evil")'
    rows = list(csv.DictReader(io.StringIO(format_report_csv(report))))
    assert rows[0]["name"].startswith("'=")


def test_json_report_shape() -> None:
    doc = json.loads(format_report_json(hostile_report()))
    assert doc["schema_version"]
    first = doc["releases"][0]
    assert {"id", "level", "curated", "computed", "level_source", "disagreements", "license_terms"} <= set(first)
    assert first["level"] == 5 and first["level_source"] == "computed" and first["curated"]["level"] == 1
    assert any(d["field"] == "level" and d["curated"] == "L1" for d in first["disagreements"])
    assert doc["releases"][1]["computed"] is None and doc["releases"][1]["level_source"] == "curated"
    assert doc["level_distribution"]["L5"] == 1


@pytest.mark.parametrize(
    ("term", "label"),
    [
        (LicenseTerm(type="mau_cap", value=700_000_000), "700M MAU cap"),
        (LicenseTerm(type="revenue_cap", value={"amount": 1_000_000, "currency": "USD"}), "revenue cap $1M"),
        (LicenseTerm(type="non_commercial"), "non-commercial"),
        (LicenseTerm(type="no_training_other_models"), "no training other models"),
        (LicenseTerm(type="territory_exclusions", value=["EU"]), "excludes EU"),
        (LicenseTerm(type="acceptable_use_policy", details={"pass_down": True}), "AUP passed down"),
    ],
)
def test_term_badges(term: LicenseTerm, label: str) -> None:
    assert term_badge(term) == label


def test_shipped_registry_renders_in_every_format() -> None:
    from openness.registry.build import build_report

    report = build_report(Registry.load(), None)
    html = format_report_html(report)
    assert html.count('<tr data-id="') == len(report.releases) >= 80
    assert "meta-llama/Llama-2-7b" in format_report_markdown(report)
    assert len(list(csv.reader(io.StringIO(format_report_csv(report))))) == len(report.releases) + 1


def test_atomic_write_replaces_and_reports_unwritable(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    write_output(target, "one")
    write_output(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    with pytest.raises(InputError, match="does not exist .create it, or pass --mkdir"):  # never created silently
        write_output(tmp_path / "new" / "dir" / "r.html", "x")
    write_output(tmp_path / "new" / "dir" / "r.html", "x", make_parents=True)  # only when asked
    assert (tmp_path / "new" / "dir" / "r.html").read_text() == "x"
    (tmp_path / "a-file").write_text("")
    with pytest.raises(InputError) as err:  # a path through a regular file cannot be written, even by root
        write_output(tmp_path / "a-file" / "r.html", "x")
    assert "cannot write" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE disk-full simulation is Linux-specific")
def test_full_disk_leaves_old_report_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("previous report")
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from openness.cli import main\n"
        "sys.argv = ['openness', 'registry', 'build', '--offline', '--no-history', '-o', sys.argv[1]]\n"
        "main()\n"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    proc = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "openness: error: cannot write" in proc.stderr and "Traceback" not in proc.stderr
    assert target.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_cli_unwritable_output_is_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from openness.cli import cli

    (tmp_path / "a-file").write_text("")
    res = CliRunner().invoke(cli, ["registry", "build", "--offline", "--no-history", "-o", str(tmp_path / "a-file" / "r.html")])
    assert res.exit_code == 2
    assert res.output.strip().splitlines()[-1].startswith("openness: error: cannot write")
