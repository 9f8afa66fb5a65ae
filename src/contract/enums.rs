//! Enumerations with their XmlEnum strings and the API version each value appeared in.
use serde::{Deserialize, Serialize};

/// Declares a wire enumeration: `Variant = "wire string" @ since_version`.
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $wire:literal @ $since:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant),*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),* }
            }

            /// The API version that introduced this value.
            pub fn since(self) -> u32 {
                match self { $($name::$variant => $since),* }
            }
        }
    };
}

wire_enum!(ConferenceType {
    ReservationOnly = "Reservation Only" @ 0,
    AutomaticCallLaunch = "Automatic Call Launch" @ 0,
    ManualCallLaunch = "Manual Call Launch" @ 0,
    Default = "Default" @ 0,
    AdHoc = "Ad-Hoc conference" @ 0,
    OneButtonToPush = "One Button To Push" @ 0,
    NoConnect = "No Connect" @ 13,
});

wire_enum!(Bandwidth {
    B1x64 = "1b/64kbps" @ 0,
    B2x128 = "2b/128kbps" @ 0,
    B3x192 = "3b/192kbps" @ 0,
    B4x256 = "4b/256kbps" @ 0,
    B5x320 = "5b/320kbps" @ 0,
    B6x384 = "6b/384kbps" @ 0,
    B8x512 = "8b/512kbps" @ 0,
    B12x768 = "12b/768kbps" @ 0,
    B18x1152 = "18b/1152kbps" @ 0,
    B23x1472 = "23b/1472kbps" @ 0,
    B30x1920 = "30b/1920kbps" @ 0,
    B32x2048 = "32b/2048kbps" @ 0,
    B48x3072 = "48b/3072kbps" @ 0,
    B64x4096 = "64b/4096kbps" @ 0,
    B7x448 = "7b/448kbps" @ 12,
    B40x2560 = "40b/2560kbps" @ 12,
    B96x6144 = "96b/6144kbps" @ 12,
    Max = "Max" @ 0,
    K6000 = "6000kbps" @ 14,
    Default = "Default" @ 0,
});

wire_enum!(PictureMode {
    ContinuousPresence = "Continuous Presence" @ 0,
    EnhancedCp = "Enhanced CP" @ 0,
    VoiceSwitched = "Voice Switched" @ 0,
    Default = "Default" @ 0,
});

wire_enum!(EncryptionRequested {
    Yes = "Yes" @ 0,
    No = "No" @ 0,
    IfPossible = "If Possible" @ 0,
    Default = "Default" @ 0,
});

wire_enum!(DataConferenceMode {
    Yes = "Yes" @ 0,
    No = "No" @ 0,
    IfPossible = "If Possible" @ 0,
    Default = "Default" @ 0,
});

wire_enum!(ExtendOptionRequested {
    Yes = "Yes" @ 0,
    No = "No" @ 0,
    Default = "Default" @ 0,
    AutomaticBestEffort = "AutomaticBestEffort" @ 0,
});

wire_enum!(ParticipantType {
    Tms = "TMS" @ 0,
    IpVideoIn = "IP Video <-" @ 0,
    IpTelIn = "IP Tel <-" @ 0,
    IsdnVideoIn = "ISDN Video <-" @ 0,
    TelephoneIn = "Telephone <-" @ 0,
    IpVideoOut = "IP Video ->" @ 0,
    IpTelOut = "IP Tel ->" @ 0,
    IsdnVideoOut = "ISDN Video ->" @ 0,
    TelephoneOut = "Telephone ->" @ 0,
    Directory = "Directory" @ 0,
    User = "User" @ 0,
    SipIn = "SIP <-" @ 0,
    SipOut = "SIP ->" @ 0,
    ThreeGIn = "3G <-" @ 0,
    ThreeGOut = "3G ->" @ 0,
    Master = "TMS Master Participant" @ 0,
    SipTelIn = "SIP Tel <-" @ 18,
    SipTelOut = "SIP Tel ->" @ 18,
});

wire_enum!(ConferenceStatus {
    All = "All" @ 0,
    AllExceptDeleted = "AllExceptDeleted" @ 0,
    Pending = "Pending" @ 0,
    Ongoing = "Ongoing" @ 0,
    Finished = "Finished" @ 0,
    PendingAndOngoing = "PendingAndOngoing" @ 0,
    MeetingRequest = "MeetingRequest" @ 0,
    Rejected = "Rejected" @ 0,
    NotSaved = "NotSaved" @ 10,
    Defective = "Defective" @ 10,
    Deleted = "Deleted" @ 0,
});

wire_enum!(RecurringFrequency {
    Daily = "Daily" @ 0,
    DailyWeekday = "DailyWeekday" @ 0,
    Weekly = "Weekly" @ 0,
    Monthly = "Monthly" @ 0,
    Yearly = "Yearly" @ 0,
    Secondly = "Secondly" @ 0,
    Minutely = "Minutely" @ 0,
    Hourly = "Hourly" @ 0,
    Default = "Default" @ 0,
});

wire_enum!(DayOfWeek {
    Sunday = "Sunday" @ 0,
    Monday = "Monday" @ 0,
    Tuesday = "Tuesday" @ 0,
    Wednesday = "Wednesday" @ 0,
    Thursday = "Thursday" @ 0,
    Friday = "Friday" @ 0,
    Saturday = "Saturday" @ 0,
});

wire_enum!(RecurrenceEndType {
    EndByDate = "EndByDate" @ 0,
    EndByInstances = "EndByInstances" @ 0,
    EndNever = "EndNever" @ 0,
    Default = "Default" @ 0,
});

wire_enum!(ExceptionType {
    Add = "ADD" @ 0,
    Modify = "MODIFY" @ 0,
    Delete = "DELETE" @ 0,
});

wire_enum!(ExceptionIdRange {
    None = "None" @ 0,
    ThisAndFuture = "ThisAndFuture" @ 0,
    ThisAndPrior = "ThisAndPrior" @ 0,
    Default = "Default" @ 0,
});

wire_enum!(TransactionType {
    New = "New" @ 0,
    Updated = "Updated" @ 0,
    Deleted = "Deleted" @ 0,
    ListIncomplete = "ListIncomplete" @ 0,
});

wire_enum!(BookingMode {
    Strict = "Strict" @ 10,
    BestEffortForced = "BestEffortForced" @ 10,
});

wire_enum!(WebExInstanceType {
    Normal = "Normal" @ 16,
    Delete = "Delete" @ 16,
    Modify = "Modify" @ 16,
});

wire_enum!(WebExElementsToExclude {
    None = "None" @ 14,
    MeetingPassword = "MeetingPassword" @ 14,
    HostKey = "HostKey" @ 14,
    LocalCallInTollFreeNumber = "LocalCallInTollFreeNumber" @ 14,
    GlobalCallInNumberUrl = "GlobalCallInNumberUrl" @ 14,
});

wire_enum!(SystemCategory {
    Endpoint = "Endpoint" @ 0,
    Equipment = "Equipment" @ 0,
    Room = "Room" @ 0,
    Recording = "Recording" @ 0,
});

wire_enum!(SystemStatus {
    Alive = "Alive" @ 0,
    Idle = "Idle" @ 0,
    InCall = "InCall" @ 0,
    NoResponse = "NoResponse" @ 0,
    Unknown = "Unknown" @ 0,
});

wire_enum!(MessageType {
    Information = "Information" @ 0,
    Warning = "Warning" @ 0,
    Error = "Error" @ 0,
});

wire_enum!(MailContentType {
    PlainText = "PlainText" @ 0,
    Html = "Html" @ 0,
});
