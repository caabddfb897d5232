"""The passage shown for a search hit: where it is cut, what is marked."""

from __future__ import annotations

from parsers.highlight import snippet, words_of


def test_short_passages_are_shown_whole_with_every_match_marked() -> None:
    cut = snippet("Talks in Stockholm broke down; the talks ended.", lambda w: w.lower() == "talks")
    assert cut.text == "Talks in Stockholm broke down; the talks ended."
    assert cut.marked("[", "]") == "[Talks] in Stockholm broke down; the [talks] ended."


def test_long_passages_are_cut_around_the_matches_at_word_boundaries() -> None:
    text = " ".join(["filler"] * 100) + " the Yongbyon nuclear complex " + " ".join(["tail"] * 100)
    cut = snippet(text, lambda w: w == "Yongbyon", width=120)
    assert cut.text.startswith("… ") and cut.text.endswith(" …")
    assert len(cut.text) <= 124
    assert cut.marked("[", "]").count("[Yongbyon]") == 1
    start, end = cut.marks[0]
    assert cut.text[start:end] == "Yongbyon"
    assert all(part in ("…", "filler", "the", "Yongbyon", "nuclear", "complex", "tail")
               for part in cut.text.split())  # fmt: skip


def test_words_are_runs_of_letters_and_digits_in_any_script() -> None:
    assert words_of("Hwasong-17, 김여정's statement") == [
        "Hwasong",
        "17",
        "김여정",
        "s",
        "statement",
    ]
