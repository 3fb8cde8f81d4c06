"""Helpers for text that reaches a terminal or a Markdown document: nothing from a card gets through raw."""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def clean(text: object, width: int | None = None) -> str:
    """Strip escape sequences and control characters (incl. bidi overrides); fold to one line."""
    s = _CONTROL.sub("", _ANSI.sub("", str(text))).replace("\n", " ").replace("\t", " ")
    if width is not None and len(s) > width:
        s = s[: width - 1] + "…"
    return s


def md(text: object, width: int | None = None) -> str:
    """Clean text and escape Markdown/HTML specials so a card cannot inject links, tables or tags."""
    return _MD_SPECIAL.sub(r"\\\1", clean(text, width))
