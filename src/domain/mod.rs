//! Pure booking vocabulary and rules: no I/O, no SOAP, no SQL.
pub mod conference;
pub mod error;
pub mod licensing;
pub mod recurrence;
pub mod rights;
pub mod route;
pub mod series;
pub mod state;
pub mod time;
pub mod timezone;
pub mod validate;
pub mod windows_zones;
pub mod zone;

pub use conference::*;
pub use error::{Error, ErrorCode};
