"""What a block of saved page text is, judged by its shape: a sentence of the story, a
headline, a caption, a credit, a printed date, a byline, or the site's own furniture.

The tests look at structure (length, sentence ends, capitals, what stands at the end of a
line, what a short line is made of) and at a small vocabulary that every news site's
navigation uses, never at any one site's wording.
"""

from __future__ import annotations

import re

from parsers.blocks import (
    ADDRESS,
    SITE_CHROME,
    byline_names,
    collapse,
    is_wire_trailer,
    split_labels,
)
from parsers.outlets import Outlet, outlet_named, outlets_named
from parsers.stamps import find_stamps, lone_time, strip_stamps

# Words of site navigation, sharing widgets and link boxes. A short line made only of
# these (and outlet names) is furniture: "Accessibility links", "Back to Top", "Full
# Video", "Skip to main content", "More From <outlet>", "Video Player Close".
NAV_WORDS = frozenset(
    """accessibility links link skip content contents main navigation nav menu back top home
    advertisement advertising ad ads sponsored breaking news share shares print email e-mail
    comments comment read more related articles article stories story popular most trending
    recommended latest video videos full photo photos gallery image images watch listen audio
    podcast subscribe subscription newsletter sign log login logout in up out search close
    open player feedback send next previous prev page go to the of and this our your you may
    also like see view all click here tap follow us on cookie cookies privacy policy terms
    copyright rights reserved picks pick highlights other from now x facebook twitter
    whatsapp telegram linkedin kakaotalk line youtube instagram rss app apps download text
    size font bookmark copy url min mins minute minutes reading time save saved continue
    translate translation""".split()
)
# Of those, the words that announce a list of links to other stories.
LIST_WORDS = frozenset("related more trending popular recommended latest also other most".split())

_WORD = re.compile(r"[^\W\d_][\w'\u2019.&-]*")
_CAMEL_JOIN = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_NEUTRAL_TOKEN = re.compile(r"^(?:\W+|\d+(?:x\d+)?)$")
_IMAGE_FILE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|svg)$", re.IGNORECASE)
_BRACKET_LABEL = re.compile(r"^\[[^\[\]]{1,30}\]$")
_COPYRIGHT = re.compile(r"^(?:\u00a9|\(c\)\s|copyright\b)", re.IGNORECASE)
_LINK_PREFIX = re.compile(
    r"^(?:read more|related(?: articles?| stories)?|see also|also read|read also|recommended"
    r"|more on this)\s*:",
    re.IGNORECASE,
)
# "Skip to main content", "Skip to site index", "...by skipping the main menu."
_SKIP_LINK = re.compile(
    r"^skip\s+to\b|\bskip(?:ping)?\s+(?:to\s+)?(?:the\s+)?(?:main|content|navigation)", re.I
)

# Sentence shape.
_SENTENCE_END = re.compile(r"""[.!?\u2026](?:["'\u201d\u2019)\]]+)?$""")
_INNER_SENTENCE_END = re.compile(r"""[a-z0-9)]{2}[.!?]["'\u201d\u2019]?\s+["'\u201c\u2018]?[A-Z]""")
_HEADING_OPENERS = "0123456789\"'\u2018\u201c(["
_ABBREVIATION_END = re.compile(r"\b(?:[A-Z]\.){2,}$")
# The wire's closing credits: "Reporting by ...; Editing by ...", "(Writing by ...)".
_CREDITS_LINE = re.compile(
    r"^\(?(?:additional\s+)?(?:reporting|writing|editing|compiled|compiling)\s+by\b", re.I
)
_QUOTED = re.compile(r"""["\u201c][^"\u201d]*["\u201d]""")
# "You-" is a part of a Korean name ("Kim You-geun"), not the reader.
_READER = re.compile(r"\b(?:you|your|yours)\b(?!-)|^(?:please|click|tap)\b", re.IGNORECASE)

