"""The licence stage of an audit: which licence governs a release, the terms that bind an adopter, and the release's class.

Sources, in order of trust: the card's ``license`` field (a Hub id, a name or an SPDX
expression), ``license_name`` / ``license_link`` when ``license: other``, then the text of the
LICENSE files. The text checks the declaration: a different licence in the text is a
``HIGH:`` warning, and its terms are listed too, so nothing binding is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from openness.engine.scan import folded_view
from openness.license.card_text import Mention, best_mention, licence_mentions
from openness.license.clauses import quote
from openness.license.database import RESTRICTIVE_TERMS, LicenseDatabase, LicenseEntry
from openness.license.declared import CATEGORY_RANK, Declared, declared_text, resolve_declared, restrictiveness
from openness.license.identify import TextMatch, identify_text
from openness.license.models import Category, LicenseReport, LicenseSource, LicenseTerm, ReleaseClass
from openness.license.scope import apply_scope
from openness.models import ChainLink, Link, Release, Status

MAX_TEXT_CHARS = 1_000_000
CONFIDENCE = {"metadata": 0.9, "license_name": 0.8, "license_link": 0.7}
_RESTRICTIVE_CATEGORIES: frozenset[str] = frozenset({"open-rail", "community", "non-commercial", "research-only", "proprietary"})


def entry_terms(entry: LicenseEntry, source: str | None = None) -> list[LicenseTerm]:
    """The entry's terms, each stamped with where it came from."""
    terms = entry.fresh_terms()
    for t in terms:
        t.source = source or f"licence database: {entry.id}"
    return terms


def report_for_entry(entry: LicenseEntry, source: LicenseSource, confidence: float, declared: str | None = None) -> LicenseReport:
    """A report that says: this release is under ``entry``."""
    return LicenseReport(
        id=entry.id,
        name=entry.name,
        spdx=entry.spdx,
        source=source,
        confidence=confidence,
        osi_approved=entry.osi_approved,
        category=entry.category,
        recognised=True,
        terms=entry_terms(entry),
        declared=declared,
    )


@dataclass
class _FileResult:
    name: str
    match: TextMatch


def _read_files(release: Release, db: LicenseDatabase, warnings: list[str]) -> list[_FileResult]:
    results = []
    for name in sorted(release.license_files):
        text = release.license_files[name]
        if not text.strip():
            warnings.append(f"{name} is empty; not used to identify the licence")
            continue
        if "\x00" in text[:8192]:
            warnings.append(f"{name} looks binary; not used to identify the licence")
            continue
        if len(text) > MAX_TEXT_CHARS:
            warnings.append(f"{name} is longer than {MAX_TEXT_CHARS:,} characters; only the start was read")
            text = text[:MAX_TEXT_CHARS]
        results.append(_FileResult(name, identify_text(text, db)))
    return results


def _same_licence(entry: LicenseEntry, declared: list[LicenseEntry], declared_names: set[str]) -> bool:
    """The text names one of the declared licences, or a variant that shares the declared name."""
    ids = {e.id for e in declared}
    if entry.id in ids:
        return True
    own_names = {n.lower() for n in [*entry.license_names, *entry.hub_ids]}
    return bool(own_names & declared_names)


def _merge(entries: list[LicenseEntry], source: LicenseSource, confidence: float, declared: Declared | None) -> LicenseReport:
    """One report for the entries that bind (several for an AND expression)."""
    main = max(entries, key=restrictiveness)
    report = report_for_entry(main, source, confidence)
    for other in entries:
        if other is main:
            continue
        report.terms += entry_terms(other)
        report.osi_approved = report.osi_approved and other.osi_approved
    if declared is not None:
        report.declared = declared.raw
        report.expression = declared.expression
        report.evidence += declared.evidence
        if len(entries) > 1:
            report.evidence.append(f"all of {', '.join(e.id for e in entries)} bind; the most restrictive, {main.id}, is reported")
    return report


