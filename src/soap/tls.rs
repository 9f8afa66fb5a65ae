//! Native HTTPS: the certificate chain and key come from PEM files (`[tls]`), TLS 1.2 and
//! 1.3 only (rustls offers nothing older), and the files are read again by `reload` (SIGHUP)
//! without a restart, so a renewed certificate is served to new connections at once. A
//! reload that fails keeps the certificate in use.
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

/// `[tls]` of bridgebook.toml.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM file of the certificate chain, the server's certificate first.
    pub cert_file: PathBuf,
    /// PEM file of its private key (PKCS#8, PKCS#1 or SEC1).
    pub key_file: PathBuf,
}

/// The certificate in use, replaceable while the server runs.
#[derive(Debug)]
pub struct Certificate {
    config: TlsConfig,
    current: RwLock<Arc<CertifiedKey>>,
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn read(c: &TlsConfig) -> Result<CertifiedKey, String> {
    let name = |p: &Path| p.display().to_string();
    let chain = CertificateDer::pem_file_iter(&c.cert_file)
        .and_then(|i| i.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("tls.cert_file {}: {e}", name(&c.cert_file)))?;
    if chain.is_empty() {
        return Err(format!(
            "tls.cert_file {}: no certificate in it",
            name(&c.cert_file)
        ));
    }
    let key = PrivateKeyDer::from_pem_file(&c.key_file)
        .map_err(|e| format!("tls.key_file {}: {e}", name(&c.key_file)))?;
    CertifiedKey::from_der(chain, key, &provider()).map_err(|e| {
        format!(
            "tls: the key in {} does not go with the certificate in {}: {e}",
            name(&c.key_file),
            name(&c.cert_file)
        )
    })
}

impl Certificate {
    pub fn load(config: &TlsConfig) -> Result<Arc<Certificate>, String> {
        Ok(Arc::new(Certificate {
            current: RwLock::new(Arc::new(read(config)?)),
            config: config.clone(),
        }))
    }

    /// Reads the files again; on failure the certificate in use stays.
    pub fn reload(&self) -> Result<(), String> {
        let fresh = Arc::new(read(&self.config)?);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        Ok(())
    }

    /// The DER of the certificate served now (first of the chain).
    pub fn served(&self) -> Vec<u8> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).cert[0].to_vec()
    }

    /// A rustls server configuration that always serves the current certificate.
    pub fn server_config(self: &Arc<Self>) -> rustls::ServerConfig {
        let mut c = rustls::ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .expect("ring supports TLS 1.2 and 1.3")
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        c.alpn_protocols = vec![b"http/1.1".to_vec()];
        c
    }
}

impl ResolvesServerCert for Certificate {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        )
    }
}

static INSTALLED: OnceLock<Arc<Certificate>> = OnceLock::new();

/// Loads the configured certificate and makes it the one `reload` renews.
pub fn install(config: &TlsConfig) -> Result<Arc<Certificate>, String> {
    let cert = Certificate::load(config)?;
    let _ = INSTALLED.set(cert.clone());
    Ok(cert)
}

/// Reloads the served certificate from its files (what SIGHUP calls). Answers whether
/// there was one to reload; an error leaves the one in use.
pub fn reload() -> Result<bool, String> {
    match INSTALLED.get() {
        Some(c) => c.reload().map(|()| true),
        None => Ok(false),
    }
}

/// The warning to log when Basic authentication would cross the network in clear: plain
/// HTTP on an address other than loopback.
pub fn plain_http_warning(listen: &str, tls: bool) -> Option<String> {
    if tls {
        return None;
    }
    let host = listen
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or(listen)
        .trim_start_matches('[')
        .trim_end_matches(']');
    let loopback = match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    };
    (!loopback).then(|| {
        format!(
            "listening on {listen} over plain HTTP: passwords sent with HTTP Basic \
             authentication can be read on the network; configure [tls] or serve behind a \
             reverse proxy that terminates TLS (docs/tls.md)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_warns_off_loopback_only() {
        for (listen, tls, warns) in [
            ("127.0.0.1:8080", false, false),
            ("127.0.0.2:8080", false, false),
            ("[::1]:8080", false, false),
            ("localhost:8080", false, false),
            ("0.0.0.0:8080", false, true),
            ("[::]:8080", false, true),
            ("192.0.2.10:8080", false, true),
            ("bookings.example.com:80", false, true),
            ("0.0.0.0:8443", true, false),
        ] {
            assert_eq!(
                plain_http_warning(listen, tls).is_some(),
                warns,
                "{listen} {tls}"
            );
        }
    }

    fn write_pair(dir: &Path, name: &str) -> TlsConfig {
        let c = rcgen::generate_simple_self_signed(vec![name.to_string()]).unwrap();
        let cert_file = dir.join("cert.pem");
        let key_file = dir.join("key.pem");
        std::fs::write(&cert_file, c.cert.pem()).unwrap();
        std::fs::write(&key_file, c.signing_key.serialize_pem()).unwrap();
        TlsConfig {
            cert_file,
            key_file,
        }
    }

    #[test]
    fn reload_serves_the_new_certificate_and_keeps_the_old_on_error() {
        let dir = tempfile::tempdir().unwrap();
        let config = write_pair(dir.path(), "first.example.com");
        let cert = Certificate::load(&config).unwrap();
        let first = cert.served();
        write_pair(dir.path(), "second.example.com");
        cert.reload().unwrap();
        let second = cert.served();
        assert_ne!(first, second);
        std::fs::write(&config.key_file, "not a key").unwrap();
        assert!(cert.reload().is_err());
        assert_eq!(cert.served(), second);
    }

    #[test]
    fn a_key_of_another_certificate_is_refused() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let ca = write_pair(a.path(), "a.example.com");
        let cb = write_pair(b.path(), "b.example.com");
        let mixed = TlsConfig {
            cert_file: ca.cert_file,
            key_file: cb.key_file,
        };
        assert!(Certificate::load(&mixed).is_err());
    }
}
