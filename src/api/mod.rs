//! One handler per WSDL operation: read the request element, call one booking service
//! function, filter the answer to the client's API version.
mod booking_ops;
pub mod convert;
mod mail_ops;
pub mod moved;
pub mod recurrence_pattern;
mod remote_ops;
pub mod zone_rules;

use crate::booking::Booking;
use crate::contract::versions::VersionFilter;
use crate::domain::{Error, User};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The two services a TMS server exposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Booking,
    RemoteSetup,
}

impl Service {
    pub fn namespace(self) -> &'static str {
        match self {
            Service::Booking => crate::contract::BOOKING_NS,
            Service::RemoteSetup => crate::contract::REMOTE_SETUP_NS,
        }
    }

    pub fn operations(self) -> &'static [&'static str] {
        match self {
            Service::Booking => booking_ops::OPERATIONS,
            Service::RemoteSetup => remote_ops::OPERATIONS,
        }
    }
}

/// One authenticated call.
pub struct Call<'a> {
    pub operation: &'a str,
    pub body: &'a str,
    pub client_version: u32,
    pub user: &'a User,
    /// The ClientSession id of the SOAP header.
    pub session: Option<&'a str>,
    /// The network address the call came from.
    pub client: &'a str,
    /// The ContextHeader: confirmation mail, and the language of fault messages.
    pub context: Context,
}

/// What a client's ContextHeader asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    pub send_confirmation_mail: bool,
    pub exclude_conference_information: bool,
    pub client_language: Option<String>,
}

impl Call<'_> {
    /// The mail a writing call asks for.
    pub fn notify(&self) -> crate::booking::Notify {
        crate::booking::Notify {
            confirm: self.context.send_confirmation_mail,
            details: !self.context.exclude_conference_information,
        }
    }
}

/// What an operation answers: its serialised `<OpResult>` (none for void operations) and
/// any extra output header.
#[derive(Debug, Default)]
pub struct Reply {
    pub result: Option<String>,
    pub extra_header: Option<String>,
}

pub fn dispatch(service: Service, booking: &Booking, call: &Call) -> Result<Reply, Error> {
    match service {
        Service::Booking => {
            booking.admit(call.operation, call.session, call.client, call.user)?;
            booking_ops::dispatch(booking, call)
        }
        Service::RemoteSetup => remote_ops::dispatch(booking, call),
    }
}

/// Reads the operation's request element.
fn request<T: DeserializeOwned>(call: &Call) -> Result<T, Error> {
    quick_xml::de::from_str(call.body).map_err(|e| {
        Error::malformed(format!(
            "The {} request could not be read: {e}",
            call.operation
        ))
    })
}

/// Serialises `value` as `<OpResult>` after narrowing it to the client's version.
fn result<T: Serialize + VersionFilter>(call: &Call, mut value: T) -> Result<Reply, Error> {
    value.narrow(call.client_version);
    scalar(call, &value)
}

/// Serialises a value that has nothing version-dependent in it.
fn scalar<T: Serialize + ?Sized>(call: &Call, value: &T) -> Result<Reply, Error> {
    let xml = quick_xml::se::to_string_with_root(&format!("{}Result", call.operation), value)
        .map_err(|e| Error::internal(format!("cannot write the answer: {e}")))?;
    Ok(Reply {
        result: Some(xml),
        extra_header: None,
    })
}

fn unknown_operation(call: &Call) -> Error {
    Error::malformed(format!(
        "'{}' is not an operation of this service.",
        call.operation
    ))
}
