//! Mail: what invitations and booking-event notices say (templates per kind, content type
//! and language), the iCalendar object an invitation carries, and the outbox mail leaves
//! through.
pub mod calendar;
pub mod facts;
pub mod feed;
pub mod language;
pub mod outbox;
pub mod smtp;
pub mod templates;
pub mod vtimezone;
pub mod words;

pub use facts::{Facts, Meeting, Message, MessageType};
pub use templates::{ContentType, Kind, Rendered, Templates};
