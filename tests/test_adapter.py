"""The LAPOR! v3 adapter against a scripted HTTP server on 127.0.0.1 (answers the simulator
never gives: gateway errors, fuzzy search hits, garbage headers, vanished endpoints)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import make_report

from kiosk import outbox
from kiosk.adapters.base import Misconfigured, NoAnswer, NotFound, Unavailable
from kiosk.adapters.lapor_v3 import MAX_RETRY_AFTER_S, LaporV3Client
from kiosk.config import ForwarderConfig, LaporConfig, Secret
from kiosk.forwarder import Forwarder
from kiosk.store import save_report

DROP = "drop"
"""An answer that closes the connection without a word."""


class ScriptedServer:
    """Answers each `METHOD /path` with the next scripted (status, headers, body) or DROP."""

    def __init__(self) -> None:
        self.script: dict[str, list] = {}
        self.calls: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                key = f"{self.command} {self.path.split('?')[0]}"
                server.calls.append(key)
                answers = server.script.get(key) or [(404, {}, {"message": "Not found"})]
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                if answer == DROP:
                    self.close_connection = True
                    return
                status, headers, body = answer
                payload = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


def client(url: str, lookup: bool = True) -> LaporV3Client:
    config = LaporConfig(
        base_url=url,
        channel_id=99,
        auth_key=Secret("k"),
        token=Secret("t"),
        timeout_s=2.0,
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
    [("7", 7.0), ("soon", None), ("99999999", MAX_RETRY_AFTER_S), ("", None)],
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
    outbox.mark_sending(conn, stored.uuid)
    assert outbox.requeue(conn, stored.uuid) is False
    assert outbox.get(conn, stored.uuid).state == "sending"
    outbox.mark_rejected(conn, stored.uuid, "HTTP 400")
    assert outbox.requeue(conn, stored.uuid) is True
