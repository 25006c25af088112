"""Torture Prevention Knowledge Graph: an embedded SPARQL store, endpoint and tools."""

__version__ = "0.1.0"
