"""The timeline as a picture: a real PNG, each event type in its own colour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import image

from flows.plot import ACTOR_COLOURS, DPI, SIZE_INCHES, TYPE_COLOURS
from tests.desk.conftest import peninsula


def pixels_of(path: Path, colour: tuple[float, float, float]) -> int:
    picture = image.imread(path)[..., :3]
    return int((np.abs(picture - np.array(colour)).max(axis=-1) < 0.02).sum())


def test_events_per_week_by_type(desk_db: Path, tmp_path: Path) -> None:
    png = tmp_path / "weeks.png"
    result = peninsula("timeline", "--since", "2019-09", "--until", "2019-10", "--plot", png,
                       "--db", desk_db)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "events drawn" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width = image.imread(png).shape[:2]
    assert (width, height) == (round(SIZE_INCHES[0] * DPI), round(SIZE_INCHES[1] * DPI))
    # Talks in Stockholm that week: MEETING bars; no weapons test then.
    assert pixels_of(png, TYPE_COLOURS["MEETING"]) > 100
    assert pixels_of(png, TYPE_COLOURS["WEAPONS_TEST"]) == 0


def test_events_per_month_per_actor(desk_db: Path, tmp_path: Path) -> None:
    png = tmp_path / "actors.png"
    result = peninsula("timeline", "--since", "2018", "--until", "2024", "--per", "month",
                       "--actor", "Kim Jong Un", "--actor", "김여정", "--plot", png,
                       "--db", desk_db)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "per actor" in result.stdout
    # One series per actor, each in its own colour; the types' colours are not used
    # (MEETING's blue is also the first actor's).
    kim, kim_yo_jong = ACTOR_COLOURS[:2]
    assert pixels_of(png, kim) > 100 and pixels_of(png, kim_yo_jong) > 100
    assert pixels_of(png, TYPE_COLOURS["STATEMENT"]) == 0


def test_a_picture_that_cannot_be_written_is_one_line(desk_db: Path, tmp_path: Path) -> None:
    result = peninsula("timeline", "--plot", tmp_path / "missing" / "x.png", "--db", desk_db)
    assert result.returncode == 2 and "cannot write the picture" in result.stderr
