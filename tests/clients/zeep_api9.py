"""A zeep client generated from the WSDLs a real TMS published for API version 9, announcing
version 9 and pointed at bridgebook, calls every operation those WSDLs have. Every answer must
validate against the API-9 schema.

usage: zeep_api9.py BASE_URL USER PASSWORD FIXTURE_DIR
"""
import base64
import os
import sys

from soapcheck import BOOKING_PATH, REMOTE_PATH, Service, fail, finish, minutes_to, utc

INSTANCE_NOT_FOUND_WITHIN_PATTERN = -2147218252
ERR_USER_NOT_FOUND = -2147218255
base, user, password = sys.argv[1:4]
fixtures = os.path.abspath(sys.argv[4])
auth = (user, password)


def check(cond, message):
    if not cond:
        fail(message)


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

    # A daily series of three at 10:00 UTC: the second moved an hour later, the third
    # deleted.
    s = meeting(minutes_to(day, 10) - 60 * 24 * day, 1, "series")
    s.RecurrencePattern = t.RecurrencePattern(
        FrequencyType="Daily", Interval=1, FirstDayOfWeek="Sunday", BySetPosition=0,
        PatternEndType="EndByInstances",
        PatternInstances=3)
    series = b.call("SaveConference", Conference=s)
    if series is None:
        return
    listed = b.call("GetConferencesForSystems", SystemIds=[1], StartTime=s.StartTimeUTC,
                    EndTime=utc(60 * 24 * (day + 4)), ConferenceStatus="All")
    ids = sorted((c.StartTimeUTC, c.ConferenceId) for c in (listed.Conference if listed else [])
                 if c.Title == "api9 series")
    check(len(ids) == 3, f"three occurrences: {ids}")
    if len(ids) == 3:
        second = b.call("GetConferenceById", ConferenceId=ids[1][1])
        second.Title = "api9 series, moved"
        second.StartTimeUTC = utc(minutes_to(day + 1, 11))
        second.EndTimeUTC = utc(minutes_to(day + 1, 11) + 30)
        moved = b.call("SaveConferenceRecInstance", Conference=second)
        check(moved is not None and moved.Title == "api9 series, moved", "occurrence moved")
        b.call("DeleteConferenceRecInstanceById", ConferenceId=ids[2][1])
        back = b.call("GetRecurrentConferenceById", ConferenceId=series.ConferenceId)
        n = len(back.RecurrencePattern.Exceptions.RecurrenceException) if back else 0
        check(n == 2, f"{n} exceptions")
    b.fault("SaveConferenceRecInstance", INSTANCE_NOT_FOUND_WITHIN_PATTERN,
            Conference=meeting(0, 1, "instance"))
    devices = b.call("GetRecordingAliases", UserName="")
    check(devices is None or len(devices.RecordingDevice) == 0, "no recording systems")


def remote_setup(soap12):
    print(f"--- remote setup, {'SOAP 1.2' if soap12 else 'SOAP 1.1'}", flush=True)
    r = Service(os.path.join(fixtures, "RemoteSetupService.wsdl"), base + REMOTE_PATH, auth, 9,
                soap12)
    check(r.call("IsAlive") is True, "IsAlive")
    systems = r.call("GetSystems")
    check(systems is not None and len(systems.TMSSystem) >= 4, "GetSystems")
    check(r.call("GetSystemById", TMSSystemId=2).SystemId == 2, "GetSystemById")
    r.call("GetSystemsForUser")
    users = r.call("GetUsers")
    check(users is not None and any(u.UserName == user for u in users.User), "GetUsers")
    check(r.call("IsLocalAdmin") is True, "IsLocalAdmin")
    check(r.call("IsTMSBookOnBehalfUser") is True, "IsTMSBookOnBehalfUser")
    check(r.call("IsTMSServiceUser") is False, "IsTMSServiceUser")
    check(r.call("IsTMSSiteAdmin") is True, "IsTMSSiteAdmin")
    check(r.call("SetPrimarySystem", primSys="1") is True, "SetPrimarySystem")
    check(r.call("SetPrimarySystem", primSys="999") is False, "SetPrimarySystem, no system")
    name = r.call("GenerateConferenceAPIUser", userNameBase="tms-api",
                  encPassword=base64.b64encode(b"Api-pw-1").decode(),
                  emailAddress="tms-api@example.com", sendNotifications=False)
    check(name in ("BRIDGEBOOK\\tms-api", "BRIDGEBOOK\\tms-api1"), f"generated {name!r}")
    listed = [u for u in r.call("GetUsers").User if "\\" + u.UserName == name[name.index("\\"):]]
    check(len(listed) == 1 and listed[0].IsHiddenUser is True, "generated user is hidden")
    r.call("DisableConferenceAPIUser", userName=name)
    r.fault("DisableConferenceAPIUser", ERR_USER_NOT_FOUND, userName="BRIDGEBOOK\\nobody")


for soap12 in (False, True):
    booking(soap12)
    remote_setup(soap12)
finish()
