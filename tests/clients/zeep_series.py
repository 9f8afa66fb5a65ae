"""A zeep client generated from the WSDL bridgebook serves books a weekly series with custom
time-zone rules (Central European: UTC+1, daylight time from the last Sunday of March to the
last Sunday of October), moves one occurrence, deletes another, reads the series back with
its exceptions, saves it again, replicates it and deletes it. Every answer is validated
against the served WSDL's schema.

usage: zeep_series.py BASE_URL USER PASSWORD
"""
import datetime as dt
import sys

from soapcheck import BOOKING_PATH, Service, fail, finish

INSTANCE_NOT_FOUND_WITHIN_PATTERN = -2147218252
OCCURRENCES = 20

base, user, password = sys.argv[1:4]
auth = (user, password)


def check(cond, message):
    if not cond:
        fail(message)


def fmt(t):
    return t.strftime("%Y-%m-%d %H:%M:%SZ")


def parse(s):
    return dt.datetime.strptime(s, "%Y-%m-%d %H:%M:%SZ")


def last_sunday(year, month):
    d = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)


def local_offset_hours(day):
    """The custom zone's offset on a local date (its changes happen at night, not at 09:00)."""
    in_daylight = last_sunday(day.year, 3) <= day < last_sunday(day.year, 10)
    return 2 if in_daylight else 1


def rules(t):
    change = lambda month, second: t.TimeChange(
        ChangeSecondAtDay=second,
        RelativeRule=t.TimeChangeRelativeRule(Month=month, DayOfTheWeek=0, WeekOfTheMonthIndex=5),
    )
    return t.ArrayOfTimeZoneRule(TimeZoneRule=[t.TimeZoneRule(
        ValidFrom=dt.datetime(1, 1, 1), Id="Custom Central European", DisplayName="Custom",
        BaseOffsetInMinutes=60, DaylightOffsetInMinutes=60,
        Daylight=change(3, 2 * 3600), Standard=change(10, 3 * 3600),
    )])


b = Service(base + BOOKING_PATH + "?wsdl", base + BOOKING_PATH, auth, 23)
t = b.types

# The first Monday at least two days ahead, 09:00 local.
today = dt.datetime.now(dt.timezone.utc).date()
first_day = today + dt.timedelta(days=2)
first_day += dt.timedelta(days=(7 - first_day.weekday()) % 7)
first = dt.datetime.combine(first_day, dt.time(9)) - dt.timedelta(hours=local_offset_hours(first_day))

d = b.call("GetDefaultConference")
d.Title = "Weekly planning"
d.StartTimeUTC, d.EndTimeUTC = fmt(first), fmt(first + dt.timedelta(hours=1))
d.ExternalSourceId, d.ExternalPrimaryKey = "exchange", "series-1"
d.Participants = t.ArrayOfParticipant(Participant=[
    t.Participant(ParticipantId=1, ParticipantCallType="TMS"),
    t.Participant(ParticipantId=2, ParticipantCallType="TMS"),
])
d.ConferenceTimeZoneRules = rules(t)
d.RecurrencePattern = t.RecurrencePattern(
    FrequencyType="Weekly", Interval=1, BySetPosition=0, PatternInstances=OCCURRENCES,
    DaysOfWeek=t.ArrayOfDayOfWeek(DayOfWeek=["Monday"]), FirstDayOfWeek="Monday",
    PatternEndType="EndByInstances",
)
saved = b.call("SaveConferenceWithMode", Conference=d, BookingMode="Strict")
if saved is None:
    finish()
series = saved.Conference
check(series.ConferenceId > 0, f"series id {series.ConferenceId}")
check(series.ConferenceState.Status == "Pending", f"series state {series.ConferenceState.Status}")
check(series.RecurrencePattern.PatternInstances == OCCURRENCES, "pattern read back")
check(series.RecurrencePattern.FirstOccurrenceRecInstanceIdUTC == fmt(first),
      f"first occurrence {series.RecurrencePattern.FirstOccurrenceRecInstanceIdUTC}")

# Every occurrence at 09:00 local, across the change to daylight time.
listed = b.call("GetConferencesForSystems", SystemIds=[1], StartTime=fmt(first - dt.timedelta(days=1)),
                EndTime=fmt(first + dt.timedelta(days=7 * OCCURRENCES)), ConferenceStatus="All")
occurrences = sorted(listed.Conference if listed else [], key=lambda c: c.StartTimeUTC)
check(len(occurrences) == OCCURRENCES, f"{len(occurrences)} occurrences listed")
for o in occurrences:
    start = parse(o.StartTimeUTC)
    local = start + dt.timedelta(hours=local_offset_hours(start.date()))
    check(local.time() == dt.time(9) and local.weekday() == 0,
          f"occurrence {o.StartTimeUTC} is not Monday 09:00 local")
    check(o.RecurrenceInstanceIdUTC == o.StartTimeUTC, f"instance id of {o.StartTimeUTC}")
    check(o.ExternalPrimaryKey == "series-1", "occurrences carry the series' external ids")
ids = {o.ConferenceId for o in occurrences}
check(len(ids) == OCCURRENCES and series.ConferenceId not in ids, "each occurrence has its own id")

