"""Which paths a run created through the API may read: those under the inbox folders.

A deployment's parameters come from whoever can reach the API; without this bound, a
load-files run could be pointed at any file the serving process can read. Paths are
compared as the system resolves them (symbolic links and ".." followed), so neither a
link nor a "../" leads out.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from flows.files import display_path, is_inside
from flows.settings import INBOX_ENV


def real_folders(folders: Sequence[Path]) -> tuple[str, ...]:
    return tuple(os.path.realpath(folder) for folder in folders)


def outside_refusal(path: str, folders: Sequence[Path]) -> str:
    listed = ", ".join(display_path(str(folder)) for folder in folders)
    return (
        f"{display_path(path)}: outside the inbox folders ({listed}); runs created through "
        f"the API read only there (the {INBOX_ENV} setting, or `peninsula serve --inbox`)"
    )


def outside_inbox(inputs: Sequence[str], folders: Sequence[Path]) -> list[str]:
    """A refusal for each input (file, folder or glob pattern) not under the folders.

    A pattern is judged by the path it names; what it matches is checked file by file
    when it is expanded (flows.files.discover `within`).
    """
    roots = real_folders(folders)
    return [outside_refusal(item, folders) for item in inputs if not is_inside(item, roots)]
