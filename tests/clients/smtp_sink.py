"""An SMTP server for the tests (aiosmtpd). Each message it receives is read with Python's own
mail parser and written to DIR as N.json (in the order received): the envelope's recipients,
the decoded subject, and the text of each part by content type.

usage: smtp_sink.py PORT DIR [starttls|tls CERT KEY USER PASSWORD]
    (prints "smtp listening on PORT" when ready; runs until killed)

With starttls the server offers STARTTLS and requires it, and AUTH with USER and PASSWORD; with
tls it speaks TLS from the first byte and requires AUTH. Each record then names the login used.
SMTP_SINK_DEBUG=1 in the environment logs the SMTP conversation to standard error.
"""
import email
import email.policy
import json
import logging
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Keep:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0
        self.login = None

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        parts = {}
        for part in msg.walk():
            if part.is_multipart():
                continue
            parts.setdefault(part.get_content_type(), part.get_content())
        record = {
            "envelope_to": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "top": msg.get_content_type(),
            "login": self.login,
            "parts": parts,
        }
        tmp = os.path.join(self.directory, f".{self.count}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.directory, f"{self.count}.json"))
        return "250 OK"


if os.environ.get("SMTP_SINK_DEBUG"):
    logging.basicConfig(level=logging.DEBUG)
port, directory = int(sys.argv[1]), sys.argv[2]
keep = Keep(directory)
options = {}
if len(sys.argv) > 3:
    mode, cert, key, user, password = sys.argv[3:8]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == user and auth_data.password.decode() == password
        if ok:
            keep.login = auth_data.login.decode()
        return AuthResult(success=ok)

    options = dict(authenticator=authenticate, auth_required=True)
    if mode == "starttls":
        options.update(tls_context=context, require_starttls=True)
    else:
        # aiosmtpd counts only STARTTLS as TLS when it decides whether to offer AUTH; here the
        # whole connection is TLS.
        options.update(ssl_context=context, auth_require_tls=False)
controller = Controller(keep, hostname="127.0.0.1", port=port, **options)
controller.start()
print(f"smtp listening on {port}", flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
