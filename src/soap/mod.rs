//! The SOAP edge: envelopes in, envelopes and faults out, HTTP serving and authentication.
pub mod auth;
pub mod envelope;
pub mod response;
pub mod server;
pub mod tls;
pub mod xml_chars;
