"""Seeded synthetic data in the shape of the torture-prevention graph, for benchmarks.

The data mimics the project's domain: OSCE participating States, a SKOS theme scheme, treaty
bodies and NGOs, UN documents (concluding observations, UPR reports) and NGO statements, the
recommendations they contain, and RDF Data Cube observations of registered torture cases.
Resources use ``https://w3id.org/tpkg/id/<type>/<key>`` and the ``tp:`` ontology namespace.

Output is N-Triples, one triple a line, written in a fixed order: the same ``(n_triples, seed)``
always gives the same bytes. A JSON manifest next to the data file records the counts and a
sample of IRIs that benchmark queries can use.

    python bench/synth.py --triples 100000 --seed 42 --out bench/.cache/synth-100k.nt
"""

from __future__ import annotations

import argparse
import json
import os
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

#: Bump when the shape of the output changes, so that cached files are regenerated.
GENERATOR_VERSION = 2

#: How many recommendation IRIs the manifest lists for lookups that must not repeat often.
MANY = 1024

DEFAULT_CACHE_DIR = Path(__file__).resolve().parent / ".cache"

ID = "https://w3id.org/tpkg/id/"
TP = "https://w3id.org/tpkg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
QB = "http://purl.org/linked-data/cube#"
SCHEMA = "http://schema.org/"

#: The 57 OSCE participating States: ISO 3166 alpha-3 code and English name.
STATES: tuple[tuple[str, str], ...] = (
    ("ALB", "Albania"),
    ("AND", "Andorra"),
    ("ARM", "Armenia"),
    ("AUT", "Austria"),
    ("AZE", "Azerbaijan"),
    ("BLR", "Belarus"),
    ("BEL", "Belgium"),
    ("BIH", "Bosnia and Herzegovina"),
    ("BGR", "Bulgaria"),
    ("CAN", "Canada"),
    ("HRV", "Croatia"),
    ("CYP", "Cyprus"),
    ("CZE", "Czechia"),
    ("DNK", "Denmark"),
    ("EST", "Estonia"),
    ("FIN", "Finland"),
    ("FRA", "France"),
    ("GEO", "Georgia"),
    ("DEU", "Germany"),
    ("GRC", "Greece"),
    ("VAT", "Holy See"),
    ("HUN", "Hungary"),
    ("ISL", "Iceland"),
    ("IRL", "Ireland"),
    ("ITA", "Italy"),
    ("KAZ", "Kazakhstan"),
    ("KGZ", "Kyrgyzstan"),
    ("LVA", "Latvia"),
    ("LIE", "Liechtenstein"),
    ("LTU", "Lithuania"),
    ("LUX", "Luxembourg"),
    ("MLT", "Malta"),
    ("MDA", "Moldova"),
    ("MCO", "Monaco"),
    ("MNG", "Mongolia"),
    ("MNE", "Montenegro"),
    ("NLD", "Netherlands"),
    ("MKD", "North Macedonia"),
    ("NOR", "Norway"),
    ("POL", "Poland"),
    ("PRT", "Portugal"),
    ("ROU", "Romania"),
    ("RUS", "Russian Federation"),
    ("SMR", "San Marino"),
    ("SRB", "Serbia"),
    ("SVK", "Slovakia"),
    ("SVN", "Slovenia"),
    ("ESP", "Spain"),
    ("SWE", "Sweden"),
    ("CHE", "Switzerland"),
    ("TJK", "Tajikistan"),
    ("TUR", "Türkiye"),
    ("TKM", "Turkmenistan"),
    ("UKR", "Ukraine"),
    ("GBR", "United Kingdom"),
    ("USA", "United States of America"),
    ("UZB", "Uzbekistan"),
)

#: Wikidata entities that the domain brief lists; other States get none.
WIKIDATA = {"KAZ": "Q232", "KGZ": "Q813", "TJK": "Q863"}

#: States that most recommendations address (the first data covers these three).
FOCUS_STATES = ("KAZ", "KGZ", "TJK")
FOCUS_WEIGHT = 8

THEMES: tuple[str, ...] = (
    "statute of limitations",
    "amnesty",
    "custody safeguards",
    "medical documentation",
    "compensation",
    "national preventive mechanism",
    "non-refoulement",
    "statistics",
    "investigation",
    "definition of torture",
    "conditions of detention",
    "access to a lawyer",
    "complaints mechanism",
    "rehabilitation",
    "training of officials",
    "inadmissible evidence",
    "extradition",
    "deaths in custody",
    "juvenile justice",
    "psychiatric institutions",
    "military hazing",
    "independent monitoring",
    "judicial independence",
    "human rights defenders",
)