# Move the third occurrence two hours later, by the client's ids and its instance id.
third, fifth = occurrences[2].RecurrenceInstanceIdUTC, occurrences[4].RecurrenceInstanceIdUTC
third_id = b.call("GetConferenceIdByExternalId", ExternalSourceId="exchange",
                  ExternalConferenceId="series-1", RecurrenceIdUTC=third)
check(third_id == occurrences[2].ConferenceId, f"occurrence id by instance {third_id}")
check(b.call("GetConferenceIdByExternalId", ExternalSourceId="exchange",
             ExternalConferenceId="series-1") == series.ConferenceId, "series id by external id")
o3 = b.call("GetConferenceById", ConferenceId=third_id)
moved = parse(o3.StartTimeUTC) + dt.timedelta(hours=2)
o3.StartTimeUTC, o3.EndTimeUTC = fmt(moved), fmt(moved + dt.timedelta(hours=1))
o3.Title = "Planning, moved"
o3.Participants = None  # null leaves the participants as they are
r = b.call("SaveConferenceRecInstanceWithMode", Conference=o3, BookingMode="Strict")
if r is not None:
    check(r.Conference.RecurrenceInstanceType == "modify", f"moved: {r.Conference.RecurrenceInstanceType}")
    check(r.Conference.RecurrenceInstanceIdUTC == third, "the moved occurrence keeps its instance id")
    check(len(r.Conference.Participants.Participant) == 2, "participants left as they were")
# A day the pattern has no occurrence on.
stray = b.call("GetConferenceById", ConferenceId=third_id)
stray.ConferenceId = series.ConferenceId
stray.RecurrenceInstanceIdUTC = fmt(parse(third) + dt.timedelta(days=1))
b.fault("SaveConferenceRecInstance", INSTANCE_NOT_FOUND_WITHIN_PATTERN, Conference=stray)

# Delete the fifth.
b.call("DeleteConferenceInstanceByExternalId", ExternalSourceId="exchange",
       ExternalConferenceId="series-1", RecurrenceIdUTC=fifth)
gone = b.call("GetConferenceInstanceByExternalId", ExternalSourceId="exchange",
              ExternalConferenceId="series-1", RecurrenceIdUTC=fifth)
check(gone is not None and gone.ConferenceState.Status == "Deleted", "deleted occurrence")

# The series read back with both exceptions.
back = b.call("GetRecurrentConferenceById", ConferenceId=third_id)
exceptions = back.RecurrencePattern.Exceptions.RecurrenceException if back else []
kinds = {e.RecurrenceIdUTC: e.ExceptionType for e in exceptions}
check(kinds == {third: "MODIFY", fifth: "DELETE"}, f"exceptions {kinds}")
for e in exceptions:
    if e.ExceptionType == "MODIFY":
        check(e.ModifiedData.StartTimeUTC == fmt(moved), f"moved start {e.ModifiedData.StartTimeUTC}")
        check(e.ModifiedData.Title == "Planning, moved", "moved title")

# Saved again whole, with a new title: the exceptions stay, the occurrences keep their ids.
back.Title = "Weekly planning, renamed"
again = b.call("SaveConferenceWithMode", Conference=back, BookingMode="Strict")
if again is not None:
    s = again.Conference
    check(s.ConferenceId == series.ConferenceId, "the series keeps its id")
    kinds = {e.RecurrenceIdUTC: e.ExceptionType for e in s.RecurrencePattern.Exceptions.RecurrenceException}
    check(kinds == {third: "MODIFY", fifth: "DELETE"}, f"exceptions after a save {kinds}")
relisted = b.call("GetConferencesForSystems", SystemIds=[1], StartTime=fmt(first - dt.timedelta(days=1)),
                  EndTime=fmt(first + dt.timedelta(days=7 * OCCURRENCES)), ConferenceStatus="AllExceptDeleted")
live = relisted.Conference if relisted else []
check(len(live) == OCCURRENCES - 1, f"{len(live)} live occurrences")
check({c.ConferenceId for c in live} == ids - {occurrences[4].ConferenceId}, "occurrence ids kept")
check(all(c.Title == "Weekly planning, renamed" for c in live if c.ConferenceId != third_id),
      "the new title reached the occurrences")

# Replication: every id the changes touched, with the deleted occurrence as Deleted.
rows, cursor = [], 0
while True:
    page = b.call("GetTransactionsSinceWithExternalId", CurrentTransactionId=cursor)
    got = page.TransactionWithExternalId if page else []
    real = [r for r in got if r.TransType != "ListIncomplete"]
    rows += real
    if not real or len(real) == len(got):
        break
    cursor = real[-1].TransactionId
touched = {r.ConferenceId for r in rows}
check(ids | {series.ConferenceId} <= touched, "a transaction for every conference id")
check(any(r.ConferenceId == occurrences[4].ConferenceId and r.TransType == "Deleted" for r in rows),
      "the deleted occurrence replicates as Deleted")
ordered = [r.TransactionId for r in rows]
check(ordered == list(range(ordered[0], ordered[0] + len(ordered))), "gap-free log")

# Deleting the series deletes what is left of it.
b.call("DeleteConferenceById", ConferenceId=series.ConferenceId)
deleted = b.call("GetRecurrentConferenceById", ConferenceId=series.ConferenceId)
check(deleted is not None and deleted.ConferenceId == -series.ConferenceId, "deleted series id")
check(deleted is not None and deleted.ConferenceState.Status == "Deleted", "deleted series state")
finish()
