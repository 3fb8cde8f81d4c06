"""Whether a string found in code looks like a Hugging Face Hub model id."""

from __future__ import annotations

import re

# ORG/NAME, or a legacy single NAME (``gpt2``); the Hub's own limit is 96 characters per part.
_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?"
_QUALIFIED = re.compile(rf"^{_PART}/{_PART}$")
_BARE = re.compile(rf"^{_PART}$")
_FILE_SUFFIX = re.compile(r"\.(?:py|json|ya?ml|txt|bin|pt|pth|safetensors|gguf|onnx|ckpt|md|csv|tsv|pkl)$", re.I)


def looks_like_model_id(value: str, allow_bare: bool) -> bool:
    """True for ``org/name`` (and for a bare ``name`` when ``allow_bare``); never for paths, URLs or file names."""
    if "--" in value or ".." in value or _FILE_SUFFIX.search(value):
        return False
    if _QUALIFIED.match(value):
        return True
    return allow_bare and bool(_BARE.match(value)) and not value.isdigit()
