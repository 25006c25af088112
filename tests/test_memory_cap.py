"""A query that exhausts its worker's memory cap gets a JSON error; the server goes on."""

from __future__ import annotations

import requests
from conftest import ServerFactory

#: Sorting the full cross product of the bundled graph needs gigabytes.
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d ?c ?f"


def test_a_query_over_the_memory_cap_gets_json_and_the_next_one_works(
    server_factory: ServerFactory,
) -> None:
    server = server_factory(KG_QUERY_MEMORY_MB="1536", KG_QUERY_TIMEOUT="60")
    hungry = requests.get(server.endpoint, params={"query": HUNGRY}, timeout=90)
    assert hungry.status_code == 500
    assert hungry.json()["error"]["type"] == "query-crashed"
    after = requests.get(server.endpoint, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert after.status_code == 200 and after.json()["boolean"] is True
