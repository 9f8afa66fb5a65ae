//! The adapter that speaks to a bridge of the inventory.
use crate::bridges::cms::Cms;
use crate::bridges::Adapter;
use crate::planner::Family;
use crate::store::bridges::StoredBridge;

/// The adapter for `b`, when bridgebook drives its family. A family without one has its
/// jobs failed with that reason (GET /admin/api/conferences/{id}/jobs shows it).
pub fn for_bridge(b: &StoredBridge) -> Option<Box<dyn Adapter>> {
    match b.bridge.family {
        Family::MeetingServer => Some(Box::new(Cms::new(&b.address, &b.username, &b.password))),
        Family::TelePresenceServer | Family::Conductor | Family::Pexip => None,
    }
}
