//! Dial-in details: the numeric conference id of each occurrence and the meeting's PIN.
use super::inventory::{Numbering, PinPolicy};

/// A numeric id for each of a meeting's windows on one bridge, where `taken[k]` are the ids
/// of meetings overlapping window `k`. One id for all windows when one is free in all of
/// them (the previous id first), else the lowest free id of each window. The caller has
/// checked that every window has a free id.
pub fn assign(plan: &Numbering, previous: Option<u64>, taken: &[Vec<u64>]) -> Vec<u64> {
    let free_everywhere = |n: u64| taken.iter().all(|t| !t.contains(&n));
    let in_range = |n: &u64| (plan.first..=plan.last).contains(n);
    if let Some(n) = previous.filter(in_range).filter(|n| free_everywhere(*n)) {
        return vec![n; taken.len()];
    }
    if let Some(n) = lowest_free(plan, free_everywhere) {
        return vec![n; taken.len()];
    }
    taken
        .iter()
        .map(|t| lowest_free(plan, |n| !t.contains(&n)).unwrap_or(plan.first))
        .collect()
}

fn lowest_free(plan: &Numbering, free: impl Fn(u64) -> bool) -> Option<u64> {
    (plan.first..=plan.last).find(|n| free(*n))
}

/// The longest PIN every family takes (Pexip: 4 to 20 digits; the others less strict).
const PIN_DIGITS: std::ops::RangeInclusive<usize> = 4..=20;

/// Why the conference's Password cannot be its PIN on a bridge with this policy: a bridge
/// PIN is digits only. Without a PIN policy the Password is only stored.
pub fn pin_problem(policy: PinPolicy, password: Option<&str>) -> Option<String> {
    let p = password.filter(|p| !p.is_empty())?;
    if policy == PinPolicy::None {
        return None;
    }
    let digits = p.chars().all(|c| c.is_ascii_digit());
    (!digits || !PIN_DIGITS.contains(&p.len())).then(|| {
        format!(
            "the Password '{p}' would be the meeting's PIN, which must be {} to {} digits",
            PIN_DIGITS.start(),
            PIN_DIGITS.end()
        )
    })
}

/// The meeting's PIN under the bridge's policy: the conference's Password when it has one
/// (invitees are told the Password), else a generated PIN, kept while the meeting stays on
/// the bridge.
pub fn pin(
    policy: PinPolicy,
    password: Option<&str>,
    previous: Option<&str>,
    fresh: &str,
) -> Option<String> {
    match policy {
        PinPolicy::None => None,
        PinPolicy::Given => password.filter(|p| !p.is_empty()).map(str::to_string),
        PinPolicy::Auto { length } => {
            if let Some(p) = password.filter(|p| !p.is_empty()) {
                return Some(p.to_string());
            }
            let length = length as usize;
            if let Some(p) = previous.filter(|p| p.len() == length) {
                return Some(p.to_string());
            }
            let digits: String = fresh
                .chars()
                .filter(char::is_ascii_digit)
                .chain(std::iter::repeat('0'))
                .take(length)
                .collect();
            Some(digits)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Numbering {
        Numbering {
            first: 8000,
            last: 8003,
            sip_uri: "{number}@vc.example.com".into(),
            pin: PinPolicy::None,
            web_url: None,
        }
    }

    #[test]
    fn numbers() {
        type Row<'a> = (&'a str, Option<u64>, Vec<Vec<u64>>, Vec<u64>);
        let table: Vec<Row> = vec![
            (
                "nothing taken",
                None,
                vec![vec![], vec![]],
                vec![8000, 8000],
            ),
            (
                "lowest free in every window",
                None,
                vec![vec![8000], vec![8001]],
                vec![8002, 8002],
            ),
            (
                "the previous id is kept",
                Some(8003),
                vec![vec![8000], vec![]],
                vec![8003, 8003],
            ),
            (
                "a previous id now taken is replaced",
                Some(8000),
                vec![vec![8000], vec![]],
                vec![8001, 8001],
            ),
            (
                "a previous id out of range is replaced",
                Some(9000),
                vec![vec![]],
                vec![8000],
            ),
            (
                "no id free in all windows: each its own",
                None,
                vec![vec![8000, 8001, 8002], vec![8003, 8001, 8002]],
                vec![8003, 8000],
            ),
        ];
        for (name, previous, taken, want) in table {
            assert_eq!(assign(&plan(), previous, &taken), want, "{name}");
        }
    }

    #[test]
    fn passwords_that_cannot_be_pins() {
        let auto = PinPolicy::Auto { length: 6 };
        let table = [
            (PinPolicy::None, Some("secret"), false),
            (auto, None, false),
            (auto, Some(""), false),
            (auto, Some("4711"), false),
            (PinPolicy::Given, Some("12345678901234567890"), false),
            (auto, Some("secret"), true),
            (PinPolicy::Given, Some("12 34"), true),
            (auto, Some("123"), true),
            (auto, Some("123456789012345678901"), true),
        ];
        for (policy, password, refused) in table {
            assert_eq!(
                pin_problem(policy, password).is_some(),
                refused,
                "{policy:?} {password:?}"
            );
        }
    }

    #[test]
    fn pins() {
        let auto = PinPolicy::Auto { length: 6 };
        type Row<'a> = (
            &'a str,
            PinPolicy,
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
        );
        let table: Vec<Row> = vec![
            ("none", PinPolicy::None, Some("1234"), None, None),
            ("given", PinPolicy::Given, Some("1234"), None, Some("1234")),
            ("given but empty", PinPolicy::Given, Some(""), None, None),
            (
                "the Password is the PIN",
                auto,
                Some("1234"),
                None,
                Some("1234"),
            ),
            ("generated", auto, None, None, Some("902113")),
            (
                "generated, an empty Password",
                auto,
                Some(""),
                None,
                Some("902113"),
            ),
            ("kept", auto, None, Some("555111"), Some("555111")),
            ("length changed", auto, None, Some("5551"), Some("902113")),
        ];
        for (name, policy, password, previous, want) in table {
            assert_eq!(
                pin(policy, password, previous, "9021138842").as_deref(),
                want,
                "{name}"
            );
        }
    }
}
