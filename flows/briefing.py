"""What the desk commands print: a briefing for a terminal, or CSV / JSON for tools.

`--format table` is for reading (rich tables, matches highlighted); `csv` has a header
row and one row per item; `json` is one object per line (the record of `who` is one
object). The text of articles is shown as text, never read as markup.
"""

from __future__ import annotations

import csv
import difflib
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from parsers.extraction.reference import Reference
from parsers.highlight import snippet
from parsers.name_lookup import REFERENCE_ENTITY_PREFIX
from warehouse.browse import EntityRecord, QuoteRow, TimelineEvent
from warehouse.digest import Digest
from warehouse.search import SearchResult

OutputFormat = Literal["table", "csv", "json"]
OUTPUT_FORMATS: tuple[str, ...] = ("table", "csv", "json")
MATCH_STYLE = "bold black on yellow"


# -- how values read ----------------------------------------------------------------------


def display_date(day: date | None, precision: str = "day") -> str:
    """An event date as precise as it is known: 2018-06-12, 2018-06 or 2018."""
    if day is None or precision == "unknown":
        return ""
    if precision == "year":
        return f"{day:%Y}"
    if precision == "month":
        return f"{day:%Y-%m}"
    return day.isoformat()


def display_day(moment: datetime | None) -> str:
    """The local day of a publication time."""
    return moment.astimezone().strftime("%Y-%m-%d") if moment else "undated"


# Saved text that starts at its dateline has no headline; tables and feeds still need words.
NO_HEADLINE = "(no headline)"


def headline(title: str | None) -> str:
    return title or NO_HEADLINE


def event_title(event: TimelineEvent) -> str:
    when = display_date(event.event_date, event.date_precision) or "undated"
    return f"{when} {event.event_type}: {event.summary}"


def _iso(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def parse_day(text: str, option: str, *, end: bool = False) -> date:
    """YYYY-MM-DD, YYYY-MM or YYYY: the first day of that period (its last with `end`)."""
    parts = text.strip().split("-")
    try:
        if len(parts) == 1:
            year = int(parts[0])
            return date(year, 12, 31) if end else date(year, 1, 1)
        if len(parts) == 2:
            first = date(int(parts[0]), int(parts[1]), 1)
            if not end:
                return first
            return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{option} {text!r}: expected a day (2018-06-12), a month (2018-06) or a year (2018)"
        ) from None


