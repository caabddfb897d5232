"""Full-text search over titles, paragraphs and quotes: DuckDB's fts extension, BM25.

The extension comes from PyPI (`duckdb-extension-fts`, DuckDB's own signed binary for
this DuckDB version) and is loaded by path with signature checks on: nothing is
downloaded. Its index is a snapshot: `PRAGMA create_fts_index` builds it from a table and
nothing in the extension (1.5.5) updates it afterwards. Its index is plain tables (docs,
terms, dict, stats) and its tokenizer is a macro, so `refresh_index` keeps it current by
tokenizing only the passages that changed, with the extension's own tokenizer, stopwords
and stemmer, and updating the counts BM25 reads; a test holds it to the scores of a full
rebuild. It rebuilds from scratch only when there is no index yet, when the index was
built with other settings, or when most passages changed (a reprocess).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb

from parsers.highlight import words_of
from warehouse.schema import LATEST_VERSION, current_version
from warehouse.store import Warehouse, WarehouseError
from warehouse.transaction import transaction

PASSAGES = "search_passages"
INDEX = f"fts_main_{PASSAGES}"
STEMMER = "porter"
STOPWORDS = "english"
# Words are runs of letters and digits: "Hwasong-17" is found as hwasong and as 17, and
# Hangul words are kept whole (the extension's default pattern drops every digit).
IGNORE = r"[^\p{L}\p{N}]+"
# Rebuild rather than update when more than this share of the passages changed.
REBUILD_SHARE = 0.5
# The index's own tables and columns, as fts 1.5.5 builds them: an index of another
# shape is rebuilt, never patched.
INDEX_LAYOUT = {
    "docs": ("docid", "name", "len"),
    "terms": ("docid", "fieldid", "termid"),
    "dict": ("termid", "term", "df"),
    "stats": ("num_docs", "avgdl"),
    "fields": ("fieldid", "field"),
    "stopwords": ("sw",),
}

# Which version of an article the passages came from: any rewrite of the article row
# (another document, a reparse: another run id) or another derivation changes it.
_SIGNATURE = "hash(a.doc_id, a.run_id, coalesce(a.extractor_version, ''))"

# Every passage of the articles listed in `desk_touched`: the one definition of what is
# searchable.
_PASSAGES_OF_TOUCHED = """
SELECT a.article_id || '#title' AS passage_id, a.article_id, 'title' AS kind,
       NULL::INTEGER AS seq, NULL::VARCHAR AS quote_id, a.title AS text
FROM articles a JOIN desk_touched USING (article_id)
UNION ALL
SELECT p.article_id || '#p' || p.seq, p.article_id, p.kind, p.seq, NULL, p.text
FROM paragraphs p JOIN desk_touched USING (article_id)
UNION ALL
SELECT q.article_id || '#q' || q.quote_id, q.article_id, 'quote', q.paragraph_seq,
       q.quote_id, q.text
