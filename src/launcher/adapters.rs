//! The adapter that speaks to a bridge of the inventory.
use crate::bridges::cms::Cms;
use crate::bridges::conductor::Conductor;
use crate::bridges::pexip::Pexip;
use crate::bridges::telepresence_server::TelePresenceServer;
use crate::bridges::Adapter;
use crate::planner::Family;
use crate::store::bridges::StoredBridge;

/// The adapter for `b`, when bridgebook drives its family. A family without one has its
/// jobs failed with that reason (GET /admin/api/conferences/{id}/jobs shows it).
pub fn for_bridge(b: &StoredBridge) -> Option<Box<dyn Adapter>> {
    match b.bridge.family {
        Family::MeetingServer => Some(Box::new(Cms::new(&b.address, &b.username, &b.password))),
        Family::TelePresenceServer => Some(Box::new(TelePresenceServer::new(
            &b.address,
            &b.username,
            &b.password,
        ))),
        Family::Pexip => Some(Box::new(Pexip::new(
            &b.address,
            &b.username,
            &b.password,
            None,
        ))),
        Family::Conductor => Some(Box::new(Conductor::new(
            &b.address,
            &b.username,
            &b.password,
        ))),
    }
}
