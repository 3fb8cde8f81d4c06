"""Hub ids are checked before any request is made."""

from __future__ import annotations

import pytest

from openness.errors import InputError
from openness.sources.ids import HubRef, is_dataset_id, is_hub_id, parse_hub_id


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("meta-llama/Llama-3.1-8B", HubRef("meta-llama/Llama-3.1-8B")),
        ("acme/open-7b@v1.0", HubRef("acme/open-7b", "v1.0")),
        ("acme/open-7b@refs/pr/1", HubRef("acme/open-7b", "refs/pr/1")),
        ("a/b@" + "f" * 40, HubRef("a/b", "f" * 40)),
        ("Org_1/name.v2", HubRef("Org_1/name.v2")),
    ],
)
def test_valid_ids_parse(target: str, expected: HubRef) -> None:
    assert parse_hub_id(target) == expected
    assert str(expected) == target


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("acme/open 7b", "spaces"),
        ("acme/../etc", "'..'"),
        ("https://huggingface.co/acme/open-7b", "URL"),
        ("huggingface.co/acme/open-7b", "URL"),
        ("acme/" + "x" * 97, "at most 96"),
        ("open-7b", "ORG/NAME"),
        ("a/b/c", "ORG/NAME"),
        ("acme/open-7b@", "revision"),
        ("acme/open-7b@main branch", "spaces"),
        ("acme/-bad", "not a valid name"),
        ("acme/x--y", "'--'"),
        ("acme/x.git", ".git"),
    ],
)
def test_invalid_ids_are_refused_with_the_reason(target: str, reason: str) -> None:
    assert not is_hub_id(target)
    with pytest.raises(InputError, match="invalid model id") as err:
        parse_hub_id(target)
    assert reason in str(err.value)


def test_dataset_ids_may_be_legacy_single_names() -> None:
    assert is_dataset_id("wikipedia")
    assert is_dataset_id("acme/open-corpus")
    assert not is_dataset_id("acme/open-corpus@main")
    assert not is_dataset_id("The Pile (EleutherAI)")
