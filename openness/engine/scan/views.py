"""The one-byte-per-character views of a card's text that the scans and the literal searches read.

* :func:`ascii_view`: the text as ASCII bytes, one per character, so offsets carry over. Each
  non-ASCII character becomes a stand-in of its regex class — a word character ``_``, a space, or
  DEL — except the four characters that Python's case-insensitive matching equates with an ASCII
  letter (İ ı ſ K), which become that letter. Hyperscan scans this view (:mod:`.prefilter`).
* :func:`folded_view`: the same, lower-cased, where required literals are looked for with
  ``bytes.find`` (:mod:`.textsearch`).

A card's views are made once, by :class:`~openness.engine.facts.Facts`, and shared by every rule.
"""

from __future__ import annotations

import codecs
import re

# A stand-in for each class of non-ASCII character.
WORD, SPACE, OTHER = ord("_"), ord(" "), 0x7F
FOLDS = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}  # case-insensitively equal to ASCII
_IS_WORD = re.compile(r"\w")
_IS_SPACE = re.compile(r"\s")
_VIEW_ERRORS = "openness.ascii-view"


class _ViewTable(dict[int, str]):
    """Non-ASCII code point -> its one-character ASCII stand-in, computed on first sight."""

    LIMIT = 1 << 16

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = FOLDS.get(ch) or (" " if _IS_SPACE.match(ch) else "_" if _IS_WORD.match(ch) else "\x7f")
        if len(self) < self.LIMIT:
            self[code] = value
        return value


_VIEW_TABLE = _ViewTable()


def _stand_ins(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):  # pragma: no cover - registered for encoding only
        raise exc
    return exc.object[exc.start : exc.end].translate(_VIEW_TABLE), exc.end


codecs.register_error(_VIEW_ERRORS, _stand_ins)


def ascii_view(text: str) -> bytes:
    """``text`` as ASCII bytes, one per character, each non-ASCII character replaced by its stand-in."""
    return text.encode("ascii", _VIEW_ERRORS)


def folded_view(text: str) -> bytes:
    """The text's ASCII view, lower-cased: where literals are looked for (same offsets as ``text``)."""
    return ascii_view(text).lower()
