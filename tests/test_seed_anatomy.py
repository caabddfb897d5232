"""Every anatomy field of the gold annotation holds for both seed articles."""

from __future__ import annotations

from datetime import datetime

import pytest

from parsers import Article, parse_document
from parsers.scoring import Score, score_anatomy
from tests.conftest import ROOT, VOA_SEED, YONHAP_SEED


def gold_articles(gold: dict) -> list[dict]:
    return gold["articles"]


@pytest.fixture(params=[0, 1], ids=["yonhap", "voa"])
def case(request: pytest.FixtureRequest, gold: dict) -> tuple[dict, Article]:
    entry = gold_articles(gold)[request.param]
    article = parse_document((ROOT / entry["file"]).read_bytes())
    return entry, article


def test_source_is_recognized_from_the_text(case: tuple[dict, Article]) -> None:
    entry, article = case
    assert article.source == entry["source"]


def test_every_anatomy_field(case: tuple[dict, Article]) -> None:
    entry, article = case
    anatomy = entry["anatomy"]
    checked = set()

    def check(key: str, actual: object) -> None:
        checked.add(key)
        assert actual == anatomy[key], f"{entry['key']}: {key}"

    check("title", article.title)
    if "label" in anatomy:
        check("label", article.label)
    if "section" in anatomy:
        check("section", article.section)
    expected_time = anatomy["published_at"]
    checked.add("published_at")
    if expected_time is None:
        assert article.published_at is None
    else:
        assert article.published_at == datetime.fromisoformat(expected_time)
        assert article.published_at.utcoffset() == datetime.fromisoformat(expected_time).utcoffset()
    check("byline", article.byline)
    if "dateline_place" in anatomy:
        check("dateline_place", article.dateline_place)
    check("captions", len(set(article.texts("caption"))))
    assert len(article.texts("caption")) == anatomy["captions"], "a caption is kept once"
    check("subheads", len(article.texts("subhead")))
    if "subhead_texts" in anatomy:
        check("subhead_texts", article.texts("subhead"))
    checked.add("first_paragraph_starts")
    assert article.body[0].startswith(anatomy["first_paragraph_starts"])
    checked.add("last_paragraph_starts")
    assert article.body[-1].startswith(anatomy["last_paragraph_starts"])
    checked.add("absent")
    for text in anatomy["absent"]:
        for paragraph in article.paragraphs:
            assert text not in paragraph.text, f"{text!r} left in {paragraph.text[:60]!r}"
    if "replacement_characters_flagged" in anatomy:
        check("replacement_characters_flagged", article.replacement_chars)
    assert checked == set(anatomy), f"anatomy fields not checked: {set(anatomy) - checked}"
    # `peninsula eval` reads the same anatomy the same way.
    assert score_anatomy(anatomy, article) == (Score(len(anatomy), len(anatomy)), [])


def test_yonhap_dateline_is_its_own_field() -> None:
    article = parse_document(YONHAP_SEED.read_bytes())
    assert article.dateline == "SEOUL, Oct. 7 (Yonhap)"
    assert article.body[0].startswith("North Korea appears")


def test_voa_damage_is_counted_not_guessed() -> None:
    article = parse_document(VOA_SEED.read_bytes())
    # The lost characters (a fraction, dashes) cannot be known for sure: they stay lost.
    assert article.repairs == ()
    assert sum(p.text.count("\ufffd") for p in article.paragraphs) == 4
    assert article.replacement_chars == 4
