"""One writer for every ``-o`` path (issue 13, item 5): atomic for regular files, in place for devices
and FIFOs, symlinks never replaced, no directory created unless asked."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from openness.cli import cli
from openness.errors import InputError
from openness.output import write_output

ROOT = Path(__file__).resolve().parent.parent
CARD = ROOT / "tests" / "fixtures" / "policy" / "models" / "acme__apache-tiny"
POLICY = ROOT / "examples" / "policies" / "startup-commercial.yaml"


def test_a_symlink_is_kept_and_what_it_points_to_is_written(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_output(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_dangling_symlink_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(InputError, match="symlink .* does not exist"):
        write_output(link, "x")
    assert not (tmp_path / "nowhere.md").exists()


def test_dev_null_stays_a_device() -> None:
    write_output(Path("/dev/null"), "discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    write_output(fifo, "through the pipe")
    reader.join(timeout=30)
    assert got == ["through the pipe"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        write_output(tmp_path, "x")


def test_an_existing_files_mode_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    target.write_text("old")
    target.chmod(0o600)
    write_output(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_text() == "new"


def test_registry_build_creates_no_directory_unless_asked(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "report.md"
    base = ["registry", "build", "--offline", "--no-history", "-o", str(out)]
    res = CliRunner().invoke(cli, base)
    assert res.exit_code == 2 and "does not exist (create it, or pass --mkdir)" in res.stderr
    assert not out.parent.exists()
    res = CliRunner().invoke(cli, [*base, "--mkdir"])
    assert res.exit_code == 0, res.stderr
    assert out.read_text().startswith("#")


def test_check_dash_o_dash_is_stdout() -> None:
    res = CliRunner().invoke(cli, ["check", str(CARD), "--policy", str(POLICY), "--format", "sarif", "-o", "-"])
    assert res.exit_code in (0, 1), res.stderr
    assert json.loads(res.stdout)["version"] == "2.1.0"


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE disk-full simulation is Linux-specific")
def test_check_on_a_full_disk_keeps_the_old_sarif_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    target.write_text('{"version": "2.1.0", "runs": []}')
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))\n"
        "from openness.cli import main\n"
        "sys.argv = ['openness', 'check', sys.argv[2], '--policy', sys.argv[3], '--offline', '--format', 'sarif', '-o', sys.argv[1]]\n"
        "main()\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", code, str(target), str(CARD), str(POLICY)], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 2, proc.stderr
    assert "openness: error: cannot write" in proc.stderr and "Traceback" not in proc.stderr
    assert json.loads(target.read_text()) == {"version": "2.1.0", "runs": []}
    assert [p.name for p in tmp_path.iterdir()] == ["report.sarif"]
