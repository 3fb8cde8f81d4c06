"""`openness bom`: an AI bill of materials (CycloneDX 1.6 ML-BOM or SPDX 3.0.1 AI profile) with openness's verdicts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from openness.cli.base import EXIT_ERROR, audit_options, cli, examples, fail, summary, write_output_to
from openness.formatters.text import clean

if TYPE_CHECKING:
    from openness.audit import AuditSettings


@cli.command(
    epilog=examples(
        "openness bom EleutherAI/pythia-6.9b -o pythia.cdx.json",
        "openness bom --from-file models.txt --format spdx -o models.spdx.json",
        "openness bom --registry --offline -o registry.cdx.json",
    )
)
@click.argument("targets", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["cyclonedx", "spdx"]),
    default="cyclonedx",
    show_default=True,
    envvar="OPENNESS_BOM_FORMAT",
    help="CycloneDX 1.6 JSON or SPDX 3.0.1 JSON-LD. Env: OPENNESS_BOM_FORMAT.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the BOM here (atomically) instead of stdout.")
@click.option("--from-file", type=click.File("r"), help="Read targets, one per line, from a file ('-' for stdin).")
@click.option("--registry", "whole_registry", is_flag=True, help="Every release of the curated registry (audited unless --offline).")
@audit_options
def bom(targets: tuple[str, ...], fmt: str, output: Path | None, from_file: Any, whole_registry: bool, settings: AuditSettings) -> None:
    """AI-BOM for model releases: local directories or card files, Hub ids ORG/NAME[@REVISION], or --registry."""
    from openness.audit import Auditor
    from openness.bom.cyclonedx_bom import build_cyclonedx
    from openness.bom.spdx_bom import build_spdx
    from openness.bom.subject import Subject, report_from_result, subject_for
    from openness.datasets import DatasetCatalogue
    from openness.frameworks.judge import Frameworks
    from openness.license.database import LicenseDatabase
    from openness.models import AuditError
    from openness.registry.build import build_report
    from openness.registry.store import Registry

    all_targets = list(targets)
    if from_file is not None:
        all_targets += [line.strip() for line in from_file if line.strip() and not line.startswith("#")]
    if not all_targets and not whole_registry:
        fail("nothing to describe: give a path or model id, --from-file or --registry (see 'openness bom --help')")
    settings.frameworks = ["all"]
    auditor = Auditor.from_settings(settings)
    catalogue = DatasetCatalogue.load()
    subjects: list[Subject] = []
    failed = 0
    for result in auditor.audit_many(all_targets):
        if isinstance(result, AuditError):
            failed += 1
            click.echo(f"{clean(result.id)}: error: {clean(result.error)}", err=True)
            continue
        subjects.append(subject_for(result, catalogue))
    if whole_registry:
        report = build_report(Registry.load(), None if settings.offline else auditor, frameworks=Frameworks.load())
        licences = LicenseDatabase.load()
        subjects += [subject_for(report_from_result(r, licences), catalogue) for r in report.releases]
    text = build_cyclonedx(subjects) if fmt == "cyclonedx" else build_spdx(subjects)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output_to(output, text)
        summary(f"wrote {output} ({fmt}, {len(subjects)} model(s))")
    if failed:
        summary(f"{failed} of {len(all_targets)} target(s) could not be audited")
        sys.exit(EXIT_ERROR)
