"""The LAPOR! v3 adapter against a scripted HTTP server on 127.0.0.1 (answers the simulator
never gives: gateway errors, fuzzy search hits, garbage headers, vanished endpoints), and
against small misbehaving servers: redirecting, trickling, slow-reading, HTTPS with refused
certificates."""

import contextlib
import json
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from conftest import make_report

from kiosk import outbox, refdata
from kiosk.adapters.base import (
    CreatedComplaint,
    MalformedAnswer,
    Misconfigured,
    NoAnswer,
    NotFound,
    Rejected,
    Unavailable,
)
from kiosk.adapters.deadline import Deadline
from kiosk.adapters.lapor_v3 import (
    MAX_RETRY_AFTER_S,
    LaporV3Client,
    create_payload,
    place_text,
    retry_after_s,
)
from kiosk.adapters.tls import describe_tls_failure
from kiosk.boot_clock import BootClock
from kiosk.config import ForwarderConfig, LaporConfig, Secret
from kiosk.forwarder import Forwarder
from kiosk.report import Place, Reporter
from kiosk.store import save_report
from lapor_sim import SimulatorOptions, start_simulator

DROP = "drop"
"""An answer that closes the connection without a word."""


class ScriptedServer:
    """Answers each `METHOD /path` with the next scripted (status, headers, body) or DROP.

    A body of bytes is sent as it is (not JSON); a header value of bytes goes out raw.
    `tls` (an SSLContext) makes it an HTTPS server.
    """

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.script: dict[str, list] = {}
        self.calls: list[str] = []
        self.paths: list[str] = []
        self.connections = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                server.connections += 1
                super().setup()

            def log_message(self, *args) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                key = f"{self.command} {self.path.split('?')[0]}"
                server.calls.append(key)
                server.paths.append(self.path)
                answers = server.script.get(key) or [(404, {}, {"message": "Not found"})]
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                if answer == DROP:
                    self.close_connection = True
                    return
                status, headers, body = answer
                raw = isinstance(body, bytes)
                payload = body if raw else json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    if isinstance(value, bytes):
                        self._headers_buffer.append(name.encode() + b": " + value + b"\r\n")
                    else:
                        self.send_header(name, value)
                self.send_header("Content-Type", "text/html" if raw else "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


def client(
    url: str, lookup: bool = True, timeout_s: float = 2.0, upload_bytes_per_s: float = 50_000.0
) -> LaporV3Client:
    config = LaporConfig(
        base_url=url,
        channel_id=99,
        auth_key=Secret("k"),
        token=Secret("t"),
        timeout_s=timeout_s,
        upload_bytes_per_s=upload_bytes_per_s,
        reference_lookup=lookup,
    )
    return LaporV3Client(config, "KIOSK-TEST")


@pytest.mark.parametrize("status", [500, 502, 504])
def test_gateway_errors_on_create_may_have_stored_it(server, status):
    server.script["POST /complaints/complaint"] = [(status, {}, {"message": "Bad gateway"})]
    with pytest.raises(Unavailable) as caught:
        client(server.url).create_complaint(make_report(), "kiosk-x", [])
    assert caught.value.maybe_processed


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        ("soon", None),
        ("99999999", MAX_RETRY_AFTER_S),
        ("", None),
        ("\u00b2", None),  # a digit to str.isdigit, not to float()
        ("\u0663".encode(), None),  # Arabic-Indic three, as UTF-8 bytes on the wire
        ("-5", None),
        ("1.5", None),
        ("9" * 400, MAX_RETRY_AFTER_S),
        ("Mon, 99 Foo 99999 99:99:99 GMT", None),
    ],
)
def test_retry_after_is_read_safely(server, header, expected):
    headers = {"Retry-After": header} if header else {}
    server.script["POST /complaints/complaint"] = [(503, headers, {"message": "busy"})]
    with pytest.raises(Unavailable) as caught:
        client(server.url).create_complaint(make_report(), "kiosk-x", [])
    assert caught.value.retry_after_s == expected
    assert not caught.value.maybe_processed


def test_a_search_hit_must_carry_the_reference(server):
    fuzzy = {"complaint_id": 777, "tags_raw": "#kiosk #kiosk-other", "content": "lain"}
    exact = {"complaint_id": 778, "tags_raw": "#kiosk #kiosk-abc", "content": "..."}
    server.script["GET /complaints/search"] = [(200, {}, {"results": {"data": [fuzzy]}})]
    assert client(server.url).find_by_reference("kiosk-abc") is None
    server.script["GET /complaints/search"] = [(200, {}, {"results": {"data": [fuzzy, exact]}})]
    assert client(server.url).find_by_reference("kiosk-abc").complaint_id == "778"


