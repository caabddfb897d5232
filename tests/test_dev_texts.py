"""The real saved texts of the development set (../shared/dev), parsed as people save them:
their anatomy as the independent gold annotation states it."""

from __future__ import annotations

import json

import pytest

from parsers import parse_document
from parsers.scoring import Score, score_anatomy
from tests.conftest import ROOT, SHARED

DEV_GOLD = SHARED / "dev" / "dev.gold.json"


@pytest.fixture(scope="module")
def dev_gold() -> dict:
    if not DEV_GOLD.exists():
        pytest.skip(f"{DEV_GOLD} is absent: the dev set lives in ../shared, not here")
    return json.loads(DEV_GOLD.read_text(encoding="utf-8"))


def test_every_dev_text_parses_and_its_anatomy_holds(dev_gold: dict) -> None:
    total, failures = Score(), []
    for entry in dev_gold["articles"]:
        article = parse_document((ROOT / entry["file"]).read_bytes())
        score, failed = score_anatomy(entry["anatomy"], article)
        total.add(score)
        failures.extend(f"{entry['key']}: {f}" for f in failed)
    print(f"anatomy checks: {total.found}/{total.total}", *failures, sep="\n")
    assert total.ratio >= 0.95, failures


def test_a_dev_text_that_prints_its_day_has_a_published_date(dev_gold: dict) -> None:
    """Wherever the gold states the time, the day is known too, and agrees with it."""
    for entry in dev_gold["articles"]:
        expected = entry["anatomy"].get("published_at")
        if expected:
            article = parse_document((ROOT / entry["file"]).read_bytes())
            assert article.published_date is not None, entry["key"]
            assert article.published_date.isoformat() == expected[:10], entry["key"]
