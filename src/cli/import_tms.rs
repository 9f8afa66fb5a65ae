//! `bridgebook import-tms`: moves the rooms and the meetings still to happen from a live
//! TMS onto bridgebook, under the ids its clients hold. Each meeting is its own transaction,
//! and one stored by an earlier run is left as it is, so an interrupted import is run again
//! to finish. `--dry-run` reports the same outcomes and writes nothing.
use super::password_input;
use bridgebook::booking::import::{MeetingOutcome, MovedMeeting, RoomOutcome};
use bridgebook::config::Config;
use bridgebook::domain::User;
use bridgebook::soap::tms_client::{TmsClient, TmsContents};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Args)]
pub struct Source {
    /// The TMS's address, e.g. https://tms.example.com (its booking API is under
    /// /tms/external/booking/).
    #[arg(long)]
    pub url: String,
    /// A TMS account that may read every booking (DOMAIN\name is sent as given).
    #[arg(long)]
    pub user: String,
    /// A file whose first line is the password. Without it the password is taken from
    /// BRIDGEBOOK_TMS_PASSWORD, else asked for (read from standard input when that is not
    /// a terminal).
    #[arg(long)]
    pub password_file: Option<PathBuf>,
    /// Reports what would be imported and any conflict; writes nothing.
    #[arg(long)]
    pub dry_run: bool,
}

fn password(s: &Source) -> Result<String, String> {
    if let Some(path) = &s.password_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        return Ok(text.lines().next().unwrap_or("").to_string());
    }
    if let Ok(p) = std::env::var("BRIDGEBOOK_TMS_PASSWORD") {
        return Ok(p);
    }
    password_input::read("TMS password", false)
}

fn bar(what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        None,
        if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) = ProgressStyle::with_template("{msg:<22} [{bar:40}] {pos}/{len} {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

pub fn run(c: &Config, s: &Source) -> Result<(), String> {
    let client = TmsClient::new(&s.url, &s.user, &password(s)?);
    let reading = bar("reading TMS");
    let contents = client.contents(chrono::Utc::now(), &|n, total| {
        reading.set_length(total as u64);
        reading.set_position(n as u64);
    })?;
    reading.finish_and_clear();
    let booking = &bridgebook::app::booking_only(c)?;
    let by = User::system();
    let ids = (contents.largest_conference_id, contents.last_transaction_id);
    let (rooms, meetings) = if s.dry_run {
        booking
            .import_dry_run(&contents.rooms, &contents.meetings, ids, &by)
            .map_err(|e| e.message)?
    } else {
        let rooms = contents
            .rooms
            .iter()
            .map(|r| booking.import_room(r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.message)?;
        booking
            .import_ids_from(ids.0, ids.1)
            .map_err(|e| e.message)?;
        let writing = bar("storing meetings");
        writing.set_length(contents.meetings.len() as u64);
        let mut out = Vec::with_capacity(contents.meetings.len());
        for m in &contents.meetings {
            out.push(booking.import_meeting(m, &by).map_err(|e| e.message)?);
            writing.inc(1);
        }
        writing.finish_and_clear();
        (rooms, out)
    };
    super::print(&report(&contents, &rooms, &meetings, s.dry_run));
    Ok(())
}

/// The summary: counts, then each conflict and refusal by its TMS id.
fn report(
    tms: &TmsContents,
    rooms: &[RoomOutcome],
    meetings: &[MeetingOutcome],
    dry_run: bool,
) -> String {
    let would = if dry_run { "would be " } else { "" };
    let count = |f: &dyn Fn(&MeetingOutcome) -> bool| meetings.iter().filter(|m| f(m)).count();
    let mut out = format!(
        "rooms: {} {would}added, {} already here\n",
        rooms.iter().filter(|r| **r == RoomOutcome::Added).count(),
        rooms.iter().filter(|r| **r == RoomOutcome::Present).count(),
    );
    out += &format!(
        "meetings: {} {would}imported ({} Defective), {} already here, {} conflicts, {} refused; {} in TMS not pending or ongoing\n",
        count(&|m| matches!(m, MeetingOutcome::Imported { .. })),
        count(&|m| matches!(m, MeetingOutcome::Imported { defective: true })),
        count(&|m| *m == MeetingOutcome::Present),
        count(&|m| matches!(m, MeetingOutcome::IdTaken { .. } | MeetingOutcome::ExternalIdTaken { .. })),
        count(&|m| matches!(m, MeetingOutcome::Refused { .. })),
        tms.left,
    );
    for (room, outcome) in tms.rooms.iter().zip(rooms) {
        if let RoomOutcome::IdTaken { name } = outcome {
            out += &format!(
                "conflict: room {} '{}': the id is room '{name}' here; left as it is\n",
                room.id, room.name
            );
        }
    }
    for (m, outcome) in tms.meetings.iter().zip(meetings) {
        if let Some(line) = meeting_line(m, outcome) {
            out += &line;
        }
    }
    out += &format!(
        "transaction log: TMS's last id is {}; bridgebook's ids go on above it. A replication \
         client reads bridgebook's log from 0 (docs/moving-from-tms.md)\n",
        tms.last_transaction_id
    );
    out
}

fn meeting_line(m: &MovedMeeting, outcome: &MeetingOutcome) -> Option<String> {
    let title = m.request.title.as_deref().unwrap_or("");
    let id = m.kept.id;
    Some(match outcome {
        MeetingOutcome::IdTaken { id: taken } => {
            format!("conflict: meeting {id} '{title}': id {taken} is another meeting here\n")
        }
        MeetingOutcome::ExternalIdTaken { id: other } => format!(
            "conflict: meeting {id} '{title}': meeting {other} here has its ExternalPrimaryKey\n"
        ),
        MeetingOutcome::Refused { reason } => {
            format!("refused: meeting {id} '{title}': {reason}\n")
        }
        _ => return None,
    })
}