def test_an_unanswered_create_is_ambiguous(server):
    server.script["POST /complaints/complaint"] = [DROP]
    with pytest.raises(NoAnswer):
        client(server.url).create_complaint(make_report(), "kiosk-x", [])


def test_a_bad_base_url_is_a_configuration_error():
    with pytest.raises(Misconfigured):
        client("ftp://127.0.0.1/lapor").create_complaint(make_report(), "kiosk-x", [])


def test_vanished_endpoint(server):
    with pytest.raises(NotFound):
        client(server.url).complaint_status("123")


def test_a_missing_search_endpoint_parks_the_report(server, conn):
    server.script["POST /complaints/complaint"] = [DROP]  # the search answers 404
    settings = ForwarderConfig(reconcile_grace_s=0.0, backoff_initial_s=0.0)
    forwarder = Forwarder(conn, client(server.url), settings, 86400.0)
    stored = save_report(conn, make_report(), 1)
    forwarder.run_once()
    assert outbox.get(conn, stored.uuid).state == "sending"
    forwarder.run_once()
    item = outbox.get(conn, stored.uuid)
    assert item.state == "needs_review"
    assert "reference lookup failed" in item.last_error
    assert server.calls.count("POST /complaints/complaint") == 1  # never posted blindly again


def test_a_gateway_error_is_reconciled_before_posting_again(server, conn):
    found = {"complaint_id": 900, "tags_raw": "", "content": ""}
    server.script["POST /complaints/complaint"] = [(502, {}, {"message": "Bad gateway"})]
    settings = ForwarderConfig(reconcile_grace_s=0.0, backoff_initial_s=0.0)
    forwarder = Forwarder(conn, client(server.url), settings, 86400.0)
    stored = save_report(conn, make_report(), 1)
    found["content"] = f"... Ref: kiosk-{stored.uuid} ..."
    server.script["GET /complaints/search"] = [(200, {}, {"results": {"data": [found]}})]
    forwarder.run_once()
    forwarder.run_once()
    item = outbox.get(conn, stored.uuid)
    assert (item.state, item.complaint_id) == ("delivered", "900")
    assert server.calls.count("POST /complaints/complaint") == 1


def test_a_retry_never_undoes_a_send_in_progress(conn):
    stored = save_report(conn, make_report(), 1)
    outbox.mark_sending(conn, stored.uuid, BootClock(), 60.0)
    assert outbox.requeue(conn, stored.uuid) is False
    assert outbox.get(conn, stored.uuid).state == "sending"
    outbox.mark_rejected(conn, stored.uuid, "HTTP 400")
    assert outbox.requeue(conn, stored.uuid) is True


# -- Retry-After, read without the network ---------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 3 ", 3.0),
        ("\u0663", None),
        ("\u00b2", None),
        ("\uff13", None),  # fullwidth three
        ("-1", None),
        ("+5", None),
        ("0.5", None),
        ("1e3", None),
        ("9" * 5000, MAX_RETRY_AFTER_S),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # a date in the past: now
        ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_RETRY_AFTER_S),
        ("Mon, 32 Jan 2026 00:00:00 GMT", None),
        ("\x00\x1b", None),
        (None, None),
    ],
)
def test_retry_after_never_raises(value, expected):
    assert retry_after_s(value) == expected


def test_retry_after_as_a_date():
    soon = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))
    assert 55.0 <= retry_after_s(soon) <= 61.0


# -- small servers --------------------------------------------------------------------------


def read_request(conn: socket.socket) -> bytes:
    """One HTTP request (head and a Content-Length body) from `conn`."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def answer(conn: socket.socket, body: dict) -> None:
    payload = json.dumps(body).encode()
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%b" % (len(payload), payload)
    )


class RawServer:
    """A TCP server on 127.0.0.1 running `handle(server, conn, number)` for each connection;
    it records what each connection sent and stops every handler when closed."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self.received = bytearray()
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.listener.settimeout(0.05)
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            number = self.connections
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn, number), daemon=True).start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        with conn, contextlib.suppress(OSError):
            self.handle(self, conn, number)

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()


@pytest.fixture
def raw_servers():
    started: list[RawServer] = []

    def start(handle) -> RawServer:
        started.append(RawServer(handle))
        return started[-1]

    yield start
    for server in started:
        server.close()


def records(server: RawServer, conn: socket.socket, number: int) -> None:
    """A bystander: keeps whatever reaches it."""
    conn.settimeout(0.1)
    while not server.stopped.is_set():
        try:
            chunk = conn.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            return
        server.received += chunk


