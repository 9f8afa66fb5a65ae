"""A zeep client generated from the WSDL bridgebook serves, announcing API version 23, books,
updates with the right and a stale Version, ends, deletes and replicates single meetings, over
SOAP 1.1 and SOAP 1.2. Every answer is validated against the served WSDL's schema.

usage: zeep_flow.py BASE_URL USER PASSWORD
"""
import sys

from soapcheck import BOOKING_PATH, REMOTE_PATH, Service, fail, finish, utc

CONCURRENT_MODIFICATION = -2147218248
MEETINGNOTACTIVE = -2147218272
INVALID_TIMEZONE_INFO = -2147218268
SYSTEM_ALREADY_BOOKED = -2147218300

base, user, password = sys.argv[1:4]
auth = (user, password)


def check(cond, message):
    if not cond:
        fail(message)


def flow(soap12, day):
    label = "SOAP 1.2" if soap12 else "SOAP 1.1"
    print(f"--- {label}", flush=True)
    b = Service(base + BOOKING_PATH + "?wsdl", base + BOOKING_PATH, auth, 23, soap12)
    t = b.types

    d = b.call("GetDefaultConference")
    if d is None:
        return
    check(d.ConferenceId == -1, f"default conference id {d.ConferenceId}")
    d.Title = f"Planning ({label})"
    d.StartTimeUTC, d.EndTimeUTC = utc(60 * 24 * day), utc(60 * 24 * day + 60)
    d.ExternalSourceId, d.ExternalPrimaryKey = "zeep", f"flow-{day}"
    d.Participants = t.ArrayOfParticipant(Participant=[
        t.Participant(ParticipantId=1, ParticipantCallType="TMS"),
        t.Participant(ParticipantId=2, ParticipantCallType="TMS"),
    ])
    d.IPBandwidth = t.BandwidthOverride(Bandwidth="6000kbps")
    # The reference's own example: the rules of a Windows zone, booked with the meeting.
    rules = b.call("GetTimeZoneRulesById", idString="Central Standard Time")
    check(rules is not None and len(rules.TimeZoneRule) >= 1, "time-zone rules")
    if rules is not None:
        r = rules.TimeZoneRule[-1]
        check(r.Id == "Central Standard Time" and r.BaseOffsetInMinutes == -360,
              f"Central Standard Time rule {r.Id} {r.BaseOffsetInMinutes}")
        check(r.Daylight.RelativeRule.Month == 3 and r.Standard.RelativeRule.Month == 11,
              "Central Standard Time changes in March and November")
        d.ConferenceTimeZoneRules = rules
    b.fault("GetTimeZoneRulesById", INVALID_TIMEZONE_INFO, idString="Atlantis Standard Time")
    saved = b.call("SaveConferenceWithMode", Conference=d, BookingMode="Strict")
    if saved is None:
        return
    c = saved.Conference
    check(c.ConferenceId > 0, f"saved id {c.ConferenceId}")
    check(c.Version == 1, f"first version {c.Version}")
    check(c.ConferenceState.Status == "Pending", f"state {c.ConferenceState.Status}")
    check(c.IPBandwidth.Bandwidth == "6000kbps", f"bandwidth {c.IPBandwidth.Bandwidth}")

    # The same rooms at the same time: refused under Strict.
    clash = b.call("GetDefaultConference")
    clash.StartTimeUTC, clash.EndTimeUTC = d.StartTimeUTC, d.EndTimeUTC
    clash.Participants = t.ArrayOfParticipant(Participant=[
        t.Participant(ParticipantId=2, ParticipantCallType="TMS")])
    b.fault("SaveConferenceWithMode", SYSTEM_ALREADY_BOOKED, Conference=clash, BookingMode="Strict")

    # Update with the version read, then again with that now stale version.
    c.Title = "Planning, moved"
    updated = b.call("SaveConferenceWithMode", Conference=c, BookingMode="Strict")
    if updated is not None:
        check(updated.Conference.Version == 2, f"version after update {updated.Conference.Version}")
    c.Title = "Stale edit"
    b.fault("SaveConferenceWithMode", CONCURRENT_MODIFICATION, Conference=c, BookingMode="Strict")
    read = b.call("GetConferenceById", ConferenceId=c.ConferenceId)
    if read is not None:
        check(read.Title == "Planning, moved", f"title after stale edit {read.Title!r}")
    found = b.call("GetConferenceIdByExternalId", ExternalSourceId="zeep",
                   ExternalConferenceId=f"flow-{day}")
    check(found == c.ConferenceId, f"id by external id {found}")

    # A meeting running now: SaveConference answers the Conference itself; it can be ended.
    now = b.call("GetDefaultConference")
    now.StartTimeUTC, now.EndTimeUTC = utc(-1), utc(45)
    now.Participants = t.ArrayOfParticipant(Participant=[
        t.Participant(ParticipantId=3 if not soap12 else 4, ParticipantCallType="TMS")])
    running = b.call("SaveConference", Conference=now)
    if running is not None:
        check(running.ConferenceState.Status == "Ongoing", f"running {running.ConferenceState.Status}")
        b.call("EndConferenceById", ConferenceId=running.ConferenceId)
        ended = b.call("GetConferenceById", ConferenceId=running.ConferenceId)
        check(ended is not None and ended.ConferenceState.Status == "Finished", "ended meeting")
    b.fault("EndConferenceById", MEETINGNOTACTIVE, ConferenceId=c.ConferenceId)

    b.call("DeleteConferenceById", ConferenceId=c.ConferenceId)
    gone = b.call("GetConferenceById", ConferenceId=c.ConferenceId)
    check(gone is not None and gone.ConferenceState.Status == "Deleted", "deleted meeting")

    # Listings.
    start, end = utc(-60), utc(60 * 24 * 30)
    b.call("GetConferencesForSystems", SystemIds=[1, 2, 3, 4], StartTime=start, EndTime=end,
           ConferenceStatus="All")
    b.call("GetConferencesForUser", UserName=user, StartTime=start, EndTime=end,
           ConferenceStatus="AllExceptDeleted")


