"""Validation: the SHACL shapes, the quality gates (`*-violation.rq`), the typed report.
May import coprod_kg.graph, coprod_kg.queries and the top-level helpers."""
