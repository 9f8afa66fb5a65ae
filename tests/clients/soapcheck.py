"""A zeep client of one bridgebook service that validates every answer against a WSDL's schema.

Used by the client scripts the Rust integration tests run. Every call records a failure
instead of raising, so one run reports everything that is wrong.
"""
import datetime as dt
import sys

import requests
import xmlschema
import zeep
from lxml import etree
from zeep.plugins import HistoryPlugin
from zeep.transports import Transport

XS = "http://www.w3.org/2001/XMLSchema"
EXCEPTION_NS = "http://tandberg.net/2004/02/tms/external/exception/"
BOOKING_PATH = "/tms/external/booking/bookingservice.asmx"
REMOTE_PATH = "/tms/external/booking/remotesetup/remotesetupservice.asmx"

failures = []


def fail(message):
    failures.append(message)
    print("FAIL", message, flush=True)


def finish():
    if failures:
        print(f"\n{len(failures)} failure(s):")
        for f in failures:
            print(" -", f)
        sys.exit(1)
    print("\nall calls answered and validated")


def utc(minutes):
    t = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=minutes)
    return t.strftime("%Y-%m-%d %H:%M:%SZ")


def minutes_to(days, hour):
    """Minutes from now to `hour` o'clock UTC `days` days from today: a time of day that
    does not move with the hour the test runs at (an occurrence moved an hour later must not
    cross midnight in the service's zone)."""
    now = dt.datetime.now(dt.timezone.utc)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    target = midnight + dt.timedelta(days=days, hours=hour)
    return int((target - now).total_seconds() // 60)


def schema_of(wsdl_bytes):
    """The WSDL's embedded XML schema, compiled."""
    doc = etree.fromstring(wsdl_bytes)
    return xmlschema.XMLSchema10(etree.tostring(doc.find(f".//{{{XS}}}schema")).decode())


class Service:
    """One port of one service: `wsdl` is a URL or a local file, `address` where to call."""

    def __init__(self, wsdl, address, auth, version, soap12=False, headers=True):
        session = requests.Session()
        session.auth = auth
        self.history = HistoryPlugin()
        if wsdl.startswith("http"):
            raw = session.get(wsdl).content
        else:
            with open(wsdl, "rb") as f:
                raw = f.read()
            wsdl = "file://" + wsdl
        self.schema = schema_of(raw)
        self.client = zeep.Client(wsdl, transport=Transport(session=session),
                                  plugins=[self.history])
        service = next(iter(self.client.wsdl.services.values()))
        suffix = "Soap12" if soap12 else "Soap"
        port = next(p for n, p in service.ports.items() if n.endswith(suffix))
        self.service = self.client.create_service(port.binding.name, address)
        self.ns = port.binding.name.namespace
        self.types = self.client.type_factory("ns0")
        self.headers = []
        if headers:
            header = self.client.get_element(f"{{{self.ns}}}ExternalAPIVersionSoapHeader")
            self.headers.append(header(ClientVersionIn=version))

    def call(self, op, **kw):
        """Calls `op`; returns its result, or None (and records why) if it failed."""
        try:
            result = getattr(self.service, op)(_soapheaders=self.headers, **kw)
        except zeep.exceptions.Fault as e:
            fail(f"{op}: fault {self.error_code(e)}: {e.message}")
            return None
        except Exception as e:  # noqa: BLE001 - any client-side error is a finding
            fail(f"{op}: {type(e).__name__}: {e}")
            return None
        self.validate(op)
        if hasattr(result, "body") and hasattr(result, "header"):
            body = result.body
            result = body[list(body)[0]] if body is not None and len(body) else None
        return result

    def fault(self, op, expected_code, **kw):
        """Calls `op` expecting a SOAP fault with this TMSBA error code; returns its message."""
        try:
            getattr(self.service, op)(_soapheaders=self.headers, **kw)
        except zeep.exceptions.Fault as e:
            if self.error_code(e) != expected_code:
                fail(f"{op}: expected error {expected_code}, got {self.error_code(e)}: {e.message}")
            else:
                print(f"ok   {op} -> fault {expected_code}", flush=True)
            return e.message
        fail(f"{op}: expected a fault {expected_code}, the call succeeded")
        return None

    def validate(self, op):
        """The answer's headers and body element against the schema."""
        envelope = self.history.last_received["envelope"]
        parts = []
        for section in ("Header", "Body"):
            el = envelope.find(f"{{*}}{section}")
            if el is not None:
                parts += [c for c in el if isinstance(c.tag, str)]
        for p in parts:
            try:
                self.schema.validate(etree.tostring(p).decode())
            except xmlschema.XMLSchemaValidationError as e:
                fail(f"{op}: {etree.QName(p).localname} does not validate: {e.reason} at {e.path}")
                return
        print(f"ok   {op}", flush=True)


    def error_code(self, fault):
        """The errorcode of the fault's detail. TMS writes an unqualified <detail> in SOAP 1.2
        faults too, which zeep does not pick up there, so the raw answer is read."""
        where = fault.detail
        if where is None:
            where = self.history.last_received["envelope"]
        code = where.find(f".//{{{EXCEPTION_NS}}}errorcode")
        return int(code.text) if code is not None else None