def replicate():
    """Everything the flows did, replayed from the log in pages, as a replication client does."""
    print("--- replication", flush=True)
    b = Service(base + BOOKING_PATH + "?wsdl", base + BOOKING_PATH, auth, 23)
    kinds, cursor = [], 0
    while True:
        page = b.call("GetTransactionsSince", CurrentTransactionId=cursor)
        rows = page.Transaction if page is not None else []
        real = [r for r in rows if r.TransType != "ListIncomplete"]
        kinds += [r.TransType for r in real]
        if real:
            cursor = real[-1].TransactionId
        if not any(r.TransType == "ListIncomplete" for r in rows):
            break
    for kind in ("New", "Updated", "Deleted"):
        check(kind in kinds, f"replication saw no {kind}: {kinds}")
    again = b.call("GetTransactionsSince", CurrentTransactionId=cursor)
    check(again is None or not again.Transaction, "nothing after the last transaction")
    ext = b.call("GetTransactionsSinceWithExternalId", CurrentTransactionId=0)
    keys = [r.ExternalPrimaryKey for r in (ext.TransactionWithExternalId if ext else [])]
    check("flow-1" in keys, f"external ids in the log: {keys}")
    b.call("GetTransactionsSince", CurrentTransactionId=0, SystemId="1")


def remote_setup():
    print("--- remote setup", flush=True)
    for soap12 in (False, True):
        r = Service(base + REMOTE_PATH + "?wsdl", base + REMOTE_PATH, auth, 23, soap12)
        check(r.call("IsAlive") is True, "IsAlive")
        systems = r.call("GetSystems")
        check(systems is not None and len(systems.TMSSystem) > 0, "GetSystems")
        one = r.call("GetSystemById", TMSSystemId=1)
        check(one is not None and one.SystemId == 1, "GetSystemById")
        r.call("GetSystemsForUser")


flow(soap12=False, day=1)
flow(soap12=True, day=2)
replicate()
remote_setup()
finish()
