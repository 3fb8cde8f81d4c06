"""Threads only where an audit waits on I/O: Hub targets online go to one pool, on-disk targets
(local cards, the offline cache) run in the calling thread, and a registry build adds no pool."""

from __future__ import annotations

import threading
from pathlib import Path

from openness.audit import Auditor, AuditSettings, Pipeline
from openness.models import OpennessReport, Release
from openness.readers.base import LinkedSource
from openness.registry.build import build_report
from openness.registry.store import Registry
from tests.fakehub import FakeHub, fake_hub, hub_env  # noqa: F401 - fixtures

HUB_TARGETS = ["acme/open-7b", "gatedco/gated-8b", "acme/open-7b-instruct"]


class ThreadRecorder:
    """An evidence reader that reads nothing and notes the thread each release was judged on."""

    name = "thread-recorder"

    def __init__(self) -> None:
        self.threads: dict[str, str] = {}
        self.seen: set[threading.Thread] = set()  # kept alive: a thread of a pool made per target is a new object
        self._lock = threading.Lock()

    def read(self, release: Release) -> list[LinkedSource]:
        with self._lock:
            self.threads.setdefault(release.id, threading.current_thread().name)
            self.seen.add(threading.current_thread())
        return []


def recording(settings: AuditSettings) -> tuple[Auditor, ThreadRecorder]:
    auditor = Auditor.from_settings(settings)
    recorder = ThreadRecorder()
    p = auditor.pipeline
    auditor.pipeline = Pipeline(p.rules, p.catalogues, p.resolve_base, p.licenses, [recorder])
    return auditor, recorder


def local_cards(tmp_path: Path, n: int) -> list[str]:
    folder = tmp_path / "cards"
    folder.mkdir()
    paths = []
    for i in range(n):
        path = folder / f"acme__local-{i}.md"
        path.write_text(f"---\nlicense: apache-2.0\n---\n# Local {i}\n\nWeights in model.safetensors.\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def test_local_targets_run_in_the_calling_thread_and_hub_targets_on_the_pool(tmp_path: Path, hub_env: FakeHub) -> None:
    local = local_cards(tmp_path, 3)
    targets = [local[0], HUB_TARGETS[0], local[1], HUB_TARGETS[1], HUB_TARGETS[2], local[2]]
    auditor, recorder = recording(AuditSettings(endpoint=hub_env.url, cache_path=tmp_path / "c.sqlite", concurrency=4, read_links=False))
    results = list(auditor.audit_many(targets))
    assert all(isinstance(r, OpennessReport) for r in results)
    ids = [r.id for r in results]
    assert ids[1::2][:2] == HUB_TARGETS[:2] and ids[4] == HUB_TARGETS[2]  # input order kept
    here = threading.current_thread().name
    assert [recorder.threads[ids[i]] for i in (0, 2, 5)] == [here] * 3
    assert all(recorder.threads[t].startswith("audit_") for t in HUB_TARGETS)


def test_offline_everything_is_read_from_disk_one_after_another(tmp_path: Path, hub_env: FakeHub) -> None:
    cache = tmp_path / "c.sqlite"
    list(Auditor.from_settings(AuditSettings(endpoint=hub_env.url, cache_path=cache, read_links=False)).audit_many(HUB_TARGETS))
    auditor, recorder = recording(AuditSettings(endpoint=hub_env.url, cache_path=cache, offline=True, concurrency=4))
    results = list(auditor.audit_many(HUB_TARGETS + local_cards(tmp_path, 2)))
    assert all(isinstance(r, OpennessReport) for r in results)
    assert set(recorder.threads.values()) == {threading.current_thread().name}


def test_a_registry_build_audits_on_the_auditors_one_pool(tmp_path: Path, hub_env: FakeHub) -> None:
    releases = tmp_path / "releases"
    releases.mkdir()
    components = "".join(
        f'      {c}: {{status: closed, evidence: ["https://example.org/{c}"]}}\n'
        for c in ("weights", "technical_report", "training_code", "training_data", "data_pipeline")
    )
    body = "".join(
        f'  - id: {t}\n    name: {t.split("/")[1]}\n    hub_ids: ["{t}"]\n    level: 0\n    license: apache-2.0\n'
        f"    components:\n{components}"
        for t in HUB_TARGETS
    )
    (releases / "acme.yaml").write_text(f"family: Acme\norganisation: Acme\nverified: 2025-01-01\nreleases:\n{body}", encoding="utf-8")
    auditor, recorder = recording(AuditSettings(endpoint=hub_env.url, cache_path=tmp_path / "c.sqlite", concurrency=4, read_links=False))
    registry = Registry.load(releases)
    assert not registry.errors
    report = build_report(registry, auditor)
    assert {r.id: r.audit for r in report.releases} == dict.fromkeys(HUB_TARGETS, "ok")
    threads = {recorder.threads[t] for t in HUB_TARGETS}
    assert threads <= {f"audit_{i}" for i in range(4)}  # the auditor's pool, no build pool around it
    assert len(recorder.seen) == len({t.name for t in recorder.seen})  # and not a new pool for each target
