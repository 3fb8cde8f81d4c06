"""The Hub source against the loopback fake Hub: requests made, release built, errors typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from openness.audit import Auditor, AuditSettings, Pipeline
from openness.chain import RegistryResolver, SourceResolver, first_of
from openness.datasets import DatasetCatalogue
from openness.engine.facts import Catalogues
from openness.engine.rules import RuleSet
from openness.errors import InputError, NotFoundError
from openness.models import AuditError, OpennessReport, Status
from openness.papers import PaperCatalogue
from openness.registry.models import CuratedComponent, CuratedRelease, RegistryFamily
from openness.registry.store import Registry
from openness.sources.hub import MODEL_FIELDS, HubSource, fetch_release
from openness.sources.ids import is_hub_id
from tests.fakehub import TEST_TOKEN, FakeHub, fake_hub, hub_env, make_source  # noqa: F401 - fixtures

OPEN_SHA = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"


def test_handles_valid_ids_that_are_not_local_paths(tmp_path: Path, hub_env: FakeHub) -> None:
    source = make_source(hub_env, tmp_path)
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "model").mkdir()
    assert source.handles("acme/open-7b")
    assert source.handles("acme/open-7b@v1.0")
    assert not source.handles("acme/open 7b")
    assert not source.handles(str(tmp_path / "org" / "model"))


def test_a_cold_audit_costs_the_info_call_and_one_call_per_file(tmp_path: Path, hub_env: FakeHub) -> None:
    release = make_source(hub_env, tmp_path).fetch("acme/open-7b")
    paths = [r.path for r in hub_env.requests]
    assert paths == [
        "/api/models/acme/open-7b",
        f"/acme/open-7b/resolve/{OPEN_SHA}/README.md",
        f"/acme/open-7b/resolve/{OPEN_SHA}/LICENSE",
        "/api/datasets/acme/open-corpus",
    ]
    assert set(hub_env.requests[0].query["expand"]) == set(MODEL_FIELDS)
    assert release.source == "hub" and release.sha == OPEN_SHA
    assert release.last_modified == "2024-09-27T15:52:39Z"
    assert "model-00001-of-00002.safetensors" in release.files and release.files_known
    assert release.metadata["license"] == "apache-2.0"
    assert "Apache License" in release.license_files["LICENSE"]
    assert "## Training Data" in release.card_text or any(s.heading == "Training Data" for s in release.sections)
    assert {(link.kind, link.target) for link in release.links} >= {("arxiv", "2402.00838"), ("code", "acme-ai/open-train")}
    assert release.dataset_status["acme/open-corpus"].status == "public"
    assert release.dataset_status["acme/open-corpus"].license == "odc-by"
    assert release.gated is False and release.unreadable == []


def test_a_warm_audit_of_an_unchanged_model_costs_one_info_call(tmp_path: Path, hub_env: FakeHub) -> None:
    make_source(hub_env, tmp_path).fetch("acme/open-7b-instruct")
    hub_env.reset()
    release = make_source(hub_env, tmp_path).fetch("acme/open-7b-instruct")
    assert [r.path for r in hub_env.requests] == ["/api/models/acme/open-7b-instruct"]
    assert "Open-7B-Instruct" in release.card_text
    assert release.dataset_status["acme/chat-mix"].status == "gated"


def test_a_revision_is_asked_for_and_files_are_pinned_to_its_sha(tmp_path: Path, hub_env: FakeHub) -> None:
    release = make_source(hub_env, tmp_path).fetch("acme/open-7b@v1.0")
    sha = "0f0e0d0c0b0a09080706050403020100f0e0d0c0"
    assert hub_env.requests[0].path == "/api/models/acme/open-7b/revision/v1.0"
    assert all(sha in r.path for r in hub_env.requests if "/resolve/" in r.path)
    assert release.revision == "v1.0" and release.sha == sha


def test_a_wrong_revision_is_a_clear_error(tmp_path: Path, hub_env: FakeHub) -> None:
    with pytest.raises(NotFoundError, match="revision not found: 'no-such-branch' of acme/open-7b"):
        make_source(hub_env, tmp_path).fetch("acme/open-7b@no-such-branch")


def test_a_missing_model_is_not_found(tmp_path: Path, hub_env: FakeHub) -> None:
    with pytest.raises(NotFoundError, match="model not found: acme/nothing-here"):
        make_source(hub_env, tmp_path).fetch("acme/nothing-here")


def test_an_invalid_id_is_refused_before_any_request(tmp_path: Path, hub_env: FakeHub) -> None:
    with pytest.raises(InputError):
        make_source(hub_env, tmp_path).fetch("acme/../open-7b")
    assert hub_env.count() == 0


def test_a_private_model_needs_a_token(tmp_path: Path, hub_env: FakeHub) -> None:
    with pytest.raises(NotFoundError, match="give a token"):
        make_source(hub_env, tmp_path).fetch("acme/private-7b")
    release = make_source(hub_env, tmp_path, token=TEST_TOKEN).fetch("acme/private-7b")
    assert "Private-7B" in release.card_text


def test_a_gated_model_is_judged_from_its_visible_metadata(tmp_path: Path, hub_env: FakeHub) -> None:
    release = make_source(hub_env, tmp_path).fetch("gatedco/gated-8b")
    assert release.gated == "manual"
    assert release.metadata["license_name"] == "gatedco-community"
    assert "model-00004-of-00004.safetensors" in release.files
    assert release.card_text == "" and release.license_files == {}
    assert sorted(u.split(":")[0] for u in release.unreadable) == ["LICENSE", "README.md", "USE_POLICY.md"]
    assert all("gated" in u for u in release.unreadable)
    assert any(w.startswith("could not read README.md, LICENSE, USE_POLICY.md (gated") for w in release.warnings)
    statuses = [r for r in hub_env.requests if "/resolve/" in r.path]
    assert len(statuses) == 3  # tried once each, no retries on 401


def test_a_gated_model_with_a_token_that_has_access_is_read_in_full(tmp_path: Path, hub_env: FakeHub) -> None:
    release = make_source(hub_env, tmp_path, token=TEST_TOKEN).fetch("gatedco/gated-8b")
    assert release.unreadable == []
    assert set(release.license_files) == {"LICENSE", "USE_POLICY.md"}
    assert "Acceptable Use Policy" in release.license_files["LICENSE"]
    assert all(r.authorized for r in hub_env.requests)


def test_a_token_without_access_to_a_gated_model_gets_403(tmp_path: Path, hub_env: FakeHub) -> None:
    release = make_source(hub_env, tmp_path, token="hf_NotOnTheAuthorisedList").fetch("gatedco/gated-8b")
    assert len(release.unreadable) == 3 and "gated" in release.unreadable[0]


def test_gated_files_are_not_cached_so_a_later_token_reads_them(tmp_path: Path, hub_env: FakeHub) -> None:
    make_source(hub_env, tmp_path).fetch("gatedco/gated-8b")
    release = make_source(hub_env, tmp_path, token=TEST_TOKEN).fetch("gatedco/gated-8b")
    assert release.unreadable == [] and "GATEDCO" in release.license_files["LICENSE"]


def test_named_datasets_are_looked_up_on_the_hub(tmp_path: Path, hub_env: FakeHub) -> None:
    release = make_source(hub_env, tmp_path).fetch("acme/open-7b-instruct")
    status = release.dataset_status
    assert status["acme/chat-mix"].status == "gated" and status["acme/chat-mix"].license == "cc-by-4.0"
    assert status["acme/missing-data"].status == "not_found"
    assert release.base_models == ["acme/open-7b"] and release.base_relation == "finetune"


def test_legacy_single_name_datasets_are_looked_up(tmp_path: Path, fake_hub: FakeHub) -> None:
    fake_hub.add_model(
        "acme/wiki-tiny",
        {"README.md": "---\ndatasets: [wikipedia]\n---\n# Wiki tiny\n", "model.safetensors": b"\0"},
        cardData={"datasets": ["wikipedia"]},
    )
    release = make_source(fake_hub, tmp_path).fetch("acme/wiki-tiny")
    assert release.dataset_status["wikipedia"].status == "public"
    assert release.dataset_status["wikipedia"].license == "cc-by-sa-3.0, gfdl"


def test_an_oversized_readme_is_cut_at_the_limit(tmp_path: Path, fake_hub: FakeHub) -> None:
    big = "---\nlicense: mit\n---\n# Big\n\n" + ("lorem ipsum " * 500_000)  # about 6 MB
    fake_hub.add_model("acme/big-card", {"README.md": big, "model.safetensors": b"\0"})
    release = make_source(fake_hub, tmp_path).fetch("acme/big-card")
    assert any("README.md is larger than 5,000,000 bytes" in w for w in release.warnings)
    assert release.metadata["license"] == "mit"


def test_a_file_missing_at_the_commit_is_skipped_quietly(tmp_path: Path, fake_hub: FakeHub) -> None:
    repo = fake_hub.add_model("acme/listed-only", {"README.md": "# Listed\n"})
    repo.info["siblings"].append({"rfilename": "LICENSE"})
    fake_hub.fault(r"/resolve/.*/LICENSE$", status=404, error_code="EntryNotFound", times=-1)
    release = make_source(fake_hub, tmp_path).fetch("acme/listed-only")
    assert release.license_files == {} and release.unreadable == []


def test_fetch_release_reads_endpoint_and_cache_from_settings(tmp_path: Path, hub_env: FakeHub) -> None:
    settings = AuditSettings(endpoint=hub_env.url, cache_path=tmp_path / "c.sqlite")
    release = fetch_release("acme/open-7b", settings)
    assert release.sha == OPEN_SHA and (tmp_path / "c.sqlite").is_file()


# ---------------------------------------------------------------------- base chains


def _registry_with(entry_id: str) -> Registry:
    comp = {c: CuratedComponent(status=Status.OPEN) for c in ("weights", "technical_report", "training_code")}
    comp |= {c: CuratedComponent(status=Status.CLOSED) for c in ("training_data", "data_pipeline")}
    family = RegistryFamily(
        family="test",
        organisation="test",
        verified=dt.date(2025, 1, 1),
        releases=[CuratedRelease(id=entry_id, name=entry_id, hub_ids=[entry_id], level=3, components=comp)],
    )
    return Registry([(Path("test.yaml"), family)])


def _pipeline(source: HubSource, registry: Registry | None = None) -> Pipeline:
    """The pipeline as the auditor builds it: bases read from the Hub source, then the registry."""
    resolver = SourceResolver(lambda model_id: source.fetch(model_id, max_age=source.options.secondary_ttl), accepts=is_hub_id)
    return Pipeline(
        RuleSet.load([]), Catalogues(DatasetCatalogue([]), PaperCatalogue([])), first_of(resolver, RegistryResolver(registry or Registry()))
    )


def test_a_fine_tune_shows_its_base_read_from_the_hub(tmp_path: Path, hub_env: FakeHub) -> None:
    source = make_source(hub_env, tmp_path)
    report = _pipeline(source).run(source.fetch("acme/open-7b-instruct"))
    assert [(c.id, c.source) for c in report.chain] == [("acme/open-7b", "hub")]
    assert report.chain[0].components["weights"] == Status.OPEN
    assert OPEN_SHA[:12] in report.chain[0].note
    assert not report.level_is_upper_bound


def test_a_base_model_cycle_terminates(tmp_path: Path, hub_env: FakeHub) -> None:
    source = make_source(hub_env, tmp_path)
    report = _pipeline(source).run(source.fetch("loop/a"))
    assert [(c.id, c.source) for c in report.chain] == [("loop/b", "hub")]
    assert hub_env.count(r"^/api/models/") == 2  # loop/a once, loop/b once; the cycle is not walked again
    assert report.chain[0].upper_bound and report.level_is_upper_bound  # b's base (a) was not re-read
    assert any("chain of base model loop/b is incomplete" in w for w in report.warnings)


def test_a_base_missing_from_the_hub_falls_back_to_the_registry(tmp_path: Path, fake_hub: FakeHub) -> None:
    fake_hub.add_model(
        "acme/tune-of-curated",
        {"README.md": "---\nbase_model: curated/base-1b\n---\n# Tune\n", "model.safetensors": b"\0"},
        cardData={"base_model": "curated/base-1b"},
    )
    source = make_source(fake_hub, tmp_path)
    report = _pipeline(source, _registry_with("curated/base-1b")).run(source.fetch("acme/tune-of-curated"))
    assert [(c.id, c.source, c.level) for c in report.chain] == [("curated/base-1b", "registry", 3)]


# ---------------------------------------------------------------------- the auditor


def test_audit_many_keeps_order_and_other_results_when_one_fails(tmp_path: Path, hub_env: FakeHub) -> None:
    targets = ["acme/open-7b", "acme/nothing-here", "gatedco/gated-8b", "acme/open 7b", "acme/open-7b-instruct"]
    auditor = Auditor.from_settings(AuditSettings(endpoint=hub_env.url, cache_path=tmp_path / "c.sqlite", concurrency=4))
    results = list(auditor.audit_many(targets))
    assert [r.id for r in results] == [t for t in targets]
    kinds = [type(r).__name__ if isinstance(r, AuditError) else "report" for r in results]
    assert kinds == ["report", "AuditError", "report", "AuditError", "report"]
    assert isinstance(results[1], AuditError) and results[1].kind == "NotFoundError"
    assert isinstance(results[3], AuditError) and "spaces are not allowed" in results[3].error
    assert isinstance(results[4], OpennessReport) and results[4].chain[0].source == "hub"


def test_rules_can_use_what_the_hub_says_about_datasets(tmp_path: Path, hub_env: FakeHub) -> None:
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "data.yaml").write_text(
        "rules:\n"
        "  - metadata: {id: T-DATA-HUB-PUBLIC, name: all named datasets public on the Hub, component: training_data,"
        " status: open, precedence: 50}\n"
        "    definition: {hub_dataset: {status: public, quantifier: all}}\n"
        "  - metadata: {id: T-DATA-HUB-SOME, name: some named datasets gated or missing, component: training_data,"
        " status: partial, precedence: 40}\n"
        "    definition: {hub_dataset: {status: [gated, not_found]}}\n"
    )
    source = make_source(hub_env, tmp_path)
    pipeline = Pipeline(RuleSet.load([rules_dir], bundled=False), Catalogues(DatasetCatalogue([]), PaperCatalogue([])))
    base = pipeline.run(source.fetch("acme/open-7b")).components["training_data"]
    assert base.status == Status.OPEN
    assert base.evidence[0].where == "hub:datasets/acme/open-corpus" and "odc-by" in base.evidence[0].excerpt
    tune = pipeline.run(source.fetch("acme/open-7b-instruct")).components["training_data"]
    assert tune.status == Status.PARTIAL


def test_follow_links_checks_allow_listed_hosts_only(tmp_path: Path, hub_env: FakeHub) -> None:
    from openness.sources.web import WebOptions

    hub_env.web["/gh/acme-ai/open-train/HEAD/README.md"] = b"# open-train\n"
    source = make_source(hub_env, tmp_path, follow_links=True, web=WebOptions(github_raw=hub_env.url + "/gh", arxiv=hub_env.url + "/arxiv"))
    release = source.fetch("acme/open-7b")
    status = {link.target: link.status for link in release.links}
    assert status == {"acme/open-corpus": None, "acme-ai/open-train": "reachable", "2402.00838": "not_found"}
    web_paths = [r.path for r in hub_env.requests if not r.path.startswith(("/api/", "/acme/"))]
    assert web_paths == ["/gh/acme-ai/open-train/HEAD/README.md", "/arxiv/abs/2402.00838"]
