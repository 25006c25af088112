"""``/contribute``: a form to paste or upload Turtle or JSON-LD, read its SHACL report as a
list, and with a token store it; works without JavaScript.

``POST /contribute`` runs the same code as the JSON endpoints: the validation is a
:class:`~kg.validation.task.PayloadCheck` in the validation gateway (as ``/validate``; its
labelled form names each focus node), and a submission is :func:`kg.contributions.contribute`
(as ``POST /contributions``), with the same token check, audit line and refresh of readers.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request

from kg.contributions import Receipt
from kg.errors import BadRequest, KgError, PayloadTooLarge
from kg.errors import ValidationFailed as Failed
from kg.validation import Limits
from kg.validation.labelled import Labelled, LabelledCheck
from kg.web.contributions import authorize, store
from kg.web.labels import short
from kg.web.validate import access, gateway

blueprint = Blueprint("contribute_page", __name__, template_folder="templates")

#: Formats the form offers: key -> what people call it.
FORMATS = {"turtle": "Turtle", "jsonld": "JSON-LD"}
SEVERITIES = ("Violation", "Warning", "Info")


def payload() -> tuple[bytes, str]:
    """The posted data (the uploaded file if one was chosen, else the text box) and its format.

    :raises BadRequest: for no data or an unknown format.
    :raises PayloadTooLarge: over ``max_contribution_bytes``.
    """
    limit = access().settings.max_contribution_bytes
    upload = request.files.get("file")
    data = upload.stream.read(limit + 1) if upload and upload.filename else b""
    data = data or request.form.get("data", "").encode("utf-8")
    if len(data) > limit:
        raise PayloadTooLarge(f"the data is larger than {limit} bytes")
    if not data.strip():
        raise BadRequest("paste the data or choose a file")
    fmt = request.form.get("format", "turtle")
    if fmt not in FORMATS:
        raise BadRequest(f"format must be one of {', '.join(FORMATS)}")
    return data, fmt


def labelled_check(body: tuple[bytes, str]) -> Labelled:
    """Validate ``body`` in context in the validation gateway, naming the focus nodes."""
    settings = access().settings
    task = LabelledCheck(body[0], body[1], Limits.of(settings), settings.shapes)
    found: Labelled = gateway().run(task)
    return found


def submit(body: tuple[bytes, str]) -> Receipt:
    """Store ``body`` as ``POST /contributions`` does (token, check, write, audit, refresh).

    :raises ValidationFailed: when it does not conform (nothing is written).
    """
    token = request.form.get("token", "").strip() or None
    name = authorize("kg.tokens", "contributing", token, "")
    return store(body, name, request.form.get("source", "").strip() or None)


def report_items(found: Labelled) -> list[dict[str, Any]]:
    """The results as people read them: Violations, then Warnings, then the rest."""
    order = {name: i for i, name in enumerate(SEVERITIES)}
    items = [
        {
            "severity": r.severity,
            "focus": r.focus,
            "label": found.labels.get(r.focus, ""),
            "message": r.message,
            "path": short(r.path) if r.path else "",
            "value": short(r.value) if r.value else "",
        }
        for r in found.verdict.results
    ]
    return sorted(items, key=lambda i: (order.get(i["severity"], 9), i["label"] or i["focus"]))


def page(status: int = 200, **shown: Any) -> Response:
    """The form page, with what the last post showed (never the token)."""
    form = {"data": request.form.get("data", ""), "format": request.form.get("format", "turtle")}
    html = render_template(
        "contribute.html", page="contribute", formats=FORMATS, form=form, short=short, **shown
    )
    return Response(html, status, content_type="text/html; charset=utf-8")


@blueprint.route("/contribute", methods=["GET"])
def form() -> Response:
    """The empty form."""
    return page()


@blueprint.route("/contribute", methods=["POST"])
def post() -> Response:
    """Validate (``action=validate``) or store (``action=submit``) the posted data."""
    try:
        body = payload()
        if request.form.get("action") == "submit":
            try:
                return page(201, receipt=submit(body))
            except Failed:
                found = labelled_check(body)
                return page(report=found, items=report_items(found), refused=True)
        found = labelled_check(body)
        return page(report=found, items=report_items(found))
    except KgError as exc:
        # The form again with the reason: feedback on a form, not an HTTP error.
        return page(error=exc)
