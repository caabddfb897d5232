"""`peninsula`: ingest saved articles, query the warehouse, see what is in it.

Only `ingest` imports Prefect (slow to import, starts a server); `sql` and `status`
open the DuckDB file read-only and answer at once.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.files import DEFAULT_BATCH_BYTES, DEFAULT_MAX_FILE_BYTES
from flows.serve_session import FEEDS_EVERY_MINUTES
from flows.settings import INBOX_ENV, inbox_folders, sources_path, warehouse_path
from warehouse import Warehouse, WarehouseError

if TYPE_CHECKING:
    from flows.serve import Stopper
    from parsers.name_lookup import NameMatch
    from warehouse.browse import EventFilter

DEFAULT_DB = warehouse_path()
DEFAULT_SOURCES = sources_path()
# Above this many files, `ingest` shows a progress bar.
PROGRESS_BAR_MIN_FILES = 50
# Skipped files named on the terminal; the run's report on the dashboard lists more.
SKIPPED_LISTED = 20

app = typer.Typer(
    help="Korea-diplomacy news into DuckDB: ingest saved articles, query, inspect.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    Path, typer.Option("--db", help="DuckDB file (env PENINSULA_DB).", show_default=True)
]


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


PatternOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Glob (repeatable) of the files of a folder to load, of any type: '*.md'. "
        "Without it, a folder's article files (.txt, .html).",
    ),
]


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files, folders or glob patterns. Default: the bundled seeds/."),
    ] = None,
    db: DbOption = DEFAULT_DB,
    batch_size: Annotated[
        int,
        typer.Option(
            min=1,
            help="Files per load transaction (at most "
            f"{DEFAULT_BATCH_BYTES / 1e6:g} MB of them: big files load in smaller batches).",
        ),
    ] = 1000,
    include: PatternOption = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(help="Glob (repeatable) of files not to load: 'drafts/*'."),
    ] = None,
    max_file_bytes: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Refuse files larger than this many bytes "
            f"(default {DEFAULT_MAX_FILE_BYTES:,}; env PENINSULA_MAX_FILE_BYTES).",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
) -> None:
    """Parse saved article files and load them (the `load-files` Prefect flow), then
    derive entities, quotes and events. Uses the server of a running `peninsula serve`."""
    _refuse_missing(paths or [])
    try:
        # Fail before starting Prefect when the file cannot be written (a lock, a
        # file that is not DuckDB): the flow would only report it less clearly.
        Warehouse(db).check_writable()
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    _use_prefect(verbose)
    from flows.runner import run_load_files  # Prefect is imported only here

    try:
        summary, state_message, ok = run_load_files(
            [str(p) for p in paths] if paths else None,
            db=str(db),
            batch_size=batch_size,
            progress_console=err,
            progress_min_files=PROGRESS_BAR_MIN_FILES,
            include=include,
            exclude=exclude,
            max_file_bytes=max_file_bytes,
        )
    except Exception as exc:
        raise _crash("load-files", exc, verbose) from None
    if summary is None:
        raise fail(f"the load-files run did not finish: {state_message}", code=1)
    counts = summary.report.counts
    out.print(
        f"{counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged, "
        f"{counts.failed} failed ({summary.files} inputs) -> {db}  (run {summary.run_id})",
        highlight=False,
        markup=False,
    )
    if summary.skipped:
        err.print(
            f"{len(summary.skipped)} {'file' if len(summary.skipped) == 1 else 'files'} "
            "skipped, not articles (--include loads others):",
            highlight=False,
            markup=False,
        )
        for path, reason in summary.skipped[:SKIPPED_LISTED]:
            err.print(f"  {path}: {reason}", highlight=False, markup=False, style="dim")
        if len(summary.skipped) > SKIPPED_LISTED:
            err.print(f"  ... and {len(summary.skipped) - SKIPPED_LISTED} more", style="dim")
    _report_end(summary.derive_message, summary.report.failures, ok and summary.derive_ok)


@app.command()
def reprocess(
    db: DbOption = DEFAULT_DB,
    force: Annotated[
        bool, typer.Option("--force", help="Re-derive even when nothing changed.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
) -> None:
    """Re-derive every article from the stored raw documents (after the reference or
    the rules changed): no refetching, no duplicates, stale rows gone."""
    try:
        Warehouse(db).check_writable(must_exist=True)
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    _use_prefect(verbose)
    from flows.runner import run_reprocess

    try:
        _, message, ok = run_reprocess(str(db), force)
    except Exception as exc:
        raise _crash("reprocess", exc, verbose) from None
    out.print(f"reprocess: {message}", highlight=False, markup=False)
    if not ok:
        raise typer.Exit(1)


SourcesOption = Annotated[
    Path,
    typer.Option("--sources", help="The sources file (env PENINSULA_SOURCES).", show_default=True),
]


@app.command(name="ingest-feeds")
def ingest_feeds(
    source: Annotated[
        str | None, typer.Option("--source", help="Poll only the feeds of this source.")
    ] = None,
    sources_file: SourcesOption = DEFAULT_SOURCES,
    db: DbOption = DEFAULT_DB,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
) -> None:
    """Poll the feeds once, fetch new article pages, load them (the `ingest-feeds` flow)."""
    from flows.sources import SourcesError, load_sources

    try:
        load_sources(sources_file).select(source)  # a typo fails before Prefect starts
        Warehouse(db).check_writable()
    except (SourcesError, WarehouseError) as exc:
        raise fail(str(exc)) from None
    _use_prefect(verbose)
    from flows.runner import run_ingest_feeds

    try:
        report, message, ok = run_ingest_feeds(source, str(sources_file), str(db))
    except Exception as exc:
        raise _crash("ingest-feeds", exc, verbose) from None
    if report is None:
        raise fail(f"the ingest-feeds run did not finish: {message}", code=1)
    for outcome in report.feeds:
        detail = outcome.reason or (f"{outcome.entries} entries, {outcome.new_entries} new")
        left = report.pages_left.get(outcome.feed.url)
        detail += f", {left} pages left for later runs" if left else ""
        flags = " ".join(flag.upper() for flag in outcome.flags())
        line = f"{outcome.status:<12} {outcome.feed.url}: {detail} {flags}".rstrip()
        (err if outcome.status == "failed" else out).print(line, highlight=False, markup=False)
    c = report.counts
    out.print(
        f"{report.pages_fetched} pages fetched; {c.new} new, {c.updated} updated, "
        f"{c.unchanged} unchanged, {c.failed} failed articles -> {db}",
        highlight=False,
        markup=False,
    )
    if report.pages_left:
        out.print(
            f"{sum(report.pages_left.values())} pages left for later runs, by "
            + " and ".join(report.left_by),
            highlight=False,
            markup=False,
        )
    _report_end(report.derive_message, report.page_failures, ok and report.derive_ok)


sources_app = typer.Typer(help="The feeds peninsula polls, and their health.")
app.add_typer(sources_app, name="sources")


@sources_app.callback(invoke_without_command=True)
def sources_list(
    ctx: typer.Context,
    sources_file: SourcesOption = DEFAULT_SOURCES,
    db: DbOption = DEFAULT_DB,
) -> None:
    """List every feed of the sources file with its health (from the warehouse)."""
    if ctx.invoked_subcommand is not None:
        return
    from flows.sources import SourcesError, load_sources
    from warehouse.live import feed_health

    try:
        sources = load_sources(sources_file)
    except SourcesError as exc:
        raise fail(str(exc)) from None
    try:
        health = {row["feed_url"]: row for row in feed_health(Warehouse(db))}
    except WarehouseError:
        health = {}  # nothing polled yet: every feed is listed as never polled
    table = Table("source", "parser", "feed", "health", "last success", "entries", "note")
    for feed in sources.feeds:
        row = health.get(feed.url)
        table.add_row(feed.source, feed.parser, feed.url, *_health_cells(row, sources.fetch))
    out.print(table)


def _health_cells(row: dict | None, settings: object) -> tuple[str, str, str, str]:
    from datetime import UTC, datetime

    from flows.feed_pipeline import state_from_row
    from warehouse.live import FEED_STATE_COLUMNS

    if row is None or row.get("last_attempt_at") is None:
        return ("never polled", "-", "-", "")
    state = state_from_row(row["feed_url"], {k: row[k] for k in FEED_STATE_COLUMNS})
    now = datetime.now(UTC)
    if state.unhealthy(settings):  # type: ignore[arg-type]
        health = f"unhealthy ({state.consecutive_failures} failures)"
    elif state.consecutive_failures:
        health = f"failing ({state.consecutive_failures})"
    elif state.stale(now, settings):  # type: ignore[arg-type]
        health = "stale"
    else:
        health = "ok"
    last = (
        state.last_success_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if state.last_success_at
        else "never"
    )
    note = state.last_error or state.last_problem or ""
    if state.next_poll_at and state.next_poll_at > now:
        note = f"{note} (next poll {state.next_poll_at.astimezone():%H:%M})".strip()
    return (health, last, f"{row['entries']} ({row['pending']} pending)", note)


@sources_app.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="The feed's URL (RSS or Atom).")],
    source: Annotated[str, typer.Option("--source", help="Outlet name, e.g. korea-times.")],
    parser: Annotated[
        str, typer.Option("--parser", help="yonhap_html, voa_html or generic.")
    ] = "generic",
    sources_file: SourcesOption = DEFAULT_SOURCES,
) -> None:
    """Add a feed to the sources file (its comments are kept)."""
    from flows.sources import Feed, SourcesError, add_feed

    try:
        updated = add_feed(sources_file, Feed(url=url, source=source, parser=parser))
    except SourcesError as exc:
        raise fail(str(exc)) from None
    out.print(
        f"added {url} ({source}, {parser}) to {sources_file}: {len(updated.feeds)} feeds",
        highlight=False,
        markup=False,
    )


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    sources_file: SourcesOption = DEFAULT_SOURCES,
    port: Annotated[int, typer.Option(help="Port of the Prefect server and its UI.")] = 4200,
    feeds_every: Annotated[
        int, typer.Option("--feeds-every", help="Poll the feeds every this many minutes.")
    ] = FEEDS_EVERY_MINUTES,
    console: Annotated[
        bool,
        typer.Option("--console", help="Show the server's and the runs' logs here too."),
    ] = False,
    inbox: Annotated[
        list[Path] | None,
        typer.Option(
            "--inbox",
            help="A folder load-files/on-demand may read (repeatable; env "
            f"{INBOX_ENV}, folders separated by ':'). Default: "
            f"{':'.join(str(f) for f in inbox_folders())}.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start a Prefect server (unless PREFECT_API_URL names one) and serve the scheduled
    deployments until Ctrl-C: ingest-feeds every 15 minutes, reprocess nightly (Asia/Seoul),
    load-files on demand. Logs go to data/prefect/logs/ (server.log, serve.log)."""
    from flows.prefect_env import configure
    from flows.serve_session import ServeError, check_feeds_interval, serve_until_stopped
    from flows.sources import SourcesError, load_sources

    try:
        load_sources(sources_file)
    except SourcesError as exc:
        raise fail(str(exc)) from None
    if problem := check_feeds_interval(feeds_every):
        raise fail(problem)
    folders = tuple(inbox or inbox_folders())
    try:
        # The runs would fail one by one, each later and less clearly, on a warehouse
        # that cannot be written or an inbox that cannot be made.
        Warehouse(db).check_writable()
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"--inbox {exc.filename}: cannot create the folder: {exc.strerror}") from None
    configure(verbose=True)

    def run(api: str, say: Callable[[str], None], stopper: Stopper) -> None:
        from flows.serve import ServeSettings, run  # Prefect now reads PREFECT_API_URL

        settings = ServeSettings(
            db=db, sources=sources_file, feeds_every_minutes=feeds_every, inbox=folders
        )
        run(settings, api, say, stopper)

    try:
        code = serve_until_stopped(run, port=port, terminal=sys.stdout, echo_logs=console)
    except ServeError as exc:
        raise fail(str(exc), code=1) from None
    # The runner and the server are stopped. What is left are Prefect's background
    # workers, which on a normal interpreter exit would try to hand their last logs and
    # events to the server just stopped and wait out their timeouts (seconds past the
    # promised stop): leave without them.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@app.command(name="run")