def _declared_report(release: Release, db: LicenseDatabase) -> tuple[LicenseReport | None, list[LicenseEntry], set[str]]:
    """The report from card metadata alone, the entries it names, and every name it used."""
    fields = release.license_fields or {
        k: release.metadata[k] for k in ("license", "license_name", "license_link") if k in release.metadata
    }
    raw = declared_text(fields.get("license"))
    name = declared_text(fields.get("license_name"))
    link = declared_text(fields.get("license_link"))
    names = {n.lower() for n in (raw, name) if n}
    declared: Declared | None = resolve_declared(raw, db) if raw else None
    entries = [e for e in (declared.entries if declared else []) if e.id != "other"]
    if declared is not None and entries:
        report = _merge(entries, "metadata", CONFIDENCE["metadata"], declared)
        report.evidence.insert(0, f"metadata:license={raw}")
        if declared.unknown:
            report.warnings.append(f"declared licence part(s) not in the licence database: {', '.join(declared.unknown)}")
        if name:
            by_name = db.by_license_name(name)
            if by_name and by_name[0].id not in {e.id for e in entries}:
                report.warnings.append(f"license_name {name!r} ({by_name[0].id}) disagrees with license {raw!r}")
        return report, entries, names
    # license: other (or nothing usable): try the name, then the link.
    if name:
        by_name = db.by_license_name(name)
        if by_name:
            report = report_for_entry(by_name[0], "license_name", CONFIDENCE["license_name"], declared=raw or None)
            report.evidence.append(f"metadata:license_name={name}")
            if len(by_name) > 1:
                report.evidence.append(f"the name is shared by {', '.join(e.id for e in by_name)}; the LICENSE text tells them apart")
            return report, by_name[:1], names
    if link:
        entry = db.by_link(link)
        if entry is not None:
            report = report_for_entry(entry, "license_link", CONFIDENCE["license_link"], declared=raw or None)
            report.evidence.append(f"metadata:license_link={link}")
            return report, [entry], names
    if declared is None and not name and not link:
        return None, [], names
    report = LicenseReport(id=None, source="metadata", declared=raw or name, recognised=False, confidence=0.0)
    if declared is not None and declared.error:
        report.warnings.append(declared.error)
        report.evidence.append(f"metadata:license={raw} (unparseable)")
    elif declared is not None and declared.unknown:
        report.warnings.append(f"declared licence {', '.join(repr(u) for u in declared.unknown)} is not in the licence database")
        report.evidence.append(f"metadata:license={raw}")
    else:
        report.evidence.append(f"metadata:license={raw or 'absent'}")
        what = ", ".join(f"{k}={v!r}" for k, v in (("license_name", name), ("license_link", link)) if v)
        report.warnings.append(f"custom licence ({what or 'no license_name or license_link'}) is not in the licence database")
    return report, [], names


def _gating(release: Release) -> LicenseTerm | None:
    keys = sorted(k for k in release.metadata if k.startswith("extra_gated_"))
    if release.gated is False or (not release.gated and not keys):
        return None
    prompt = release.metadata.get("extra_gated_prompt")
    clause = quote(" ".join(str(prompt).split()), 0) if isinstance(prompt, str) else ""
    value: object = release.gated if isinstance(release.gated, str) else True
    details: dict[str, object] = {"metadata_fields": keys} if keys else {}
    if release.gated is not None:
        details["hub_gated"] = release.gated
    return LicenseTerm(type="gated", value=value, clause=clause, details=details, source="gating metadata")


def _restrictive_types(terms: list[LicenseTerm]) -> set[str]:
    return {t.type for t in terms if t.type in RESTRICTIVE_TERMS}


def _linked_licence(release: Release, db: LicenseDatabase) -> tuple[LicenseEntry, Link] | None:
    """A licence the card text links to (a card with no metadata, e.g. a copy from GitHub)."""
    for link in release.links:
        entry = db.by_link(link.url)
        if entry is not None:
            return entry, link
    return None