# -- redirects ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_never_followed(server, raw_servers, status):
    elsewhere = raw_servers(records)
    location = f"{elsewhere.url}/complaints/complaint"
    server.script["POST /complaints/complaint"] = [(status, {"Location": location}, {})]
    with pytest.raises(Misconfigured) as caught:
        client(server.url).create_complaint(make_report(), "kiosk-x", [])
    assert str(caught.value) == (
        "LAPOR! answered with a redirect to 127.0.0.1: check [lapor] base_url"
    )
    time.sleep(0.2)
    assert (elsewhere.connections, bytes(elsewhere.received)) == (0, b"")
    assert server.calls == ["POST /complaints/complaint"]


def test_a_redirect_on_a_lookup_is_never_followed(server, raw_servers):
    elsewhere = raw_servers(records)
    server.script["GET /complaints/search"] = [(302, {"Location": elsewhere.url + "/x"}, {})]
    with pytest.raises(Misconfigured):
        client(server.url).find_by_reference("kiosk-x")
    time.sleep(0.2)
    assert elsewhere.connections == 0


@pytest.mark.parametrize(
    ("location", "named"),
    [
        (None, "an unnamed host"),
        ("", "an unnamed host"),
        ("http://user@[broken/x", "[broken"),
        ("not a url", "127.0.0.1"),  # relative: this same host
        (b"http://evil\x1bc\x07.example/", "evil\\x1bc\\x07.example"),
        (b"http://evil\x1b]0;x\x07.example/", "evil\\x1b]0;x\\x07.example"),
        ("/lapor/3.0.0/complaints/complaint", "127.0.0.1"),  # same host, another path
    ],
)
def test_the_redirect_host_is_named_printably(server, location, named):
    headers = {} if location is None else {"Location": location}
    server.script["POST /complaints/complaint"] = [(302, headers, {})]
    with pytest.raises(Misconfigured) as caught:
        client(server.url).create_complaint(make_report(), "kiosk-x", [])
    assert f"redirect to {named}:" in str(caught.value)
    assert "\x1b" not in str(caught.value)


# -- the whole-call deadline ----------------------------------------------------------------


def trickling(phase: str, stop_after_s: float = 8.0):
    """Connection 0 gets an answer trickled one byte every 0.2 s (in the status line and
    headers, or in the body); later connections get a plain answer."""

    def handle(server: RawServer, conn: socket.socket, number: int) -> None:
        read_request(conn)
        if number > 0:
            answer(conn, {"results": {"data": []}})
            return
        if phase == "head":
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        started = time.monotonic()
        while not server.stopped.is_set() and time.monotonic() - started < stop_after_s:
            conn.sendall(b"a")
            time.sleep(0.2)

    return handle


@pytest.mark.parametrize("phase", ["head", "body"])
def test_a_trickling_answer_ends_at_the_deadline(raw_servers, phase):
    slow = raw_servers(trickling(phase))
    api = client(slow.url, timeout_s=1.0)
    started = time.monotonic()
    with pytest.raises(NoAnswer) as caught:
        api.create_complaint(make_report(), "kiosk-x", [])
    elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert str(caught.value) == "POST /complaints/complaint: no complete answer within 1 s"
    assert not isinstance(caught.value, MalformedAnswer)
    assert api.find_by_reference("kiosk-x") is None  # the client works again at once
    assert slow.connections == 2


def test_an_upload_deadline_grows_with_its_size(raw_servers):
    slow = raw_servers(trickling("body"))
    api = client(slow.url, timeout_s=1.0, upload_bytes_per_s=1000.0)
    assert api.deadline_s(2000) == pytest.approx(3.0)
    started = time.monotonic()
    with pytest.raises(Unavailable) as caught:  # an orphan upload is harmless: upload again
        api.upload_attachment("a.ogg", "audio/ogg", b"x" * 2000)
    elapsed = time.monotonic() - started
    assert 2.8 <= elapsed < 4.0
    assert "no complete answer within 3 s" in str(caught.value)


def test_a_server_reading_too_slowly_cannot_hold_an_upload(raw_servers):
    def sipping(server: RawServer, conn: socket.socket, number: int) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        started = time.monotonic()
        while not server.stopped.is_set() and time.monotonic() - started < 8.0:
            if not conn.recv(4096):
                return
            time.sleep(0.05)

    slow = raw_servers(sipping)
    api = client(slow.url, timeout_s=1.0, upload_bytes_per_s=1e9)
    started = time.monotonic()
    with pytest.raises(Unavailable) as caught:
        api.upload_attachment("big.ogg", "audio/ogg", b"x" * 32_000_000)
    assert time.monotonic() - started < 2.5
    assert "no complete answer within 1 s" in str(caught.value)