def run_now(
    deployment: Annotated[
        str,
        typer.Argument(
            help="load-files/on-demand, ingest-feeds/every-15-minutes or reprocess/nightly "
            "(the part after / is enough)."
        ),
    ],
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="For load-files: files, folders or glob patterns to load."),
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Wait for the run's outcome.")
    ] = True,
) -> None:
    """Run a deployment of the running `peninsula serve` now, in its process, and print
    the outcome: the run shows on the dashboard like a scheduled one."""
    from flows.prefect_env import configure, prefect_home, use_running_server

    _refuse_missing(paths or [])
    configure(verbose=False)
    api = use_running_server()
    if api is None:
        raise fail(
            f"no `peninsula serve` is running on {prefect_home()}: start it (`make serve`) "
            "first; the deployments run in its process",
            code=1,
        )
    from flows.runner import DeploymentNotFound, trigger_deployment

    absolute = [str(p.resolve()) if p.exists() else str(Path.cwd() / p) for p in paths or []]
    try:
        flow_run = trigger_deployment(deployment, absolute or None, wait)
    except DeploymentNotFound as exc:
        raise fail(str(exc)) from None
    state = flow_run.state
    url = f"{api.removesuffix('/api')}/runs/flow-run/{flow_run.id}"
    outcome = (
        f"{state.name}: {state.message}"
        if state and state.message
        else (state.name if state else "unknown")
    )
    out.print(f"{flow_run.name} ({url}): {outcome}", highlight=False, markup=False)
    if wait and not (state and state.is_completed()):
        raise typer.Exit(1)


