"""Authoring case studies: template schema, reading and checks, the Turtle writer, the
import transaction, export-template. May import graph, queries and validation."""