def test_a_handshake_that_never_ends_was_not_sent(raw_servers):
    silent = raw_servers(records)  # takes the connection, never speaks TLS
    api = client(f"https://127.0.0.1:{silent.port}", timeout_s=1.0)
    started = time.monotonic()
    with pytest.raises(Unavailable) as caught:
        api.create_complaint(make_report(), "kiosk-x", [])
    assert time.monotonic() - started < 2.0
    assert caught.value.maybe_processed is False
    assert bytes(silent.received).startswith(b"\x16\x03")  # a TLS hello, nothing after it
    assert b"POST" not in silent.received


def test_a_deadline_shuts_a_blocked_socket_down():
    left, right = socket.socketpair()
    with left, right, Deadline(0.3) as deadline:
        deadline.watch(left)
        started = time.monotonic()
        assert left.recv(10) == b""  # the peer said nothing: woken by the shutdown
        assert 0.25 <= time.monotonic() - started < 1.0
        assert deadline.expired


def test_a_call_in_time_leaves_its_connection_alone():
    left, right = socket.socketpair()
    with left, right:
        with Deadline(0.2) as deadline:
            deadline.watch(left)
        time.sleep(0.4)
        right.sendall(b"still here")
        assert left.recv(10) == b"still here"
        assert not deadline.expired


def test_keep_alive_is_kept(server):
    server.script["GET /complaints/search"] = [(200, {}, {"results": {"data": []}})]
    api = client(server.url)
    for _ in range(5):
        assert api.find_by_reference("kiosk-x") is None
    assert server.connections == 1


# -- TLS ------------------------------------------------------------------------------------

CA_CONFIG = """
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
copy_extensions = copy
unique_subject = no
[ policy_any ]
commonName = supplied
"""


def make_certificate(folder, name: str, san: str, start: str = "", end: str = "") -> tuple:
    """A self-signed certificate and its key (openssl CLI); `start`/`end` as YYYYMMDDHHMMSSZ."""
    folder.mkdir()
    key, cert = folder / "key.pem", folder / "cert.pem"
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    subject = ["-subj", f"/CN={name}", "-addext", f"subjectAltName={san}"]
    if not start:
        command = ["openssl", "req", "-x509", *ec, "-keyout", key, "-out", cert, "-days", "2"]
        subprocess.run([*command, *subject], check=True, capture_output=True)
        return cert, key
    (folder / "ca.cnf").write_text(CA_CONFIG)
    (folder / "index.txt").write_text("")
    (folder / "serial").write_text("01\n")
    request = ["openssl", "req", "-new", *ec, "-keyout", key, "-out", folder / "req.csr"]
    subprocess.run([*request, *subject], check=True, capture_output=True)
    signing = ["openssl", "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", key]
    dates = ["-startdate", start, "-enddate", end]
    signing += ["-in", "req.csr", "-out", cert, *dates]
    subprocess.run(signing, check=True, capture_output=True, cwd=folder)
    return cert, key


@pytest.fixture
def https_server(tmp_path):
    started: list[ScriptedServer] = []

    def start(name: str, san: str, start: str = "", end: str = ""):
        cert, key = make_certificate(tmp_path / f"cert{len(started)}", name, san, start, end)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        started.append(ScriptedServer(tls=context))
        started[-1].script["GET /complaints/search"] = [(200, {}, {"results": []})]
        return started[-1], str(cert)

    yield start
    for scripted in started:
        scripted.close()


def test_an_untrusted_certificate_is_named(https_server):
    tls, cert = https_server("127.0.0.1", "IP:127.0.0.1")
    with pytest.raises(Unavailable) as caught:
        client(tls.url).find_by_reference("kiosk-x")
    message = str(caught.value)
    assert message.startswith(
        "GET /complaints/search: TLS: LAPOR!'s certificate is not trusted by this terminal ("
    )
    assert message.endswith(": check base_url, the system CA certificates and the clock")
    assert describe_tls_failure(caught.value) == message.removeprefix("GET /complaints/search: ")
    assert tls.calls == []  # refused before the request was sent
    trusting = client(tls.url)
    trusting._session.verify = cert  # the same server, its certificate trusted: it works
    assert trusting.find_by_reference("kiosk-x") is None
    assert tls.calls == ["GET /complaints/search"]


def test_a_certificate_for_another_host_is_named(https_server):
    tls, cert = https_server("lapor.example", "DNS:lapor.example")
    api = client(tls.url)
    api._session.verify = cert  # trusted, but not for 127.0.0.1
    with pytest.raises(Unavailable) as caught:
        api.find_by_reference("kiosk-x")
    assert "TLS: LAPOR!'s certificate is not for the host in base_url (" in str(caught.value)
    assert str(caught.value).endswith("check [lapor] base_url")
    assert tls.calls == []


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("20000101000000Z", "20010101000000Z", "certificate has expired"),
        ("20990101000000Z", "21000101000000Z", "clock may be wrong"),
    ],
)
def test_a_certificate_out_of_its_dates_is_named(https_server, start, end, expected):
    tls, cert = https_server("127.0.0.1", "IP:127.0.0.1", start, end)
    api = client(tls.url)
    api._session.verify = cert
    with pytest.raises(Unavailable) as caught:
        api.find_by_reference("kiosk-x")
    assert expected in str(caught.value)
    assert "clock" in str(caught.value)
    assert tls.calls == []


