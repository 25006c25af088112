"""Importers: one module per external data format, each returning an rdflib graph that follows
the modelling conventions of ``data/turtle/README.md``."""
