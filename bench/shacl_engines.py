"""Compare SHACL engines with pyshacl on our shapes: the example corpus and a big batch.

    pip install pyrudof pyshacl-turbo   # candidates evaluated, not project dependencies
    python bench/shacl_engines.py [--corpus] [--batch FILE PROFILE] [--engines …]

For every example in tests/shapes/examples (with the vocabularies mixed in, as
``shapes.validate`` does), each engine's results are reduced to (focus node, severity,
source shape) and compared with pyshacl's; blank focus nodes are compared as ``_:b``.
With ``--batch`` an export is read and built with the ingest pipeline and each engine
validates the whole batch graph once (timed).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import SH, BNode, Graph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ontology import DEFAULT_BASE  # noqa: E402
from shapes import shapes_graph, vocabularies_graph  # noqa: E402

EXAMPLES = ROOT / "tests" / "shapes" / "examples"
Key = tuple[str, str, str]
SEVERITY = {str(SH.Violation): "violation", str(SH.Warning): "warning", str(SH.Info): "info"}


def _norm_term(text: str) -> str:
    text = str(text)
    if text.startswith("_:") or (text.startswith("b") and len(text) > 30):
        return "_:b"
    return text.strip("<>")


def _norm_severity(text: str) -> str:
    text = str(text).strip("<>")
    for iri, name in SEVERITY.items():
        if text == iri or text.lower().endswith(name):
            return name
    return text.lower()


def run_pyshacl(data: Graph, nt: str) -> set[Key]:
    from pyshacl import validate

    _c, g, _t = validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_infos=True,
        allow_warnings=True,
    )
    return _from_report_graph(g)


def run_turbo(data: Graph, nt: str) -> set[Key]:
    from pyshacl_turbo import validate

    _c, g, _t = validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_infos=True,
        allow_warnings=True,
    )
    return _from_report_graph(g)


def _from_report_graph(g: object) -> set[Key]:
    if not isinstance(g, Graph):
        raise TypeError("no report graph")
    out: set[Key] = set()
    for r in g.subjects(SH.resultSeverity, None):
        focus = g.value(r, SH.focusNode)
        out.add(
            (
                "_:b" if isinstance(focus, BNode) else str(focus),
                _norm_severity(str(g.value(r, SH.resultSeverity))),
                str(g.value(r, SH.sourceShape)),
            )
        )
    return out


_SHACL_SHAPES: object = None


def run_shacl(data: Graph, nt: str) -> set[Key]:
    import shacl

    global _SHACL_SHAPES
    if _SHACL_SHAPES is None:
        _SHACL_SHAPES = shacl.Shapes.from_turtle(shapes_graph().serialize(format="turtle"))
    report = _SHACL_SHAPES.validate_text(nt, "ntriples")  # type: ignore[attr-defined]
    return {
        (_norm_term(r.focus_node), _norm_severity(r.severity), _norm_term(r.source_shape))
        for r in report.results
    }


def run_rudof(data: Graph, nt: str) -> set[Key]:
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(nt, format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(shapes_graph().serialize(format="turtle"))
    report = rudof.validate_shacl()
    return {
        (_norm_term(e.focus_node), _norm_severity(e.severity), _norm_term(e.source_shape))
        for e in report.violations
    }


ENGINES: dict[str, Callable[[Graph, str], set[Key]]] = {
    "pyshacl": run_pyshacl,
    "pyshacl-turbo": run_turbo,
    "shacl": run_shacl,
    "pyrudof": run_rudof,
}


def corpus() -> None:
    files = sorted(EXAMPLES.glob("*.ttl"))
    agree = dict.fromkeys(ENGINES, 0)
    for path in files:
        data = Graph()
        data += vocabularies_graph(DEFAULT_BASE)
        data.parse(path, format="turtle", publicID=DEFAULT_BASE)
        nt = data.serialize(format="nt")
        ref = run_pyshacl(data, nt)
        for name, engine in ENGINES.items():
            try:
                got = engine(data, nt)
            except Exception as exc:
                print(f"{path.name} {name}: ERROR {type(exc).__name__}: {str(exc)[:200]}")
                continue
            if got == ref:
                agree[name] += 1
            else:
                print(f"{path.name} {name}: missing {sorted(ref - got)} extra {sorted(got - ref)}")
    for name, n in agree.items():
        print(f"{name}: {n}/{len(files)} files identical to pyshacl")


def batch(file: Path, profile: str, engines: list[str]) -> None:
    from ingest.batch import build_batch, read_source

    source = read_source(file, profile)
    builds, _m = build_batch([source], DEFAULT_BASE)
    data = Graph()
    data += vocabularies_graph(DEFAULT_BASE)
    for b in builds:
        data += b.public
    nt = data.serialize(format="nt")
    print(f"{len(source.records)} responses, {len(data)} triples")
    ref: set[Key] | None = None
    for name in engines:
        started = time.perf_counter()
        got = ENGINES[name](data, nt)
        took = time.perf_counter() - started
        same = "" if ref is None else (" same as first" if got == ref else " DIFFERENT")
        ref = got if ref is None else ref
        print(f"{name}: {took:.2f} s, {len(got)} results{same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", action="store_true")
    parser.add_argument("--batch", nargs=2, metavar=("FILE", "PROFILE"))
    parser.add_argument("--engines", nargs="+", default=list(ENGINES))
    args = parser.parse_args()
    if args.corpus:
        corpus()
    if args.batch:
        batch(Path(args.batch[0]), args.batch[1], args.engines)


if __name__ == "__main__":
    main()
