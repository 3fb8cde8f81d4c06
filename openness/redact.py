"""Secrets never shown or stored: the configured token, and anything shaped like a Hugging Face token.

A server (a mirror, a proxy) may repeat the token it was sent in its error message; every message
the library builds from what a server said passes through :func:`redact` before it is raised,
stored or shown.
"""

from __future__ import annotations

import re
import threading

# User access tokens are ``hf_`` followed by 34 letters; organisation API tokens ``api_org_``.
TOKEN_SHAPE = re.compile(r"\b(?:hf_|api_org_)[A-Za-z0-9]{16,}")
REDACTED = "[redacted]"
MIN_SECRET_CHARS = 8  # shorter values are not tokens, and replacing them would mangle messages

_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret (a token given on the command line, in the environment or a file) to redact."""
    if value and len(value.strip()) >= MIN_SECRET_CHARS:
        with _lock:
            _secrets.add(value.strip())


def redact(text: str) -> str:
    """``text`` with every registered secret and every token-shaped word replaced by ``[redacted]``."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return TOKEN_SHAPE.sub(REDACTED, text) if ("hf_" in text or "api_org_" in text) else text
