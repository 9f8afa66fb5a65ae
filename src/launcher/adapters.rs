//! The adapter that speaks to a bridge of the inventory. Adapters are kept while the
//! bridge's address and credentials stay the same, so each bridge has one client with one
//! kept-alive connection (Conductor allows one per client) and its requests in one queue.
use crate::bridges::cms::Cms;
use crate::bridges::conductor::Conductor;
use crate::bridges::pexip::Pexip;
use crate::bridges::telepresence_server::TelePresenceServer;
use crate::bridges::Adapter;
use crate::planner::Family;
use crate::store::bridges::StoredBridge;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A new adapter for `b`.
pub fn for_bridge(b: &StoredBridge) -> Arc<dyn Adapter> {
    match b.bridge.family {
        Family::MeetingServer => Arc::new(Cms::new(&b.address, &b.username, &b.password)),
        Family::TelePresenceServer => Arc::new(TelePresenceServer::new(
            &b.address,
            &b.username,
            &b.password,
        )),
        Family::Pexip => Arc::new(Pexip::new(&b.address, &b.username, &b.password, None)),
        Family::Conductor => Arc::new(Conductor::new(&b.address, &b.username, &b.password)),
    }
}

type Key = (Family, String, String, String);
type Made = HashMap<i64, (Key, Arc<dyn Adapter>)>;

/// One adapter per bridge, made again when the bridge's management settings change.
#[derive(Default)]
pub struct Adapters {
    made: Mutex<Made>,
}

impl Adapters {
    pub fn get(&self, b: &StoredBridge) -> Arc<dyn Adapter> {
        let key = (
            b.bridge.family,
            b.address.clone(),
            b.username.clone(),
            b.password.clone(),
        );
        let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        match made.get(&b.bridge.id) {
            Some((k, a)) if *k == key => a.clone(),
            _ => {
                let a = for_bridge(b);
                made.insert(b.bridge.id, (key, a.clone()));
                a
            }
        }
    }
}
