"""A fake Stripe API on 127.0.0.1 that speaks Stripe's wire format.

The portal talks to it through the real ``stripe`` library over HTTP (``STRIPE_API_BASE``):
form-encoded requests with bracketed keys, JSON objects shaped like Stripe's, errors in
Stripe's ``{"error": {...}}`` format. It records every request so tests check the parameters
and idempotency keys the portal sends, and replays the first answer to a repeated
Idempotency-Key as Stripe does. Tests move a Checkout Session through its life (paid by card,
awaiting a SEPA debit or a transfer, async success or failure, expiry), refund its charge and
open or close disputes, then build the matching signed webhook events. With ``serve_hosted_pages()`` it also serves a
stand-in for Checkout's hosted payment page at each new session's ``url``, for browser tests.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

WEBHOOK_SECRET = "whsec_test_portail"
API_KEY = "sk_test_portail"
KNOWN_PAYMENT_METHOD_TYPES = {"card", "sepa_debit", "customer_balance", "paypal", "link"}
HOSTED_PAGE_PATH = "/c/pay/"


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    stripe_version: str | None
    authorization: str | None
    content_type: str | None


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """A deep copy without the fake's private keys, so later changes don't alter past answers."""
    return json.loads(json.dumps({k: v for k, v in obj.items() if not k.startswith("_")}))


class StripeError(Exception):
    def __init__(self, status: int, type_: str, message: str, **extra: Any):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type_, "message": message, **extra}}


def parse_stripe_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``a[b][0][c]=x`` pairs into nested dicts; dicts keyed 0..n become lists, as Stripe reads them."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+|(?<=\[)(?=\])", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        if parts[-1] == "":  # expand[]=x
            node.setdefault("__list__", []).append(value)
        else:
            node[parts[-1]] = value

    def listify(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        if "__list__" in node:
            return node["__list__"]
        if node and all(key.isdigit() for key in node):
            return [listify(node[key]) for key in sorted(node, key=int)]
        return {key: listify(value) for key, value in node.items()}

    return listify(root)


class FakeStripe:
    """State of the fake account, and the HTTP server answering for it."""

    def __init__(self, api_key: str = API_KEY, webhook_secret: str = WEBHOOK_SECRET):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.requests: list[RecordedRequest] = []
        self.customers: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.disputes: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        # Idempotency-Key -> (request fingerprint, status, body)
        self._idempotent: dict[str, tuple[tuple[str, str, str], int, dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.unavailable = False
        self.latency = 0.0  # seconds before each answer, to widen race windows
        self.list_page_size = 100  # the most Stripe returns in one page of a list
        self._server: ThreadingHTTPServer | None = None
        # Set by serve_hosted_pages(): where the hosted page sends its webhook events.
        self.webhook_url: str | None = None
        self.webhook_deliveries: list[tuple[str, str, int]] = []  # (event id, type, HTTP status)

    # -- server ---------------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

            def do_DELETE(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        if self.webhook_url and split.path.startswith(HOSTED_PAGE_PATH):
            self._hosted_page(handler, split.path.removeprefix(HOSTED_PAGE_PATH))
            return
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        pairs = parse_qsl(split.query, keep_blank_values=True) + parse_qsl(
            body, keep_blank_values=True
        )
        params = parse_stripe_form(pairs)
        key = handler.headers.get("Idempotency-Key")
        recorded = RecordedRequest(
            method=handler.command,
            path=split.path,
            params=params,
            idempotency_key=key,
            stripe_version=handler.headers.get("Stripe-Version"),
            authorization=handler.headers.get("Authorization"),
            content_type=handler.headers.get("Content-Type"),
        )
        headers = {"Request-Id": f"req_{next(self._ids)}"}
        time.sleep(self.latency)
        with self._lock:
            self.requests.append(recorded)
            status, payload = self._answer(recorded, headers)
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(self, request: RecordedRequest, headers: dict[str, str]) -> tuple[int, Any]:
        if self.unavailable:
            # Stripe asks its clients not to retry what its idempotency layer would replay.
            headers["Stripe-Should-Retry"] = "false"
            return 500, {"error": {"type": "api_error", "message": "Stripe is down (fake)."}}
        if request.authorization != f"Bearer {self.api_key}":
            return 401, {
                "error": {
                    "type": "invalid_request_error",
                    "message": "Invalid API Key provided.",
                }
            }
        fingerprint = (
            request.method,
            request.path,
            json.dumps(request.params, sort_keys=True),
        )
        if request.method == "POST" and request.idempotency_key in self._idempotent:
            first, status, payload = self._idempotent[request.idempotency_key]
            if first != fingerprint:
                return 400, {
                    "error": {
                        "type": "idempotency_error",
                        "message": (
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with."
                        ),
                    }
                }
            headers["Idempotent-Replayed"] = "true"
            return status, payload
        try:
            status, payload = 200, public(self._route(request))
        except StripeError as error:
            status, payload = error.status, error.body
        if request.method == "POST" and request.idempotency_key:
            self._idempotent[request.idempotency_key] = (fingerprint, status, payload)
        return status, payload

    def _route(self, request: RecordedRequest) -> dict[str, Any]:
        routes = [
            ("POST", r"/v1/customers", self._create_customer),
            ("GET", r"/v1/customers/(?P<id>[^/]+)", self._getter(self.customers)),
            ("POST", r"/v1/checkout/sessions", self._create_session),
            ("GET", r"/v1/checkout/sessions/(?P<id>[^/]+)", self._getter(self.sessions)),
            ("POST", r"/v1/checkout/sessions/(?P<id>[^/]+)/expire", self._expire_session),
            ("GET", r"/v1/payment_intents/(?P<id>[^/]+)", self._getter(self.payment_intents)),
            ("GET", r"/v1/charges/(?P<id>[^/]+)", self._getter(self.charges)),
            ("GET", r"/v1/disputes/(?P<id>[^/]+)", self._getter(self.disputes)),
            ("GET", r"/v1/refunds", self._list_refunds),
            ("GET", r"/v1/refunds/(?P<id>[^/]+)", self._getter(self.refunds)),
        ]
        for method, pattern, view in routes:
            match = re.fullmatch(pattern, request.path)
            if match and method == request.method:
                return view(request.params, **match.groupdict())
        raise StripeError(
            404,
            "invalid_request_error",
            f"Unrecognized request URL ({request.method}: {request.path}).",
        )

    # -- API ------------------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}"

    def _getter(self, store: dict[str, dict[str, Any]]):
        def get(params: dict[str, Any], id: str) -> dict[str, Any]:
            if id not in store:
                raise StripeError(
                    404,
                    "invalid_request_error",
                    f"No such object: '{id}'",
                    code="resource_missing",
                    param="id",
                )
            return self._expand(store[id], params.get("expand", []))

        return get

    def _expand(self, obj: dict[str, Any], expand: list[str]) -> dict[str, Any]:
        stores = {"payment_intent": self.payment_intents, "charge": self.charges}
        result = public(obj)
        for name in expand:
            if name not in stores or name not in obj:
                raise StripeError(
                    400,
                    "invalid_request_error",
                    f"This property cannot be expanded ({name}).",
                    param="expand",
                )
            if isinstance(obj[name], str):
                result[name] = stores[name][obj[name]]
        return result

    def _list_refunds(self, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, ``limit`` per page (10 by default), ``starting_after`` for the next one."""
        refunds = [
            r
            for r in reversed(self.refunds.values())
            if r["charge"] == params.get("charge", r["charge"])
        ]
        if "starting_after" in params:
            ids = [r["id"] for r in refunds]
            refunds = refunds[ids.index(params["starting_after"]) + 1 :]
        limit = min(int(params.get("limit", "10")), self.list_page_size)
        return {
            "object": "list",
            "url": "/v1/refunds",
            "has_more": len(refunds) > limit,
            "data": refunds[:limit],
        }

    def _create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = {
            "id": self._new_id("cus"),
            "object": "customer",
            "email": params.get("email"),
            "name": params.get("name"),
            "metadata": params.get("metadata", {}),
            "preferred_locales": params.get("preferred_locales", []),
            "created": int(time.time()),
            "livemode": False,
        }
        self.customers[customer["id"]] = customer
        return customer

    def _create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        def missing(param: str) -> StripeError:
            return StripeError(
                400,
                "invalid_request_error",
                f"Missing required param: {param}.",
                code="parameter_missing",
                param=param,
            )

        def invalid(param: str, message: str) -> StripeError:
            return StripeError(
                400, "invalid_request_error", message, code="parameter_invalid", param=param
            )

        if params.get("mode") not in {"payment", "setup", "subscription"}:
            raise missing("mode")
        if "success_url" not in params:
            raise missing("success_url")
        items = params.get("line_items") or []
        if not items:
            raise missing("line_items")
        amount_total = 0
        currencies = set()
        for index, item in enumerate(items):
            price = item.get("price_data") or {}
            for name in ("currency", "unit_amount"):
                if name not in price:
                    raise missing(f"line_items[{index}][price_data][{name}]")
            if not (price.get("product_data") or {}).get("name"):
                raise missing(f"line_items[{index}][price_data][product_data][name]")
            if not price["unit_amount"].isdigit():
                raise invalid(f"line_items[{index}][price_data][unit_amount]", "Invalid integer.")
            currencies.add(price["currency"])
            amount_total += int(price["unit_amount"]) * int(item.get("quantity", "1"))
        currency = currencies.pop()
        methods = params.get("payment_method_types", ["card"])
        for method in methods:
            if method not in KNOWN_PAYMENT_METHOD_TYPES:
                raise invalid("payment_method_types", f"Invalid payment_method_types: {method}")
        if "sepa_debit" in methods and currency != "eur":
            raise invalid("payment_method_types", "SEPA Direct Debit only supports EUR.")
        if "customer_balance" in methods:
            customer = params.get("customer")
            if customer not in self.customers:
                raise invalid("customer", "customer_balance requires an existing customer.")
            options = (params.get("payment_method_options") or {}).get("customer_balance") or {}
            transfer = options.get("bank_transfer") or {}
            if options.get("funding_type") != "bank_transfer" or not transfer.get("type"):
                raise missing("payment_method_options[customer_balance][bank_transfer][type]")
        session_id = self._new_id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount_total,
            "currency": currency,
            "customer": params.get("customer"),
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "payment_intent": None,
            "customer_details": None,
            "payment_method_types": methods,
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "locale": params.get("locale"),
            "url": self._session_url(session_id),
            "created": int(time.time()),
            "expires_at": int(time.time()) + 24 * 3600,
            "livemode": False,
            "_payment_intent_data": params.get("payment_intent_data", {}),
        }
        self.sessions[session_id] = session
        return session

    def _session_url(self, session_id: str) -> str:
        if self.webhook_url:
            return f"{self.url}{HOSTED_PAGE_PATH}{session_id}"
        return f"https://checkout.stripe.com{HOSTED_PAGE_PATH}{session_id}"

    def _expire_session(self, params: dict[str, Any], id: str) -> dict[str, Any]:
        session = self._getter(self.sessions)({}, id)
        if session["status"] != "open":
            raise StripeError(
                400,
                "invalid_request_error",
                "Only Checkout Sessions with a status in [open] can be expired.",
            )
        self.sessions[id].update(status="expired", url=None)
        return self.sessions[id]

    # -- what happens on Stripe's side, driven by tests ------------------------------------------

    def session_for_payment(self, payment_id: int) -> dict[str, Any]:
        """The session the portal created for one of its payments."""
        (session,) = [
            s for s in self.sessions.values() if s["metadata"].get("payment_id") == str(payment_id)
        ]
        return session

    def _intent_for(self, session: dict[str, Any], status: str) -> dict[str, Any]:
        if session["payment_intent"] is None:
            data = session["_payment_intent_data"]
            intent = {
                "id": self._new_id("pi"),
                "object": "payment_intent",
                "amount": session["amount_total"],
                "currency": session["currency"],
                "customer": session["customer"],
                "description": data.get("description"),
                "metadata": data.get("metadata", {}),
                "status": status,
                "latest_charge": None,
                "last_payment_error": None,
                "livemode": False,
            }
            self.payment_intents[intent["id"]] = intent
            session["payment_intent"] = intent["id"]
        intent = self.payment_intents[session["payment_intent"]]
        intent["status"] = status
        return intent

    def _charge(self, intent: dict[str, Any]) -> dict[str, Any]:
        charge = {
            "id": self._new_id("ch"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_refunded": 0,
            "currency": intent["currency"],
            "customer": intent["customer"],
            "payment_intent": intent["id"],
            "metadata": {},
            "paid": True,
            "status": "succeeded",
            "refunded": False,
            "disputed": False,
            "created": int(time.time()),
            "livemode": False,
        }
        self.charges[charge["id"]] = charge
        intent["latest_charge"] = charge["id"]
        return charge

    def _customer_details(self, session: dict[str, Any]) -> None:
        customer = self.customers.get(session["customer"] or "", {})
        session["customer_details"] = {
            "email": customer.get("email"),
            "name": customer.get("name"),
            "address": {"city": "Guéret", "country": "FR", "postal_code": "23000"},
        }

    def pay(self, session_id: str) -> dict[str, Any]:
        """The member pays by card: the session completes, paid."""
        with self._lock:
            session = self.sessions[session_id]
            self._customer_details(session)
            intent = self._intent_for(session, "succeeded")
            self._charge(intent)
            session.update(status="complete", payment_status="paid", url=None)
            return session

    def submit_async(self, session_id: str, method: str = "sepa_debit") -> dict[str, Any]:
        """The member chooses SEPA debit or a bank transfer: complete, unpaid, money to come."""
        with self._lock:
            session = self.sessions[session_id]
            self._customer_details(session)
            status = "processing" if method == "sepa_debit" else "requires_action"
            self._intent_for(session, status)
            session.update(status="complete", payment_status="unpaid", url=None)
            return session

    def settle_async(self, session_id: str) -> dict[str, Any]:
        """The debit clears or the transfer arrives."""
        with self._lock:
            session = self.sessions[session_id]
            intent = self._intent_for(session, "succeeded")
            self._charge(intent)
            session.update(payment_status="paid")
            return session

    def fail_async(self, session_id: str) -> dict[str, Any]:
        """The debit is rejected (e.g. insufficient funds)."""
        with self._lock:
            session = self.sessions[session_id]
            intent = self._intent_for(session, "requires_payment_method")
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": "insufficient_funds",
                "message": "The account has insufficient funds.",
            }
            return session

    def expire(self, session_id: str) -> dict[str, Any]:
        with self._lock:
            session = self.sessions[session_id]
            assert session["status"] == "open", "only an open session expires"
            session.update(status="expired", url=None)
            return session

    def charge_of(self, session_id: str) -> dict[str, Any]:
        intent = self.payment_intents[self.sessions[session_id]["payment_intent"]]
        return self.charges[intent["latest_charge"]]

    def refund(self, charge_id: str, amount: int | None = None) -> dict[str, Any]:
        """Staff refund (part of) a charge in Stripe's dashboard: a Refund object, and the charge's
        ``amount_refunded`` grows. Returns the charge, the object of ``charge.refunded``."""
        with self._lock:
            charge = self.charges[charge_id]
            amount = charge["amount"] - charge["amount_refunded"] if amount is None else amount
            charge["amount_refunded"] += amount
            assert charge["amount_refunded"] <= charge["amount"]
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            refund = {
                "id": self._new_id("re"),
                "object": "refund",
                "amount": amount,
                "charge": charge_id,
                "currency": charge["currency"],
                "payment_intent": charge["payment_intent"],
                "metadata": {},
                "reason": "requested_by_customer",
                "status": "succeeded",
                "created": int(time.time()),
            }
            self.refunds[refund["id"]] = refund
            return charge

    def open_dispute(self, charge_id: str) -> dict[str, Any]:
        with self._lock:
            charge = self.charges[charge_id]
            charge["disputed"] = True
            dispute = {
                "id": self._new_id("dp"),
                "object": "dispute",
                "amount": charge["amount"],
                "currency": charge["currency"],
                "charge": charge_id,
                "payment_intent": charge["payment_intent"],
                "reason": "fraudulent",
                "status": "needs_response",
                "livemode": False,
            }
            self.disputes[dispute["id"]] = dispute
            return dispute

    def close_dispute(self, dispute_id: str, *, won: bool) -> dict[str, Any]:
        with self._lock:
            dispute = self.disputes[dispute_id]
            dispute["status"] = "won" if won else "lost"
            return dispute

    # -- webhooks -------------------------------------------------------------------------------

    def event(self, type_: str, obj: dict[str, Any]) -> dict[str, Any]:
        """A v1 snapshot event as Stripe sends it, carrying the object as it is now."""
        return {
            "id": self._new_id("evt"),
            "object": "event",
            "api_version": stripe.api_version,
            "created": int(time.time()),
            "data": {"object": public(obj)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type_,
        }

    def sign(self, body: str, *, timestamp: int | None = None, secret: str | None = None) -> str:
        return stripe.WebhookSignature.generate_signature_header(
            body, secret or self.webhook_secret, timestamp=timestamp
        )

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def deliver(
        self,
        client: Any,
        event: dict[str, Any],
        *,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> Any:
        """Post a signed event to the portal's webhook with a Django test client, as Stripe does."""
        body = json.dumps(event)
        header = signature if signature is not None else self.sign(body, timestamp=timestamp)
        return client.post(
            "/membership/stripe/webhook/",
            data=body,
            content_type="application/json",
            headers={"Stripe-Signature": header} if header else {},
        )

    # -- the hosted payment page ----------------------------------------------------------------

    def serve_hosted_pages(self, *, webhook_url: str) -> FakeStripe:
        """Give each new session a ``url`` on this server where a browser pays, as on Checkout.

        GET shows the amount and a « Payer » button; POST pays by card, delivers the signed
        ``checkout.session.completed`` event to ``webhook_url`` (recorded in
        ``webhook_deliveries``), then sends the browser to the session's success_url.
        """
        self.webhook_url = webhook_url
        return self

    def _hosted_page(self, handler: BaseHTTPRequestHandler, session_id: str) -> None:
        with self._lock:
            session = self.sessions.get(session_id)
            is_open = session is not None and session["status"] == "open"
        if not is_open:
            self._send_html(
                handler,
                404,
                "<h1>Session de paiement introuvable</h1>"
                "<p>Cette session de paiement n’existe pas ou n’est plus ouverte.</p>",
            )
            return
        if handler.command == "POST":
            paid = self.pay(session_id)
            self.deliver_over_http(self.event("checkout.session.completed", paid))
            success_url = paid["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            handler.send_response(303)
            handler.send_header("Location", success_url)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        amount = f"{session['amount_total'] / 100:.2f}".replace(".", ",")
        cancel = session.get("cancel_url") or ""
        self._send_html(
            handler,
            200,
            f"<h1>Paiement sécurisé (Stripe de test)</h1>"
            f"<p>Montant : {amount} {escape(session['currency'].upper())}</p>"
            f'<form method="post"><button type="submit">Payer</button></form>'
            + (f'<p><a href="{escape(cancel)}">Retour sans payer</a></p>' if cancel else ""),
        )

    def deliver_over_http(self, event: dict[str, Any]) -> int:
        """POST a signed event to ``webhook_url`` as Stripe does; returns the HTTP status."""
        assert self.webhook_url, "serve_hosted_pages() first"
        body = json.dumps(event)
        request = urllib.request.Request(
            self.webhook_url,
            data=body.encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": self.sign(body)},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        self.webhook_deliveries.append((event["id"], event["type"], status))
        return status

    @staticmethod
    def _send_html(handler: BaseHTTPRequestHandler, status: int, body: str) -> None:
        page = (
            '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
            f"<title>Stripe Checkout (test)</title></head><body>{body}</body></html>"
        ).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(page)))
        handler.end_headers()
        handler.wfile.write(page)
