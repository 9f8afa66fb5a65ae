//! Who may do what: group permissions (TMS: Administrative Tools > User Administration >
//! Groups > Set permissions) and the decisions that follow from them.
use super::error::{Error, ErrorCode, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Booking,
    BookOnBehalfOf,
    /// Change and delete conferences owned by others.
    Update,
    /// Bookings are confirmed at once rather than waiting as meeting requests.
    ApproveMeeting,
    /// Read conferences owned by others.
    ReadAll,
    SiteAdmin,
}

const ALL: [(Permission, &str); 6] = [
    (Permission::Booking, "booking"),
    (Permission::BookOnBehalfOf, "book_on_behalf"),
    (Permission::Update, "update"),
    (Permission::ApproveMeeting, "approve"),
    (Permission::ReadAll, "read_all"),
    (Permission::SiteAdmin, "site_admin"),
];

impl Permission {
    pub fn name(self) -> &'static str {
        ALL.iter()
            .find(|(p, _)| *p == self)
            .map(|(_, n)| *n)
            .unwrap_or("")
    }

    /// Every permission's name, in the order they are shown.
    pub fn names() -> [&'static str; 6] {
        ALL.map(|(_, n)| n)
    }

    pub fn parse(name: &str) -> Option<Permission> {
        ALL.iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name.trim()))
            .map(|(p, _)| *p)
    }

    fn bit(self) -> u8 {
        1 << ALL.iter().position(|(p, _)| *p == self).unwrap_or(0)
    }
}

/// What a user may do: the union of their groups' permissions, and the systems those groups
/// may book (`None`: every system).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rights {
    bits: u8,
    pub systems: Option<Vec<i64>>,
}

impl Rights {
    pub fn of(permissions: &[Permission], systems: Option<Vec<i64>>) -> Rights {
        Rights {
            bits: permissions.iter().fold(0, |b, p| b | p.bit()),
            systems,
        }
    }

    /// Everything, on every system.
    pub fn all() -> Rights {
        Rights::of(&ALL.map(|(p, _)| p), None)
    }

    pub fn has(&self, p: Permission) -> bool {
        self.bits & p.bit() != 0 || (p != Permission::SiteAdmin && self.is_site_admin())
    }

    pub fn is_site_admin(&self) -> bool {
        self.bits & Permission::SiteAdmin.bit() != 0
    }

    /// A member of both groups may do what either may.
    pub fn union(&self, other: &Rights) -> Rights {
        let systems = match (&self.systems, &other.systems) {
            (Some(a), Some(b)) => {
                let mut all: Vec<i64> = a.iter().chain(b).copied().collect();
                all.sort_unstable();
                all.dedup();
                Some(all)
            }
            _ => None,
        };
        Rights {
            bits: self.bits | other.bits,
            systems,
        }
    }

    pub fn names(&self) -> Vec<&'static str> {
        ALL.iter()
            .filter(|(p, _)| self.bits & p.bit() != 0)
            .map(|(_, n)| *n)
            .collect()
    }

    /// A group's permissions from their comma-separated names.
    pub fn parse(names: &str, systems: Option<Vec<i64>>) -> std::result::Result<Rights, String> {
        let mut list = Vec::new();
        for n in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            list.push(Permission::parse(n).ok_or_else(|| format!("unknown permission '{n}'"))?);
        }
        Ok(Rights::of(&list, systems))
    }
}

fn security(message: String) -> Error {
    Error::new(ErrorCode::Security, message)
}

/// Saving a booking needs Booking; booking for someone else needs Book on behalf of too.
pub fn may_book(rights: &Rights, caller: i64, owner: i64, user_name: &str) -> Result<()> {
    if !rights.has(Permission::Booking) {
        return Err(security(format!(
            "User '{user_name}' has no booking permission."
        )));
    }
    if owner != caller && !rights.has(Permission::BookOnBehalfOf) {
        return Err(security(format!(
            "User '{user_name}' may not book on behalf of other users."
        )));
    }
    Ok(())
}

/// Changing, ending or deleting a conference: its owner, or a user with Update. Refused
/// with SECURITY (spec, error codes: "Client tries to modify or delete a conference, but
/// the user does not have the required permissions"); NO_ACCESS_TO_CONFERENCE is for reads.
pub fn may_change(rights: &Rights, caller: i64, owner: i64, conference: i64) -> Result<()> {
    if owner == caller || rights.has(Permission::Update) {
        return Ok(());
    }
    Err(security(format!(
        "You may not change or delete conference {conference}."
    )))
}

