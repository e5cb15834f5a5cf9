"""The named charts: what each one says (French and English), how it is built from the data,
and the data table that stands next to it as its text alternative."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from api.charts import data, svg
from api.charts.bars import Series, stacked_bars
from api.charts.heatmap import Axis, heatmap
from api.charts.numbers import Lang, median, money, number, percent
from api.charts.strip import Group, strip_plot
from store import Store

#: Chart names, in the order the page shows them (``/charts/{name}.svg``).
NAMES = (
    "levers-by-kind",
    "themes-over-time",
    "budget-by-kind",
    "staff-by-kind",
    "lever-cooccurrence",
)
SCOPES = ("collectivity", "practice")

TEXT: dict[Lang, dict[str, str]] = {
    "fr": {
        "levers-by-kind": "Leviers mobilisés par type de collectivité",
        "levers-by-kind.desc": "Part des collectivités de chaque type (lignes) qui mobilisent "
        "chaque levier de premier niveau (colonnes), dans leur politique ESS ou une pratique. "
        "Chaque case affiche le pourcentage ; plus elle est foncée, plus la part est grande.",
        "themes-over-time": "Pratiques lancées par année et par thématique",
        "themes-over-time.desc": "Nombre de pratiques lancées chaque année, empilées par "
        "thématique de premier niveau (code écrit sur chaque segment). Une pratique rattachée "
        "à deux thématiques compte dans les deux ; le total au-dessus de la barre compte chaque "
        "pratique une fois.",
        "budget-by-kind": "Budget annuel dédié à l'ESS, par type de collectivité",
        "budget-by-kind.desc": "Chaque cercle est le budget d'une politique ESS annuelle ; le "
        "trait orange est la médiane du type. Échelle logarithmique quand le plus grand "
        "montant dépasse vingt fois le plus petit.",
        "staff-by-kind": "Effectifs dédiés à l'ESS (ETP), par type de collectivité",
        "staff-by-kind.desc": "Chaque cercle est l'effectif (équivalents temps plein) d'une "
        "politique ESS annuelle ; le trait orange est la médiane du type.",
        "lever-cooccurrence": "Leviers mobilisés ensemble",
        "lever-cooccurrence.desc": "Nombre de {units} qui mobilisent à la fois le levier de la "
        "ligne et celui de la colonne (un levier et son levier plus large ne forment pas une "
        "paire). Chaque case affiche le nombre ; plus elle est foncée, plus il est grand.",
        "unit.collectivity": "collectivités",
        "unit.practice": "pratiques",
        "empty": "Aucune donnée à représenter pour l'instant.",
        "kind": "Type de collectivité",
        "lever": "Levier",
        "year": "Année",
        "all": "Toutes thématiques (pratiques distinctes)",
        "no_theme": "Sans thématique renseignée",
        "practices_axis": "Pratiques lancées",
        "budget_axis": "Budget annuel (€)",
        "staff_axis": "ETP",
        "median": "médiane",
        "policies": "Politiques",
        "figures": "Chiffres déclarés",
        "min": "Minimum",
        "max": "Maximum",
        "of": "{n} sur {total}",
    },
    "en": {
        "levers-by-kind": "Levers used per collectivity kind",
        "levers-by-kind.desc": "Share of the collectivities of each kind (rows) using each "
        "top-level lever (columns), in their ESS policy or a practice. Each cell prints the "
        "percentage; the darker, the larger the share.",
        "themes-over-time": "Practices started per year and theme",
        "themes-over-time.desc": "Practices started each year, stacked by top-level theme "
        "(code written on each segment). A practice with two themes counts in both; the total "
        "above the bar counts each practice once.",
        "budget-by-kind": "Annual budget dedicated to the ESS, by collectivity kind",
        "budget-by-kind.desc": "Each circle is the budget of one yearly ESS policy; the orange "
        "mark is the kind's median. Log scale when the largest amount is twenty times the "
        "smallest or more.",
        "staff-by-kind": "Staff dedicated to the ESS (FTE), by collectivity kind",
        "staff-by-kind.desc": "Each circle is the staff (full-time equivalents) of one yearly "
        "ESS policy; the orange mark is the kind's median.",
        "lever-cooccurrence": "Levers used together",
        "lever-cooccurrence.desc": "How many {units} use both the row's lever and the "
        "column's (a lever and its broader lever are not a pair). Each cell prints the count; "
        "the darker, the larger.",
        "unit.collectivity": "collectivities",
        "unit.practice": "practices",
        "empty": "No data to draw yet.",
        "kind": "Collectivity kind",
        "lever": "Lever",
        "year": "Year",
        "all": "All themes (distinct practices)",
        "no_theme": "No theme stated",
        "practices_axis": "Practices started",
        "budget_axis": "Annual budget (€)",
        "staff_axis": "FTE",
        "median": "median",
        "policies": "Policies",
        "figures": "Figures stated",
        "min": "Minimum",
        "max": "Maximum",
        "of": "{n} of {total}",
    },
}


@dataclass(frozen=True)
class Table:
    """The chart's numbers as a table (first cell of each row is its header)."""

    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    desc: str
    element: ET.Element
    table: Table
    empty: bool

    @property
    def markup(self) -> str:
        return svg.to_string(self.element)

    @property
    def document(self) -> bytes:
        return svg.document(self.element)


