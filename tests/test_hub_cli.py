"""``openness audit ORG/NAME`` end to end: the real CLI against the fake Hub on loopback."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from openness.cli import cli
from tests.fakehub import TEST_TOKEN, FakeHub, fake_hub, hub_env  # noqa: F401 - fixtures


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["audit", *args], env=env, catch_exceptions=False)


def test_audit_a_hub_model_through_hf_endpoint(hub_env: FakeHub, tmp_path: Path) -> None:
    result = run("acme/open-7b-instruct", "--format", "json", "--cache", str(tmp_path / "c.sqlite"))
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)[0]
    assert report["id"] == "acme/open-7b-instruct" and report["source"] == "hub"
    assert report["sha"] == "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e"
    assert report["chain"][0]["id"] == "acme/open-7b" and report["chain"][0]["source"] == "hub"
    assert hub_env.count(r"^/api/models/") == 2


def test_endpoint_option_wins_over_hf_endpoint(fake_hub: FakeHub, tmp_path: Path) -> None:
    env = {"HF_ENDPOINT": "http://127.0.0.1:9", "XDG_CACHE_HOME": str(tmp_path), "HF_HUB_OFFLINE": "0"}
    result = run("acme/open-7b", "--endpoint", fake_hub.url, env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("acme/open-7b  L4")


def test_text_output_shows_the_chain_and_gating(hub_env: FakeHub) -> None:
    result = run("acme/open-7b-instruct", "gatedco/gated-8b")
    assert result.exit_code == 0, result.stderr
    assert "derived from acme/open-7b (hub, L4)" in result.stdout
    assert "warning: could not read README.md, LICENSE, USE_POLICY.md (gated" in result.stdout


def test_not_found_exits_2_and_keeps_the_other_results(hub_env: FakeHub) -> None:
    result = run("acme/open-7b", "acme/nothing-here", "--format", "jsonl")
    assert result.exit_code == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["acme/open-7b", "acme/nothing-here"]
    assert lines[1]["error"].startswith("model not found: acme/nothing-here")
    assert "1 of 2 target(s) could not be audited" in result.stderr


def test_invalid_ids_make_no_request(hub_env: FakeHub) -> None:
    result = run("acme/open 7b", "https://huggingface.co/acme/open-7b", "acme/..", "x" * 300 + "/y")
    assert result.exit_code == 2
    assert hub_env.count() == 0
    assert "acme/open 7b: error: not a local path or a model id: acme/open 7b (spaces are not allowed)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_offline_flag_and_env(hub_env: FakeHub) -> None:
    assert run("acme/open-7b").exit_code == 0
    hub_env.reset()
    for args, env in ((["--offline"], None), ([], {"HF_HUB_OFFLINE": "1"}), ([], {"OPENNESS_OFFLINE": "true"})):
        result = run("acme/open-7b", *args, env=env)
        assert result.exit_code == 0, result.stderr
        assert "warning: offline: Hub data from the cache, fetched less than a minute ago" in result.stdout
    assert hub_env.count() == 0
    missing = run("acme/open-7b-instruct", "--offline")
    assert missing.exit_code == 2 and "is not in the cache" in missing.stdout


def test_cache_env_var(hub_env: FakeHub, tmp_path: Path) -> None:
    path = tmp_path / "env-cache.sqlite"
    assert run("acme/open-7b", env={"OPENNESS_CACHE": str(path)}).exit_code == 0
    assert path.is_file()


def test_concurrency_keeps_the_input_order(hub_env: FakeHub) -> None:
    targets = ["loop/a", "acme/open-7b", "acme/nothing-here", "gatedco/gated-8b", "acme/open-7b-instruct", "loop/b"]
    result = run(*targets, "--format", "jsonl", "--concurrency", "4")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == targets
    assert result.exit_code == 2


def test_the_token_is_never_printed_logged_or_cached(hub_env: FakeHub, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    cache = tmp_path / "c.sqlite"
    token_file = tmp_path / "token"
    token_file.write_text(TEST_TOKEN + "\n")
    outputs: list[str] = []
    for args, env in (
        (["--token", TEST_TOKEN], None),
        (["--token-file", str(token_file)], None),
        ([], {"HF_TOKEN": TEST_TOKEN}),
        (["--explain"], {"OPENNESS_TOKEN": TEST_TOKEN}),
    ):
        for fmt in ("text", "json", "markdown"):
            result = run("gatedco/gated-8b", "acme/private-7b", "acme/nothing-here", "--format", fmt, "--cache", str(cache), *args, env=env)
            outputs += [result.stdout, result.stderr]
            assert result.exit_code == 2  # acme/nothing-here
    assert all(r.authorized for r in hub_env.requests)
    assert any(o.startswith("acme/private-7b  L") or "\nacme/private-7b  L" in o for o in outputs)  # read with the token
    assert TEST_TOKEN not in "".join(outputs)
    assert TEST_TOKEN not in caplog.text
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("c.sqlite*"))
    assert blob and TEST_TOKEN.encode() not in blob
    assert "--token TOKEN" in run("--help").stdout and TEST_TOKEN not in run("--help", env={"HF_TOKEN": TEST_TOKEN}).stdout


def test_an_unreadable_token_file_is_a_one_line_error(hub_env: FakeHub, tmp_path: Path) -> None:
    result = run("acme/open-7b", "--token-file", str(tmp_path / "absent"))
    assert result.exit_code == 2
    assert result.stderr.startswith("openness: error: cannot read the token file")
