"""The ``essgraph`` command: load, validate, query, export and inspect the knowledge graph.

Every failure a person can cause (a bad file, a bad setting, a store that cannot open) ends
with one clear line in French and English and exit code 2, before anything is written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import queries as named_queries
from essgraph import bootstrap, cli_curate, cli_ingest, cli_serve, results
from essgraph.settings import Settings, SettingsError, load_settings
from shapes import validate as shacl_validate
from store import QuerySyntaxError, SelectResult, Store, StoreError
from store.factory import open_store
from store.rdf_files import read_rdf_file
from store.sparql_text import query_form

app = typer.Typer(
    name="essgraph",
    help="essgraph : graphe de connaissances des politiques locales d'ESS / "
    "knowledge graph of local social and solidarity economy policies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

EXIT_INVALID = 1  # the data does not conform to the shapes
EXIT_USAGE = 2  # bad input, bad settings, store unavailable: nothing was written


def fail(message_fr: str, message_en: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print one line in both languages and stop."""
    err.print(
        f"[bold red]Erreur :[/] {escape(message_fr)} [dim]|[/] "
        f"[bold red]Error:[/] {escape(message_en)}",
        highlight=False,
    )
    raise typer.Exit(code)


def settings_of(ctx: typer.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


@contextmanager
def opened_store(settings: Settings) -> Iterator[Store]:
    """Open the configured store; turn every store failure into one clear line."""
    try:
        store = open_store(
            settings.store, settings.base_uri, settings.data_dir, settings.update_url
        )
    except StoreError as exc:
        fail(exc.message_fr, exc.message_en)
    try:
        yield store
    except StoreError as exc:
        fail(exc.message_fr, exc.message_en)
    finally:
        store.close()


@app.callback()
def main(
    ctx: typer.Context,
    store: Annotated[
        str | None,
        typer.Option(help="embedded | memory | URL d'un point d'accès SPARQL (ESSGRAPH_STORE)."),
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Dossier du magasin embarqué (ESSGRAPH_DATA_DIR).")
    ] = None,
    base_uri: Annotated[
        str | None, typer.Option(help="Base des IRI des instances (ESSGRAPH_BASE_URI).")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="Langue des messages : fr | en.")] = None,
) -> None:
    """essgraph : graphe de connaissances de l'ESS / ESS knowledge graph."""
    try:
        ctx.obj = load_settings(store=store, data_dir=data_dir, base_uri=base_uri, lang=lang)
    except SettingsError as exc:
        fail(exc.message_fr, exc.message_en)


def _print_stats(store: Store) -> None:
    sizes = store.graph_sizes()
    out.print(f"base : {store.base}", highlight=False)
    table = Table(title="Graphes nommés / named graphs")
    table.add_column("graphe / graph", overflow="fold")
    table.add_column("triplets / triples", justify="right")
    table.add_column("public", justify="center")
    for info in sizes:
        table.add_row(
            str(info.iri).removeprefix(store.base),
            f"{info.triples:,}".replace(",", "\u202f"),
            "✓" if store.is_public(info.iri) else "",
        )
    out.print(table)
    counts = store.select(
        """
        PREFIX ess: <https://w3id.org/essgraph/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
          VALUES ?class { ess:Collectivity ess:EssPolicy ess:Practice ess:Partner
                          ess:SurveyResponse skos:Concept skos:ConceptScheme }
          ?s a ?class
        } GROUP BY ?class ORDER BY ?class
        """
    )
    out.print(results.select_table(counts, title="Ressources par classe / resources per class"))
    out.print(f"version des données / data version: {store.data_version()}", highlight=False)


@app.command()
def init(ctx: typer.Context) -> None:
    """Charge l'ontologie et les thésaurus / load the ontology and the thesauri."""
    with opened_store(settings_of(ctx)) as store:
        sizes = bootstrap.load_vocabularies(store)
        for name, n in sizes.items():
            out.print(f"graph/{name}: {n} triplets / triples", highlight=False)


