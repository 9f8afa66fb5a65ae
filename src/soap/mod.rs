//! The SOAP edge: envelopes in, envelopes and faults out, HTTP serving and authentication.
pub mod auth;
pub mod envelope;
pub mod fault_language;
pub mod login;
pub mod login_pool;
pub mod response;
pub mod server;
pub mod throttle;
pub mod tls;
pub mod tms_client;
pub mod xml_chars;
