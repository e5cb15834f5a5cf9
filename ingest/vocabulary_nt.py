"""N-Triples forms of the vocabulary IRIs the builder writes, computed once.

An rdflib ``Namespace`` attribute (``ESS.sourceRow``) builds and checks a new ``URIRef`` on
every access (~2 µs); the builder writes ~250 triples per response, so it uses these.
"""

from __future__ import annotations

from rdflib import RDF
from rdflib.namespace import DCTERMS, PROV, SKOS

from ingest.ntriples import iri
from ontology import ESS, ORG, SCHEMA

DCTERMS_DESCRIPTION = iri(DCTERMS.description)
DCTERMS_ISSUED = iri(DCTERMS.issued)
DCTERMS_TITLE = iri(DCTERMS.title)
ESS_AMOUNT_IS_APPROXIMATE = iri(ESS.amountIsApproximate)
ESS_CHECKSUM = iri(ESS.checksum)
ESS_COLLECTIVITY = iri(ESS.Collectivity)
ESS_COLLECTIVITY_KIND = iri(ESS.collectivityKind)
ESS_DEDICATED_BUDGET = iri(ESS.dedicatedBudget)
ESS_DEDICATED_STAFF = iri(ESS.dedicatedStaff)
ESS_DELEGATION_TITLE = iri(ESS.delegationTitle)
ESS_ELECTED_OFFICIAL_POST = iri(ESS.electedOfficialPost)
ESS_ESS_POLICY = iri(ESS.EssPolicy)
ESS_FLAG = iri(ESS.flag)
ESS_FOR_PROPERTY = iri(ESS.forProperty)
ESS_HAS_ESS_DELEGATION = iri(ESS.hasEssDelegation)
ESS_HAS_PARTNER = iri(ESS.hasPartner)
ESS_IMPLEMENTED_BY = iri(ESS.implementedBy)
ESS_IS_COMPLETE = iri(ESS.isComplete)
ESS_PARTNER = iri(ESS.Partner)
ESS_POLICY_OF = iri(ESS.policyOf)
ESS_PRACTICE = iri(ESS.Practice)
ESS_PRIORITY_THEME = iri(ESS.priorityTheme)
ESS_PROFILE = iri(ESS.profile)
ESS_RAW_ANSWER = iri(ESS.RawAnswer)
ESS_RAW_VALUE = iri(ESS.rawValue)
ESS_REFERENCE_YEAR = iri(ESS.referenceYear)
ESS_RESPONDENT = iri(ESS.respondent)
ESS_RESPONSE_ID = iri(ESS.responseId)
ESS_SIREN = iri(ESS.siren)
ESS_SOURCE_COLUMN = iri(ESS.sourceColumn)
ESS_SOURCE_FILE = iri(ESS.SourceFile)
ESS_SOURCE_ROW = iri(ESS.sourceRow)
ESS_START_YEAR = iri(ESS.startYear)
ESS_SUPERSEDED_BY = iri(ESS.supersededBy)
ESS_SURVEY = iri(ESS.Survey)
ESS_SURVEY_RESPONSE = iri(ESS.SurveyResponse)
ORG_POST_IN = iri(ORG.postIn)
PROV_AGENT = iri(PROV.Agent)
PROV_DERIVATION = iri(PROV.Derivation)
PROV_ENTITY = iri(PROV.entity)
PROV_GENERATED_AT_TIME = iri(PROV.generatedAtTime)
PROV_HAD_PRIMARY_SOURCE = iri(PROV.hadPrimarySource)
PROV_QUALIFIED_DERIVATION = iri(PROV.qualifiedDerivation)
PROV_WAS_ATTRIBUTED_TO = iri(PROV.wasAttributedTo)
PROV_WAS_DERIVED_FROM = iri(PROV.wasDerivedFrom)
PROV_WAS_GENERATED_BY = iri(PROV.wasGeneratedBy)
RDF_TYPE = iri(RDF.type)
RDF_VALUE = iri(RDF.value)
SCHEMA_EMAIL = iri(SCHEMA.email)
SCHEMA_JOB_TITLE = iri(SCHEMA.jobTitle)
SCHEMA_NAME = iri(SCHEMA.name)
SCHEMA_PERSON = iri(SCHEMA.Person)
SCHEMA_TELEPHONE = iri(SCHEMA.telephone)
SKOS_ALT_LABEL = iri(SKOS.altLabel)
SKOS_PREF_LABEL = iri(SKOS.prefLabel)
