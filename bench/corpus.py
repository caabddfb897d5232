"""A synthetic benchmark corpus: many article text files, variants of the two seed layouts.

The variants are rebuilt at run time from the seeds' own text (Yonhap "News Focus" page
text and Voice of America page text), so the corpus is never committed, only generated:

    python -m bench.corpus OUT_DIR [--count N] [--seed S]

Each variant keeps the structure its parser relies on and varies what a real feed varies:
dates, times, sections, bylines, dateline places, labels, titles, paragraph order and
article length. The same seed always yields the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

DEFAULT_SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

# Month names are spelled out here rather than taken from calendar/strftime, whose
# output follows the locale and would make the corpus machine-dependent.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# AP style, as Yonhap datelines use it: short months spelled out, the others abbreviated.
AP_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
FIRST_DAY = date(2017, 1, 1)
LAST_DAY = date(2025, 12, 31)

SECTIONS = ("North Korea", "National", "Politics", "Diplomacy", "Defense")
PLACES = ("SEOUL", "WASHINGTON", "BEIJING", "TOKYO", "UNITED NATIONS")
# Plausible romanized Korean names, made up for the benchmark.
REPORTERS = (
    "Han Ji-won",
    "Cho Hyun-woo",
    "Yoon Da-eun",
    "Baek Seung-hoon",
    "Kwon Na-rae",
    "Lim Tae-young",
    "Moon Seo-yeon",
    "Jung Min-seok",
    "Hwang In-sook",
    "Ahn Sung-jin",
    "Ryu Hye-rim",
    "Oh Jae-kyung",
)
# Weighted toward the seed's own label and toward update labels, like a real wire day.
YONHAP_LABELS = (
    "(News Focus) ",
    "(News Focus) ",
    "(LEAD) ",
    "(LEAD) ",
    "(2nd LD) ",
    "(3rd LD) ",
    "(LEAD) (News Focus) ",
    "",
    "",
)
YONHAP_TITLE_SUFFIXES = ("", "", "", ": analysts", ", experts say", " amid stalled diplomacy")
VOA_TITLE_PREFIXES = ("", "", "", "Analysis: ", "Update: ", "Explainer: ")
VOA_TITLE_SUFFIXES = ("", "", "", ", Analysts Say", " as Diplomacy Stalls")
# Interchangeable words: a title containing one member gets a random member instead.
TITLE_SWAPS = (
    ("N. Korea", "North Korea", "Pyongyang"),
    ("nuke talks", "nuclear talks", "denuclearization talks"),
    ("high-pressure", "hard-line", "brinkmanship"),
    ("employs", "adopts", "leans on"),
    ("Experts", "Analysts", "Observers"),
    ("Familiar", "Old", "Well-Worn"),
    ("Walks Away From", "Quits", "Abandons"),
)
_TITLE_SWAP_PATTERNS = tuple(
    (re.compile("|".join(rf"\b{re.escape(word)}(?!\w)" for word in group)), group)
    for group in TITLE_SWAPS
)

# Length of a variant, as a share of the seed's body paragraphs.
MIN_LENGTH_FACTOR = 0.4
MAX_LENGTH_FACTOR = 1.5

_LEADING_LABELS = re.compile(r"^(?:\([^()]{1,40}\)\s*)+")
_TIME_LINE = re.compile(
    rf"^(?P<section>.*?)\s*\d{{1,2}}:\d{{2}} (?P<month>{'|'.join(MONTH_NAMES)}) "
    r"(?P<day>\d{1,2}), (?P<year>\d{4})$"
)
_BYLINE = re.compile(r"^By (?P<names>.+)$")
_YONHAP_DATELINE = re.compile(
    r"^[A-Z][A-Z .'/&-]+, (?P<month>[A-Z][a-z]{2,8}\.?) (?P<day>\d{1,2}) \(Yonhap\) -- "
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"""[.!?:;,)\]"'\u201d\u2019\u2026-]$""")
_QUOTES = "'\"\u2018\u2019\u201c\u201d"


@dataclass(frozen=True, slots=True)
class YonhapSeed:
    chrome: str  # "Go to Contents Go to Navigation"
    title: str  # without its labels
    section: str
    byline: str
    first: str  # first paragraph without its dateline
    caption: str
    caption_date: str  # the seed's date as the caption prints it, "Oct. 7, 2019"
    body: tuple[str, ...]  # the other body paragraphs
    footer_gap: str  # the page leaves two blank lines before the feedback widget
    footer: str


@dataclass(frozen=True, slots=True)
class VoaSeed:
    title: str
    first: str
    body: tuple[str, ...]
    subheads: tuple[str, ...]
    trailer: str  # "Source: Voice of America" and what follows, verbatim