@app.command(name="eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="A gold file in the peninsula-gold/1 format.")],
) -> None:
    """Ingest a gold file's articles into a temporary warehouse and print the scores."""
    from flows.prefect_env import configure

    configure(verbose=True)  # Prefect's state in the one Prefect home, like every command
    from flows.evaluate import GoldError, evaluate, report

    try:
        result = evaluate(gold)
    except GoldError as exc:
        raise fail(str(exc)) from None
    out.print(report(result), highlight=False, markup=False)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="One SQL statement; the file is opened read-only.")],
    db: DbOption = DEFAULT_DB,
    tz: Annotated[
        str | None,
        typer.Option("--tz", help="Show timestamps in this zone (e.g. Asia/Seoul); default local."),
    ] = None,
    output: Annotated[
        str, typer.Option("--format", "-f", help="table (DuckDB box), csv or json.")
    ] = "table",
) -> None:
    """Run a read-only SQL query over the warehouse and print the result."""
    warehouse = Warehouse(db)
    try:
        if output == "table":
            # Piped output is for reading in full, not for a screen: do not truncate it.
            width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 100_000
            rows = warehouse.show(query, time_zone=tz, max_width=width)
            err.print(f"{rows} row{'s' if rows != 1 else ''}", style="dim")
            return
        columns, records = warehouse.query(query, time_zone=tz)
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    try:
        if output == "csv":
            writer = csv.writer(sys.stdout)
            writer.writerow(columns)
            writer.writerows(records)
        elif output == "json":
            for record in records:
                print(json.dumps(dict(zip(columns, record, strict=True)), default=str))
        else:
            raise fail(f"--format {output!r}: expected table, csv or json")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (head, less) has what it wanted; nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@app.command()