@app.command()
def demo(ctx: typer.Context) -> None:
    """Charge vocabulaires et démo, puis résume / load vocabularies and demo, then summarise.

    La démo est l'ingestion des trois exports d'enquête fictifs fournis, en un seul lot /
    the demo is the ingest of the three bundled fictional survey exports, as one batch.
    """
    from ingest.errors import IngestError

    settings = settings_of(ctx)
    with opened_store(settings) as store:
        try:
            result = bootstrap.load_demo(store)
        except IngestError as exc:
            fail(exc.message_fr, exc.message_en)
        cli_ingest.print_summary(result.report, out, settings.lang)
        if not result.report.conforms:
            fail(
                "les données de démonstration ne sont pas conformes",
                "the demo data does not conform",
                EXIT_INVALID,
            )
        where = (
            settings.store if settings.store != "embedded" else f"{settings.data_dir / 'oxigraph'}"
        )
        out.print(f"[bold]essgraph[/] — magasin / store: {where}", highlight=False)
        _print_stats(store)


def _graph_name_for(path: Path, explicit: str | None) -> str:
    if explicit:
        return explicit
    stem = "".join(c if c.isalnum() or c in "-_." else "-" for c in path.stem.lower())
    return f"source/{stem}"


@app.command()
def load(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Turtle, TriG, N-Triples, N-Quads, JSON-LD.")],
    graph: Annotated[
        str | None,
        typer.Option(
            help="Nom du graphe (ex. source/ville-x) ; par défaut source/<nom du fichier>."
        ),
    ] = None,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Ne pas valider / skip SHACL.")
    ] = False,
) -> None:
    """Charge des fichiers RDF dans leur graphe nommé / load RDF files into named graphs.

    Tous les fichiers sont lus et validés avant toute écriture / every file is read and
    validated before anything is written.
    """
    settings = settings_of(ctx)
    if graph and len(files) > 1:
        fail("--graph ne vaut que pour un seul fichier", "--graph applies to one file only")
    if graph and (graph.startswith("system") or not graph.strip("/")):
        fail(
            f"nom de graphe réservé ou vide : {graph!r}", f"reserved or empty graph name: {graph!r}"
        )
    parsed = []
    for path in files:
        try:
            data = read_rdf_file(path, settings.base_uri)
        except StoreError as exc:
            fail(exc.message_fr, exc.message_en)
        if not no_validate:
            report = shacl_validate(data, base=settings.base_uri)
            if not report.conforms:
                err.print(report.to_text(settings.lang), markup=False, highlight=False)
                fail(
                    f"{path} n'est pas conforme : rien n'a été écrit",
                    f"{path} does not conform: nothing was written",
                    EXIT_INVALID,
                )
        parsed.append((_graph_name_for(path, graph), path, data))
    with opened_store(settings) as store:
        for name, path, data in parsed:
            store.replace_graph(store.graph_iri(name), data)
            out.print(
                f"{path} → {store.graph_iri(name)} ({len(data)} triplets / triples)",
                highlight=False,
            )


@app.command()
def validate(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Fichier RDF à valider / RDF file to validate.")],
    output_format: Annotated[str, typer.Option("--format", help="text | json | turtle")] = "text",
) -> None:
    """Valide un fichier contre les formes SHACL / validate a file against the SHACL shapes.

    Code de sortie 1 s'il y a des violations / exit code 1 on violations.
    """
    settings = settings_of(ctx)
    if output_format not in ("text", "json", "turtle"):
        fail(f"format inconnu : {output_format}", f"unknown format: {output_format}")
    try:
        data = read_rdf_file(file, settings.base_uri)
    except StoreError as exc:
        fail(exc.message_fr, exc.message_en)
    report = shacl_validate(data, base=settings.base_uri)
    if output_format == "json":
        sys.stdout.write(report.to_json() + "\n")
    elif output_format == "turtle":
        sys.stdout.write(report.to_turtle())
    else:
        out.print(report.to_text(settings.lang), markup=False, highlight=False)
    if not report.conforms:
        raise typer.Exit(EXIT_INVALID)


