"""The SQLite cache: warm audits, offline answers, and cache files that cannot be used."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from openness.cache import HubCache, default_cache_path, describe_age
from openness.errors import SourceError
from openness.sources.hub import HubOptions, HubSource
from tests.fakehub import FakeHub, fake_hub, hub_env  # noqa: F401 - fixtures


def make_source(hub: FakeHub, cache: Path, offline: bool = False) -> HubSource:
    return HubSource(HubOptions(endpoint=hub.url, cache_path=cache, offline=offline, backoff=0.01))


def test_default_path_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_path() == tmp_path / "openness" / "hub.sqlite"


def test_latest_and_revisions_are_exposed_for_other_readers(tmp_path: Path, hub_env: FakeHub) -> None:
    source = make_source(hub_env, tmp_path / "c.sqlite")
    source.fetch("acme/open-7b@v1.0")
    source.fetch("acme/open-7b")
    cache = HubCache(tmp_path / "c.sqlite")
    latest = cache.latest("ACME/open-7b")
    assert latest is not None and latest.sha == "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
    assert latest.record["cardData"]["license"] == "apache-2.0"
    v1 = cache.model("acme/open-7b", "v1.0")
    assert v1 is not None and v1.sha.startswith("0f0e0d")
    assert cache.model("acme/open-7b", v1.sha) == v1
    assert "Apache License" in (cache.files("acme/open-7b", latest.sha, ["LICENSE"])["LICENSE"] or "")


def test_offline_answers_from_the_cache_and_says_how_old_it_is(tmp_path: Path, hub_env: FakeHub) -> None:
    make_source(hub_env, tmp_path / "c.sqlite").fetch("acme/open-7b-instruct")
    hub_env.reset()
    release = make_source(hub_env, tmp_path / "c.sqlite", offline=True).fetch("acme/open-7b-instruct")
    assert hub_env.count() == 0
    assert release.warnings[0].startswith("offline: Hub data from the cache, fetched less than a minute ago (")
    assert "Open-7B-Instruct" in release.card_text and "LICENSE" in release.license_files
    assert release.dataset_status["acme/chat-mix"].status == "gated"


def test_offline_without_a_cached_copy_is_a_clear_error(tmp_path: Path, hub_env: FakeHub) -> None:
    with pytest.raises(SourceError, match="offline: acme/open-7b is not in the cache; audit it once online first"):
        make_source(hub_env, tmp_path / "c.sqlite", offline=True).fetch("acme/open-7b")
    assert hub_env.count() == 0


def test_hf_hub_offline_means_offline(tmp_path: Path, hub_env: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    source = HubSource.from_settings(None)
    assert source.options.offline
    with pytest.raises(SourceError, match="offline"):
        source.fetch("acme/open-7b")
    assert hub_env.count() == 0


def test_a_corrupt_cache_file_is_a_warning_and_a_fresh_fetch(tmp_path: Path, hub_env: FakeHub) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    release = make_source(hub_env, path).fetch("acme/open-7b")
    assert release.sha is not None
    assert any("is unreadable" in w and "moved aside" in w for w in release.warnings)
    assert list(tmp_path.glob("c.sqlite.corrupt-*"))
    hub_env.reset()
    make_source(hub_env, path).fetch("acme/open-7b")  # the fresh file works again
    assert hub_env.count() == 1


def test_a_locked_cache_file_is_a_warning_and_a_fresh_fetch(tmp_path: Path, hub_env: FakeHub) -> None:
    path = tmp_path / "c.sqlite"
    HubCache(path).put_dataset("warm/up", {"status": "public"})
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        source = HubSource(HubOptions(endpoint=hub_env.url, cache_path=path), HubCache(path, busy_timeout=0.05))
        release = source.fetch("acme/open-7b")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert release.sha is not None and "Open-7B" in release.card_text
    assert any("locked" in w for w in release.warnings)


def test_an_unwritable_cache_location_is_a_warning(tmp_path: Path, hub_env: FakeHub) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    release = make_source(hub_env, blocker / "sub" / "c.sqlite").fetch("acme/open-7b")
    assert release.sha is not None
    assert any("cannot be used" in w for w in release.warnings)


def test_a_changed_model_is_fetched_again(tmp_path: Path, fake_hub: FakeHub) -> None:
    repo = fake_hub.add_model("acme/moving", {"README.md": "# one\n"})
    make_source(fake_hub, tmp_path / "c.sqlite").fetch("acme/moving")
    repo.files["README.md"] = b"# two\n"
    repo.info["sha"] = "f" * 40
    fake_hub.reset()
    release = make_source(fake_hub, tmp_path / "c.sqlite").fetch("acme/moving")
    assert release.card_text.strip() == "# two" and fake_hub.count() == 2


def test_describe_age() -> None:
    assert describe_age(30) == "less than a minute"
    assert describe_age(3 * 86400 + 5) == "3 days"
    assert describe_age(3600) == "1 hour"
