"""Feed bodies -> entries, and versions of a story: pure functions, our own feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parsers.feeds import parse_feed
from parsers.stories import StoryCandidate, is_version_label, link_versions

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test</title>
<item><title>With guid</title><link>https://en.yna.co.kr/view/AEN1</link>
  <guid>AEN1</guid><pubDate>Mon, 07 Oct 2019 11:12:00 +0900</pubDate></item>
<item><title>Link only</title><link>https://en.yna.co.kr/view/AEN2</link></item>
<item><title>Neither guid nor link</title><pubDate>Mon, 07 Oct 2019 12:00:00 +0900</pubDate></item>
<item><description>nothing to know it by</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>38 North</title><id>urn:t</id>
<updated>2024-03-02T10:00:00Z</updated>
<entry><title>Satellite imagery of Sohae</title><id>tag:38north.org,2024:1</id>
  <link href="https://www.38north.org/2024/03/sohae/"/>
  <updated>2024-03-02T10:00:00Z</updated></entry>
</feed>"""


def test_entry_identity_is_guid_else_link_else_title_and_date() -> None:
    parsed = parse_feed(RSS, "https://en.yna.co.kr/RSS/nk.xml")
    assert parsed.problem is None and parsed.error is None
    first, second, third = parsed.entries  # the item with nothing to go by is dropped
    assert first.entry_id == "AEN1"
    assert first.published_at == datetime(2019, 10, 7, 2, 12, tzinfo=UTC)
    assert second.entry_id == "https://en.yna.co.kr/view/AEN2" and second.published_at is None
    assert third.entry_id.startswith("sha256:") and third.url is None
    # The same title and date give the same identity on the next poll.
    assert parse_feed(RSS, "u").entries[2].entry_id == third.entry_id


def test_atom_feeds_give_entries_too() -> None:
    (entry,) = parse_feed(ATOM, "https://www.38north.org/feed/").entries
    assert entry.entry_id == "tag:38north.org,2024:1"
    assert entry.url == "https://www.38north.org/2024/03/sohae/"
    assert entry.published_at == datetime(2024, 3, 2, 10, tzinfo=UTC)


def test_a_malformed_feed_keeps_its_entries_and_says_what_is_wrong() -> None:
    broken = RSS.replace(b"<title>Test</title>", b"<title>A & B</title>").replace(
        b"</channel></rss>", b""
    )
    parsed = parse_feed(broken, "u")
    assert [e.entry_id for e in parsed.entries][:2] == ["AEN1", "https://en.yna.co.kr/view/AEN2"]
    assert parsed.problem is not None and parsed.problem.startswith("malformed feed:")
    assert parsed.error is None


def test_a_page_that_is_not_a_feed_is_an_error() -> None:
    parsed = parse_feed(b"<html><body><p>Welcome</p></body></html>", "https://x.org/rss")
    assert parsed.entries == ()
    assert parsed.error is not None and "not an RSS or Atom feed" in parsed.error


T0 = datetime(2024, 3, 2, 0, 0, tzinfo=UTC)


def candidate(n: int, title: str, label: str | None, minutes: int, source: str = "yonhap"):
    return StoryCandidate(f"a{n}", source, title, label, T0 + timedelta(minutes=minutes))


def test_versions_chain_from_urgent_to_the_latest_lead() -> None:
    stories = link_versions(
        [
            candidate(1, "N. Korea fires ballistic missile into East Sea: JCS", "URGENT", 0),
            candidate(2, "N. Korea fires ballistic missile into East Sea", "LEAD", 25),
            candidate(3, "Unification minister visits Panmunjom", None, 30),
            candidate(
                4, "N. Korea fires ICBM-class missile into East Sea, Japan says", "2nd LD", 70
            ),
            # Another outlet's story on the same launch is not a version of Yonhap's.
            candidate(5, "N. Korea fires ballistic missile into East Sea", "LEAD", 40, "voa"),
        ]
    )
    by_id = {v.article_id: v for v in stories}
    assert {by_id[a].story_id for a in ("a1", "a2", "a4")} == {"a1"}
    assert [by_id[a].version_seq for a in ("a1", "a2", "a4")] == [1, 2, 3]
    assert [by_id[a].is_latest for a in ("a1", "a2", "a4")] == [False, False, True]
    assert by_id["a3"].story_id == "a3" and by_id["a3"].is_latest
    assert by_id["a5"].story_id == "a5"


def test_distinct_stories_and_stale_versions_stay_apart() -> None:
    stories = link_versions(
        [
            candidate(1, "N. Korea fires ballistic missile into East Sea", None, 0),
            # Same words two days later: a new launch, not a version of the old story.
            candidate(2, "N. Korea fires ballistic missile into East Sea", "LEAD", 60 * 48),
            # A labelled story sharing only "North Korea" words is its own story.
            candidate(3, "Seoul, Tokyo agree to resume shuttle diplomacy", "LEAD", 10),
        ]
    )
    assert {v.article_id: v.story_id for v in stories} == {"a1": "a1", "a2": "a2", "a3": "a3"}


def test_an_article_without_a_headline_is_a_story_of_its_own() -> None:
    stories = link_versions(
        [
            candidate(1, "N. Korea fires ballistic missile into East Sea", None, 0),
            StoryCandidate("a2", "yonhap", None, "LEAD", T0 + timedelta(minutes=5)),
        ]
    )
    assert {v.article_id: v.story_id for v in stories} == {"a1": "a1", "a2": "a2"}


def test_version_labels() -> None:
    assert all(is_version_label(x) for x in ("URGENT", "LEAD", "2nd LD", "3rd LD, News Focus"))
    assert not any(is_version_label(x) for x in (None, "News Focus", "Interview", "Yonhap Feature"))


def test_topics_keep_the_entries_about_korea_diplomacy() -> None:
    from parsers.feeds import FeedEntry, matches_topics

    topics = ("north korea", "u.s.", "summit", "kim yo-jong")

    def entry(title: str, summary: str | None = None) -> FeedEntry:
        return FeedEntry("id", "https://x.org/1", title, None, summary)

    assert matches_topics(entry("N. Korea fires missile", "North Korea fired..."), topics)
    assert matches_topics(entry("Seoul hosts U.S. envoy"), topics)
    assert matches_topics(entry("Statement by Kim Yo-jong"), topics)
    assert not matches_topics(entry("K-pop group tops chart", "Its new single..."), topics)
    # Whole words only: "summitry" is not "summit", "bus." is not "u.s.".
    assert not matches_topics(entry("Mountain summitry for hikers"), topics)
    assert not matches_topics(entry("A new bus.service"), topics)
    assert matches_topics(entry("Anything at all"), ())
