"""Line numbers of YAML nodes, so checks can point a maintainer at `file:line`.

`node_lines(path)` maps every key path (a tuple of mapping keys and list indexes, as pydantic reports
error locations) to the 1-based line where that node starts. `line_of` finds the deepest known prefix,
so an error on a missing key still points at its parent.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, Sequence, Tuple

import yaml

Key = Tuple[object, ...]
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _walk(node: yaml.Node, prefix: Key, lines: Dict[Key, int]) -> None:
    if isinstance(node, yaml.ScalarNode) and node.style == "|":
        # a `|` scalar starts on the indicator's line; its content on the next one
        lines[prefix + ("|",)] = node.start_mark.line + 2
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = prefix + (key_node.value,)
            lines[key] = key_node.start_mark.line + 1
            _walk(value_node, key, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = prefix + (index,)
            lines[key] = item.start_mark.line + 1
            _walk(item, key, lines)


@lru_cache(maxsize=64)
def _cached(path: str, mtime: float) -> Dict[Key, int]:
    with open(path, encoding="utf-8") as handle:
        root = yaml.compose(handle, Loader=Loader)
    lines: Dict[Key, int] = {(): 1}
    if root is not None:
        _walk(root, (), lines)
    return lines


def node_lines(path: Path) -> Dict[Key, int]:
    return _cached(str(path), Path(path).stat().st_mtime)


def line_of(path: Path, location: Sequence[object]) -> int:
    """The line of the node at `location`, or of its deepest existing parent."""
    lines = node_lines(path)
    location = tuple(location)
    while location not in lines:
        location = location[:-1]
    return lines[location]


def block_scalar_lines(path: Path, location: Sequence[object]) -> int:
    """The line of the first content line of a block scalar (`examples: |`) at `location`."""
    lines = node_lines(path)
    return lines.get(tuple(location) + ("|",)) or line_of(path, location)
