"""The HTTP layer against a real server on loopback: limits, politeness, robots.txt."""

from __future__ import annotations

import ipaddress
import itertools
import random
import socket
import ssl
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from flows.fetching.addresses import address_problem
from flows.fetching.client import Fetcher, parse_retry_after
from flows.fetching.health import FeedState, after_failure, after_success, backoff_seconds
from flows.fetching.robots import RobotsRules
from flows.sources import FetchSettings

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
UA = "peninsula-tests/0.1 (+https://example.org/peninsula)"


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def fetcher(**settings: object) -> Fetcher:
    values: dict[str, object] = {
        "min_interval_seconds": 0.0,
        "read_timeout_seconds": 1.0,
        "connect_timeout_seconds": 1.0,
        "allow_networks": LOOPBACK,
    }
    values.update(settings)
    return Fetcher(FetchSettings(**values), UA)  # type: ignore[arg-type]


def test_sends_user_agent_and_keeps_headers_that_matter(server: HTTPServer) -> None:
    server.expect_request("/feed", headers={"User-Agent": UA}).respond_with_data(
        "<rss/>", headers={"ETag": '"v1"', "X-Other": "dropped"}
    )
    with fetcher() as client:
        result = client.get(server.url_for("/feed"), "feed")
        assert result.ok and result.body == b"<rss/>"
        assert result.headers["etag"] == '"v1"'
        assert "x-other" not in result.headers
        # Kept for the landing zone until drained, then gone.
        assert [r.url for r in client.drain()] == [server.url_for("/feed")]
        assert client.drain() == []


def test_response_over_the_cap_is_refused(server: HTTPServer) -> None:
    server.expect_request("/big").respond_with_data(b"x" * 5000)
    # Streamed without a length: the cap is enforced while reading.
    server.expect_request("/stream").respond_with_response(
        Response(iter([b"y" * 1000] * 5), content_type="text/html")
    )
    with fetcher(max_response_bytes=2000) as client:
        for path in ("/big", "/stream"):
            result = client.get(server.url_for(path), "page")
            assert not result.ok and result.body is None
            assert "response too large" in (result.error or "")
            assert "2,000 bytes" in (result.error or "")


def test_timeouts_are_reported_not_raised(server: HTTPServer) -> None:
    def slow(_request: object) -> Response:
        time.sleep(1.5)
        return Response("late")

    server.expect_request("/slow").respond_with_handler(slow)
    with fetcher(read_timeout_seconds=0.3) as client:
        started = time.monotonic()
        result = client.get(server.url_for("/slow"), "feed")
    assert time.monotonic() - started < 1.4
    assert result.status is None and result.error == "timed out reading after 0.3 s"


def test_redirects_are_followed_and_bounded(server: HTTPServer) -> None:
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data("moved here")
    server.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    with fetcher(max_redirects=3) as client:
        moved = client.get(server.url_for("/old"), "page")
        assert moved.ok and moved.body == b"moved here"
        assert moved.final_url == server.url_for("/new")
        looping = client.get(server.url_for("/loop"), "page")
        assert looping.error == "more than 3 redirects"


def test_redirect_to_a_private_address_is_refused(server: HTTPServer) -> None:
    server.expect_request("/sneaky").respond_with_data(
        "", status=302, headers={"Location": "http://10.20.30.40/admin"}
    )
    with fetcher() as client:
        result = client.get(server.url_for("/sneaky"), "page")
    assert result.status is None
    assert "10.20.30.40, a private address; refused" in (result.error or "")


def test_private_loopback_and_link_local_addresses_are_refused_by_default() -> None:
    assert "loopback" in (address_problem("http://127.0.0.1:8000/feed", ()) or "")
    assert "private" in (address_problem("http://192.168.1.10/feed", ()) or "")
    assert "link-local" in (address_problem("http://169.254.169.254/latest/", ()) or "")
    assert "loopback" in (address_problem("http://[::1]/feed", ()) or "")
    assert address_problem("http://127.0.0.1:8000/feed", LOOPBACK) is None
    assert address_problem("ftp://example.org/feed", ()) is not None
    assert address_problem("http://93.184.215.14/feed", ()) is None


def test_politeness_interval_spaces_requests_to_one_host(server: HTTPServer) -> None:
    times: list[float] = []

    def stamp(_request: object) -> Response:
        times.append(time.monotonic())
        return Response("ok")

    server.expect_request("/a").respond_with_handler(stamp)
    with fetcher(min_interval_seconds=0.3) as client:
        for _ in range(3):
            client.get(server.url_for("/a"), "page")
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 2 and all(gap >= 0.29 for gap in gaps)


