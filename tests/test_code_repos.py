"""The code-repository catalogue (registry/code) and the ``code_repo`` rule operator."""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.code_repos import CodeCatalogue
from openness.engine.predicates import OPERATORS, CompileContext, OperatorError
from openness.errors import DataError
from openness.models import Link


def test_the_bundled_catalogue_loads_with_unique_names_and_sources() -> None:
    catalogue = CodeCatalogue.load()
    assert len(catalogue.repos) >= 100
    names = [n.lower() for r in catalogue.repos for n in [r.repo, *r.aliases]]
    assert len(names) == len(set(names))
    assert all(r.source.startswith("https://") for r in catalogue.repos)


def test_lookup_is_case_insensitive_follows_aliases_and_ignores_other_links() -> None:
    catalogue = CodeCatalogue.load()
    entry = catalogue.get("RWightman/Pytorch-Image-Models.git")
    assert entry is not None and entry.repo == "huggingface/pytorch-image-models"
    assert catalogue.for_link(Link(kind="code", url="https://github.com/espnet/espnet", target="espnet/espnet")) is not None
    assert catalogue.for_link(Link(kind="dataset", url="https://huggingface.co/datasets/x/y", target="espnet/espnet")) is None
    assert [r.repo for r in catalogue.for_libraries(["ESPnet", "audio", "espnet"])] == ["espnet/espnet"]


def test_an_unverified_entry_says_so_in_its_evidence() -> None:
    entry = CodeCatalogue.load().get("google-research/bert")
    assert entry is not None and not entry.verified
    assert "not verified" in entry.provenance


def test_a_bad_entry_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("repo: a/b\nkind: toolkit\ntraining_code: open\nsource: https://github.com/a/b\n")
    with pytest.raises(DataError, match="x.yaml"):
        CodeCatalogue.load(tmp_path)


@pytest.mark.parametrize(
    "arg",
    [
        {"via": "paper"},
        {"training_code": "maybe"},
        {"quantifier": "most"},
        {"near": "("},
        {"colour": "red"},
        {"lines_before": 9},
        {"lines_before": "2"},
    ],
)
def test_bad_operator_arguments_are_refused(arg: dict[str, str]) -> None:
    with pytest.raises(OperatorError):
        OPERATORS["code_repo"](arg, CompileContext())


@pytest.mark.parametrize("arg", [{"lines_before": 6}, {"lines_before": True}, {"not_near": "(", "lines_before": 1}])
def test_bad_link_arguments_are_refused(arg: dict[str, object]) -> None:
    with pytest.raises(OperatorError):
        OPERATORS["link"](arg, CompileContext())
