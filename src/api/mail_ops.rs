//! GetConferenceInviteMail and GetConferenceBookingEventMail: the content of the mails a
//! calendar connector sends its users, in the content types and language it asks for.
use super::convert::request_of;
use super::{request, scalar, Call, Reply};
use crate::booking::Booking;
use crate::contract::conference::Conference as WireConference;
use crate::contract::operations::{
    ArrayOfMailContent, ArrayOfMailContentType, ClientMessage, GetConferenceBookingEventMail,
    GetConferenceInviteMail, MailContent,
};
use crate::domain::time::parse_utc;
use crate::domain::{Conference, Error, ErrorCode, StoredStatus};
use crate::mail::{calendar, facts, language, ContentType, Kind, Message, MessageType};

fn content_types(list: &Option<ArrayOfMailContentType>) -> Result<Vec<ContentType>, Error> {
    let mut out = vec![];
    for t in list.iter().flat_map(|l| &l.MailContentType) {
        let t = match t.trim() {
            "PlainText" => ContentType::PlainText,
            "Html" => ContentType::Html,
            other => {
                return Err(Error::malformed(format!(
                    "'{other}' is not a MailContentType (PlainText or Html)."
                )))
            }
        };
        if !out.contains(&t) {
            out.push(t);
        }
    }
    // Asked for nothing: the plain text every mail reader shows.
    if out.is_empty() {
        out.push(ContentType::PlainText);
    }
    Ok(out)
}

fn message(m: &ClientMessage) -> Result<Message, Error> {
    let kind = match m.MessageType.as_deref().map(str::trim) {
        Some("Information") | None => MessageType::Information,
        Some("Warning") => MessageType::Warning,
        Some("Error") => MessageType::Error,
        Some(other) => {
            return Err(Error::malformed(format!(
                "'{other}' is not a MessageType (Information, Warning or Error)."
            )))
        }
    };
    Ok(Message {
        kind,
        lines: m
            .Lines
            .as_ref()
            .map(|l| l.string.clone())
            .unwrap_or_default(),
    })
}

fn answer(
    b: &Booking,
    call: &Call,
    kind: Kind,
    types: &[ContentType],
    facts: &crate::mail::Facts,
    ical: Option<String>,
) -> Result<Reply, Error> {
    let mut out = vec![];
    for t in types {
        let r = b.templates.render(kind, *t, facts)?;
        out.push(MailContent {
            ContentType: match t {
                ContentType::PlainText => "PlainText",
                ContentType::Html => "Html",
            }
            .to_string(),
            Subject: Some(r.subject),
            Body: Some(r.body),
            ICalendar: ical.clone(),
        });
    }
    scalar(call, &ArrayOfMailContent { MailContent: out })
}

pub fn invite_mail(b: &Booking, call: &Call) -> Result<Reply, Error> {
    let r: GetConferenceInviteMail = request(call)?;
    let (source, key) = match (&r.ExternalSourceId, &r.ExternalConferenceId) {
        (Some(s), Some(k)) if !k.is_empty() => (s.clone(), k.clone()),
        _ => {
            return Err(Error::new(
                ErrorCode::MeetingNotFound,
                "ExternalSourceId and ExternalConferenceId are both required.",
            ))
        }
    };
    let at = r
        .RecurrenceIdUTC
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_utc)
        .transpose()?;
    let types = content_types(&r.ContentTypes)?;
    let messages = r
        .Messages
        .iter()
        .flat_map(|m| &m.ClientMessage)
        .map(message)
        .collect::<Result<Vec<_>, _>>()?;
    let (meeting, installation) = b.mail_meeting_by_external(&source, &key, at)?;
    may_read(call, &meeting.conference)?;
    let lang = language::resolve(
        r.Language.as_deref(),
        meeting.conference.settings.language.as_deref(),
        b.templates.languages(),
    );
    let facts = facts::facts(&meeting, &lang, messages, true);
    let ical = calendar::invitation(&meeting, &installation, b.now());
    answer(b, call, Kind::Invite, &types, &facts, Some(ical))
}

pub fn booking_event_mail(b: &Booking, call: &Call) -> Result<Reply, Error> {
    let r: GetConferenceBookingEventMail = request(call)?;
    let wire = r
        .Conference
        .ok_or_else(|| Error::malformed("The request holds no Conference element."))?;
    let types = content_types(&r.ContentTypes)?;
    let messages = r.Message.as_ref().map(message).transpose()?;
    // A stored conference is described as stored (with its route and reasons); one that
    // never saved is described as the client sent it.
    let c = match b.stored(wire.ConferenceId as i64)? {
        Some(c) if wire.ConferenceId > 0 => {
            may_read(call, &c)?;
            c
        }
        _ => unsaved(b, &wire)?,
    };
    let (meeting, _) = b.mail_meeting(c)?;
    let lang = language::resolve(
        r.Language.as_deref(),
        meeting.conference.settings.language.as_deref(),
        b.templates.languages(),
    );
    let facts = facts::facts(&meeting, &lang, messages.into_iter().collect(), true);
    answer(b, call, Kind::BookingEvent, &types, &facts, None)
}

fn may_read(call: &Call, c: &Conference) -> Result<(), Error> {
    crate::domain::rights::may_read(&call.user.rights, call.user.id, c.owner.id, c.id)
}

/// A conference the client describes but bridgebook does not hold, with the configured
/// defaults for what it leaves out.
fn unsaved(b: &Booking, wire: &WireConference) -> Result<Conference, Error> {
    let req = request_of(wire, crate::contract::API_VERSION)?;
    let start = req.start.unwrap_or_else(|| b.now());
    let end = req
        .end
        .unwrap_or(start + chrono::Duration::minutes(b.rules.default_duration_minutes));
    let mut settings = b.rules.defaults.clone();
    settings.language = req.language.clone().or(settings.language);
    settings.time_zone = req.time_zone.clone();
    settings.user_message = req.user_message.clone();
    settings.location = req.location.clone();
    settings.password = req.password.clone();
    Ok(Conference {
        id: req.id,
        title: req
            .title
            .clone()
            .unwrap_or_else(|| crate::domain::validate::default_title(start)),
        start,
        end,
        owner: req.owner.clone(),
        settings,
        participants: req.participants.clone().unwrap_or_default(),
        external_source_id: req.external_source_id.clone(),
        external_primary_key: req.external_primary_key.clone(),
        version: req.version.unwrap_or(0),
        status: StoredStatus::Booked,
        defective_reason: None,
        transaction_id: 0,
        series: Default::default(),
        route: None,
    })
}
