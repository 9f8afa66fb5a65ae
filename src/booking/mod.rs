//! Application services of the booking API: each public function is one use case and each
//! writing one runs in a single database transaction.
mod accounts;
mod bridges;
mod changes;
mod feeds;
pub mod import;
mod inventory;
mod licensing;
mod lifecycle;
mod mail;
mod notify;
mod overview;
mod query;
mod routing;
mod save;
mod series;
mod users;

use crate::domain::validate::BookingRules;
use crate::store::Store;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Where "now" comes from; tests pin it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

pub struct Booking {
    pub store: Arc<Store>,
    pub rules: BookingRules,
    /// How many transactions one GetTransactionsSince answer carries at most.
    pub transactions_page: i64,
    pub clock: Clock,
    /// Where unknown booking owners are looked up, when a directory is configured.
    pub directory: Option<Arc<crate::directory::ldap::Ldap>>,
    /// The domain of generated account names (DOMAIN\\name).
    pub domain: String,
    pub licensing: Licensing,
    /// How long before its start a meeting is provisioned on its bridge.
    pub lead: chrono::Duration,
    /// What mail says, in every language there is.
    pub templates: Arc<crate::mail::Templates>,
    /// Mail is written to the outbox (an SMTP server is configured).
    pub mail_enabled: bool,
    /// The service's counts: booking changes here, bridge work in the launcher.
    pub metrics: Arc<crate::metrics::Metrics>,
}

pub use accounts::{AccountRecord, GroupRecord, NewUser};
pub use bridges::LoadStep;
pub use inventory::{check_room, NewRoom};
pub use licensing::{LicenceUse, Licensing};
pub use lifecycle::Target;
pub use notify::Notify;
pub use overview::{parse_state, passes, state_name, HistoryEntry, MeetingFilter, MeetingRecord};
pub use query::TransactionPage;
pub use series::{server_zone, stored_zone, OccurrenceTarget, Series};

/// What a conference id names: a meeting (single, or one occurrence of a series) or a
/// whole series.
#[derive(Debug, Clone)]
pub enum Booked {
    Meeting(crate::domain::Conference),
    Series(Series),
}

impl Booking {
    pub fn new(store: Arc<Store>, rules: BookingRules, transactions_page: i64) -> Booking {
        Booking {
            metrics: Arc::new(crate::metrics::Metrics::new(store.pool_wait())),
            store,
            rules,
            transactions_page,
            clock: Arc::new(Utc::now),
            directory: None,
            domain: "BRIDGEBOOK".into(),
            licensing: Licensing::Off,
            lead: chrono::Duration::minutes(5),
            templates: Arc::new(
                crate::mail::Templates::new(None).expect("the built-in mail templates compile"),
            ),
            mail_enabled: false,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}