def status(db: DbOption = DEFAULT_DB) -> None:
    """Rows per table and the last ingestion runs."""
    warehouse = Warehouse(db)
    try:
        counts = warehouse.table_counts()
        runs = warehouse.recent_runs()
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    tables = Table("table", "rows", title=str(db))
    for name, count in counts.items():
        tables.add_row(name, str(count))
    out.print(tables)
    recent = Table("started", "flow", "status", "new", "upd", "same", "failed", title="last runs")
    for run in runs:
        recent.add_row(
            run.started_at.astimezone().strftime("%m-%d %H:%M:%S"),
            run.flow_name,
            run.status,
            *(str(n) for n in (run.n_new, run.n_updated, run.n_unchanged, run.n_failed)),
        )
    out.print(recent)
    for run in runs:
        if run.message:
            out.print(f"{run.run_id}: {run.message}", highlight=False, markup=False)


# -- the analyst's desk: search, browse, export, digest -------------------------------

DeskFormat = Annotated[
    str, typer.Option("--format", "-f", help="table (for reading), csv or json (one per line).")
]
SinceOption = Annotated[
    str | None,
    typer.Option("--since", help="From this day on: YYYY-MM-DD, YYYY-MM or YYYY."),
]
SourceOption = Annotated[str | None, typer.Option("--source", help="Only this outlet.")]
# How long a desk command waits for a running ingest before searching a stale index.
INDEX_LOCK_WAIT_SECONDS = 3.0
DEFAULT_TIMELINE_DAYS = 30


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words to find, e.g. "Yongbyon enrichment".')],
    since: SinceOption = None,
    source: SourceOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Articles to show.")] = 10,
    db: DbOption = DEFAULT_DB,
    output: DeskFormat = "table",
) -> None:
    """Full-text search over titles, paragraphs and quotes, ranked by BM25: each article
    once, with its best passage and the matching words highlighted."""
    from flows.briefing import show_search
    from warehouse.search import search as search_index

    fmt = _desk_format(output)
    warehouse = Warehouse(db)
    try:
        _index_current(warehouse)
        _check_source(warehouse, source)
        result = search_index(
            warehouse, query, since=_day(since, "--since"), source=source, limit=limit
        )
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    if not result.query_stems:
        raise fail(f"{query!r}: nothing to search for (only stopwords or punctuation)")
    show_search(result, fmt, out)
    if not result.hits and fmt == "table":
        err.print(f"no article matches {query!r}", style="dim", highlight=False, markup=False)


