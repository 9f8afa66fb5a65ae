<?php
// A PHP client of bridgebook as PHP integrations are written: SoapClient in WSDL mode on the
// WSDL the server serves, HTTP Basic credentials as login/password. Over SOAP 1.1 and SOAP 1.2
// it books three rooms, reads them back, updates with the right and a stale Version, is
// refused a clash in Strict and saved as Defective in BestEffortForced, books a weekly series
// starting at 23:40 UTC, lists, replicates and deletes. It checks every answer itself and
// exits 1 on any mismatch.
//
// usage: php flow.php BASE_URL USER PASSWORD

const NS = 'http://tandberg.net/2004/02/tms/external/booking/';
const EXCEPTION_NS = 'http://tandberg.net/2004/02/tms/external/exception/';
const BOOKING_PATH = '/tms/external/booking/bookingservice.asmx';
const CONCURRENT_MODIFICATION = -2147218248;
const SYSTEM_ALREADY_BOOKED = -2147218300;
const MEETINGNOTFOUND = -2147218302;

[$base, $user, $password] = array_slice($argv, 1, 3);
$base = rtrim($base, '/');
$failures = 0;

function check(bool $ok, string $what): void
{
    global $failures;
    if (!$ok) {
        $failures++;
        echo "MISMATCH: $what\n";
    }
}

function utc(int $t): string
{
    return gmdate('Y-m-d H:i:s\Z', $t);
}

function client(int $version): SoapClient
{
    global $base, $user, $password;
    $c = new SoapClient($base . BOOKING_PATH . '?wsdl', [
        'soap_version' => $version,
        'login' => $user,
        'password' => $password,
        'trace' => 1,
        'exceptions' => true,
        'cache_wsdl' => WSDL_CACHE_NONE,
        'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
        'location' => $base . BOOKING_PATH,
    ]);
    // The header every TMSBA call carries, the way SoapClient sends headers.
    $c->__setSoapHeaders([new SoapHeader(NS, 'ExternalAPIVersionSoapHeader', ['ClientVersionIn' => 23])]);
    return $c;
}

/// The TMSBA error code of a fault. SOAP 1.1: SoapFault->detail->errorcode, as PHP
/// integrations read it. SOAP 1.2: SoapClient fills `detail` only from a SOAP 1.2 `Detail`
/// element, but TMS (and so bridgebook) writes an unqualified lower-case `<detail>` in SOAP 1.2
/// faults too (see the captured TMS fault), so the code is read from the raw response.
function error_code(SoapClient $c, SoapFault $f, int $version): ?int
{
    if ($version === SOAP_1_1) {
        return isset($f->detail->errorcode) ? (int) $f->detail->errorcode : null;
    }
    $doc = new DOMDocument();
    if (!@$doc->loadXML((string) $c->__getLastResponse())) {
        return null;
    }
    $x = new DOMXPath($doc);
    $x->registerNamespace('e', EXCEPTION_NS);
    $n = $x->query('//*[local-name()="Fault"]/*[local-name()="detail"]/e:errorcode');
    return $n->length ? (int) trim($n->item(0)->textContent) : null;
}

function fault(SoapClient $c, int $version, string $what, int $code, callable $call): void
{
    try {
        $call();
        check(false, "$what: expected fault $code, the call succeeded");
    } catch (SoapFault $f) {
        $got = error_code($c, $f, $version);
        check($got === $code, "$what: errorcode " . var_export($got, true) . " (want $code), "
            . "faultcode {$f->faultcode}, message {$f->getMessage()}");
    }
}

function rooms(array $ids): array
{
    return ['Participant' => array_map(fn($i) => ['ParticipantId' => $i, 'ParticipantCallType' => 'TMS'], $ids)];
}

function meeting(SoapClient $c, string $title, int $start, int $end, array $ids): stdClass
{
    $d = $c->GetDefaultConference()->GetDefaultConferenceResult;
    $d->Title = $title;
    $d->StartTimeUTC = utc($start);
    $d->EndTimeUTC = utc($end);
    $d->Participants = rooms($ids);
    return $d;
}

function save(SoapClient $c, $conference, string $mode): stdClass
{
    return $c->SaveConferenceWithMode(['Conference' => $conference, 'BookingMode' => $mode])
        ->SaveConferenceWithModeResult->Conference;
}

function get(SoapClient $c, int $id): stdClass
{
    return $c->GetConferenceById(['ConferenceId' => $id])->GetConferenceByIdResult;
}

function room_ids(stdClass $conference): array
{
    $ids = [];
    foreach ($conference->Participants->Participant ?? [] as $p) {
        if ($p->ParticipantCallType === 'TMS') {
            $ids[] = (int) $p->ParticipantId;
        }
    }
    sort($ids);
    return $ids;
}

function status(stdClass $conference): string
{
    return $conference->ConferenceState->Status ?? 'absent';
}

