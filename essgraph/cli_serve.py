"""The `essgraph serve` command: the web application (SPARQL endpoint, named queries, pages)."""

from __future__ import annotations

import socket
from typing import Annotated, Any

import typer

from essgraph import bootstrap
from store import Store, StoreError


def _load_demo(store: Store) -> None:
    """Vocabularies and the demo: the three bundled survey exports ingested as one batch."""
    from essgraph.cli import EXIT_INVALID, fail
    from ingest.errors import IngestError

    try:
        result = bootstrap.load_demo(store)
    except IngestError as exc:
        fail(exc.message_fr, exc.message_en)
    if not result.report.conforms:
        fail(
            "les données de démonstration ne sont pas conformes",
            "the demo data does not conform",
            EXIT_INVALID,
        )


def _address_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port``, checked before the store opens and
    the demo loads (uvicorn would only say so, in English, after all that work)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def uvicorn_options() -> dict[str, Any]:
    """How `essgraph serve` runs uvicorn (bench/http_floor.py measures with the same)."""
    return {"log_level": "info", "proxy_headers": False}


def register(app: typer.Typer) -> None:
    """Add the serve command to the `essgraph` application."""

    @app.command()
    def serve(
        ctx: typer.Context,
        demo: Annotated[
            bool,
            typer.Option(
                "--demo", help="Charger vocabulaires et démo d'abord / load the demo first."
            ),
        ] = False,
        host: Annotated[str | None, typer.Option(help="Adresse d'écoute (ESSGRAPH_HOST).")] = None,
        port: Annotated[int | None, typer.Option(help="Port d'écoute (ESSGRAPH_PORT).")] = None,
    ) -> None:
        """Lance le serveur web / run the web server (SPARQL, requêtes nommées, page)."""
        import uvicorn

        from api.app import create_app, open_configured_store
        from essgraph.cli import err, fail, settings_of

        settings = settings_of(ctx).model_copy(
            update={k: v for k, v in {"host": host, "port": port}.items() if v is not None}
        )
        problem = _address_problem(settings.host, settings.port)
        if problem:
            fail(
                f"impossible d'écouter sur {settings.host}:{settings.port} ({problem}) : "
                "choisissez un autre --port ou ESSGRAPH_PORT",
                f"cannot listen on {settings.host}:{settings.port} ({problem}): "
                "choose another --port or ESSGRAPH_PORT",
            )
        try:
            store = open_configured_store(settings)
        except StoreError as exc:
            fail(exc.message_fr, exc.message_en)
        try:
            if demo:
                _load_demo(store)
            err.print(
                f"essgraph : http://{settings.host}:{settings.port}/sparql "
                f"(magasin / store : {settings.store})",
                highlight=False,
            )
            uvicorn.run(
                create_app(settings, store),
                host=settings.host,
                port=settings.port,
                **uvicorn_options(),
            )
        except StoreError as exc:
            fail(exc.message_fr, exc.message_en)
        finally:
            store.close()
