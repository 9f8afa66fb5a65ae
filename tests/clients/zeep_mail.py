"""A zeep client generated from the WSDL bridgebook serves asks for the content of the mails it
sends: invitations for a weekly 09:00 Europe/Oslo series across a daylight-saving change, with
one occurrence moved and one deleted, in each content type and in two languages; a booking-event
mail for a stored and for an unsaved conference. Every answer is validated against the served
WSDL's schema, and the invitation's calendar object is read with the icalendar library.

usage: zeep_mail.py BASE_URL USER PASSWORD
"""
import datetime as dt
import sys
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr

from soapcheck import BOOKING_PATH, REMOTE_PATH, Service, fail, finish

MEETING_NOT_FOUND = -2147218302
OSLO = ZoneInfo("Europe/Oslo")
OCCURRENCES = 5
TITLE = "Weekly planning"

base, user, password = sys.argv[1:4]
auth = (user, password)


def check(cond, message):
    if not cond:
        fail(message)


def fmt(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")


def last_sunday(year, month):
    d = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)


b = Service(base + BOOKING_PATH + "?wsdl", base + BOOKING_PATH, auth, 23)
t = b.types

# The series starts on the Monday two weeks before Oslo's next change of offset, so its first
# two occurrences are on one side of it and the other three on the other.
today = dt.datetime.now(dt.timezone.utc).date()
changes = [last_sunday(y, m) for y in (today.year, today.year + 1) for m in (3, 10)]
change = min(d for d in changes if d > today + dt.timedelta(days=21))
first_day = change - dt.timedelta(days=13)
first = dt.datetime.combine(first_day, dt.time(9), tzinfo=OSLO)
walls = [first + dt.timedelta(weeks=i) for i in range(OCCURRENCES)]
check(len({w.utcoffset() for w in walls}) == 2, "the series spans a change of offset")

d = b.call("GetDefaultConference")
d.Title = TITLE
d.StartTimeUTC, d.EndTimeUTC = fmt(first), fmt(first + dt.timedelta(hours=1))
d.ExternalSourceId, d.ExternalPrimaryKey = "exchange", "mail-series"
d.ConferenceTimeZoneRules = None  # booked in its first room's zone, Europe/Oslo
d.Participants = t.ArrayOfParticipant(Participant=[
    t.Participant(ParticipantId=1, ParticipantCallType="TMS"),
    t.Participant(ParticipantId=2, ParticipantCallType="TMS"),
])
d.RecurrencePattern = t.RecurrencePattern(
    FrequencyType="Weekly", Interval=1, BySetPosition=0, PatternInstances=OCCURRENCES,
    DaysOfWeek=t.ArrayOfDayOfWeek(DayOfWeek=["Monday"]), FirstDayOfWeek="Monday",
    PatternEndType="EndByInstances",
)
saved = b.call("SaveConferenceWithMode", Conference=d, BookingMode="Strict")
if saved is None:
    finish()
ids = dict(ExternalSourceId="exchange", ExternalConferenceId="mail-series")

# Move the fourth occurrence (after the change) to 11:00; delete the second (before it).
fourth, second = fmt(walls[3]), fmt(walls[1])
o4 = b.call("GetConferenceInstanceByExternalId", RecurrenceIdUTC=fourth, **ids)
moved = walls[3].replace(hour=11)
o4.StartTimeUTC, o4.EndTimeUTC = fmt(moved), fmt(moved + dt.timedelta(hours=1))
o4.Participants = None
b.call("SaveConferenceRecInstanceWithMode", Conference=o4, BookingMode="Strict")
b.call("DeleteConferenceInstanceByExternalId", RecurrenceIdUTC=second, **ids)
series = b.call("GetConferenceByExternalId", **ids)

