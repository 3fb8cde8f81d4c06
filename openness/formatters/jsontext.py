"""JSON text that shows no invisible or reordering characters: what a card holds stays inert when a
person reads the JSON in a terminal, an editor or a review page.

``json.dumps(..., ensure_ascii=False)`` keeps non-ASCII text readable but leaves C1 controls
(U+0080-U+009F, some terminals act on them), bidi overrides and isolates (which can make text
read differently from what it is) and line separators raw. They are written as ``\\uXXXX``
escapes instead: the same JSON value, visible characters only. Outside strings JSON is ASCII, so
replacing them anywhere in the text is safe.
"""

from __future__ import annotations

import json
import re
from typing import Any

_INVISIBLE = re.compile("[\\u0080-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]")


def dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, **kwargs)`` with invisible and bidi control characters escaped."""
    text = json.dumps(obj, ensure_ascii=False, **kwargs)
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
