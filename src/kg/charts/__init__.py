"""Charts where a picture beats a list: each is a SPARQL query (``queries/<name>.rq``), a
function turning its SELECT bindings into data rows, and a Vega-Lite spec with the rows
inlined. No Flask here: ``kg.web.charts`` serves them, draws them to SVG on the server
(:func:`kg.charts.render.svg`) and lets the browser draw them with vega-embed.
"""

from kg.charts.catalog import CHARTS, chart
from kg.charts.model import Binding, Chart, Row, Spec

__all__ = ["CHARTS", "Binding", "Chart", "Row", "Spec", "chart"]
