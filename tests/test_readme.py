"""The README's sample output is what the tool prints: each ```text block of the quick start and the
worked audits that starts with `$ openness ...` is run (at 100 columns, no colour, a fresh cache) and
its lines compared; a block ending in `  ...` shows the start of the output."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```text\n\$ (openness [^\n]+)\n(.*?)```", re.S)


def samples() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = text.index("## Quick start"), text.index("## The openness scale")
    return BLOCK.findall(text[start:end])


def test_the_readme_has_a_worked_sample_per_question() -> None:
    commands = [cmd for cmd, _ in samples()]
    assert any(c.startswith("openness audit examples/") for c in commands)  # how open
    assert any("--offline meta-llama/" in c and c.startswith("openness audit") for c in commands)  # licence terms
    assert any(c.startswith("openness check") for c in commands)  # may we adopt it


@pytest.mark.parametrize(("command", "shown"), samples(), ids=[cmd for cmd, _ in samples()])
def test_readme_sample_output_matches_the_tool(command: str, shown: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENNESS_", "HF_"))}
    env.update(COLUMNS="100", NO_COLOR="1", XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    argv = shlex.split(command)
    proc = subprocess.run([sys.executable, "-m", "openness.cli", *argv[1:]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    expected = shown.rstrip("\n").split("\n")
    actual = proc.stdout.rstrip("\n").split("\n")
    if expected[-1].strip() == "...":
        expected = expected[:-1]
        actual = actual[: len(expected)]
    assert actual == expected
