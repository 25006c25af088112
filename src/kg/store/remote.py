"""The remote backend: any SPARQL 1.1 Protocol endpoint (Oxigraph server, Fuseki, Virtuoso).

Queries go out as POST forms and come back as SPARQL JSON or N-Triples, parsed and capped like
embedded results, so the rest of the app cannot tell the backends apart.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QuerySyntaxError, StoreError
from kg.results import ASK, CONSTRUCT, SELECT, QueryResult, Term, ntriples
from kg.store.base import Quad
from kg.store.inline import with_values
from kg.store.rdfio import rdf_format, serialize_triples
from kg.store.terms import collect, parse_quads

_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"


class RemoteStore:
    """A SPARQL endpoint reached over HTTP; ``update_url`` serves SPARQL Update."""

    read_only = False
    location = None

    @property
    def materialized(self) -> bool:
        """Always False: the endpoint answers from its own default graph."""
        return False

    def __init__(self, query_url: str, update_url: str | None, timeout: float) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url.replace("/query", "/update")
        self.timeout = timeout

    def _post(self, url: str, fields: list[tuple[str, str]], accept: str) -> tuple[str, bytes]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=data, headers={"Accept": accept})
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:500].decode("utf-8", "replace")
            if 400 <= exc.code < 500:
                raise QuerySyntaxError(f"the remote store refused the request: {detail}") from None
            raise StoreError(f"the remote store failed ({exc.code}): {detail}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise StoreError(f"cannot reach the remote store {url}: {exc}") from None

    def query(
        self,
        text: str,
        *,
        row_limit: int,
        default_graphs: Iterable[str] | None = None,
        named_graphs: Iterable[str] | None = None,
        base_iri: str | None = None,
        substitutions: Mapping[str, Term] | None = None,
        union: bool = True,
        write: str | None = None,
    ) -> QueryResult:
        """Run a query remotely; see :meth:`EmbeddedStore.query` (``write`` is ignored: the
        answer is parsed into terms).

        ``substitutions`` become a VALUES block in every WHERE group (see
        :mod:`kg.store.inline`).
        """
        if substitutions:
            text = with_values(text, substitutions)
        fields = [("query", text)]
        fields += [("default-graph-uri", g) for g in default_graphs or ()]
        fields += [("named-graph-uri", g) for g in named_graphs or ()]
        accept = f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9"
        media_type, body = self._post(self.query_url, fields, accept)
        if media_type in (_RESULTS_JSON, "application/json"):
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            if isinstance(parsed, ox.QueryBoolean):
                return QueryResult(ASK, boolean=bool(parsed))
            return collect(parsed, row_limit)
        triples = ox.parse(body, format=_graph_format(media_type))
        result = collect(triples, row_limit)
        result.form = CONSTRUCT
        return result

    def update(self, text: str, base_iri: str | None = None) -> None:
        """Send a SPARQL Update to the update URL."""
        self._post(self.update_url, [("update", text)], "*/*")

    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }", row_limit=10**7)
        if result.form != SELECT:
            return []
        return sorted(row[0].value for row in result.rows if row[0] is not None)

    def has_graph(self, iri: str) -> bool:
        """True when the remote store has this named graph."""
        return iri in self.graphs()

    def load_data(self, data: bytes, fmt: str, graph: str, base_iri: str | None = None) -> None:
        """Replace a named graph's content (one update request: drop, then insert)."""
        quads = parse_quads(data, fmt, graph, base_iri)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        body = serialize_triples(triples, "ntriples").decode()
        self.update(
            f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"
        )

    def bulk_load_file(self, path: Path, fmt: str, graph: str) -> None:
        """Replace a named graph with a file's content (sent as one update request)."""
        self.load_data(path.read_bytes(), fmt, graph)

    def import_graph(self, data: bytes, fmt: str, graph: str) -> None:
        """Replace a named graph's content (one update request, as :meth:`load_data`)."""
        self.load_data(data, fmt, graph)

    def remove_graph(self, graph: str) -> None:
        """Delete a named graph."""
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def add_quads(self, quads: list[Quad]) -> None:
        """Add quads to several graphs in one update request (all or none)."""
        self.update(f"INSERT DATA {{ {_graph_blocks(quads)} }}")

    def drop_graph_and_add(self, graph: str, quads: list[Quad]) -> None:
        """Drop named graph ``graph`` and add ``quads`` in one update request."""
        self.update(f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ {_graph_blocks(quads)} }}")

    def materialize(self) -> bool:
        """Nothing to keep: the endpoint's default graph is its own (False)."""
        return False

    def replace_subject(
        self, graph: str, subject: str, triples: list[tuple[Term, Term, Term]]
    ) -> None:
        """Replace every triple about ``subject`` in ``graph`` (one update request)."""
        g, s = f"<{graph}>", f"<{subject}>"
        lines = " ".join(" ".join(ntriples(t) for t in triple) + " ." for triple in triples)
        self.update(
            f"DELETE WHERE {{ GRAPH {g} {{ {s} ?p ?o }} }} ;\n"
            f"INSERT DATA {{ GRAPH {g} {{ {lines} }} }}"
        )

    def dump(self, fmt: str) -> bytes:
        """Every quad of the named graphs as ``fmt`` (one CONSTRUCT per graph)."""
        quads: list[Any] = []
        for graph in self.graphs():
            result = self.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                row_limit=10**9,
                named_graphs=[graph],
            )
            node = ox.NamedNode(graph)
            quads += [ox.Quad(t.subject, t.predicate, t.object, node) for t in result.triples]
        return bytes(ox.serialize(quads, format=rdf_format(fmt)) or b"")

    def __len__(self) -> int:
        """The number of quads in the named graphs."""
        text = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        result = self.query(text, row_limit=1)
        cell = result.rows[0][0] if result.rows else None
        return int(cell.value) if cell is not None else 0

    def flush(self) -> None:
        """Nothing to do: the remote store commits each request."""

    def close(self) -> None:
        """Nothing to release."""


def _graph_blocks(quads: list[Quad]) -> str:
    """``GRAPH <g> { s p o . ... }`` blocks, one per graph, terms in N-Triples syntax."""
    by_graph: dict[str, list[str]] = {}
    for s, p, o, g in quads:
        by_graph.setdefault(g, []).append(f"{ntriples(s)} {ntriples(p)} {ntriples(o)} .")
    return " ".join(f"GRAPH <{g}> {{ {' '.join(lines)} }}" for g, lines in by_graph.items())


def _graph_format(media_type: str) -> Any:
    if media_type in ("text/turtle", "application/x-turtle"):
        return ox.RdfFormat.TURTLE
    if media_type == "application/rdf+xml":
        return ox.RdfFormat.RDF_XML
    return ox.RdfFormat.N_TRIPLES


__all__ = ["RemoteStore"]
