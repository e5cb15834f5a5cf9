"""What an ingest did, per file and per response, for curators: data, JSON, terminal, HTML.

Every entry names its file, row (as the curator opens it), column (header and letter) and the
raw text. Kinds: ``mapped`` (a fact was stated), ``merged`` (dedup), ``flagged`` (a normaliser
note), ``unmatched`` (kept as a raw answer and queued with suggestions), ``raw`` (kept as a
raw answer for another reason), ``private`` (personal data, private graph only) and
``rejected`` (a SHACL result). Flags are translated into French and English here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from dataclasses import field as _field
from importlib import resources
from typing import Any, Literal

from jinja2 import Environment, select_autoescape

Kind = Literal["mapped", "merged", "flagged", "unmatched", "raw", "private", "rejected"]

#: Flags (see ingest.records.Flag) in French and English. Unknown flags are shown as is.
FLAG_TEXT: dict[str, tuple[str, str]] = {
    "approximate": ("valeur approximative", "approximate value"),
    "range": ("fourchette : milieu retenu", "range: mid-point kept"),
    "per-year": ("montant par an", "amount per year"),
    "not-communicated": ("non communiqué (NC)", "not communicated (NC)"),
    "not-an-amount": ("pas un montant", "not an amount"),
    "not-a-number": ("pas un nombre", "not a number"),
    "siret-reduced-to-siren": ("SIRET ramené à son SIREN", "SIRET reduced to its SIREN"),
    "luhn-failed": ("SIREN invalide (clé de Luhn)", "invalid SIREN (Luhn check)"),
    "siren-prefix": ("préfixe « SIREN » retiré", '"SIREN" prefix removed'),
    "siren-spaces": ("espaces retirées du SIREN", "spaces removed from the SIREN"),
    "siren-from-number": ("SIREN lu comme un nombre", "SIREN read as a number"),
    "siren-invalid": ("SIREN illisible", "unreadable SIREN"),
    "year-uncertain": ("année incertaine", "uncertain year"),
    "year-range": ("période : première année retenue", "period: first year kept"),
    "year-since": ("« depuis » : année de début", '"since": start year'),
    "year-implausible": ("année hors de 1945–2035", "year outside 1945–2035"),
    "unknown-option": ("option inconnue du thésaurus", "option unknown to the thesaurus"),
    "other-text": ("réponse « autre » en texte libre", 'free "other" answer'),
    "null-vs-empty": ("chaîne vide distincte de NULL", "empty string distinct from NULL"),
    "multi-line": ("cellule sur plusieurs lignes", "multi-line cell"),
    "incomplete": ("réponse incomplète", "incomplete response"),
    "superseded": ("réponse remplacée par une plus récente", "superseded by a later response"),
    "levers-from-response": (
        "leviers repris de la réponse (la pratique n'en précise pas)",
        "levers taken from the response (the practice names none)",
    ),
    "practice-without-title": ("action sans intitulé", "action without a title"),
    "practice-without-description": (
        "action sans description : gardée en réponse brute",
        "action without a description: kept as a raw answer",
    ),
    "practice-without-lever": (
        "action sans levier connu : gardée en réponse brute",
        "action without a known lever: kept as a raw answer",
    ),
    "no-collectivity": (
        "réponse sans collectivité identifiable",
        "response without a collectivity",
    ),
    "unpaired-cell": ("cellule non rattachée à une option", "cell not tied to an option"),
    "unknown-field": (
        "champ du profil sans correspondance RDF",
        "profile field with no RDF mapping",
    ),
    "personal-data": ("donnée personnelle : graphe privé", "personal data: private graph"),
    "name-variant": ("variante du nom", "name variant"),
    "not-a-priority": ("thématique non prioritaire", "theme not a priority"),
    "date-unparsed": ("date illisible", "unreadable date"),
    "extra-text": ("texte en plus du chiffre", "text besides the figure"),
    "half-time": ("« et demi » compté 0,5", '"et demi" counted as 0.5'),
    "not-a-boolean": ("ni oui ni non", "neither yes nor no"),
    "not-a-year": ("pas une année", "not a year"),
    "part-time-unquantified": ("temps partiel non chiffré", "part time without a figure"),
    "siren-wrong-length": ("SIREN de mauvaise longueur", "SIREN of the wrong length"),
    "siren-zero-restored": ("zéro initial du SIREN rétabli", "SIREN leading zero restored"),
    "staff-detail": ("précision ajoutée à l'effectif", "detail added to the staff figure"),
}


def flag_text(flag: str, lang: str = "fr") -> str:
    """A flag in French (default) or English."""
    if flag.startswith("rank-") and flag[5:].isdigit():
        return f"rang {flag[5:]}" if lang == "fr" else f"rank {flag[5:]}"
    fr, en = FLAG_TEXT.get(flag, (flag, flag))
    return fr if lang == "fr" else en


@dataclass
class Entry:
    """One thing done with one cell (or one SHACL result), located in the file."""

    kind: Kind
    file: str
    row: int | None
    column: str | None
    letter: str | None
    raw: str | None
    field: str | None = None
    detail: str = ""  # what became of it: a concept IRI, a value, a message
    flags: list[str] = _field(default_factory=list)
    suggestions: list[dict[str, Any]] = _field(default_factory=list)
    message_fr: str = ""
    message_en: str = ""

    def flags_fr(self) -> list[str]:
        return [flag_text(f, "fr") for f in self.flags]

    def flags_en(self) -> list[str]:
        return [flag_text(f, "en") for f in self.flags]


@dataclass
class ResponseReport:
    """One response of one file: what became of each of its cells."""

    file: str
    source_id: str
    response_id: str
    row: int
    data_row: int
    iri: str
    collectivity: str | None
    collectivity_name: str | None
    complete: bool
    kept: bool = True
    superseded_by: str | None = None
    entries: list[Entry] = _field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for e in self.entries if e.kind == kind)


@dataclass
class FileReport:
    """One file of the batch."""

    file: str
    source_id: str
    profile: str
    checksum: str
    graph: str
    private_graph: str
    non_empty_cells: int
    accounted_cells: int = 0
    mapped_cells: int = 0
    raw_cells: int = 0
    triples: int = 0
    private_triples: int = 0
    responses: list[ResponseReport] = _field(default_factory=list)

    @property
    def cells_match(self) -> bool:
        return self.accounted_cells == self.non_empty_cells


@dataclass
class Merge:
    """Responses found to describe one collectivity: the one kept and those superseded."""

    collectivity: str
    name: str
    kept: str  # response IRI
    superseded: list[str]
    variants: list[str]
    reason: str  # "siren" or "name"


@dataclass
class BatchReport:
    """The whole batch: files, merges, SHACL results, totals, and whether it was written."""

    files: list[FileReport] = _field(default_factory=list)
    merges: list[Merge] = _field(default_factory=list)
    rejected: list[Entry] = _field(default_factory=list)  # SHACL violations
    warnings: list[Entry] = _field(default_factory=list)  # SHACL warnings
    dry_run: bool = False
    written: bool = False
    data_version: str | None = None
    seconds: float = 0.0
    ingested_at: str = ""  # ISO time of the ingest (not in the graphs: they stay isomorphic)

    def totals(self) -> dict[str, int]:
        responses = [r for f in self.files for r in f.responses]
        entries = [e for r in responses for e in r.entries]
        return {
            "files": len(self.files),
            "responses": len(responses),
            "responses_kept": sum(1 for r in responses if r.kept),
            "responses_superseded": sum(1 for r in responses if not r.kept),
            "collectivities": len({r.collectivity for r in responses if r.collectivity}),
            "non_empty_cells": sum(f.non_empty_cells for f in self.files),
            "accounted_cells": sum(f.accounted_cells for f in self.files),
            "mapped_cells": sum(f.mapped_cells for f in self.files),
            "raw_cells": sum(f.raw_cells for f in self.files),
            "mapped": sum(1 for e in entries if e.kind == "mapped"),
            "flagged": sum(1 for e in entries if e.kind == "flagged"),
            "unmatched": sum(1 for e in entries if e.kind == "unmatched"),
            "raw": sum(1 for e in entries if e.kind == "raw"),
            "private": sum(1 for e in entries if e.kind == "private"),
            "merged": len(self.merges),
            "violations": len(self.rejected),
            "warnings": len(self.warnings),
            "triples": sum(f.triples for f in self.files),
        }

    @property
    def conforms(self) -> bool:
        return not self.rejected

    def curation_queue(self) -> list[Entry]:
        """Unmatched answers with their suggestions, in file and row order."""
        return [
            e for f in self.files for r in f.responses for e in r.entries if e.kind == "unmatched"
        ]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["totals"] = self.totals()
        data["conforms"] = self.conforms
        for f_data, f in zip(data["files"], self.files, strict=True):
            f_data["cells_match"] = f.cells_match
            for r_data, r in zip(f_data["responses"], f.responses, strict=True):
                for e_data, e in zip(r_data["entries"], r.entries, strict=True):
                    e_data["flags_fr"] = e.flags_fr()
                    e_data["flags_en"] = e.flags_en()
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=False)

    def to_html(self) -> str:
        """The curator's report: French first with English, accessible, self-contained."""
        env = Environment(autoescape=select_autoescape(default=True), keep_trailing_newline=True)
        env.filters["flag_fr"] = lambda f: flag_text(f, "fr")
        env.filters["flag_en"] = lambda f: flag_text(f, "en")
        text = (
            resources.files("ingest")
            .joinpath("templates/report.html.j2")
            .read_text(encoding="utf-8")
        )
        return env.from_string(text).render(report=self, totals=self.totals())