FROM quotes q JOIN desk_touched USING (article_id)
"""


class SearchUnavailable(WarehouseError):
    """The fts extension cannot be found or loaded: search cannot run here."""


@cache
def fts_extension_path() -> Path:
    """The fts binary of the installed `duckdb-extension-fts`, for this DuckDB version."""
    version = duckdb.__version__
    try:
        root = resources.files("duckdb_extension_fts")
    except ModuleNotFoundError:
        raise SearchUnavailable(
            f"the fts extension is not installed: install duckdb-extension-fts=={version} "
            "(make install does)"
        ) from None
    path = Path(str(root.joinpath("extensions", f"v{version}", "fts.duckdb_extension")))
    if not path.is_file():
        raise SearchUnavailable(
            f"{path}: no fts extension for DuckDB {version} (duckdb-extension-fts must be "
            "the same version as duckdb)"
        )
    return path


def load_fts(conn: duckdb.DuckDBPyConnection) -> None:
    """Load the extension by path; DuckDB checks its signature (unsigned ones are refused)."""
    path = fts_extension_path()
    try:
        conn.execute(f"LOAD '{_sql_string(str(path))}'")
    except duckdb.Error as exc:
        raise SearchUnavailable(f"{path}: the fts extension did not load: {exc}") from None


def index_settings() -> str:
    """What the index is built with; stored beside it, compared before every update."""
    return f"fts {duckdb.__version__}; stemmer={STEMMER}; stopwords={STOPWORDS}; ignore={IGNORE}"


@dataclass(frozen=True, slots=True)
class IndexRefresh:
    """What one refresh did to the search index."""

    articles: int  # articles re-indexed (new, changed or gone)
    added: int  # passages added
    removed: int  # passages removed
    rebuilt: bool  # built from scratch rather than updated
    passages: int  # passages in the index now
    seconds: float

    def describe(self) -> str:
        if not self.articles and not self.rebuilt:
            return f"search index current ({self.passages} passages)"
        how = "rebuilt" if self.rebuilt else "updated"
        return (
            f"search index {how}: {self.articles} articles, +{self.added} -{self.removed} "
            f"passages, {self.passages} in all ({self.seconds:.2f} s)"
        )


def refresh_index(warehouse: Warehouse, *, rebuild: bool = False) -> IndexRefresh:
    """Bring the passages and their fts index up to the articles, paragraphs and quotes.

    One transaction: a refresh that fails leaves the previous index as it was.
    """
    started = time.perf_counter()
    with warehouse.writer() as conn:
        load_fts(conn)
        with transaction(conn):
            touched, added, removed = _update_passages(conn)
            total = _count(conn, f"SELECT count(*) FROM {PASSAGES}")
            rebuild = (
                rebuild
                or not _index_usable(conn)
                or (added + removed) > REBUILD_SHARE * max(total, 1)
            )
            if rebuild:
                _build_index(conn)
            elif touched:
                _update_index(conn)
            if rebuild or touched:
                _note_index(conn, rebuilt=rebuild)
    return IndexRefresh(touched, added, removed, rebuild, total, time.perf_counter() - started)


def index_lag(warehouse: Warehouse) -> int | None:
    """Articles the index does not yet reflect; None when the file needs a migration or
    has no index yet (a refresh builds it)."""
    if not warehouse.path.exists():
        return None
    with _read_any_version(warehouse) as conn:
        if current_version(conn) < LATEST_VERSION or not _index_usable(conn):
            return None
        return _count(
            conn,
            f"""
            SELECT count(*) FROM (
                SELECT a.article_id, {_SIGNATURE} AS signature FROM articles a
                EXCEPT SELECT article_id, signature FROM search_articles
                UNION ALL
                SELECT article_id, signature FROM search_articles
                EXCEPT SELECT a.article_id, {_SIGNATURE} FROM articles a
            )
            """,
        )


@contextlib.contextmanager
def _read_any_version(warehouse: Warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection that does not insist on the latest schema (to ask whether
    a refresh, which migrates, is due)."""
    conn = warehouse._connect(read_only=True)
    try:
        yield conn
    finally:
        conn.close()


def _update_passages(conn: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """Replace the passages of new, changed and removed articles; returns how many
    articles, passages added, passages removed."""
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE desk_touched AS
        SELECT a.article_id, {_SIGNATURE} AS signature FROM articles a
        EXCEPT SELECT article_id, signature FROM search_articles
        """
    )
    conn.execute(
        """
        CREATE OR REPLACE TEMP TABLE desk_gone AS
        SELECT article_id FROM search_articles
        WHERE article_id NOT IN (SELECT article_id FROM articles)
        UNION SELECT article_id FROM desk_touched
        """
    )
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE desk_old_passages AS
        SELECT passage_id FROM {PASSAGES}
        WHERE article_id IN (SELECT article_id FROM desk_gone)
        """
    )
    conn.execute(f"DELETE FROM {PASSAGES} WHERE article_id IN (SELECT article_id FROM desk_gone)")
    conn.execute(f"INSERT INTO {PASSAGES} BY NAME {_PASSAGES_OF_TOUCHED}")
    conn.execute(
        "DELETE FROM search_articles WHERE article_id IN (SELECT article_id FROM desk_gone)"
    )
    conn.execute("INSERT INTO search_articles BY NAME SELECT * FROM desk_touched")
    touched = _count(conn, "SELECT count(*) FROM desk_gone")
    removed = _count(conn, "SELECT count(*) FROM desk_old_passages")
    added = _count(
        conn,
        f"SELECT count(*) FROM {PASSAGES} WHERE article_id IN "
        "(SELECT article_id FROM desk_touched)",
    )
    return touched, added, removed


def _index_usable(conn: duckdb.DuckDBPyConnection) -> bool:
    """An index of the expected layout, built with the current settings."""
    rows = conn.execute(
        "SELECT table_name, list(column_name ORDER BY ordinal_position)"
        " FROM information_schema.columns WHERE table_schema = ? GROUP BY table_name",
        [INDEX],
    ).fetchall()
    layout = {table: tuple(columns) for table, columns in rows}
    if any(layout.get(t) != columns for t, columns in INDEX_LAYOUT.items()):
        return False
    built = conn.execute("SELECT settings FROM search_index").fetchall()
    return built == [(index_settings(),)]


