"""The registry build online, end to end against the loopback fake Hub: computed verdicts, one request
per unchanged release on a rebuild, and `registry diff` reporting a licence that changed between builds."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from openness.cli import cli
from tests.fakehub import FakeHub, fake_hub, hub_env  # noqa: F401 - fixtures

ENTRIES = """family: Acme
organisation: Acme
verified: 2026-11-01
releases:
  - id: acme/open-7b
    name: Open 7B
    hub_ids: [acme/open-7b]
    level: 4
    license: apache-2.0
    components:
      weights: {status: open, evidence: ["https://huggingface.co/acme/open-7b"]}
      technical_report: {status: open, evidence: ["https://arxiv.org/abs/2402.00838"]}
      training_code: {status: partial, evidence: ["https://github.com/acme-ai/open-train"]}
      training_data: {status: open, evidence: ["https://huggingface.co/datasets/acme/open-corpus"]}
      data_pipeline: {status: closed, evidence: ["https://github.com/acme-ai/open-train"]}
    data_mixture_disclosed: true
  - id: acme/chat-8b
    name: Chat 8B
    hub_ids: [acme/chat-8b]
    level: 1
    license: llama3
    components:
      weights: {status: open, evidence: ["https://huggingface.co/acme/chat-8b"]}
      technical_report: {status: partial, evidence: ["https://huggingface.co/acme/chat-8b"]}
      training_code: {status: closed, evidence: ["https://huggingface.co/acme/chat-8b"]}
      training_data: {status: closed, evidence: ["https://huggingface.co/acme/chat-8b"]}
      data_pipeline: {status: closed, evidence: ["https://huggingface.co/acme/chat-8b"]}
"""


def chat_card(licence: str) -> str:
    return f"---\nlicense: {licence}\n---\n# Chat 8B\nA chat model pretrained on publicly available sources.\n"


def test_online_build_then_licence_change_then_diff(hub_env: FakeHub, tmp_path: Path) -> None:
    registry = tmp_path / "releases"
    registry.mkdir()
    (registry / "acme.yaml").write_text(ENTRIES)
    hub_env.add_model(
        "acme/chat-8b",
        {"README.md": chat_card("llama3"), "model.safetensors": b"\0"},
        cardData={"license": "llama3"},
        tags=["license:llama3"],
    )
    history, cache = tmp_path / "history.sqlite", tmp_path / "cache.sqlite"
    build = [
        "registry",
        "build",
        "--registry",
        str(registry),
        "--history",
        str(history),
        "--cache",
        str(cache),
        "--endpoint",
        hub_env.url,
        "--format",
        "json",
    ]
    runner = CliRunner()

    first = runner.invoke(cli, build)
    assert first.exit_code == 0, first.stderr
    releases = {r["id"]: r for r in json.loads(first.stdout)["releases"]}
    chat = releases["acme/chat-8b"]
    assert chat["computed"]["license"]["id"] == "llama3"
    assert any(t["type"] == "mau_cap" and t["value"] == 700_000_000 for t in chat["computed"]["license"]["terms"])
    assert releases["acme/open-7b"]["computed"]["level"] == releases["acme/open-7b"]["level"]

    hub_env.reset()
    again = runner.invoke(cli, build)
    assert again.exit_code == 0, again.stderr
    assert hub_env.count(r"^/api/models/") == 2 and hub_env.count() == 2  # one info call per unchanged release

    hub_env.add_model(
        "acme/chat-8b",
        {"README.md": chat_card("llama3.1"), "model.safetensors": b"\0"},
        cardData={"license": "llama3.1"},
        tags=["license:llama3.1"],
    )
    third = runner.invoke(cli, build)
    assert third.exit_code == 0, third.stderr

    diff = runner.invoke(cli, ["registry", "diff", "--history", str(history)])
    assert diff.exit_code == 1, diff.output
    assert "acme/chat-8b: licence changed: llama3 -> llama3.1" in diff.output
    assert "acme/open-7b" not in diff.output