#: Treaty bodies and other UN recommending bodies: key and name.
BODIES: tuple[tuple[str, str], ...] = (
    ("CAT", "Committee against Torture"),
    ("CCPR", "Human Rights Committee"),
    ("SPT", "Subcommittee on Prevention of Torture"),
    ("CEDAW", "Committee on the Elimination of Discrimination against Women"),
    ("CRC", "Committee on the Rights of the Child"),
    ("HRC", "Human Rights Council"),
)
TREATY_BODIES = ("CAT", "CCPR", "CEDAW", "CRC")
N_NGOS = 20

VERBS = (
    "Ensure that",
    "Take effective measures so that",
    "Amend legislation so that",
    "Guarantee in law and in practice that",
    "Establish a mechanism so that",
)
CLAIMS = (
    "all allegations concerning {t} are examined promptly and impartially",
    "the rules on {t} meet international standards",
    "officials receive regular guidance on {t}",
    "victims are informed of their rights regarding {t}",
    "data on {t} are collected and published every year",
)


@dataclass
class Counts:
    """What the generator wrote, for the manifest."""

    triples: int = 0
    entities: dict[str, int] = field(default_factory=dict)

    def bump(self, kind: str) -> None:
        """Count one more entity of ``kind``."""
        self.entities[kind] = self.entities.get(kind, 0) + 1


def iri(path: str) -> str:
    """A resource IRI under ``https://w3id.org/tpkg/id/``, in N-Triples form."""
    return f"<{ID}{path}>"


def term(namespace: str, local: str) -> str:
    """A vocabulary IRI in N-Triples form."""
    return f"<{namespace}{local}>"


