//! Simulators of the bridges bookings are driven to, for tests and the demo: each serves
//! the documented API bridgebook uses, with its rules, faults and limits.
pub mod cms;
pub mod conductor;
mod form;
pub mod pexip;
mod server;
pub mod telepresence_server;
mod xmlrpc;
