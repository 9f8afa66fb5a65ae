//! The adapter that speaks to a bridge of the inventory. Adapters are kept while the
//! bridge's address and credentials stay the same, so each bridge has one client with one
//! kept-alive connection (Conductor allows one per client) and its requests in one queue.
use crate::bridges::cms::Cms;
use crate::bridges::conductor::Conductor;
use crate::bridges::pexip::Pexip;
use crate::bridges::telepresence_server::TelePresenceServer;
use crate::bridges::tls;
use crate::bridges::Adapter;
use crate::planner::Family;
use crate::store::bridges::{StoredBridge, Tls};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A new adapter for `b`; fails when its TLS settings cannot be used (an unreadable CA file).
pub fn for_bridge(b: &StoredBridge) -> Result<Arc<dyn Adapter>, String> {
    let tls = tls::client(b.tls.verify, b.tls.ca_file.as_deref())?;
    let (address, user, password) = (&b.address, &b.username, &b.password);
    Ok(match b.bridge.family {
        Family::MeetingServer => Arc::new(Cms::new(address, user, password).with_tls(&tls)),
        Family::TelePresenceServer => {
            Arc::new(TelePresenceServer::new(address, user, password).with_tls(&tls))
        }
        Family::Pexip => {
            Arc::new(Pexip::new(address, user, password, b.system_location.clone()).with_tls(&tls))
        }
        Family::Conductor => Arc::new(Conductor::new(address, user, password).with_tls(&tls)),
    })
}

type Key = (Family, String, String, String, Tls, Option<String>);
type Made = HashMap<i64, (Key, Arc<dyn Adapter>)>;

/// One adapter per bridge, made again when the bridge's management settings change.
#[derive(Default)]
pub struct Adapters {
    made: Mutex<Made>,
}

impl Adapters {
    pub fn get(&self, b: &StoredBridge) -> Result<Arc<dyn Adapter>, String> {
        let key = (
            b.bridge.family,
            b.address.clone(),
            b.username.clone(),
            b.password.clone(),
            b.tls.clone(),
            b.system_location.clone(),
        );
        let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        match made.get(&b.bridge.id) {
            Some((k, a)) if *k == key => Ok(a.clone()),
            _ => {
                let a = for_bridge(b)?;
                made.insert(b.bridge.id, (key, a.clone()));
                Ok(a)
            }
        }
    }
}
