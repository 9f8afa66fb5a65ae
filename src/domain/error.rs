//! The TMSBA error codes and the one error type every layer returns.
use std::fmt;

/// Documented TMSBA error codes (spec: "Error Codes and Error Handling").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    License,
    DatabaseDown,
    MeetingNotFound,
    SystemNotFound,
    SystemAlreadyBooked,
    SystemNotAllowedInBooking,
    MeetingNotActive,
    MeetingIsDeleted,
    MeetingActive,
    CannotBookInThePast,
    NoAccessToConference,
    StartTimeAfterMaxNumberOfDaysInFuture,
    NeverEndingRecurrenceNotSupported,
    StartTimeAfterEndTime,
    InvalidTimezoneInfo,
    WebexSiteNotFound,
    WebexError,
    Security,
    ServerBusy,
    Unknown,
    CannotAddParticipant,
    UnsupportedRecurrence,
    InvalidDatetimeFormat,
    DialOutNumberNotSet,
    ConcurrentModification,
    NotEnoughMcuResources,
    ParticipantError,
    InstanceNotFoundWithinPattern,
    ClientSessionBlank,
    ClientSessionExpired,
    UserNotFound,
}

impl ErrorCode {
    pub fn code(self) -> i32 {
        use ErrorCode::*;
        match self {
            License => -2147219503,
            DatabaseDown => -2147219500,
            MeetingNotFound => -2147218302,
            SystemNotFound => -2147218301,
            SystemAlreadyBooked => -2147218300,
            SystemNotAllowedInBooking => -2147218262,
            MeetingNotActive => -2147218272,
            MeetingIsDeleted => -2147218271,
            MeetingActive => -2147218270,
            CannotBookInThePast => -2147218269,
            NoAccessToConference => -2147218266,
            StartTimeAfterMaxNumberOfDaysInFuture => -2147218265,
            NeverEndingRecurrenceNotSupported => -2147218264,
            StartTimeAfterEndTime => -2147218263,
            InvalidTimezoneInfo => -2147218268,
            WebexSiteNotFound => -2147218267,
            WebexError => -2147218260,
            Security => -2147218259,
            ServerBusy => -2147218258,
            Unknown => -2147218261,
            CannotAddParticipant => -2147218256,
            UnsupportedRecurrence => -2147218257,
            InvalidDatetimeFormat => -2147218254,
            DialOutNumberNotSet => -2147218251,
            ConcurrentModification => -2147218248,
            NotEnoughMcuResources => -2147218250,
            ParticipantError => -2147218249,
            InstanceNotFoundWithinPattern => -2147218252,
            ClientSessionBlank => -2147218247,
            ClientSessionExpired => -2147218253,
            UserNotFound => -2147218255,
        }
    }

    /// Whether the caller (rather than the server) is at fault: SOAP Client/Sender vs Server/Receiver.
    pub fn is_client_fault(self) -> bool {
        !matches!(
            self,
            ErrorCode::DatabaseDown | ErrorCode::ServerBusy | ErrorCode::Unknown
        )
    }
}

/// A failed booking operation: a documented code and a message for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    /// The client got the request wrong: it could not be read at all (malformed XML, unknown
    /// operation, oversized body) or carries a value the reference refuses (a title too
    /// long, a reserved source); always a client fault whatever the code.
    pub malformed: bool,
    /// The request lost a race with another writer (a reservation taken or a serialisation
    /// conflict at commit); running it again decides it afresh against what won.
    pub retryable: bool,
    /// A ClientSession id the client should use instead (session faults carry it).
    pub suggested_session: Option<String>,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            malformed: false,
            retryable: false,
            suggested_session: None,
        }
    }

    /// The request itself could not be understood.
    pub fn malformed(message: impl Into<String>) -> Self {
        Error {
            code: ErrorCode::Unknown,
            message: message.into(),
            malformed: true,
            retryable: false,
            suggested_session: None,
        }
    }

    /// A value in the request that the reference refuses, with no code of its own.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error {
            malformed: true,
            ..Error::new(ErrorCode::Unknown, message)
        }
    }

    pub fn not_found(id: i64) -> Self {
        Error::new(
            ErrorCode::MeetingNotFound,
            format!("Conference {id} was not found."),
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Unknown, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code.code())
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