# Credits at the end of a caption.
_PAREN_CREDIT = re.compile(r"\((?P<credit>[^()]{1,60})\)\s*$")
_LABELLED_CREDIT = re.compile(
    r"\b(?:photo|photograph|picture|image|credit)s?\s*(?:by)?\s*:\s*(?P<credit>[^.:]{1,80})$",
    re.IGNORECASE,
)
_BRACKET_CREDIT = re.compile(r"\[(?P<credit>[^\[\]]{1,40})\]\s*\|?\s*$")
_TRAILING_CREDIT = re.compile(
    r"[.!?\u201d]\s+(?P<credit>[A-Z][\w.'\u2019-]*(?:[ /-]+[\w.'\u2019-]+){0,6})$"
)
_PHOTO_WORDS = re.compile(
    r"\b(?:photo|photos|photograph|pool|press corps|courtesy|handout|file|provided|getty"
    r"|images)\b",
    re.IGNORECASE,
)
_CAPTION_OPENING = re.compile(
    r"^(?:FILE(?: PHOTO)?\s*[-\u2013\u2014:]\s"
    r"|In this (?:undated |file |handout |combination |aerial )?(?:photo|image|picture|file)\b)"
)
_PLAIN_WORD = re.compile(r"[A-Za-z']+")
# Verbs and auxiliaries that a report has and a photo's description has not.
_REPORTING_OR_PAST = frozenset(
    """say says said tell tells told according report reports announce announces warn warns
    claim claims add adds is are was were be been being has have had will would shall should
    can could may might must do does did
    arose awoke beat became began bid bit blew broke brought built burst bought caught chose
    came cost crept cut dealt dug drew drank drove ate fell fed felt fought found fled flew
    forbade forgot forgave froze got gave went ground grew hung heard hid hit held hurt kept
    knew laid led leapt left lent let lay lit lost made meant met paid put quit read rode rang
    rose ran sought sold sent set shook shone shot showed shut sang sank sat slept slid spoke
    sped spent spun split spread sprang stood stole stuck stung struck strove swore swept swam
    swung took taught tore thought threw understood woke wore wove wept won wound withdrew
    wrote""".split()
)
_PHOTO_PREFIX = re.compile(r"^(?:photo|photograph|picture|image)s?\s*(?:by)?\s*[:|]\s*", re.I)

_REPORTED_FROM = re.compile(r"\s+in\s+[A-Z][\w-]+(?:\s[A-Z][\w-]+)?$")
# A reporter's role printed under the name: "Seoul correspondent", "Staff Reporter".
_ROLE = re.compile(
    r"\b(?:correspondent|reporter|editor|writer|staff|bureau|contributor|columnist)s?\b", re.I
)


def name_of_byline(text: str) -> str:
    """'Justin Park in Tokyo' -> 'Justin Park'."""
    return _REPORTED_FROM.sub("", text)


def is_role_line(text: str) -> bool:
    return len(text.split()) <= 5 and _ROLE.search(text) is not None


# A person's name on a line of its own: "Aldgra Fredly", "Riyaz ul Khaliq".
_NAME_PARTICLES = frozenset("ul al el bin binti van von de da du dos der den la le ter y".split())
_NAME_TOKEN = re.compile(r"^[A-Z][a-z\u2019']+(?:-[A-Za-z][a-z]+)*$")

# A label in capitals before a headline, set off by a dash or colon: "UPDATE \u2013 ...".
_CAPS_LABEL = re.compile(
    r"^(?P<label>[A-Z][A-Z0-9]+(?: [A-Z0-9]+){0,2})\s*(?:[\u2013\u2014:|]|-\s)\s*"
)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_prose(text: str) -> bool:
    """A paragraph of the story: sentences, long enough, not a headline in title case."""
    count = len(text.split())
    if count >= 40:
        return True  # a long paragraph, maybe cut off mid-sentence by the saving
    if count < 8 or (count <= 25 and _title_case(text)):
        return False
    if _INNER_SENTENCE_END.search(text):
        return True
    if _ABBREVIATION_END.search(text):
        # "... nuke talks with U.S.": a headline may end on an abbreviation too.
        return count >= 15
    return _SENTENCE_END.search(text) is not None