def closest(word: str, choices: Iterable[str]) -> str:
    """', did you mean X?' for a mistyped choice, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.5)
    return f"; did you mean {' or '.join(close)}?" if close else ""


# -- writers ----------------------------------------------------------------------------


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else _iso(v) for v in row])


def write_json_lines(records: Iterable[dict[str, Any]]) -> None:
    for record in records:
        print(json.dumps(record, ensure_ascii=False, default=_iso))


# -- search -----------------------------------------------------------------------------


def show_search(result: SearchResult, fmt: OutputFormat, out: Console) -> None:
    if fmt == "table":
        table = Table("#", "date", "outlet", "article and passage", show_lines=True)
        for rank, hit in enumerate(result.hits, 1):
            cut = snippet(hit.passage, result.matches)
            cell = Text(headline(hit.title), style="bold")
            detail = f"{hit.kind}"
            if hit.speaker:
                detail += f", {hit.speaker}"
            if hit.matching_passages > 1:
                detail += f"; {hit.matching_passages} passages match"
            cell.append(f"  ({detail}; score {hit.score:.2f})\n", style="dim")
            passage = Text(cut.text)
            for start, end in cut.marks:
                passage.stylize(MATCH_STYLE, start, end)
            cell.append_text(passage)
            if hit.url:
                cell.append(f"\n{hit.url}", style="dim")
            table.add_row(str(rank), display_day(hit.published_at), hit.source, cell)
        out.print(table)
        return
    records = []
    for rank, hit in enumerate(result.hits, 1):
        cut = snippet(hit.passage, result.matches)
        records.append(
            {
                "rank": rank,
                "score": round(hit.score, 4),
                "published_at": hit.published_at,
                "source": hit.source,
                "title": hit.title,
                "url": hit.url,
                "article_id": hit.article_id,
                "kind": hit.kind,
                "speaker": hit.speaker,
                "passage": cut.text,
                "matched": " ".join(dict.fromkeys(cut.text[a:b] for a, b in cut.marks)),
                "marked": cut.marked("**", "**"),
            }
        )
    _write_records(records, fmt, SEARCH_COLUMNS)


# The columns of each listing in CSV (the keys of each JSON object), in order: a CSV of
# nothing found still has its header.
SEARCH_COLUMNS = ("rank", "score", "published_at", "source", "title", "url", "article_id",
                  "kind", "speaker", "passage", "matched", "marked")  # fmt: skip
TIMELINE_COLUMNS = ("date", "event_date", "date_precision", "event_type", "modality", "summary",
                    "actors", "place", "sources", "articles", "event_id")  # fmt: skip
QUOTE_COLUMNS = ("published_at", "speaker", "text", "partial", "source", "title", "url",
                 "article_id")  # fmt: skip
DIGEST_COLUMNS = ("kind", "date", "source", "title", "text", "url", "id")


def _write_records(
    records: list[dict[str, Any]], fmt: OutputFormat, columns: Sequence[str]
) -> None:
    if fmt == "json":
        write_json_lines(records)
    else:
        write_csv(columns, ([_flat(r[c]) for c in columns] for r in records))


def _flat(value: Any) -> Any:
    """A value for a CSV cell: lists joined."""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return value


# -- timeline ---------------------------------------------------------------------------


def _actors_text(event: TimelineEvent) -> str:
    return "; ".join(a.name for a in event.actors)


def timeline_records(events: Sequence[TimelineEvent]) -> list[dict[str, Any]]:
    return [
        {
            "date": display_date(e.event_date, e.date_precision),
            "event_date": e.event_date,
            "date_precision": e.date_precision,
            "event_type": e.event_type,
            "modality": e.modality,
            "summary": e.summary,
            "actors": [
                {"name": a.name, "role": a.role, "entity_id": a.entity_id} for a in e.actors
            ],
            "place": e.place,
            "sources": list(e.sources),
            "articles": e.articles,
            "event_id": e.event_id,
        }
        for e in events
    ]


def show_timeline(
    events: Sequence[TimelineEvent], fmt: OutputFormat, out: Console, title: str
) -> None:
    if fmt == "table":
        table = Table("date", "type", "what happened", "who", "where", "outlets", title=title)
        for e in events:
            what = (
                e.summary
                if e.modality in ("asserted", "reported")
                else (f"{e.summary} [{e.modality}]")
            )
            table.add_row(
                display_date(e.event_date, e.date_precision),
                e.event_type,
                Text(what),
                Text(_actors_text(e)),
                Text(e.place or ""),
                Text(f"{', '.join(e.sources)} ({e.articles})"),
            )
        out.print(table)
        return
    records = timeline_records(events)
    if fmt == "csv":
        for record in records:
            record["actors"] = "; ".join(f"{a['name']} ({a['role']})" for a in record["actors"])
    _write_records(records, fmt, TIMELINE_COLUMNS)


# -- quotes -----------------------------------------------------------------------------


def quote_records(quotes: Sequence[QuoteRow]) -> list[dict[str, Any]]:
    return [
        {
            "published_at": q.published_at,
            "speaker": q.speaker,
            "text": q.text,
            "partial": q.partial,
            "source": q.source,
            "title": q.title,
            "url": q.url,
            "article_id": q.article_id,
        }
        for q in quotes
    ]


def show_quotes(quotes: Sequence[QuoteRow], fmt: OutputFormat, out: Console, title: str) -> None:
    if fmt == "table":
        out.print(_quotes_table(quotes, title))
        return
    _write_records(quote_records(quotes), fmt, QUOTE_COLUMNS)


def _quotes_table(quotes: Sequence[QuoteRow], title: str | None = None) -> Table:
    table = Table("date", "speaker", "quote", "outlet", "article", title=title)
    for q in quotes:
        words = f"\u201c{q.text}\u201d" if not q.partial else f"\u201c\u2026{q.text}\u2026\u201d"
        table.add_row(
            display_day(q.published_at),
            Text(q.speaker),
            Text(words),
            q.source,
            Text(headline(q.title)),
        )
    return table


# -- who --------------------------------------------------------------------------------


def who_record(
    entity_id: str, name: str, record: EntityRecord | None, reference: Reference
) -> dict[str, Any]:
    """The whole answer to `who` as one plain structure (the JSON, and what the table
    and CSV show)."""
    actor = None
    if entity_id.startswith(REFERENCE_ENTITY_PREFIX):
        actor = reference.actors.get(entity_id.removeprefix(REFERENCE_ENTITY_PREFIX))
    aliases = list(actor.aliases) if actor else []
    if record:
        aliases += [a for a in record.aliases if a not in aliases and a != name]
    offices = []
    for office in actor.offices if actor else ():
        holder = reference.actors.get(office.of)
        offices.append(
            {
                "title": office.title,
                "of": holder.name if holder else office.of,
                "start": office.start,
                "end": office.end,
            }
        )
    return {
        "entity_id": entity_id,
        "name": name,
        "type": record.entity_type if record else (actor.type if actor else None),
        "country": record.country_iso3 if record else (actor.country if actor else None),
        "hangul": actor.hangul if actor else None,
        "wikidata": (record.wikidata_id if record else None) or (actor.wikidata if actor else None),
        "aliases": aliases,
        "offices": offices,
        "roles_in_texts": [
            {"role": r.role, "affiliation": r.affiliation, "articles": r.articles}
            for r in (record.roles if record else [])
        ],
        "events": record.event_total if record else 0,
        "latest_events": [
            {**timeline_records([x.event])[0], "role": x.role}
            for x in (record.events if record else [])
        ],
        "quotes": record.quote_total if record else 0,
        "latest_quotes": quote_records(record.quotes if record else []),
        "mentions_by_month": [
            {"month": month or "undated", "mentions": mentions, "articles": articles}
            for month, mentions, articles in (record.mentions_by_month if record else [])
        ],
        "in_warehouse": record is not None,
    }


def show_who(who: dict[str, Any], fmt: OutputFormat, out: Console) -> None:
    if fmt == "json":
        print(json.dumps(who, ensure_ascii=False, default=_iso, indent=2))
        return
    if fmt == "csv":
        write_csv(("section", "item", "detail", "date"), _who_rows(who))
        return
    head = Text(who["name"], style="bold")
    facts = [x for x in (who["type"], who["country"], who["hangul"], who["wikidata"]) if x]
    head.append(f"  {' · '.join(facts)}  ({who['entity_id']})", style="dim")
    out.print(head)
    if who["aliases"]:
        out.print(Text("also written: " + ", ".join(who["aliases"])))
    if not who["in_warehouse"]:
        out.print(Text("Not mentioned in this warehouse yet.", style="yellow"))
    if who["offices"]:
        table = Table("office", "of", "from", "to", title="offices (reference)")
        for o in who["offices"]:
            table.add_row(o["title"], o["of"], o["start"], o["end"] or "(in office)")
        out.print(table)
    if who["roles_in_texts"]:
        table = Table("role", "affiliation", "articles", title="what the texts called them")
        for r in who["roles_in_texts"]:
            table.add_row(Text(r["role"]), Text(r["affiliation"] or ""), str(r["articles"]))
        out.print(table)
    if who["latest_events"]:
        table = Table(
            "date", "type", "role", "what happened", "outlets",
            title=f"latest events ({len(who['latest_events'])} of {who['events']})",
        )  # fmt: skip
        for e in who["latest_events"]:
            table.add_row(
                e["date"] or "undated", e["event_type"], e["role"], Text(e["summary"]),
                ", ".join(e["sources"]),
            )  # fmt: skip
        out.print(table)
    if who["latest_quotes"]:
        quotes = [QuoteRow(**q) for q in who["latest_quotes"]]
        out.print(_quotes_table(quotes, f"latest quotes ({len(quotes)} of {who['quotes']})"))
    if who["mentions_by_month"]:
        table = Table("month", "mentions", "articles", title="mentions per month (publication)")
        for m in who["mentions_by_month"]:
            table.add_row(m["month"], str(m["mentions"]), str(m["articles"]))
        out.print(table)


def _who_rows(who: dict[str, Any]) -> Iterable[tuple[str, str, str, str]]:
    yield ("entity", who["name"], who["entity_id"], "")
    for key in ("type", "country", "hangul", "wikidata"):
        if who[key]:
            yield (key, str(who[key]), "", "")
    for alias in who["aliases"]:
        yield ("alias", alias, "", "")
    for o in who["offices"]:
        yield ("office", o["title"], o["of"], f"{o['start']}/{o['end'] or ''}")
    for r in who["roles_in_texts"]:
        yield ("role", r["role"], r["affiliation"] or "", f"{r['articles']} articles")
    for e in who["latest_events"]:
        yield ("event", e["summary"], f"{e['event_type']} ({e['role']})", e["date"])
    for q in who["latest_quotes"]:
        yield ("quote", q["text"], q["source"], display_day(q["published_at"]))
    for m in who["mentions_by_month"]:
        yield ("mentions", str(m["mentions"]), f"{m['articles']} articles", m["month"])


# -- digest -----------------------------------------------------------------------------


def show_digest(digest: Digest, fmt: OutputFormat, out: Console) -> None:
    if fmt == "table":
        out.print(Text(f"New since {digest.since}:", style="bold"))
        articles = Table("published", "outlet", "title", title=f"articles ({len(digest.articles)})")
        for a in digest.articles:
            articles.add_row(display_day(a.published_at), a.source, Text(headline(a.title)))
        out.print(articles)
        show_timeline(digest.events, "table", out, f"events ({len(digest.events)})")
        out.print(_quotes_table(digest.quotes, f"quotes ({len(digest.quotes)})"))
        return
    records: list[dict[str, Any]] = []
    for a in digest.articles:
        records.append(
            {"kind": "article", "date": display_day(a.published_at), "source": a.source,
             "title": a.title, "text": "", "url": a.url, "id": a.article_id}
        )  # fmt: skip
    for e in digest.events:
        records.append(
            {"kind": "event", "date": display_date(e.event_date, e.date_precision),
             "source": ", ".join(e.sources), "title": f"{e.event_type}: {_actors_text(e)}",
             "text": e.summary, "url": None, "id": e.event_id}
        )  # fmt: skip
    for q in digest.quotes:
        records.append(
            {"kind": "quote", "date": display_day(q.published_at), "source": q.source,
             "title": q.speaker, "text": q.text, "url": q.url, "id": q.article_id}
        )  # fmt: skip
    _write_records(records, fmt, DIGEST_COLUMNS)
