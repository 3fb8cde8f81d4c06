"""Faults the Hub can throw: rate limits, server errors, slow and broken answers. All bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.errors import SourceError
from tests.fakehub import FakeHub, fake_hub, hub_env, make_source  # noqa: F401 - fixtures

INFO = r"^/api/models/acme/open-7b$"


def test_a_429_is_retried_after_the_time_the_hub_asks_for(tmp_path: Path, hub_env: FakeHub) -> None:
    hub_env.fault(INFO, status=429, retry_after=1, times=1)
    release = make_source(hub_env, tmp_path).fetch("acme/open-7b")
    assert release.sha is not None
    assert hub_env.count(INFO) == 2


def test_a_429_asking_for_too_long_a_wait_gives_up_at_once(tmp_path: Path, hub_env: FakeHub) -> None:
    hub_env.fault(INFO, status=429, retry_after=3600, times=-1)
    with pytest.raises(SourceError, match=r"rate limited by the Hub \(HTTP 429\).*wait 3600s, more than the 30s allowed"):
        make_source(hub_env, tmp_path).fetch("acme/open-7b")
    assert hub_env.count(INFO) == 1


def test_server_errors_are_retried_a_bounded_number_of_times(tmp_path: Path, hub_env: FakeHub) -> None:
    hub_env.fault(INFO, status=500, times=-1)
    with pytest.raises(SourceError, match="HTTP 500; gave up after 4 attempts"):
        make_source(hub_env, tmp_path).fetch("acme/open-7b")
    assert hub_env.count(INFO) == 4


def test_a_passing_server_error_is_ridden_out(tmp_path: Path, hub_env: FakeHub) -> None:
    hub_env.fault(INFO, status=503, times=2)
    hub_env.fault(r"/resolve/.*/README.md$", status=502, times=1)
    release = make_source(hub_env, tmp_path).fetch("acme/open-7b")
    assert "Open-7B" in release.card_text
    assert hub_env.count(INFO) == 3


def test_a_slow_answer_times_out_and_is_retried(tmp_path: Path, hub_env: FakeHub) -> None:
    hub_env.fault(INFO, delay=1.5, times=1)
    release = make_source(hub_env, tmp_path, timeout=0.3).fetch("acme/open-7b")
    assert release.sha is not None and hub_env.count(INFO) == 2


def test_an_answer_that_never_comes_in_time_is_a_source_error(tmp_path: Path, hub_env: FakeHub) -> None:
    hub_env.fault(INFO, delay=0.6, times=-1)
    with pytest.raises(SourceError, match="did not answer in time; gave up after 2 attempts"):
        make_source(hub_env, tmp_path, timeout=0.2, max_retries=1).fetch("acme/open-7b")


def test_a_truncated_body_is_retried(tmp_path: Path, hub_env: FakeHub) -> None:
    hub_env.fault(INFO, truncate=True, times=1)
    hub_env.fault(r"/resolve/.*/LICENSE$", truncate=True, times=1)
    release = make_source(hub_env, tmp_path).fetch("acme/open-7b")
    assert "Apache License" in release.license_files["LICENSE"]


def test_a_file_that_is_always_truncated_is_a_source_error(tmp_path: Path, hub_env: FakeHub) -> None:
    hub_env.fault(r"/resolve/.*/README.md$", truncate=True, times=-1)
    with pytest.raises(SourceError, match="reading README.md of acme/open-7b: connection problem"):
        make_source(hub_env, tmp_path).fetch("acme/open-7b")


def test_malformed_json_is_a_source_error(tmp_path: Path, hub_env: FakeHub) -> None:
    hub_env.fault(INFO, malformed=True, times=-1)
    with pytest.raises(SourceError, match="malformed answer from the Hub"):
        make_source(hub_env, tmp_path).fetch("acme/open-7b")


def test_a_403_on_the_info_call_is_an_access_error(tmp_path: Path, hub_env: FakeHub) -> None:
    from openness.errors import AccessError

    hub_env.fault(INFO, status=403, error_message="Forbidden for this token", times=-1)
    with pytest.raises(AccessError, match="access refused .HTTP 403: Forbidden for this token."):
        make_source(hub_env, tmp_path).fetch("acme/open-7b")
    assert hub_env.count(INFO) == 1


def test_dataset_lookup_failures_leave_the_status_unknown(tmp_path: Path, hub_env: FakeHub) -> None:
    hub_env.fault(r"^/api/datasets/", status=500, times=-1)
    release = make_source(hub_env, tmp_path, max_retries=1).fetch("acme/open-7b")
    assert release.dataset_status["acme/open-corpus"].status == "unknown"
    assert "HTTP 500" in release.dataset_status["acme/open-corpus"].note
