"""A zeep client, generated from bridgebook's own WSDL, that follows the ClientSession
protocol: it books without a session, takes the id the fault suggests, and books again.

usage: zeep_session.py BASE_URL USER PASSWORD
"""
import sys

import zeep

from soapcheck import BOOKING_PATH, EXCEPTION_NS, Service, fail, finish, utc

base, user, password = sys.argv[1:4]
b = Service(base + BOOKING_PATH + "?wsdl", base + BOOKING_PATH, (user, password), 23)
header_of = b.client.get_element(f"{{{b.ns}}}ExternalAPIVersionSoapHeader")


def save(session):
    d = b.call("GetDefaultConference")
    d.StartTimeUTC = utc(120)
    d.EndTimeUTC = utc(150)
    d.Participants = b.types.ArrayOfParticipant(Participant=[
        b.types.Participant(ParticipantId=1, ParticipantCallType="TMS")])
    header = header_of(ClientVersionIn=23, ClientSession=session)
    return b.service.SaveConferenceWithMode(Conference=d, BookingMode="Strict",
                                            _soapheaders=[header])


session = None
saved = None
suggestions = 0
for attempt in range(3):
    try:
        saved = save(session)
        break
    except zeep.exceptions.Fault as e:
        found = [] if e.detail is None else e.detail.findall(f".//{{{EXCEPTION_NS}}}clientsessionid")
        if not found:
            fail(f"a fault without a suggested ClientSession: {e.message}")
            break
        session = found[0].text
        suggestions += 1
if suggestions != 1:
    fail(f"{suggestions} suggestions before the booking went through")
# With an answer header, zeep hands back the body and the header together.
body = saved["body"]["SaveConferenceWithModeResult"] if saved is not None and "body" in saved else saved
conference = body["Conference"] if body is not None and "Conference" in body else body
if conference is None or conference.ConferenceId <= 0:
    fail("the booking was not saved")
else:
    print(f"booked conference {conference.ConferenceId} with ClientSession {session}")
finish()
