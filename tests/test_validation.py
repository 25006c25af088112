"""Validation in context: the library, `kg validate` exit codes and formats, POST /validate."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph
from test_contributions import DATA, KG, REPO, Server, make_store, start_server

from kg.intake import read_payload
from kg.results import Term
from kg.validation import load_shapes, text_report, to_graph, validate
from kg.validation.restated import drop_restated

SHAPES = DATA / "shapes"


def payload(name: str):  # noqa: ANN201
    return read_payload((DATA / name).read_bytes(), "turtle", max_bytes=10**6, max_triples=100)


def test_shapes_bundle_is_parsed_once() -> None:
    assert load_shapes(SHAPES) is load_shapes(SHAPES)
    assert load_shapes(SHAPES).files and load_shapes(SHAPES).version.startswith("sha256:")


def test_sh_class_needs_the_context() -> None:
    data = to_graph(payload("valid.ttl").triples)
    alone = validate(data, None, shapes=load_shapes(SHAPES))
    assert not alone.conforms and "addressed to an agent" in alone.results[0].message
    context = Graph().parse(REPO / "ontology" / "tpkg.ttl")
    context.parse(REPO / "data" / "turtle" / "entities" / "states.ttl")
    assert validate(data, context, shapes=load_shapes(SHAPES)).conforms


def test_warnings_do_not_break_conformance() -> None:
    context = Graph().parse(REPO / "ontology" / "tpkg.ttl")
    context.parse(REPO / "data" / "turtle" / "entities" / "states.ttl")
    outcome = validate(
        to_graph(payload("warning.ttl").triples), context, shapes=load_shapes(SHAPES)
    )
    assert outcome.conforms and outcome.counts()["Warning"] == 1
    assert "should have a comment" in text_report(outcome)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("kg-validate"))


def kg_validate(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env_shapes = {"KG_SHAPES": str(SHAPES)}
    command = [KG, "--store", str(store), "validate", *args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **env_shapes},
    )


@pytest.mark.parametrize(
    ("files", "code"),
    [
        (["valid.ttl"], 0),
        (["valid.ttl", "warning.ttl"], 0),
        (["invalid.ttl"], 1),
        (["valid.ttl", "no-such-file.ttl"], 2),
        (["invalid.ttl", "malformed.ttl"], 2),
    ],
)
def test_kg_validate_exit_codes(store: Path, files: list[str], code: int) -> None:
    result = kg_validate(store, *(str(DATA / f) for f in files))
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr


def test_kg_validate_text_report_groups_by_focus(store: Path) -> None:
    out = kg_validate(store, str(DATA / "invalid.ttl")).stdout
    assert "does NOT conform (2 violations, 1 warnings)" in out
    assert "<https://w3id.org/tpkg/id/recommendation/test-invalid-1>" in out
    assert "value: https://w3id.org/tpkg/id/document/no-such-document" in out
    assert "path:  http://www.w3.org/2000/01/rdf-schema#label" in out


def test_kg_validate_json_and_turtle(store: Path) -> None:
    found = json.loads(kg_validate(store, "--format", "json", str(DATA / "invalid.ttl")).stdout)
    assert found[str(DATA / "invalid.ttl")]["counts"]["Violation"] == 2
    turtle = kg_validate(store, "--format", "turtle", str(DATA / "invalid.ttl")).stdout
    assert "sh:ValidationReport" in turtle and "sh:conforms false" in turtle


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Server]:
    running = start_server(store)
    yield running
    running.stop()


def as_format(name: str, fmt: str) -> bytes:
    graph = Graph().parse(DATA / name)
    return graph.serialize(format=fmt, encoding="utf-8")


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("turtle", "text/turtle"),
        ("nt", "application/n-triples"),
        ("json-ld", "application/ld+json"),
        ("xml", "application/rdf+xml"),
    ],
)
@pytest.mark.parametrize(("name", "conforms"), [("valid.ttl", True), ("invalid.ttl", False)])
def test_post_validate_each_format(
    server: Server, fmt: str, media: str, name: str, conforms: bool
) -> None:
    response = requests.post(
        server.url + "/validate",
        data=as_format(name, fmt),
        timeout=30,
        headers={"Content-Type": media, "Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["conforms"] is conforms


@pytest.mark.parametrize(
    ("accept", "needle"),
    [
        ("text/turtle", "sh:ValidationReport"),
        ("application/ld+json", "ValidationReport"),
        ("*/*", "sh:ValidationReport"),
    ],
)
def test_post_validate_report_formats(server: Server, accept: str, needle: str) -> None:
    response = requests.post(
        server.url + "/validate",
        data=(DATA / "invalid.ttl").read_bytes(),
        headers={"Content-Type": "text/turtle", "Accept": accept},
        timeout=30,
    )
    assert response.status_code == 200 and needle in response.text


def test_post_validate_stored_graph(server: Server) -> None:
    graph = "https://w3id.org/tpkg/graph/data/entities/states"
    response = requests.post(
        server.url + "/validate",
        params={"graph": graph},
        timeout=30,
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200 and response.json()["conforms"] is True
    missing = requests.post(server.url + "/validate", params={"graph": graph + "-none"}, timeout=30)
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not-found"


def test_post_validate_refuses_unsafe_input(server: Server) -> None:
    doc = b'{"@context": "https://schema.org/", "@id": "http://e/a", "name": "x"}'
    response = requests.post(
        server.url + "/validate",
        data=doc,
        timeout=30,
        headers={"Content-Type": "application/ld+json"},
    )
    assert response.status_code == 422 and "remote" in response.json()["error"]["message"]


BUNDLED = sorted((REPO / "data" / "turtle").rglob("*.ttl"))


def test_every_bundled_file_conforms_against_a_store_holding_them_all(
    kg,  # noqa: ANN001
    store_dir: Path,
) -> None:
    # A node is judged on all the store knows about it (its description in other files too).
    # The largest files take 10-20 s each on a busy 2-core machine: a roomier per-file limit.
    assert len(BUNDLED) >= 10
    roomy = {"KG_VALIDATION_TIMEOUT": "90"}
    done = kg("--store", str(store_dir), "validate", *map(str, BUNDLED), env=roomy, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": conforms (0 violations") == len(BUNDLED)


def test_a_node_is_judged_on_its_stored_description(
    kg,  # noqa: ANN001
    store_dir: Path,
    tmp_path: Path,
) -> None:
    # The step's source, state and annotation are stored elsewhere; the file adds one link.
    data = tmp_path / "link.ttl"
    data.write_text(
        "<https://w3id.org/tpkg/id/positive-step/hdim2015-ws8-KAZ-compensation> "
        "<https://w3id.org/tpkg/ontology#corroboratedBy> "
        "<https://w3id.org/tpkg/id/positive-step/osji-KAZ-gerasimov-compensation> .\n"
    )
    done = kg("--store", str(store_dir), "validate", str(data))
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_restated_value_differing_from_the_stored_one_counts_twice(
    kg,  # noqa: ANN001
    store_dir: Path,
    tmp_path: Path,
) -> None:
    # The same annotation with a target quoting other words: it would have two targets.
    data = tmp_path / "target.ttl"
    data.write_text(
        "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
        "@prefix doc: <https://w3id.org/tpkg/id/document/> .\n"
        "<https://w3id.org/tpkg/id/annotation/hdim2015-ws8-p3> oa:hasTarget [\n"
        "  a oa:SpecificResource ; oa:hasSource doc:hdim2015-ws8-statement ;\n"
        '  oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "other words" ] ] .\n'
    )
    done = kg("--store", str(store_dir), "validate", str(data))
    assert done.returncode == 1 and "exactly one target" in done.stdout, done.stdout


def _terms(*triples: tuple[str, str, str]) -> list[tuple[Term, Term, Term]]:
    """Plain triples; ``_:x`` is a stored blank node, ``L:x`` a payload's renamed one."""

    def term(text: str) -> Term:
        if text.startswith("_:"):
            return Term("bnode", text[2:])
        if text.startswith('"'):
            return Term("literal", text.strip('"'))
        return Term("uri", "http://local/bnode/" + text[2:] if text[:2] == "L:" else text)

    return [(term(s), term(p), term(o)) for s, p, o in triples]


