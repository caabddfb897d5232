"""A seam for progress reports: the flow says how far it got, a front end shows it.

The CLI installs a terminal progress bar here; without one, reports go nowhere.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressListener = Callable[[int, int], None]  # (done, total)

_listeners: list[ProgressListener] = []


def subscribe(listener: ProgressListener) -> Callable[[], None]:
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def report(done: int, total: int) -> None:
    for listener in list(_listeners):
        listener(done, total)
