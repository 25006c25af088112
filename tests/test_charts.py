"""The charts over HTTP: each chart's rows come from its query and from the bundled data, its
SVG (drawn on the server) has one mark per row, its files agree, and a write shows at once."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import rdflib
import requests
from conftest import MAINTAINER_TOKEN, ROOT, Canary, Server

from kg.charts import CHARTS, chart
from kg.charts.render import svg

NAMES = [c.name for c in CHARTS]
SVG = "{http://www.w3.org/2000/svg}"
TP = rdflib.Namespace("https://w3id.org/tpkg/ontology#")


def get(server: Server, path: str) -> requests.Response:
    return requests.get(server.url + path, timeout=60)


def rows(server: Server, name: str) -> list[dict[str, Any]]:
    response = get(server, f"/charts/{name}.json")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def expected_tsv(name: str) -> list[dict[str, str]]:
    """An example query's expected answer (checked against the data by its own test), with
    each term's lexical form."""
    lines = (ROOT / "queries" / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
    header = [v.lstrip("?") for v in lines[0].split("\t")]
    lexical = re.compile(r'^"(.*)"(?:@\w+|\^\^<[^>]+>)?$')
    return [
        {k: lexical.sub(r"\1", v) for k, v in zip(header, line.split("\t"), strict=True)}
        for line in lines[1:]
    ]


def data_marks(svg_text: str) -> list[str]:
    """The accessible labels of the marks in a chart's data layer (one per drawn row)."""
    root = ET.fromstring(svg_text)
    groups = [g for g in root.iter(SVG + "g") if "data_marks" in g.get("class", "").split()]
    assert len(groups) == 1, "one data layer per chart"
    return [mark.get("aria-label", "") for mark in groups[0]]


@pytest.mark.parametrize("name", NAMES)
def test_chart_rows_are_its_query_answered_by_the_endpoint(server: Server, name: str) -> None:
    found = chart(name)
    answer = requests.post(server.endpoint, data={"query": found.query}, timeout=60)
    answer.raise_for_status()
    assert rows(server, name) == found.rows(answer.json()["results"]["bindings"])
    assert rows(server, name), "every chart has data over the bundled data"


@pytest.mark.parametrize("name", NAMES)
def test_server_svg_has_one_mark_per_data_row(server: Server, name: str) -> None:
    response = get(server, f"/charts/{name}.svg")
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    labels = data_marks(response.text)
    assert Counter(labels) == Counter(row["label"] for row in rows(server, name))


@pytest.mark.parametrize("name", NAMES)
def test_spec_inlines_the_data_rows(server: Server, name: str) -> None:
    spec = get(server, f"/charts/{name}.vl.json").json()
    assert spec["$schema"].endswith("/vega-lite/v6.json")
    assert spec["data"] == {"values": rows(server, name)}


@pytest.mark.parametrize("name", NAMES)
def test_csv_download_holds_the_same_rows(server: Server, name: str) -> None:
    response = get(server, f"/charts/{name}.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    as_text = [{k: "" if v is None else str(v) for k, v in r.items()} for r in rows(server, name)]
    assert table == as_text


@pytest.mark.parametrize("name", NAMES)
def test_the_query_behind_a_chart_is_one_click_away(server: Server, name: str) -> None:
    page = get(server, f"/charts/{name}").text
    link = unescape(re.search(r'class="query-link" href="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    assert urlsplit(link).path == "/query"
    assert parse_qs(urlsplit(link).query)["query"] == [chart(name).query]
    assert get(server, f"/charts/{name}.rq").text == chart(name).query


def test_the_index_shows_every_chart_drawn_on_the_server(server: Server) -> None:
    page = get(server, "/charts").text
    drawings = re.findall(
        r'<div class="chart-drawing" id="chart-([^"]+)"[^>]*>(<svg.*?</svg>)', page
    )
    assert [name for name, _ in drawings] == NAMES
    for name, svg_text in drawings:
        assert len(data_marks(svg_text)) == len(rows(server, name))


def test_upr_chart_counts_every_upr_recommendation(server: Server) -> None:
    graph = rdflib.Graph().parse(ROOT / "data/turtle/upr/upr-info.ttl")
    made = Counter(
        (str(response).rsplit("/", 1)[-1], int(graph.value(rec, TP.uprSession)))
        for rec, response in graph.subject_objects(TP.response)
    )
    shown: Counter[tuple[str, int]] = Counter()
    for row in rows(server, "upr-responses"):
        shown[(row["response"], row["session"])] += row["recommendations"]
    assert shown == made and shown.total() == len(set(graph.subjects(TP.uprSession, None)))


def test_case_count_chart_holds_the_observations_of_q04(server: Server) -> None:
    shown = {
        (r["state"], r["periodStart"], str(r["count"]), r["qualifier"])
        for r in rows(server, "ngo-case-counts")
    }
    expected = {
        (r["state"], r["periodStart"], r["count"], r["qualifier"])
        for r in expected_tsv("q04-case-counts")
    }
    assert shown == expected


def test_timeline_has_a_dot_for_each_party_year_of_q36(server: Server) -> None:
    expected = {
        (r["code"], treaty, r[f"{treaty.lower()}Year"])
        for r in expected_tsv("q36-osce-cat-opcat-timeline")
        for treaty in ("CAT", "OPCAT")
        if r[f"{treaty.lower()}Year"]
    }
    shown = {
        (r["code"], r["treaty"], str(r["year"])) for r in rows(server, "ratification-timeline")
    }
    assert shown == expected


def test_theme_chart_has_the_themes_of_q26(server: Server) -> None:
    per_theme = {
        r["theme"]: int(r["recommendations"]) for r in expected_tsv("q26-recommendations-per-theme")
    }
    shown: dict[str, list[int]] = {}
    for row in rows(server, "recommendations-by-state-theme"):
        shown.setdefault(row["theme"], []).append(row["recommendations"])
    assert set(shown) == set(per_theme)
    assert all(max(c) <= per_theme[t] <= sum(c) for t, c in shown.items())


@pytest.mark.parametrize(
    "path", ["/charts/no-such-chart", "/charts/no-such-chart.svg", "/charts/upr-responses.png"]
)
def test_an_unknown_chart_or_file_is_a_404_in_the_error_shape(server: Server, path: str) -> None:
    response = get(server, path)
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not-found"


OBSERVATION = """
PREFIX tp: <https://w3id.org/tpkg/ontology#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX dct: <http://purl.org/dc/terms/>
INSERT DATA { GRAPH <https://example.org/test/charts> {
  <https://example.org/test/observation> a qb:Observation ;
    qb:dataSet <https://w3id.org/tpkg/id/dataset/ngo-case-counts> ;
    tp:state <https://w3id.org/tpkg/id/state/TJK> ;
    tp:refPeriod <https://w3id.org/tpkg/id/period/since-2016-01> ;
    tp:caseCount 4242 ;
    tp:countQualifier <https://w3id.org/tpkg/id/count-qualifier/as-stated> ;
    dct:source <https://w3id.org/tpkg/id/document/hfhr-hdim-2016-statement> .
} }
"""


def update(server: Server, text: str) -> None:
    auth = {"Authorization": f"Bearer {MAINTAINER_TOKEN}"}
    requests.post(
        server.update_endpoint, data={"update": text}, headers=auth, timeout=60
    ).raise_for_status()


def test_a_write_shows_in_the_chart_at_once(maintainer: Server) -> None:
    assert 4242 not in [r["count"] for r in rows(maintainer, "ngo-case-counts")]
    assert "4242" not in get(maintainer, "/charts/ngo-case-counts.svg").text
    update(maintainer, OBSERVATION)
    try:
        assert 4242 in [r["count"] for r in rows(maintainer, "ngo-case-counts")]
        assert "Tajikistan, since January 2016: 4242 cases" in data_marks(
            get(maintainer, "/charts/ngo-case-counts.svg").text
        )
    finally:
        update(maintainer, "DROP GRAPH <https://example.org/test/charts>")


def test_the_server_side_renderer_loads_no_url(canary: Canary) -> None:
    spec = {"data": {"url": canary.url + "/rows.json"}, "mark": "point"}
    script = "import json, sys; from kg.charts.render import svg; svg(json.loads(sys.argv[1]))"
    # In a process of its own: the renderer holds this interpreter while it loads a URL.
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(spec)], capture_output=True, text=True, timeout=60
    )
    assert canary.hits == []
    assert done.returncode != 0 and "not allowed" in done.stderr


def test_markup_in_the_data_stays_text_in_the_svg_the_page_inlines() -> None:
    found = chart("ngo-case-counts")
    row = dict.fromkeys(found.columns, "x") | {"state": '"><script>alert(1)</script>', "count": 3}
    drawn = svg(
        found.spec(found.rows([{k: {"type": "literal", "value": str(v)} for k, v in row.items()}]))
    )
    assert "<script" not in drawn
    assert data_marks(drawn) == ['"><script>alert(1)</script>, x: 3 cases']
