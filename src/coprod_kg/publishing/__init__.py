"""Publishing: exports, the static site, its data, the gap map (and the Jinja templates/).
May import graph, queries, validation and links."""
