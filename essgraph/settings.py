"""Settings from the environment (prefix ``ESSGRAPH_``) and flags; nothing is read at import."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ontology import DEFAULT_BASE

Lang = Literal["fr", "en"]

_MUST_BE_HTTP = "must be an http(s) IRI"
_MUST_END_WITH_SLASH = "must end with '/'"
_NO_QUERY = "must not have a query or fragment"
_STORE_KIND = "expected 'embedded', 'memory' or the http(s) URL of a SPARQL endpoint"
#: French for the validators' messages (pydantic's own messages stay in English).
_FRENCH = {
    _MUST_BE_HTTP: "doit être une IRI http(s)",
    _MUST_END_WITH_SLASH: "doit se terminer par « / »",
    _NO_QUERY: "ne doit avoir ni requête ni fragment",
    _STORE_KIND: "attendu « embedded », « memory » ou l'URL http(s) d'un point d'accès SPARQL",
}


class SettingsError(Exception):
    """Settings that cannot work; carries one French and one English line."""

    def __init__(self, message_fr: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_fr = message_fr
        self.message_en = message_en


class Settings(BaseSettings):
    """Deployment settings. Environment: ``ESSGRAPH_DATA_DIR``, ``ESSGRAPH_BASE_URI``…"""

    model_config = SettingsConfigDict(env_prefix="ESSGRAPH_", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"), description="Folder of the embedded store and generated files."
    )
    base_uri: str = Field(
        default=DEFAULT_BASE, description="Base of instance IRIs: {BASE}id/{kind}/{key}."
    )
    store: str = Field(
        default="embedded",
        description="'embedded' (Oxigraph on disk in DATA_DIR), 'memory', or the URL of a "
        "remote SPARQL 1.1 query endpoint.",
    )
    update_url: str | None = Field(
        default=None, description="SPARQL Update URL of a remote store (default: derived)."
    )
    lang: Lang = Field(default="fr", description="Language of messages: fr or en.")

    # -- the public SPARQL endpoint (issue 4) -------------------------------------------
    host: str = Field(default="127.0.0.1", description="Address `essgraph serve` binds.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `essgraph serve` binds.")
    query_timeout: float = Field(
        default=30.0, gt=0, le=3600, description="Server cap on a query's run time (seconds)."
    )
    query_memory_mb: int = Field(
        default=2048,
        ge=64,
        description="Memory the query engine process may use beyond its start-up size (MiB).",
    )
    max_rows: int = Field(
        default=10_000, ge=1, description="Row cap of /sparql answers (announced in a header)."
    )
    max_query_bytes: int = Field(
        default=100_000, ge=100, description="Size cap on query text (bytes)."
    )
    max_query_nesting: int = Field(
        default=40, ge=4, description="Cap on nested groups/brackets checked before parsing."
    )
    service_allowlist: list[str] = Field(
        default_factory=list,
        description="Endpoints SERVICE may call (JSON list); empty = SERVICE refused.",
    )
    cache_max_age: int = Field(
        default=60, ge=0, description="max-age (seconds) of cacheable GET answers of the API."
    )

    # -- the dataset description, /dataset (issue 5) -------------------------------------
    dataset_license: str = Field(
        default="https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        description="IRI of the licence of the published data (dct:license in /dataset).",
    )
    dataset_license_type: str | None = Field(
        default="http://purl.org/adms/licencetype/Attribution",
        description="ADMS licence type of that licence (dct:type), or empty when unknown.",
    )
    publisher_name: str = Field(
        default="essgraph", description="Name of the publisher of the data (foaf:name)."
    )
    publisher_uri: str | None = Field(
        default=None,
        description="IRI of the publisher (default: {BASE}dataset#publisher).",
    )

    @field_validator("base_uri")
    @classmethod
    def _base_is_http_and_ends_with_slash(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(_MUST_BE_HTTP)
        if not value.endswith("/"):
            raise ValueError(_MUST_END_WITH_SLASH)
        if parts.query or parts.fragment:
            raise ValueError(_NO_QUERY)
        return value

    @field_validator("store")
    @classmethod
    def _store_kind(cls, value: str) -> str:
        if value in ("embedded", "memory"):
            return value
        parts = urlsplit(value)
        if parts.scheme in ("http", "https") and parts.netloc:
            return value
        raise ValueError(_STORE_KIND)


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, then ``overrides`` (flags); errors made readable."""
    try:
        clean = {k: v for k, v in overrides.items() if v is not None}
        return Settings(**clean)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "?"
        env = f"ESSGRAPH_{field.upper()}"
        detail = first["msg"].removeprefix("Value error, ")
        raise SettingsError(
            f"réglage {env} invalide : {_FRENCH.get(detail, detail)} "
            f"(valeur : {first.get('input')!r})",
            f"invalid setting {env}: {detail} (value: {first.get('input')!r})",
        ) from exc


@cache
def get_settings() -> Settings:
    """The process-wide settings (cached; a FastAPI dependency later)."""
    return load_settings()
