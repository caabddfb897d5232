"""timeline, who and quotes as a user runs them: briefings, CSV and JSON, names in any form."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import duckdb

from tests.desk.conftest import peninsula


def lines_of_json(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_timeline_lists_events_in_date_order_with_months_shown_as_months(desk_db: Path) -> None:
    result = peninsula(
        "timeline", "--since", "2019", "--until", "2019-12", "--db", desk_db, "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    events = lines_of_json(result.stdout)
    assert events
    assert [e["event_date"] for e in events] == sorted(e["event_date"] for e in events)
    assert all("2019-01-01" <= e["event_date"] <= "2019-12-31" for e in events)
    shown = {e["date_precision"]: e["date"] for e in events}
    assert len(shown["month"]) == 7 and len(shown["day"]) == 10  # 2019-02, 2019-10-05
    stockholm = next(e for e in events if e["event_type"] == "MEETING" and e["place"] == "Sweden")
    assert {"Stephen Biegun", "Kim Myong-gil"} <= {a["name"] for a in stockholm["actors"]}
    assert stockholm["sources"] and stockholm["articles"] >= 1
    table = peninsula("timeline", "--since", "2019", "--until", "2019-12", "--db", desk_db)
    assert "Sweden" in table.stdout and "2019-10-05" in table.stdout
    assert f"{len(events)} events, 2019-01-01 to 2019-12-31" in table.stdout


def test_timeline_by_default_covers_the_last_30_days(desk_copy: Path) -> None:
    recent = date.today() - timedelta(days=3)
    with duckdb.connect(str(desk_copy)) as conn:  # one event moved into this month
        conn.execute(
            "UPDATE events SET event_date = ?, date_precision = 'day' WHERE event_id ="
            " (SELECT min(event_id) FROM events WHERE date_precision = 'day')",
            [recent],
        )
    events = lines_of_json(peninsula("timeline", "--db", desk_copy, "-f", "json").stdout)
    assert [e["event_date"] for e in events] == [recent.isoformat()]


def test_an_actor_in_any_romanization_or_hangul_gives_the_same_timeline(desk_db: Path) -> None:
    outputs = [
        peninsula("timeline", "--since", "2018", "--actor", name, "--db", desk_db, "-f", "csv")
        for name in ("Kim Jong Un", "Kim Jong-un", "김정은")
    ]
    assert all(o.returncode == 0 for o in outputs), outputs[0].stderr
    assert outputs[0].stdout == outputs[1].stdout == outputs[2].stdout
    rows = list(csv.DictReader(io.StringIO(outputs[0].stdout)))
    assert rows and all("Kim Jong Un" in r["actors"] for r in rows)
    assert all(r["date"] >= "2018" for r in rows)


def test_timeline_filters_by_type_and_outlet(desk_db: Path) -> None:
    result = peninsula(
        "timeline", "--since", "2017", "--type", "weapons_test", "--source", "koreaherald",
        "--db", desk_db, "-f", "json",
    )  # fmt: skip
    events = lines_of_json(result.stdout)
    assert events and {e["event_type"] for e in events} == {"WEAPONS_TEST"}
    assert all("koreaherald" in e["sources"] for e in events)


def test_a_wrong_type_or_an_unknown_actor_is_one_line_with_suggestions(desk_db: Path) -> None:
    wrong_type = peninsula("timeline", "--type", "WEAPON_TEST", "--db", desk_db)
    assert wrong_type.returncode == 2
    assert "did you mean WEAPONS_TEST" in wrong_type.stderr
    unknown = peninsula("timeline", "--actor", "Kim Jong Eunn", "--db", desk_db)
    assert unknown.returncode == 2
    assert "no one known as 'Kim Jong Eunn'; closest known: Kim Jong Un" in unknown.stderr
    vague = peninsula("timeline", "--actor", "Kim", "--db", desk_db)
    assert vague.returncode == 2 and "give more of the name" in vague.stderr


def test_who_answers_the_same_for_a_romanization_and_the_hangul(desk_db: Path) -> None:
    latin = peninsula("who", "Kim Yo Jong", "--db", desk_db, "-f", "json")
    hangul = peninsula("who", "김여정", "--db", desk_db, "-f", "json")
    assert latin.returncode == 0, latin.stderr
    assert latin.stdout == hangul.stdout
    who = json.loads(latin.stdout)
    assert (who["name"], who["hangul"], who["type"]) == ("Kim Yo-jong", "김여정", "PERSON")
    assert "Kim Yo Jong" in who["aliases"]
    assert who["quotes"] >= 3 and len(who["latest_quotes"]) <= 5
    assert all(q["text"] for q in who["latest_quotes"])
    assert who["events"] >= 1 and who["latest_events"][0]["role"] in (
        "source", "target", "participant",
    )  # fmt: skip
    months = [m["month"] for m in who["mentions_by_month"]]
    assert months and months[0].startswith("2024-")
    table = peninsula("who", "김여정", "--db", desk_db)
    assert table.stdout.startswith("Kim Yo-jong") and "latest quotes" in table.stdout


def test_who_shows_offices_from_the_reference(desk_db: Path) -> None:
    who = json.loads(peninsula("who", "Kim Jong-un", "--db", desk_db, "-f", "json").stdout)
    offices = {(o["title"], o["of"]): (o["start"], o["end"]) for o in who["offices"]}
    assert offices[("Supreme Leader", "North Korea")] == ("2011-12-17", None)
    rows = list(csv.reader(io.StringIO(peninsula("who", "Kim Jong-un", "--db", desk_db,
                                                  "-f", "csv").stdout)))  # fmt: skip
    assert rows[0] == ["section", "item", "detail", "date"]
    assert ["office", "Supreme Leader", "North Korea", "2011-12-17/"] in rows


def test_quotes_of_a_speaker_named_by_surname(desk_db: Path) -> None:
    result = peninsula("quotes", "--speaker", "Ortagus", "--db", desk_db, "-f", "json")
    assert result.returncode == 0, result.stderr
    quotes = lines_of_json(result.stdout)
    with duckdb.connect(str(desk_db), read_only=True) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM quotes WHERE speaker_entity_id = 'ref:morgan-ortagus'"
        ).fetchone()[0]
    assert len(quotes) == stored >= 1
    assert {q["speaker"] for q in quotes} == {"Morgan Ortagus"}
    table = peninsula("quotes", "--speaker", "Ortagus", "--db", desk_db)
    assert f"{stored} quotes of Morgan Ortagus" in table.stdout


def test_quotes_newest_first_since_a_day(desk_db: Path) -> None:
    quotes = lines_of_json(
        peninsula("quotes", "--since", "2024-03-20", "--db", desk_db, "-f", "json").stdout
    )
    days = [q["published_at"] for q in quotes]
    assert days and days == sorted(days, reverse=True) and min(days) >= "2024-03-19"


def test_who_for_someone_the_warehouse_never_met_shows_the_reference(desk_db: Path) -> None:
    result = peninsula("who", "김영삼", "--db", desk_db, "-f", "json")
    assert result.returncode == 0, result.stderr
    who = json.loads(result.stdout)
    assert (who["name"], who["in_warehouse"], who["events"]) == ("Kim Young-sam", False, 0)
    assert {o["title"] for o in who["offices"]} == {"President"}
    table = peninsula("who", "Kim Young-sam", "--db", desk_db)
    assert "Not mentioned in this warehouse yet." in table.stdout


def test_an_empty_listing_in_csv_still_has_its_header(desk_db: Path) -> None:
    result = peninsula("search", "zzyzx", "--db", desk_db, "-f", "csv")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "rank,score,published_at,source,title,url,article_id,kind,speaker,passage,matched,marked"
    ]