def ends_sentence(text: str) -> bool:
    """The text ends as a sentence does, not cut off in the middle of one."""
    return _SENTENCE_END.search(text) is not None


def is_heading(text: str) -> bool:
    """Headline-shaped: one sentence at most, no closing full stop, a capital first."""
    count = len(words(text))
    if not 3 <= count <= 45 or not (text[0].isupper() or text[0] in _HEADING_OPENERS):
        return False
    if text.endswith(".") and not text.endswith("...") and not _ABBREVIATION_END.search(text):
        return False
    if _INNER_SENTENCE_END.search(text):
        return False
    return count >= 4 or any(w.islower() for w in words(text))


def _title_case(text: str) -> bool:
    long_words = [w for w in words(text) if len(w) > 3]
    capitalized = sum(w[0].isupper() for w in long_words)
    return len(long_words) >= 4 and capitalized >= 0.8 * len(long_words)


def addresses_reader(text: str) -> bool:
    """'Thanks for your feedback!', 'Please view the main text...': the site speaking to
    its reader. News copy speaks of others; 'you' in it stands inside quotes."""
    return _READER.search(_QUOTED.sub(" ", text)) is not None


def is_sign_off(text: str) -> bool:
    """How a story signs off: 'kim@yna.co.kr (END)', 'Reporting by ...; Editing by ...',
    'BY LEE MIN-A [lee.mina@joongang.co.kr]' (an address on a short line)."""
    if is_wire_trailer(text) or _CREDITS_LINE.match(text):
        return True
    return len(text.split()) <= 10 and ADDRESS.search(text) is not None


def is_separator(text: str) -> bool:
    """'-', '|', '•', '1', 'XS': marks between the links of a list, or a widget's buttons."""
    plain = text.strip()
    return not any(c.isalpha() for c in plain) or (len(plain) <= 2 and plain.isupper())


def is_chrome(text: str) -> bool:
    """Site furniture: navigation, sharing, skip links, image file names, feedback boxes,
    copyright lines, links to other stories ('Read more: ...')."""
    if collapse(text).casefold() in SITE_CHROME or _IMAGE_FILE.match(text):
        return True
    if _COPYRIGHT.match(text) or _LINK_PREFIX.match(text):
        return True
    if _SKIP_LINK.search(text) or _BRACKET_LABEL.match(text):
        return True
    return _nav_words_only(text)


def _nav_words_only(text: str) -> bool:
    tokens = _CAMEL_JOIN.sub(" ", text).split()
    if not tokens or len(tokens) > 8:
        return False
    rest = [t for t in tokens if not _NEUTRAL_TOKEN.match(t)]
    nav = [t for t in rest if t.strip(".,:;!?•|()").casefold() in NAV_WORDS]
    if not nav:
        return False
    others = " ".join(t for t in rest if t.strip(".,:;!?•|()").casefold() not in NAV_WORDS)
    # "More From Pyongyang Times": navigation words around an outlet's name.
    return not others or outlets_named(others) is not None


def is_list_heading(text: str) -> bool:
    """'You may also like...', 'More From <outlet>', 'Related': a box of links begins."""
    if _LINK_PREFIX.match(text) or (not is_chrome(text) and not addresses_reader(text)):
        return False  # "Read more: <a story>" is one link in the text, not a box of them
    return any(w.casefold().strip(".") in LIST_WORDS for w in words(text))


# A line of dates and page fields is short; a paragraph that mentions a date is not one.
_LONGEST_STAMP_LINE = 160
_YEAR = re.compile(r"(?:19|20)\d\d")
_DIGIT = re.compile(r"\d")
_LABEL_ONLY = re.compile(r"(?:updated|published|posted|modified|written|date)\s*:?", re.I)


