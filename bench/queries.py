"""The benchmark queries, in the domain's shape, with variants drawn from the data's manifest."""

from __future__ import annotations

from loadgen import Query

PREFIXES = """PREFIX tp: <https://w3id.org/tpkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
"""


def point_lookup(rec_iri: str) -> str:
    """All properties of one recommendation, by IRI."""
    return f"SELECT ?p ?o WHERE {{ <{rec_iri}> ?p ?o }}"


def join(state_code: str) -> str:
    """Recommendations addressed to one State, with theme labels, recommender and date."""
    return (
        PREFIXES
        + f"""SELECT ?rec ?themeLabel ?actor ?date WHERE {{
  ?state skos:notation "{state_code}" .
  ?rec tp:addressee ?state ; tp:theme ?theme ; tp:recommendedBy ?actor ; dct:source ?doc .
  ?theme skos:prefLabel ?themeLabel .
  ?doc dct:date ?date .
}}"""
    )


GROUP_BY = (
    PREFIXES
    + """SELECT ?state ?theme (COUNT(?rec) AS ?n) WHERE {
  ?rec a tp:Recommendation ; tp:addressee ?state ; tp:theme ?theme .
} GROUP BY ?state ?theme"""
)

ORDER_BY_LIMIT = (
    PREFIXES
    + """SELECT ?doc ?id ?date WHERE {
  ?doc a tp:Document ; dct:identifier ?id ; dct:date ?date .
} ORDER BY DESC(?date) ?id LIMIT 10"""
)


def build_queries(manifest: dict) -> list[Query]:
    """The benchmark queries, with variants drawn from the data's manifest."""
    recs = manifest["sample_recommendations"][:32]
    states = (
        list(manifest["focus_states"])
        + [s for s in manifest["states"] if s not in manifest["focus_states"]][:5]
    )
    return [
        Query(
            "point-lookup",
            "all properties of one recommendation by IRI",
            [point_lookup(r) for r in recs],
        ),
        Query(
            "point-lookup-1k",
            "the same lookup over 1,024 IRIs: more texts than a 128-entry query cache holds",
            [point_lookup(r) for r in manifest["many_recommendations"]],
        ),
        Query(
            "join",
            "recommendations to one State with theme labels (5 patterns)",
            [join(s) for s in states],
        ),
        Query("group-by", "count of recommendations per State and theme", [GROUP_BY]),
        Query("order-by-limit", "latest 10 documents by date", [ORDER_BY_LIMIT], ordered=True),
    ]
