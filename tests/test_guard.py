"""The query guard, unit by unit and against a live server.

Nothing a query says may make the endpoint fetch anything (SERVICE, LOAD, remote FROM: the
canary must see zero requests), run past the time limit, nest deep enough to crash the
engine unnoticed, change the store, or return more than the row cap.
"""

from __future__ import annotations

import time

import pytest
import requests
from conftest import MAINTAINER_TOKEN, Canary, Server, ServerFactory

from kg.errors import PayloadTooLarge, QueryRefused
from kg.namespaces import graph_iri_for_path
from kg.query.guard import allowed, check, inspect

JSON = "application/sparql-results+json"
TIMEOUT = 3.0  # KG_QUERY_TIMEOUT of the shared server
ROW_LIMIT = 500  # KG_ROW_LIMIT of the shared server
DEEP = 10_000
ALL_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def post(endpoint: str, text: str, accept: str = JSON, **fields: str) -> requests.Response:
    return requests.post(
        endpoint, data={"query": text, **fields}, headers={"Accept": accept}, timeout=60
    )


def json_error(response: requests.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json")
    error: dict[str, object] = response.json()["error"]
    assert error["status"] == status
    return error


def count(endpoint: str, text: str = ALL_TRIPLES) -> int:
    response = post(endpoint, text)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# -- unit: inspect and check -----------------------------------------------------------------

HIDDEN_KEYWORDS = [
    'SELECT * WHERE { ?s ?p "SERVICE <http://evil/> { ?s ?p ?o }" }',
    "SELECT * WHERE { ?s ?p '''LOAD <http://evil/> SERVICE <http://evil/>''' }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://evil/> { ?s ?p ?o }",
    "SELECT * WHERE { ?s <http://e/SERVICE> ?o FILTER(?o != <http://e/LOAD>) }",
    "SELECT * FROM <http://127.0.0.1/g> WHERE { ?s ?p 'FROM <http://evil/>' }",
    'SELECT * WHERE { ?s ?p "a \\" SERVICE <http://evil/> \\"" }',
]


@pytest.mark.parametrize("text", HIDDEN_KEYWORDS)
def test_keywords_inside_strings_iris_and_comments_do_not_count(text: str) -> None:
    found = check(text, max_bytes=10_000, max_depth=10)
    assert (found.services, found.loads, found.dynamic_service) == ((), (), False)
    assert "http://evil/" not in found.from_graphs


SERVICE_TARGETS = [
    ("SELECT * { SERVICE <http://evil/sparql> { ?s ?p ?o } }", "http://evil/sparql"),
    ("SELECT * { SERVICE SILENT <http://evil/q> { ?s ?p ?o } }", "http://evil/q"),
    ("PREFIX e: <http://evil/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }", "http://evil/sparql"),
    ("PREFIX : <http://evil/> SELECT * { service :q { ?s ?p ?o } }", "http://evil/q"),
    ("BASE <http://evil/a/> SELECT * { SERVICE <../b> { ?s ?p ?o } }", "http://evil/b"),
    ("BASE <http://evil/> PREFIX e: <x/> SELECT * { SERVICE e:y { ?s ?p ?o } }", "http://evil/x/y"),
]


@pytest.mark.parametrize(("text", "target"), SERVICE_TARGETS)
def test_inspect_resolves_service_targets(text: str, target: str) -> None:
    assert inspect(text).services == (target,)


#: Texts the engine reads differently from a naive tokenizer: (text, what the engine calls).
ENGINE_READINGS = [
    ("PREFIX : <http://evil/> SELECT * { SERVICE:q { ?s ?p ?o } }", "http://evil/q"),
    ("PREFIX : <http://evil/> SELECT * { SERVICE SILENT:q { ?s ?p ?o } }", "http://evil/q"),
    ("PREFIX : <http://evil/> SELECT * { service:q { ?s ?p ?o } }", "http://evil/q"),
    ("PREFIX SERVICE: <http://ok/> PREFIX : <http://evil/> ASK { SERVICE:q {} }", "http://evil/q"),
    (
        "PREFIX silent: <http://ok/> PREFIX : <http://evil/> ASK { SERVICE silent:q {} }",
        "http://evil/q",
    ),
    (
        "PREFIX e: <http://e/> ASK { BIND(e:x\\#y AS ?u) SERVICE <http://evil/q> {} }",
        "http://evil/q",
    ),
    (
        "PREFIX e: <http://e/> ASK { BIND(e:x\\'y AS ?u) SERVICE <http://evil/q> {} "
        "FILTER(?u != 'z') }",
        "http://evil/q",
    ),
    ("PREFIX e: <http://evil/> ASK { SERVICE e:a\\/b {} }", "http://evil/a/b"),
    ("PREFIX e: <http://evil/> ASK { SERVICE e:%2Fq {} }", "http://evil/%2Fq"),
    ("PREFIX e: <http://evil/> ASK { SERVICE e:a.b {} }", "http://evil/a.b"),
    ("PREFIX service: <http://evil/> ASK { SERVICE service:q {} }", "http://evil/q"),
    ("ASK { SERVICE <http://evil/\\u0071> {} }", "http://evil/q"),
]


@pytest.mark.parametrize(("text", "target"), ENGINE_READINGS)
def test_inspect_reads_service_targets_as_the_engine_does(text: str, target: str) -> None:
    assert inspect(text).services == (target,)


@pytest.mark.parametrize(
    "text",
    [
        "PREFIX service: <http://e/> SELECT * { ?s service:p ?o }",
        "PREFIX from: <http://e/> SELECT * { ?s from:p ?o ; from:q ?r }",
        "PREFIX from: <http://e/> SELECT * { ?s from:p from:o }",
        "PREFIX service: <http://e/> SELECT * { service:s service:p service:o }",
        "PREFIX load: <http://e/> SELECT * { GRAPH load:g { ?s load:p ?o } }",
    ],
)
def test_prefixes_named_like_keywords_still_work_as_prefixes(text: str) -> None:
    found = inspect(text)
    assert (found.form, found.services, found.loads, found.from_graphs) == ("select", (), (), ())


@pytest.mark.parametrize(
    ("text", "loads"),
    [
        ("PREFIX : <http://evil/> LOAD:x", ("http://evil/x",)),
        ("PREFIX : <http://evil/> LOAD SILENT:x INTO GRAPH <http://g/>", ("http://evil/x",)),
        ("INSERT DATA { <a:a> <a:b> <a:c> } ; load <http://evil/x>", ("http://evil/x",)),
    ],
)
def test_inspect_finds_glued_and_later_loads(text: str, loads: tuple[str, ...]) -> None:
    found = inspect(text)
    assert (found.form, found.loads) == ("update", loads)


def test_inspect_reads_a_glued_from() -> None:
    found = inspect("PREFIX : <http://evil/> SELECT * FROM:g FROM NAMED:h WHERE { ?s ?p ?o }")
    assert (found.from_graphs, found.from_named) == (("http://evil/g",), ("http://evil/h",))


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:p ?o }", "select"),
        ("ask { ?s ?p ?o }", "ask"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("DESCRIBE <http://e/x>", "describe"),
        ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "update"),
        ("WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "update"),
        ("# SELECT\nCLEAR ALL", "update"),
    ],
)
def test_inspect_classifies_the_query_form(text: str, form: str) -> None:
    assert inspect(text).form == form


