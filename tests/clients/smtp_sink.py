"""An SMTP server for the tests (aiosmtpd). Each message it receives is read with Python's own
mail parser and written to DIR as N.json (in the order received): the envelope's recipients,
the decoded subject, and the text of each part by content type.

usage: smtp_sink.py PORT DIR    (prints "smtp listening on PORT" when ready; runs until killed)
"""
import email
import email.policy
import json
import os
import sys
import time

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

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
            "parts": parts,
        }
        tmp = os.path.join(self.directory, f".{self.count}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.directory, f"{self.count}.json"))
        return "250 OK"


port, directory = int(sys.argv[1]), sys.argv[2]
controller = Controller(Keep(directory), hostname="127.0.0.1", port=port)
controller.start()
print(f"smtp listening on {port}", flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
