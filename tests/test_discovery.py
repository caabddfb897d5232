"""Finding input files: folders, globs, sidecars, hidden files, what is not an article,
--include / --exclude, missing paths."""

from __future__ import annotations

from pathlib import Path

from flows.files import Selection, discover, find_sidecars, missing_inputs, read_document


def make(tmp_path: Path, *names: str) -> None:
    for name in names:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Headline\n\nBody.")


def test_folders_are_walked_and_sidecars_and_hidden_files_skipped(tmp_path: Path) -> None:
    make(tmp_path, "a.txt", "a.txt.meta.json", "sub/b.txt", ".DS_Store", ".git/config")
    files, problems, skipped = discover([tmp_path])
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == ["a.txt", "sub/b.txt"]
    assert problems == []
    assert skipped == []


def test_globs_expand_and_duplicates_collapse(tmp_path: Path) -> None:
    make(tmp_path, "x/1.txt", "x/2.txt", "x/3.html")
    files, _, _ = discover([f"{tmp_path}/x/*.txt", tmp_path / "x" / "1.txt"])
    assert [Path(f).name for f in files] == ["1.txt", "2.txt"]


def test_missing_inputs_are_reported_not_fatal(tmp_path: Path) -> None:
    make(tmp_path, "a.txt")
    files, problems, _ = discover([tmp_path / "a.txt", tmp_path / "nope", f"{tmp_path}/*.xml"])
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


def relative(tmp_path: Path, paths: list[str]) -> list[str]:
    return [Path(p).relative_to(tmp_path).as_posix() for p in paths]


def test_a_folder_loads_its_articles_and_lists_the_rest_with_the_reason(tmp_path: Path) -> None:
    make(tmp_path, "story.txt", "page.HTML", "README.md", "notes/README.txt", "data.json")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\0\x10JFIF")
    (tmp_path / "view").mkdir()
    (tmp_path / "view" / "AEN20230419000952325").write_text("<html><p>saved by wget</p></html>")
    (tmp_path / "blob").write_bytes(b"\0\1\2")
    files, problems, skipped = discover([tmp_path])
    assert relative(tmp_path, files) == ["page.HTML", "story.txt", "view/AEN20230419000952325"]
    assert problems == []
    assert {Path(s.path).relative_to(tmp_path).as_posix(): s.reason for s in skipped} == {
        "README.md": "README.md is a project file, not an article",
        "notes/README.txt": "README.txt is a project file, not an article",
        "data.json": "a .json file that is not a sidecar (NAME.meta.json)",
        "photo.jpg": "an image",
        "blob": "a file without extension that is not text, not an article "
        "(articles are .txt or .html; --include loads others)",
    }


def test_include_chooses_the_files_of_any_type_and_exclude_wins(tmp_path: Path) -> None:
    make(tmp_path, "a.md", "b.md", "drafts/c.md", "d.txt")
    files, _, skipped = discover([tmp_path], Selection(include=("*.md",), exclude=("drafts/*",)))
    assert relative(tmp_path, files) == ["a.md", "b.md"]
    assert {Path(s.path).name: s.reason for s in skipped} == {
        "c.md": "excluded by --exclude drafts/*",
        "d.txt": "not matched by --include",
    }


def test_a_file_named_on_its_own_is_loaded_whatever_its_type(tmp_path: Path) -> None:
    make(tmp_path, "README.md")
    files, problems, skipped = discover([tmp_path / "README.md"])
    assert relative(tmp_path, files) == ["README.md"]
    assert problems == skipped == []


def test_a_folder_of_nothing_but_other_files_says_so(tmp_path: Path) -> None:
    make(tmp_path, "README.md")
    files, problems, skipped = discover([tmp_path])
    assert files == []
    assert [p.reason for p in problems] == [
        "the folder holds no article file (its other files are listed as skipped)"
    ]
    assert len(skipped) == 1


def test_missing_inputs_are_named_before_anything_starts(tmp_path: Path) -> None:
    make(tmp_path, "a.txt")
    assert missing_inputs([tmp_path / "a.txt", f"{tmp_path}/*.txt"]) == []
    assert [
        (Path(p.path).name, p.reason)
        for p in missing_inputs([tmp_path / "nope", f"{tmp_path}/*.xml"])
    ] == [("nope", "no such file or folder"), ("*.xml", "the pattern matches no file")]