def literal(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    """An N-Triples literal with escaping."""
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{XSD}{datatype}>'
    return f'"{escaped}"'


def slug(text: str) -> str:
    """A readable key: lower case, words joined by hyphens."""
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


A = term(RDF, "type")
Triple = tuple[str, str, str]


def scheme_triples() -> Iterator[Triple]:
    """The theme concept scheme and its concepts."""
    scheme = iri("scheme/themes")
    yield scheme, A, term(SKOS, "ConceptScheme")
    yield scheme, term(SKOS, "prefLabel"), literal("Torture prevention themes", lang="en")
    for label in THEMES:
        concept = iri(f"theme/{slug(label)}")
        yield concept, A, term(SKOS, "Concept")
        yield concept, term(SKOS, "inScheme"), scheme
        yield concept, term(SKOS, "prefLabel"), literal(label, lang="en")
        yield concept, term(SKOS, "notation"), literal(slug(label))


def state_triples() -> Iterator[Triple]:
    """The States, with their ISO code and label."""
    for code, name in STATES:
        state = iri(f"state/{code}")
        yield state, A, term(TP, "State")
        yield state, term(SKOS, "notation"), literal(code)
        yield state, term(RDFS, "label"), literal(name, lang="en")
        if code in WIKIDATA:
            yield state, term(OWL, "sameAs"), f"<http://www.wikidata.org/entity/{WIKIDATA[code]}>"


def actor_triples() -> Iterator[Triple]:
    """Recommending bodies and NGOs, and the data set that holds case counts."""
    for key, name in BODIES:
        body = iri(f"body/{key}")
        yield body, A, term(ORG, "FormalOrganization")
        yield body, term(SKOS, "prefLabel"), literal(name, lang="en")
        yield body, term(SKOS, "notation"), literal(key)
    for number in range(1, N_NGOS + 1):
        ngo = iri(f"ngo/ngo-{number:02d}")
        yield ngo, A, term(ORG, "FormalOrganization")
        yield ngo, term(SKOS, "prefLabel"), literal(f"NGO coalition {number:02d}", lang="en")
        yield ngo, term(TP, "kind"), literal("NGO")
    dataset = iri("dataset/case-counts")
    yield dataset, A, term(QB, "DataSet")
    yield dataset, term(RDFS, "label"), literal("Torture cases registered by NGOs", lang="en")


class Generator:
    """Draws documents, recommendations and observations from one seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.codes = [code for code, _ in STATES]
        self.weights = [FOCUS_WEIGHT if c in FOCUS_STATES else 1 for c in self.codes]
        self.report_numbers: dict[tuple[str, str], int] = {}
        self.ngo_statements = 0
        self.upr_reports = 0
        self.observations = 0
        self.recommendations: list[str] = []
        self.documents: list[str] = []

    def state(self) -> str:
        """An addressee State, drawn with more weight on the focus States."""
        return self.rng.choices(self.codes, weights=self.weights)[0]

    def date(self) -> str:
        """A day between 1995 and 2025."""
        year = self.rng.randint(1995, 2025)
        return f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def document(self) -> tuple[str, str, str, str, str]:
        """Draw a document: (kind, symbol, addressee code, date, recommending actor IRI)."""
        code, date = self.state(), self.date()
        kind = self.rng.choices(("CO", "UPR", "NGO"), weights=(4, 4, 2))[0]
        if kind == "CO":
            body = self.rng.choice(TREATY_BODIES)
            number = self.report_numbers.get((body, code), 0) + 1
            self.report_numbers[(body, code)] = number
            return kind, f"{body}/C/{code}/CO/{number}", code, date, iri(f"body/{body}")
        if kind == "UPR":
            self.upr_reports += 1
            session = self.rng.randint(1, 60)
            return kind, f"A/HRC/{session}/{self.upr_reports}", code, date, iri("body/HRC")
        self.ngo_statements += 1
        ngo = iri(f"ngo/ngo-{self.rng.randint(1, N_NGOS):02d}")
        return kind, f"HDIM.NGO/{self.ngo_statements:04d}/{date[2:4]}", code, date, ngo

    def document_triples(self, symbol: str, code: str, date: str, creator: str) -> list[Triple]:
        """The triples that describe one document."""
        doc = iri(f"document/{slug(symbol).upper()}")
        self.documents.append(doc[1:-1])
        return [
            (doc, A, term(TP, "Document")),
            (doc, term(DCT, "identifier"), literal(symbol)),
            (doc, term(DCT, "date"), literal(date, "date")),
            (doc, term(DCT, "creator"), creator),
            (doc, term(TP, "state"), iri(f"state/{code}")),
        ]

    def recommendation_triples(
        self, kind: str, symbol: str, code: str, actor: str, paragraph: int
    ) -> list[Triple]:
        """The triples that describe one recommendation of a document."""
        rec = iri(f"recommendation/{slug(symbol).upper()}-para-{paragraph}")
        self.recommendations.append(rec[1:-1])
        themes = self.rng.sample(THEMES, self.rng.choices((1, 2, 3), weights=(4, 4, 2))[0])
        text = f"{self.rng.choice(VERBS)} {self.rng.choice(CLAIMS).format(t=themes[0])}."
        if kind == "UPR":
            recommender = iri(f"state/{self.rng.choice([c for c in self.codes if c != code])}")
        else:
            recommender = actor
        triples = [
            (rec, A, term(TP, "Recommendation")),
            (rec, term(TP, "text"), literal(text, lang="en")),
            (rec, term(TP, "paragraph"), literal(str(paragraph), "integer")),
            (rec, term(TP, "addressee"), iri(f"state/{code}")),
            (rec, term(TP, "recommendedBy"), recommender),
            (rec, term(DCT, "source"), iri(f"document/{slug(symbol).upper()}")),
        ]
        triples += [(rec, term(TP, "theme"), iri(f"theme/{slug(t)}")) for t in themes]
        if kind == "UPR":
            response = self.rng.choices(("accepted", "noted"), weights=(7, 3))[0]
            triples.append((rec, term(TP, "response"), literal(response)))
        return triples

    def observation_triples(self) -> list[Triple]:
        """A qb:Observation: cases a coalition registered in a State in one year."""
        self.observations += 1
        code, year = self.state(), self.rng.randint(2000, 2025)
        obs = iri(f"observation/{code}-{year}-{self.observations}")
        return [
            (obs, A, term(QB, "Observation")),
            (obs, term(QB, "dataSet"), iri("dataset/case-counts")),
            (obs, term(TP, "state"), iri(f"state/{code}")),
            (obs, term(TP, "period"), literal(str(year), "gYear")),
            (obs, term(TP, "registeredBy"), iri(f"ngo/ngo-{self.rng.randint(1, N_NGOS):02d}")),
            (obs, term(TP, "count"), literal(str(self.rng.randint(0, 400)), "integer")),
        ]

    def entities(self) -> Iterator[tuple[str, list[Triple]]]:
        """An endless stream of (kind, triples): documents with their recommendations, and
        about one observation for every two documents."""
        while True:
            kind, symbol, code, date, actor = self.document()
            yield "document", self.document_triples(symbol, code, date, actor)
            for paragraph in range(1, self.rng.randint(3, 30) + 1):
                yield (
                    "recommendation",
                    self.recommendation_triples(kind, symbol, code, actor, paragraph),
                )
            if self.rng.random() < 0.5:
                yield "observation", self.observation_triples()


def write_triples(out: TextIO, triples: Iterable[Triple]) -> int:
    """Write triples as N-Triples lines; return how many."""
    n = 0
    for s, p, o in triples:
        out.write(f"{s} {p} {o} .\n")
        n += 1
    return n


def default_path(n_triples: int, seed: int, cache_dir: Path = DEFAULT_CACHE_DIR) -> Path:
    """Where the cache keeps the file for ``(n_triples, seed)``."""
    return cache_dir / f"synth-v{GENERATOR_VERSION}-{n_triples}-seed{seed}.nt"


def manifest_path(data_path: Path) -> Path:
    """The JSON manifest that sits next to a data file."""
    return data_path.with_suffix(".json")


def read_manifest(data_path: Path) -> dict:
    """The manifest of a generated file."""
    return json.loads(manifest_path(data_path).read_text(encoding="utf-8"))


def is_current(data_path: Path, n_triples: int, seed: int) -> bool:
    """True if ``data_path`` was generated by this version for the same size and seed."""
    if not data_path.exists() or not manifest_path(data_path).exists():
        return False
    try:
        manifest = read_manifest(data_path)
    except (OSError, ValueError):
        return False
    return (
        manifest.get("generator_version") == GENERATOR_VERSION
        and manifest.get("requested_triples") == n_triples
        and manifest.get("seed") == seed
    )


def write_data(path: Path, n_triples: int, seed: int) -> dict:
    """Write about ``n_triples`` triples (whole entities, stopping at the first entity that
    reaches the target) to ``path``; return the manifest."""
    gen = Generator(seed)
    counts = Counts()
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for kind, fixed in (
            ("scheme", scheme_triples()),
            ("state", state_triples()),
            ("actor", actor_triples()),
        ):
            counts.triples += write_triples(out, fixed)
            counts.bump(kind)
        for kind, triples in gen.entities():
            if counts.triples >= n_triples:
                break
            counts.triples += write_triples(out, triples)
            counts.bump(kind)
    sample_rng = random.Random(seed + 1)
    n_sample = min(64, len(gen.recommendations))
    return {
        "generator_version": GENERATOR_VERSION,
        "requested_triples": n_triples,
        "seed": seed,
        "triples": counts.triples,
        "recommendations": counts.entities.get("recommendation", 0),
        "documents": counts.entities.get("document", 0),
        "observations": counts.entities.get("observation", 0),
        "states": [code for code, _ in STATES],
        "focus_states": list(FOCUS_STATES),
        "themes": len(THEMES),
        "sample_recommendations": sample_rng.sample(gen.recommendations, n_sample),
        "sample_documents": sample_rng.sample(gen.documents, min(16, len(gen.documents))),
        "many_recommendations": sample_rng.sample(
            gen.recommendations, min(MANY, len(gen.recommendations))
        ),
    }


def generate(n_triples: int, seed: int, out: Path | None = None) -> Path:
    """Generate (or reuse from the cache) about ``n_triples`` triples for ``seed``.

    Returns the path of the N-Triples file; its manifest is ``manifest_path(path)``.
    """
    path = Path(out) if out else default_path(n_triples, seed)
    if is_current(path, n_triples, seed):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        manifest = write_data(tmp, n_triples, seed)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    manifest_path(path).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path


def parse_size(text: str) -> int:
    """Parse a triple count such as ``10k``, ``100k``, ``1M`` or ``250000``."""
    text = text.strip()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    number = text[:-1] if factor > 1 else text
    return int(float(number) * factor)


def main(argv: list[str] | None = None) -> int:
    """Command line: write synthetic data and print its path and triple count."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, default=100_000, help="e.g. 10k, 1M")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=None, help="N-Triples file to write")
    args = parser.parse_args(argv)
    path = generate(args.triples, args.seed, args.out)
    print(f"{path}\t{read_manifest(path)['triples']} triples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
