//! The listener that serves `/metrics` and nothing else, apart from the SOAP listener so the
//! counts stay on the address the operator chose (loopback by default).
use crate::metrics::Metrics;
use actix_web::{web, HttpResponse};
use std::sync::Arc;

/// What Prometheus expects of the text prometheus-client writes.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

async fn scrape(metrics: web::Data<Arc<Metrics>>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .body(metrics.encode())
}

/// Binds `address` and answers the server to run (one worker: a scrape every few seconds)
/// and the addresses it listens on.
pub fn bind(
    address: &str,
    metrics: Arc<Metrics>,
) -> Result<(actix_web::dev::Server, Vec<std::net::SocketAddr>), String> {
    let data = web::Data::new(metrics);
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .app_data(data.clone())
            .route("/metrics", web::get().to(scrape))
    })
    .workers(1)
    // The SOAP listener's handling of SIGTERM and Ctrl-C ends the service, this one with it.
    .disable_signals()
    .bind(address)
    .map_err(|e| format!("cannot listen for metrics on {address}: {e}"))?;
    let addrs = server.addrs();
    Ok((server.run(), addrs))
}
