"""Build the ontology documentation: ontology/tpkg.ttl -> docs/ontology.html (with pyLODE).

Run from anywhere: ``.venv/bin/python docs/build.py`` (optional arguments: input and output
paths). Needs ``pylode==3.2.1`` (3.4.1 fails at import when installed from a wheel).
"""

import sys
from pathlib import Path

from pylode import OntPub

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT / "ontology" / "tpkg.ttl"
DEFAULT_TARGET = ROOT / "docs" / "ontology.html"


def build(source: Path = DEFAULT_SOURCE, target: Path = DEFAULT_TARGET) -> Path:
    """Render the ontology in ``source`` as HTML into ``target`` and return ``target``.

    :param source: Turtle file of the ontology.
    :param target: HTML file to write; its folder is created if missing.
    """
    html = OntPub(ontology=str(source)).make_html()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return target


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:3]]
    print(build(*args))
