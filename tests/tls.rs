//! A bridge's management certificate: checked against the public roots by default, against
//! the organisation's own CA with `ca_file`, or not at all with `verify = false`; over a
//! real TLS connection to a bridge whose certificate that CA signed.
mod common;
use bridgebook::bridges::conductor::Conductor;
use bridgebook::bridges::tls::client;
use bridgebook::bridges::xmlrpc::{members, method_response, Value};
use bridgebook::bridges::{Adapter, BridgeError};
use bridgebook::store::bridges::Tls;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");

/// An HTTPS endpoint with the fixture's certificate that answers every request as a
/// Conductor answers `device.query`; its address.
fn bridge_over_tls() -> String {
    let certs = CertificateDer::pem_file_iter(format!("{DIR}/bridge.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{DIR}/bridge.key")).unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("https://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for socket in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, socket);
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                // Headers, then as much body as they announce.
                while let Ok(n) = tls.read(&mut buf) {
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&request);
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length: usize = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse().ok())?
                            })
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let body = method_response(&members(vec![
                    ("model", Value::Str("TelePresence Conductor".into())),
                    ("softwareVersion", Value::Str("XC4.3.1".into())),
                ]));
                let _ = write!(
                    tls,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    address
}

fn conductor(address: &str, tls: Tls) -> Conductor {
    Conductor::new(address, "api", "secret")
        .with_tls(&client(tls.verify, tls.ca_file.as_deref()).unwrap())
}

#[test]
fn certificates_are_checked_as_the_bridge_is_configured() {
    let address = bridge_over_tls();
    // The public roots do not know the organisation's CA.
    let e = conductor(&address, Tls::default()).health().unwrap_err();
    assert!(
        matches!(&e, BridgeError::Unreachable(why) if why.contains("UnknownIssuer")),
        "{e:?}"
    );
    // Its CA file makes the certificate good.
    let own_ca = Tls {
        verify: true,
        ca_file: Some(format!("{DIR}/ca.pem")),
    };
    conductor(&address, own_ca).health().unwrap();
    // Unverified, any certificate does.
    let unverified = Tls {
        verify: false,
        ca_file: None,
    };
    conductor(&address, unverified).health().unwrap();
}

#[test]
fn an_unusable_ca_file_is_told_when_the_bridge_is_configured() {
    let missing = Tls {
        verify: true,
        ca_file: Some(format!("{DIR}/no-such-ca.pem")),
    };
    let e = client(missing.verify, missing.ca_file.as_deref()).unwrap_err();
    assert!(e.contains("no-such-ca.pem"), "{e}");
    // A file with no certificate in it (a key) is no CA either.
    let key = Tls {
        verify: true,
        ca_file: Some(format!("{DIR}/bridge.key")),
    };
    assert!(client(key.verify, key.ca_file.as_deref())
        .unwrap_err()
        .contains("no certificate"));
    let config: bridgebook::config::BridgeConfig = toml::from_str(&format!(
        r#"
name = "conductor-osl"
family = "conductor"
address = "https://conductor.example.com"
username = "api"
password = "secret"
capacity = {{ total = 100 }}
numbering = {{ first = 8100, last = 8199, sip_uri = "{{number}}@vc.example.com" }}
tls = {{ ca_file = "{DIR}/no-such-ca.pem" }}
"#
    ))
    .unwrap();
    let e = config.bridge().unwrap_err();
    assert!(e.contains("conductor-osl") && e.contains("tls"), "{e}");
}

#[test]
fn the_admin_api_keeps_and_resets_a_bridges_tls_settings() {
    use common::*;
    for backend in backends() {
        let s = Server::start(backend);
        let body = |tls: &str| {
            format!(
                r#"{{"name":"ts-1","family":"telepresence-server","address":"https://ts1","username":"api","password":"x",
                    "capacity":{{"total":20}},"numbering":{{"first":1,"last":99,"sip_uri":"{{number}}@ts.example.com"}}{tls}}}"#
            )
        };
        let added = admin_call(
            &s,
            USER,
            "POST",
            "/admin/api/bridges",
            &body(r#","tls":{"verify":false}"#),
        );
        assert_eq!(added.status, 200, "{}", added.body);
        let v: serde_json::Value = serde_json::from_str(&added.body).unwrap();
        let id = v["id"].as_i64().unwrap();
        let read = |s: &Server| -> serde_json::Value {
            let a = admin_call(s, USER, "GET", &format!("/admin/api/bridges/{id}"), "");
            serde_json::from_str(&a.body).unwrap()
        };
        assert_eq!(
            read(&s)["tls"],
            serde_json::json!({"verify": false, "ca_file": null})
        );
        // Changed without it: back to verified against the public roots.
        let changed = admin_call(
            &s,
            USER,
            "PUT",
            &format!("/admin/api/bridges/{id}"),
            &body(""),
        );
        assert_eq!(changed.status, 200, "{}", changed.body);
        assert_eq!(
            read(&s)["tls"],
            serde_json::json!({"verify": true, "ca_file": null})
        );
        // A CA file that is not there is refused with the reason, and nothing changes.
        let bad = admin_call(
            &s,
            USER,
            "PUT",
            &format!("/admin/api/bridges/{id}"),
            &body(r#","tls":{"ca_file":"/nonexistent/ca.pem"}"#),
        );
        assert_eq!(bad.status, 400, "{}", bad.body);
        assert!(bad.body.contains("/nonexistent/ca.pem"), "{}", bad.body);
        assert_eq!(read(&s)["tls"]["ca_file"], serde_json::Value::Null);
    }
}
