"""`peninsula eval GOLD.json`: ingest a gold file's articles into a temporary warehouse
and score what comes out against the annotation.

No Prefect here: the same plain functions the flow's tasks call, so that an evaluation
takes seconds and needs no server.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flows.pipeline import (
    default_extractor,
    derive_articles,
    load_parsed,
    parse_files,
    resolve_events,
)
from parsers.scoring import (
    ANATOMY_FIELDS,
    ArticleScore,
    Score,
    same_entity_holds,
    same_event_holds,
    score_article,
)
from warehouse import Warehouse
from warehouse.evaluation import article_views

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class GoldError(ValueError):
    """The gold file cannot be used; the message names the file and the problem."""


@dataclass(slots=True)
class Evaluation:
    articles: list[ArticleScore]
    missing: list[str]  # gold articles that did not load
    same_entity: list[tuple[str, bool]] = field(default_factory=list)
    same_event: list[tuple[str, bool]] = field(default_factory=list)

    def total(self, name: str) -> Score:
        score = Score()
        for article in self.articles:
            score.add(getattr(article, name))
        return score

    @property
    def across(self) -> Score:
        checks = [ok for _, ok in self.same_entity + self.same_event]
        return Score(sum(checks), len(checks))


def load_gold(path: Path) -> dict:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: cannot read the gold file ({exc})") from None
    if not isinstance(gold, dict) or gold.get("format") != "peninsula-gold/1":
        found = gold.get("format") if isinstance(gold, dict) else type(gold).__name__
        raise GoldError(f"{path}: format is {found!r}, expected 'peninsula-gold/1'")
    articles = gold.get("articles")
    if not isinstance(articles, list) or not articles:
        raise GoldError(f"{path}: 'articles' must be a non-empty list")
    for number, entry in enumerate(articles, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise GoldError(f"{path}: article {number} has no 'file'")
        anatomy = entry.get("anatomy", {})
        if not isinstance(anatomy, dict):
            raise GoldError(f"{path}: the anatomy of article {number} is not an object")
        if unknown := sorted(set(anatomy) - ANATOMY_FIELDS):
            raise GoldError(
                f"{path}: article {number} has anatomy field(s) {', '.join(unknown)} that "
                f"this evaluator cannot check; known: {', '.join(sorted(ANATOMY_FIELDS))}"
            )
        for event in entry.get("events", []):
            if not isinstance(event, dict) or "id" not in event:
                raise GoldError(f"{path}: an event of article {number} has no 'id'")
        for field_name in ("entities", "quotes"):
            for item in entry.get(field_name, []):
                if not isinstance(item, dict) or not ({"name", "speaker"} & set(item)):
                    raise GoldError(f"{path}: a {field_name[:-1]} of article {number} is malformed")
    return gold


def article_path(entry: dict, gold_path: Path) -> Path:
    """Gold paths are relative to the project root; try the working folder first."""
    relative = Path(entry["file"])
    for base in (Path.cwd(), PROJECT_ROOT, gold_path.parent):
        if (base / relative).exists():
            return base / relative
    raise GoldError(f"{gold_path}: article file {entry['file']} not found")


def evaluate(gold_path: Path) -> Evaluation:
    gold = load_gold(gold_path)
    entries = gold.get("articles", [])
    paths = [str(article_path(entry, gold_path)) for entry in entries]
    with tempfile.TemporaryDirectory(prefix="peninsula-eval-") as folder:
        warehouse = Warehouse(Path(folder) / "eval.duckdb")
        # A gold `url` says where the text was found, as a sidecar would.
        found_at = {
            path: entry["url"]
            for path, entry in zip(paths, entries, strict=True)
            if isinstance(entry.get("url"), str)
        }
        load_parsed(parse_files(paths, found_at=found_at), warehouse, run_id="eval")
        derive_articles(warehouse.articles_to_derive(default_extractor().version), warehouse)
        resolve_events(warehouse)
        views, entities = article_views(warehouse)
    scores, missing = [], []
    for entry, path in zip(entries, paths, strict=True):
        view = views.get(path)
        if view is None:
            missing.append(entry.get("key") or entry["file"])
            continue
        scores.append(score_article(entry, view))
    result = Evaluation(scores, missing)
    across = gold.get("across_articles", {})
    for pair in across.get("same_entity", []):
        result.same_entity.append((" = ".join(pair), same_entity_holds(pair, entities)))
    events = {e.event_id: e for v in views.values() for e in v.events}
    for item in across.get("same_event", []):
        result.same_event.append((item["id"], same_event_holds(item, scores, events)))
    return result


def report(result: Evaluation) -> str:
    lines = []
    header = (
        f"{'article':<44} {'entities R':>13} {'entities P':>13} {'quotes R':>11} "
        f"{'events R':>11} {'anatomy':>7}"
    )
    lines.append(header)
    for a in result.articles:
        lines.append(
            f"{a.key[:44]:<44} {a.entity_recall!s:>13} {a.entity_precision!s:>13} "
            f"{a.quote_recall!s:>11} {a.event_recall!s:>11} "
            f"{f'{a.anatomy.found}/{a.anatomy.total}':>7}"
        )
        for label, items in (
            ("failed anatomy", a.failed_anatomy),
            ("missed entities", a.missed_entities),
            ("trap hits", a.trap_hits),
            ("type errors", a.type_errors),
            ("missed quotes", a.missed_quotes),
            ("missed events", a.missed_events),
        ):
            if items:
                lines.append(f"    {label}: {'; '.join(items)}")
    anatomy = result.total("anatomy")
    lines.append(
        f"{'TOTAL':<44} {result.total('entity_recall')!s:>13} "
        f"{result.total('entity_precision')!s:>13} {result.total('quote_recall')!s:>11} "
        f"{result.total('event_recall')!s:>11} {f'{anatomy.found}/{anatomy.total}':>7}"
    )
    traps = sum(len(a.trap_hits) for a in result.articles)
    lines.append(f"not_entities trap hits: {traps}")
    for label, checks in (("same_entity", result.same_entity), ("same_event", result.same_event)):
        for name, ok in checks:
            lines.append(f"{label}: {name}: {'holds' if ok else 'FAILS'}")
    lines.append(f"across articles: {result.across}")
    lines.append(f"anatomy checks: {anatomy.found}/{anatomy.total} ({anatomy.ratio:.1%})")
    found = len(result.articles)
    lines.append(f"articles found: {found}/{found + len(result.missing)}")
    for key in result.missing:
        lines.append(f"NOT LOADED: {key}")
    return "\n".join(lines)