def generate_corpus(
    out_dir: Path, count: int = 5000, seed: int = 7, seeds_dir: Path = DEFAULT_SEEDS_DIR
) -> list[Path]:
    """Write `count` UTF-8 article files into out_dir, half Yonhap and half VOA layout.

    Deterministic for a given seed; no two files have the same content. Existing files
    with other names in out_dir are left alone; files of the same name are overwritten.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, not {count}")
    yonhap_seeds, voa_seeds = load_seeds(seeds_dir)
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    seen: set[bytes] = set()
    paths: list[Path] = []
    for index in range(count):
        kind = "yonhap" if index % 2 == 0 else "voa"
        # A repeat is astronomically unlikely, but uniqueness is promised, so draw again.
        while True:
            if kind == "yonhap":
                text = yonhap_variant(rng.choice(yonhap_seeds), rng)
            else:
                text = voa_variant(rng.choice(voa_seeds), rng)
            data = text.encode("utf-8")
            digest = hashlib.blake2b(data, digest_size=16).digest()
            if digest not in seen:
                seen.add(digest)
                break
        path = out_dir / f"{index:05d}_{kind}.txt"
        # Bytes, not write_text: no newline translation, the same files on every OS.
        path.write_bytes(data)
        paths.append(path)
    return paths


def load_seeds(seeds_dir: Path) -> tuple[list[YonhapSeed], list[VoaSeed]]:
    """Seeds recognized by their text, so new seed files of either layout join in."""
    yonhap: list[YonhapSeed] = []
    voa: list[VoaSeed] = []
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        if text.startswith("Go to Contents") and "(Yonhap) --" in text:
            yonhap.append(_parse_yonhap_seed(text, path))
        elif "\nSource: Voice of America" in text:
            voa.append(_parse_voa_seed(text, path))
    if not yonhap or not voa:
        raise FileNotFoundError(
            f"{seeds_dir} needs at least one Yonhap and one VOA seed text file "
            f"(found {len(yonhap)} Yonhap, {len(voa)} VOA)"
        )
    return yonhap, voa


def _parse_yonhap_seed(text: str, path: Path) -> YonhapSeed:
    cut = text.find("\nSend Feedback")
    if cut < 0:
        raise ValueError(f"{path}: Yonhap seed without the 'Send Feedback' widget")
    page = text[:cut].rstrip()
    footer_gap, footer = text[len(page) : cut + 1], text[cut + 1 :]
    blocks = [b.strip() for b in _BLANK_LINE.split(page) if b.strip()]
    if len(blocks) < 6:
        raise ValueError(f"{path}: too few paragraphs for a Yonhap seed")
    chrome, title_line, time_line, byline_line, first_line, *rest = blocks
    time_match = _TIME_LINE.match(time_line)
    byline_match = _BYLINE.match(byline_line)
    dateline_match = _YONHAP_DATELINE.match(first_line)
    if not (time_match and byline_match and dateline_match):
        raise ValueError(f"{path}: Yonhap seed without section/time line, byline or dateline")
    month = MONTH_NAMES.index(time_match["month"])
    caption_date = f"{AP_MONTHS[month]} {int(time_match['day'])}, {time_match['year']}"
    # The page prints each photo caption twice in a row; that pair is the caption.
    captions = [b for i, b in enumerate(rest[:-1]) if rest[i + 1] == b]
    if not captions:
        raise ValueError(f"{path}: Yonhap seed without a photo caption")
    caption = captions[0]
    return YonhapSeed(
        chrome=chrome,
        title=_LEADING_LABELS.sub("", title_line),
        section=time_match["section"],
        byline=byline_match["names"],
        first=first_line[dateline_match.end() :],
        caption=caption,
        caption_date=caption_date,
        body=tuple(b for b in rest if b != caption),
        footer_gap=footer_gap,
        footer=footer,
    )


def _parse_voa_seed(text: str, path: Path) -> VoaSeed:
    cut = text.find("\nSource: Voice of America")
    blocks = [b.strip() for b in _BLANK_LINE.split(text[:cut]) if b.strip()]
    if len(blocks) < 4:
        raise ValueError(f"{path}: too few paragraphs for a VOA seed")
    title, first, *rest = blocks
    subheads = tuple(b for b in rest if _is_subhead(b))
    if not subheads:
        raise ValueError(f"{path}: VOA seed without subheads")
    return VoaSeed(
        title=title,
        first=first,
        body=tuple(b for b in rest if not _is_subhead(b)),
        subheads=subheads,
        trailer=text[cut + 1 :].strip("\n"),
    )


def _is_subhead(block: str) -> bool:
    """A short heading between paragraphs: a few words, no closing punctuation."""
    words = block.strip(_QUOTES)
    return 0 < len(words.split()) <= 10 and not _SENTENCE_END.search(words)


def yonhap_variant(seed: YonhapSeed, rng: random.Random) -> str:
    day = _random_day(rng)
    ap_date = f"{AP_MONTHS[day.month - 1]} {day.day}"
    time_line = (
        f"{rng.choice(SECTIONS)} {rng.randint(6, 23):02d}:{rng.randint(0, 59):02d} "
        f"{MONTH_NAMES[day.month - 1]} {day.day:02d}, {day.year}"
    )
    reporters = rng.sample((seed.byline, *REPORTERS), 2)
    # Now and then two reporters share the byline, as on real wire copy.
    byline = f"{reporters[0]} and {reporters[1]}" if rng.random() < 0.1 else reporters[0]
    first = f"{rng.choice(PLACES)}, {ap_date} (Yonhap) -- {seed.first}"
    # The caption dates the photo: keep it in step with the article's new date.
    caption = seed.caption.replace(seed.caption_date, f"{ap_date}, {day.year}")
    body = _vary_paragraphs(seed.body, rng)
    # Right after a body paragraph (never first), early, where the page puts the photo.
    spot = rng.randint(1, min(4, len(body)))
    paragraphs = [first, *body[: spot - 1], caption, caption, *body[spot - 1 :]]
    title = _vary_title(seed.title, rng) + rng.choice(YONHAP_TITLE_SUFFIXES)
    blocks = [
        seed.chrome,
        rng.choice(YONHAP_LABELS) + title,
        time_line,
        f"By {byline}",
        *paragraphs,
    ]
    return "\n\n".join(blocks) + seed.footer_gap + seed.footer


def voa_variant(seed: VoaSeed, rng: random.Random) -> str:
    body = [seed.first, *_vary_paragraphs(seed.body, rng)]
    # As many subheads as the seed has per paragraph, at least one: VOA pages have them.
    share = len(seed.subheads) * len(body) / (len(seed.body) + 1)
    wanted = max(1, min(len(seed.subheads), round(share)))
    headed = _insert_subheads(body, rng.sample(seed.subheads, wanted), rng)
    title = (
        rng.choice(VOA_TITLE_PREFIXES)
        + _vary_title(seed.title, rng)
        + rng.choice(VOA_TITLE_SUFFIXES)
    )
    return "\n\n".join([title, *headed, seed.trailer])


def _random_day(rng: random.Random) -> date:
    return FIRST_DAY + timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))


def _vary_title(title: str, rng: random.Random) -> str:
    for pattern, group in _TITLE_SWAP_PATTERNS:
        # One draw per group: a title that names the country twice names it one way.
        if pattern.search(title):
            title = pattern.sub(rng.choice(group), title)
    return title


def _vary_paragraphs(paragraphs: Sequence[str], rng: random.Random) -> list[str]:
    """Shuffled, with some dropped or some repeated: 40% to 150% of the seed's length."""
    # The first paragraph is not in `paragraphs`, it stays first: count it in the target.
    target = round((len(paragraphs) + 1) * rng.uniform(MIN_LENGTH_FACTOR, MAX_LENGTH_FACTOR))
    target = max(2, target) - 1
    if target <= len(paragraphs):
        return rng.sample(paragraphs, target)
    result = rng.sample(paragraphs, len(paragraphs))
    for extra in rng.choices(paragraphs, k=target - len(paragraphs)):
        # Never next to its own copy: the Yonhap parser reads a doubled block as a caption.
        spots = [
            i
            for i in range(1, len(result) + 1)
            if result[i - 1] != extra and (i == len(result) or result[i] != extra)
        ]
        result.insert(rng.choice(spots), extra)
    return result


