"""Names the reference knows, found in text: longest match first, across romanizations.

"Kim Myong-gil", "Kim Myong Gil" and "KIM MYONG GIL" are one name key; the matcher
reads word by word from every word that can open a name, and stops as soon as no name
of the reference starts with what it has read.
"""

from __future__ import annotations

import re

from parsers.extraction.names import name_key
from parsers.extraction.reference import Actor, Reference
from parsers.extraction.romanization import romanization_key
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

        # Surname key -> (key of the rest of the name, actor id), both name orders, for
        # spellings one slip away from a known person's ("Donlad Trump").
        self._by_surname: dict[str, list[tuple[str, str]]] = {}
        for actor in reference.actors.values():
            if actor.type != "PERSON":
                continue
            for form in actor.surface_forms:
                words = [name_key(w) for w in WORD.findall(form)]
                if len(words) >= 2:
                    self._by_surname.setdefault(words[-1], []).append(
                        ("".join(words[:-1]), actor.id)
                    )
                    self._by_surname.setdefault(words[0], []).append(("".join(words[1:]), actor.id))

    def lookup_spelling(self, surface: str, person: bool) -> Actor | None:
        """The actor a name spelled otherwise than the reference names: a Korean name in
        another romanization, or a person's name with one letter slipped (a typo in the
        given name, the surname exact). Used only where the exact lookup failed."""
        key = romanization_key(surface)
        actor_id = self.reference.by_romanization.get(key) if key else None
        if actor_id is None and person:
            actor_id = self._one_slip_away(surface)
        return self.reference.actors[actor_id] if actor_id else None

    def _one_slip_away(self, surface: str) -> str | None:
        words = [name_key(w) for w in WORD.findall(surface)]
        if len(words) < 2:
            return None
        found = set()
        for surname, rest in ((words[-1], words[:-1]), (words[0], words[1:])):
            typed = "".join(rest)
            if len(typed) < MIN_SLIP_LENGTH:
                continue
            for known, actor_id in self._by_surname.get(surname, ()):
                if len(known) >= MIN_SLIP_LENGTH and one_edit_apart(typed, known):
                    found.add(actor_id)
        return found.pop() if len(found) == 1 else None

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

# A given name shorter than this is one slip away from too many others ("Jong", "Jang").
MIN_SLIP_LENGTH = 5


def one_edit_apart(a: str, b: str) -> bool:
    """Exactly one letter inserted, dropped, replaced, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(differ) == 1:
            return True
        i, j = [*differ, 0, 0][:2]
        return len(differ) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = sorted((a, b), key=len)
    i = next((k for k, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    return short[i:] == long[i + 1 :]


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())