STORED = _terms(("http://e/a", "http://e/t", "_:b"), ("_:b", "http://e/q", '"v"'))


@pytest.mark.parametrize(
    ("data", "kept"),
    [
        (_terms(("http://e/a", "http://e/t", "L:0"), ("L:0", "http://e/q", '"v"')), 0),
        (_terms(("http://e/a", "http://e/t", "L:0"), ("L:0", "http://e/q", '"w"')), 2),
        (_terms(("http://e/a", "http://e/u", "L:0"), ("L:0", "http://e/q", '"v"')), 2),
        (_terms(("http://e/a", "http://e/t", "http://e/c")), 2),
    ],
    ids=["same structure", "other value", "other predicate", "no blank node"],
)
def test_only_stored_blank_node_values_the_data_restates_are_dropped(data, kept: int) -> None:  # noqa: ANN001
    assert len(drop_restated(STORED, data, "http://local/bnode/")) == kept


@pytest.mark.parametrize(
    ("stored", "given", "same"),
    [
        ("100", "100.0", True),
        ("91.5", "91.50", True),
        ("91.5", "91.4", False),
    ],
)
def test_a_stored_literal_restated_in_another_lexical_form_is_one_value(
    stored: str, given: str, same: bool
) -> None:
    from kg.results import Term
    from kg.validation.restated import drop_restated_literals

    decimal = "http://www.w3.org/2001/XMLSchema#decimal"
    s, p = Term("uri", "http://e/s"), Term("uri", "http://e/p")
    kept = drop_restated_literals(
        [(s, p, Term("literal", stored, decimal))], [(s, p, Term("literal", given, decimal))]
    )
    assert (kept == []) is same