def build(name: str, store: Store, lang: Lang, scope: str = "collectivity") -> Chart:
    """The chart ``name`` (one of NAMES) over the store's public data, in ``lang``."""
    return BUILDERS[name](store, lang, scope)


def _start(name: str, lang: Lang, **fmt: str) -> tuple[str, str, str]:
    t = TEXT[lang]
    return f"chart-{name}", t[name], t[f"{name}.desc"].format(**fmt)


def _empty(name: str, lang: Lang, headers: list[str], **fmt: str) -> Chart:
    chart_id, title, desc = _start(name, lang, **fmt)
    element = svg.empty_state(chart_id, title, desc, TEXT[lang]["empty"])
    return Chart(name, title, desc, element, Table(headers, []), True)


def _levers_by_kind(store: Store, lang: Lang, _scope: str) -> Chart:
    t = TEXT[lang]
    found = data.lever_shares(store, lang)
    headers = [t["kind"], *(f"{c.notation} {c.label}" for c in found.levers)]
    if not found.kinds:
        return _empty("levers-by-kind", lang, headers)
    chart_id, title, desc = _start("levers-by-kind", lang)
    rows = [Axis(k, f"{label} (n = {total})", label) for k, label, total in found.kinds]
    columns = [Axis(c.iri, c.notation, f"{c.notation} {c.label}") for c in found.levers]
    element = heatmap(
        chart_id, title, desc, rows, columns, found.shares, 100.0, lambda v: percent(v, lang)
    )
    table_rows = []
    for kind, label, total in found.kinds:
        cells = [label]
        for lever in found.levers:
            share = found.shares.get((kind, lever.iri), 0.0)
            count = found.counts.get((kind, lever.iri), 0)
            counted = t["of"].format(n=number(count, lang), total=number(total, lang))
            cells.append(f"{percent(share, lang)} ({counted})")
        table_rows.append(cells)
    return Chart("levers-by-kind", title, desc, element, Table(headers, table_rows), False)