function for_systems(SoapClient $c, array $ids, int $from, int $to, string $status): array
{
    $r = $c->GetConferencesForSystems(['SystemIds' => $ids, 'StartTime' => gmdate('Y-m-d\TH:i:s\Z', $from),
        'EndTime' => gmdate('Y-m-d\TH:i:s\Z', $to), 'ConferenceStatus' => $status]);
    return $r->GetConferencesForSystemsResult->Conference ?? [];
}

/// Every transaction after `cursor`, following ListIncomplete pages.
function transactions_since(SoapClient $c, int $cursor): array
{
    $all = [];
    for ($page = 0; $page < 100; $page++) {
        $rows = $c->GetTransactionsSince(['CurrentTransactionId' => $cursor])
            ->GetTransactionsSinceResult->Transaction ?? [];
        $real = array_values(array_filter($rows, fn($r) => $r->TransType !== 'ListIncomplete'));
        $all = array_merge($all, $real);
        if ($real) {
            $cursor = (int) end($real)->TransactionId;
        }
        if (count($real) === count($rows)) {
            break;
        }
    }
    return $all;
}

function flow(int $version, int $n): void
{
    global $user;
    $label = $version === SOAP_1_2 ? 'PHP, SOAP 1.2' : 'PHP, SOAP 1.1';
    echo "--- $label\n";
    $c = client($version);
    $today = intdiv(time(), 86400) * 86400;
    $log = transactions_since($c, 0);
    $cursor = $log ? max(array_map(fn($t) => (int) $t->TransactionId, $log)) : 0;

    // Three rooms, 10:00-11:00 UTC, two or three days ahead.
    $start = $today + (2 + $n) * 86400 + 10 * 3600;
    $end = $start + 3600;
    $title = "Board ($label)";
    $saved = save($c, meeting($c, $title, $start, $end, [1, 2, 3]), 'Strict');
    $id = (int) $saved->ConferenceId;
    check($id > 0, "saved id $id");
    // Version and ConferenceState are written only to clients announcing 10 or later: their
    // presence shows the header reached the server.
    check(($saved->Version ?? null) === 1, 'first Version ' . var_export($saved->Version ?? null, true));
    check(status($saved) === 'Pending', 'state after save ' . status($saved));
    check(str_contains((string) $c->__getLastResponse(), '<ClientVersionIn>23</ClientVersionIn>'),
        'ExternalAPIVersionSoapHeader echoed with 23');

    $read = get($c, $id);
    check((int) $read->ConferenceId === $id, "read back id {$read->ConferenceId}");
    check($read->Title === $title, "read back title {$read->Title}");
    check($read->StartTimeUTC === utc($start) && $read->EndTimeUTC === utc($end),
        "read back times {$read->StartTimeUTC} - {$read->EndTimeUTC}");
    check(room_ids($read) === [1, 2, 3], 'read back rooms ' . implode(',', room_ids($read)));
    check(($read->Version ?? null) === 1, 'read back Version');

    // Update with the Version read, then again with that now stale Version.
    $renamed = "Board, renamed ($label)";
    $read->Title = $renamed;
    $updated = save($c, $read, 'Strict');
    check($updated->Version === 2, "Version after update {$updated->Version}");
    check($updated->Title === $renamed, "title after update {$updated->Title}");
    $read->Title = 'Stale edit';
    fault($c, $version, 'stale Version', CONCURRENT_MODIFICATION, fn() => save($c, $read, 'Strict'));
    $after = get($c, $id);
    check($after->Title === $renamed, "title after stale edit {$after->Title}");
    check($after->Version === 2, "Version after stale edit {$after->Version}");

    // Room 2 again, overlapping: refused in Strict, saved as Defective in BestEffortForced.
    $clash = $start + 1800;
    fault($c, $version, 'clash in Strict', SYSTEM_ALREADY_BOOKED,
        fn() => save($c, meeting($c, 'Clash strict', $clash, $clash + 3600, [2]), 'Strict'));
    $forced = save($c, meeting($c, 'Clash forced', $clash, $clash + 3600, [2]), 'BestEffortForced');
    $forcedId = (int) $forced->ConferenceId;
    check($forcedId > 0, "forced clash saved, id $forcedId");
    check(status($forced) === 'Defective', 'forced clash state ' . status($forced));
    if ($forcedId > 0) {
        check(status(get($c, $forcedId)) === 'Defective', 'forced clash read back as Defective');
    }

    // A weekly series on Mondays and Thursdays, first occurrence a Monday at 23:40 UTC (its
    // end is on the next UTC day). Oslo's room first: 23:40 UTC is already the next day there.
    $monday = $today + (7 + 14 * $n) * 86400;
    while (gmdate('N', $monday) !== '1') {
        $monday += 86400;
    }
    $first = $monday + 23 * 3600 + 40 * 60;
    $s = meeting($c, "Weekly ($label)", $first, $first + 3600, [1, 2]);
    $s->RecurrencePattern = [
        'FrequencyType' => 'Weekly',
        'Interval' => 1,
        // The reference: "SOAP array of days of week in UTC equivalent".
        'DaysOfWeek' => ['DayOfWeek' => ['Monday', 'Thursday']],
        'FirstDayOfWeek' => 'Monday',
        'BySetPosition' => 0,
        'PatternEndType' => 'EndByInstances',
        'PatternInstances' => 4,
    ];
    $series = save($c, $s, 'Strict');
    $seriesId = (int) $series->ConferenceId;
    check($seriesId > 0, "series id $seriesId");
    $back = $c->GetRecurrentConferenceById(['ConferenceId' => $seriesId])->GetRecurrentConferenceByIdResult;
    check(($back->RecurrencePattern->PatternInstances ?? null) === 4
        && ($back->RecurrencePattern->FrequencyType ?? null) === 'Weekly', 'series pattern read back');
    $expected = array_map(fn($d) => utc($first + $d * 86400), [0, 3, 7, 10]);
    $occurrences = array_values(array_filter(for_systems($c, [1], $monday - 3 * 86400, $monday + 18 * 86400, 'All'),
        fn($o) => $o->Title === $s->Title));
    $starts = array_map(fn($o) => $o->StartTimeUTC, $occurrences);
    sort($starts);
    // REFERENCE CHECK (RecurrencePattern.DaysOfWeek "in UTC equivalent"; a meeting's first
    // occurrence is its own start): occurrences on the UTC Mondays and Thursdays at 23:40 UTC.
    check($starts === $expected, 'series occurrences at 23:40 UTC on Mon/Thu: want '
        . implode(', ', $expected) . '; got ' . implode(', ', $starts));
    foreach ($occurrences as $o) {
        check(strtotime($o->EndTimeUTC) - strtotime($o->StartTimeUTC) === 3600,
            "occurrence length {$o->StartTimeUTC} - {$o->EndTimeUTC}");
    }

    // Listings.
    $listed = for_systems($c, [1, 2, 3], $today, $today + 7 * 86400, 'All');
    check((bool) array_filter($listed, fn($o) => (int) $o->ConferenceId === $id && $o->Title === $renamed),
        'GetConferencesForSystems lists the meeting');
    check((bool) array_filter($listed, fn($o) => (int) $o->ConferenceId === $forcedId),
        'GetConferencesForSystems lists the Defective meeting');
    $mine = $c->GetConferencesForUser(['UserName' => $user, 'StartTime' => gmdate('Y-m-d\TH:i:s\Z', $today),
        'EndTime' => gmdate('Y-m-d\TH:i:s\Z', $today + 7 * 86400), 'ConferenceStatus' => 'AllExceptDeleted'])
        ->GetConferencesForUserResult->Conference ?? [];
    check((bool) array_filter($mine, fn($o) => (int) $o->ConferenceId === $id), 'GetConferencesForUser lists the meeting');

    // Delete, then replicate everything since the flow began.
    foreach ([$id, $forcedId, $seriesId] as $gone) {
        $c->DeleteConferenceById(['ConferenceId' => $gone]);
    }
    check(status(get($c, $id)) === 'Deleted', 'state after delete');
    $live = for_systems($c, [1, 2, 3], $today, $today + 7 * 86400, 'AllExceptDeleted');
    check(!array_filter($live, fn($o) => (int) $o->ConferenceId === $id), 'deleted meeting still listed as not deleted');

    $log = transactions_since($c, $cursor);
    $ids = array_map(fn($t) => (int) $t->TransactionId, $log);
    $ascending = $ids && $ids[0] > $cursor;
    for ($i = 1; $i < count($ids); $i++) {
        $ascending = $ascending && $ids[$i] > $ids[$i - 1];
    }
    check($ascending, "transaction ids ascend after $cursor: " . implode(',', $ids));
    $logged = fn($cid, $kind) => (bool) array_filter($log,
        fn($t) => (int) $t->ConferenceId === $cid && $t->TransType === $kind);
    foreach (['New', 'Updated', 'Deleted'] as $kind) {
        check($logged($id, $kind), "replication: $kind for $id");
    }
    check($logged($forcedId, 'New'), 'replication: New for the Defective meeting');
    check($logged($seriesId, 'New') && $logged($seriesId, 'Deleted'), 'replication: New and Deleted for the series');
    check(transactions_since($c, $ids ? max($ids) : $cursor) === [], 'nothing after the last transaction');
    fault($c, $version, 'unknown meeting', MEETINGNOTFOUND, fn() => get($c, 2147483647));
}

foreach ([SOAP_1_1, SOAP_1_2] as $n => $version) {
    try {
        flow($version, $n);
    } catch (Throwable $e) {
        $failures++;
        echo "MISMATCH: unexpected exception: $e\n";
    }
}
if ($failures > 0) {
    echo "$failures mismatch(es)\n";
    exit(1);
}
echo "all checks passed\n";