@pytest.mark.parametrize("depth", [1, 5, 128, DEEP])
@pytest.mark.parametrize(("open_", "close"), [("{", "}"), ("(", ")"), ("[", "]")])
def test_inspect_measures_nesting_depth(depth: int, open_: str, close: str) -> None:
    text = "SELECT * WHERE { " + open_ * depth + close * depth + " }"
    assert inspect(text).depth == depth + 1


@pytest.mark.parametrize("limit", [3, 10])
def test_check_accepts_nesting_up_to_the_limit_and_refuses_deeper(limit: int) -> None:
    at_limit = "ASK " + "{" * limit + "}" * limit
    assert check(at_limit, max_bytes=10_000, max_depth=limit).depth == limit
    with pytest.raises(QueryRefused):
        check("ASK " + "{" * (limit + 1) + "}" * (limit + 1), max_bytes=10_000, max_depth=limit)


def test_check_counts_the_size_in_utf8_bytes() -> None:
    text = "ASK { ?s ?p 'é' }"
    size = len(text.encode("utf-8"))
    assert check(text, max_bytes=size, max_depth=10).form == "ask"
    with pytest.raises(PayloadTooLarge):
        check(text, max_bytes=size - 1, max_depth=10)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://evil/> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?where { ?s ?p ?o } }",
        "SELECT * { SERVICE SILENT ?where { ?s ?p ?o } }",
        "LOAD <http://evil/data.ttl>",
        "LOAD SILENT <http://evil/data.ttl> INTO GRAPH <http://e/g>",
    ],
)
def test_check_refuses_service_and_load(text: str) -> None:
    with pytest.raises(QueryRefused):
        check(text, max_bytes=10_000, max_depth=10)