/// Reading a conference: its owner, or a user who may read or change all conferences.
pub fn may_read(rights: &Rights, caller: i64, owner: i64, conference: i64) -> Result<()> {
    if reads_for(rights, caller, owner) {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::NoAccessToConference,
        format!("You have no access to conference {conference}."),
    ))
}

/// Whether `caller` may read what `owner` booked: their own, or anyone's with Read All or
/// Update.
pub fn reads_for(rights: &Rights, caller: i64, owner: i64) -> bool {
    owner == caller || rights.has(Permission::ReadAll) || rights.has(Permission::Update)
}

/// Whether the user's groups may book system `id`.
pub fn may_book_system(rights: &Rights, id: i64) -> bool {
    rights.is_site_admin() || rights.systems.as_ref().is_none_or(|s| s.contains(&id))
}

pub fn check_systems(rights: &Rights, ids: &[i64], user_name: &str) -> Result<()> {
    match ids.iter().find(|id| !may_book_system(rights, **id)) {
        None => Ok(()),
        Some(id) => Err(Error::new(
            ErrorCode::SystemNotAllowedInBooking,
            format!("User '{user_name}' has no booking rights for system {id}."),
        )),
    }
}

/// A booking by a user without Approve Meeting waits as a meeting request.
pub fn needs_approval(rights: &Rights) -> bool {
    !rights.has(Permission::ApproveMeeting)
}

/// "DOMAIN\user" → "user": logins may name their Windows domain.
pub fn plain_user_name(login: &str) -> &str {
    login.rsplit_once('\\').map_or(login, |(_, u)| u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn decisions() {
        let booker = Rights::of(&[Booking, ApproveMeeting], None);
        let service = Rights::of(&[Booking, BookOnBehalfOf, Update, ApproveMeeting], None);
        let reader = Rights::of(&[ReadAll], None);
        let admin = Rights::of(&[SiteAdmin], None);
        let none = Rights::default();
        type Row<'a> = (&'a str, Result<()>, Option<ErrorCode>);
        let code = |r: Result<()>| r.err().map(|e| e.code);
        let table: Vec<Row> = vec![
            ("book for oneself", may_book(&booker, 1, 1, "a"), None),
            (
                "book without Booking",
                may_book(&none, 1, 1, "a"),
                Some(ErrorCode::Security),
            ),
            (
                "book for another without the right",
                may_book(&booker, 1, 2, "a"),
                Some(ErrorCode::Security),
            ),
            (
                "book for another with the right",
                may_book(&service, 1, 2, "s"),
                None,
            ),
            (
                "a site administrator may do anything",
                may_book(&admin, 1, 2, "x"),
                None,
            ),
            ("change one's own", may_change(&booker, 1, 1, 9), None),
            (
                "change another's",
                may_change(&booker, 1, 2, 9),
                Some(ErrorCode::Security),
            ),
            (
                "change another's with Update",
                may_change(&service, 1, 2, 9),
                None,
            ),
            (
                "read another's",
                may_read(&booker, 1, 2, 9),
                Some(ErrorCode::NoAccessToConference),
            ),
            ("read all", may_read(&reader, 1, 2, 9), None),
        ];
        for (name, got, want) in table {
            assert_eq!(code(got), want, "{name}");
        }
        assert!(!needs_approval(&booker));
        assert!(needs_approval(&Rights::of(&[Booking], None)));
        assert!(!needs_approval(&admin));
    }

    #[test]
    fn groups_add_up() {
        let a = Rights::of(&[Booking], Some(vec![1, 2]));
        let b = Rights::of(&[ReadAll], Some(vec![2, 3]));
        let both = a.union(&b);
        assert_eq!(both.names(), vec!["booking", "read_all"]);
        assert_eq!(both.systems, Some(vec![1, 2, 3]));
        assert!(check_systems(&both, &[1, 3], "u").is_ok());
        assert_eq!(
            check_systems(&both, &[4], "u").unwrap_err().code,
            ErrorCode::SystemNotAllowedInBooking
        );
        let everywhere = both.union(&Rights::of(&[], None));
        assert_eq!(everywhere.systems, None);
        assert_eq!(
            Rights::parse("booking, approve", None).unwrap(),
            Rights::of(&[Booking, ApproveMeeting], None)
        );
        assert!(Rights::parse("booking,fly", None).is_err());
        assert_eq!(plain_user_name("EXAMPLE\\alice"), "alice");
        assert_eq!(plain_user_name("alice"), "alice");
    }
}