def test_robots_txt_rules_and_failures(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    with fetcher() as client:
        robots = RobotsRules(client, UA)
        assert robots.verdict(server.url_for("/view/1")).allowed
        refused = robots.verdict(server.url_for("/private/2"))
        assert not refused.allowed and not refused.retry_later
        assert "disallows /private/2" in (refused.reason or "")
        # Read once per host per run.
        assert sum(1 for r in client.drain() if r.kind == "robots") == 1


def test_robots_txt_missing_allows_and_server_error_defers(server: HTTPServer) -> None:
    with fetcher() as client:
        server.expect_request("/robots.txt").respond_with_data("", status=404)
        assert RobotsRules(client, UA).verdict(server.url_for("/view/1")).allowed
        server.clear()
        server.expect_request("/robots.txt").respond_with_data("", status=503)
        deferred = RobotsRules(client, UA).verdict(server.url_for("/view/1"))
        assert not deferred.allowed and deferred.retry_later


def test_retry_after_in_seconds_and_as_a_date() -> None:
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Sun, 22 Nov 2026 12:05:00 GMT", now) == 300
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("99999999", now) == 6 * 3600  # capped


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    settings = FetchSettings(backoff_base_minutes=5, max_backoff_minutes=60)
    rng = random.Random(7)
    waits = [backoff_seconds(n, settings, rng) for n in range(1, 7)]
    for n, wait in enumerate(waits, start=1):
        window = min(3600, 300 * 2 ** (n - 1))
        assert window / 2 <= wait <= window
    assert max(waits) <= 3600


def test_feed_health_through_failures_retry_after_and_recovery() -> None:
    settings = FetchSettings(unhealthy_after_failures=3, backoff_base_minutes=5)
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    state = FeedState("https://example.org/feed")
    for _ in range(3):
        state = after_failure(state, now, settings, status=500, error="HTTP 500")
    assert state.unhealthy(settings) and not state.due(now)
    # A Retry-After longer than the backoff is waited out in full.
    limited = after_failure(
        FeedState("u"), now, settings, status=429, error="429", retry_after_seconds=7200
    )
    assert limited.next_poll_at == now + timedelta(seconds=7200)
    # One success makes the feed healthy again, keeping its validators.
    recovered = after_success(state, now, 200, etag='"x"', last_modified=None)
    assert recovered.consecutive_failures == 0 and recovered.due(now)
    assert recovered.conditional_headers() == {"If-None-Match": '"x"'}


def test_stale_feed_is_one_quiet_for_several_usual_intervals() -> None:
    settings = FetchSettings(stale_after_intervals=4)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    hourly = [start + timedelta(hours=h) for h in range(10)]
    state = after_success(
        FeedState("u"), start, 200, etag=None, last_modified=None, entry_times=hourly
    )
    assert state.usual_interval_seconds == 3600
    assert not state.stale(hourly[-1] + timedelta(hours=3), settings)
    assert state.stale(hourly[-1] + timedelta(hours=5), settings)


def trickle(_request: object) -> Response:
    """A page that never stops coming: a byte every 0.1 s, each well inside any read
    timeout, 600 of them (a minute)."""

    def drip() -> Iterator[bytes]:
        for _ in range(600):
            time.sleep(0.1)
            yield b"x"

    return Response(drip(), content_type="text/html")


def test_a_trickling_response_is_cut_off_at_the_deadline(server: HTTPServer) -> None:
    server.expect_request("/trickle").respond_with_handler(trickle)
    with fetcher(read_timeout_seconds=5.0, response_deadline_seconds=1.0) as client:
        started = time.monotonic()
        result = client.get(server.url_for("/trickle"), "page")
    took = time.monotonic() - started
    assert 1.0 <= took < 2.0, took
    assert not result.ok and result.body is None and result.overdue
    assert result.error == (
        "cut off: the response was still coming at the deadline "
        "(1 s, fetch.response_deadline_seconds)"
    )


def test_a_trickling_host_holds_up_no_other_host_beyond_one_deadline(server: HTTPServer) -> None:
    from flows.feed_pipeline import fetch_pages
    from warehouse.live import PendingEntry

    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request("/slow/1").respond_with_handler(trickle)
    server.expect_request("/slow/2").respond_with_handler(trickle)
    server.expect_request("/slow/3").respond_with_handler(trickle)
    server.expect_request("/fast").respond_with_data("<html><p>quick</p></html>")
    slow_host = f"http://127.0.0.1:{server.port}"
    fast_host = f"http://localhost:{server.port}"  # another host name, the same server
    entries = [
        PendingEntry("s", f"slow-{n}", f"{slow_host}/slow/{n}", "generic", 0, f"{slow_host}/rss")
        for n in (1, 2, 3)
    ]
    entries.append(PendingEntry("s", "fast", f"{fast_host}/fast", "generic", 0, f"{fast_host}/rss"))
    allowed = (*LOOPBACK, ipaddress.ip_network("::1/128"))
    with fetcher(
        read_timeout_seconds=5.0, response_deadline_seconds=1.5, allow_networks=allowed
    ) as client:
        started = time.monotonic()
        attempts = fetch_pages(entries, client, RobotsRules(client, UA))
        took = time.monotonic() - started
    assert took < 3.0, took  # one deadline, not three
    updates = {a.entry.entry_id: a.entry_update() for a in attempts}
    assert updates["fast"][1] == "fetched"
    assert updates["slow-1"][1:] == ("pending", updates["slow-1"][2], True)
    assert updates["slow-1"][2].startswith("cut off")
    for later in ("slow-2", "slow-3"):  # left for the next run, not counted as tries
        status, error, attempted = updates[later][1:]
        assert (status, attempted) == ("pending", False)
        assert error.startswith(f"not fetched: 127.0.0.1:{server.port} is too slow")


class NameServer:
    """Answers for made-up host names, in turn (the last one repeats): what a rebinding
    attacker's DNS does. Any other name or address goes to the real resolver."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []
        real = socket.getaddrinfo

        def getaddrinfo(host: object, port: object, *args: object, **kwargs: object) -> list:
            name = host.decode() if isinstance(host, bytes) else str(host)
            if name not in self.answers:
                return real(host, port, *args, **kwargs)  # type: ignore[arg-type]
            self.asked.append(name)
            turn = self.answers[name]
            address = turn.pop(0) if len(turn) > 1 else turn[0]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]  # type: ignore[call-overload]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_name_that_rebinds_to_loopback_after_the_check_is_not_connected_to(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.expect_request("/admin").respond_with_data("the local service's secrets")
    # Public when checked, loopback when the connection is made.
    NameServer(monkeypatch, {"news.rebind.test": ["93.184.215.14", "127.0.0.1"]})
    with fetcher(allow_networks=()) as client:
        result = client.get(f"http://news.rebind.test:{server.port}/admin", "page")
    assert server.log == []  # nothing reached the loopback server
    assert result.body is None and result.status is None
    assert result.refused and result.permanent
    assert "news.rebind.test is 127.0.0.1, a loopback address; refused" in (result.error or "")


def test_a_name_is_fetched_at_its_checked_address_with_its_own_host_header(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = f"news.pinned.test:{server.port}"
    server.expect_request("/view/1", headers={"Host": host}).respond_with_data("<p>hello</p>")
    names = NameServer(monkeypatch, {"news.pinned.test": ["127.0.0.1"]})
    with fetcher() as client:  # loopback allowed, as for every test server
        result = client.get(f"http://{host}/view/1", "page")
    assert result.ok and result.body == b"<p>hello</p>"
    assert names.asked == ["news.pinned.test", "news.pinned.test"]  # the check, the connect


def test_https_to_a_pinned_address_verifies_the_certificate_of_the_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """SNI and verification are about the host name: a certificate for the name alone
    (not for 127.0.0.1) is accepted, one for another name is refused."""
    authority, chains = certificates(tmp_path, ["news.pinned.test", "other.test"])
    monkeypatch.setenv("SSL_CERT_FILE", str(authority))
    NameServer(monkeypatch, {"news.pinned.test": ["127.0.0.1"]})
    for name, expected_ok in (("news.pinned.test", True), ("other.test", False)):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*chains[name])
        tls = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
        tls.expect_request("/view/1").respond_with_data("<p>secure</p>")
        tls.start()
        try:
            with fetcher() as client:
                result = client.get(f"https://news.pinned.test:{tls.port}/view/1", "page")
        finally:
            tls.stop()
        assert result.ok is expected_ok, result.error
        if not expected_ok:
            assert "CERTIFICATE_VERIFY_FAILED" in (result.error or "")


def certificates(folder: Path, names: list[str]) -> tuple[Path, dict[str, tuple[str, str]]]:
    """A certificate authority of our own, and a certificate and key it signed per name."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)

    def issue(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name | None,
              signer: ec.EllipticCurvePrivateKey, authority: bool) -> x509.Certificate:  # fmt: skip
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer or name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=authority, path_length=None), critical=True)
        )
        if authority:
            usage = dict.fromkeys(
                ("digital_signature", "content_commitment", "key_encipherment",
                 "data_encipherment", "key_agreement", "encipher_only", "decipher_only"),
                False,
            )  # fmt: skip
            builder = builder.add_extension(
                x509.KeyUsage(key_cert_sign=True, crl_sign=True, **usage), critical=True
            ).add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        else:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
            ).add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = issue("peninsula test authority", ca_key, None, ca_key, authority=True)
    authority = folder / "authority.pem"
    authority.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chains = {}
    for name in names:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = issue(name, key, ca.subject, ca_key, authority=False)
        cert_file, key_file = folder / f"{name}.pem", folder / f"{name}.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        chains[name] = (str(cert_file), str(key_file))
    return authority, chains
