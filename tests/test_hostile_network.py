"""Slow, lying and redirecting servers (issue 13, items 4, 6 and 9), against the loopback fake Hub:
a total deadline per target, capped bodies, redirects only to the Hub itself, circuit breakers for
dataset and link lookups, word on stderr of what is awaited, and the token never shown or stored."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from openness import deadline
from openness.cli import cli
from openness.errors import SourceError
from openness.sources.web import WebOptions
from tests.fakehub import TEST_TOKEN, FakeHub, fake_hub, hub_env, make_source  # noqa: F401 - fixtures

INFO = r"^/api/models/acme/open-7b$"
README = r"^/acme/open-7b/resolve/.*/README.md$"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def audit(hub: FakeHub, tmp_path: Path, *targets: str, extra: tuple[str, ...] = ()) -> tuple[int, dict[str, dict[str, object]], str]:
    code, out, err = invoke(
        "audit", *targets, "--endpoint", hub.url, "--cache", str(tmp_path / "c.sqlite"), "--format", "jsonl", *extra
    )  # fmt: skip
    return code, {o["id"]: o for o in map(json.loads, out.splitlines())}, err


# ---------------------------------------------------------------- 4. deadlines


def test_a_readme_dripped_a_byte_at_a_time_ends_at_the_targets_deadline(hub_env: FakeHub, tmp_path: Path) -> None:
    hub_env.fault(README, body=b"# Open-7B\n" * 200, drip=0.05, times=-1)  # 100 s if read to the end
    code, reports, err = audit(hub_env, tmp_path, "acme/open-7b", "acme/open-7b-instruct", extra=("--deadline", "1.5"))
    assert code == 2, err
    assert "deadline of 2s for this target passed" in str(reports["acme/open-7b"]["error"])  # 1.5 s, shown rounded
    assert reports["acme/open-7b-instruct"]["level"] is not None  # the other target has its own deadline


def test_a_stalled_hub_costs_one_deadline_not_a_timeout_per_retry(hub_env: FakeHub, tmp_path: Path) -> None:
    hub_env.fault(INFO, stall=20, times=-1)
    code, reports, err = audit(hub_env, tmp_path, "acme/open-7b", extra=("--deadline", "1"))
    assert code == 2, err
    error = str(reports["acme/open-7b"]["error"])
    assert "deadline" in error and "reading acme/open-7b from the Hub" in error
    assert hub_env.count(INFO) <= 3  # the retries stopped with the deadline, not after 4 timeouts


def test_the_deadline_is_an_option_and_an_environment_variable(hub_env: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hub_env.fault(INFO, stall=20, times=-1)
    monkeypatch.setenv("OPENNESS_DEADLINE", "0.5")
    code, reports, _ = audit(hub_env, tmp_path, "acme/open-7b")
    assert code == 2
    assert "deadline" in str(reports["acme/open-7b"]["error"])


def test_a_slow_wait_is_reported_with_what_is_awaited(hub_env: FakeHub, tmp_path: Path) -> None:
    hub_env.fault(INFO, delay=1.0, times=1)
    lines: list[str] = []
    deadline.set_reporter(lines.append, after=0.2)
    try:
        with deadline.deadline(30):
            make_source(hub_env, tmp_path).fetch("acme/open-7b")
    finally:
        deadline.set_reporter(None)
    assert lines and lines[0].startswith("waiting for reading acme/open-7b from the Hub (")
    assert "gives up in" in lines[0]


def test_dataset_lookups_stop_after_the_first_one_fails(hub_env: FakeHub, tmp_path: Path) -> None:
    names = [f"acme/data-{i}" for i in range(10)]
    hub_env.add_model("acme/many-data", {"README.md": "---\nlicense: mit\ndatasets:\n" + "".join(f"- {n}\n" for n in names) + "---\n# M\n"})
    hub_env.fault(r"^/api/datasets/", stall=5, times=-1)
    source = make_source(hub_env, tmp_path, timeout=0.2, max_retries=1)
    release = source.fetch("acme/many-data")
    assert hub_env.count(r"^/api/datasets/") == 2  # the first dataset, tried twice; the nine others not at all
    statuses = release.dataset_status
    assert [statuses[n].status for n in names] == ["unknown"] * 10
    assert all("not looked up: an earlier dataset lookup failed" in statuses[n].note for n in names[1:])


def test_link_checks_stop_asking_a_host_that_failed(hub_env: FakeHub, tmp_path: Path) -> None:
    card = "---\nlicense: mit\n---\n# M\n" + "".join(f"Code: https://github.com/acme-ai/repo{i}\n" for i in range(5))
    hub_env.add_model("acme/links", {"README.md": card})
    for i in range(5):
        hub_env.web[f"/gh/acme-ai/repo{i}/HEAD/README.md"] = b"# repo\n"
    hub_env.fault(r"^/gh/", stall=5, times=-1)
    web = WebOptions(github_raw=hub_env.url + "/gh", arxiv=hub_env.url + "/arxiv", timeout=0.2)
    release = make_source(hub_env, tmp_path, follow_links=True, web=web).fetch("acme/links")
    assert hub_env.count(r"^/gh/") == 1
    assert {link.status for link in release.links if link.kind == "code"} == {"unreachable"}


# ---------------------------------------------------------------- 9. body caps and redirects


def test_a_huge_model_info_answer_is_refused_and_not_cached(hub_env: FakeHub, tmp_path: Path) -> None:
    body = json.dumps({"id": "acme/open-7b", "sha": "1" * 40, "cardData": {"pad": "x" * 11_000_000}}).encode()
    hub_env.fault(INFO, body=body, times=-1)
    code, reports, err = audit(hub_env, tmp_path, "acme/open-7b")
    assert code == 2, err
    assert "larger than 10,000,000 bytes; not read" in str(reports["acme/open-7b"]["error"])
    cache = tmp_path / "c.sqlite"
    if cache.exists():  # opened only when something was to be cached
        db = sqlite3.connect(cache)
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'models'").fetchone() == (0,) or db.execute(
            "SELECT count(*) FROM models"
        ).fetchone() == (0,)
        db.close()


@pytest.mark.parametrize("claimed", [10, 90_000_000], ids=["shorter", "longer"])
def test_a_lying_content_length_is_that_targets_error_not_a_hang(hub_env: FakeHub, tmp_path: Path, claimed: int) -> None:
    hub_env.fault(INFO, body=b'{"id": "acme/open-7b", "sha": "' + b"1" * 40 + b'"}', content_length=claimed, times=-1)
    code, reports, err = audit(hub_env, tmp_path, "acme/open-7b", "acme/open-7b-instruct", extra=("--deadline", "10"))
    assert code == 2, err
    assert reports["acme/open-7b"]["kind"] == "SourceError"
    assert reports["acme/open-7b-instruct"]["level"] is not None


def test_a_redirect_to_another_port_is_not_followed(hub_env: FakeHub, tmp_path: Path) -> None:
    with FakeHub() as elsewhere:
        hub_env.fault(INFO, redirect=elsewhere.url + "/api/models/acme/open-7b", times=-1)
        with pytest.raises(SourceError, match=r"redirected to '127\.0\.0\.1:\d+', which is not the Hub; not followed"):
            make_source(hub_env, tmp_path).fetch("acme/open-7b")
        assert elsewhere.count() == 0


def test_a_redirect_loop_is_bounded(hub_env: FakeHub, tmp_path: Path) -> None:
    hub_env.fault(INFO, redirect="/api/models/acme/open-7b", times=-1)
    with pytest.raises(SourceError, match="more than 5 redirects"):
        make_source(hub_env, tmp_path).fetch("acme/open-7b")
    assert hub_env.count(INFO) == 6


def test_a_redirect_within_the_hub_is_followed(hub_env: FakeHub, tmp_path: Path) -> None:
    hub_env.fault(r"^/api/models/acme/old-name$", redirect="/api/models/acme/open-7b", times=-1)
    release = make_source(hub_env, tmp_path).fetch("acme/old-name")
    assert release.sha == "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"  # acme/open-7b's, reached by the redirect
    assert hub_env.count(INFO) == 1


def test_a_link_redirect_to_another_host_is_not_followed(hub_env: FakeHub, tmp_path: Path) -> None:
    with FakeHub() as elsewhere:
        elsewhere.web["/x"] = b"hello"
        hub_env.fault(r"^/gh/", redirect=elsewhere.url + "/x", times=-1)
        web = WebOptions(github_raw=hub_env.url + "/gh", arxiv=hub_env.url + "/arxiv")
        release = make_source(hub_env, tmp_path, follow_links=True, web=web).fetch("acme/open-7b")
        assert {lk.status for lk in release.links if lk.kind == "code"} == {"unreachable"}
        assert elsewhere.count() == 0


# ---------------------------------------------------------------- 6. the token is never shown or stored

SHAPED = "hf_" + "Zq9" * 12  # a token-shaped word that is not the configured token


def test_a_server_echoing_the_token_never_gets_it_shown_or_stored(hub_env: FakeHub, tmp_path: Path) -> None:
    echo = f"bad credentials {TEST_TOKEN} (also {SHAPED})"
    hub_env.fault(INFO, status=403, error_message=echo, times=-1)
    hub_env.fault(r"^/api/datasets/", status=500, error_message=echo, times=-1)
    code, out, err = invoke(
        "audit", "acme/open-7b", "acme/open-7b-instruct", "--token", TEST_TOKEN, "--endpoint", hub_env.url,
        "--cache", str(tmp_path / "c.sqlite"), "--format", "json",
    )  # fmt: skip
    assert code == 2
    assert "[redacted]" in out
    for text in (out, err):
        assert TEST_TOKEN not in text and SHAPED not in text
    cache = (tmp_path / "c.sqlite").read_bytes()
    assert TEST_TOKEN.encode() not in cache and SHAPED.encode() not in cache


def test_registry_reports_and_history_never_hold_an_echoed_token(hub_env: FakeHub, tmp_path: Path) -> None:
    registry = tmp_path / "releases"
    registry.mkdir()
    components = "".join(
        f"      {c}: {{status: closed, evidence: ['https://huggingface.co/acme/open-7b']}}\n"
        for c in ("weights", "technical_report", "training_code", "training_data", "data_pipeline")
    )
    (registry / "acme.yaml").write_text(
        "family: Acme\norganisation: Acme\nverified: 2026-11-01\nreleases:\n"
        "  - id: acme/open-7b\n    name: Open 7B\n    hub_ids: [acme/open-7b]\n    level: 0\n    license: mit\n"
        "    components:\n" + components
    )
    hub_env.fault(INFO, status=403, error_message=f"upstream said {TEST_TOKEN}", times=-1)
    history = tmp_path / "h.sqlite"
    outputs = [tmp_path / f"r.{ext}" for ext in ("html", "json", "csv", "md")]
    code, out, err = invoke(
        "registry", "build", "--registry", str(registry), "--history", str(history), "--cache", str(tmp_path / "c.sqlite"),
        "--endpoint", hub_env.url, "--token", TEST_TOKEN, *[a for p in outputs for a in ("-o", str(p))],
    )  # fmt: skip
    assert code == 2 and "nothing could be audited" in err, err  # the only audit failed: reports written, exit 2
    for text in [out, err, *(p.read_text() for p in outputs)]:
        assert TEST_TOKEN not in text
    assert "upstream said [redacted]" in outputs[1].read_text()
    assert TEST_TOKEN.encode() not in history.read_bytes()