def test_other_failures_are_not_described_as_tls(server):
    server.script["GET /complaints/search"] = [DROP]
    with pytest.raises(NoAnswer) as caught:
        client(server.url).find_by_reference("kiosk-x")
    assert describe_tls_failure(caught.value) is None


# -- answers of unexpected shapes -----------------------------------------------------------

CREATE = "POST /complaints/complaint"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"complaint_id": 4242, "tracking_id": "T-1"}, CreatedComplaint("4242", "T-1")),
        ({"complaint_id": " 77 "}, CreatedComplaint("77")),
        ({"complaint_id": "12"}, CreatedComplaint("12")),
        ({"data": {"complaint_id": 5, "tracking_id": "T-5"}}, CreatedComplaint("5", "T-5")),
        ({"id": 55}, CreatedComplaint("55")),  # ASSUMED alternative name
        ({"data": {"id": "LAP-9"}}, CreatedComplaint("LAP-9")),
        ({"complaint_id": None, "data": {"complaint_id": 6}}, CreatedComplaint("6")),
        ({"complaint_id": 8, "tracking_id": ["x"]}, CreatedComplaint("8")),
    ],
)
def test_a_created_complaint_is_read_wherever_its_id_is(server, body, expected):
    server.script[CREATE] = [(200, {}, body)]
    assert client(server.url).create_complaint(make_report(), "kiosk-x", []) == expected


@pytest.mark.parametrize(
    "body",
    [
        {"complaint_id": ""},
        {"complaint_id": "   "},
        {"complaint_id": 0},
        {"complaint_id": -3},
        {"complaint_id": False},
        {"complaint_id": True},
        {"complaint_id": None},
        {"complaint_id": [12]},
        {"complaint_id": {"id": 12}},
        {"complaint_id": "0"},
        {"complaint_id": "000"},
        {"complaint_id": 1.5},
        {"complaint_id": "12\n34"},
        {"complaint_id": "12\x1b[2J"},
        {"complaint_id": "x" * 65},
        {"data": []},
        {"data": None},
        {"data": {"complaint_id": ""}},
        {"message": "ok"},
        {"success": False, "message": "gagal"},
        [],
        [{"complaint_id": 12}],
        "12",
        12,
        None,
        b"<html>Bad gateway</html>",
        b"[" * 100_000,  # nested deeper than the JSON reader goes
    ],
)
def test_a_create_without_a_real_id_is_malformed(server, body):
    server.script[CREATE] = [(200, {}, body)]
    with pytest.raises(MalformedAnswer) as caught:
        client(server.url).create_complaint(make_report(), "kiosk-x", [])
    assert isinstance(caught.value, NoAnswer)  # ambiguous: reconciled, never delivered
    assert str(caught.value).startswith("POST /complaints/complaint: ")
    assert "\x1b" not in str(caught.value) and "\n" not in str(caught.value)


def test_a_malformed_create_is_never_taken_as_delivered(server, conn):
    server.script[CREATE] = [(200, {}, {"complaint_id": ""})]
    forwarder = Forwarder(conn, client(server.url, lookup=False), ForwarderConfig(), 86400.0)
    stored = save_report(conn, make_report(), 1)
    forwarder.run_once()
    item = outbox.get(conn, stored.uuid)
    assert item.state == "sending"
    assert item.complaint_id is None


SEARCH = "GET /complaints/search"