def _parse_params(pairs: list[str]) -> dict[str, str]:
    """``k=v`` strings from ``--param`` into a mapping (a name given twice is refused)."""
    raw: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            fail(
                f"--param attend nom=valeur, reçu {pair!r}",
                f"--param expects name=value, got {pair!r}",
            )
        if name in raw:
            fail(f"paramètre donné deux fois : {name}", f"parameter given twice: {name}")
        raw[name] = value
    return raw


def _print_answer(answer: named_queries.Answer, output_format: str) -> None:
    """Write a SELECT, ASK or CONSTRUCT/DESCRIBE answer in the chosen format."""
    if isinstance(answer, SelectResult):
        if output_format == "table":
            out.print(results.select_table(answer))
            out.print(f"{len(answer)} ligne(s) / row(s)", highlight=False)
        else:
            render = {
                "csv": results.select_csv,
                "tsv": results.select_tsv,
                "json": results.select_json,
            }
            sys.stdout.write(render[output_format](answer))
    elif isinstance(answer, bool):
        sys.stdout.write(results.ask_text(answer, output_format) + "\n")  # type: ignore[arg-type]
    else:
        sys.stdout.write(results.graph_text(answer))


@app.command()
def query(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="Nom d'une requête de la bibliothèque (voir « essgraph queries »), fichier .rq, "
            "ou - pour l'entrée standard / a library query name, a .rq file, or - for stdin."
        ),
    ],
    output_format: Annotated[
        str, typer.Option("--format", help="table | csv | tsv | json")
    ] = "table",
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="Paramètre d'une requête nommée, nom=valeur (répétable) / "
            "named query parameter, name=value (repeatable).",
        ),
    ] = None,
) -> None:
    """Exécute une requête SPARQL sur le graphe public / run a SPARQL query on the public graph.

    SOURCE est le nom d'une requête de la bibliothèque, un fichier .rq ou - / SOURCE is a
    library query name, a .rq file or -.
    """
    settings = settings_of(ctx)
    if output_format not in ("table", "csv", "tsv", "json"):
        fail(f"format inconnu : {output_format}", f"unknown format: {output_format}")
    raw = _parse_params(param or [])
    is_file = source == "-" or source.endswith(".rq") or Path(source).is_file()
    if not is_file:
        try:
            named = named_queries.get(source)
            bindings = named.bind(raw, base=settings.base_uri)
        except named_queries.QueryLibraryError as exc:
            fail(exc.message_fr, exc.message_en)
        text, form = named.text, named.form
    else:
        if raw:
            fail(
                "--param ne s'applique qu'aux requêtes nommées",
                "--param applies to named queries only",
            )
        bindings = {}
        if source == "-":
            text = sys.stdin.read()
        else:
            try:
                text = Path(source).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                fail(f"{source} : lecture impossible ({exc})", f"{source}: cannot read ({exc})")
        if not text.strip():
            fail(f"{source} : requête vide", f"{source}: empty query")
        form = query_form(text)  # type: ignore[assignment]
    with opened_store(settings) as store:
        try:
            answer: named_queries.Answer
            if form == "SELECT":
                answer = store.select(text, bindings)
            elif form == "ASK":
                answer = store.ask(text, bindings)
            elif form in ("CONSTRUCT", "DESCRIBE"):
                answer = store.construct(text, bindings)
            else:
                fail(
                    "seules les requêtes SELECT, ASK, CONSTRUCT et DESCRIBE sont acceptées",
                    "only SELECT, ASK, CONSTRUCT and DESCRIBE queries are accepted",
                )
        except QuerySyntaxError as exc:
            fail(f"{source} : {exc.message_fr}", f"{source}: {exc.message_en}")
        _print_answer(answer, output_format)


