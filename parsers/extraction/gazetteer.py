"""Names the reference knows, found in text: longest match first, across romanizations.

"Kim Myong-gil", "Kim Myong Gil" and "KIM MYONG GIL" are one name key; the matcher
reads word by word from every word that can open a name, and stops as soon as no name
of the reference starts with what it has read.
"""

from __future__ import annotations

import re

from parsers.extraction.names import name_key
from parsers.extraction.reference import Actor, Reference
from parsers.extraction.text import NEXT_NAME_WORD, WORD


class Gazetteer:
    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        lowercase_openers = sorted(
            {
                re.escape(form.split()[0])
                for actor in reference.actors.values()
                for form in actor.surface_forms
                if form[:1].islower()
            }
        )
        # Where a name can open, and the word that opens it: matching the whole word
        # saves a second regex call per opener, and skips no other opener, as an opener
        # only starts where a word does.
        self._openers = re.compile(
            r"\b(?=[A-Z0-9]"
            + "".join(f"|{w}\\b" for w in lowercase_openers)
            + rf")(?P<word>{WORD.pattern})"
        )
        self._lowercase_ok: set[str] = set()
        self._all_caps: set[str] = set()
        for actor in reference.actors.values():
            keys: dict[str, list[str]] = {}
            for form in actor.surface_forms:
                keys.setdefault(name_key(form), []).append(form)
            for key, forms in keys.items():
                if any(f[:1].islower() for f in forms):
                    self._lowercase_ok.add(key)
                if all(_letters(f).isupper() for f in forms):
                    self._all_caps.add(key)

    def lookup(self, surface: str) -> Actor | None:
        """The actor a whole surface names ("the Kremlin", "Xinhua"), if any."""
        actor_id = self.reference.by_key.get(name_key(surface))
        if actor_id is None or not self._case_fits(name_key(surface), surface):
            return None
        return self.reference.actors[actor_id]

    def matches(self, text: str) -> list[tuple[int, int, Actor]]:
        """Reference names in the text; of overlapping matches the longest wins.

        Only words that can open a name are tried (capitalized ones, and the few
        lowercase openers of aliases such as "the North"): most words cannot.
        """
        prefixes, by_key = self.reference.prefixes, self.reference.by_key
        limit = self.reference.max_words
        candidates: list[tuple[int, int, str]] = []
        for opener in self._openers.finditer(text):
            start = opener.start()
            word: re.Match[str] | None = opener
            key = ""
            words = 0
            longest = None
            # Word by word, while some name still starts with what has been read.
            while word is not None:
                token = word.group("word")
                key += token.lower() if token.isascii() and token.isalnum() else name_key(token)
                words += 1
                if key not in prefixes:
                    break
                actor_id = by_key.get(key)
                if actor_id and self._case_fits(key, text[start : word.end()]):
                    longest = (start, word.end(), actor_id)
                if words == limit:
                    break
                word = NEXT_NAME_WORD.match(text, word.end())
            # "Cho Hyun" is not named in "Cho Hyun-dong": the name goes on.
            if longest and not _GOES_ON.match(text, longest[1]):
                candidates.append(longest)
        chosen: list[tuple[int, int, str]] = []
        for start, end, actor_id in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if all(end <= c_start or start >= c_end for c_start, c_end, _ in chosen):
                chosen.append((start, end, actor_id))
        return [(start, end, self.reference.actors[a]) for start, end, a in sorted(chosen)]

    def _case_fits(self, key: str, surface: str) -> bool:
        if surface[:1].islower() and key not in self._lowercase_ok:
            return False
        return not (key in self._all_caps and not _letters(surface).isupper())


_GOES_ON = re.compile(r"-[a-z]")


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())