def audit_license(release: Release, db: LicenseDatabase, folded: bytes | None = None) -> LicenseReport:
    """Identify the governing licence of ``release`` and collect every term that binds an adopter.

    ``folded``: the card text's folded view when the caller has made it (``Facts.folded``).
    """
    report, declared_entries, declared_names = _declared_report(release, db)
    file_warnings: list[str] = []
    files = _read_files(release, db, file_warnings)
    licence_files = [f for f in files if f.match.entry is not None and f.match.part == "license"]
    policy_files = [f for f in files if f.match.entry is not None and f.match.part == "use-policy"]
    unknown_files = [f for f in files if f.match.entry is None]

    # With a licence from the metadata, only headings and bullets can contradict it (a sentence names in passing).
    folded = folded_view(release.card_text) if folded is None else folded
    mentions = licence_mentions(release.card_text, db, release.card_body_line, sentences=report is None or report.id is None, folded=folded)
    named = best_mention(mentions)
    if report is None or report.id is None:
        base = report
        if licence_files:
            best = max(licence_files, key=lambda f: f.match.confidence)
            assert best.match.entry is not None
            report = report_for_entry(best.match.entry, "text", best.match.confidence)
            report.evidence.append(f"file:{best.name}: " + "; ".join(best.match.evidence[:2]))
            if named is not None:
                _check_mention(report, named, [best.match.entry], set())
        elif named is not None:
            report = report_for_entry(named.entry, "card_text", named.confidence)
            report.evidence.append(f"card line {named.line} ({named.kind}, {named.how}): {named.quote}")
        elif unknown_files and any(f.match.terms for f in unknown_files):
            report = LicenseReport(id=None, source="text", recognised=False, confidence=0.0)
            for f in unknown_files:
                report.terms += [t.model_copy(update={"source": f"file:{f.name} (clause detection)"}) for t in f.match.terms]
                report.evidence.append(f"file:{f.name}: licence text not recognised; terms found by clause detection")
        elif base is None and (linked := _linked_licence(release, db)) is not None:
            entry, link = linked
            report = report_for_entry(entry, "license_link", 0.6)
            report.evidence.append(f"card line {link.line}: links the licence text {link.url} (no licence in metadata or files)")
        else:
            report = report or LicenseReport(id=None, source="none", recognised=False)
            if base is None:
                report.warnings.append("no licence declared in the card and no licence file found")
        if base is not None and report is not base:
            report.declared = base.declared
            report.expression = base.expression
            report.warnings = base.warnings + report.warnings
            report.evidence = base.evidence + report.evidence
        declared_entries = [report_entry] if (report_entry := db.get(report.id or "")) else []
    else:
        _check_texts(report, licence_files, declared_entries, declared_names)
        if named is not None:
            _check_mention(report, named, declared_entries, declared_names, mentions)

    for f in policy_files:
        assert f.match.entry is not None
        if f.match.entry.id in {e.id for e in declared_entries} or f.match.entry.id == report.id:
            report.evidence.append(f"file:{f.name}: the acceptable use policy of {f.match.entry.id}")
        else:
            report.warnings.append(
                f"HIGH: {f.name} is the acceptable use policy of {f.match.entry.id}, not of the declared licence {report.id or report.declared}"
            )
            report.terms += entry_terms(f.match.entry, f"file:{f.name} ({f.match.entry.id})")
    if report.id is not None:
        for f in unknown_files:
            extra = _restrictive_types(f.match.terms) - {t.type for t in report.terms}
            if extra:
                report.warnings.append(f"HIGH: {f.name} has terms the licence {report.id} does not: {', '.join(sorted(extra))}")
                report.terms += [
                    t.model_copy(update={"source": f"file:{f.name} (clause detection)"}) for t in f.match.terms if t.type in extra
                ]
            else:
                report.evidence.append(f"file:{f.name}: not a licence text the database knows")
    gated = _gating(release)
    if gated is not None:
        report.terms.append(gated)
        report.evidence.append("gating metadata: access requires accepting conditions on the Hub")
    report.warnings += file_warnings
    return report


def _check_mention(
    report: LicenseReport,
    named: Mention,
    entries: list[LicenseEntry],
    names: set[str],
    mentions: list[Mention] | None = None,
) -> None:
    """The card text confirms the licence found elsewhere, or (a HIGH warning) names another."""
    agreeing = [m for m in (mentions or [named]) if _same_licence(m.entry, entries, names)]
    if agreeing:
        m = agreeing[0]
        report.evidence.append(f"card line {m.line} ({m.kind}) names {m.entry.id} too")
        return
    if named.kind == "sentence":
        return  # a licence named in passing (a base model's, a dataset's) is no contradiction
    report.warnings.append(
        f"HIGH: the card text names {named.entry.id} (line {named.line}: {named.quote!r}) but the licence "
        f"{report.id!r} comes from {report.source}; check which governs the weights"
    )


def _check_texts(
    report: LicenseReport,
    licence_files: list[_FileResult],
    declared_entries: list[LicenseEntry],
    declared_names: set[str],
) -> None:
    """Confirm, refine or contradict the declared licence with the LICENSE texts."""
    for f in licence_files:
        entry = f.match.entry
        assert entry is not None
        if entry.id != report.id and len(declared_entries) == 1 and _same_licence(entry, declared_entries, declared_names):
            # A variant sharing the declared name (e.g. Hunyuan community vs its EU-UK-KR text): the text decides.
            refined = report_for_entry(entry, report.source, report.confidence)
            report.evidence.append(f"file:{f.name}: the text is the {entry.id} variant of {report.id}")
            report.id, report.name, report.spdx = refined.id, refined.name, refined.spdx
            report.category, report.osi_approved = refined.category, refined.osi_approved
            report.terms = refined.terms
        if entry.id == report.id or entry in declared_entries:
            report.confidence = max(report.confidence, min(1.0, 0.1 + f.match.confidence))
            report.evidence.append(f"file:{f.name} confirms {entry.id} (text confidence {f.match.confidence:.2f})")
            continue
        report.warnings.append(
            f"HIGH: declared licence {report.declared or report.id!r} ({report.source}) but {f.name} reads as "
            f"{entry.id} (confidence {f.match.confidence:.2f}); its terms are listed too"
        )
        report.evidence.append(f"file:{f.name}: " + "; ".join(f.match.evidence[:2]))
        report.terms += entry_terms(entry, f"file:{f.name} ({entry.id})")
        report.osi_approved = report.osi_approved and entry.osi_approved
        report.category = _stricter(report.category, entry.category)
        report.confidence = min(report.confidence, 0.5)


