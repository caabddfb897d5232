"""The reference's states: which GPE is a state, whose state a person or a body acts
for, the state of a nationality adjective or of a description, who held an office of a
state on a day. Built once per extractor.
"""

from __future__ import annotations

import re
from datetime import date

from parsers.extraction.model import ArticleEntity
from parsers.extraction.name_words import NameWords
from parsers.extraction.reference import Actor, Reference


class StateIndex:
    """The reference's states, built once: which GPE is a state, whose state a person
    or a body acts for, the state of a nationality adjective."""

    def __init__(self, reference: Reference, words: NameWords) -> None:
        self.reference = reference
        self.leader_titles = words.leader_titles
        self.demonyms = {
            word: actor_id
            for word, actor_id in words.demonyms.items()
            if actor_id in reference.actors
        }
        # Country code -> the state's actor id: the GPE some place is the capital of, or
        # the only GPE of its country (a city-state such as Singapore).
        capitals_of = {a.capital_of for a in reference.actors.values() if a.capital_of}
        places_of: dict[str, list[str]] = {}
        for actor in reference.actors.values():
            if actor.type == "GPE" and actor.country:
                places_of.setdefault(actor.country, []).append(actor.id)
        self.states = {
            country: next((i for i in ids if i in capitals_of), ids[0])
            for country, ids in places_of.items()
            if any(i in capitals_of for i in ids) or len(ids) == 1
        }
        self.state_ids = frozenset(self.states.values())
        self.people = [a for a in reference.actors.values() if a.offices]
        # A state's names and nationality words, for "Russia's deputy ambassador".
        self.state_words: dict[str, str] = dict(self.demonyms)
        for state_id in self.state_ids:
            actor = reference.actors[state_id]
            for name in (actor.name, *actor.aliases):
                self.state_words.setdefault(name.lower(), state_id)

    def office_holder(
        self,
        state_id: str,
        titles: tuple[str, ...],
        day: date | None,
        among: frozenset[str] | None = None,
    ) -> str | None:
        """Who held an office of a state on a day (the first of `titles` preferred); with
        no day, who of `among` ever held it."""
        iso = day.isoformat() if day is not None else None
        holders = [
            (titles.index(office.title.lower()), actor.id)
            for actor in self.people
            if among is None or actor.id in among
            for office in actor.offices
            if office.of == state_id
            and office.title.lower() in titles
            and (
                iso is None
                or (
                    office.start[: len(iso)] <= iso[: len(office.start)]
                    and (office.end is None or iso[: len(office.end)] <= office.end)
                )
            )
        ]
        return min(holders)[1] if holders else None

    def leads(self, key: str, day: date | None) -> bool:
        """Whether the entity is a reference person who leads a state or its ruling party
        (on the day, when known)."""
        actor = self.reference.actors.get(key.removeprefix("ref:"))
        if actor is None or actor.type != "PERSON":
            return False
        if day is None:
            return any(o.title.lower() in self.leader_titles for o in actor.offices)
        return leads_on(actor, day, self.leader_titles)

    def is_state(self, key: str) -> bool:
        return key.removeprefix("ref:") in self.state_ids

    def state_of(self, entity: ArticleEntity) -> str | None:
        """The state (or, for an international official, the organization) a person or
        a body acts for: the Secretary-General acts for the United Nations, not for the
        state of his birth."""
        actor = self.reference.actors.get(entity.key.removeprefix("ref:"))
        if actor is not None and actor.offices:
            holders = [o.of for o in actor.offices if o.of in self.reference.actors]
            states = [h for h in holders if h in self.state_ids]
            if states:
                return states[0]
            if holders:
                return holders[0]
        if entity.country:
            return self.states.get(entity.country)
        if entity.type == "PERSON" and entity.role:
            return self.state_in(entity.role)
        return None

    def state_in(self, role: str) -> str | None:
        """The state a description of a person names as theirs: "Russia's deputy U.N.
        ambassador", "a North Korean diplomat"; not the state they are sent to
        ("ambassador to the United States")."""
        words = re.findall(r"[\w.'-]+", role.lower())
        words = [w.removesuffix("'s").removesuffix("\u2019s") for w in words]
        i = 0
        while i < len(words):
            for size in (3, 2, 1):
                phrase = " ".join(words[i : i + size])
                state = self.state_words.get(phrase)
                if state is not None:
                    if (
                        i > 0
                        and words[i - 1] in ("to", "the")
                        and (words[i - 1] == "to" or (i > 1 and words[i - 2] == "to"))
                    ):
                        i += size - 1
                        break
                    return state
            i += 1
        return None


def leads_on(actor: Actor, day: date, leader_titles: frozenset[str]) -> bool:
    """Whether the person held an office of a leader on the day."""
    iso = day.isoformat()
    return any(
        office.title.lower() in leader_titles
        and office.start[: len(iso)] <= iso[: len(office.start)]
        and (office.end is None or iso[: len(office.end)] <= office.end)
        for office in actor.offices
    )