def _insert_subheads(body: list[str], subheads: Sequence[str], rng: random.Random) -> list[str]:
    """Subheads between paragraphs, each before a paragraph much longer than itself.

    Not before the second paragraph, not last, and never two in a row: that is where
    the page has them, and where a parser can tell a heading from a short paragraph.
    """
    candidates = list(range(2, len(body)))
    rng.shuffle(candidates)
    chosen: dict[int, str] = {}
    pending = list(subheads)
    for spot in candidates:
        if not pending:
            break
        heading = pending[-1]
        if len(body[spot]) <= 2 * len(heading) + 10:
            continue
        if any(abs(spot - other) < 2 for other in chosen):
            continue
        chosen[spot] = pending.pop()
    headed: list[str] = []
    for index, paragraph in enumerate(body):
        if index in chosen:
            headed.append(chosen[index])
        headed.append(paragraph)
    return headed


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus",
        description="Generate a synthetic corpus of article text files from the seeds.",
    )
    parser.add_argument("out_dir", type=Path, help="folder to write the .txt files into")
    parser.add_argument("--count", type=int, default=5000, help="number of files (5000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
    parser.add_argument(
        "--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR, help="folder of seed texts"
    )
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be >= 0")
    paths = generate_corpus(args.out_dir, args.count, args.seed, args.seeds_dir)
    total = sum(path.stat().st_size for path in paths)
    print(f"wrote {len(paths)} files, {total} bytes, to {args.out_dir}")


if __name__ == "__main__":
    main()
