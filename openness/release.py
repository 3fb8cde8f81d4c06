"""Build a :class:`Release` from a card and whatever else a source observed."""

from __future__ import annotations

import re
from typing import Any

from openness.card import as_list, parse_card
from openness.models import Link, Release

LICENSE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|USE_POLICY|NOTICE|ACCEPTABLE_USE|LICENSE_AGREEMENT)[^/]*$", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_license_file(name: str) -> bool:
    """LICENSE*, COPYING*, USE_POLICY*, NOTICE* at any depth."""
    return bool(LICENSE_FILE.search(name))


def _datasets(metadata: dict[str, Any], links: list[Link]) -> list[str]:
    found: list[str] = []
    for d in as_list(metadata.get("datasets")):
        if d not in found:
            found.append(d)
    for link in links:
        if link.kind == "dataset" and link.target not in found:
            found.append(link.target)
    return found


def _base_models(metadata: dict[str, Any], tags: list[str]) -> list[str]:
    bases = as_list(metadata.get("base_model"))
    for tag in tags:
        if tag.startswith("base_model:") and tag.count(":") == 1:
            bases.append(tag.split(":", 1)[1])
    unique: list[str] = []
    for b in bases:
        b = b.strip()
        if b and b not in unique:
            unique.append(b)
    return unique


def build_release(
    release_id: str,
    card_text: str,
    *,
    source: str = "local",
    files: list[str] | None = None,
    api_tags: list[str] | None = None,
    license_files: dict[str, str] | None = None,
    metadata_override: dict[str, Any] | None = None,
    gated: str | bool | None = None,
    revision: str | None = None,
    sha: str | None = None,
    last_modified: str | None = None,
    unreadable: list[str] | None = None,
) -> Release:
    """Assemble a release. ``metadata_override`` (e.g. the Hub's ``cardData``) wins over the card's own."""
    card = parse_card(_CONTROL.sub("", card_text))
    metadata = dict(card.metadata)
    if metadata_override:
        metadata.update(metadata_override)
    tags = as_list(metadata.get("tags"))
    for t in api_tags or []:
        if t not in tags:
            tags.append(t)
    for arxiv in (t.split(":", 1)[1] for t in tags if t.startswith("arxiv:")):
        if not any(link.kind == "arxiv" and link.target == arxiv for link in card.links):
            card.links.append(Link(kind="arxiv", url=f"https://arxiv.org/abs/{arxiv}", target=arxiv))
    relation = metadata.get("base_model_relation")
    if gated is None:
        gated = "manual" if metadata.get("extra_gated_fields") or metadata.get("extra_gated_prompt") else None
    return Release(
        id=release_id,
        source=source,  # type: ignore[arg-type]
        revision=revision,
        sha=sha,
        last_modified=last_modified,
        metadata=metadata,
        card_text=card.body,
        card_body_line=card.body_line,
        sections=card.sections,
        files=sorted(files or []),
        files_known=files is not None,
        tags=tags,
        links=card.links,
        datasets=_datasets(metadata, card.links),
        base_models=_base_models(metadata, tags),
        base_relation=str(relation) if relation else None,
        gated=gated,
        license_fields={k: metadata[k] for k in ("license", "license_name", "license_link") if k in metadata},
        license_files=dict(license_files or {}),
        unreadable=list(unreadable or []),
        warnings=card.warnings,
    )
