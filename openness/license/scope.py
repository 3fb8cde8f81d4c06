"""Whether a term that binds some releases only (``details.applies_to``) binds this one.

Llama 3.2's EU exclusion covers its multimodal models only: a text-only model under the same
licence is outside it. The release's modalities come from its pipeline tag and tags; when they
cannot be told, the term is kept as binding (a guess presented as fact is worse than a warning).
"""

from __future__ import annotations

from openness.license.models import LicenseReport
from openness.models import Release

# Hub pipeline tags (and tags) -> the modalities a model takes in or gives out.
_MODALITIES: dict[str, frozenset[str]] = {
    "text-generation": frozenset({"text"}),
    "text2text-generation": frozenset({"text"}),
    "fill-mask": frozenset({"text"}),
    "text-classification": frozenset({"text"}),
    "token-classification": frozenset({"text"}),
    "question-answering": frozenset({"text"}),
    "summarization": frozenset({"text"}),
    "translation": frozenset({"text"}),
    "feature-extraction": frozenset({"text"}),
    "sentence-similarity": frozenset({"text"}),
    "conversational": frozenset({"text"}),
    "image-text-to-text": frozenset({"text", "image"}),
    "visual-question-answering": frozenset({"text", "image"}),
    "document-question-answering": frozenset({"text", "image"}),
    "image-to-text": frozenset({"text", "image"}),
    "text-to-image": frozenset({"text", "image"}),
    "image-classification": frozenset({"image"}),
    "image-to-image": frozenset({"image"}),
    "object-detection": frozenset({"image"}),
    "image-segmentation": frozenset({"image"}),
    "zero-shot-image-classification": frozenset({"text", "image"}),
    "video-text-to-text": frozenset({"text", "video"}),
    "text-to-video": frozenset({"text", "video"}),
    "video-classification": frozenset({"video"}),
    "any-to-any": frozenset({"text", "image", "audio", "video"}),
    "automatic-speech-recognition": frozenset({"audio", "text"}),
    "text-to-speech": frozenset({"audio", "text"}),
    "audio-classification": frozenset({"audio"}),
    "multimodal": frozenset({"text", "image"}),
    "vision": frozenset({"image"}),
}


def release_modalities(release: Release) -> tuple[frozenset[str], str] | None:
    """The release's modalities and what told them; None when neither pipeline tag nor tags say."""
    pipeline = release.metadata.get("pipeline_tag")
    found: set[str] = set()
    why = []
    if isinstance(pipeline, str) and pipeline.strip().lower() in _MODALITIES:
        found |= _MODALITIES[pipeline.strip().lower()]
        why.append(f"pipeline tag {pipeline.strip()}")
    for tag in release.tags + [str(t) for t in release.metadata.get("tags") or [] if isinstance(t, str)]:
        mods = _MODALITIES.get(tag.lower())
        if mods and not mods <= found and tag.lower() != (pipeline or ""):
            found |= mods
            why.append(f"tag {tag}")
    return (frozenset(found), ", ".join(why)) if found else None


def apply_scope(report: LicenseReport, release: Release) -> None:
    """Mark each scoped term ``applicable`` True or False for ``release``, with the reason."""
    scoped = [t for t in report.terms if isinstance(t.details.get("applies_to"), dict)]
    if not scoped:
        return
    known = release_modalities(release)
    for term in scoped:
        wanted = {str(m).lower() for m in term.details["applies_to"].get("modalities") or []}
        if not wanted:
            continue
        if known is None:
            term.details["applicable"] = True
            term.details["applicability"] = (
                f"binds {', '.join(sorted(wanted))} models; the release's modalities are not stated, so it is kept"
            )
            continue
        mods, why = known
        hit = mods & wanted
        term.details["applicable"] = bool(hit)
        if hit:
            term.details["applicability"] = f"binds {', '.join(sorted(wanted))} models; the release takes {', '.join(sorted(mods))} ({why})"
        else:
            term.details["applicability"] = (
                f"binds {', '.join(sorted(wanted))} models only; the release is {', '.join(sorted(mods))} ({why}): not applicable"
            )
