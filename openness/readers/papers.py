"""What a paper's own text establishes, decided by the paper rules (``rules/papers/*.yaml``).

The paper is read as a card whose sections are the paper's, so the paper rules use the card rules'
engine and operators; evidence points at the paper's section (``paper:<url>#<section>``) rather than
at a card line.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, Field

from openness.engine.facts import Catalogues, Facts
from openness.engine.rules import RuleSet
from openness.models import Component, Evidence, Status
from openness.readers.arxiv import PaperText
from openness.release import build_release
from openness.resources import data_dir

_CARD_WHERE = re.compile(r"^card:(?:#+\s*)?(?P<section>[^(]*?)\s*(?:\(line \d+\))?$")


class PaperReading(BaseModel):
    """The paper rules' verdicts on one paper, with evidence citing its sections."""

    paper_id: str
    version: str | None = None
    title: str
    url: str
    full_text: bool
    training_detail: Status = Field(description="open: data construction and procedure described in detail")
    data_mixture: bool = False
    training_code: Status = Status.UNKNOWN
    code_links: list[str] = Field(default_factory=list)
    evidence: dict[str, list[Evidence]] = Field(default_factory=dict, description="component -> what decided it")


def load_paper_rules(directory: Path | None = None) -> RuleSet:
    return RuleSet.load([directory or data_dir("rules") / "papers"], bundled=False)


def _cite(evidence: list[Evidence], paper: PaperText) -> list[Evidence]:
    cited = []
    for e in evidence:
        m = _CARD_WHERE.match(e.where)
        where = f"paper:{paper.url}" + (f"#{m.group('section').strip()}" if m and m.group("section").strip() else "")
        cited.append(
            Evidence(rule=e.rule, where=where if e.where.startswith("card") else f"paper:{paper.url} ({e.where})", excerpt=e.excerpt)
        )
    return cited


def read_paper(paper: PaperText, rules: RuleSet, catalogues: Catalogues) -> PaperReading:
    """Judge one paper; a paper whose full text could not be read has ``training_detail`` unknown."""
    if not paper.full_text:
        return PaperReading(
            paper_id=paper.id, version=paper.version, title=paper.title, url=paper.url, full_text=False,
            training_detail=Status.UNKNOWN, code_links=paper.code_links,
        )  # fmt: skip
    text = paper.markdown() + "".join(f"\n[code]({url})\n" for url in paper.code_links)
    release = build_release(f"arxiv:{paper.id}", text)
    verdicts = rules.evaluate(Facts(release, catalogues))

    def status(component: Component) -> Status:
        verdict = verdicts.get(component)
        return verdict.status if verdict is not None else Status.UNKNOWN

    return PaperReading(
        paper_id=paper.id,
        version=paper.version,
        title=paper.title,
        url=paper.url,
        full_text=True,
        training_detail=status(Component.TECHNICAL_REPORT),
        data_mixture=status(Component.DATA_MIXTURE) == Status.OPEN,
        training_code=status(Component.TRAINING_CODE),
        code_links=paper.code_links,
        evidence={c.value: _cite(v.evidence, paper) for c, v in verdicts.items() if v.evidence},
    )
