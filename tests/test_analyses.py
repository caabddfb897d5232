"""Parse once: the model's analysis of each article is kept in the warehouse and reused
until the article's text or the model changes (no Prefect here: the plain functions)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from flows.pipeline import default_extractor, derive_articles, ingest_batch
from parsers import parse_document
from parsers.extraction import Extractor
from parsers.extraction.analysis import Analysis, StoredReading, model_id
from parsers.model import Article
from tests.conftest import VOA_SEED, YONHAP_SEED
from warehouse import Warehouse
from warehouse.analyses import read_analyses


class CountingExtractor(Extractor):
    """The real extractor, counting the articles it had to run the model on."""

    def __init__(self) -> None:
        base = default_extractor()
        super().__init__(base.reference, base.nlp)
        self.analysed = 0

    def analyse(self, articles: Sequence[Article]) -> list[Analysis]:
        self.analysed += len(articles)
        return super().analyse(articles)


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    ingest_batch([str(YONHAP_SEED), str(VOA_SEED)], warehouse, run_id="test")
    return warehouse


def article_ids(warehouse: Warehouse) -> list[str]:
    return warehouse.articles_to_derive("none", everything=True)


def test_the_model_runs_once_and_rules_rederive_from_the_kept_analysis(
    warehouse: Warehouse,
) -> None:
    ids = article_ids(warehouse)
    first = CountingExtractor()
    assert derive_articles(ids, warehouse, extractor=first) == []
    assert first.analysed == 2
    kept = read_analyses(warehouse, ids, model_id())
    assert set(kept) == set(ids)
    _, before = warehouse.query("SELECT * EXCLUDE (extractor_version) FROM mentions ORDER BY ALL")

    again = CountingExtractor()
    assert derive_articles(ids, warehouse, extractor=again) == []
    assert again.analysed == 0  # every article re-derived from its kept analysis
    _, after = warehouse.query("SELECT * EXCLUDE (extractor_version) FROM mentions ORDER BY ALL")
    assert after == before


def test_a_changed_text_or_another_model_is_analysed_again() -> None:
    extractor = default_extractor()
    article = parse_document(YONHAP_SEED.read_bytes())
    (analysis,) = extractor.analyse([article])
    kept = StoredReading(analysis.model, analysis.text_hash, analysis.to_bytes())
    assert extractor.reading(article, kept) is not None

    other_model = StoredReading("en_other_model-9.9.9", kept.text_hash, kept.data)
    assert extractor.reading(article, other_model) is None
    edited = parse_document(YONHAP_SEED.read_bytes().replace(b"Sweden", b"Norway"))
    assert extractor.reading(edited, kept) is None


def test_a_kept_analysis_reads_back_as_the_model_made_it() -> None:
    extractor = default_extractor()
    article = parse_document(VOA_SEED.read_bytes())
    (analysis,) = extractor.analyse([article])
    back = extractor.reading(
        article, StoredReading(analysis.model, analysis.text_hash, analysis.to_bytes())
    )
    assert back is not None
    for made, read in zip(analysis.docs, back.docs, strict=True):
        assert [(t.text, t.lemma_, t.dep_, t.head.i, t.ent_type_) for t in made] == [
            (t.text, t.lemma_, t.dep_, t.head.i, t.ent_type_) for t in read
        ]
        assert [s.text for s in made.sents] == [s.text for s in read.sents]


def test_the_extractor_version_names_the_model() -> None:
    assert default_extractor().version.endswith(model_id())
