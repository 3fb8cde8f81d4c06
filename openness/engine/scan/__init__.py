"""The speed code of the text search, behind one seam: Hyperscan prefilter, exact ``re`` search, views.

Everything here only skips work: each answer is the one Python's ``re`` gives over the text.

* :mod:`.views` — a text's one-byte-per-character views (:func:`ascii_view`, :func:`folded_view`);
* :mod:`.prefilter` — :class:`PatternIndex` (patterns registered at load time, one Hyperscan
  database), :class:`ScanGroup` (several indexes over the same text in one pass) and the
  :class:`Candidates` a scan gives;
* :mod:`.textsearch` — :class:`TextPattern` (a rule's text pattern, searched from where the scan
  says), :class:`NameFinder` (catalogue names in a text) and :func:`finditer_near` (a pattern tried
  only near its words).

The rest of the package imports only what this module exports. The boundary models, the card
parser and the sources import nothing from here (``tests/test_architecture.py``): a card's views
are made by :class:`~openness.engine.facts.Facts`, which the rules and the licence audit read.
"""

from openness.engine.scan.prefilter import Candidates, PatternIndex, ScanGroup, Subject, row_starts
from openness.engine.scan.textsearch import NameFinder, TextPattern, finditer_near
from openness.engine.scan.views import ascii_view, folded_view

__all__ = [
    "Candidates",
    "NameFinder",
    "PatternIndex",
    "ScanGroup",
    "Subject",
    "TextPattern",
    "ascii_view",
    "finditer_near",
    "folded_view",
    "row_starts",
]
