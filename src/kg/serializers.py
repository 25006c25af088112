"""Query results to bytes: SPARQL JSON, XML, CSV, TSV, a text table, and RDF graphs.

>>> from kg.results import QueryResult, Term
>>> r = QueryResult("select", ["x"], [(Term("literal", "1", "http://www.w3.org/2001/XMLSchema#integer"),)])
>>> serialize(r, "tsv")
b'?x\\n1\\n'
>>> serialize(QueryResult("ask", boolean=True), "json")
b'{"head":{},"boolean":true}'
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from kg.namespaces import PREFIXES
from kg.results import ASK, GRAPH_FORMS, QueryResult, Term, ntriples
from kg.store.rdfio import serialize_triples

_XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE_NUMBERS = {
    _XSD + "integer": re.compile(r"^[+-]?\d+$"),
    _XSD + "decimal": re.compile(r"^[+-]?\d*\.\d+$"),
    _XSD + "double": re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$"),
    _XSD + "boolean": re.compile(r"^(true|false)$"),
}


def serialize(result: QueryResult, fmt: str) -> bytes:
    """Serialize a result as ``fmt`` (a format key from :mod:`kg.formats`, or ``table``)."""
    if result.written is not None and result.written[0] == fmt:
        return result.written[1]
    if result.form in GRAPH_FORMS:
        return serialize_triples(result.triples, fmt, dict(PREFIXES))
    return _WRITERS[fmt](result)


# -- terms -------------------------------------------------------------------------------


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "literal" and term.datatype in _BARE_NUMBERS:
        if _BARE_NUMBERS[term.datatype].match(term.value):
            return term.value
    return ntriples(term)


def _json_term(term: Term) -> dict[str, object]:
    if term.kind == "triple" and term.parts:
        s, p, o = (_json_term(t) for t in term.parts)
        return {"type": "triple", "value": {"subject": s, "predicate": p, "object": o}}
    out: dict[str, object] = {"type": term.kind, "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = term.datatype
    return out


def _xml_term(term: Term) -> str:
    if term.kind == "uri":
        return f"<uri>{escape(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.kind == "triple" and term.parts:
        names = ("subject", "predicate", "object")
        inner = "".join(
            f"<{n}>{_xml_term(t)}</{n}>" for n, t in zip(names, term.parts, strict=True)
        )
        return f"<triple>{inner}</triple>"
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype:
        attrs = f" datatype={quoteattr(term.datatype)}"
    return f"<literal{attrs}>{_xml_text(term.value)}</literal>"


_EDGE_SPACE = {" ": "&#32;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}


def _xml_text(value: str) -> str:
    """Escape literal text so that XML parsers give it back unchanged: carriage returns and
    white space at either end as character references (parsers normalise or trim them)."""
    text = escape(value).replace("\r", "&#13;")
    stripped = text.strip(" \t\n")
    if stripped == text:
        return text
    start = text[: len(text) - len(text.lstrip(" \t\n"))]
    end = text[len(text.rstrip(" \t\n")) :] if stripped else ""
    core = text[len(start) : len(text) - len(end)] if stripped else ""
    return "".join(_EDGE_SPACE[c] for c in start) + core + "".join(_EDGE_SPACE[c] for c in end)


def _plain(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "bnode":
        return f"_:{term.value}"
    if term.kind == "triple":
        return ntriples(term)
    return term.value


# -- writers -----------------------------------------------------------------------------


def _json(result: QueryResult) -> bytes:
    if result.form == ASK:
        return json.dumps({"head": {}, "boolean": result.boolean}, separators=(",", ":")).encode()
    bindings = [
        {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    body = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _xml(result: QueryResult) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("</head>")
    if result.form == ASK:
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for var, term in zip(result.variables, row, strict=True):
                if term is not None:
                    out.append(f"<binding name={quoteattr(var)}>{_xml_term(term)}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "".join(out).encode()


def _csv(result: QueryResult) -> bytes:
    if result.form == ASK:
        return b"true" if result.boolean else b"false"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_plain(t) for t in row])
    return buffer.getvalue().encode()


def _tsv(result: QueryResult) -> bytes:
    if result.form == ASK:
        return b"true" if result.boolean else b"false"
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in result.rows]
    return ("\n".join(lines) + "\n").encode()


def _table(result: QueryResult) -> bytes:
    if result.form == ASK:
        return b"true\n" if result.boolean else b"false\n"
    cells = [[_plain(t) for t in row] for row in result.rows]
    widths = [len(v) for v in result.variables]
    for row in cells:
        widths = [max(w, min(len(c), 80)) for w, c in zip(widths, row, strict=True)]

    def line(values: list[str]) -> str:
        return "  ".join(v[:80].ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(result.variables), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    out.append(
        f"({len(cells)} row{'s' if len(cells) != 1 else ''}"
        f"{', truncated' if result.truncated else ''})"
    )
    return ("\n".join(out) + "\n").encode()


_WRITERS: dict[str, Callable[[QueryResult], bytes]] = {
    "json": _json,
    "xml": _xml,
    "csv": _csv,
    "tsv": _tsv,
    "table": _table,
}
