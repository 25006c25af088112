"""Linked-data pages: ``/id/<type>/<key>`` answers for the resource ``<base>id/<type>/<key>``
(and ``/graph/<name>`` for the named graph ``<base>graph/<name>``).

Browsers get a page for reading: the label as title, the types, the properties grouped and
shown by label, the nodes pointing here, and for the resource and each of those nodes its
evidence (source documents, quoted passages); claims that disagree side by side; the shape
results that apply. RDF clients get the statements as Turtle, N-Triples, JSON-LD or RDF/XML
by Accept or ``format=``. Every query runs through the guarded, isolated query workers.
"""

from __future__ import annotations

import re
import threading

from flask import Blueprint, Response, current_app, render_template, request

from kg.errors import BadRequest, NotFound
from kg.web.checks import PageChecks
from kg.web.evidence import claims, evidence
from kg.web.labels import Description, describe, local_link
from kg.web.negotiate import choose
from kg.web.reads import run, state
from kg.web.service import wants_html

blueprint = Blueprint("resources", __name__, template_folder="templates")

_KEY = re.compile(r"[A-Za-z0-9._~:@!$&'()*+,;=%/-]+")
_DESCRIBE = (
    "CONSTRUCT { ?resource ?p ?o . ?s ?q ?resource } "
    "WHERE { { ?resource ?p ?o } UNION { ?s ?q ?resource } }"
)
#: Label properties, most preferred first.
_LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
)
_checks_lock = threading.Lock()


def title_of(description: Description, fallback: str) -> str:
    """The resource's label (English first), else ``fallback``."""
    for prop in _LABELS:
        for group in description.outgoing:
            if group.prop.value == prop:
                values = sorted(group.values, key=lambda v: (v.lang not in ("en", None), v.value))
                return values[0].value
    return fallback


def page_checks() -> PageChecks:
    """This process's page checks (made on first use)."""
    app = current_app
    with _checks_lock:
        if "kg.page_checks" not in app.extensions:
            found = state()
            assert found.validation is not None
            limit = found.settings.max_triples
            app.extensions["kg.page_checks"] = PageChecks(
                found.validation, found.settings.shapes, limit
            )
        checks: PageChecks = app.extensions["kg.page_checks"]
        return checks


def render_page(iri: str, key: str) -> Response:
    """The HTML page of ``iri``.

    :raises NotFound: when nothing is known about it.
    """
    settings = state().settings
    description = describe(iri, local_link, settings.row_limit)
    if description.empty:
        raise NotFound(f"nothing is known about <{iri}>")
    found, cut = evidence(iri, local_link, settings.row_limit)
    version = state().access.version()
    html = render_template(
        "resource.html",
        iri=iri,
        label=title_of(description, key),
        description=description,
        evidence=found,
        evidence_cut=cut,
        claims=claims(iri, local_link),
        checks=page_checks().get(iri, version, settings.page_check_seconds),
    )
    return Response(html, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


@blueprint.route("/id/<path:key>")
def resource(key: str) -> Response:
    """One resource as HTML (browsers) or RDF (by Accept or ``format=``)."""
    return answer("id/", key)


@blueprint.route("/graph/<path:key>")
def graph(key: str) -> Response:
    """A named graph's own description (its load or contribution record), as for a
    resource; its content is for SPARQL (``GRAPH <...>``)."""
    return answer("graph/", key)


def answer(kind: str, key: str) -> Response:
    """The resource ``<base><kind><key>`` as HTML or RDF.

    :raises BadRequest: for a key that cannot be part of an IRI.
    :raises NotFound: when nothing is known about it.
    """
    if not _KEY.fullmatch(key):
        raise BadRequest("this is not a resource key")
    iri = state().settings.base_iri + kind + key
    names = request.args.getlist("format")
    if wants_html(request.accept_mimetypes) and not names:
        return render_page(iri, key)
    fmt = choose("construct", request.headers.get("Accept"), names)
    body, size = run(_DESCRIBE, fmt.key, resource=iri)
    if size == 0:
        raise NotFound(f"nothing is known about <{iri}>")
    headers = {"Vary": "Accept", "Access-Control-Allow-Origin": "*"}
    return Response(body, content_type=fmt.content_type, headers=headers)