@app.command()
def timeline(
    since: SinceOption = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Up to this day: YYYY-MM-DD, YYYY-MM or YYYY.")
    ] = None,
    actor: Annotated[
        list[str] | None,
        typer.Option(
            "--actor",
            help="Only events with this actor (any romanization or Hangul); repeat for several.",
        ),
    ] = None,
    event_type: Annotated[
        str | None, typer.Option("--type", help="Only this event type, e.g. WEAPONS_TEST.")
    ] = None,
    source: SourceOption = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Draw events per week (by type, or per actor with "
            "--actor) into this PNG file instead of listing them.",
        ),
    ] = None,
    per: Annotated[str, typer.Option("--per", help="Bars of the picture: week or month.")] = "week",
    db: DbOption = DEFAULT_DB,
    output: DeskFormat = "table",
) -> None:
    """What happened, in date order: date, what, who, where, which outlets (default: the
    last 30 days). Dates known only to the month show as the month."""
    from flows.briefing import show_timeline
    from parsers.extraction.events import EVENT_TYPES
    from warehouse.browse import EventFilter, undated_events
    from warehouse.browse import timeline as read_timeline

    fmt = _desk_format(output)
    if per not in ("week", "month"):
        raise fail(f"--per {per!r}: expected week or month")
    kind = event_type.upper() if event_type else None
    if kind and kind not in EVENT_TYPES:
        from flows.briefing import closest

        raise fail(
            f"--type {event_type!r}: no such event type{closest(kind, EVENT_TYPES)}"
            f" (types: {', '.join(EVENT_TYPES)})"
        )
    warehouse = Warehouse(db)
    try:
        until_day = _day(until, "--until", end=True)
        since_day = _day(since, "--since") or (
            (until_day or date.today()) - timedelta(days=DEFAULT_TIMELINE_DAYS)
        )
        _check_source(warehouse, source)
        actors = _resolve(warehouse, actor or [])
        chosen = EventFilter(
            since=since_day,
            until=until_day,
            event_type=kind,
            actor_ids=tuple(m.entity_id for m in actors),
            source=source,
        )
        if plot is not None:
            _plot_timeline(warehouse, chosen, actors, plot, per)  # type: ignore[arg-type]
            return
        events = read_timeline(warehouse, chosen)
        undated = undated_events(warehouse, chosen)
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    span = f"{since_day} to {until_day or 'today'}"
    who = f" with {', '.join(m.name for m in actors)}" if actors else ""
    show_timeline(events, fmt, out, f"{len(events)} events, {span}{who}")  # type: ignore[arg-type]
    if undated and fmt == "table":
        err.print(
            f"{undated} matching events have no date and are not listed",
            style="dim",
            highlight=False,
        )


