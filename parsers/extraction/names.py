"""Name keys: two surface forms are the same name when their keys are equal.

"Kim Myong-gil", "Kim Myong Gil" and "KIM MYONG GIL" share one key: Unicode NFKC,
case folded, everything but letters and digits removed.
"""

from __future__ import annotations

import unicodedata

# ASCII characters other than letters and digits, for str.translate to delete.
_ASCII_NOT_ALNUM = {code: None for code in range(128) if not chr(code).isalnum()}


def name_key(text: str) -> str:
    if text.isascii():
        # The common case, many times faster than the general path below.
        return text.lower().translate(_ASCII_NOT_ALNUM)
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())
