"""Linked-data pages: ``/id/<type>/<key>`` answers for the resource ``<base>id/<type>/<key>``.

Browsers get an HTML page of the resource's statements (outgoing and incoming, with links);
RDF clients get the same statements as Turtle, N-Triples, JSON-LD or RDF/XML by Accept or
``format=``. Both run through the guarded, isolated query workers.
"""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, render_template, request

from kg.errors import BadRequest, NotFound
from kg.web.negotiate import choose
from kg.web.reads import run, state
from kg.web.service import wants_html

blueprint = Blueprint("resources", __name__, template_folder="templates")

_KEY = re.compile(r"[A-Za-z0-9._~:@!$&'()*+,;=%/-]+")
_DESCRIBE = (
    "CONSTRUCT { ?resource ?p ?o . ?s ?q ?resource } "
    "WHERE { { ?resource ?p ?o } UNION { ?s ?q ?resource } }"
)
_TABLE = (
    "SELECT ?resource ?p ?o ?s ?q "
    "WHERE { { ?resource ?p ?o } UNION { ?s ?q ?resource } } ORDER BY ?p ?o ?q ?s"
)
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def local_link(value: str) -> str | None:
    """The path this server answers for an IRI under the base (``/id/...``), if any."""
    base = state().settings.base_iri + "id/"
    return "/id/" + value[len(base) :] if value.startswith(base) else None


def _rows(body: bytes) -> tuple[list[dict[str, dict[str, str]]], list[dict[str, dict[str, str]]]]:
    bindings = json.loads(body)["results"]["bindings"]
    return [b for b in bindings if "p" in b], [b for b in bindings if "q" in b]


@blueprint.route("/id/<path:key>")
def resource(key: str) -> Response:
    """One resource as HTML (browsers) or RDF (by Accept or ``format=``)."""
    if not _KEY.fullmatch(key):
        raise BadRequest("this is not a resource key")
    iri = state().settings.base_iri + "id/" + key
    names = request.args.getlist("format")
    if wants_html(request.accept_mimetypes) and not names:
        body, size = run(_TABLE, "json", resource=iri)
        if size == 0:
            raise NotFound(f"nothing is known about <{iri}>")
        outgoing, incoming = _rows(body)
        label = next((r["o"]["value"] for r in outgoing if r["p"]["value"] == _LABEL), key)
        html = render_template(
            "resource.html",
            iri=iri,
            label=label,
            outgoing=outgoing,
            incoming=incoming,
            local=local_link,
        )
        return Response(html, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
    fmt = choose("construct", request.headers.get("Accept"), names)
    body, size = run(_DESCRIBE, fmt.key, resource=iri)
    if size == 0:
        raise NotFound(f"nothing is known about <{iri}>")
    headers = {"Vary": "Accept", "Access-Control-Allow-Origin": "*"}
    return Response(body, content_type=fmt.content_type, headers=headers)
