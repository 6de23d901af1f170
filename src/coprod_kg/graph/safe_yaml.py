"""YAML without alias bombs or stack-deep nesting: for templates, query headers, SSSOM.

PyYAML's SafeLoader expands aliases by reference, and every walk over the result (ours,
or a recursive one like `a: &a [*a]`) goes exponential or endless: a 1.1 KB file took
18 s and 817 MB. Nothing this project reads needs more than a few aliases, so an alias
may not make the document expand past MAX_EXPANDED_NODES nodes, nor point to a node that
is still open (a recursive one); nesting stops at MAX_DEPTH. Breaking a limit raises a
yaml.MarkedYAMLError naming the line, which the callers already turn into one line.
"""

from __future__ import annotations

MAX_EXPANDED_NODES = 100_000
MAX_DEPTH = 50


def safe_loader():
    """A SafeLoader subclass with the limits (imported lazily: yaml is not needed by --help)."""
    import yaml

    class LimitedLoader(yaml.SafeLoader):
        def __init__(self, stream) -> None:
            super().__init__(stream)
            self._weights: dict[int, int] = {}
            self._depth = 0
            self._open_anchors: set[str] = set()

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                if event.anchor in self._open_anchors:
                    raise yaml.composer.ComposerError(
                        None, None, f"a recursive alias (*{event.anchor}): refused",
                        event.start_mark)
                return super().compose_node(parent, index)
            event = self.peek_event()
            anchor = getattr(event, "anchor", None)
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested over {MAX_DEPTH} levels deep: refused",
                    event.start_mark)
            if anchor:
                self._open_anchors.add(anchor)
            try:
                node = super().compose_node(parent, index)
                self._weigh(node, event)
                return node
            finally:
                self._depth -= 1
                if anchor:
                    self._open_anchors.discard(anchor)

        def _weigh(self, node, event) -> None:
            if isinstance(node, yaml.SequenceNode):
                children = node.value
            elif isinstance(node, yaml.MappingNode):
                children = [item for pair in node.value for item in pair]
            else:
                children = []
            weight = 1 + sum(self._weights.get(id(child), 1) for child in children)
            if weight > MAX_EXPANDED_NODES:
                raise yaml.composer.ComposerError(
                    None, None, f"aliases expand it past {MAX_EXPANDED_NODES:,} nodes: refused",
                    event.start_mark)
            self._weights[id(node)] = weight

    return LimitedLoader


def safe_load(text: str):
    """yaml.safe_load with the limits."""
    import yaml

    return yaml.load(text, Loader=safe_loader())  # noqa: S506 - a SafeLoader subclass


def compose(text: str):
    """yaml.compose (nodes with line numbers) with the limits."""
    import yaml

    return yaml.compose(text, Loader=safe_loader())
