"""The batch API: one pure function per card, flat versioned rows, Arrow tables, per-card limits."""

from __future__ import annotations

import builtins
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openness.audit import Auditor, AuditSettings
from openness.batch import (
    COLUMN_NAMES,
    ROW_SCHEMA_VERSION,
    BatchOptions,
    CardLimits,
    audit_card,
    card_row,
)
from openness.models import AuditError, ChainLink, OpennessReport, Status
from tests.conftest import shared_path

pa = pytest.importorskip("pyarrow", reason="the batch Arrow functions need the 'sweep' extra (pyarrow)")

FINETUNE = "---\nbase_model: acme/open-base\nlicense: mit\n---\n# A fine-tune\nFine-tuned on our data.\n"


def _fixture_cards(n: int) -> list[Path]:
    return sorted(shared_path("fixtures", "cards").glob("*.md"))[:n]


@pytest.mark.shared
def test_rows_agree_with_the_audit_command_path() -> None:
    """The same card through the CLI's auditor (local file, offline) and through the batch function:
    the same level, label, components, licence and classification."""
    auditor = Auditor.from_settings(AuditSettings(offline=True, concurrency=1))
    for path in _fixture_cards(25):
        expected = auditor.audit(str(path))
        assert isinstance(expected, OpennessReport)
        row = card_row(expected.id, path.read_text(encoding="utf-8"))
        assert row["error"] is None, row["error"]
        assert (row["level"], row["level_label"], row["upper_bound"]) == (
            expected.level,
            expected.level_label,
            expected.level_is_upper_bound,
        )
        assert {c: row[c] for c in expected.components} == {c: v.status.value for c, v in expected.components.items()}
        assert expected.license is not None
        assert (row["license_id"], row["license_category"], row["license_osi"]) == (
            expected.license.id,
            expected.license.category,
            expected.license.osi_approved,
        )
        assert row["classification"] == expected.classification
        terms = {t.type for t in expected.license.terms}
        assert {c[5:] for c in COLUMN_NAMES if c.startswith("term_") and row[c] is not None} == terms


def test_row_has_every_column_and_the_versions() -> None:
    row = card_row("acme/m", "---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\n---\nhello")
    assert list(row) == list(COLUMN_NAMES)
    assert row["schema_version"] == ROW_SCHEMA_VERSION and row["tool_version"] and row["rules_version"]
    assert row["term_mau_cap"] == "700000000"
    assert row["base_models"] == ["meta-llama/Llama-3.1-8B"] and row["base_unresolved"] == []  # from the registry
    assert row["base_licenses"] == ["llama3.1"] and row["license_differs_from_base"] is False


def test_a_base_nothing_knows_is_an_upper_bound_and_a_handed_in_link_resolves_it() -> None:
    row = card_row("acme/ft", FINETUNE)
    assert row["upper_bound"] is True and row["base_unresolved"] == ["acme/open-base"]
    link = ChainLink(id="acme/open-base", source="hub", level=1, components={"training_data": Status.CLOSED}, license="apache-2.0")
    resolved = card_row("acme/ft", FINETUNE, bases={"acme/open-base": link})
    assert resolved["upper_bound"] is False and resolved["base_unresolved"] == []
    assert resolved["training_data"] == "closed" and resolved["base_licenses"] == ["apache-2.0"]
    assert resolved["license_differs_from_base"] is True


@pytest.mark.parametrize(
    ("model_id", "card", "kind"),
    [
        (None, "text", "InputError"),
        ("", "text", "InputError"),
        ("has space/x", "text", "InputError"),
        ("x" * 300, "text", "InputError"),
        ("acme/m", 42, "InputError"),
        ("acme/m", "a" * 1_000_001, "CardLimitError"),
    ],
)
def test_bad_rows_are_error_rows(model_id: Any, card: Any, kind: str) -> None:
    row = card_row(model_id, card)
    assert row["error_kind"] == kind and row["error"] and row["level"] is None


def test_legacy_ids_without_an_organisation_are_audited() -> None:
    assert card_row("gpt2", "---\nlicense: mit\n---\n")["error"] is None


def _alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "---\n" + "\n".join(lines) + "\n---\nbody\n"


def test_too_many_yaml_aliases_is_an_error_row() -> None:
    row = card_row("acme/m", _alias_bomb(12))
    assert row["error_kind"] == "CardLimitError" and "aliases" in row["error"]
    assert card_row("acme/m", _alias_bomb(2), options=BatchOptions(limits=CardLimits(max_aliases=1000)))["error"] is None


def test_time_limit_on_the_main_thread() -> None:
    row = card_row("acme/m", FINETUNE, options=BatchOptions(limits=CardLimits(seconds=1e-6)))
    assert row["error_kind"] == "CardTimeout"
    assert card_row("acme/m", FINETUNE)["error"] is None  # the timer is gone afterwards


def test_time_limit_on_another_thread() -> None:
    """Dask runs tasks on worker threads: a watchdog stops a card there (a long card, a short limit)."""
    card = "---\nlicense: mit\n---\n" + "## Training data\nWe trained on [a set](https://huggingface.co/datasets/x/y) and text. " * 8000
    out: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: out.update(card_row("acme/m", card, options=BatchOptions(limits=CardLimits(seconds=0.005)))))
    thread.start()
    thread.join(60)
    assert out["error_kind"] == "CardTimeout" and "time limit" in out["error"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    model_id=st.one_of(st.none(), st.integers(), st.text(max_size=40)),
    card=st.one_of(st.none(), st.integers(), st.text(max_size=400), st.text(max_size=200).map(lambda t: f"---\n{t}\n---\n{t}")),
    tags=st.one_of(st.none(), st.lists(st.one_of(st.text(max_size=20), st.integers()), max_size=5)),
)
def test_audit_card_never_raises(model_id: Any, card: Any, tags: Any) -> None:
    result = audit_card(model_id, card, tags)
    assert isinstance(result, (OpennessReport, AuditError))
    row = card_row(model_id, card, tags)
    assert (row["error"] is None) == (row["level"] is not None)


def test_no_disk_or_network_once_the_pipeline_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    card_row("acme/warm", "warm up")  # builds this process's pipeline from the bundled data

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the per-card function touched disk or network")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    row = card_row("acme/ft", FINETUNE + "See https://github.com/acme/train and https://arxiv.org/abs/2401.00001\n")
    assert row["error"] is None and row["level"] is not None


def test_audit_table_keeps_order_and_the_dump_columns() -> None:
    from openness.batch import arrow_schema, audit_table

    table = pa.table(
        {
            "modelId": ["acme/a", None, "acme/c"],
            "card": ["---\nlicense: apache-2.0\n---\nhi", "x", None],
            "tags": [["license:apache-2.0"], None, []],
            "author": ["acme", None, "acme"],
            "downloads": [5, None, 7],
        }
    )
    out = audit_table(table)
    assert out.schema.equals(arrow_schema(), check_metadata=True)
    rows = out.to_pylist()
    assert [r["id"] for r in rows] == ["acme/a", "None", "acme/c"]
    assert rows[0]["license_id"] == "apache-2.0" and rows[0]["author"] == "acme" and rows[0]["downloads"] == 5
    assert rows[1]["error_kind"] == "InputError"
    assert rows[2]["error"] is None and rows[2]["level"] is not None  # no card: an empty card, audited
