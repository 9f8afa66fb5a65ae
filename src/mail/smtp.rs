//! Sending one mail over SMTP (`[mail]`): plain, STARTTLS or implicit TLS, with credentials
//! when configured; text and HTML as alternatives, the invitation's calendar object beside
//! them.
use crate::store::mail_outbox::Mail;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain SMTP upgraded with STARTTLS (submission, port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: a relay on the same host or network only.
    None,
}

/// `[mail]`: where mail goes and how often a failed one is tried again.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// The SMTP server; without one no mail is written or sent.
    pub server: Option<String>,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<String>,
    /// A PEM file of the CA that signed the server's certificate, when it is not one of the
    /// public CAs.
    pub ca_file: Option<std::path::PathBuf>,
    /// The From address.
    pub sender: String,
    /// A directory of templates replacing the built-in ones (`<language>/<kind>.<ext>`).
    pub templates: Option<std::path::PathBuf>,
    /// How often the outbox is looked at.
    pub poll_millis: u64,
    /// A failed send is tried again after this, doubling up to an hour.
    pub retry_seconds: i64,
    /// Tries before a mail is given up as failed.
    pub max_attempts: i32,
    /// How long one SMTP conversation may take.
    pub timeout_seconds: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            server: None,
            port: 587,
            security: Security::Starttls,
            username: None,
            password: None,
            ca_file: None,
            sender: "bridgebook@localhost".into(),
            templates: None,
            poll_millis: 1000,
            retry_seconds: 30,
            max_attempts: 10,
            timeout_seconds: 30,
        }
    }
}

pub struct Smtp {
    transport: SmtpTransport,
    sender: Mailbox,
}

impl Smtp {
    pub fn new(c: &MailConfig) -> Result<Smtp, String> {
        let server = c
            .server
            .as_deref()
            .ok_or("[mail] has no server")?
            .to_string();
        let builder = match c.security {
            Security::Starttls => SmtpTransport::starttls_relay(&server),
            Security::Tls => SmtpTransport::relay(&server),
            Security::None => Ok(SmtpTransport::builder_dangerous(&server)),
        }
        .map_err(|e| format!("[mail] server {server}: {e}"))?;
        let mut builder = builder
            .port(c.port)
            .timeout(Some(Duration::from_secs(c.timeout_seconds)));
        if let (Some(ca), true) = (&c.ca_file, c.security != Security::None) {
            let pem =
                std::fs::read(ca).map_err(|e| format!("[mail] ca_file {}: {e}", ca.display()))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| format!("[mail] ca_file {}: {e}", ca.display()))?;
            let params = TlsParameters::builder(server.clone())
                .add_root_certificate(cert)
                .build_rustls()
                .map_err(|e| format!("[mail] TLS: {e}"))?;
            builder = builder.tls(match c.security {
                Security::Tls => Tls::Wrapper(params),
                _ => Tls::Required(params),
            });
        }
        if let Some(user) = &c.username {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                c.password.clone().unwrap_or_default(),
            ));
        }
        let sender = c
            .sender
            .parse()
            .map_err(|e| format!("[mail] sender '{}': {e}", c.sender))?;
        Ok(Smtp {
            transport: builder.build(),
            sender,
        })
    }

    /// Sends `m` to every recipient; an address that cannot be read is left out.
    pub fn send(&self, m: &Mail) -> Result<(), String> {
        let mut b = Message::builder()
            .from(self.sender.clone())
            .subject(m.subject.clone());
        let mut any = false;
        for r in &m.recipients {
            if let Ok(to) = r.parse::<Mailbox>() {
                b = b.to(to);
                any = true;
            }
        }
        if !any {
            return Err("no readable recipient address".into());
        }
        let text = SinglePart::plain(m.body_text.clone());
        let body = match &m.body_html {
            Some(html) => MultiPart::alternative()
                .singlepart(text)
                .singlepart(SinglePart::html(html.clone())),
            None => MultiPart::mixed().singlepart(text),
        };
        let body = match &m.ical {
            Some(ics) => {
                let method = if ics.contains("METHOD:CANCEL") {
                    "CANCEL"
                } else {
                    "REQUEST"
                };
                let kind =
                    ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                        .map_err(|e| e.to_string())?;
                MultiPart::mixed()
                    .multipart(body)
                    .singlepart(Attachment::new("invite.ics".into()).body(ics.clone(), kind))
            }
            None => body,
        };
        let message = b.multipart(body).map_err(|e| e.to_string())?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