def is_stamp_line(text: str) -> bool:
    """A line that prints a date, maybe with a section, an outlet or field labels:
    '14:06 November 18, 2022', 'Date: 16/01/2024 | Source: ... | Read ...', 'Updated:',
    'Updated 3:13 a.m. ET'."""
    if len(text) > _LONGEST_STAMP_LINE:
        return False
    if not _DIGIT.search(text):
        return _LABEL_ONLY.fullmatch(text) is not None
    bare = strip_stamps(text)
    if not bare or lone_time(bare):
        return True
    if not _YEAR.search(text) or not find_stamps(text):
        return False
    if len(bare.split()) <= 4:
        return True
    # Fields of page metadata: "Date: 16/01/2024 | Source: ... | Read original ...".
    fields = [strip_stamps(f) for f in text.split("|")]
    return len(fields) > 1 and all(len(f.split()) <= 6 for f in fields)


def credit_outlets(text: str) -> list[Outlet] | None:
    """The outlets of a line that is only a credit: 'Kyodo News', 'KCNA Pyongyang Times',
    'AFP-JIJI', 'The Korea Herald', 'Source: Xinhua'. None for any other line."""
    plain = re.sub(r"^source\s*:\s*", "", text.strip(), flags=re.IGNORECASE)
    if len(plain.split()) > 8 or _PHOTO_WORDS.search(plain):
        return None
    return outlets_named(plain)


def photo_credit_outlets(text: str) -> list[Outlet] | None:
    """A line that only credits a photo: 'Photo : YONHAP News', 'Korea Pool/Yonhap/AP'.
    The agencies it names, possibly none ('Getty Images'); None for any other line."""
    plain = text.strip()
    if len(plain.split()) > 8 or is_prose(plain):
        return None
    bare = _PHOTO_PREFIX.sub("", plain)
    if bare != plain or "/" in plain or re.search(r"\b(?:photo|pool)\b", plain, re.I):
        outlets = outlets_named(re.sub(r"\bphoto\b", "", bare, flags=re.I))
        if outlets is not None:
            return outlets
        if bare != plain and bare[:1].isupper():
            return []
    return None


_LONGEST_CREDIT = 120


def caption_credit(text: str) -> str | None:
    """The photo credit a caption ends with, or None: '... (Yonhap)', '... Photo: Lee
    Jin-man / AP', '... [Photo/Agencies] |', '... Ahn Young-joon/AP Photo', '... AP-Yonhap'."""
    if len(text.split()) < 6:
        return None
    text = text[-_LONGEST_CREDIT:].rstrip()  # a credit is at the end: scan no more
    last = text[-1]
    bracket = _BRACKET_CREDIT.search(text) if last in "]|" else None
    if bracket and (_PHOTO_WORDS.search(bracket["credit"]) or outlets_named(bracket["credit"])):
        return bracket["credit"]  # "[Photo/Agencies]", "[YONHAP]"
    if last == ")" and (match := _PAREN_CREDIT.search(text)) and _credit_like(match["credit"]):
        return match["credit"]
    if match := _LABELLED_CREDIT.search(text):
        return match["credit"].strip()
    if last.isalpha() and (match := _TRAILING_CREDIT.search(text)):
        credit = match["credit"]
        if "/" in credit or _PHOTO_WORDS.search(credit) or outlets_named(credit) is not None:
            return credit
    return None


def reads_like_a_caption(text: str) -> bool:
    """One sentence in the present tense with no one saying anything: how a caption
    describes its photo ('X and Y leave after signing documents ...'). A story's first
    paragraph reports: a verb in the past, a 'said', an auxiliary or a modal."""
    if _INNER_SENTENCE_END.search(text):
        return False
    lowered = [w for w in _PLAIN_WORD.findall(text) if w.islower()]
    return not any(w.endswith("ed") or w in _REPORTING_OR_PAST for w in lowered)


def opens_like_a_caption(text: str) -> bool:
    """'FILE - ...', 'In this photo released by ...': how captions are written."""
    return _CAPTION_OPENING.match(text) is not None


