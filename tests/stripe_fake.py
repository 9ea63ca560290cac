"""A small fake of the Stripe API on 127.0.0.1, for the real `stripe` library to talk to.

It records every request (method, path, headers, decoded form body) and can be told to fail the
next requests, so tests see exactly what our gateway sent over HTTP.
"""

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    form: dict


@dataclass
class FakeStripe:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    intents: dict[str, dict] = field(default_factory=dict)
    refunds: list[dict] = field(default_factory=list)
    # Queue of (status, error_body) answers to give before behaving normally.
    failures: list[tuple[int, dict]] = field(default_factory=list)
    # Answer the next PaymentIntent creations with this card error instead.
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def creations(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and r.path == "/v1/payment_intents"]

    def fail_next(self, status: int = 500, error: dict | None = None, times: int = 1) -> None:
        body = error or {"type": "api_error", "message": "fake outage"}
        self.failures.extend([(status, body)] * times)

    def set_intent(self, intent_id: str, **changes) -> None:
        self.intents[intent_id].update(changes)


def _flat_form(pairs: list[tuple[str, str]]) -> dict:
    """`metadata[orderId]=x` → {"metadata[orderId]": "x"}: flat keys are easy to assert on."""
    return dict(pairs)


def make_handler(state: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the test output clean
            return

        def _record(self) -> Recorded:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            record = Recorded(
                self.command,
                self.path.split("?")[0],
                {k.lower(): v for k, v in self.headers.items()},
                _flat_form(parse_qsl(raw, keep_blank_values=True)),
            )
            with state._lock:
                state.requests.append(record)
            return record

        def _send(self, status: int, body: dict) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
            self.end_headers()
            self.wfile.write(payload)

        def _maybe_fail(self) -> bool:
            with state._lock:
                failure = state.failures.pop(0) if state.failures else None
            if failure is None:
                return False
            status, error = failure
            self._send(status, {"error": error})
            return True

        def do_POST(self) -> None:
            record = self._record()
            if self._maybe_fail():
                return
            prefix = "/v1/payment_intents/"
            if record.path.startswith(prefix) and record.path[len(prefix) :] in state.intents:
                intent = state.intents[record.path[len(prefix) :]]
                intent.update(
                    {k: v for k, v in record.form.items() if k in ("receipt_email", "description")}
                )
                self._send(200, intent)
            elif record.path == "/v1/payment_intents":
                intent_id = f"pi_fake_{secrets.token_hex(8)}"
                form = record.form
                intent = {
                    "id": intent_id,
                    "object": "payment_intent",
                    "amount": int(form["amount"]),
                    "amount_received": 0,
                    "currency": form["currency"],
                    "status": "requires_payment_method",
                    "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
                    "description": form.get("description"),
                    "receipt_email": form.get("receipt_email"),
                    "metadata": {
                        k[len("metadata[") : -1]: v
                        for k, v in form.items()
                        if k.startswith("metadata[")
                    },
                    "last_payment_error": None,
                    "livemode": False,
                }
                state.intents[intent_id] = intent
                self._send(200, intent)
            elif record.path.startswith("/v1/payment_intents/") and record.path.endswith("/cancel"):
                intent = state.intents.get(record.path.split("/")[3])
                if intent is None or intent["status"] == "succeeded":
                    self._send(
                        400 if intent else 404,
                        {
                            "error": {
                                "type": "invalid_request_error",
                                "code": "payment_intent_unexpected_state",
                                "message": "This PaymentIntent cannot be canceled",
                            }
                        },
                    )
                    return
                intent["status"] = "canceled"
                self._send(200, intent)
            elif record.path == "/v1/refunds":
                intent = state.intents.get(record.form.get("payment_intent", ""))
                if intent is None:
                    self._send(
                        404,
                        {
                            "error": {
                                "type": "invalid_request_error",
                                "message": "No such payment_intent",
                            }
                        },
                    )
                    return
                amount = int(record.form.get("amount") or intent["amount"])
                already = intent.get("amount_refunded", 0)
                if already + amount > intent["amount_received"]:
                    self._send(
                        400,
                        {
                            "error": {
                                "type": "invalid_request_error",
                                "code": "charge_already_refunded",
                                "message": "Refund amount is greater than unrefunded amount",
                            }
                        },
                    )
                    return
                intent["amount_refunded"] = already + amount
                refund = {
                    "id": f"re_fake_{secrets.token_hex(8)}",
                    "object": "refund",
                    "amount": amount,
                    "currency": intent["currency"],
                    "payment_intent": intent["id"],
                    "status": "succeeded",
                    "metadata": {
                        k[len("metadata[") : -1]: v
                        for k, v in record.form.items()
                        if k.startswith("metadata[")
                    },
                }
                state.refunds.append(refund)
                self._send(200, refund)
            else:
                self._send(
                    404,
                    {
                        "error": {
                            "type": "invalid_request_error",
                            "message": "Unrecognized request URL",
                        }
                    },
                )

        def do_GET(self) -> None:
            record = self._record()
            if self._maybe_fail():
                return
            prefix = "/v1/payment_intents/"
            if record.path.startswith(prefix) and record.path[len(prefix) :] in state.intents:
                self._send(200, state.intents[record.path[len(prefix) :]])
            else:
                self._send(
                    404,
                    {
                        "error": {
                            "type": "invalid_request_error",
                            "code": "resource_missing",
                            "message": "No such payment_intent",
                        }
                    },
                )

    return Handler


def start() -> tuple[FakeStripe, ThreadingHTTPServer]:
    state = FakeStripe()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return state, server