def _build_index(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(
        f"PRAGMA create_fts_index('{PASSAGES}', 'passage_id', 'text',"
        f" stemmer = '{STEMMER}', stopwords = '{STOPWORDS}', ignore = '{_sql_string(IGNORE)}',"
        " strip_accents = 1, lower = 1, overwrite = 1)"
    )


def _update_index(conn: duckdb.DuckDBPyConnection) -> None:
    """Apply the passage changes to the index as create_fts_index would have built it:
    the same tokenizer (the index's own macro), stopwords, stemmer and counts."""
    # Forget the passages that went: their terms, their share of each term's df.
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE desk_gone_docs AS
        SELECT docid FROM {INDEX}.docs
        WHERE name IN (SELECT passage_id FROM desk_old_passages)
        """
    )
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE desk_gone_df AS
        SELECT termid, count(DISTINCT docid) AS n FROM {INDEX}.terms
        WHERE docid IN (SELECT docid FROM desk_gone_docs) GROUP BY termid
        """
    )
    conn.execute(f"DELETE FROM {INDEX}.terms WHERE docid IN (SELECT docid FROM desk_gone_docs)")
    conn.execute(f"DELETE FROM {INDEX}.docs WHERE docid IN (SELECT docid FROM desk_gone_docs)")
    conn.execute(
        f"UPDATE {INDEX}.dict SET df = dict.df - g.n FROM desk_gone_df g"
        " WHERE dict.termid = g.termid"
    )
    conn.execute(f"DELETE FROM {INDEX}.dict WHERE df <= 0")
    # Tokenize the new passages: numbered after the highest docid still in use.
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE desk_new_docs AS
        SELECT (SELECT coalesce(max(docid), -1) FROM {INDEX}.docs)
                   + row_number() OVER (ORDER BY passage_id) AS docid,
               passage_id AS name, text
        FROM {PASSAGES} WHERE article_id IN (SELECT article_id FROM desk_touched)
        """
    )
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE desk_new_terms AS
        WITH tokens AS (
            SELECT docid, unnest({INDEX}.tokenize(text)) AS w FROM desk_new_docs
        )
        SELECT docid, stem(w, '{STEMMER}') AS term FROM tokens
        WHERE w IS NOT NULL AND len(w) > 0
          AND w NOT IN (SELECT sw FROM {INDEX}.stopwords)
        """
    )
    conn.execute(
        f"""
        INSERT INTO {INDEX}.dict BY NAME
        SELECT (SELECT coalesce(max(termid), -1) FROM {INDEX}.dict)
                   + row_number() OVER (ORDER BY term) AS termid,
               term, 0 AS df
        FROM (SELECT DISTINCT term FROM desk_new_terms
              WHERE term NOT IN (SELECT term FROM {INDEX}.dict))
        """
    )
    conn.execute(
        f"""
        INSERT INTO {INDEX}.terms BY NAME
        SELECT t.docid, 0 AS fieldid, d.termid
        FROM desk_new_terms t JOIN {INDEX}.dict d USING (term)
        """
    )
    conn.execute(
        f"""
        INSERT INTO {INDEX}.docs BY NAME
        SELECT n.docid, n.name, count(t.term) AS len
        FROM desk_new_docs n LEFT JOIN desk_new_terms t USING (docid)
        GROUP BY n.docid, n.name
        """
    )
    conn.execute(
        f"""
        UPDATE {INDEX}.dict SET df = dict.df + a.n
        FROM (SELECT term, count(DISTINCT docid) AS n FROM desk_new_terms GROUP BY term) a
        WHERE dict.term = a.term
        """
    )
    conn.execute(f"DELETE FROM {INDEX}.stats")
    conn.execute(
        f"INSERT INTO {INDEX}.stats SELECT count(docid), sum(len) / count(len) FROM {INDEX}.docs"
    )


def _note_index(conn: duckdb.DuckDBPyConnection, *, rebuilt: bool) -> None:
    now = datetime.now(UTC)
    if rebuilt:
        conn.execute("DELETE FROM search_index")
        conn.execute("INSERT INTO search_index VALUES (?, ?, ?)", [index_settings(), now, now])
    else:
        conn.execute("UPDATE search_index SET updated_at = ?", [now])