def _credit_like(credit: str) -> bool:
    """'Yonhap', 'Xinhua/NEWSIS', 'Joint Press Corps', 'Pyongyang Press Corps Pool via AP'."""
    tokens = credit.split()
    if not 1 <= len(tokens) <= 8 or credit.rstrip().endswith("."):
        return False
    if outlets_named(credit) is not None or _PHOTO_WORDS.search(credit) or "/" in credit:
        return True
    named = [t for t in tokens if t.isalpha() and t not in ("via", "and")]
    return bool(named) and all(t[0].isupper() for t in named)


def credited_outlets(credit: str) -> list[Outlet]:
    """The agencies named in a photo credit ('Saul Loeb/AFP/Getty Images' -> AFP)."""
    found = []
    for part in re.split(r"\s*(?:/|,|\bvia\b|\band\b|-(?=[A-Z]{2}))\s*", credit):
        part = re.sub(r"\bphoto\b", "", part, flags=re.IGNORECASE).strip()
        outlet = outlet_named(part) if part else None
        if outlet is not None:
            found.append(outlet)
    return found


def name_line(text: str) -> bool:
    """A person's name alone on a line, as pages print a byline without 'By' ('Aldgra
    Fredly'; 'Justin Park in Tokyo': the name and where the report comes from)."""
    text = _REPORTED_FROM.sub("", text)
    tokens = text.split()
    if not 2 <= len(tokens) <= 4 or outlet_named(text) is not None:
        return False
    names = [t for t in tokens if t not in _NAME_PARTICLES]
    return len(names) >= 2 and all(_NAME_TOKEN.match(t) for t in names) and not is_chrome(text)


def byline(text: str) -> tuple[str, list[Outlet]] | None:
    """('Song Sang-ho', []) for 'By Song Sang-ho'; ('Lee Juhyun', [VOA]) for 'By Lee
    Juhyun, VOA'; ('Associated Press', [AP]) for 'By Associated Press'; None otherwise."""
    names = byline_names(text)
    if names is None:
        return None
    parts = [p.strip() for p in re.split(r",\s*|\s+and\s+", names) if p.strip()]
    outlets = [o for p in parts if (o := outlet_named(p)) is not None]
    people = [p for p in parts if outlet_named(p) is None]
    if not people:
        return names, outlets
    if outlets:
        kept = names
        for part in parts:
            if outlet_named(part) is not None:
                kept = re.sub(rf"(?:,\s*|\s+and\s+)?{re.escape(part)}", "", kept)
        return kept.strip(" ,"), outlets
    return names, []


def split_heading_labels(heading: str) -> tuple[str, list[str]]:
    """'(LEAD) (News Focus) Title' -> ('Title', ['LEAD', 'News Focus']); also
    '[US-NK Summit] Title' and 'UPDATE \u2013 Title'."""
    heading, labels = split_labels(heading)
    if (match := _CAPS_LABEL.match(heading)) and not heading.isupper():
        rest = heading[match.end() :]
        if len(rest.split()) >= 3:
            labels.append(match["label"])
            heading = rest
    return heading.strip(), labels


def split_site_name(heading: str) -> tuple[str, list[Outlet]]:
    """'Title | AP News', 'Title - The Korea Times' -> the title and the site's outlet.
    An attribution after a dash ('... \u2014 KCNA') is part of the headline: only a bar
    or a spaced hyphen sets a site's name apart."""
    for separator in (" | ", " - "):
        head, found, tail = heading.rpartition(separator)
        if found and head and (outlets := outlets_named(tail)) is not None:
            return head.strip(), outlets
    return heading, []


def split_caps_heading(heading: str) -> tuple[str, str | None]:
    """'SOUTH KOREA TO TERMINATE GSOMIA News Today' -> (the capitals, 'News Today'): a
    headline set in capitals, then a short program or section name in title case."""
    tokens = heading.split()
    caps = 0
    while caps < len(tokens) and not any(c.islower() for c in tokens[caps]):
        caps += 1
    tail = tokens[caps:]
    if caps >= 3 and 1 <= len(tail) <= 3 and all(t[0].isupper() for t in tail):
        return " ".join(tokens[:caps]), " ".join(tail)
    return heading, None