@pytest.mark.parametrize(
    ("iri", "allowlist", "expected"),
    [
        ("http://ok/sparql", ("http://ok/sparql",), True),
        ("http://ok/a/b", ("http://ok/",), True),
        ("http://ok/a#b", ("http://ok/a#",), True),
        ("http://ok/sparql2", ("http://ok/sparql",), False),
        ("http://ok.evil/x", ("http://ok",), False),
        ("http://evil/", (), False),
    ],
)
def test_allowlist_matches_exact_iris_and_slash_or_hash_prefixes(
    iri: str, allowlist: tuple[str, ...], expected: bool
) -> None:
    assert allowed(iri, allowlist) is expected


def test_check_lets_allowlisted_services_through() -> None:
    text = "SELECT * { SERVICE <http://ok/sparql> { ?s ?p ?o } }"
    found = check(text, max_bytes=10_000, max_depth=10, allowlist=("http://ok/",))
    assert found.services == ("http://ok/sparql",)


def test_inspect_collects_from_and_from_named() -> None:
    found = inspect("PREFIX g: <http://g/> SELECT * FROM g:a FROM NAMED <http://g/b> { ?s ?p ?o }")
    assert (found.from_graphs, found.from_named) == (("http://g/a",), ("http://g/b",))


# -- (a) nothing is fetched --------------------------------------------------------------------

SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <{c}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{c}/sparql> {{ ?s ?p ?o }} }}",
    "PREFIX c: <{c}/> SELECT * WHERE {{ SERVICE c:sparql {{ ?s ?p ?o }} }}",
    "PREFIX c: <http://example.org/> PREFIX c: <{c}/> "
    "SELECT * {{ SERVICE c:sparql {{ ?s ?p ?o }} }}",
    "BASE <{c}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "BASE <{c}/a/b> SELECT * WHERE {{ SERVICE <../sparql> {{ ?s ?p ?o }} }}",
    "select * where {{ service <{c}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <{c}/\\u0073parql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE#x\n<{c}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{c}/sparql> {{ ?s ?p ?x }} }} }} LIMIT 1",
    "SELECT * WHERE {{ SERVICE ?e {{ ?s ?p ?o }} VALUES ?e {{ <{c}/sparql> }} }}",
    "ASK {{ FILTER EXISTS {{ SERVICE <{c}/sparql> {{ ?s ?p ?o }} }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{c}/sparql> {{ ?s ?p ?o }} }}",
    "DESCRIBE ?s WHERE {{ SERVICE <{c}/sparql> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_is_refused_and_never_contacts_the_target(
    server: Server, canary: Canary, template: str
) -> None:
    response = post(server.endpoint, template.format(c=canary.url))
    json_error(response, 400)
    assert canary.hits == []


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * FROM <{c}/x> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <{c}/x> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "PREFIX c: <{c}/> SELECT * FROM c:x WHERE {{ ?s ?p ?o }}",
        "BASE <{c}/> SELECT * FROM <x> WHERE {{ ?s ?p ?o }}",
    ],
)
def test_from_a_remote_iri_is_refused_and_never_fetched(
    server: Server, canary: Canary, template: str
) -> None:
    json_error(post(server.endpoint, template.format(c=canary.url)), 400)
    assert canary.hits == []


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameters_naming_a_remote_iri_never_fetch(
    server: Server, canary: Canary, param: str
) -> None:
    response = post(server.endpoint, "SELECT * WHERE { ?s ?p ?o }", **{param: canary.url + "/x"})
    assert response.headers["Content-Type"].startswith(("application/json", JSON))
    assert canary.hits == []


@pytest.mark.parametrize("transport", ["update", "query"])
def test_load_on_the_query_endpoint_is_forbidden(
    server: Server, canary: Canary, transport: str
) -> None:
    response = requests.post(
        server.endpoint, data={transport: f"LOAD <{canary.url}/data.ttl>"}, timeout=30
    )
    json_error(response, 403)
    assert canary.hits == []


