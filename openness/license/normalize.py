"""Text normalisation for licence identification: one canonical form that survives reformatting.

Two forms are produced, each once per text:

* :func:`plain` keeps the words and punctuation but drops Markdown/HTML markup, folds curly quotes
  and dashes to ASCII and collapses whitespace; clauses are quoted from it.
* :func:`tokens` is ``plain`` lower-cased with every run of non-word characters turned into one
  space, padded with a space on each side; fingerprints are matched in it as plain substrings, so
  line wrapping, Markdown emphasis, quote style, list numbering and case make no difference.
"""

from __future__ import annotations

import re
import unicodedata

_FOLD = (
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u00ad": "",
        "\u200b": "",
        "\ufeff": "",
    }
).items()
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_MD_LINK = re.compile(r"\[([^\]\n]{0,500})\]\((?:[^()\s]{0,500})\)")
_MD_MARKS = ("***", "**", "*", "___", "__", "```", "`", "~~")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_LINE_PREFIX = re.compile(r"(?m)^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+(?=\S))")
_RULE_LINE = re.compile(r"(?m)^[ \t]*(?:[=\-_*]{3,})[ \t]*$")
_NON_WORD = re.compile(r"[\W_]+")


def plain(text: str) -> str:
    """Markup stripped, quotes/dashes folded to ASCII, whitespace collapsed to single spaces."""
    s = unicodedata.normalize("NFKC", text)
    for old, new in _FOLD:  # str.replace per character beats str.translate on long texts
        if old in s:
            s = s.replace(old, new)
    s = _HTML_TAG.sub("", s)
    s = _MD_LINK.sub(r"\1", s)
    s = _RULE_LINE.sub(" ", s)
    s = _LINE_PREFIX.sub("", s)
    for mark in _MD_MARKS:
        if mark in s:
            s = s.replace(mark, "")
    s = _MD_ESCAPE.sub(r"\1", s)
    return " ".join(s.split())


def tokens_of_plain(text: str) -> str:
    """The token form of an already :func:`plain` text."""
    return " " + _NON_WORD.sub(" ", text.lower().replace("++", " plusplus ")).strip() + " "


def tokens(text: str) -> str:
    """Lower-case words separated by single spaces, padded with one space at each end."""
    return tokens_of_plain(plain(text))
