"""States by ISO 3166-1 code or name, resolved through the ISO 3166 data that ``pycountry``
packages, and their ``tp:State`` nodes.

Every importer that names a state uses these functions, so a state has one IRI
(``state/<alpha-3>``) and one label (the ISO 3166-1 short name, or its common form where ISO
gives one, e.g. "Moldova" for "Moldova, Republic of") whichever source names it. A name the
ISO data does not know is never guessed: :func:`alpha3_from_name` returns ``None``.

>>> alpha3_from_alpha2("KZ"), alpha3_from_alpha2("TP"), alpha3_from_alpha2("XX")
('KAZ', 'TLS', None)
>>> alpha3_from_name("Bolivia (Plurinational State of)"), alpha3_from_name("The Netherlands")
('BOL', 'NLD')
>>> alpha3_from_name("Holy See") is None, iso_name("MDA")
(True, 'Moldova')
>>> [alpha3_from_name(n) for n in ("Lao People\u2019s Democratic Republic", "Republic of Korea")]
['LAO', 'KOR']
>>> alpha3_from_name("Bosnia & Herzegovina"), alpha3_from_name("Turkey")
('BIH', None)

"""

from __future__ import annotations

import re
from typing import Protocol

import pycountry
from rdflib import RDF, RDFS, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.namespaces import DEFAULT_BASE, TP, resource_iri

DCT = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("https://schema.org/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
TPNS = Namespace(TP)

_UN_STYLE = re.compile(r"^(?P<short>[^()]+?)\s*\((?P<qualifier>[^()]+)\)$")
_OF_FIRST = re.compile(r"^(?P<qualifier>[^(),]+? of(?: the)?) (?P<short>[^(),]+)$")


def alpha3_from_alpha2(code: str) -> str | None:
    """The alpha-3 code of the state with the ISO 3166-1 alpha-2 ``code``.

    A code ISO 3166-3 lists as withdrawn is followed to its successor where the withdrawn
    entry names one (its four-letter code ends in the new alpha-2 code, e.g. ``TP`` East Timor
    -> ``TL`` Timor-Leste); otherwise ``None``.
    """
    country = pycountry.countries.get(alpha_2=code.strip().upper())
    if country is not None:
        return str(country.alpha_3)
    historic = pycountry.historic_countries.get(alpha_2=code.strip().upper())
    successor = getattr(historic, "alpha_4", "")[2:] if historic is not None else ""
    country = pycountry.countries.get(alpha_2=successor) if len(successor) == 2 else None
    return str(country.alpha_3) if country is not None else None


def alpha3_from_name(name: str) -> str | None:
    """The alpha-3 code of the state ISO 3166-1 names ``name`` (official, short or common
    name, any case, a curly apostrophe read as straight and "&" as "and"), also in the UN's
    "Short (Qualifier)" form, in the order "Republic of Korea" where ISO writes "Korea,
    Republic of", and with a leading "The"; ``None`` when the ISO data knows no such name.
    """
    bare = " ".join(name.replace("\u2019", "'").replace("&", " and ").split())
    candidates = [bare, bare.removeprefix("The ").removeprefix("the ")]
    match = _UN_STYLE.match(bare)
    if match:
        candidates.append(f"{match['short']}, {match['qualifier']}")
    inverted = _OF_FIRST.match(bare)
    if inverted:
        candidates.append(f"{inverted['short']}, {inverted['qualifier']}")
    for candidate in candidates:
        try:
            return str(pycountry.countries.lookup(candidate).alpha_3)
        except LookupError:
            continue
    return None


def is_alpha3(code: str) -> bool:
    """Whether ``code`` is a current ISO 3166-1 alpha-3 code."""
    return pycountry.countries.get(alpha_3=code) is not None


def iso_name(alpha3: str) -> str:
    """The label of a state: ISO's common name where it gives one, else its short name."""
    country = pycountry.countries.get(alpha_3=alpha3)
    if country is None:
        raise KeyError(alpha3)
    return str(getattr(country, "common_name", None) or country.name)


def state_iri(alpha3: str, base: str = DEFAULT_BASE) -> URIRef:
    """``state/<alpha-3>`` under ``base``."""
    return URIRef(resource_iri("state", alpha3, base))


class Sink(Protocol):
    """Where triples go: an rdflib ``Graph`` or the importers' ``Triples``."""

    def add(self, triple: tuple[Node, Node, Node], /) -> object:
        """Add one triple."""


def add_state(
    graph: Sink,
    alpha3: str,
    *,
    source: URIRef | None = None,
    name_in_source: str | None = None,
    base: str = DEFAULT_BASE,
) -> URIRef:
    """Add the ``tp:State`` node of ``alpha3`` to ``graph`` and return its IRI.

    The node has the ISO label (``rdfs:label``, ``schema:name``), the alpha-3 and alpha-2
    codes as ``skos:notation``, the source that names it (``dct:source``) and, where that
    source spells the name differently, its spelling as ``skos:altLabel``.
    """
    country = pycountry.countries.get(alpha_3=alpha3)
    if country is None:
        raise KeyError(alpha3)
    node = state_iri(alpha3, base)
    label = Literal(iso_name(alpha3), lang="en")
    graph.add((node, RDF.type, TPNS.State))
    graph.add((node, RDFS.label, label))
    graph.add((node, SCHEMA.name, label))
    graph.add((node, SKOS.notation, Literal(str(country.alpha_3))))
    graph.add((node, SKOS.notation, Literal(str(country.alpha_2))))
    if source is not None:
        graph.add((node, DCT.source, source))
    if name_in_source and " ".join(name_in_source.split()) != str(label):
        graph.add((node, SKOS.altLabel, Literal(" ".join(name_in_source.split()), lang="en")))
    return node
