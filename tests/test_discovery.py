"""Finding input files: folders, globs, sidecars, hidden files, missing paths."""

from __future__ import annotations

from pathlib import Path

from flows.files import discover, find_sidecars, read_document


def make(tmp_path: Path, *names: str) -> None:
    for name in names:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Headline\n\nBody.")


def test_folders_are_walked_and_sidecars_and_hidden_files_skipped(tmp_path: Path) -> None:
    make(tmp_path, "a.txt", "a.txt.meta.json", "sub/b.txt", ".DS_Store", ".git/config")
    files, problems = discover([tmp_path])
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == ["a.txt", "sub/b.txt"]
    assert problems == []


def test_globs_expand_and_duplicates_collapse(tmp_path: Path) -> None:
    make(tmp_path, "x/1.txt", "x/2.txt", "x/3.html")
    files, _ = discover([f"{tmp_path}/x/*.txt", tmp_path / "x" / "1.txt"])
    assert [Path(f).name for f in files] == ["1.txt", "2.txt"]


def test_missing_inputs_are_reported_not_fatal(tmp_path: Path) -> None:
    make(tmp_path, "a.txt")
    files, problems = discover([tmp_path / "a.txt", tmp_path / "nope", f"{tmp_path}/*.xml"])
    assert [Path(f).name for f in files] == ["a.txt"]
    assert [(Path(p.path).name, p.reason) for p in problems] == [
        ("nope", "no such file or folder"),
        ("*.xml", "the pattern matches no file"),
    ]


def test_a_sidecar_is_read_with_its_article(tmp_path: Path) -> None:
    make(tmp_path, "story.txt")
    (tmp_path / "story.meta.json").write_text('{"url": "https://example.org/a"}')
    story = str(tmp_path / "story.txt")
    document = read_document(story, find_sidecars([story])[story])
    assert document.meta == '{"url": "https://example.org/a"}'
    # The sidecar is part of the identity: new metadata makes a new document.
    assert document.doc_id != document.content_hash


def test_the_longer_sidecar_name_wins(tmp_path: Path) -> None:
    make(tmp_path, "a.txt", "a.txt.meta.json", "a.meta.json", "b.txt")
    a, b = str(tmp_path / "a.txt"), str(tmp_path / "b.txt")
    assert find_sidecars([a, b]) == {a: str(tmp_path / "a.txt.meta.json"), b: None}
