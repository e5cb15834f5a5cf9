"""``essgraph adaptations``: curators record, remove, list, import and export the "adapted
from" links between practices of different territories (``graph/curated/adaptations``).

Every refusal prints one line per problem, in French then English, with the file, row and
column where there is one, and exits 2 with nothing written; a graph that does not conform
to ``shapes/adaptation.ttl`` exits 1.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ingest.adaptations import (
    COLUMNS,
    Adaptation,
    CurationNotConform,
    CurationRejected,
    Entry,
    Outcome,
    add,
    current,
    import_entries,
    practice_key,
    read_csv,
    remove,
)
from store import Store

curate = typer.Typer(
    name="adaptations",
    help="Liens « adaptée de » relevés par les curateurs / curator-recorded "
    '"adapted from" links between practices.',
    no_args_is_help=True,
)

PracticeArg = Annotated[
    str,
    typer.Argument(
        help="Pratique adaptée : clé (collectivité/titre) ou IRI / adapted practice: key or IRI."
    ),
]
SourceArg = Annotated[
    str,
    typer.Argument(
        help="Pratique d'origine : clé ou IRI / the practice it was adapted from: key or IRI."
    ),
]


def register(app: typer.Typer) -> None:
    """Add ``essgraph adaptations …`` to the application (once, however often called)."""
    if not any(group.name == "adaptations" for group in app.registered_groups):
        app.add_typer(curate)


@contextmanager
def _curating(ctx: typer.Context) -> Iterator[Store]:
    """The configured store, with every refusal turned into bilingual lines and an exit."""
    from essgraph.cli import EXIT_INVALID, EXIT_USAGE, err, opened_store, settings_of

    settings = settings_of(ctx)
    with opened_store(settings) as store:
        try:
            yield store
        except CurationRejected as exc:
            for error in exc.errors:
                err.print(
                    f"[bold red]Erreur :[/] {escape(error.message_fr)} [dim]|[/] "
                    f"[bold red]Error:[/] {escape(error.message_en)}",
                    highlight=False,
                )
            err.print("rien n'a été écrit / nothing was written", highlight=False, style="bold")
            raise typer.Exit(EXIT_USAGE) from exc
        except CurationNotConform as exc:
            err.print(exc.report.to_text(settings.lang), markup=False, highlight=False)
            err.print("non conforme : rien n'a été écrit / does not conform: nothing was written")
            raise typer.Exit(EXIT_INVALID) from exc


def _summary(outcome: Outcome, dry_run: bool = False) -> None:
    from essgraph.cli import out

    counts = (
        f"{len(outcome.added)} ajouté(s) ou modifié(s) / added or changed, "
        f"{len(outcome.removed)} retiré(s) / removed, "
        f"{len(outcome.unchanged)} inchangé(s) / unchanged"
    )
    if outcome.written:
        state = f"écrit / written (version {outcome.version})"
    elif dry_run and (outcome.added or outcome.removed):
        state = "essai à blanc : rien n'a été écrit / dry run: nothing was written"
    else:
        state = "aucun changement : rien n'a été écrit / no change: nothing was written"
    out.print(f"{counts} — {state}", highlight=False)


@curate.command("add")
def add_command(
    ctx: typer.Context,
    practice: PracticeArg,
    source: SourceArg,
    curator: Annotated[
        str, typer.Option("--curator", help="Qui relève le lien / who records the link.")
    ] = "",
    note: Annotated[str, typer.Option("--note", help="Pourquoi, en français / why.")] = "",
    created: Annotated[
        str, typer.Option("--date", help="AAAA-MM-JJ / YYYY-MM-DD (défaut : aujourd'hui).")
    ] = "",
) -> None:
    """Enregistre un lien « adaptée de » / record an "adapted from" link."""
    with _curating(ctx) as store:
        _summary(add(store, Entry(practice, source, curator, note, created)))


@curate.command("remove")
def remove_command(ctx: typer.Context, practice: PracticeArg, source: SourceArg) -> None:
    """Retire un lien enregistré / remove a recorded link."""
    with _curating(ctx) as store:
        _summary(remove(store, practice, source))


def _rows(store: Store, links: Sequence[Adaptation]) -> list[dict[str, str]]:
    return [
        {
            "practice": practice_key(store.base, a.practice),
            "source": practice_key(store.base, a.source),
            "curator": a.curator,
            "note": a.note,
            "date": a.created.isoformat(),
        }
        for a in links
    ]


def csv_text(rows: Sequence[dict[str, str]]) -> str:
    """The adaptations file `import` reads back (header, one link per row)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@curate.command("list")
def list_command(
    ctx: typer.Context,
    output_format: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
) -> None:
    """Liste les liens enregistrés / list the recorded links."""
    from essgraph.cli import fail, out

    if output_format not in ("table", "csv", "json"):
        fail(f"format inconnu : {output_format}", f"unknown format: {output_format}")
    with _curating(ctx) as store:
        links = current(store)
        rows = _rows(store, links)
    if output_format == "csv":
        sys.stdout.write(csv_text(rows))
    elif output_format == "json":
        docs = [
            {**row, "practice_iri": str(a.practice), "source_iri": str(a.source)}
            for row, a in zip(rows, links, strict=True)
        ]
        sys.stdout.write(json.dumps(docs, ensure_ascii=False, indent=2) + "\n")
    else:
        table = Table(title="Adaptations relevées / recorded adaptations")
        for column in ("pratique / practice", "adaptée de / source", "curateur", "date", "note"):
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(
                *(escape(row[k]) for k in ("practice", "source", "curator", "date", "note"))
            )
        out.print(table)
        out.print(f"{len(rows)} lien(s) / link(s)", highlight=False)


@curate.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV : practice, source, curator, note, date.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Vérifier sans écrire / check, write nothing.")
    ] = False,
    replace_all: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Le fichier devient la liste complète (les liens absents sont retirés) / "
            "the file becomes the whole list (links missing from it are removed).",
        ),
    ] = False,
) -> None:
    """Importe un fichier de liens, tout ou rien / import a file of links, all or nothing."""
    with _curating(ctx) as store:
        entries = read_csv(file)
        outcome = import_entries(store, entries, replace_all=replace_all, dry_run=dry_run)
        _summary(outcome, dry_run)


def _write_whole(path: Path, text: str, fail: Callable[[str, str], object]) -> None:
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        fail(
            f"{path} : écriture impossible ({exc.strerror})",
            f"{path}: cannot write ({exc.strerror})",
        )


@curate.command("export")
def export_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Fichier CSV à écrire / CSV file to write.")],
) -> None:
    """Écrit les liens dans un CSV que « import » relit / write the links to a CSV that
    `import` reads back."""
    from essgraph.cli import err, fail

    with _curating(ctx) as store:
        rows = _rows(store, current(store))
    _write_whole(file, csv_text(rows), fail)
    err.print(f"{file} : {len(rows)} lien(s) écrit(s) / link(s) written", highlight=False)
