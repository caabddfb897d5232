"""`peninsula eval`: the scores of the seeds and of the project's own passages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.evaluate import GoldError, evaluate, report
from tests.conftest import GOLD_FILE, ROOT

PASSAGES_GOLD = ROOT / "tests" / "passages" / "passages.gold.json"


def test_seed_scores_meet_the_targets(gold: dict) -> None:
    result = evaluate(GOLD_FILE)
    print(report(result))
    assert result.total("entity_recall").ratio >= 0.95
    assert not [hit for a in result.articles for hit in a.trap_hits]
    assert result.total("quote_recall").ratio >= 0.9
    assert result.total("event_recall").ratio >= 0.85
    assert result.across.ratio == 1.0


def test_own_passages_do_not_regress() -> None:
    """Floors a little under the scores measured when the rules were last tuned."""
    result = evaluate(PASSAGES_GOLD)
    print(report(result))
    assert len(result.articles) >= 20 and not result.missing
    assert result.total("entity_recall").ratio >= 0.88
    assert result.total("entity_precision").ratio >= 0.95
    assert result.total("quote_recall").ratio >= 0.70
    assert result.total("event_recall").ratio >= 0.45


def test_any_gold_file_of_the_format_works(tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    article.write_text(
        "Seoul and Tokyo hold talks\n\nSEOUL, May 2 (Yonhap) -- Foreign Minister Cho Tae-yul "
        'met Yoko Kamikawa in Seoul on Thursday. "We agreed to work together," Cho said.\n'
    )
    (tmp_path / "story.meta.json").write_text('{"published_at": "2024-05-03T10:00:00+09:00"}')
    gold = {
        "format": "peninsula-gold/1",
        "articles": [
            {
                "key": "mine",
                "file": str(article),
                "anatomy": {"title": "Seoul and Tokyo hold talks"},
                "entities": [{"name": "Cho Tae-yul", "type": "PERSON"}],
                "not_entities": ["Thursday"],
                "quotes": [{"speaker": "Cho Tae-yul", "starts": "We agreed"}],
                "events": [{"id": "m", "types": ["MEETING"], "date": "2024-05-02"}],
            }
        ],
    }
    path = tmp_path / "mine.gold.json"
    path.write_text(json.dumps(gold))
    (score,) = evaluate(path).articles
    assert (score.entity_recall.ratio, score.quote_recall.ratio, score.event_recall.ratio) == (
        1.0,
        1.0,
        1.0,
    )


def test_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"format": "something-else"}')
    with pytest.raises(GoldError, match="expected 'peninsula-gold/1'"):
        evaluate(path)