def _stricter(a: Category, b: Category) -> Category:
    return a if CATEGORY_RANK[a] >= CATEGORY_RANK[b] else b


def inherit_license(own: LicenseReport, base: LicenseReport, base_id: str) -> LicenseReport:
    """Carry a base model's binding terms over to a derived model (fine-tune, merge, adapter, quantisation).

    The derived model keeps its own id; the base's terms are added with a source naming the base,
    ``inherited_from`` is set, and a ``HIGH:`` warning says when the declared licence does not
    lift the base's restrictions.
    """
    result = own.model_copy(deep=True)
    result.inherited_from = base_id
    carried = [t for t in base.terms if t.type != "gated"]  # gating guards the base repository, not derivatives
    have = {(t.type, repr(t.value)) for t in result.terms}
    added = []
    for term in carried:
        if (term.type, repr(term.value)) in have:
            continue
        added.append(term.model_copy(update={"source": f"base model {base_id} ({base.id or 'unrecognised'}): {term.source}"}, deep=True))
    result.terms += added
    if own.id is None and own.source == "none" and base.id is not None:
        result.id, result.name, result.spdx = base.id, base.name, base.spdx
        result.source, result.confidence, result.recognised = "base_model", base.confidence, base.recognised
        result.osi_approved, result.category = base.osi_approved, base.category
        result.evidence.append(f"no licence of its own; the licence of base model {base_id} ({base.id}) applies")
        return result
    result.osi_approved = own.osi_approved and base.osi_approved
    result.category = _stricter(own.category, base.category)
    binding = sorted({t.type for t in added if t.type in RESTRICTIVE_TERMS})
    if base.id is not None and base.id != own.id and binding:
        result.warnings.append(
            f"HIGH: derived from {base_id} under {base.id}; the declared licence {own.id or own.declared or 'none'!s} "
            f"does not lift the base terms: {', '.join(binding)}"
        )
    result.evidence.append(f"base model {base_id}: {base.id or 'unrecognised licence'}; {len(added)} term(s) carried over")
    return result


def release_class(weights: Status, level: int, lic: LicenseReport | None) -> ReleaseClass:
    """The CLASS stage: open-source, open-weights, open-access or api-only (definitions in docs/licenses.md),
    from the weights' status, the openness level and the licence."""
    if weights == Status.CLOSED:
        return "api-only"
    if weights == Status.UNKNOWN:
        return "unknown"
    if weights == Status.PARTIAL:
        return "open-access"  # weights only on application or approval
    if lic is None:
        return "unknown"
    restrictive = bool(_restrictive_types(lic.terms)) or lic.category in _RESTRICTIVE_CATEGORIES
    if restrictive:
        return "open-access"
    if lic.id is None or lic.category == "unknown":
        return "unknown"
    if lic.osi_approved and level >= 4:
        return "open-source"
    return "open-weights"


def license_with_bases(
    release: Release, chain: list[ChainLink], db: LicenseDatabase, folded: bytes | None = None
) -> tuple[LicenseReport, list[str]]:
    """The LICENCE stage: the release's licence audit, with the binding terms of its base models
    carried over; and warnings for bases whose licence is not in the database.

    ``folded``: the card text's folded view, when made (``Facts.folded``).
    """
    lic = audit_license(release, db, folded)
    warnings: list[str] = []
    for link in chain:
        if link.license is None:
            continue
        entry = db.get(link.license)
        if entry is None:
            warnings.append(f"base model {link.id} is under {link.license!r}, not in the licence database: its terms are not carried over")
            continue
        lic = inherit_license(lic, report_for_entry(entry, "base_model", 1.0, declared=link.license), link.id)
    apply_scope(lic, release)
    return lic, warnings


def audit_text(text: str, name: str, db: LicenseDatabase) -> LicenseReport:
    """The licence of one text on its own (``openness license detect``)."""
    match = identify_text(text, db)
    if match.entry is not None:
        report = report_for_entry(match.entry, "text", match.confidence)
        if match.part == "use-policy":
            report.evidence.append(f"file:{name} is the acceptable use policy of {match.entry.id}; the licence's terms are shown")
        report.evidence += [f"file:{name}: {e}" for e in match.evidence]
        return report
    report = LicenseReport(id=None, source="text", recognised=False, confidence=0.0)
    report.terms = [t.model_copy(update={"source": f"file:{name} (clause detection)"}) for t in match.terms]
    report.evidence += [f"file:{name}: {e}" for e in match.evidence]
    report.evidence.append(
        "licence text not recognised; terms found by clause detection"
        if report.terms
        else "licence text not recognised; no binding clause found"
    )
    return report
