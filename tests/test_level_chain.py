"""Levels are cumulative; derived models are judged over their chain."""

from __future__ import annotations

import pytest

from openness.audit import Auditor, AuditSettings, Pipeline
from openness.chain import first_of
from openness.level import compute_level
from openness.models import EXCERPT_MAX, ChainLink, Component, Release, Status
from openness.release import build_release

O, P, C, U = Status.OPEN, Status.PARTIAL, Status.CLOSED, Status.UNKNOWN


def statuses(w: Status, r: Status, code: Status, data: Status, pipe: Status, mix: Status = C) -> dict[Component, Status]:
    return {
        Component.WEIGHTS: w,
        Component.TECHNICAL_REPORT: r,
        Component.TRAINING_CODE: code,
        Component.TRAINING_DATA: data,
        Component.DATA_PIPELINE: pipe,
        Component.DATA_MIXTURE: mix,
    }


@pytest.mark.parametrize(
    "s, level, label",
    [
        (statuses(C, O, O, O, O), 0, "L0; L1 needs weights open (now closed)"),  # nothing counts without weights
        (statuses(P, O, O, O, O), 0, "L0; L1 needs weights open (now partial)"),
        (statuses(O, P, O, O, O), 1, "L1; L2 needs technical report open (now partial)"),  # Llama 2 style
        # DeepSeek style: each part of the pair is named with its own status, never a blended one
        (
            statuses(O, O, P, C, C),
            2,
            "L2; L3 needs training code or data mixture open (now: training code partial, data mixture closed)",
        ),
        (statuses(O, O, C, C, C, mix=O), 3, "L3; L4 needs training data open (now closed)"),  # the data mixture
        (statuses(O, O, O, P, C), 3, "L3; L4 needs training data open (now partial)"),
        (statuses(O, O, O, O, U), 4, "L4; L5 needs data pipeline open (now unknown)"),
        (statuses(O, O, O, O, O), 5, "L5, the top level"),  # Pythia, OLMo
    ],
)
def test_cumulative_level(s: dict[Component, Status], level: int, label: str) -> None:
    assert compute_level(s) == (level, label)


FINETUNE = """---
license: apache-2.0
base_model: {base}
datasets: [EleutherAI/pile]
---
# A fully open fine-tune
## Training procedure
Fine-tuned for 3 epochs with AdamW, learning rate 2e-5, batch size 64, cosine schedule, on 8 A100 GPUs.
Training code: [GPT-NeoX](https://github.com/EleutherAI/gpt-neox).
"""


def pipeline_with(links: dict[str, ChainLink]) -> Pipeline:
    base = Auditor.from_settings(AuditSettings(offline=True)).pipeline
    return Pipeline(base.rules, base.catalogues, lambda model_id, depth, judge: links.get(model_id))


def test_open_finetune_of_weights_only_base_is_l1() -> None:
    weights_only = ChainLink(
        id="acme/base",
        source="registry",
        level=1,
        components={"technical_report": P, "training_code": P, "training_data": C, "data_pipeline": C, "data_mixture": C},
    )
    report = pipeline_with({"acme/base": weights_only}).run(build_release("acme/tuned", FINETUNE.format(base="acme/base")))
    tr = report.components["technical_report"]
    assert tr.own_status == O and tr.base_status == P and tr.status == P
    assert "base model acme/base is partial" in tr.reason
    assert report.level == 1 and not report.level_is_upper_bound
    assert report.chain[0].id == "acme/base"


def test_unreadable_base_makes_the_level_an_upper_bound() -> None:
    report = pipeline_with({}).run(build_release("acme/tuned", FINETUNE.format(base="nobody/unknown")))
    assert report.level_is_upper_bound and "upper bound" in report.level_label
    assert report.chain[0].source == "unresolved"
    assert any("could not be read" in w for w in report.warnings)


def test_base_chain_uses_the_weakest_of_several_bases() -> None:
    strong = ChainLink(
        id="a/strong", source="registry", components={c: O for c in ("technical_report", "training_code", "training_data", "data_pipeline")}
    )
    weak = ChainLink(
        id="a/weak", source="registry", components={"technical_report": O, "training_code": O, "training_data": C, "data_pipeline": C}
    )
    card = FINETUNE.replace("base_model: {base}", "base_model: [a/strong, a/weak]")
    report = pipeline_with({"a/strong": strong, "a/weak": weak}).run(build_release("a/merge", card))
    assert report.components["training_data"].status == C
    assert "a/weak" in report.components["training_data"].reason


def test_first_of_tries_resolvers_in_order() -> None:
    hit = ChainLink(id="x/y", source="registry")
    resolve = first_of(lambda m, d, j: None, lambda m, d, j: hit if m == "x/y" else None)
    judge = Auditor.from_settings(AuditSettings(offline=True)).pipeline.run
    assert resolve("x/y", 1, judge) is hit and resolve("z/w", 1, judge) is None


def test_self_reference_is_not_a_chain() -> None:
    report = pipeline_with({}).run(build_release("acme/tuned", FINETUNE.format(base="acme/tuned")))
    assert report.chain == [] and not report.level_is_upper_bound


def test_long_link_targets_are_clipped_in_evidence() -> None:
    """A link target longer than an excerpt is quoted as evidence cut to the limit, never an error."""
    repo = "y" * 250
    card = f"---\nlicense: mit\n---\n# Training\n\nTraining code: https://github.com/acme/{repo}\n"
    report = Auditor.from_settings(AuditSettings(offline=True)).audit_release(build_release("acme/m", card))
    excerpts = [e.excerpt for v in report.components.values() for e in v.evidence]
    clipped = [e for e in excerpts if e.startswith("acme/yyy")]
    assert clipped and all(len(e) == EXCERPT_MAX and e.endswith("…") for e in clipped)


TRAINED_CARD = """---
license: apache-2.0
---
# Acme-7B

Weights: `AutoModelForCausalLM.from_pretrained("acme/acme-7b")`

## Training Procedure

Trained on 2T tokens with 512 A100 GPUs, AdamW, learning rate 3e-4, batch size 4M tokens,
2,000 warm-up steps, 500k steps in all, bf16 mixed precision.

## Training Data

| Source | Share |
|---|---|
| Web | 60% |
| Code | 40% |
"""


def test_sections_not_from_the_parser_are_checked_not_trusted() -> None:
    """A release rebuilt from its data has the parser's offsets checked before use, and a section
    whose offset points elsewhere is still searched: the same report either way."""
    auditor = Auditor.from_settings(AuditSettings(offline=True))
    built = build_release("acme/acme-7b", TRAINED_CARD)
    expected = auditor.audit_release(built).model_dump()
    in_sections = [e for v in expected["components"].values() for e in v["evidence"] if e["where"].startswith("card:Training")]
    assert in_sections  # section-scoped rules found their evidence
    again = Release.model_validate(built.model_dump())
    assert auditor.audit_release(again).model_dump() == expected
    for section in again.sections:
        section.offset = 0
    assert auditor.audit_release(again).model_dump() == expected