def _plot_timeline(
    warehouse: Warehouse, chosen: EventFilter, actors: list[NameMatch], path: Path, per: str
) -> None:
    from flows.plot import events_picture
    from warehouse.browse import event_counts

    names = {m.entity_id: m.name for m in actors} if actors else None
    counts = event_counts(warehouse, chosen, per=per, series_names=names)  # type: ignore[arg-type]
    by = "per actor" if actors else "by type"
    title = f"Events per {per} {by}, {chosen.since} to {chosen.until or date.today()}"
    coarse = "month or year" if per == "week" else "year"
    note = (
        f"{counts.too_coarse} events dated only to the {coarse} are not drawn"
        if counts.too_coarse
        else None
    )
    try:
        path.write_bytes(events_picture(counts, title, note, stacked=not actors))
    except OSError as exc:
        raise fail(f"{path}: cannot write the picture: {exc.strerror}") from None
    drawn = sum(counts.counts.values())
    what = "appearances of the actors" if actors else "events"
    out.print(f"wrote {path}: {title} ({drawn} {what} drawn)", highlight=False, markup=False)


@app.command()
def who(
    name: Annotated[str, typer.Argument(help="A name in any romanization, or in Hangul.")],
    db: DbOption = DEFAULT_DB,
    output: DeskFormat = "table",
) -> None:
    """Who someone (or an organization, a place) is: canonical name, aliases, offices,
    what the texts called them, their latest events and quotes, mentions per month."""
    from flows.briefing import show_who, who_record
    from parsers.extraction.reference import default_reference
    from warehouse.browse import entity_record

    fmt = _desk_format(output)
    warehouse = Warehouse(db)
    try:
        (match,) = _resolve(warehouse, [name])
        record = entity_record(warehouse, match.entity_id)
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    show_who(who_record(match.entity_id, match.name, record, default_reference()), fmt, out)  # type: ignore[arg-type]


@app.command()
def quotes(
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Only quotes of this person (any romanization).")
    ] = None,
    since: SinceOption = None,
    source: SourceOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Quotes to show.")] = 50,
    db: DbOption = DEFAULT_DB,
    output: DeskFormat = "table",
) -> None:
    """Who said what: quotes with speaker, outlet and article, newest first."""
    from flows.briefing import show_quotes
    from warehouse.browse import quotes_said

    fmt = _desk_format(output)
    warehouse = Warehouse(db)
    try:
        speakers = _resolve(warehouse, [speaker] if speaker else [])
        _check_source(warehouse, source)
        found = quotes_said(
            warehouse,
            speaker_ids=[m.entity_id for m in speakers],
            since=_day(since, "--since"),
            source=source,
            limit=limit,
        )
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    title = f"{len(found)} quotes" + (f" of {speakers[0].name}" if speakers else "")
    show_quotes(found, fmt, out, title)  # type: ignore[arg-type]


