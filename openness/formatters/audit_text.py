"""The audit report for a person at a terminal: laid out to the terminal's width with ``rich``.

What needs attention comes first (warnings, licence conflicts), then the licence and its terms, then
each component with the evidence phrased for people. Lines wrap at word boundaries; nothing is cut
at a fixed width. Everything from a card is cleaned of control characters and rendered as plain text
(never as rich markup). Colour only when asked for (the CLI decides: ``--color``, ``NO_COLOR``, a tty).
"""

from __future__ import annotations

import io
import json
import re

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from openness.formatters.text import clean
from openness.license.format import term_line
from openness.license.models import LicenseReport
from openness.models import AuditError, ChainLink, Evidence, OpennessReport

Result = OpennessReport | AuditError
EXCERPT_SHOWN = 140  # characters of an excerpt shown (--explain shows the whole stored excerpt)

MARK = {"open": "●", "partial": "◐", "closed": "○", "unknown": "?"}
STYLE = {"open": "green", "partial": "yellow", "closed": "red", "unknown": "magenta"}
SOURCE_WORDS = {
    "metadata": "declared in the card's metadata",
    "license_name": "named in the card's license_name",
    "license_link": "from the card's license_link",
    "text": "identified from the licence text",
    "base_model": "inherited from the base model",
    "registry": "from the curated registry entry",
}
_CARD_SIZE = re.compile(r"^(\d+) characters of card text$")
_NOT_FOUND_WORDS = {
    "text": "nothing in the card says so",
    "section": "no such section in the card",
    "dataset": "no dataset named",
    "paper": "no paper linked or named",
    "link": "no such link in the card",
    "file": "no such file in the release",
    "meta_exists": "not in the card's metadata",
    "meta_equals": "not in the card's metadata",
    "meta_matches": "not in the card's metadata",
    "tag": "no such tag",
    "base_model": "no base model",
}


def _confidence(value: float) -> str:
    return "high confidence" if value >= 0.85 else "medium confidence" if value >= 0.6 else "low confidence"


def license_line(lic: LicenseReport | None) -> str:
    """'llama3.1 (community, not OSI-approved; declared in the card's metadata, high confidence)'."""
    if lic is None:
        return "not audited"
    if lic.source == "none" and not lic.id:
        return "none declared or found (no licence: all rights reserved unless the card says otherwise)"
    name = lic.id or (f"unrecognised ({clean(lic.declared, 60)})" if lic.declared else "unrecognised")
    osi = "OSI-approved" if lic.osi_approved else "not OSI-approved"
    where = SOURCE_WORDS.get(lic.source, lic.source)
    inherited = f" from {clean(lic.inherited_from)}" if lic.inherited_from and lic.source == "base_model" else ""
    return f"{name} ({lic.category}, {osi}; {where}{inherited}, {_confidence(lic.confidence)})"


def _where(where: str) -> str:
    """'card:## Training (line 42)' → 'card, “Training” (line 42)'; 'metadata:datasets=x' → 'metadata datasets: x'."""
    kind, _, rest = where.partition(":")
    if kind == "card" and rest.startswith("#"):
        heading, _, line = rest.lstrip("# ").partition(" (line ")
        return f"card, section “{heading}”" + (f" (line {line}" if line else "")
    if kind == "card" and rest.startswith("line "):
        return f"card {rest}"
    if kind == "metadata" and "=" in rest:
        key, _, value = rest.partition("=")
        return f"metadata {key}: {value}"
    if kind == "files":
        return "file list"
    if kind in ("link", "file", "metadata", "card") and rest:
        return f"{kind} {rest}"
    return where


def evidence_line(ev: Evidence, explain: bool = False) -> str | None:
    """One piece of evidence as a person reads it; ``None`` when it says nothing a person needs."""
    where, excerpt = clean(ev.where), clean(ev.excerpt)
    size = _CARD_SIZE.match(excerpt)
    if where == "card" and size:
        return f"read the whole card ({int(size.group(1)):,} characters)"
    if where == "not found":
        try:
            spec = json.loads(ev.excerpt)
        except ValueError:
            spec = None
        if isinstance(spec, dict) and spec:
            op = next(iter(spec))
            words = _NOT_FOUND_WORDS.get(op, f"no {op.replace('_', ' ')} found")
            detail = spec[op]
            if explain and isinstance(detail, str) and detail:
                return f"{words} (looked for: {detail})"
            return words
        return None  # a bare 'not found' tells a reader nothing the reason does not
    place = _where(where)
    excerpt = excerpt if explain else _short(excerpt)
    if not excerpt or excerpt == place or excerpt in where:
        return place
    return f"{place}: “{excerpt}”"


def _header(r: OpennessReport, color: bool) -> list[RenderableType]:
    """'org/name  L2  open-access', then what the next level needs (the label after 'L2; ').

    With an unknown part in the way, 'L1 at least', then 'L3 if the unknown parts are open (technical report); L2 needs ...'."""
    head = Text()
    head.append(clean(r.id), style="bold")
    head.append("  ")
    floor = r.level_at_most is not None and not r.level_is_upper_bound
    head.append(f"L{r.level}" + (" at least" if floor else ""), style="bold cyan" if color else "")
    head.append(f"  {r.classification}")
    label = clean(r.level_label)
    rest = re.sub(r"^L\d( at least)?[;,]\s*", "", label)
    out: list[RenderableType] = [head]
    if rest and rest != label:
        out.append(Padding(Text(rest), (0, 0, 0, 2)))
    return out


