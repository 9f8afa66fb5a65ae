"""A zeep client generated from the WSDLs a real TMS published for API version 9, announcing
version 9 and pointed at bridgebook, calls every operation those WSDLs have. Every answer must
validate against the API-9 schema; operations bridgebook does not offer yet must answer the
documented UNKNOWN fault naming them.

usage: zeep_api9.py BASE_URL USER PASSWORD FIXTURE_DIR
"""
import os
import sys

from soapcheck import BOOKING_PATH, REMOTE_PATH, Service, fail, finish, utc

UNKNOWN = -2147218261
base, user, password = sys.argv[1:4]
fixtures = os.path.abspath(sys.argv[4])
auth = (user, password)


def check(cond, message):
    if not cond:
        fail(message)


def not_yet(service, op, **kw):
    message = service.fault(op, UNKNOWN, **kw) or ""
    check(op in message and "not yet available" in message, f"{op}: message {message!r}")


def booking(soap12):
    print(f"--- booking, {'SOAP 1.2' if soap12 else 'SOAP 1.1'}", flush=True)
    b = Service(os.path.join(fixtures, "BookingService.wsdl"), base + BOOKING_PATH, auth, 9,
                soap12)
    t = b.types
    day = 10 if soap12 else 5

    def meeting(offset_minutes, system, key):
        d = b.call("GetDefaultConference")
        d.StartTimeUTC = utc(60 * 24 * day + offset_minutes)
        d.EndTimeUTC = utc(60 * 24 * day + offset_minutes + 30)
        d.Title = f"api9 {key}"
        d.ExternalSourceId, d.ExternalPrimaryKey = "api9", f"{key}-{day}"
        d.Participants = t.ArrayOfParticipant(Participant=[
            t.Participant(ParticipantId=system, ParticipantCallType="TMS")])
        return d

    c = b.call("SaveConference", Conference=meeting(0, 1, "single"))
    if c is None:
        return
    check(c.ConferenceId > 0, f"saved id {c.ConferenceId}")
    check(b.call("GetConferenceById", ConferenceId=c.ConferenceId).Title == "api9 single",
          "read back")
    b.call("GetRecurrentConferenceById", ConferenceId=c.ConferenceId)
    found = b.call("GetConferenceIdByExternalId", ExternalSourceId="api9",
                   ExternalConferenceId=f"single-{day}")
    check(found == c.ConferenceId, f"id by external id {found}")
    many = b.call("SaveConferences",
                  Conferences=[meeting(60, 2, "first"), meeting(60, 3, "second")],
                  oneTransaction=True)
    check(many is not None and len(many.Conference) == 2, "SaveConferences saved two")
    start, end = utc(-60), utc(60 * 24 * 30)
    listed = b.call("GetConferencesForSystems", SystemIds=[1, 2, 3], StartTime=start,
                    EndTime=end, ConferenceStatus="AllExceptDeleted")
    check(listed is not None and len(listed.Conference) >= 3, "listing by systems")
    b.call("GetConferencesForUser", UserName=user, StartTime=start, EndTime=end,
           ConferenceStatus="All")

    running = meeting(0, 3 if soap12 else 4, "now")
    running.StartTimeUTC, running.EndTimeUTC = utc(-2), utc(20)
    running = b.call("SaveConference", Conference=running)
    if running is not None:
        b.call("EndConferenceById", ConferenceId=running.ConferenceId)
    b.call("DeleteConferenceById", ConferenceId=c.ConferenceId)
    log = b.call("GetTransactionsSince", CurrentTransactionId=0)
    check(log is not None and len(log.Transaction) >= 4, "transaction log")

    not_yet(b, "SaveConferenceRecInstance", Conference=meeting(0, 1, "instance"))
    not_yet(b, "DeleteConferenceRecInstanceById", ConferenceId=c.ConferenceId)
    not_yet(b, "GetRecordingAliases", UserName=user)


def remote_setup(soap12):
    print(f"--- remote setup, {'SOAP 1.2' if soap12 else 'SOAP 1.1'}", flush=True)
    r = Service(os.path.join(fixtures, "RemoteSetupService.wsdl"), base + REMOTE_PATH, auth, 9,
                soap12)
    check(r.call("IsAlive") is True, "IsAlive")
    systems = r.call("GetSystems")
    check(systems is not None and len(systems.TMSSystem) >= 4, "GetSystems")
    check(r.call("GetSystemById", TMSSystemId=2).SystemId == 2, "GetSystemById")
    r.call("GetSystemsForUser")
    not_yet(r, "GetUsers")
    not_yet(r, "IsLocalAdmin")
    not_yet(r, "IsTMSBookOnBehalfUser")
    not_yet(r, "IsTMSServiceUser")
    not_yet(r, "IsTMSSiteAdmin")
    not_yet(r, "SetPrimarySystem", primSys="1")
    not_yet(r, "DisableConferenceAPIUser", userName="nobody")
    not_yet(r, "GenerateConferenceAPIUser", userNameBase="svc", encPassword="x",
            emailAddress="svc@example.com", sendNotifications=False)


for soap12 in (False, True):
    booking(soap12)
    remote_setup(soap12)
finish()