warning = t.ArrayOfClientMessage(ClientMessage=[
    t.ClientMessage(MessageType="Warning", Lines=t.ArrayOfString(string=["The projector is away", "Bring a laptop"])),
])
expect = {
    "en-US": ["Every week on Monday, 5 times", "Cancelled:", "Moved:", "Europe/Oslo", "Oslo Fjord",
              "Bergen Board", "Warning"],
    "nb-NO": ["Hver uke på mandag, 5 ganger", "Avlyst:", "Flyttet:", "Europe/Oslo", "Oslo Fjord",
              "Bergen Board", "Advarsel", "kl. 09:00"],
}
ics = None
for lang, words in expect.items():
    for types in (["PlainText"], ["Html"], ["PlainText", "Html"]):
        r = b.call("GetConferenceInviteMail", Messages=warning,
                   ContentTypes=t.ArrayOfMailContentType(MailContentType=types), Language=lang, **ids)
        got = r.MailContent if r else []
        check([m.ContentType for m in got] == types, f"{lang} {types}: content types {[m.ContentType for m in got]}")
        for m in got:
            check(TITLE in (m.Subject or ""), f"{lang} {m.ContentType}: subject {m.Subject!r}")
            for w in words:
                # HTML escapes the slash of a zone's name.
                found = w in (m.Body or "") or w.replace("/", "&#x2f;") in (m.Body or "")
                check(found, f"{lang} {m.ContentType}: {w!r} missing from\n{m.Body}")
            check("Bring a laptop" in m.Body, f"{lang} {m.ContentType}: the client's message")
            if m.ContentType == "Html":
                check("#fcf8e3" in m.Body, f"{lang}: a warning's box is yellow")
                check(m.Body.lstrip().startswith("<html"), f"{lang}: an HTML document")
            else:
                check("<" not in m.Body.replace("<svc@", ""), f"{lang}: plain text has no markup")
            check(m.ICalendar and "BEGIN:VCALENDAR" in m.ICalendar, f"{lang}: a calendar object")
            ics = ics or m.ICalendar
# Blank: the conference's language (the default, English).
r = b.call("GetConferenceInviteMail", ContentTypes=t.ArrayOfMailContentType(MailContentType=["PlainText"]),
           Language="", **ids)
check(r and "Every week" in r.MailContent[0].Body, "blank language: the conference's")
r = b.call("GetConferenceInviteMail", ContentTypes=t.ArrayOfMailContentType(MailContentType=["PlainText"]),
           Language="xx-YY", **ids)
check(r and "Every week" in r.MailContent[0].Body, "unknown language: the default")

# The calendar object, read by an independent library.
cal = icalendar.Calendar.from_ical(ics)
check(str(cal.get("METHOD")) == "REQUEST", f"method {cal.get('METHOD')}")
events = cal.walk("VEVENT")
masters = [e for e in events if "RECURRENCE-ID" not in e]
overrides = [e for e in events if "RECURRENCE-ID" in e]
check(len(masters) == 1 and len(overrides) == 1, f"{len(masters)} series, {len(overrides)} moved")
check(len({str(e["UID"]) for e in events}) == 1, "one UID for the series and its exceptions")
master = masters[0]
check(str(master["SUMMARY"]) == TITLE, f"summary {master['SUMMARY']}")
check(int(master["SEQUENCE"]) == series.Version, f"sequence {master['SEQUENCE']} vs version {series.Version}")
check("Oslo Fjord" in str(master.get("LOCATION")), f"location {master.get('LOCATION')}")
start = master.decoded("DTSTART")
check(start.tzinfo is not None and start.replace(tzinfo=None) == dt.datetime.combine(first_day, dt.time(9)),
      f"DTSTART {start}")
check(master["DTSTART"].params.get("TZID") == "Europe/Oslo", f"TZID {master['DTSTART'].params}")
# The VTIMEZONE sent along, read as a zone of its own, agrees with the tz database.
zones = cal.walk("VTIMEZONE")
check(len(zones) == 1 and str(zones[0]["TZID"]) == "Europe/Oslo", "one VTIMEZONE for Europe/Oslo")
sent_zone = zones[0].to_tz()
rule = rrulestr(master["RRULE"].to_ical().decode(), dtstart=start.replace(tzinfo=sent_zone))
instances = list(rule)
check(len(instances) == OCCURRENCES, f"{len(instances)} instances")
for got, want in zip(instances, walls):
    check(got.replace(tzinfo=None) == want.replace(tzinfo=None), f"instance {got} is not {want}")
    check(got.utcoffset() == want.utcoffset(), f"offset of {got}: {got.utcoffset()} vs {want.utcoffset()}")
exdates = master.get("EXDATE")
exdates = exdates if isinstance(exdates, list) else [exdates] if exdates else []
excluded = [x.dt.replace(tzinfo=None) for e in exdates for x in e.dts]
check(excluded == [walls[1].replace(tzinfo=None)], f"EXDATE {excluded}")
o = overrides[0]
check(o.decoded("RECURRENCE-ID").replace(tzinfo=None) == walls[3].replace(tzinfo=None),
      f"RECURRENCE-ID {o.decoded('RECURRENCE-ID')}")