def _short(text: str, width: int = EXCERPT_SHOWN) -> str:
    """Cut at a word boundary, an ellipsis marking the cut."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > width // 2 else width].rstrip(" …") + " …"


def _attention(r: OpennessReport) -> list[Text]:
    """Warnings and licence conflicts, most serious first: what a reader must not miss."""
    items = [*(r.license.warnings if r.license else []), *r.warnings]
    seen: set[str] = set()
    out: list[Text] = []
    for w in sorted(items, key=lambda w: (not w.startswith("HIGH"), not w.startswith("MEDIUM"))):
        text = clean(w)
        if text in seen:
            continue
        seen.add(text)
        style = "bold red" if text.startswith("HIGH") else "yellow"
        label = "" if text.split(":", 1)[0] in ("HIGH", "MEDIUM", "LOW") else "warning: "
        out.append(Text(f"! {label}{text}", style=style))
    return out


def _terms(lic: LicenseReport, width: int) -> Table:
    """Each term beside its clause; the term column as wide as its longest label, at most half the width."""
    longest = max((len(clean(term_line(t))) for t in lic.terms), default=10)
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), pad_edge=False, expand=False)
    table.add_column("term", width=min(longest, max(12, (width - 8) // 2)), overflow="fold")
    table.add_column("clause", ratio=1, overflow="fold")
    for term in lic.terms:
        clause = clean(term.clause)
        table.add_row(Text(clean(term_line(term)), style="bold"), Text(f"“{clause}”" if clause else ""))
    return table


def _components(r: OpennessReport, explain: bool, color: bool) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0), pad_edge=False, expand=True)
    table.add_column("mark", no_wrap=True, width=1)
    table.add_column("component", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("detail", ratio=1, overflow="fold")
    for name, v in r.components.items():
        status = v.status.value
        detail = Text(clean(v.reason) or "no rule decided")
        if v.base_status:
            own = v.own_status.value if v.own_status else "unknown"
            detail.append(f" (this release {own}, its base {v.base_status.value})")
        lines = [line for ev in v.evidence[: 5 if explain else 2] if (line := evidence_line(ev, explain))]
        for line in dict.fromkeys(lines):
            detail.append("\n")
            detail.append(line, style="dim" if color else "")
        if explain:
            for hit in v.rules_fired:
                detail.append(f"\nrule {hit.rule} → {hit.status.value} (precedence {hit.precedence}, {'won' if hit.won else 'lost'})")
        style = STYLE[status] if color else ""
        table.add_row(Text(MARK[status], style=style), name.replace("_", " "), Text(status, style=style), detail)
    return table


def _frameworks(r: OpennessReport, explain: bool, color: bool) -> RenderableType | None:
    """Each framework's verdict, then what does not pass (everything with --explain), wrapped to the width."""
    if not r.frameworks:
        return None
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0), pad_edge=False, expand=True)
    table.add_column("mark", no_wrap=True, width=1)
    table.add_column("framework", no_wrap=True)
    table.add_column("detail", ratio=1, overflow="fold")
    styles = {"pass": "green", "fail": "red", "review": "yellow"}
    for v in r.frameworks.values():
        detail = Text(f"{v.outcome}: {clean(v.summary)}", style=styles.get(v.outcome, "") if color else "")
        for c in v.criteria if explain else [c for c in v.criteria if c.outcome != "pass"]:
            detail.append(f"\n{c.outcome} {c.id}: {clean(c.reason)}")
            if c.clause:
                detail.append(f" [{clean(c.clause)}]", style="dim" if color else "")
            for ev in c.evidence[:2]:
                detail.append(f"\n  {clean(ev)}", style="dim" if color else "")
        for d in v.duties:
            detail.append(f"\nduty {d.id} ({clean(d.clause)}): {d.outcome}: {clean(d.reason)}")
        table.add_row(frameworks_mark(v.outcome), clean(v.name), detail)
    return Group(Text("frameworks:"), Padding(table, (0, 0, 0, 2)))


def frameworks_mark(outcome: str) -> str:
    return {"pass": "✓", "fail": "✗", "review": "?"}.get(outcome, "?")


def _entry_note(link: ChainLink) -> str:
    """A registry entry written from general knowledge says so where the chain is shown."""
    return f"; {clean(link.note)}" if link.source == "registry" and "general knowledge" in link.note else ""


def _report(r: Result, explain: bool, color: bool, width: int) -> RenderableType:
    if isinstance(r, AuditError):
        return Text(f"{clean(r.id)}: error: {clean(r.error)}", style="bold red" if color else "")
    parts: list[RenderableType] = _header(r, color)
    parts += [Padding(t, (0, 0, 0, 2)) for t in _attention(r)]
    if r.base_models:
        chain = ", ".join(f"{clean(c.id)} ({c.source}{'' if c.level is None else f', L{c.level}'}{_entry_note(c)})" for c in r.chain)
        parts.append(Padding(Text(f"derived from {chain}"), (0, 0, 0, 2)))
    parts.append(Padding(Text(f"licence: {license_line(r.license)}"), (0, 0, 0, 2)))
    if r.license and r.license.terms:
        parts.append(Padding(_terms(r.license, width), (0, 0, 0, 4)))
    parts.append(Padding(_components(r, explain, color), (0, 0, 0, 2)))
    judged = _frameworks(r, explain, color)
    if judged is not None:
        parts.append(Padding(judged, (0, 0, 0, 2)))
    return Group(*parts)


def format_text(results: list[Result], explain: bool = False, width: int = 100, color: bool = False) -> str:
    """The reports laid out to ``width`` columns, a blank line after each."""
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=max(40, width),
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
        legacy_windows=False,
    )
    for r in results:
        if isinstance(r, AuditError):  # one line per failed target, whatever the width: it is grepped for
            console.print(_report(r, explain, color, console.width), soft_wrap=True)
        else:
            console.print(_report(r, explain, color, console.width))
        console.print()
    text = buf.getvalue()
    return text if color else "\n".join(line.rstrip() for line in text.split("\n"))