@app.command("queries")
def list_queries(
    ctx: typer.Context,
    output_format: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Liste les requêtes nommées de la bibliothèque / list the library's named queries."""
    settings = settings_of(ctx)
    if output_format not in ("table", "json"):
        fail(f"format inconnu : {output_format}", f"unknown format: {output_format}")
    entries = named_queries.catalog()
    if output_format == "json":
        docs = [q.as_dict(settings.base_uri) for q in entries]
        sys.stdout.write(json.dumps(docs, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title="Requêtes nommées / named queries")
    table.add_column("nom / name", no_wrap=True)
    table.add_column("titre", overflow="fold")
    table.add_column("paramètres (* obligatoire / required)", overflow="fold")
    for named in entries:
        params = ", ".join(
            f"{p.name}{'*' if p.required else ''}: {p.type}"
            + (f" = {p.default}" if p.default is not None else "")
            for p in named.parameters
        )
        table.add_row(named.name, escape(named.title["fr"]), escape(params) or "—")
    out.print(table)


@app.command()
def export(
    ctx: typer.Context,
    output_format: Annotated[str, typer.Option("--format", help="nq | trig")] = "nq",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Fichier (défaut : sortie standard).")
    ] = None,
    include_private: Annotated[
        bool, typer.Option("--all", help="Inclure les graphes non publics (staging, system).")
    ] = False,
    dumps: Annotated[
        Path | None,
        typer.Option(
            "--dumps",
            help="Écrire dans ce dossier les exports publiés par le serveur (/dumps : .nq.gz, "
            ".ttl.gz, .jsonld.gz et leurs .sha256), mêmes noms et sommes / write the server's "
            "dump files into this folder, same names and checksums.",
        ),
    ] = None,
) -> None:
    """Exporte les graphes publics (N-Quads, TriG) / export the public graphs."""
    settings = settings_of(ctx)
    if dumps is not None:
        _export_dumps(settings, dumps, output is not None or include_private)
        return
    if output_format not in ("nq", "trig"):
        fail(
            f"format inconnu : {output_format} (nq | trig)",
            f"unknown format: {output_format} (nq | trig)",
        )
    with opened_store(settings) as store:
        if output is None:
            store.export(sys.stdout.buffer, output_format, public_only=not include_private)  # type: ignore[arg-type]
            sys.stdout.buffer.flush()
            return
        partial = output.with_name(output.name + ".part")
        try:
            with partial.open("wb") as handle:
                store.export(handle, output_format, public_only=not include_private)  # type: ignore[arg-type]
            partial.replace(output)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            fail(
                f"{output} : écriture impossible ({exc.strerror})",
                f"{output}: cannot write ({exc.strerror})",
            )
        err.print(f"{output} écrit / written", highlight=False)


def _export_dumps(settings: Settings, folder: Path, conflicting: bool) -> None:
    """``export --dumps DIR``: the public dump set of the current data version."""
    from store.dumps import write_dumps

    if conflicting:
        fail(
            "--dumps ne se combine ni avec --output ni avec --all (publics seulement)",
            "--dumps cannot be combined with --output or --all (public graphs only)",
        )
    if folder.exists() and not folder.is_dir():
        fail(f"{folder} : ce n'est pas un dossier", f"{folder}: not a folder")
    with opened_store(settings) as store:
        try:
            written = write_dumps(store, folder)
        except OSError as exc:
            fail(
                f"{folder} : écriture impossible ({exc.strerror})",
                f"{folder}: cannot write ({exc.strerror})",
            )
    for dump in written.ordered():
        out.print(f"{dump.sha256}  {dump.path}", highlight=False)
    err.print(f"version {written.version} : {folder} écrit / written", highlight=False)


@app.command()
def stats(ctx: typer.Context) -> None:
    """Résume le contenu du magasin / summarise the store's content."""
    with opened_store(settings_of(ctx)) as store:
        _print_stats(store)


cli_ingest.register(app)
cli_serve.register(app)
cli_curate.register(app)

if __name__ == "__main__":  # pragma: no cover
    app()
