"""Validating a contribution in context versus validating the whole graph with pySHACL.

Loads the synthetic graph (bench/synth.py) and the ontology into a kg store, then times
(a) a 50-triple contribution validated the way `POST /contributions` does it (two CONSTRUCTs
for the context, pySHACL over contribution + context, results kept for the contribution's
own subjects), and (b) pySHACL over the whole graph at the sizes given (1M takes several
minutes). Writes a Markdown table to bench/results/validate-<date>.md.

    .venv/bin/python bench/validate.py                       # 1M store; whole graph 10k, 100k, 1M
    .venv/bin/python bench/validate.py --whole-sizes 10k,100k  # quicker: skip the 1M whole run
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import generate, parse_size, read_manifest  # noqa: E402

from kg.config import Settings  # noqa: E402
from kg.intake import read_payload  # noqa: E402
from kg.loader import discover, load_files  # noqa: E402
from kg.store import EmbeddedStore  # noqa: E402
from kg.validation import fetch_context, load_shapes, to_graph, validate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).resolve().parent / ".cache"
RESULTS = Path(__file__).resolve().parent / "results"


def contribution(document: str, n_recommendations: int = 10) -> bytes:
    """A 50-triple contribution: 10 recommendations of 5 triples, sourced in ``document``."""
    lines = [
        "@prefix tp: <https://w3id.org/tpkg/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix st: <https://w3id.org/tpkg/id/state/> .",
        "@prefix rec: <https://w3id.org/tpkg/id/recommendation/> .",
        "@prefix schema: <https://schema.org/> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
    ]
    for i in range(n_recommendations):
        lines.append(
            f'rec:bench-{i} a tp:Recommendation ; schema:text "Ratify OPCAT ({i})."@en ; '
            f"tp:recommendedBy st:DEU ; tp:addressee st:KAZ ; dct:source <{document}> ."
        )
    return "\n".join(lines).encode()


def build_store(n_triples: int, seed: int) -> Path:
    """A kg store holding the ontology and the synthetic data (cached by size and seed)."""
    data = generate(n_triples, seed)
    location = CACHE / f"validate-store-{n_triples}-seed{seed}"
    if (location / "CURRENT").exists():
        return location
    store = EmbeddedStore.open(location)
    settings = Settings.build(overrides={"store": str(location)})
    load_files(store, settings, discover([ROOT / "ontology"], settings, ROOT))
    store.bulk_load_file(data, "ntriples", "https://w3id.org/tpkg/graph/bench/synth")
    store.close()
    return location


def time_contribution(
    store_path: Path, shapes: Path, repeats: int, document: str
) -> tuple[float, int, bool]:
    """Median seconds to validate the contribution in context, its size, and its verdict."""
    store = EmbeddedStore.open(store_path, read_only=True)
    bundle = load_shapes(shapes)
    payload = read_payload(contribution(document), "turtle", max_bytes=10**6, max_triples=1000)
    times, conforms = [], False
    for _ in range(repeats + 1):
        started = time.perf_counter()
        context = fetch_context(store, payload.triples)
        outcome = validate(to_graph(payload.triples), context, payload.subjects, shapes=bundle)
        times.append(time.perf_counter() - started)
        conforms = outcome.conforms
    return statistics.median(times[1:]), len(payload.triples), conforms


def time_whole(n_triples: int, seed: int, shapes: Path) -> tuple[float, int]:
    """Seconds for pySHACL over the whole synthetic graph plus the ontology, and its size."""
    from pyshacl import validate as run

    graph = Graph()
    graph.parse(generate(n_triples, seed), format="nt")
    for file in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(file, format="turtle")
    started = time.perf_counter()
    run(graph, shacl_graph=load_shapes(shapes).graph, inference="none")
    return time.perf_counter() - started, len(graph)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", default="1M", help="size of the store (default 1M)")
    parser.add_argument(
        "--whole-sizes",
        default="10k,100k,1M",
        help="whole-graph sizes (1M takes several minutes); e.g. 10k,100k",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeats", type=int, default=20)
    default_shapes = ROOT / "shapes"
    if not default_shapes.is_dir() or not any(default_shapes.rglob("*.ttl")):
        default_shapes = ROOT / "tests" / "data" / "contributions" / "shapes"
    parser.add_argument("--shapes", type=Path, default=default_shapes)
    args = parser.parse_args(argv)

    size = parse_size(args.triples)
    store = build_store(size, args.seed)
    document = read_manifest(generate(size, args.seed))["sample_documents"][0]
    in_context, n, conforms = time_contribution(store, args.shapes, args.repeats, document)
    print(f"contribution ({n} triples) in context of {size}: {in_context * 1000:.1f} ms")
    rows = [
        "| what | graph triples | seconds | ratio to in-context |",
        "| --- | --- | --- | --- |",
        f"| {n}-triple contribution in context (median of {args.repeats}, "
        f"conforms={conforms}) | {size:,} | {in_context:.4f} | 1 |",
    ]
    for text in args.whole_sizes.split(","):
        seconds, triples = time_whole(parse_size(text), args.seed, args.shapes)
        print(f"whole graph {triples}: {seconds:.2f} s")
        rows.append(
            f"| pySHACL over the whole graph | {triples:,} | {seconds:.2f} | "
            f"{seconds / in_context:,.0f} |"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"validate-{stamp}.md"
    target = "met" if in_context < 0.2 else "NOT met"
    out.write_text(
        f"# Validation: contribution in context vs whole graph\n\n"
        f"Shapes: `{args.shapes.relative_to(ROOT)}` (version {load_shapes(args.shapes).version});"
        f" inference none; target under 0.2 s for the contribution: {target}.\n\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