@app.command(name="export")
def export_dataset(
    dataset: Annotated[str, typer.Argument(help="events, quotes, articles or entities.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="parquet or csv.")] = "parquet",
    since: SinceOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder to write into (default: exports/ beside the warehouse)."
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write one dataset as one file (Parquet or CSV) with a schema note beside it."""
    from flows.briefing import closest
    from warehouse.export import DATASETS, FORMATS, export

    if dataset not in DATASETS:
        raise fail(
            f"{dataset!r}: no such dataset{closest(dataset, DATASETS)} "
            f"(datasets: {', '.join(DATASETS)})"
        )
    if fmt not in FORMATS:
        raise fail(f"--format {fmt!r}: expected {' or '.join(FORMATS)}")
    target = out_dir if out_dir is not None else db.parent / "exports"
    try:
        written = export(Warehouse(db), dataset, fmt, target, since=_day(since, "--since"))  # type: ignore[arg-type]
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"{target}: cannot write there: {exc.strerror}") from None
    out.print(
        f"wrote {written.path} ({written.rows} rows of {written.table_rows} in {dataset}); "
        f"schema: {written.note}",
        highlight=False,
        markup=False,
    )


@app.command()
def digest(
    since_last: Annotated[
        bool,
        typer.Option(
            "--since-last",
            help="What is new since the previous --since-last digest "
            "(the cursor is kept in the warehouse, and moves).",
        ),
    ] = False,
    days: Annotated[
        float, typer.Option(min=0, help="Without --since-last: new in the last N days.")
    ] = 1.0,
    db: DbOption = DEFAULT_DB,
    output: DeskFormat = "table",
) -> None:
    """New articles, events and quotes (first seen after the previous digest, or in the
    last day); also rewrites the Atom feed of new events beside the warehouse."""
    from flows.atom import write_events_feed
    from flows.briefing import show_digest
    from warehouse.digest import digest_since_cursor, digest_since_time

    fmt = _desk_format(output)
    warehouse = Warehouse(db)
    try:
        warehouse.check_writable(must_exist=True)
        found = (
            digest_since_cursor(warehouse)
            if since_last
            else digest_since_time(warehouse, datetime.now(UTC) - timedelta(days=days))
        )
        feed, entries = write_events_feed(warehouse)
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    show_digest(found, fmt, out)  # type: ignore[arg-type]
    err.print(
        f"feed of new events: {feed} ({entries} entries)",
        style="dim",
        highlight=False,
        markup=False,
    )


def _desk_format(output: str) -> str:
    from flows.briefing import OUTPUT_FORMATS

    if output not in OUTPUT_FORMATS:
        raise fail(f"--format {output!r}: expected table, csv or json")
    return output


def _day(text: str | None, option: str, *, end: bool = False) -> date | None:
    from flows.briefing import parse_day

    if text is None:
        return None
    try:
        return parse_day(text, option, end=end)
    except ValueError as exc:
        raise fail(str(exc)) from None


def _resolve(warehouse: Warehouse, names: list[str]) -> list[NameMatch]:
    """Each name to the entity extraction would link it to; a clear error otherwise."""
    if not names:
        return []
    from parsers.extraction.reference import default_reference
    from parsers.name_lookup import NameBook
    from warehouse.browse import known_names

    book = NameBook(default_reference(), known_names(warehouse))
    try:
        return [book.resolve(name) for name in names]
    except LookupError as exc:
        raise fail(str(exc)) from None


def _check_source(warehouse: Warehouse, source: str | None) -> None:
    if source is None:
        return
    from flows.briefing import closest
    from warehouse.browse import known_sources

    sources = known_sources(warehouse)
    if source not in sources:
        raise fail(
            f"--source {source!r}: no articles from it{closest(source, sources)} "
            f"(outlets: {', '.join(sources)})"
        )


def _index_current(warehouse: Warehouse) -> None:
    """Bring the search index up to the warehouse if it lags (a run normally does); when
    a run holds the file, search what is indexed and say so."""
    from warehouse.search import index_lag, refresh_index

    lag = index_lag(warehouse)
    if lag == 0:
        return
    try:
        refresh = refresh_index(
            Warehouse(warehouse.path, lock_wait_seconds=INDEX_LOCK_WAIT_SECONDS)
        )
        err.print(refresh.describe(), style="dim", highlight=False, markup=False)
    except WarehouseError as exc:
        if lag is None:
            raise
        err.print(
            f"searching an index {lag} articles behind ({exc})",
            style="yellow",
            highlight=False,
            markup=False,
        )


def _report_end(derive_message: str | None, failures: list[tuple[str, str]], ok: bool) -> None:
    """The end of an ingest command: the derivation's outcome, each failure, the exit code."""
    if derive_message:
        out.print(f"derive-articles: {derive_message}", highlight=False, markup=False)
    for what, reason in failures:
        err.print(f"failed {what}: {reason}", highlight=False, markup=False, style="red")
    if not ok:
        raise typer.Exit(1)


def _crash(flow_name: str, exc: Exception, verbose: bool) -> Exception:
    """One line for what went wrong; the traceback only when asked for (--verbose)."""
    if isinstance(exc, WarehouseError):
        return fail(str(exc))
    if verbose:
        return exc
    return fail(
        f"{flow_name} crashed: {type(exc).__name__}: {exc} (run with --verbose for details)",
        code=1,
    )


def _use_prefect(verbose: bool) -> None:
    """Settle Prefect's home and server before Prefect is imported: the server of a
    running `peninsula serve` when there is one (seconds), else a temporary one."""
    from flows.prefect_env import configure, use_running_server

    configure(verbose)
    if api := use_running_server():
        err.print(f"Using the Prefect server at {api}", style="dim", highlight=False)
    else:
        err.print("Starting a temporary Prefect server (10-30 s)...", style="dim")


def _refuse_missing(paths: list[Path]) -> None:
    """Paths that name nothing stop the command before anything starts."""
    from flows.files import missing_inputs

    if problems := missing_inputs(paths):
        raise fail("; ".join(f"{p.path}: {p.reason}" for p in problems))


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="peninsula")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