DATASET_WAYS = {
    "from": ("SELECT (COUNT(*) AS ?n) FROM <{g}> {{ ?s ?p ?o }}", {}),
    "from-named": ("SELECT (COUNT(*) AS ?n) FROM NAMED <{g}> {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
    "default-graph-uri": ("SELECT (COUNT(*) AS ?n) {{ ?s ?p ?o }}", {"default-graph-uri": "{g}"}),
    "named-graph-uri": (
        "SELECT (COUNT(*) AS ?n) {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        {"named-graph-uri": "{g}"},
    ),
}


@pytest.mark.parametrize(("template", "params"), DATASET_WAYS.values(), ids=DATASET_WAYS.keys())
@pytest.mark.parametrize("path", ["ontology/tpkg.ttl", "data/turtle/entities/states.ttl"])
def test_a_dataset_naming_a_stored_graph_selects_only_that_graph(
    server: Server, path: str, template: str, params: dict[str, str]
) -> None:
    graph = graph_iri_for_path(path)
    expected = count(
        server.endpoint, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    fields = {k: v.format(g=graph) for k, v in params.items()}
    response = post(server.endpoint, template.format(g=graph), **fields)
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == expected > 0


# -- (b) the hard time limit -------------------------------------------------------------------

NEVER = 'FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), STR(?l), "never"))'
CROSS = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l"
SLOW_QUERIES = {
    "filter-never-matches": f"SELECT * WHERE {{ {CROSS} {NEVER} }}",
    "aggregate-yields-no-row-before-the-end": f"SELECT (COUNT(*) AS ?n) WHERE {{ {CROSS} }}",
    "construct": f"CONSTRUCT {{ ?a ?b ?c }} WHERE {{ {CROSS} {NEVER} }}",
}


def test_the_slow_queries_cannot_finish_within_the_limit(server: Server) -> None:
    triples = count(server.endpoint)
    # Four-way cross product; even a billion solutions per second would take far longer.
    assert triples**4 / 1e9 > 100 * TIMEOUT


@pytest.mark.parametrize("text", SLOW_QUERIES.values(), ids=SLOW_QUERIES.keys())
def test_a_query_over_the_time_limit_gets_a_json_timeout_in_time(server: Server, text: str) -> None:
    started = time.monotonic()
    response = post(server.endpoint, text)
    elapsed = time.monotonic() - started
    assert json_error(response, 503)["type"] == "query-timeout"
    assert elapsed < TIMEOUT + 2
    assert count(server.endpoint) > 0


# -- (c) deep nesting --------------------------------------------------------------------------

DEEP_QUERIES = {
    "braces": "SELECT * WHERE " + "{" * DEEP + "}" * DEEP,
    "parentheses": "SELECT * WHERE { FILTER(" + "(" * DEEP + "1" + ")" * DEEP + ") }",
    "brackets": "SELECT * WHERE { ?s ?p " + "[?p " * DEEP + "?o" + "]" * DEEP + " }",
}


@pytest.mark.parametrize("text", DEEP_QUERIES.values(), ids=DEEP_QUERIES.keys())
def test_deep_nesting_is_refused_with_json_and_the_server_goes_on(
    server: Server, text: str
) -> None:
    assert json_error(post(server.endpoint, text), 400)["type"] == "query-refused"
    assert count(server.endpoint) > 0


@pytest.fixture(scope="module")
def unguarded(server_factory: ServerFactory) -> Server:
    """A server whose nesting limit lets every deep query reach the engine."""
    return server_factory(KG_MAX_NESTING="1000000")


@pytest.mark.parametrize("text", DEEP_QUERIES.values(), ids=DEEP_QUERIES.keys())
def test_deep_nesting_past_the_guard_still_gets_json_and_the_server_goes_on(
    unguarded: Server, text: str
) -> None:
    response = post(unguarded.endpoint, text)
    assert response.status_code in (400, 500)
    json_error(response, response.status_code)
    assert count(unguarded.endpoint) > 0


def test_a_long_flat_expression_gets_json_and_the_server_goes_on(server: Server) -> None:
    text = "SELECT * WHERE { FILTER(" + "+".join(["1"] * 20_000) + " > 0) }"
    response = post(server.endpoint, text)
    assert response.status_code in (400, 500)
    json_error(response, response.status_code)
    assert count(server.endpoint) > 0


# -- (d) updates never change the public endpoint's store -----------------------------------

UPDATES = [
    "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP ALL",
    "PREFIX x: <urn:x:> INSERT { ?s x:b x:c } WHERE { ?s ?p ?o }",
]
TRANSPORTS = {
    "form-update": lambda url, text: requests.post(url, data={"update": text}, timeout=30),
    "form-query": lambda url, text: requests.post(url, data={"query": text}, timeout=30),
    "direct": lambda url, text: requests.post(
        url,
        data=text.encode(),
        headers={"Content-Type": "application/sparql-update"},
        timeout=30,
    ),
}


@pytest.mark.parametrize("send", TRANSPORTS.values(), ids=TRANSPORTS.keys())
@pytest.mark.parametrize("text", UPDATES)
def test_updates_on_the_query_endpoint_are_forbidden(server: Server, send, text: str) -> None:
    before = count(server.endpoint)
    json_error(send(server.endpoint, text), 403)
    assert count(server.endpoint) == before


def test_the_same_update_works_on_update_in_maintainer_mode(maintainer: Server) -> None:
    text = "INSERT DATA { GRAPH <urn:x:guard> { <urn:x:a> <urn:x:b> <urn:x:c> } }"
    before = count(maintainer.endpoint)
    json_error(TRANSPORTS["form-update"](maintainer.endpoint, text), 403)
    auth = {"Authorization": f"Bearer {MAINTAINER_TOKEN}"}
    response = requests.post(
        maintainer.update_endpoint, data={"update": text}, headers=auth, timeout=30
    )
    assert response.status_code == 204
    assert count(maintainer.endpoint) == before + 1


# -- (e) the row cap ---------------------------------------------------------------------------


def test_select_over_the_row_cap_is_cut_and_flagged(server: Server) -> None:
    total = count(server.endpoint)
    assert total > ROW_LIMIT
    response = post(server.endpoint, "SELECT * WHERE { ?s ?p ?o }")
    assert len(response.json()["results"]["bindings"]) == ROW_LIMIT
    assert response.headers["X-Result-Truncated"] == "true"
    assert response.headers["X-Result-Size"] == str(ROW_LIMIT)


@pytest.mark.parametrize("limit", [0, 1, ROW_LIMIT // 2, ROW_LIMIT])
def test_select_within_the_row_cap_is_whole_and_not_flagged(server: Server, limit: int) -> None:
    response = post(server.endpoint, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {limit}")
    assert len(response.json()["results"]["bindings"]) == limit
    assert response.headers["X-Result-Truncated"] == "false"


@pytest.mark.parametrize(("limit", "flag"), [(None, "true"), (ROW_LIMIT // 2, "false")])
def test_construct_triples_are_capped_and_flagged(server: Server, limit, flag: str) -> None:
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }" + (f" LIMIT {limit}" if limit else "")
    response = post(server.endpoint, text, accept="application/n-triples")
    lines = [line for line in response.text.splitlines() if line.strip()]
    assert len(lines) == min(limit or count(server.endpoint), ROW_LIMIT)
    assert response.headers["X-Result-Truncated"] == flag


# -- (f) the size cap --------------------------------------------------------------------------

OVERSIZED = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 70_000
SIZE_TRANSPORTS = {
    "get": lambda url: requests.get(url, params={"query": OVERSIZED}, timeout=30),
    "form": lambda url: requests.post(url, data={"query": OVERSIZED}, timeout=30),
    "direct": lambda url: requests.post(
        url,
        data=OVERSIZED.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    ),
}


@pytest.mark.parametrize("send", SIZE_TRANSPORTS.values(), ids=SIZE_TRANSPORTS.keys())
def test_a_query_over_the_size_cap_gets_413_json_from_gunicorn(
    server_factory: ServerFactory, send
) -> None:
    json_error(send(server_factory(KG_SERVER="gunicorn").endpoint), 413)


@pytest.mark.parametrize("transport", ["form", "direct"])
def test_a_posted_query_over_the_size_cap_gets_413_json(server: Server, transport: str) -> None:
    json_error(SIZE_TRANSPORTS[transport](server.endpoint), 413)


def test_a_get_over_the_size_cap_within_64_kib_of_url_gets_413_json(
    server_factory: ServerFactory,
) -> None:
    small_cap = server_factory(KG_MAX_QUERY_BYTES="16384")
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 20_000
    response = requests.get(small_cap.endpoint, params={"query": query}, timeout=30)
    json_error(response, 413)


def test_granian_answers_a_url_over_64_kib_with_its_own_414(server: Server) -> None:
    """The documented limit of the default HTTP server: it refuses such a request line
    itself, before the app sees it (gunicorn, above, passes it on)."""
    response = SIZE_TRANSPORTS["get"](server.endpoint)
    assert response.status_code == 414