check(o.decoded("DTSTART").replace(tzinfo=None) == moved.replace(tzinfo=None), f"moved to {o.decoded('DTSTART')}")

# The deleted occurrence's invitation cancels it.
r = b.call("GetConferenceInviteMail", RecurrenceIdUTC=second, **ids)
if r:
    c = icalendar.Calendar.from_ical(r.MailContent[0].ICalendar)
    check(str(c.get("METHOD")) == "CANCEL", f"deleted occurrence: {c.get('METHOD')}")
    e = c.walk("VEVENT")[0]
    check(e.decoded("RECURRENCE-ID").replace(tzinfo=None) == walls[1].replace(tzinfo=None), "cancelled occurrence named")
    check(str(e["STATUS"]) == "CANCELLED", f"status {e['STATUS']}")
    check(r.MailContent[0].ContentType == "PlainText", "no type asked: plain text")

b.fault("GetConferenceInviteMail", MEETING_NOT_FOUND, ExternalSourceId="exchange", ExternalConferenceId="nothing")

# Booking events: a stored occurrence, and a conference that never saved.
stored = b.call("GetConferenceInstanceByExternalId", RecurrenceIdUTC=fmt(walls[2]), **ids)
error = t.ClientMessage(MessageType="Error", Lines=t.ArrayOfString(string=["The room is out of order"]))
r = b.call("GetConferenceBookingEventMail", Conference=stored, Message=error,
           ContentTypes=t.ArrayOfMailContentType(MailContentType=["PlainText", "Html"]), Language="")
got = r.MailContent if r else []
check([m.ContentType for m in got] == ["PlainText", "Html"], "booking event: both types")
for m in got:
    check("The room is out of order" in m.Body and TITLE in m.Subject, f"booking event {m.ContentType}")
    check(m.ICalendar is None, "a booking event carries no calendar object")
check(len(got) == 2 and "[Error]" in got[0].Body and "#f2dede" in got[1].Body, "an error's box is red")
fresh = b.call("GetDefaultConference")
fresh.Title = "Never saved"
r = b.call("GetConferenceBookingEventMail", Conference=fresh, Message=error,
           ContentTypes=t.ArrayOfMailContentType(MailContentType=["Html"]), Language="nb-NO")
check(r and "Feil" in r.MailContent[0].Body and "Never saved" in r.MailContent[0].Subject,
      "an unsaved conference, in Norwegian")
# Blank: the conference's own language.
fresh.ConferenceLanguage = "de-DE"
r = b.call("GetConferenceBookingEventMail", Conference=fresh, Message=error,
           ContentTypes=t.ArrayOfMailContentType(MailContentType=["PlainText"]), Language="")
check(r and "[Fehler] The room is out of order" in r.MailContent[0].Body,
      "blank language: the conference's, German")

# Fault messages in the ClientLanguage of the ContextHeader; English without one.
norsk = Service(base + BOOKING_PATH + "?wsdl", base + BOOKING_PATH, auth, 23)
context = norsk.client.get_element(f"{{{norsk.ns}}}ContextHeader")
norsk.headers.append(context(ClientLanguage="nb-NO"))
message = norsk.fault("GetConferenceInviteMail", MEETING_NOT_FOUND, ExternalSourceId="exchange",
                      ExternalConferenceId="nothing") or ""
check(message.startswith("Fant ikke møtet."), f"nb-NO fault message {message!r}")
message = norsk.fault("GetConferenceById", MEETING_NOT_FOUND, ConferenceId=999999) or ""
check(message.startswith("Fant ikke møtet."), f"nb-NO fault message {message!r}")
message = b.fault("GetConferenceById", MEETING_NOT_FOUND, ConferenceId=999999) or ""
check("Fant" not in message and "999999" in message, f"English fault message {message!r}")

rs = Service(base + REMOTE_PATH + "?wsdl", base + REMOTE_PATH, auth, 23)
langs = rs.call("GetConferenceLanguages")
cultures = {l.CultureInfo for l in (langs.Language if langs else [])}
check(cultures == {"en-US", "nb-NO", "de-DE", "fr-FR", "es-ES"}, f"languages {cultures}")
finish()
