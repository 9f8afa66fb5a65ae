//! bridgebook: a booking engine that serves the Cisco TMS Extension Booking API.
pub mod booking;
pub mod domain;
pub mod planner;
pub mod store;
