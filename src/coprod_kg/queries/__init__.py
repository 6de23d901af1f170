"""Stored queries: the catalogue and its typed parameters, federated endpoints, rendering
results, graph statistics. May import coprod_kg.graph and the top-level helpers."""
