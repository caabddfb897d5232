"""Name keys: two surface forms are the same name when their keys are equal.

"Kim Myong-gil", "Kim Myong Gil" and "KIM MYONG GIL" share one key: Unicode NFKC,
case folded, everything but letters and digits removed.
"""

from __future__ import annotations

import unicodedata


def name_key(text: str) -> str:
    if text.isascii():
        # The common case, several times faster than the general path below.
        return "".join(ch for ch in text.lower() if ch.isalnum())
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())
