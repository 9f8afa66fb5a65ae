//! bridgebook: a booking engine that serves the Cisco TMS Extension Booking API.
pub mod admin;
pub mod api;
pub mod app;
pub mod booking;
pub mod bridges;
pub mod config;
pub mod contract;
pub mod demo;
pub mod directory;
pub mod domain;
pub mod launcher;
pub mod planner;
pub mod sim;
pub mod soap;
pub mod store;
