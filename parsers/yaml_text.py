"""Reading YAML: the reference files, the rules and the sources list.

PyYAML's own parser is pure Python; its libyaml binding reads the same documents about
ten times faster (the actors reference: 0.24 s against 0.02 s), which every process that
extracts (the run and each of its workers) and every command pays at start.
"""

from __future__ import annotations

from typing import Any

import yaml

# libyaml ships in PyYAML's wheels; a build without it falls back to the Python parser.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """The document in `text`, as `yaml.safe_load` reads it (plain data only)."""
    return yaml.load(text, Loader=_LOADER)
