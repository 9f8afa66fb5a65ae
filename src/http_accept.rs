//! Settings of each accepted connection. A request head larger than actix accepts
//! (128 KiB) is answered 431 and the connection closed without reading the rest of what the
//! client is still sending; closing a socket with unread data makes the kernel reset it,
//! and a client still writing its request then sees "connection reset" instead of the 431.
//! A receive buffer large enough to take in a whole oversized head (up to about 1 MiB)
//! lets the client finish sending and read the answer. It is memory only while a client
//! actually fills it.
use actix_web::dev::Extensions;
use std::any::Any;

/// Receive buffer of an accepted connection (the kernel doubles it for its bookkeeping).
pub const RECEIVE_BUFFER_BYTES: usize = 2 * 1024 * 1024;

/// For `HttpServer::on_connect`.
pub fn on_connect(connection: &dyn Any, _: &mut Extensions) {
    if let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
        if let Err(e) = socket2::SockRef::from(tcp).set_recv_buffer_size(RECEIVE_BUFFER_BYTES) {
            tracing::debug!("cannot size a connection's receive buffer: {e}");
        }
    }
}
