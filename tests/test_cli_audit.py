"""`openness audit` on local releases, through the real CLI: formats, bad input, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from openness.cli import cli

CARD = """---
license: apache-2.0
datasets: [EleutherAI/pile]
---
# Tiny model
Trained with [GPT-NeoX](https://github.com/EleutherAI/gpt-neox) on the Pile.
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    d = tmp_path / "acme__tiny"
    d.mkdir()
    (d / "README.md").write_text(CARD)
    (d / "model.safetensors").write_bytes(b"\x00")
    (d / "LICENSE").write_text("Apache License Version 2.0")
    return d


def test_text_output_shows_level_components_and_evidence(model_dir: Path) -> None:
    code, out, _ = run("audit", str(model_dir))
    assert code == 0
    assert out.startswith("acme/tiny  L1")
    assert re.search(r"● weights +open ", out) and "file model.safetensors" in out
    assert re.search(r"● training code +open ", out) and "EleutherAI/gpt-neox" in out


def test_json_output_keeps_the_contract(model_dir: Path) -> None:
    code, out, _ = run("audit", "--format", "json", str(model_dir))
    assert code == 0
    doc = json.loads(out)[0]  # always a list, one report per target
    assert doc["schema_version"] and doc["id"] == "acme/tiny" and 0 <= doc["level"] <= 5
    for c in ("weights", "technical_report", "training_code", "training_data", "data_pipeline"):
        assert doc["components"][c]["status"] in {"open", "partial", "closed", "unknown"}
    assert {"license", "classification", "warnings"} <= doc.keys()


def test_jsonl_streams_one_line_per_target_and_keeps_going_after_a_failure(model_dir: Path, tmp_path: Path) -> None:
    code, out, err = run("audit", "--format", "jsonl", str(model_dir), str(tmp_path / "missing"), str(model_dir))
    lines = [json.loads(line) for line in out.splitlines()]
    assert [d.get("error") is None for d in lines] == [True, False, True]
    assert "no such file or directory" in lines[1]["error"]
    assert code == 2 and "1 of 3 target(s) could not be audited" in err


def test_markdown_escapes_card_content(tmp_path: Path) -> None:
    d = tmp_path / "evil"
    d.mkdir()
    (d / "README.md").write_text("---\nlicense: mit\n---\n## Training data <script>alert(1)</script> [x](javascript:alert(1))\n")
    code, out, _ = run("audit", "--format", "markdown", str(d))
    assert code == 0 and "<script>" not in out


def test_explain_lists_every_rule_that_fired(model_dir: Path) -> None:
    code, out, _ = run("audit", "--explain", str(model_dir))
    assert code == 0 and "rule OPN-WEIGHTS-FILES → open (precedence 60, won)" in out


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda p: p, "no such file or directory"),
        (lambda p: (p.mkdir(), p)[1], "no model card (README.md)"),
        (lambda p: (p.write_bytes(b"\x00\x01binary"), p)[1], "binary file"),
    ],
    ids=["missing", "dir-without-card", "binary"],
)
def test_bad_paths_give_one_line_errors(tmp_path: Path, setup, message: str) -> None:  # type: ignore[no-untyped-def]
    target = setup(tmp_path / "thing.md")
    code, out, err = run("audit", str(target))
    assert code == 2
    assert message in out  # the error line is part of the report output, one line per failed target
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    "content, warning",
    [
        (b"---\nlicense: [oops\n---\nbody text\n", "malformed YAML"),
        (b"---\n- a list\n---\nbody\n", "not a mapping"),
        (b"", "card is empty"),
        ("---\nlicense: mit\n---\ncaf\xe9 body\n".encode("latin-1"), "not valid UTF-8"),
    ],
    ids=["malformed-yaml", "not-mapping", "empty", "latin-1"],
)
def test_odd_cards_give_a_report_with_a_warning(tmp_path: Path, content: bytes, warning: str) -> None:
    card = tmp_path / "odd.md"
    card.write_bytes(content)
    code, out, err = run("audit", "--format", "json", str(card))
    assert code == 0, err
    doc = json.loads(out)[0]
    assert any(warning in w for w in doc["warnings"]), doc["warnings"]


def test_huge_card_is_truncated_with_a_warning(tmp_path: Path) -> None:
    card = tmp_path / "huge.md"
    card.write_text("---\nlicense: mit\n---\n" + ("lorem ipsum dolor sit amet\n" * 800_000))  # ~21 MB
    code, out, _ = run("audit", "--format", "json", str(card))
    assert code == 0
    assert any("only the start was read" in w or "were read" in w for w in json.loads(out)[0]["warnings"])


def test_no_targets_is_a_usage_error() -> None:
    code, _, err = run("audit")
    assert code == 2 and "nothing to audit" in err


def test_from_file_reads_targets(model_dir: Path, tmp_path: Path) -> None:
    listing = tmp_path / "models.txt"
    listing.write_text(f"# models\n{model_dir}\n")
    code, out, _ = run("audit", "--format", "jsonl", "--from-file", str(listing))
    assert code == 0 and len(out.splitlines()) == 1


def test_terminal_output_strips_escape_sequences(tmp_path: Path) -> None:
    d = tmp_path / "esc"
    d.mkdir()
    (d / "README.md").write_text("---\nlicense: mit\n---\n## Training data\nTrained on data \x1b]8;;http://x\x07link\x1b[2J\n")
    code, out, _ = run("audit", str(d))
    assert code == 0 and "\x1b" not in out and "\x07" not in out


def test_format_can_come_from_the_environment(model_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["audit", str(model_dir)], env={"OPENNESS_AUDIT_FORMAT": "json"})
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["id"] == "acme/tiny"