def hit(**fields) -> dict:
    return {"tags_raw": "#kiosk #kiosk-abc", "content": "..."} | fields


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"results": []}, None),  # PHP's empty map
        ({"results": {}}, None),
        ({"results": {"data": []}}, None),
        ({"results": {"data": {}}}, None),
        ({"results": {"data": [hit(complaint_id=5)]}}, CreatedComplaint("5")),
        ({"results": {"data": [hit(id=6, tracking_id="T6")]}}, CreatedComplaint("6", "T6")),
        ({"results": {"data": [hit(complaint_id="")]}}, CreatedComplaint(None)),
        ({"results": {"data": [hit(complaint_id=0)]}}, CreatedComplaint(None)),
        ({"results": {"data": [hit(complaint_id=False)]}}, CreatedComplaint(None)),
        ({"results": {"data": [hit(complaint_id=[5])]}}, CreatedComplaint(None)),
        ({"results": {"data": [hit(complaint_id="0")]}}, CreatedComplaint(None)),
        ({"results": {"data": [hit(tracking_id="T7")]}}, CreatedComplaint(None, "T7")),
        ({"results": {"data": [hit(), hit(complaint_id=9)]}}, CreatedComplaint("9")),
        ({"results": {"data": ["x", 3, None, [], hit(id="LAP-1")]}}, CreatedComplaint("LAP-1")),
        ({"results": {"data": [{"tags_raw": ["#kiosk-abc"], "id": 4}]}}, CreatedComplaint("4")),
        ({"results": {"data": [{"tags_raw": 12, "content": None, "id": 4}]}}, None),
    ],
)
def test_search_answers(server, body, expected):
    server.script[SEARCH] = [(200, {}, body)]
    assert client(server.url).find_by_reference("kiosk-abc") == expected


@pytest.mark.parametrize(
    "body",
    [
        [],
        [hit(complaint_id=5)],
        "kiosk-abc",
        5,
        None,
        b"<html></html>",
        {"results": "none"},
        {"results": None},  # a miss may lead to a re-post: only an explicit empty is one
        {},
        {"results": {"data": None}},
        {"results": [hit(complaint_id=5)]},
        {"results": {"data": {"0": hit(complaint_id=5)}}},
        {"results": {"data": "kiosk-abc"}},
    ],
)
def test_a_search_answer_of_another_shape_is_malformed(server, body):
    server.script[SEARCH] = [(200, {}, body)]
    with pytest.raises(MalformedAnswer) as caught:
        client(server.url).find_by_reference("kiosk-abc")
    assert str(caught.value).startswith("GET /complaints/search: ")


def test_a_hit_without_an_id_is_reconciled_as_arrived(server, conn):
    server.script[CREATE] = [DROP]
    settings = ForwarderConfig(reconcile_grace_s=0.0, backoff_initial_s=0.0, reconcile_lookups=1)
    forwarder = Forwarder(conn, client(server.url), settings, 86400.0)
    stored = save_report(conn, make_report(), 1)
    found = {"complaint_id": "", "tags_raw": f"#kiosk #kiosk-{stored.uuid}"}
    server.script[SEARCH] = [(200, {}, {"results": {"data": [found]}})]
    forwarder.run_once()
    forwarder.run_once()
    item = outbox.get(conn, stored.uuid)
    assert (item.state, item.complaint_id) == ("delivered", None)
    assert server.calls.count(CREATE) == 1


STATUS = "GET /complaints/123/complaint"
FOLLOWUPS = "GET /complaints/123/followups"
GOOD_STATUS = {
    "results": {
        "data": {"status_name": "Dalam Proses", "tracking_id": "T-123", "disposition_name": "X"},
        "data_logs": [
            {
                "date": "01-12-2026 10:00:00",
                "status_old": {"name": "Belum Terverifikasi"},
                "status_new": "Dalam Proses",
                "institution_from_name": None,
                "institution_to_name": "Dinas X",
            },
            "garbage",
        ],
    }
}


def test_a_status_is_read_tolerantly(server):
    server.script[STATUS] = [(200, {}, GOOD_STATUS)]
    server.script[FOLLOWUPS] = [
        (
            200,
            {},
            {"results": {"data": [{"content": "Sedang ditangani"}, 7], "next_page_url": "p2"}},
        ),
        (200, {}, {"results": {"data": [], "next_page_url": None}}),
    ]
    status = client(server.url).complaint_status("123")
    assert (status.status_name, status.tracking_id, status.agency) == ("Dalam Proses", "T-123", "X")
    assert [(c.status_old, c.status_new, c.institution_from) for c in status.changes] == [
        ("Belum Terverifikasi", "Dalam Proses", "")
    ]
    assert [f.content for f in status.followups] == ["Sedang ditangani"]
    assert server.calls.count(FOLLOWUPS) == 2


@pytest.mark.parametrize(
    ("status_body", "followups_body"),
    [
        ({"results": []}, {"results": {"data": []}}),
        ({"results": {"data": None}}, {"results": {"data": []}}),
        ({"results": {"data": []}}, {"results": {"data": []}}),
        ({"results": {"data": [GOOD_STATUS["results"]["data"]]}}, {"results": {"data": []}}),
        ({"results": {"data": {"status_name": ["x"]}}}, {"results": {"data": []}}),
        ({"results": {"data": {"status_name": "x"}, "data_logs": "x"}}, {"results": {}}),
        (GOOD_STATUS, {"results": []}),
        (GOOD_STATUS, {"results": {"data": "none"}}),
        (GOOD_STATUS, []),
    ],
)
def test_a_status_of_another_shape_is_malformed(server, status_body, followups_body):
    server.script[STATUS] = [(200, {}, status_body)]
    server.script[FOLLOWUPS] = [(200, {}, followups_body)]
    with pytest.raises(MalformedAnswer):
        client(server.url).complaint_status("123")


