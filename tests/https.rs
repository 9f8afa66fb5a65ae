//! Native HTTPS with a certificate made in the test and signed by a CA made in the test,
//! checked by a client that trusts only that CA; and the warning when Basic authentication
//! is offered over plain HTTP off loopback.
mod common;
use common::bare::Bare;
use common::*;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::CertificateDer;
use std::sync::Arc;

struct Pki {
    ca: CertificateDer<'static>,
    cert_pem: String,
    key_pem: String,
}

/// A CA and a server certificate for localhost and 127.0.0.1 signed by it.
fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    Pki {
        ca: ca.der().clone(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

/// An agent that trusts only `ca`, speaking only `versions`.
fn agent(
    ca: &CertificateDer<'static>,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> ureq::Agent {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(versions)
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    ureq::AgentBuilder::new()
        .tls_config(Arc::new(config))
        .build()
}

fn config(dir: &std::path::Path, listen: &str, tls: bool) -> String {
    let hash = bridgebook::directory::password::hash(PASSWORD).unwrap();
    let mut c = format!(
        "listen = \"{listen}\"\ndatabase_url = \"{}\"\nworkers = 1\n",
        dir.join("bb.db").display()
    );
    if tls {
        c.push_str(&format!(
            "[tls]\ncert_file = \"{}\"\nkey_file = \"{}\"\n",
            dir.join("cert.pem").display(),
            dir.join("key.pem").display()
        ));
    }
    c + &format!("[[user]]\nusername = \"{USER}\"\npassword_hash = \"{hash}\"\nsite_admin = true\n")
}

#[test]
fn https_with_a_verified_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let ours = pki();
    std::fs::write(dir.path().join("cert.pem"), &ours.cert_pem).unwrap();
    std::fs::write(dir.path().join("key.pem"), &ours.key_pem).unwrap();
    let s = Bare::start(dir.path(), &config(dir.path(), "127.0.0.1:0", true), &[]);
    assert!(s.base.starts_with("https://127.0.0.1:"), "{}", s.base);
    let base = s.base.replace("127.0.0.1", "localhost");
    let body = envelope11(23, &format!(r#"<GetDefaultConference xmlns="{NS}"/>"#));
    for versions in [
        &[&rustls::version::TLS13][..],
        &[&rustls::version::TLS12][..],
    ] {
        let r = agent(&ours.ca, versions)
            .post(&format!("{base}{BOOKING}"))
            .set("Authorization", &basic(USER, PASSWORD))
            .set("Content-Type", "text/xml; charset=utf-8")
            .set("SOAPAction", &format!("\"{NS}GetDefaultConference\""))
            .send_string(&body)
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r
            .into_string()
            .unwrap()
            .contains("GetDefaultConferenceResult"));
    }
    // A client that does not trust the CA refuses the connection.
    let stranger = pki();
    assert!(agent(&stranger.ca, &[&rustls::version::TLS13])
        .get(&format!("{base}/healthz"))
        .call()
        .is_err());
    // No warning: Basic authentication goes over TLS.
    assert!(!Bare::log(dir.path()).contains("plain HTTP"));
}

#[test]
fn plain_http_off_loopback_warns() {
    let dir = tempfile::tempdir().unwrap();
    let s = Bare::start(dir.path(), &config(dir.path(), "0.0.0.0:0", false), &[]);
    assert!(
        Bare::log(dir.path()).contains("plain HTTP"),
        "{}",
        Bare::log(dir.path())
    );
    drop(s);
    let dir = tempfile::tempdir().unwrap();
    let _s = Bare::start(dir.path(), &config(dir.path(), "127.0.0.1:0", false), &[]);
    assert!(!Bare::log(dir.path()).contains("plain HTTP"));
}
