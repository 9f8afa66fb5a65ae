//! Simulators of the bridges bookings are driven to, for tests and the demo: each serves
//! the documented API bridgebook uses, with its rules, faults and limits.
pub mod basic;
pub mod cms;
pub mod conductor;
mod form;
pub mod pexip;
mod server;
pub mod telepresence_server;
mod xmlrpc;

/// What tests and the demo read off any simulated bridge, and the events they cause on it,
/// in terms every family shares. Each simulator answers from its own state, never from
/// what a client says it did.
pub trait Observed: Send + Sync {
    /// The names of the meetings the bridge holds now, as its client gave them (the
    /// TelePresence Server `conferenceReference`, the Conductor conference name, the
    /// Meeting Server coSpace name, the Pexip Virtual Meeting Room name).
    fn meetings(&self) -> Vec<String>;
    /// The outgoing calls the bridge has placed, and not yet ended, in meeting `name`:
    /// (address as the bridge dialled it, "sip" or "h323", connected).
    fn calls(&self, name: &str) -> Vec<SimCall>;
    /// The bridge restarts: what its family forgets on a restart (running conferences and
    /// their calls; a TelePresence Server or Conductor conference altogether) is gone.
    fn restart(&self);
    /// A meeting named `name` that someone else made, directly on the bridge.
    fn add_foreign(&self, name: &str);
    /// From now on calls to `address` fail (the far end does not answer), or succeed
    /// again.
    fn refuse_calls_to(&self, address: &str, refuse: bool);
}

/// One outgoing call a simulated bridge holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimCall {
    pub address: String,
    pub protocol: String,
    pub connected: bool,
}