def test_a_complaint_id_stays_one_path_segment(server):
    with pytest.raises(NotFound):
        client(server.url).complaint_status("1/../../masters?x=1")
    assert server.paths == ["/complaints/1%2F..%2F..%2Fmasters%3Fx%3D1/complaint"]


def test_reference_lists_keep_items_with_an_id_and_a_name(server):
    items = [
        {"id": 3, "name": "Dinas A"},
        {"id": "12", "name": " Dinas B ", "extra": 1},
        {"id": "K-7", "name": "Dinas C"},
        {"id": "012", "name": "Dinas D"},
        {"id": 0, "name": "zero"},
        {"id": True, "name": "bool"},
        {"id": None, "name": "null"},
        {"id": [1], "name": "list"},
        {"id": 4, "name": ""},
        {"id": 5, "name": None},
        {"id": 6, "name": 6},
        {"name": "no id"},
        "Dinas E",
        None,
    ]
    server.script["GET /masters/institutions/external"] = [(200, {}, {"results": {"data": items}})]
    assert client(server.url).reference_list("institutions") == [
        {"id": 3, "name": "Dinas A"},
        {"id": 12, "name": "Dinas B", "extra": 1},
        {"id": "K-7", "name": "Dinas C"},
        {"id": "012", "name": "Dinas D"},
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"results": {"data": []}}, []),
        ({"results": []}, MalformedAnswer),
        ({"results": {"data": None}}, MalformedAnswer),
        ({"results": {}}, MalformedAnswer),
        ({"results": {"data": {"1": {"id": 1, "name": "A"}}}}, MalformedAnswer),
        ([], MalformedAnswer),
    ],
)
def test_reference_list_shapes(server, body, expected):
    server.script["GET /masters/categories"] = [(200, {}, body)]
    api = client(server.url)
    if expected is MalformedAnswer:
        with pytest.raises(MalformedAnswer):
            api.reference_list("categories")
    else:
        assert api.reference_list("categories") == expected


UPLOAD = "POST /complaints/complaint/file"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"results": {"docs": [{"id": 4199656}]}}, "4199656"),
        ({"results": {"docs": [{"id": "doc-1"}]}}, "doc-1"),
        ({"results": {"docs": []}}, Unavailable),
        ({"results": {"docs": [{"id": ""}]}}, Unavailable),
        ({"results": {"docs": [{"id": 0}]}}, Unavailable),
        ({"results": {"docs": ["4199656"]}}, Unavailable),
        ({"results": {"docs": {"id": 1}}}, Unavailable),
        ({"results": []}, Unavailable),
        ([], Unavailable),
        (b"not json", Unavailable),
    ],
)
def test_upload_answers(server, body, expected):
    server.script[UPLOAD] = [(200, {}, body)]
    api = client(server.url)
    if expected is Unavailable:
        with pytest.raises(Unavailable):  # an orphan upload is harmless: upload again
            api.upload_attachment("a.ogg", "audio/ogg", b"OggS")
    else:
        assert api.upload_attachment("a.ogg", "audio/ogg", b"OggS") == expected


@pytest.mark.parametrize(
    ("body", "reasons"),
    [
        ({"errors": {"title": "terlalu pendek"}}, ["title: terlalu pendek"]),
        ({"errors": {"title": ["a", 3, None]}}, ["title: a; 3"]),
        ({"errors": [{"code": 1, "description": "bad"}, "worse"]}, ["bad", "worse"]),
        ({"errors": "x", "message": "Bad\x1b[2J\nrequest"}, ["Bad\\x1b[2J\\nrequest"]),
        ({"message": ["x"]}, ["x"]),
        ({"message": {"deep": 1}}, []),
        ([], []),
        (b"<html>", []),
    ],
)
def test_rejection_reasons_are_read_tolerantly_and_printably(server, body, reasons):
    server.script[CREATE] = [(422, {}, body)]
    with pytest.raises(Rejected) as caught:
        client(server.url).create_complaint(make_report(), "kiosk-x", [])
    assert caught.value.reasons == reasons


def payload_of(report) -> dict:
    return create_payload(report, "kiosk-1", ["41"], client("https://lapor.test").config, "T-1")


