"""The SMS backends behind core.sms.send_sms: the HTTP gateway is spoken to as a real one would be, by
a gateway running on this machine (no outside service is ever reached)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from core.sms import ConsoleSmsBackend, FileSmsBackend, HttpSmsBackend, SmsError, send_sms


class FakeGateway(BaseHTTPRequestHandler):
    """Answers like an SMS gateway: 200 with an id for a well-formed, authorized request."""

    received: list = []
    answer_status = 200

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeGateway.received.append((self.headers["Authorization"], self.headers["Content-Type"], body))
        if FakeGateway.answer_status != 200:
            self.send_response(FakeGateway.answer_status)
            self.end_headers()
            return
        answer = json.dumps({"id": f"gw-{len(FakeGateway.received)}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway_url(settings):
    FakeGateway.received, FakeGateway.answer_status = [], 200
    server = HTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "core.sms.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/messages"
    settings.SMS_GATEWAY_TOKEN = "test-token"
    settings.SMS_GATEWAY_TIMEOUT = 5
    yield settings.SMS_GATEWAY_URL
    server.shutdown()
    server.server_close()


def test_the_http_backend_posts_json_with_the_token_and_returns_the_gateways_id(gateway_url):
    message_id = send_sms("+77011234578", "Ваше обращение зарегистрировано.")

    assert message_id == "gw-1"
    assert FakeGateway.received == [
        (
            "Bearer test-token",
            "application/json",
            {"phone": "+77011234578", "text": "Ваше обращение зарегистрировано."},
        )
    ]


def test_a_gateway_error_is_an_sms_error(gateway_url):
    FakeGateway.answer_status = 503

    with pytest.raises(SmsError, match="503"):
        HttpSmsBackend().send("+77011234578", "text")


def test_an_unreachable_gateway_is_an_sms_error(settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/nothing-listens-here"
    settings.SMS_GATEWAY_TIMEOUT = 2

    with pytest.raises(SmsError, match="could not be reached"):
        HttpSmsBackend().send("+77011234578", "text")


def test_the_console_and_file_backends_keep_the_message(settings, tmp_path, capsys):
    settings.SMS_FILE_PATH = tmp_path / "sms.log"

    console_id = ConsoleSmsBackend().send("+77011234578", "Hello")
    file_id = FileSmsBackend().send("+77011234578", "Сәлем")

    assert console_id.startswith("console-")
    assert "SMS to +77011234578" in capsys.readouterr().out
    line = json.loads((tmp_path / "sms.log").read_text(encoding="utf-8"))
    assert (line["id"], line["phone"], line["text"]) == (file_id, "+77011234578", "Сәлем")
