"""Generate a realistic essgraph graph of a target size, seeded, as N-Quads.

    .venv/bin/python bench/generate_graph.py --triples 100000 -o var/bench-100k.nq

Collectivities of every kind (with SIREN, region, population), yearly ESS policies (budget,
staff, delegation post, levers, themes, qualified derivations), practices (levers and themes
at both levels, start years, partners, adaptations), survey responses, source files and raw
answers: the shapes of docs/model.md, in the proportions the 2021 survey suggests. The data
goes to `graph/source/bench`; the ontology and thesauri to their own graphs, so the file loads
as a whole deployment. Same seed, same file.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import IO

from rdflib import Graph, Literal, URIRef

from ontology import DEFAULT_BASE, ontology_graph, thesauri_graph
from queries.params import scheme_concepts

ESS = "https://w3id.org/essgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"

KINDS = [  # (code, weight): many communes and agglomerations, few metropolises
    ("metropole", 4),
    ("metropole-statut-particulier", 1),
    ("collectivite-statut-particulier", 1),
    ("communaute-urbaine", 3),
    ("communaute-agglomeration", 8),
    ("ept", 2),
    ("commune", 10),
]
WORDS = [
    "recyclerie",
    "tiers-lieu",
    "jardin",
    "épicerie",
    "solidaire",
    "clauses",
    "sociales",
    "marchés",
    "réservés",
    "pôle",
    "coopération",
    "monnaie",
    "locale",
    "incubateur",
    "appel",
    "à",
    "projets",
    "foncière",
    "mobilité",
    "habitat",
    "énergie",
    "alimentation",
    "circuit",
    "court",
    "insertion",
    "emploi",
    "numérique",
    "culture",
    "formation",
    "commun",
]
DELEGATIONS = [
    "Vice-président·e délégué·e à l'ESS",
    "Adjoint·e à l'économie sociale et solidaire et à l'emploi",
    "Conseiller·e délégué·e à l'ESS, à l'insertion et au développement économique",
    "Vice-président·e au commerce, à l'artisanat et à l'ESS",
    "Adjoint·e à la transition écologique et à l'économie sociale",
    "Conseiller·e délégué·e à l'innovation sociale",
]
PARTNERS = 400  # partner organisations shared across collectivities


def luhn_siren(rng: random.Random, prefix: str) -> str:
    """A random 9-digit number passing the Luhn check (never a real body's SIREN)."""
    while True:
        digits = prefix + "".join(rng.choice("0123456789") for _ in range(9 - len(prefix)))
        total = 0
        for i, c in enumerate(reversed(digits)):
            d = int(c) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return digits


class Writer:
    """Writes N-Quads lines for one named graph, counting triples."""

    def __init__(self, out: IO[str], graph: str) -> None:
        self.out = out
        self.graph = f"<{graph}>"
        self.count = 0

    def add(self, s: str, p: str, o: str) -> None:
        self.out.write(f"{s} {p} {o} {self.graph} .\n")
        self.count += 1


def iri(text: str) -> str:
    return f"<{text}>"


def lit(value: object, datatype: str | None = None, lang: str | None = None) -> str:
    term = Literal(str(value), lang=lang, datatype=URIRef(datatype) if datatype else None)
    return term.n3()


def generate(out: IO[str], triples: int, seed: int = 2021, base: str = DEFAULT_BASE) -> int:
    """Write about ``triples`` data triples (plus vocabularies); return the total written."""
    rng = random.Random(seed)
    levers = [c.n3() for c in scheme_concepts(base, "levers").values()]
    themes = [c.n3() for c in scheme_concepts(base, "themes").values()]
    modes = [c.n3() for c in scheme_concepts(base, "modes").values()]
    regions = [c.n3() for c in scheme_concepts(base, "regions").values()]
    kinds = [code for code, weight in KINDS for _ in range(weight)]
    w = Writer(out, f"{base}graph/source/bench")
    a = iri(RDF_TYPE)

    def e(local: str) -> str:
        return iri(ESS + local)

    survey = iri(f"{base}id/survey/bench")
    w.add(survey, a, e("Survey"))
    w.add(survey, iri(DCT + "title"), lit("Enquête générée", lang="fr"))
    partners = [iri(f"{base}id/partner/p{i}") for i in range(PARTNERS)]
    for i, partner in enumerate(partners):
        w.add(partner, a, e("Partner"))
        w.add(partner, iri(SKOS + "prefLabel"), lit(f"Partenaire {i}", lang="fr"))
    practices: list[str] = []
    n = 0
    while w.count < triples:
        n += 1
        source = iri(f"{base}id/source/bench-{n // 100}")
        if n % 100 == 1:
            w.add(source, a, e("SourceFile"))
            w.add(source, iri(DCT + "title"), lit(f"export-{n // 100}.csv"))
            w.add(source, e("checksum"), lit("sha256:" + f"{n:064x}"))
            w.add(source, e("profile"), lit("bench"))
        key = luhn_siren(rng, "2") if rng.random() > 0.05 else f"collectivite-{n}"
        c = iri(f"{base}id/collectivity/{key}")
        response = iri(f"{base}id/response/bench/{n}")
        w.add(response, a, e("SurveyResponse"))
        w.add(response, e("responseId"), lit(n))
        w.add(response, e("sourceRow"), lit(n % 100 + 1, XSD + "integer"))
        w.add(response, e("respondent"), c)
        w.add(response, iri(PROV + "wasGeneratedBy"), survey)
        w.add(response, iri(PROV + "hadPrimarySource"), source)
        kind = rng.choice(kinds)
        w.add(c, a, e("Collectivity"))
        w.add(c, iri(SKOS + "prefLabel"), lit(f"{kind.title()} n°{n}", lang="fr"))
        if not key.startswith("collectivite-"):
            w.add(c, e("siren"), lit(key))
        w.add(c, e("collectivityKind"), iri(f"{base}id/collectivity-kind/{kind}"))
        w.add(c, e("region"), rng.choice(regions))
        w.add(c, e("population"), lit(rng.randint(20_000, 2_000_000), XSD + "integer"))
        w.add(c, iri(PROV + "wasDerivedFrom"), response)
        has_post = rng.random() < 0.65
        if has_post:
            post = iri(f"{base}id/post/{key}/ess")
            w.add(post, a, e("ElectedOfficialPost"))
            w.add(post, iri(ORG + "postIn"), c)
            w.add(post, e("delegationTitle"), lit(rng.choice(DELEGATIONS), lang="fr"))
            w.add(post, iri(PROV + "wasDerivedFrom"), response)
        for year in range(2020 - rng.randint(0, 2), 2021):
            policy = iri(f"{base}id/policy/{key}/{year}")
            w.add(policy, a, e("EssPolicy"))
            w.add(policy, e("policyOf"), c)
            w.add(policy, e("referenceYear"), lit(year, XSD + "gYear"))
            budget = rng.randint(5, 3000) * 1000
            w.add(policy, e("dedicatedBudget"), lit(f"{budget}.0", XSD + "decimal"))
            if rng.random() < 0.8:
                staff = rng.randint(1, 80) / 10
                w.add(policy, e("dedicatedStaff"), lit(staff, XSD + "decimal"))
            if rng.random() < 0.15:
                w.add(policy, e("amountIsApproximate"), lit("true", XSD + "boolean"))
            w.add(policy, e("hasEssDelegation"), lit(str(has_post).lower(), XSD + "boolean"))
            if has_post:
                w.add(policy, e("electedOfficialPost"), post)
            for lever in rng.sample(levers, rng.randint(2, 7)):
                w.add(policy, e("usesLever"), lever)
            for theme in rng.sample(themes, rng.randint(1, 6)):
                w.add(policy, e("addressesTheme"), theme)
            if rng.random() < 0.3:
                w.add(policy, e("modeOfAction"), rng.choice(modes))
            w.add(policy, iri(PROV + "wasDerivedFrom"), response)
            derivation = f"_:d{n}y{year}"
            w.add(policy, iri(PROV + "qualifiedDerivation"), derivation)
            w.add(derivation, a, iri(PROV + "Derivation"))
            w.add(derivation, iri(PROV + "entity"), response)
            w.add(derivation, e("forProperty"), e("dedicatedBudget"))
            w.add(derivation, e("sourceColumn"), lit("Budget annuel dédié à l'ESS (en €)"))
            w.add(derivation, e("sourceRow"), lit(n % 100 + 1, XSD + "integer"))
            w.add(derivation, e("rawValue"), lit(f"{budget // 1000} k€"))
        for j in range(rng.randint(2, 12)):
            title = " ".join(rng.sample(WORDS, 3)).capitalize()
            practice = iri(f"{base}id/practice/{key}/p{j}")
            practices.append(practice)
            w.add(practice, a, e("Practice"))
            w.add(practice, iri(DCT + "title"), lit(f"{title} {j}", lang="fr"))
            w.add(
                practice, iri(DCT + "description"), lit(" ".join(rng.sample(WORDS, 8)), lang="fr")
            )
            w.add(practice, e("implementedBy"), c)
            for lever in rng.sample(levers, rng.randint(1, 3)):
                w.add(practice, e("usesLever"), lever)
            for theme in rng.sample(themes, rng.randint(1, 3)):
                w.add(practice, e("addressesTheme"), theme)
            if rng.random() < 0.9:
                w.add(practice, e("startYear"), lit(rng.randint(2005, 2021), XSD + "gYear"))
            for partner in rng.sample(partners, rng.randint(0, 4)):
                w.add(practice, e("hasPartner"), partner)
            if rng.random() < 0.4:
                w.add(
                    practice,
                    e("dedicatedBudget"),
                    lit(f"{rng.randint(1, 500) * 1000}.0", XSD + "decimal"),
                )
            if rng.random() < 0.05 and len(practices) > 20:
                w.add(practice, e("adaptedFrom"), rng.choice(practices[: -j - 1]))
            w.add(practice, iri(PROV + "wasDerivedFrom"), response)
        if rng.random() < 0.2:
            raw = f"_:r{n}"
            w.add(raw, a, e("RawAnswer"))
            w.add(raw, e("sourceColumn"), lit("Leviers d'action mobilisés (autre)"))
            w.add(raw, e("sourceRow"), lit(n % 100 + 1, XSD + "integer"))
            w.add(raw, e("rawValue"), lit(" ".join(rng.sample(WORDS, 3))))
            w.add(raw, iri(PROV + "wasDerivedFrom"), response)
    total = w.count
    for name, graph in (("ontology", ontology_graph()), ("thesauri", thesauri_graph(base))):
        total += _write_graph(out, graph, f"{base}graph/{name}")
    return total


def _write_graph(out: IO[str], graph: Graph, name: str) -> int:
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    for line in lines:
        if line.strip():
            out.write(f"{line.rstrip().removesuffix('.').rstrip()} <{name}> .\n")
    return len(graph)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000, help="target data triples")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--base", default=DEFAULT_BASE)
    parser.add_argument("-o", "--output", type=Path, help="N-Quads file (default: stdout)")
    args = parser.parse_args(argv)
    if args.output is None:
        total = generate(sys.stdout, args.triples, args.seed, args.base)
    else:
        with args.output.open("w", encoding="utf-8") as handle:
            total = generate(handle, args.triples, args.seed, args.base)
    print(f"{total} quads written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
