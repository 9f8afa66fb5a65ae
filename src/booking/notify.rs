//! Mail a writing call leaves in the outbox, in its own transaction: the confirmation a
//! client asks for (ContextHeader SendConfirmationMail), to the owner and EmailTo.
use super::{Booked, Booking};
use crate::domain::rights::Permission;
use crate::domain::{Conference, Error};
use crate::mail::{calendar, facts, language, ContentType, Kind, Message, MessageType};
use crate::store::mail_outbox::{self, NewMail};
use crate::store::{installation, users, DbConnection};
use chrono::{DateTime, Utc};

/// What a writing call asks to be told by mail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notify {
    /// SendConfirmationMail.
    pub confirm: bool,
    /// Not ExcludeConferenceInformation: routing and participants are told.
    pub details: bool,
}

/// Everyone a confirmation of `c` goes to: its owner, and each address of EmailTo
/// ("separated by semicolons, commas, or spaces"), each once.
pub fn recipients(c: &Conference) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let email_to = c.settings.email_to.as_deref().unwrap_or("");
    let listed = email_to.split(|ch: char| ch == ';' || ch == ',' || ch.is_whitespace());
    for a in c.owner.email.as_deref().into_iter().chain(listed) {
        let a = a.trim();
        if a.contains('@') && !out.iter().any(|o| o.eq_ignore_ascii_case(a)) {
            out.push(a.to_string());
        }
    }
    out
}

/// The conference a save answers with: the series itself for a series.
pub fn saved_conference(b: &Booked) -> &Conference {
    match b {
        Booked::Meeting(c) => c,
        Booked::Series(s) => &s.conference,
    }
}

/// A change in a booking's life its owner or its approvers are told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// No bridge can host it any more.
    Defective,
    /// It can take place again as booked.
    Healed,
    /// A meeting request waits for an approver.
    AwaitingApproval,
}

impl Event {
    fn kind(self) -> &'static str {
        match self {
            Event::Defective => "defective",
            Event::Healed => "healed",
            Event::AwaitingApproval => "approval",
        }
    }

    /// The message at the top of the notice, in `lang`.
    pub fn message(self, lang: &str) -> Message {
        let (kind, line) = match self {
            Event::Defective => (
                MessageType::Error,
                match lang {
                    "nb-NO" => "Dette møtet kan ikke holdes slik det er bestilt.",
                    "de-DE" => "Diese Besprechung kann nicht wie gebucht stattfinden.",
                    "fr-FR" => "Cette réunion ne peut pas avoir lieu comme prévu.",
                    "es-ES" => "Esta reunión no puede celebrarse tal como se reservó.",
                    _ => "This meeting cannot take place as booked.",
                },
            ),
            Event::Healed => (
                MessageType::Information,
                match lang {
                    "nb-NO" => "Dette møtet kan holdes som bestilt igjen.",
                    "de-DE" => "Diese Besprechung kann wieder wie gebucht stattfinden.",
                    "fr-FR" => "Cette réunion peut de nouveau avoir lieu comme prévu.",
                    "es-ES" => "Esta reunión vuelve a poder celebrarse tal como se reservó.",
                    _ => "This meeting can take place as booked again.",
                },
            ),
            Event::AwaitingApproval => (
                MessageType::Warning,
                match lang {
                    "nb-NO" => "Denne møteforespørselen venter på godkjenning.",
                    "de-DE" => "Diese Besprechungsanfrage wartet auf Genehmigung.",
                    "fr-FR" => "Cette demande de réunion attend une approbation.",
                    "es-ES" => "Esta solicitud de reunión está pendiente de aprobación.",
                    _ => "This meeting request is waiting for approval.",
                },
            ),
        };
        Message {
            kind,
            lines: vec![line.to_string()],
        }
    }
}

