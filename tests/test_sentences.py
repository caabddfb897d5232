"""Sentences as the text writes them: the parser may not start one inside a name."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.extraction import Extractor
from tests.stories import story


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    from flows.extract_workers import process_extractor

    return process_extractor()


def test_a_name_ending_in_in_does_not_end_the_sentence(extractor: Extractor) -> None:
    """KCNA writes "Moon Jae In": the model took "In" for the start of a sentence, and
    the lede's "on Wednesday" went with it."""
    text = (
        "Kim Jong Un, chairman of the State Affairs Commission, signed the joint "
        "declaration with President Moon Jae In on Wednesday. The participants applauded."
    )
    (doc,) = extractor.nlp.pipe([text])
    assert next(s.text for s in doc.sents).endswith("on Wednesday.")
    result = extractor.extract(story(text, day=date(2018, 9, 20), title="Declaration"))
    (signing,) = [e for e in result.events if e.event_type == "AGREE"]
    assert signing.date.value == date(2018, 9, 19)
    assert "ref:kim-jong-un" in signing.actors


def test_sentences_that_end_still_end(extractor: Extractor) -> None:
    text = 'Seoul said it would respond. "We will not stand by," the ministry said. Kim left.'
    (doc,) = extractor.nlp.pipe([text])
    assert len(list(doc.sents)) == 3
