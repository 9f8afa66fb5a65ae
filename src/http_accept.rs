//! Settings of each accepted connection, and its lingering close.
//!
//! A request head larger than actix accepts (128 KiB) is answered 431 and the connection
//! closed without reading the rest of what the client is still sending. Closing a socket
//! with unread data makes the kernel reset it, and a client still writing its request then
//! sees "connection reset" instead of the 431. So every accepted plain-TCP connection keeps
//! a second descriptor of its socket: when actix lets go of the connection, the socket is
//! not closed yet; it is shut for writing (the client sees the end of the answer), what the
//! client still sends is read and thrown away for a short while, and only then is it closed,
//! as a lingering close in other HTTP servers does. A connection therefore holds two
//! descriptors while actix serves it and one while it lingers; at most as many connections
//! linger at once as may be served, so three descriptors per connection bound it all
//! (`http_limits::connections_per_worker` counts them).
use actix_web::dev::Extensions;
use std::any::Any;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Receive buffer of an accepted connection (the kernel doubles it for its bookkeeping), so
/// a client's oversized head is taken in quickly while the answer is on its way.
pub const RECEIVE_BUFFER_BYTES: usize = 2 * 1024 * 1024;

/// How long a closing connection is read from at most, and how much is read: enough for a
/// client to finish sending an oversized head, too little for anyone to hold descriptors.
const LINGER_FOR: Duration = Duration::from_secs(5);
const LINGER_BYTES: usize = 8 * 1024 * 1024;

/// Descriptors budgeted for one connection: two while served, one more lingering slot.
pub const DESCRIPTORS_PER_CONNECTION: usize = 3;

/// Connections lingering now, and how many may (beyond it, a connection closes at once).
static LINGERING: AtomicUsize = AtomicUsize::new(0);
static MAY_LINGER: AtomicUsize = AtomicUsize::new(usize::MAX);

/// At start: as many connections may linger as may be served.
pub fn set_lingering_limit(connections: usize) {
    MAY_LINGER.store(connections, Ordering::Relaxed);
}

/// For `HttpServer::on_connect`.
pub fn on_connect(connection: &dyn Any, data: &mut Extensions) {
    let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() else {
        return;
    };
    let socket = socket2::SockRef::from(tcp);
    if let Err(e) = socket.set_recv_buffer_size(RECEIVE_BUFFER_BYTES) {
        tracing::debug!("cannot size a connection's receive buffer: {e}");
    }
    match socket.try_clone() {
        Ok(second) => {
            data.insert(LingeringClose(Some(std::net::TcpStream::from(second))));
        }
        Err(e) => tracing::debug!("a connection will close without lingering: {e}"),
    }
}

/// The connection's second descriptor; dropped with the connection's data, after actix has
/// finished with the connection.
struct LingeringClose(Option<std::net::TcpStream>);

impl Drop for LingeringClose {
    fn drop(&mut self) {
        let Some(socket) = self.0.take() else {
            return;
        };
        // Outside a runtime (the process is ending), or with every lingering slot taken,
        // the socket is simply closed.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if LINGERING.fetch_add(1, Ordering::Relaxed) >= MAY_LINGER.load(Ordering::Relaxed) {
            LINGERING.fetch_sub(1, Ordering::Relaxed);
            return;
        }
        runtime.spawn(async move {
            linger(socket).await;
            LINGERING.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

async fn linger(socket: std::net::TcpStream) {
    if socket.set_nonblocking(true).is_err() {
        return;
    }
    let Ok(mut socket) = tokio::net::TcpStream::from_std(socket) else {
        return;
    };
    let _ = socket.shutdown().await;
    let drain = async {
        let mut buf = vec![0u8; 8 * 1024];
        let mut read = 0;
        while read < LINGER_BYTES {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => read += n,
            }
        }
    };
    let _ = tokio::time::timeout(LINGER_FOR, drain).await;
}
