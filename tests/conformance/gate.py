"""A loopback forward proxy that every SDK call of the suite goes through.

HTTP_PROXY and HTTPS_PROXY point here for the whole run. Neither official SDK honours NO_PROXY
(both hand the proxy from the environment straight to `requests`, which then skips its no_proxy
check; measured with the pinned versions), so instead of a trap that must never be reached, the
proxy is a gate: a request for a registered emulator address is forwarded to it unchanged and
recorded, and anything else (another host, an HTTPS CONNECT, a request that names no host) is
refused with 502 and recorded as foreign. The tests then check that nothing foreign was asked for
and that the calls they made did pass the gate.
"""

import http.client
import http.server
import json
import threading
import urllib.parse
from dataclasses import dataclass

# Headers that belong to one hop and must not be passed on.
HOP_BY_HOP = {
    "connection",
    "proxy-connection",
    "keep-alive",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


@dataclass
class Passage:
    """One request that the gate forwarded to an emulator."""

    target: str  # "127.0.0.1:PORT"
    action: str  # from the Action parameter or the x-acs-action header
    signature: str  # "acs3" (an ACS3-HMAC-SHA256 Authorization header), "v1" or "none"
    status: int
    code: str  # the error body's Code, "" on success


class Gate:
    def __init__(self):
        self._lock = threading.Lock()
        self._allowed = set()
        self.passages = []
        self.foreign = []
        gate = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_CONNECT(self):
                gate._refuse(self, f"CONNECT {self.path}")

            def _forward(self):
                gate._forward(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _forward

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def allow(self, host_port):
        with self._lock:
            self._allowed.add(host_port)

    def snapshot(self):
        """How many passages and foreign requests there have been so far."""
        with self._lock:
            return len(self.passages), len(self.foreign)

    def passages_since(self, mark):
        with self._lock:
            return list(self.passages[mark:])

    def foreign_since(self, mark):
        with self._lock:
            return list(self.foreign[mark:])

    def close(self):
        self._server.shutdown()
        self._server.server_close()

    def _refuse(self, handler, what):
        with self._lock:
            self.foreign.append(what)
        body = b"refused by the conformance gate: only the emulator may be reached\n"
        handler.send_response(502)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)
        handler.close_connection = True

    def _forward(self, handler):
        url = urllib.parse.urlsplit(handler.path)
        target = url.netloc
        with self._lock:
            allowed = url.scheme == "http" and target in self._allowed
        if not allowed:
            self._refuse(handler, f"{handler.command} {handler.path}")
            return
        if handler.headers.get("Transfer-Encoding"):
            # The SDKs send every Smartag call with an empty, sized body; anything else is a
            # surprise worth failing on rather than a body to guess at.
            self._refuse(handler, f"chunked {handler.command} {handler.path}")
            return

        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        origin_form = urllib.parse.urlunsplit(("", "", url.path or "/", url.query, ""))

        upstream = http.client.HTTPConnection(target, timeout=30)
        try:
            upstream.putrequest(
                handler.command, origin_form, skip_host=True, skip_accept_encoding=True
            )
            for name, value in handler.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    upstream.putheader(name, value)
            upstream.endheaders(body)
            response = upstream.getresponse()
            reply = response.read()
            status, reason, headers = response.status, response.reason, response.getheaders()
        finally:
            upstream.close()

        self._record(handler, target, url.query, status, reply)
        handler.send_response(status, reason)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(reply)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(reply)

    def _record(self, handler, target, query, status, reply):
        params = urllib.parse.parse_qs(query)
        action = (params.get("Action") or [handler.headers.get("x-acs-action", "")])[0]
        if handler.headers.get("Authorization", "").startswith("ACS3-HMAC-SHA256 "):
            signature = "acs3"
        elif params.get("SignatureMethod") == ["HMAC-SHA1"] and "Signature" in params:
            signature = "v1"
        else:
            signature = "none"
        code = ""
        if status >= 400:
            try:
                code = json.loads(reply).get("Code", "")
            except (ValueError, AttributeError):
                code = "<not JSON>"
        with self._lock:
            self.passages.append(Passage(target, action, signature, status, code))
