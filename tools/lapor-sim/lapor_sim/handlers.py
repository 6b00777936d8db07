"""HTTP plumbing: request bodies, latency, redirects, injected faults, auth, answer shapes,
JSON answers (at once or trickled), lost answers.

Connections are HTTP/1.1 keep-alive, so every answer carries Content-Length and every body
is read in full before answering, whatever the answer is. Answers are written by `wire`, not
by `send_header`, so a test may send header bytes that are not Latin-1.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import socket
import time
from dataclasses import replace
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import SplitResult, parse_qs, urlsplit

from lapor_sim.routes import (
    SIM_PREFIX,
    Context,
    Reply,
    Request,
    Route,
    failure,
    find_route,
    not_found,
    validation_failed,
)
from lapor_sim.shapes import reshape
from lapor_sim.validation import ValidationError
from lapor_sim.wire import render_head, trickle


class Serving(Protocol):
    """What a handler needs of its server (lapor_sim/server.py), without importing it."""

    context: Context
    url: str


logger = logging.getLogger("lapor_sim")

MAX_BODY_BYTES = 64 * 1024 * 1024
"""Room for a few attachments at the 20 MB limit; a larger body is refused unread."""


def is_authorized(headers: Message, auth_key: str, token: str) -> bool:
    """`auth: Bearer <key>` (or `Authorization: Bearer <key>`) and `token: <guid>`."""
    expected = f"Bearer {auth_key}".encode()
    bearers = [headers.get("auth"), headers.get("Authorization")]
    key_ok = any(hmac.compare_digest(b.strip().encode(), expected) for b in bearers if b)
    token_ok = hmac.compare_digest(headers.get("token", "").strip().encode(), token.encode())
    return key_ok and token_ok


class SimulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK hold every keep-alive answer back by about 40 ms.
    disable_nagle_algorithm = True
    timeout = 120
    """Seconds an idle keep-alive connection may hold its thread."""
    server: Serving

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        body = self._read_body()
        if body is None:
            return
        url = urlsplit(self.path)
        found = find_route(self.command, url.path)
        reply = None
        if not url.path.startswith(SIM_PREFIX):
            reply = self._gate(found[0].template if found else "(unknown)")
        self._answer(reply or self._run(found, url, body))

    def _read_body(self) -> bytes | None:
        """The request body, or None once it has been refused (and the connection closed)."""
        length = self.headers.get("Content-Length", "0").strip()
        if "Transfer-Encoding" in self.headers:
            refusal = (411, "Content-Length required")
        elif not length.isdigit():
            refusal = (400, "Bad Content-Length")
        elif int(length) > MAX_BODY_BYTES:
            refusal = (413, "Request too large")
        else:
            return self.rfile.read(int(length))
        self._answer(failure(*refusal, headers={"Connection": "close"}))
        return None

    def _gate(self, route: str) -> Reply | None:
        """Latency, then a redirect, then an injected failure, then auth, for every API call.

        A redirect comes before faults and auth: a moved API answers at its front door.
        """
        context = self.server.context
        options = context.options
        if options.latency_ms:
            time.sleep(options.latency_ms / 1000)
        if options.redirect_to:
            context.traffic.redirect(f"{self.command} {route}")
            return self._redirect(options.redirect_to, options.redirect_status)
        status = context.traffic.admit(f"{self.command} {route}")
        if status is not None:
            retry = {"Retry-After": self._retry_after()}
            return failure(
                status, HTTPStatus(status).phrase, headers=None if status == 500 else retry
            )
        if not is_authorized(self.headers, options.auth_key, options.token):
            return failure(401, "Unauthorized")
        return None

    def _redirect(self, target: str, status: int) -> Reply:
        """Send the client to the same path and query under `target`, with an empty JSON body."""
        return Reply(status, {}, {"Location": target.rstrip("/") + self.path})

    def _retry_after(self) -> str:
        """`--retry-after-value` verbatim when given (maybe garbage), else `--retry-after-s`."""
        options = self.server.context.options
        if options.retry_after_value is not None:
            return options.retry_after_value
        return str(options.retry_after_s)

    def _run(
        self, found: tuple[Route, dict[str, str]] | None, url: SplitResult, body: bytes
    ) -> Reply:
        if found is None:
            return not_found()
        route, params = found
        host = self.headers.get("Host") or self.server.url.removeprefix("http://")
        request = Request(params, parse_qs(url.query), self.headers, body, f"http://{host}")
        try:
            return self._shaped(route, route.handler(self.server.context, request))
        except ValidationError as error:
            return validation_failed(error.errors)
        except Exception:
            logger.exception("%s %s failed", self.command, route.template)
            return failure(500, "Internal Server Error")

    def _shaped(self, route: Route, reply: Reply) -> Reply:
        """A successful API answer in the `--answer-shape` asked for; the rest as it is."""
        shape = self.server.context.options.answer_shape
        if route.template.startswith(SIM_PREFIX) or reply.drop or not 200 <= reply.status < 300:
            return reply
        key = f"{route.method} {route.template}"
        return replace(reply, payload=reshape(shape, key, reply.payload))

    def _answer(self, reply: Reply) -> None:
        if reply.drop:
            self._drop()
            return
        data = json.dumps(reply.payload, ensure_ascii=False).encode()
        headers = [
            ("Server", self.version_string()),
            ("Date", self.date_time_string()),
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(data))),
            *reply.headers.items(),
        ]
        if reply.headers.get("Connection", "").lower() == "close":
            self.close_connection = True
        self.log_request(reply.status)
        self._write(render_head(self.protocol_version, reply.status, headers) + data)

    def _write(self, answer: bytes) -> None:
        """Write at once, or trickled for API calls when `--trickle-bytes-per-s` asks.

        A client that hangs up only ends this connection, without a traceback: giving up on
        a slow answer is what a real client does, not a simulator failure.
        """
        rate = self.server.context.options.trickle_bytes_per_s
        try:
            if rate and not urlsplit(self.path).path.startswith(SIM_PREFIX):
                trickle(self.wfile.write, answer, rate)
            else:
                self.wfile.write(answer)
        except ConnectionError:
            self.log_message('"%s" client hung up during the answer', self.requestline)
            self.close_connection = True

    def _drop(self) -> None:
        """Lose the answer: what the request did is kept, the client hears nothing."""
        self.log_message('"%s" answer dropped (simulated)', self.requestline)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        """One line per request; request lines and statuses only, never headers."""
        logger.info("%s %s", self.address_string(), format % args)
