"""Text rendering of a population survey (:mod:`openness.population`)."""

from __future__ import annotations

from openness.formatters.text import clean
from openness.population import CATALOGUE, LABELS, Population


def format_population(pop: Population, top: int = 20, missing_only: bool = False, head: int = 3) -> str:
    """A coverage table (citations = cards citing an item, summed over items), then each kind's most cited items."""
    lines = [
        f"{pop.cards:,} cards",
        "",
        f"{'references':<19} {'cards':>7} {'distinct':>8} {'citations':>9}  {'catalogued':>10}  {'coverage':>8}  catalogue / head of the distribution",
    ]
    for kind, r in pop.rankings.items():
        n_head, share = r.head(head)
        covered = f"{len(r.covered):,}" if r.catalogued else "-"
        coverage = f"{r.coverage:.1%}" if r.catalogued else "-"
        lines.append(
            f"{LABELS[kind]:<19} {r.cards_citing:>7,} {len(r.counts):>8,} {r.citations:>9,}  {covered:>10}  {coverage:>8}  "
            f"{CATALOGUE.get(kind, '-') if r.catalogued else '(not measured)'}; {n_head:,} cited by {head}+ cards = {share:.1%} of citations"
        )
    for kind, r in pop.rankings.items():
        rows = r.top(top, missing_only)
        if not rows:
            continue
        lines += ["", f"{'uncatalogued ' if missing_only else ''}{LABELS[kind]}, most cited first (cards, catalogued):"]
        for item, n, is_covered in rows:
            mark = ("yes" if is_covered else "no") if r.catalogued else "-"
            lines.append(f"  {n:>6,}  {mark:<3}  {clean(item, 100)}")
    return "\n".join(lines) + "\n"