@pytest.mark.parametrize(("anonymous", "secret"), [(False, False), (True, False), (True, True)])
def test_an_identity_is_sent_anonymous_or_not(anonymous, secret):
    """ASSUMED: anonim hides the reporter from the public, LAPOR! still gets the identity."""
    reporter = Reporter("", "081234567890", "")
    payload = payload_of(make_report(is_anonymous=anonymous, is_secret=secret, reporter=reporter))
    assert (payload["is_anonymous"], payload["is_secret"]) == (anonymous, secret)
    assert payload["is_new_user_slider"] is True
    assert (payload["nameUser"], payload["phoneUser"]) == ("", "081234567890")


def test_without_an_identity_no_new_reporter_is_sent():
    payload = payload_of(make_report(is_anonymous=True, reporter=Reporter()))
    assert payload["is_new_user_slider"] is False
    assert not {"nameUser", "emailUser", "phoneUser"} & set(payload)


def test_the_area_is_sent_and_the_place_stays_in_the_content():
    payload = payload_of(make_report(location_id=327302))
    assert payload["location_id"] == 327302
    assert "Lokasi: Jl. Kenanga, Jakarta Selatan" in payload["content"]
    assert payload_of(make_report())["location_id"] is None


DAGO = Place("32.73.02.1004", "Kota Bandung", "Coblong", "Dago")


def payload_of_with(report, locations) -> dict:
    config = client("https://lapor.test").config
    return create_payload(report, "kiosk-1", [], config, "T-1", locations)


def test_a_place_goes_in_words_and_by_code_and_finds_its_area():
    """ASSUMED mapping: the longest Kemendagri prefix in the locations list gives the area."""
    locations = [
        {"id": 3273, "name": "Kota Bandung", "code": "32.73"},
        {"id": 327302, "name": "Coblong", "code": "32.73.02"},
        {"id": 327320, "name": "Antapani", "code": "32.73.20"},
        {"id": 7, "name": "Tanpa kode"},
        {"id": 8, "name": "Kode aneh", "code": 3273},
    ]
    report = make_report(location="depan SD", place=DAGO, location_id=3273)
    payload = payload_of_with(report, locations)
    assert (
        "\n\nLokasi: depan SD, Kelurahan Dago, Kecamatan Coblong, Kota Bandung"
        " (Kemendagri 32.73.02.1004)\n\nRef: kiosk-1" in payload["content"]
    )
    assert payload["location_id"] == 327302  # the kecamatan, deeper than the kota
    no_detail = payload_of_with(replace(report, location=""), locations)["content"]
    assert "Lokasi: Kelurahan Dago, Kecamatan Coblong, Kota Bandung (Kemendagri" in no_detail
    # A list without codes (as LAPOR!'s may be): the area the report chose, else none.
    assert payload_of_with(report, locations[3:])["location_id"] == 3273
    assert payload_of_with(replace(report, location_id=None), ())["location_id"] is None
    # A code only prefixes on a whole part: 32.73.2 is not within 32.73.20.
    odd = replace(report, place=Place("32.73.2", "Kota Bandung"), location_id=None)
    assert payload_of_with(odd, locations)["location_id"] == 3273


def test_a_desa_is_called_a_desa():
    village = Place("32.04.10.2001", "Kabupaten Bandung", "Soreang", "Soreang")
    assert place_text(village, "") == (
        "Desa Soreang, Kecamatan Soreang, Kabupaten Bandung (Kemendagri 32.04.10.2001)"
    )
    assert place_text(Place("32.73.02", "Kota Bandung", "Coblong"), "Jl. Dago") == (
        "Jl. Dago, Kecamatan Coblong, Kota Bandung (Kemendagri 32.73.02)"
    )


def test_a_report_for_dago_reaches_lapor_with_its_place_area_and_office(conn):
    """The simulator stores what the kiosk sends: the place in words and by code, the area
    from the terminal's (bundled) locations, and the office chosen, Kelurahan Dago."""
    locations = refdata.get(conn, "locations").items
    assert len(locations) == 31 and locations[0] == {
        "id": 3273, "name": "Kota Bandung", "code": "32.73"
    }  # fmt: skip
    report = make_report(location="depan SD", place=DAGO, institution_id=3273021004)
    simulator = start_simulator(SimulatorOptions(port=0, channel_id=99, auth_key="k", token="t"))
    api = client(simulator.url)
    try:
        created = api.create_complaint(report, "kiosk-1", [], locations)
        [stored] = requests.get(f"{simulator.url}/_sim/complaints", timeout=5).json()["complaints"]
    finally:
        api.close()
        simulator.stop()
    assert stored["complaint_id"] == int(created.complaint_id)
    assert (stored["location_id"], stored["disposition_id"]) == (327302, 3273021004)
    assert (
        "Kelurahan Dago, Kecamatan Coblong, Kota Bandung (Kemendagri 32.73.02.1004)"
        in (stored["content"])
    )
