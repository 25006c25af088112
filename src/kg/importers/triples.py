r"""An import's output as N-Triples lines: the container the importers fill, validate and write.

An rdflib ``Graph`` indexes every triple three ways as it is added (about 15 µs a triple); an
import only adds, then validates, then writes, so :class:`Triples` keeps each triple once as
its N-Triples line (rdflib terms in, about 2 µs a triple), with the IRI subjects for the
validation's focus nodes. The lines go as they are to the validator and the store's bulk
loader; :meth:`Triples.to_graph` parses them with rdflib where a graph is wanted (Turtle
output, tests, the other importers' lookups).

>>> t = Triples()
>>> t.add((URIRef("urn:x:a"), URIRef("urn:x:says"), Literal('"hi"\n', lang="en")))
>>> print(t.ntriples().decode(), end="")
<urn:x:a> <urn:x:says> "\"hi\"\n"@en .
>>> len(t), sorted(t.subjects())
(1, [rdflib.term.URIRef('urn:x:a')])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = ["ImportData", "Triples", "as_triples", "nt_iri", "nt_literal", "nt_term"]

#: Characters an N-Triples IRIREF cannot hold unescaped (the grammar's exclusions).
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_iri(value: str) -> str:
    """The IRI ``value`` as N-Triples writes it, ``<value>``.

    :raises ValueError: for a character N-Triples does not allow in an IRI.
    """
    if _BAD_IRI.search(value):
        raise ValueError(f"not an IRI N-Triples can write: {str(value)!r}")
    return f"<{value}>"


def nt_literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal as N-Triples writes it: ``text`` escaped, then ``@lang`` or ``^^<datatype>``
    (neither: an ``xsd:string``)."""
    quoted = f'"{text.translate(_ESCAPES)}"'
    if lang:
        return f"{quoted}@{lang}"
    if datatype is not None:
        return f"{quoted}^^{nt_iri(datatype)}"
    return quoted


def nt_term(term: Node) -> str:
    """``term`` as N-Triples writes it (IRIs checked, literals escaped).

    :raises ValueError: for an IRI with a character N-Triples does not allow, or another term.
    """
    if isinstance(term, URIRef):
        return nt_iri(term)
    if isinstance(term, Literal):
        datatype = None if term.datatype is None else str(term.datatype)
        return nt_literal(str(term), term.language, datatype)
    if isinstance(term, BNode):
        return f"_:{term}"
    raise ValueError(f"not an RDF term: {term!r}")


class Triples:
    """A set of triples as N-Triples lines grouped by subject (in the order first added), and
    the prefixes a Turtle rendering should use."""

    def __init__(self) -> None:
        #: subject (N-Triples form) -> {line: its object (N-Triples form)}
        self._groups: dict[str, dict[str, str]] = {}
        self._count = 0
        self._blank = False
        self.prefixes: dict[str, str] = {}

    @classmethod
    def from_graph(cls, graph: Graph) -> Triples:
        """The triples and prefix bindings of ``graph``."""
        out = cls()
        for prefix, iri in graph.namespaces():
            out.bind(prefix, str(iri))
        out.update(graph)
        return out

    def bind(self, prefix: str, iri: str) -> None:
        """Use ``prefix`` for ``iri`` in Turtle renderings."""
        self.prefixes[prefix] = str(iri)

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        """Add one triple (``(subject, predicate, object)`` rdflib terms); a repeat is kept once.

        :raises ValueError: for a term N-Triples cannot write.
        """
        s, p, o = triple
        self.add_nt(nt_term(s), nt_term(p), nt_term(o))

    def add_nt(self, s: str, p: str, o: str) -> None:
        """Add one triple of terms already in N-Triples form (:func:`nt_iri`,
        :func:`nt_literal`): the fast way for an importer's many rows."""
        group = self._groups.get(s)
        if group is None:
            group = self._groups[s] = {}
            self._blank = self._blank or s[0] == "_"
        line = f"{s} {p} {o} .\n"
        if line not in group:
            group[line] = o
            self._count += 1
            self._blank = self._blank or o[0] == "_"

    def update(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        """Add each of ``triples``."""
        for triple in triples:
            self.add(triple)

    def remove_subject(self, subject: URIRef) -> int:
        """Remove every triple whose subject is ``subject``; how many were removed."""
        removed = len(self._groups.pop(nt_term(subject), {}))
        self._count -= removed
        return removed

    def remove_object(self, value: URIRef) -> int:
        """Remove every triple whose object is ``value``; how many were removed."""
        target, removed = nt_term(value), 0
        for subject, group in list(self._groups.items()):
            for line in [line for line, o in group.items() if o == target]:
                del group[line]
                removed += 1
            if not group:
                del self._groups[subject]
        self._count -= removed
        return removed

    def subjects(self) -> set[URIRef]:
        """The IRIs that are the subject of a triple."""
        return {URIRef(s[1:-1]) for s in self._groups if s[0] == "<"}

    def has_blank_nodes(self) -> bool:
        """Whether a triple names a blank node (one removed since may still count)."""
        return self._blank

    def parts(self, subjects: list[URIRef], size: int) -> Iterator[tuple[bytes, list[URIRef]]]:
        """``subjects`` ``size`` at a time, each part as N-Triples: the triples of its
        subjects, of the IRIs their objects name (context) and of the blank nodes."""
        groups = self._groups
        blank = [line for key, group in groups.items() if key[0] == "_" for line in group]
        for start in range(0, len(subjects), size):
            chosen = subjects[start : start + size]
            out = list(blank)
            for subject in chosen:
                own = groups.get(nt_term(subject), {})
                out += own
                for value in own.values():
                    if value[0] == "<" and value in groups:
                        out += groups[value]
            yield "".join(out).encode("utf-8"), chosen

    def ntriples(self) -> bytes:
        """The triples as an N-Triples document (UTF-8)."""
        return "".join(line for group in self._groups.values() for line in group).encode("utf-8")

    def to_graph(self) -> Graph:
        """The triples parsed into an rdflib ``Graph`` with the prefixes bound."""
        graph = Graph()
        for prefix, iri in self.prefixes.items():
            graph.bind(prefix, iri)
        if self._count:
            graph.parse(data=self.ntriples().decode("utf-8"), format="nt")
        return graph

    def __len__(self) -> int:
        return self._count

    def __contains__(self, triple: object) -> bool:
        if not isinstance(triple, tuple) or len(triple) != 3:
            return False
        s, p, o = (nt_term(term) for term in triple)
        return f"{s} {p} {o} .\n" in self._groups.get(s, {})


#: What an importer hands to the checks and the writer: its triples, or an rdflib graph.
ImportData = Graph | Triples


def as_triples(data: ImportData) -> Triples:
    """``data`` as :class:`Triples` (a graph is converted; triples are returned as they are)."""
    return data if isinstance(data, Triples) else Triples.from_graph(data)