impl Booking {
    /// Tells of `event` on `c`: the owner of a meeting that became Defective or healed, the
    /// approvers of a meeting request; in the outbox, in the caller's transaction.
    pub(super) fn queue_event(
        &self,
        conn: &mut DbConnection,
        c: &Conference,
        event: Event,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        if !self.mail_enabled {
            return Ok(());
        }
        let recipients: Vec<String> = match event {
            Event::AwaitingApproval => users::all(conn)?
                .into_iter()
                .filter(|u| u.rights.has(Permission::ApproveMeeting) && !u.hidden)
                .filter_map(|u| u.email)
                .filter(|e| e.contains('@'))
                .collect(),
            Event::Defective | Event::Healed => {
                let email = match &c.owner.email {
                    Some(e) => Some(e.clone()),
                    None => users::by_id(conn, c.owner.id)?.and_then(|u| u.email),
                };
                email.into_iter().filter(|e| e.contains('@')).collect()
            }
        };
        if recipients.is_empty() {
            return Ok(());
        }
        let meeting = self.mail_meeting_in(conn, c.clone())?;
        let lang = language::resolve(
            None,
            c.settings.language.as_deref(),
            self.templates.languages(),
        );
        let f = facts::facts(&meeting, &lang, vec![event.message(&lang)], true);
        let text = self
            .templates
            .render(Kind::BookingEvent, ContentType::PlainText, &f)?;
        let html = self
            .templates
            .render(Kind::BookingEvent, ContentType::Html, &f)?;
        mail_outbox::add(
            conn,
            &NewMail {
                conference_id: Some(c.id),
                kind: event.kind(),
                recipients,
                subject: text.subject,
                body_text: text.body,
                body_html: Some(html.body),
                ical: None,
            },
            now,
        )
    }

    /// Writes an invitation of `c` to `recipients` into the outbox as mail of `kind`.
    pub(super) fn queue_invitation(
        &self,
        conn: &mut DbConnection,
        c: &Conference,
        kind: &'static str,
        recipients: Vec<String>,
        details: bool,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        if !self.mail_enabled || recipients.is_empty() {
            return Ok(());
        }
        let meeting = self.mail_meeting_in(conn, c.clone())?;
        let lang = language::resolve(
            None,
            c.settings.language.as_deref(),
            self.templates.languages(),
        );
        let mut f = facts::facts(&meeting, &lang, vec![], details);
        f.confirmation = kind == "confirmation";
        let text = self
            .templates
            .render(Kind::Invite, ContentType::PlainText, &f)?;
        let html = self.templates.render(Kind::Invite, ContentType::Html, &f)?;
        let installation = installation::get(conn)?.unwrap_or_default();
        mail_outbox::add(
            conn,
            &NewMail {
                conference_id: Some(c.id),
                kind,
                recipients,
                subject: text.subject,
                body_text: text.body,
                body_html: Some(html.body),
                ical: Some(calendar::invitation(&meeting, &installation, now)),
            },
            now,
        )
    }

    /// The cancellation `notify` asks for, of conference `id` just deleted (ended, when it
    /// was running: then nothing is cancelled and nothing is sent).
    pub(super) fn queue_cancellation(
        &self,
        conn: &mut DbConnection,
        id: i64,
        notify: &Notify,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        if !notify.confirm || !self.mail_enabled {
            return Ok(());
        }
        let Some(c) = crate::store::conferences::get(conn, id)? else {
            return Ok(());
        };
        if c.status != crate::domain::StoredStatus::Deleted {
            return Ok(());
        }
        let to = recipients(&c);
        self.queue_invitation(conn, &c, "cancellation", to, notify.details, now)
    }

    /// The confirmation `notify` asks for, of the conference `saved`.
    pub(super) fn queue_confirmation(
        &self,
        conn: &mut DbConnection,
        saved: &Conference,
        notify: &Notify,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        if !notify.confirm {
            return Ok(());
        }
        self.queue_invitation(
            conn,
            saved,
            "confirmation",
            recipients(saved),
            notify.details,
            now,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmations_go_to_the_owner_and_each_listed_address_once() {
        let mut c = crate::mail::facts::sample_conference();
        let table = [
            (Some("owner@example.com"), None, vec!["owner@example.com"]),
            (
                Some("owner@example.com"),
                Some("a@example.com; b@example.com,c@example.com  OWNER@example.com"),
                vec![
                    "owner@example.com",
                    "a@example.com",
                    "b@example.com",
                    "c@example.com",
                ],
            ),
            (
                None,
                Some("not-an-address, d@example.com"),
                vec!["d@example.com"],
            ),
            (None, None, vec![]),
        ];
        for (owner, email_to, want) in table {
            c.owner.email = owner.map(String::from);
            c.settings.email_to = email_to.map(String::from);
            assert_eq!(recipients(&c), want, "{owner:?} {email_to:?}");
        }
    }
}