# -- searching ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An article and the passage of it that matched the query best."""

    score: float
    article_id: str
    title: str | None
    source: str
    published_at: datetime | None
    url: str | None
    kind: str  # the passage: title, body, caption, subhead or quote
    passage: str
    speaker: str | None  # of a quote
    matching_passages: int  # how many passages of the article matched


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: list[SearchHit]
    # The query's terms as the index stems them, and the stems of every word of the
    # passages found: a word is highlighted when its stems meet the query's.
    query_stems: frozenset[str]
    word_stems: dict[str, frozenset[str]]

    def matches(self, word: str) -> bool:
        return not self.word_stems.get(word, frozenset()).isdisjoint(self.query_stems)


def search(
    warehouse: Warehouse,
    query: str,
    *,
    since: date | None = None,
    source: str | None = None,
    limit: int = 10,
) -> SearchResult:
    """The best articles for the query, ranked by BM25 of their best passage."""
    with warehouse.reader() as conn:
        load_fts(conn)
        if not _index_usable(conn):
            raise WarehouseError(
                f"{warehouse.path}: no search index yet; it is built at the end of every "
                "run, or by `peninsula search` on a file it can write"
            )
        rows = conn.execute(
            f"""
            -- Score every passage once (the macro), keep the matches, then the best
            -- passage of each article; the text is fetched for the shown ones only.
            WITH scored AS MATERIALIZED (
                SELECT * FROM (
                    SELECT p.passage_id, p.article_id, p.kind,
                           {INDEX}.match_bm25(p.passage_id, $query) AS score
                    FROM {PASSAGES} p
                ) WHERE score IS NOT NULL
            ),
            best AS (
                SELECT s.article_id, max(s.score) AS score,
                       -- a quote over the paragraph holding it: it names the speaker
                       arg_max(s.passage_id, (s.score, s.kind = 'quote')) AS passage_id,
                       count(*) AS matching
                FROM scored s JOIN articles a USING (article_id)
                WHERE ($since::DATE IS NULL OR a.published_at >= $since)
                  AND ($source::VARCHAR IS NULL OR a.source = $source)
                GROUP BY s.article_id
                ORDER BY score DESC, s.article_id
                LIMIT $limit
            )
            SELECT b.score, b.article_id, a.title, a.source, a.published_at, a.url, p.kind,
                   p.text, coalesce(n.name, q.speaker_text), b.matching
            FROM best b
            JOIN articles a USING (article_id)
            JOIN {PASSAGES} p USING (passage_id)
            LEFT JOIN quotes q ON q.quote_id = p.quote_id
            LEFT JOIN entities n ON n.entity_id = q.speaker_entity_id
            ORDER BY b.score DESC, b.article_id
            """,
            {"query": query, "since": since, "source": source, "limit": limit},
        ).fetchall()
        hits = [SearchHit(*row) for row in rows]
        query_stems = _query_stems(conn, query)
        words = {w for hit in hits for w in words_of(hit.passage)}
        return SearchResult(hits, query_stems, _stems(conn, sorted(words)))


def _query_stems(conn: duckdb.DuckDBPyConnection, query: str) -> frozenset[str]:
    """The terms the index looks up for a query (its stopwords never match)."""
    rows = conn.execute(
        f"""
        SELECT DISTINCT stem(t, '{STEMMER}')
        FROM (SELECT unnest({INDEX}.tokenize(?)) AS t)
        WHERE len(t) > 0 AND t NOT IN (SELECT sw FROM {INDEX}.stopwords)
        """,
        [query],
    ).fetchall()
    return frozenset(r[0] for r in rows)


def _stems(conn: duckdb.DuckDBPyConnection, texts: Sequence[str]) -> dict[str, frozenset[str]]:
    """Each text as the index sees it: the stems of its tokens (stopwords included)."""
    if not texts:
        return {}
    rows = conn.execute(
        f"""
        SELECT w, list(DISTINCT stem(t, '{STEMMER}'))
        FROM (SELECT w, unnest({INDEX}.tokenize(w)) AS t FROM unnest($texts) u(w))
        WHERE len(t) > 0 GROUP BY w
        """,
        {"texts": list(texts)},
    ).fetchall()
    return {w: frozenset(stems) for w, stems in rows}


def _count(conn: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _sql_string(text: str) -> str:
    """A value for a single-quoted SQL literal (where a parameter cannot go)."""
    return text.replace("'", "''")
