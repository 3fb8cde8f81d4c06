"""`openness license ...`: list, show, detect, table; bad input gives one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from openness.cli import cli
from openness.license.database import LicenseDatabase
from openness.license.table import BEGIN, END, render_table, splice
from tests.conftest import FIXTURES, ROOT

LIC = FIXTURES / "licenses"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list() -> None:
    code, out, err = run("license", "list")
    assert code == 0
    assert out.splitlines()[0].split()[:4] == ["ID", "NAME", "CATEGORY", "OSI"]
    line = next(l for l in out.splitlines() if l.startswith("llama3.1 "))
    assert "community" in line and "MAU cap 700M" in line
    assert "licences" in err


def test_show_text_and_json() -> None:
    code, out, _ = run("license", "show", "llama3.2")
    assert code == 0 and "excludes EU" in out and "700 million monthly active users" in out
    code, out, _ = run("license", "show", "Apache-2.0", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["id"] == "apache-2.0" and doc["osi_approved"] is True and doc["schema_version"]


def test_show_unknown_id() -> None:
    code, out, err = run("license", "show", "no-such")
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "no-such" in err


def test_detect_json() -> None:
    code, out, _ = run("license", "detect", str(LIC / "llama3.1-excerpt.md"), "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert doc["id"] == "llama3.1" and doc["source"] == "text" and 0.6 <= doc["confidence"] <= 1.0
    assert doc["osi_approved"] is False and doc["category"] == "community"
    mau = [t for t in doc["terms"] if t["type"] == "mau_cap"]
    assert mau[0]["value"] == 700000000 and mau[0]["clause"]


def test_detect_unrecognised_text() -> None:
    code, out, _ = run("license", "detect", str(LIC / "custom-model-license.txt"), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["id"] is None and doc["recognised"] is False
    assert {"mau_cap", "revenue_cap"} <= {t["type"] for t in doc["terms"]}
    code, out, _ = run("license", "detect", str(LIC / "custom-model-license.txt"))
    assert "unrecognised licence" in out and "MAU cap 700M" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"), (None, "no such file")],
)
def test_detect_bad_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "LICENSE"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run("license", "detect", str(path))
    assert code == 2 and out == "" and message in err
    assert err.strip().count("\n") == 0 and "Traceback" not in err


def test_detect_directory(tmp_path: Path) -> None:
    code, _, err = run("license", "detect", str(tmp_path))
    assert code == 2 and "directory" in err


def test_detect_non_utf8_and_huge_files(tmp_path: Path) -> None:
    latin = tmp_path / "LICENSE"
    latin.write_bytes((LIC / "mit-excerpt.txt").read_bytes() + "\n© Société\n".encode("latin-1"))
    code, out, _ = run("license", "detect", str(latin), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["id"] == "mit" and any("not valid UTF-8" in w for w in doc["warnings"])
    huge = tmp_path / "BIG"
    huge.write_bytes((LIC / "mit-excerpt.txt").read_bytes() + b"x " * 5_000_000)
    code, out, _ = run("license", "detect", str(huge), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["id"] == "mit" and any("only the start was read" in w for w in doc["warnings"])


def test_table_print_check_and_update(tmp_path: Path) -> None:
    code, out, _ = run("license", "table")
    assert code == 0 and out == render_table(LicenseDatabase.load())
    doc = tmp_path / "licenses.md"
    doc.write_text(f"# x\n{BEGIN}\nold\n{END}\n", encoding="utf-8")
    code, _, err = run("license", "table", "--check", str(doc))
    assert code == 1 and "stale" in err
    code, _, _ = run("license", "table", "--update", str(doc))
    assert code == 0
    code, _, _ = run("license", "table", "--check", str(doc))
    assert code == 0
    bad = tmp_path / "bad.md"
    bad.write_text("no markers\n", encoding="utf-8")
    code, _, err = run("license", "table", "--check", str(bad))
    assert code == 2 and "markers" in err


@pytest.mark.parametrize("name", ["docs/licenses.md", "README.md"])
def test_committed_licence_tables_are_current(name: str) -> None:
    """The tables are regenerated from rules/licenses/; fails when someone forgot to."""
    doc = (ROOT / name).read_text(encoding="utf-8")
    assert splice(doc, render_table(LicenseDatabase.load())) == doc, f"run: openness license table --update {name}"


@pytest.mark.parametrize(
    ("name", "entry"), [("falcon-180b-license", "falcon-180b-tii-license-1.0"), ("apple-sample-code-license", "apple-ascl")]
)
def test_show_accepts_a_licence_name(name: str, entry: str) -> None:
    result = CliRunner().invoke(cli, ["license", "show", name, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["id"] == entry


def test_show_says_when_terms_were_not_checked_against_a_text() -> None:
    result = CliRunner().invoke(cli, ["license", "show", "jamba-open-model-license"])
    assert result.exit_code == 0 and "not checked against a copy" in result.output
    assert "revenue cap 50M USD" in result.output
