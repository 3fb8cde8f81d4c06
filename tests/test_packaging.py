"""The wheel carries rules/ and registry/ and the package finds them without the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot build a wheel here (no build backend available?): {proc.stderr.strip()[-300:]}")
    return next(out.glob("openness-*.whl"))


def test_wheel_contains_rules_and_registry(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "openness/_data/rules/openness/weights.yaml" in names
    assert any(n.startswith("openness/_data/registry/datasets/") for n in names)
    assert any(n.startswith("openness/_data/registry/papers/") for n in names)


def test_installed_wheel_runs_without_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    card = tmp_path / "card.md"
    card.write_text("---\nlicense: mit\n---\n# m\nTrained with [GPT-NeoX](https://github.com/EleutherAI/gpt-neox).\n")
    code = (
        "import openness, sys; from openness.resources import data_dir; from openness.cli import main;"
        "assert str(data_dir('rules')).startswith(sys.argv[1]), data_dir('rules');"
        "sys.argv=['openness','audit','--format','json',sys.argv[2]]; main()"
    )
    env = dict(os.environ, PYTHONPATH=str(target))
    proc = subprocess.run([sys.executable, "-c", code, str(target), str(card)], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert '"training_code"' in proc.stdout
