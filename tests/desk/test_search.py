"""Full-text search with DuckDB's own fts extension, on real DuckDB files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SEEDS
from tests.desk.conftest import PASSAGES, load, peninsula, texts
from warehouse import Warehouse
from warehouse.search import INDEX, fts_extension_path, load_fts, refresh_index, search
from warehouse.search import PASSAGES as PASSAGE_TABLE

QUERIES = (
    "Stockholm talks",
    "Kim Yo Jong drills",
    "missile launch",
    "sanctions Treasury",
    "Hwasong 17",
    "Dokdo protest",
    "humanitarian aid",
)


def scores(db: Path) -> dict[str, dict[str, float]]:
    conn = duckdb.connect(str(db), read_only=True)
    load_fts(conn)
    found = {
        query: dict(
            conn.execute(
                f"SELECT passage_id, {INDEX}.match_bm25(passage_id, ?) AS s"
                f" FROM {PASSAGE_TABLE} WHERE s IS NOT NULL",
                [query],
            ).fetchall()
        )
        for query in QUERIES
    }
    conn.close()
    return found


def test_the_extension_loads_from_the_wheel_with_signature_checks_on(tmp_path: Path) -> None:
    conn = duckdb.connect()
    assert conn.execute("SELECT current_setting('allow_unsigned_extensions')").fetchone() == (
        False,
    )
    load_fts(conn)
    assert conn.execute("SELECT stem('enrichment', 'porter')").fetchone() == ("enrich",)
    # The same bytes with one byte of the signature changed are refused.
    tampered = tmp_path / "fts.duckdb_extension"
    data = bytearray(fts_extension_path().read_bytes())
    data[-100] ^= 0xFF
    tampered.write_bytes(bytes(data))
    with pytest.raises(duckdb.Error, match=r"(?i)signature"):
        duckdb.connect().execute(f"LOAD '{tampered}'")


def test_search_ranks_articles_and_highlights_the_words(desk_db: Path) -> None:
    result = peninsula("search", "Stockholm talks", "--db", desk_db, "--format", "json")
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits and [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert len({h["article_id"] for h in hits}) == len(hits)  # each article once
    top = hits[0]
    assert "**Stockholm**" in top["marked"] and "Stockholm" in top["passage"]
    assert top["source"] in ("voa", "yonhap")
    table = peninsula("search", "Stockholm talks", "--db", desk_db)
    assert table.returncode == 0 and top["title"][:40] in table.stdout


def test_search_finds_words_in_any_form_and_quotes_with_their_speaker(desk_db: Path) -> None:
    result = search(Warehouse(desk_db), "launches", limit=20)
    assert {"launch"} == result.query_stems
    marked = {
        w for hit in result.hits for w in hit.passage.split() if result.matches(w.strip(".,"))
    }
    assert {"launch", "launched"} & {w.strip(".,").lower() for w in marked}
    quoted = search(Warehouse(desk_db), "shocking spy plane", limit=20).hits
    assert any(h.kind == "quote" and h.speaker == "Kim Yo-jong" for h in quoted)


def test_source_and_since_narrow_the_search(desk_db: Path) -> None:
    everything = search(Warehouse(desk_db), "North Korea", limit=100).hits
    yonhap = search(Warehouse(desk_db), "North Korea", source="yonhap", limit=100).hits
    assert yonhap and {h.source for h in yonhap} == {"yonhap"} and len(yonhap) < len(everything)
    from datetime import date

    recent = search(Warehouse(desk_db), "North Korea", since=date(2024, 3, 20), limit=100).hits
    assert recent and all(
        h.published_at and h.published_at.date() >= date(2024, 3, 19) for h in recent
    )
    wrong = peninsula("search", "talks", "--db", desk_db, "--source", "yonhp")
    assert wrong.returncode == 2
    assert "did you mean yonhap?" in wrong.stderr


def test_a_query_of_stopwords_only_is_refused(desk_db: Path) -> None:
    result = peninsula("search", "the of and", "--db", desk_db)
    assert result.returncode == 2 and "nothing to search for" in result.stderr


def test_updating_the_index_scores_as_a_full_rebuild_does(tmp_path: Path) -> None:
    """Add articles, re-derive some, drop one: the updated index and one built from
    scratch on the same passages give every passage the same BM25 score."""
    db = tmp_path / "updated.duckdb"
    warehouse = Warehouse(db)
    inputs = texts()
    load(warehouse, inputs[:18], "run-1")
    assert refresh_index(warehouse).rebuilt
    load(warehouse, inputs[18:], "run-2")
    with warehouse.writer() as conn:
        first, gone = (r[0] for r in conn.execute(
            "SELECT article_id FROM search_articles ORDER BY article_id LIMIT 2"
        ).fetchall())  # fmt: skip
        # One article reparsed (a new run wrote its row, its quotes went) ...
        conn.execute("UPDATE articles SET run_id = 'run-3' WHERE article_id = ?", [first])
        conn.execute("DELETE FROM quotes WHERE article_id = ?", [first])
        # ... and one that stopped parsing goes with its rows.
        for table in ("paragraphs", "quotes", "mentions", "articles"):
            conn.execute(f"DELETE FROM {table} WHERE article_id = ?", [gone])
    update = refresh_index(warehouse)
    assert not update.rebuilt and update.added > 0 and update.removed > 0
    assert refresh_index(warehouse).articles == 0  # nothing left to do
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copy(db, rebuilt)
    assert refresh_index(Warehouse(rebuilt), rebuild=True).rebuilt
    updated, fresh = scores(db), scores(rebuilt)
    for query in QUERIES:
        assert updated[query].keys() == fresh[query].keys(), query
        assert updated[query] == pytest.approx(fresh[query], rel=1e-12), query
    assert any(updated[q] for q in QUERIES)
    assert not any(k.startswith(gone) for q in QUERIES for k in updated[q])


def test_search_builds_a_missing_index_first(tmp_path: Path) -> None:
    db = tmp_path / "fresh.duckdb"
    load(Warehouse(db), sorted(SEEDS.glob("*.txt")), "run-1")
    result = peninsula("search", "Stockholm", "--db", db, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "search index rebuilt" in result.stderr
    assert json.loads(result.stdout.splitlines()[0])["source"] in ("voa", "yonhap")


def test_the_official_cli_searches_the_same_index(desk_db: Path) -> None:
    cli = Path(sys.executable).parent / "duckdb"
    sql = (
        f"LOAD '{fts_extension_path()}'; "
        f"SELECT passage_id FROM (SELECT passage_id, {INDEX}.match_bm25(passage_id, "
        "'Stockholm talks') AS score FROM search_passages) WHERE score IS NOT NULL "
        "ORDER BY score DESC, passage_id LIMIT 3;"
    )
    result = subprocess.run(
        [str(cli), "-readonly", "-csv", "-noheader", str(desk_db), "-c", sql],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = scores(desk_db)["Stockholm talks"]
    best = sorted(expected, key=lambda k: (-expected[k], k))[:3]
    assert result.stdout.split() == best


def test_passages_cover_titles_paragraphs_and_quotes(desk_db: Path) -> None:
    conn = duckdb.connect(str(desk_db), read_only=True)
    counts = dict(conn.execute(
        "SELECT kind = 'quote', count(*) FROM search_passages GROUP BY ALL"
    ).fetchall())  # fmt: skip
    articles, paragraphs, quotes = (
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("articles", "paragraphs", "quotes")
    )
    conn.close()
    assert counts == {False: articles + paragraphs, True: quotes}
    assert PASSAGES.exists()
