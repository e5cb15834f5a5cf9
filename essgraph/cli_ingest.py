"""The `essgraph ingest` command: survey exports → validated, traceable RDF, one atomic batch."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingest.report import BatchReport, flag_text

EXIT_INVALID = 1
EXIT_USAGE = 2


def print_summary(report: BatchReport, console: Console, lang: str = "fr") -> None:
    """The terminal summary: per file, merges, curation queue, SHACL results, outcome."""
    fr = lang == "fr"
    table = Table(title="Ingestion / ingest")
    for header in (
        "fichier / file",
        "graphe / graph",
        "réponses / responses",
        "gardées / kept",
        "cellules / cells",
        "faits / mapped",
        "brutes / raw",
        "à curer / queued",
        "privées / private",
        "triplets / triples",
    ):
        table.add_column(header, overflow="fold")
    for f in report.files:
        responses = f.responses
        entries = [e for r in responses for e in r.entries]
        check = "✓" if f.cells_match else "✗"
        table.add_row(
            escape(f.file),
            escape(f.graph),
            str(len(responses)),
            str(sum(1 for r in responses if r.kept)),
            f"{f.accounted_cells}/{f.non_empty_cells} {check}",
            str(f.mapped_cells),
            str(f.raw_cells),
            str(sum(1 for e in entries if e.kind == "unmatched")),
            str(sum(1 for e in entries if e.kind == "private")),
            str(f.triples),
        )
    console.print(table)
    if report.merges:
        console.print("[bold]Doublons fusionnés / merged duplicates[/]")
        for m in report.merges:
            variants = f" ({', '.join(m.variants)})" if m.variants else ""
            console.print(
                f"  {escape(m.name)}{escape(variants)} — {m.reason}: "
                f"{len(m.superseded)} réponse(s) remplacée(s) / superseded → {escape(m.kept)}",
                highlight=False,
            )
    queue = report.curation_queue()
    if queue:
        console.print("[bold]À curer / curation queue[/]")
        for e in queue:
            best = e.suggestions[0] if e.suggestions else None
            hint = f" → {best['label']} ({best['score']})" if best else ""
            console.print(
                f"  {escape(e.file)} l.{e.row} {e.letter} «{escape(e.column or '')}» : "
                f"{escape(e.detail.split(' → ')[0])}{escape(hint)}",
                highlight=False,
            )
    for title, items in (
        ("Violations SHACL / SHACL violations", report.rejected),
        ("Avertissements SHACL / SHACL warnings", report.warnings),
    ):
        if items:
            console.print(f"[bold]{title}[/] ({len(items)})")
            for e in items:
                where = f"{e.file} l.{e.row}" if e.row else e.file
                message = e.message_fr if fr else e.message_en
                console.print(
                    f"  {escape(where)} {escape(e.detail)} : {escape(message)}", highlight=False
                )
    totals = report.totals()
    console.print(
        f"{totals['responses']} réponses / responses, {totals['collectivities']} collectivités / "
        f"collectivities, cellules non vides / non-empty cells {totals['accounted_cells']}/"
        f"{totals['non_empty_cells']}, {totals['unmatched']} à curer / queued, "
        f"{totals['violations']} violation(s), {totals['warnings']} avertissement(s) / "
        f"warning(s)",
        highlight=False,
    )
    flagged = sorted(
        {f for file in report.files for r in file.responses for e in r.entries for f in e.flags}
    )
    if flagged:
        console.print(
            "Signalements / flags: "
            + ", ".join(f"{flag_text(f, 'fr')} / {flag_text(f, 'en')}" for f in flagged),
            highlight=False,
        )
    if report.written:
        outcome = f"écrit / written (version {report.data_version})"
    elif report.dry_run:
        outcome = "essai à blanc : rien n'a été écrit / dry run: nothing was written"
    else:
        outcome = "non conforme : rien n'a été écrit / does not conform: nothing was written"
    console.print(f"[bold]{outcome}[/] ({report.seconds} s)", highlight=False)


def write_reports(report: BatchReport, json_path: Path | None, html_path: Path | None) -> None:
    """Write the JSON and HTML reports (each whole or not at all)."""
    for path, text in ((json_path, report.to_json), (html_path, report.to_html)):
        if path is None:
            continue
        partial = path.with_name(path.name + ".part")
        try:
            partial.write_text(text() + ("\n" if path is json_path else ""), encoding="utf-8")
            partial.replace(path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            from ingest.errors import IngestError

            raise IngestError(
                "report-unwritable",
                f"écriture du rapport impossible ({exc.strerror})",
                f"cannot write the report ({exc.strerror})",
                file=str(path),
            ) from exc


def register(app: typer.Typer) -> None:
    """Add the ingest command to the `essgraph` application."""

    @app.command()
    def ingest(
        ctx: typer.Context,
        files: Annotated[list[Path], typer.Argument(help="Exports CSV ou XLSX / CSV or XLSX.")],
        profile: Annotated[
            list[str],
            typer.Option(
                "--profile",
                "-p",
                help="Profil (nom ou fichier YAML) : un pour tous, ou un par fichier / "
                "profile (name or YAML file): one for all files, or one per file.",
            ),
        ],
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Valider sans écrire / validate only.")
        ] = False,
        report_json: Annotated[
            Path | None, typer.Option("--report-json", help="Rapport JSON / JSON report.")
        ] = None,
        report_html: Annotated[
            Path | None, typer.Option("--report-html", help="Rapport HTML / HTML report.")
        ] = None,
    ) -> None:
        """Importe des exports d'enquête / ingest survey exports (one atomic batch).

        Code de sortie : 0 écrit (avertissements permis), 1 violations SHACL (rien n'est
        écrit), 2 entrée invalide (rien n'est écrit) / exit 0 written, 1 SHACL violations,
        2 bad input; nothing is written unless the whole batch conforms.
        """
        from essgraph.cli import fail, opened_store, out, settings_of
        from ingest.batch import read_sources, run
        from ingest.errors import IngestError
        from store import StoreError

        settings = settings_of(ctx)
        if len(profile) not in (1, len(files)):
            fail(
                f"{len(profile)} profils pour {len(files)} fichiers : un pour tous ou un par "
                "fichier",
                f"{len(profile)} profiles for {len(files)} files: one for all or one per file",
            )
        profiles = profile * len(files) if len(profile) == 1 else profile
        try:
            sources = read_sources(list(zip(files, profiles, strict=True)), console=out)
        except IngestError as exc:
            fail(exc.message_fr, exc.message_en)
        with opened_store(settings) as store:
            try:
                result = run(store, sources, dry_run=dry_run)
            except (IngestError, StoreError) as exc:
                fail(exc.message_fr, exc.message_en)
        report = result.report
        print_summary(report, out, settings.lang)
        try:
            write_reports(report, report_json, report_html)
        except IngestError as exc:
            fail(exc.message_fr, exc.message_en)
        if not report.conforms:
            raise typer.Exit(EXIT_INVALID)