def _themes_over_time(store: Store, lang: Lang, _scope: str) -> Chart:
    t = TEXT[lang]
    found = data.themes_per_year(store, lang)
    headers = [t["year"], *(f"{c.notation} {c.label}" for c in found.themes)]
    headers += [t["no_theme"]] if found.unthemed else []
    headers.append(t["all"])
    if not found.years:
        return _empty("themes-over-time", lang, headers)
    chart_id, title, desc = _start("themes-over-time", lang)
    series = [
        Series(
            theme.notation,
            theme.label,
            tuple(float(found.counts.get((y, theme.iri), 0)) for y in found.years),
        )
        for theme in found.themes
    ]
    if found.unthemed:
        series.append(
            Series(
                "∅",
                t["no_theme"],
                tuple(float(found.counts.get((y, data.NO_THEME), 0)) for y in found.years),
            )
        )
    categories = [str(y) for y in found.years]
    element = stacked_bars(chart_id, title, desc, categories, series, lang, t["practices_axis"])
    for bar in element.iter("g"):
        if bar.get("class") == "bar":  # the bar's total counts each practice once
            year = int(bar.get("data-category", "0"))
            for label in bar.iter("text"):
                if label.get("class") == "total":
                    label.text = number(found.totals.get(year, 0), lang)
    table_rows = [
        [
            str(year),
            *(number(found.counts.get((year, c.iri), 0), lang) for c in found.themes),
            *([number(found.counts.get((year, data.NO_THEME), 0), lang)] if found.unthemed else []),
            number(found.totals.get(year, 0), lang),
        ]
        for year in found.years
    ]
    return Chart("themes-over-time", title, desc, element, Table(headers, table_rows), False)


def _distribution(
    name: str, store: Store, lang: Lang, pick: Callable[[data.KindMeans], tuple[float, ...]]
) -> Chart:
    t = TEXT[lang]
    budget = name == "budget-by-kind"

    def show(value: float) -> str:
        return money(value, lang) if budget else number(value, lang, 2)

    headers = [t["kind"], t["policies"], t["figures"], t["min"], t["median"].capitalize(), t["max"]]
    kinds = [k for k in data.means_by_kind(store, lang) if pick(k)]
    if not kinds:
        return _empty(name, lang, headers)
    chart_id, title, desc = _start(name, lang)
    groups = [Group(k.iri, k.label, pick(k)) for k in kinds]
    axis = t["budget_axis"] if budget else t["staff_axis"]
    element = strip_plot(chart_id, title, desc, groups, show, axis, t["median"])
    table_rows = [
        [
            k.label,
            number(k.policies, lang),
            number(len(pick(k)), lang),
            show(min(pick(k))),
            show(median(list(pick(k)))),
            show(max(pick(k))),
        ]
        for k in kinds
    ]
    return Chart(name, title, desc, element, Table(headers, table_rows), False)


def _budget(store: Store, lang: Lang, _scope: str) -> Chart:
    return _distribution("budget-by-kind", store, lang, lambda k: k.budgets)


def _staff(store: Store, lang: Lang, _scope: str) -> Chart:
    return _distribution("staff-by-kind", store, lang, lambda k: k.staff)


def _cooccurrence(store: Store, lang: Lang, scope: str) -> Chart:
    t = TEXT[lang]
    units = t[f"unit.{scope}"]
    found = data.cooccurrence(store, lang, scope)
    headers = [t["lever"], *(c.notation for c in found.levers)]
    if not found.levers:
        return _empty("lever-cooccurrence", lang, headers, units=units)
    chart_id, title, desc = _start("lever-cooccurrence", lang, units=units)
    axes = [Axis(c.iri, c.notation, f"{c.notation} {c.label}") for c in found.levers]
    element = heatmap(
        chart_id,
        title,
        desc,
        axes,
        axes,
        {k: float(v) for k, v in found.together.items()},
        float(max(found.together.values())),
        lambda v: number(v, lang),
        blank=lambda row, column: row == column,
    )
    table_rows = [
        [
            f"{a.notation} {a.label}",
            *(
                "—" if a.iri == b.iri else number(found.together.get((a.iri, b.iri), 0), lang)
                for b in found.levers
            ),
        ]
        for a in found.levers
    ]
    return Chart("lever-cooccurrence", title, desc, element, Table(headers, table_rows), False)


BUILDERS: dict[str, Callable[[Store, Lang, str], Chart]] = {
    "levers-by-kind": _levers_by_kind,
    "themes-over-time": _themes_over_time,
    "budget-by-kind": _budget,
    "staff-by-kind": _staff,
    "lever-cooccurrence": _cooccurrence,
}
