"""The graph: where the bundled and user files are, parsing them, the links made at load
time, the stores (memory, embedded Oxigraph, remote SPARQL 1.1), `load` and `serve`.
May import only coprod_kg.namespaces, errors, settings (never another stage or commands)."""
