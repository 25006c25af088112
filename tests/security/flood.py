"""Large, conforming-looking validation payloads in the project's vocabulary."""

from __future__ import annotations

PREFIXES = """\
@prefix tp: <https://w3id.org/tpkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix st: <https://w3id.org/tpkg/id/state/> .
@prefix doc: <https://w3id.org/tpkg/id/document/> .
@prefix theme: <https://w3id.org/tpkg/id/theme/> .
@prefix rec: <https://w3id.org/tpkg/id/recommendation/> .
"""

#: Triples per recommendation in :func:`recommendations`.
PER_NODE = 8


def recommendations(triples: int, tag: str) -> bytes:
    """Turtle with ``triples`` triples: recommendations of 8 triples each, every one shaped
    like the bundled UPR recommendations (so pySHACL checks them all the way)."""
    body = "".join(
        f'rec:{tag}-{i} a tp:Recommendation ; rdfs:label "Flood {tag} {i}"@en ;\n'
        f'    schema:text "Establish an independent preventive mechanism ({i})."@en ;\n'
        "    dct:source doc:upr-info-database ; dct:subject theme:npm ;\n"
        "    prov:wasDerivedFrom doc:upr-info-database ; tp:addressee st:KAZ ;\n"
        "    tp:recommendedBy st:DEU .\n"
        for i in range(triples // PER_NODE)
    )
    return (PREFIXES + body).encode()
