//! The TLS client of a bridge's management API: the public roots, the organisation's own CA,
//! or (a self-signed certificate) no check of who the certificate belongs to.
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;

/// A TLS client set-up for the adapters' HTTP agents; `None` is ureq's own (public roots).
pub type ClientTls = Option<Arc<ClientConfig>>;

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The TLS client for a bridge whose certificate is checked (`verify`) against the CA
/// certificates of `ca_file`, or the public roots without one.
pub fn client(verify: bool, ca_file: Option<&str>) -> Result<ClientTls, String> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    if !verify {
        return Ok(Some(Arc::new(
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Unverified(provider())))
                .with_no_client_auth(),
        )));
    }
    let Some(file) = ca_file else {
        return Ok(None);
    };
    let mut roots = RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(file)
        .map_err(|e| format!("ca_file {file}: {e}"))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("ca_file {file}: {e}"))?;
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(format!("ca_file {file}: no certificate in it"));
    }
    Ok(Some(Arc::new(
        builder.with_root_certificates(roots).with_no_client_auth(),
    )))
}

/// The agent settings every adapter shares, with `tls` applied.
pub fn agent(tls: &ClientTls) -> ureq::AgentBuilder {
    let builder = ureq::AgentBuilder::new();
    match tls {
        Some(config) => builder.tls_config(config.clone()),
        None => builder,
    }
}

/// Accepts any certificate, still checking that the handshake is signed by its key.
#[derive(Debug)]
struct Unverified(Arc<CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
