"""A small fake of the WhatsApp Business Cloud API on 127.0.0.1: records each message, can fail."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FakeWhatsApp:
    url: str = ""
    messages: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    failures: int = 0

    def fail_next(self, times: int = 1) -> None:
        self.failures += times


def make_handler(state: FakeWhatsApp):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if state.failures:
                state.failures -= 1
                self._answer(500, {"error": {"message": "fake outage", "code": 2}})
                return
            state.messages.append(body)
            state.headers.append({k.lower(): v for k, v in self.headers.items()})
            state.paths.append(self.path)
            number = len(state.messages)
            self._answer(
                200, {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.{number}"}]}
            )

        def _answer(self, status: int, body: dict) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def start() -> tuple[FakeWhatsApp, ThreadingHTTPServer]:
    state = FakeWhatsApp()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v21.0"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return state, server
