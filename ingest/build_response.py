"""One response's facts: the response itself, its collectivity (kept or superseded),
the ESS policy, contact details (private graph) and practices with their partners."""

from __future__ import annotations

from datetime import datetime

from rdflib import URIRef

from ingest import vocabulary_nt as V
from ingest.build_account import ResponseAccount
from ingest.build_cells import (
    EMAIL,
    FIRST_YEAR,
    LAST_YEAR,
    MAX_TITLE_KEY,
    PERSON_PROPERTY,
    PERSONAL_FIELDS,
    PHONE,
    choices_of,
    siren_of,
    text_of,
    year_value,
)
from ingest.keys import slug
from ingest.normalise.names import display_name
from ingest.ntriples import (
    Lit,
    boolean,
    date_time,
    decimal,
    g_year,
    integer,
    literal,
)
from ingest.reconcile import SCHEME_PROPERTY, Match
from ingest.records import (
    Answer,
    Cell,
    PracticeRecord,
    Staff,
)
from ontology import ESS


class ResponseBuilder(ResponseAccount):
    """Builds one response's triples and accounts for every one of its cells."""

    def build(self) -> None:
        g = self.o.public
        ctx = self.o.context
        r = self.record
        g.add((self.response, V.RDF_TYPE, V.ESS_SURVEY_RESPONSE))
        g.add((self.response, V.ESS_RESPONSE_ID, literal(r.response_id)))
        g.add((self.response, V.ESS_SOURCE_ROW, integer(self.data_row)))
        g.add((self.response, V.PROV_WAS_GENERATED_BY, self.o.survey))
        g.add((self.response, V.PROV_HAD_PRIMARY_SOURCE, self.o.source))
        g.add((self.response, V.ESS_IS_COMPLETE, boolean(r.completeness == "complete")))
        if r.submitted is not None:
            g.add((self.response, V.DCTERMS_ISSUED, date_time(r.submitted)))
        if self.collectivity is not None:
            g.add((self.response, V.ESS_RESPONDENT, self.collectivity))
        self.o.origins[self.response] = self.report
        if self.role is not None and self.role.superseded_by is not None:
            winner = self.iris.response(*self.role.superseded_by)
            g.add((self.response, V.ESS_SUPERSEDED_BY, winner))
            self.report.superseded_by = str(winner)
        for problem in r.problems:
            self.entry("flagged", None, None, flags=[problem])
        personal = ctx.personal_fields | PERSONAL_FIELDS
        public_answers: dict[str, Answer] = {}
        for name, answer in r.answers.items():
            if name in personal or answer.personal:
                self.personal(answer)
            elif name == "response_id":
                self.mapped_fact(self.response, V.ESS_RESPONSE_ID, literal(r.response_id), answer)
            elif name == "submitted" and isinstance(answer.value, datetime):
                issued = date_time(answer.value)
                self.mapped_fact(self.response, V.DCTERMS_ISSUED, issued, answer)
                self.flagged(answer)
            else:
                public_answers[name] = answer
        if self.collectivity is None:
            for answer in public_answers.values():
                self.raw_answer(answer, ["no-collectivity"])
            for practice in r.practices:
                for answer in practice.answers.values():
                    self.raw_answer(answer, ["no-collectivity"])
        elif self.role is not None and not self.role.kept:
            self.superseded(public_answers)
        else:
            self.kept(public_answers)
        for cell in r.unmapped:
            private = bool(EMAIL.search(cell.raw) or PHONE.match(cell.raw.strip()))
            self.raw(cell, None, ["personal-data"] if private else [], private=private)

    def personal(self, answer: Answer) -> None:
        """Contact details: private graph only, on the person who answered."""
        ctx = self.o.context.info
        person = self.iris.respondent_person(ctx.source_id, self.record.response_id)
        prop = PERSON_PROPERTY.get(answer.name)
        text = text_of(answer.value)
        if prop is None or text is None:
            for cell in answer.cells:
                self.raw(cell, answer.name, ["personal-data", *answer.flags], private=True)
            return
        p = self.o.private
        p.add((self.response, V.PROV_WAS_ATTRIBUTED_TO, person))
        p.add((person, V.RDF_TYPE, V.SCHEMA_PERSON))
        p.add((person, V.RDF_TYPE, V.PROV_AGENT))
        p.add((person, prop, literal(text)))
        for cell in answer.cells:
            self.mapped.add(cell.ref)
            self.entry("private", cell, answer.name, detail=f"{person}", flags=["personal-data"])

    def stated(
        self,
        subject: URIRef,
        prop: str,
        obj: Lit,
        answer: Answer,
        states: bool,
        flags: list[str],
    ) -> None:
        """State a collectivity fact if this response is its stater, else only back it."""
        if states:
            self.mapped_fact(subject, prop, obj, answer, extra_flags=flags)
        else:
            for cell in answer.cells:
                self.derive(subject, prop, cell, [*answer.flags, *flags])
                self.entry("mapped", cell, answer.name, detail=str(obj), flags=list(flags))
        self.o.public.add((subject, V.PROV_WAS_DERIVED_FROM, self.response))

    def name(self, answer: Answer) -> None:
        """The official name (the group's first) is the prefLabel; other names altLabels."""
        if self.role is None or self.collectivity is None:  # pragma: no cover - caller checks
            return
        group = self.role.group
        value = answer.value
        text = display_name(value) if isinstance(value, str) else ""
        if not text:
            self.raw_answer(answer)
            return
        official = text == group.names[0]
        prop = V.SKOS_PREF_LABEL if official else V.SKOS_ALT_LABEL
        states = group.name_stater.get(text) == self.ref
        flags = [] if official else ["name-variant"]
        self.stated(self.collectivity, prop, literal(text, "fr"), answer, states, flags)

    def siren(self, answer: Answer) -> bool:
        """The group's SIREN, stated once; False when this answer does not give it."""
        if self.role is None or self.collectivity is None:  # pragma: no cover - caller checks
            return False
        group = self.role.group
        if not group.siren or siren_of(answer) != group.siren:
            return False
        states = group.siren_stater == self.ref
        self.stated(self.collectivity, V.ESS_SIREN, literal(group.siren), answer, states, [])
        self.flagged(answer)
        return True

    def superseded(self, answers: dict[str, Answer]) -> None:
        """A superseded response: its name variant and SIREN, the rest as raw answers."""
        if self.role is None or self.collectivity is None:  # pragma: no cover - caller checks
            return
        for name, answer in answers.items():
            if name == "collectivity_name":
                self.name(answer)
                continue
            if name == "siren" and self.siren(answer):
                continue
            self.raw_answer(answer, ["superseded"])
        for practice in self.record.practices:
            for answer in practice.answers.values():
                self.raw_answer(answer, ["superseded"])

    def kept(self, answers: dict[str, Answer]) -> None:
        if self.role is None or self.collectivity is None:  # pragma: no cover - caller checks
            return
        g = self.o.public
        coll = self.collectivity
        group = self.role.group
        ctx = self.o.context
        key = group.key
        self.o.collectivities.add(coll)
        g.add((coll, V.RDF_TYPE, V.ESS_COLLECTIVITY))
        g.add((coll, V.PROV_WAS_DERIVED_FROM, self.response))
        self.o.origins[coll] = self.report
        policy = self.iris.policy(key, ctx.reference_year)
        g.add((policy, V.RDF_TYPE, V.ESS_ESS_POLICY))
        g.add((policy, V.ESS_POLICY_OF, coll))
        g.add((policy, V.ESS_REFERENCE_YEAR, g_year(ctx.reference_year)))
        g.add((policy, V.PROV_WAS_DERIVED_FROM, self.response))
        self.o.origins[policy] = self.report
        if not self.report.complete:
            self.entry("flagged", None, None, flags=["incomplete"])
        handled: set[str] = set()
        policy_levers: list[tuple[Match, Cell]] = []

        name_answer = answers.get("collectivity_name")
        if name_answer is not None:
            handled.add("collectivity_name")
            self.name(name_answer)
        siren_answer = answers.get("siren")
        if siren_answer is not None:
            handled.add("siren")
            if not self.siren(siren_answer):
                self.raw_answer(siren_answer)
        handled |= {"collectivity_kind", "collectivity_kind_other"}
        self.kind(coll, answers.get("collectivity_kind"), answers.get("collectivity_kind_other"))

        delegation = answers.get("has_delegation")
        if delegation is not None:
            handled.add("has_delegation")
            if isinstance(delegation.value, bool):
                self.mapped_fact(
                    policy, V.ESS_HAS_ESS_DELEGATION, boolean(delegation.value), delegation
                )
                self.flagged(delegation)
            else:
                self.raw_answer(delegation)
        title = answers.get("delegation_title")
        if title is not None:
            handled.add("delegation_title")
            text = text_of(title.value)
            if text:
                post = self.iris.post(key)
                g.add((post, V.RDF_TYPE, V.ESS_ELECTED_OFFICIAL_POST))
                g.add((post, V.ORG_POST_IN, coll))
                g.add((post, V.PROV_WAS_DERIVED_FROM, self.response))
                g.add((policy, V.ESS_ELECTED_OFFICIAL_POST, post))
                self.o.origins[post] = self.report
                self.mapped_fact(post, V.ESS_DELEGATION_TITLE, literal(text, "fr"), title)
            else:
                self.raw_answer(title)
        budget = answers.get("budget")
        if budget is not None:
            handled.add("budget")
            self.amount(policy, budget)
        staff = answers.get("staff")
        if staff is not None:
            handled.add("staff")
            fte = staff.value
            if isinstance(fte, Staff) and fte.value is not None and fte.value >= 0:
                flags = ["approximate"] if fte.approximate else []
                self.mapped_fact(
                    policy, V.ESS_DEDICATED_STAFF, decimal(fte.value), staff, extra_flags=flags
                )
                self.flagged(staff)
            else:
                self.raw_answer(staff)
        for name, answer in answers.items():
            if name in handled:
                continue
            scheme = answer.scheme or {
                "levers": "levers",
                "themes": "themes",
                "priorities": "themes",
                "modes": "modes",
            }.get(name)
            if scheme is None:
                self.raw_answer(answer, ["unknown-field"])
                continue
            target = coll if scheme in ("collectivity-kinds", "regions") else policy
            override = V.ESS_PRIORITY_THEME if name == "priorities" else None
            matched = self.choices(target, answer, scheme, override)
            if scheme == "levers" and override is None:
                policy_levers.extend(matched)
        for practice in self.record.practices:
            self.practice(coll, key, practice, policy_levers)

    def kind(self, coll: URIRef, kind: Answer | None, other: Answer | None) -> None:
        """Collectivity kind: the option, else the "other" text, reconciled."""
        rec = self.o.reconciler
        for answer in (kind, other):
            if answer is None:
                continue
            for choice in choices_of(answer.value):
                found = rec.match("collectivity-kinds", choice)
                if found is None:
                    continue
                cells = [c for a in (kind, other) if a is not None for c in a.cells]
                self.mapped_fact(
                    coll,
                    V.ESS_COLLECTIVITY_KIND,
                    found.concept,
                    answer,
                    cells=cells,
                    detail=f"{found.concept} ({found.via})",
                )
                return
        for answer in (kind, other):
            if answer is not None:
                self.unmatched(answer, "collectivity-kinds", choices_of(answer.value))

    def practice(
        self,
        coll: URIRef,
        key: str,
        practice: PracticeRecord,
        policy_levers: list[tuple[Match, Cell]],
    ) -> None:
        answers = practice.answers
        title = text_of(answers["title"].value) if "title" in answers else None
        description = text_of(answers["description"].value) if "description" in answers else None
        practice_levers = [a for a in answers.values() if (a.scheme or a.name) == "levers"]
        problem: str | None = None
        if not title:
            problem = "practice-without-title"
        elif not description:
            problem = "practice-without-description"
        elif not practice_levers and not any(m.prop == ESS.usesLever for m, _ in policy_levers):
            problem = "practice-without-lever"  # a mode of action alone is not a lever
        if problem is not None or not title or not description:
            for answer in answers.values():
                self.raw_answer(answer, [problem or "practice-without-title"])
            return
        title_key = slug(title)[:MAX_TITLE_KEY].strip("-") or f"action-{practice.slot}"
        if title_key in self.o.practice_keys.setdefault(coll, set()):
            title_key = f"{title_key}-{practice.slot}"
        self.o.practice_keys[coll].add(title_key)
        node = self.iris.practice(key, title_key)
        g = self.o.public
        g.add((node, V.RDF_TYPE, V.ESS_PRACTICE))
        g.add((node, V.ESS_IMPLEMENTED_BY, coll))
        g.add((node, V.PROV_WAS_DERIVED_FROM, self.response))
        self.o.origins[node] = self.report
        self.mapped_fact(node, V.DCTERMS_TITLE, literal(title, "fr"), answers["title"])
        self.mapped_fact(
            node, V.DCTERMS_DESCRIPTION, literal(description, "fr"), answers["description"]
        )
        for name, answer in answers.items():
            if name in ("title", "description"):
                continue
            if name == "start_year":
                year, _ = year_value(answer.value)
                if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
                    self.mapped_fact(node, V.ESS_START_YEAR, g_year(year), answer)
                    self.flagged(answer)
                else:
                    flags = ["year-implausible"] if year is not None else []
                    self.raw_answer(answer, flags)
            elif name == "budget":
                self.amount(node, answer)
            elif name == "partners":
                self.partners(node, answer)
            elif (answer.scheme or name) in SCHEME_PROPERTY:
                self.choices(node, answer, answer.scheme or name, None)
            else:
                self.raw_answer(answer, ["unknown-field"])
        if not practice_levers:
            for match, cell in policy_levers:
                g.add((node, match.prop, match.concept))
                self.derive(node, match.prop, cell, ["levers-from-response"])

    def partners(self, node: URIRef, answer: Answer) -> None:
        """Each partner named becomes an ``ess:Partner`` keyed by its normalised name."""
        value = answer.value
        texts = [text_of(v) for v in (value if isinstance(value, list) else [value])]
        names = [n for n in texts if n and slug(n)]
        if not names:
            self.raw_answer(answer)
            return
        g = self.o.public
        for name in names:
            partner = self.iris.partner(name)
            # partners are shared by the file's responses: each fact written once
            if partner not in self.o.partners:
                self.o.partners[partner] = set()
                g.add((partner, V.RDF_TYPE, V.ESS_PARTNER))
            if name not in self.o.partners[partner]:
                self.o.partners[partner].add(name)
                g.add((partner, V.SKOS_PREF_LABEL, literal(name, "fr")))
            g.add((partner, V.PROV_WAS_DERIVED_FROM, self.response))
            self.mapped_fact(node, V.ESS_HAS_PARTNER, partner, answer, detail=f"{partner}")
