//! The roam dialog and its preflight.
//!
//! The dialog holds the roam as data until the operator presses Roam: origin (filled in from
//! the selection), target region and target instance (chosen in the dialog). It opens with
//! Cancel focused, so no single key press sends a write.
//!
//! The preflight evaluates the twelve checks of RoamClientUser (smartag-api.md §11.5) and three
//! more (target status, overdue payment, expiry), each from what the API returned: the
//! instance lists, the origin's user list, and the target's user list read when a target is
//! chosen. A check whose facts have not arrived is `Unknown`, never guessed. Roam stays
//! available when a check fails: the server decides, the preflight only warns.
//!
//! Known limits of what the listings tell: a target's own cap on per-user bandwidth is in no
//! listing, so check 11 tests only the documented 1-20000 Kbit/s range and a roam into a
//! capped instance can pass the preflight and still fail with `ClientUser.BandwidthInvalid`.
//! The list items carry no instance type, so check 4 takes an instance with a serial number
//! or a hardware version for hardware; SAG APP listings (`InstanceType=software`) hold none.
//! No error code is documented for a target that is not Active, overdue or expired; those
//! three checks show none.

use std::net::Ipv4Addr;

use crate::api::model::{ClientUser, Region, SmartAccessGateway};
use crate::app::list::{List, Load};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    TargetRegion,
    TargetInstance,
    Cancel,
    Roam,
}

/// Tab order. The dialog opens on Cancel.
pub const FIELDS: [Field; 4] = [
    Field::TargetRegion,
    Field::TargetInstance,
    Field::Cancel,
    Field::Roam,
];

/// The users of the chosen target instance, read for the preflight.
#[derive(Default)]
pub struct TargetUsers {
    pub instance: String,
    pub request: u64,
    pub users: Vec<ClientUser>,
    pub total: Option<u64>,
    pub load: Load,
    pub error: Option<String>,
}

pub struct RoamDialog {
    pub origin_region: String,
    pub origin_instance: SmartAccessGateway,
    pub user: ClientUser,
    /// Every region but the origin's.
    pub target_regions: Vec<Region>,
    pub region_cursor: usize,
    pub target_instances: List<SmartAccessGateway>,
    pub target_users: TargetUsers,
    pub focus: Field,
    /// Why Enter on Roam did nothing.
    pub message: Option<String>,
}

impl RoamDialog {
    pub fn new(
        origin_region: String,
        origin_instance: SmartAccessGateway,
        user: ClientUser,
        regions: &[Region],
    ) -> RoamDialog {
        let target_regions = regions
            .iter()
            .filter(|r| r.region_id != origin_region)
            .cloned()
            .collect();
        RoamDialog {
            origin_region,
            origin_instance,
            user,
            target_regions,
            region_cursor: 0,
            target_instances: List::default(),
            target_users: TargetUsers::default(),
            focus: Field::Cancel,
            message: None,
        }
    }

    pub fn target_region(&self) -> Option<&Region> {
        self.target_regions.get(self.region_cursor)
    }

    pub fn target_instance(&self) -> Option<&SmartAccessGateway> {
        self.target_instances.selected()
    }

    pub fn focus_next(&mut self, forward: bool) {
        let at = FIELDS.iter().position(|f| *f == self.focus).unwrap_or(2);
        let n = FIELDS.len();
        self.focus = FIELDS[if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        }];
    }

    /// What must be chosen before Roam can be sent; `None` when the roam is complete.
    pub fn validate(&self) -> Option<String> {
        if self.target_region().is_none() {
            return Some("there is no other region to roam to".into());
        }
        if self.target_instance().is_none() {
            return Some(match self.target_instances.load {
                Load::Loading | Load::Idle => {
                    "the target region's instances are still loading".into()
                }
                Load::Failed => "the target region's instances could not be listed".into(),
                Load::Complete => "the target region has no SAG APP instance".into(),
            });
        }
        None
    }
}

// ---- the preflight ---------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// 1 to 12 for the checks of §11.5; `None` for target status, payment and expiry.
    pub number: Option<u8>,
    pub title: &'static str,
    pub verdict: Verdict,
    /// The error code the server answers when this check fails; empty where none is
    /// documented.
    pub code: &'static str,
    /// What the verdict rests on.
    pub detail: String,
}

/// Something the preflight looked for in a listing.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<T> {
    Found(T),
    /// The listing is complete and does not hold it.
    Missing,
    /// The listing has not arrived (or failed).
    Unknown,
}

/// The target instance's accounts, as far as they are known.
#[derive(Debug, Clone, Copy)]
pub struct TargetAccounts<'a> {
    pub users: &'a [ClientUser],
    /// `TotalCount` of the listing.
    pub total: u64,
}

/// What the API returned that the checks rest on.
pub struct Facts<'a> {
    pub user_name: &'a str,
    /// The account as listed when the dialog opened.
    pub user: &'a ClientUser,
    /// The origin instance as listed when the dialog opened.
    pub origin: &'a SmartAccessGateway,
    pub origin_region: &'a str,
    /// Whether the origin's latest listing still holds the origin instance.
    pub origin_instance: Lookup<&'a SmartAccessGateway>,
    /// Whether the origin's latest user listing still holds the account.
    pub origin_user: Lookup<&'a ClientUser>,
    pub target_region: &'a str,
    pub target_instance: Lookup<&'a SmartAccessGateway>,
    /// `None` while the target's users are being read.
    pub target_accounts: Option<TargetAccounts<'a>>,
    pub now_ms: i64,
}

/// 7 to 33 characters of letters, digits, `_ @ . -`, the first a letter or a digit.
pub fn user_name_valid(name: &str) -> bool {
    let n = name.chars().count();
    let mut chars = name.chars();
    (7..=33).contains(&n)
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_@.-".contains(c))
}

/// An IPv4 CIDR block as (network, prefix length).
pub fn parse_cidr(text: &str) -> Option<(u32, u8)> {
    let (addr, len) = text.trim().split_once('/')?;
    let addr: Ipv4Addr = addr.trim().parse().ok()?;
    let len: u8 = len.trim().parse().ok()?;
    if len > 32 {
        return None;
    }
    Some((u32::from(addr) & mask(len), len))
}

fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - len)
    }
}

fn overlaps(a: (u32, u8), b: (u32, u8)) -> bool {
    let m = mask(a.1.min(b.1));
    a.0 & m == b.0 & m
}

fn contains(block: (u32, u8), ip: Ipv4Addr) -> bool {
    u32::from(ip) & mask(block.1) == block.0
}

/// The CIDR blocks of an instance, or the text that did not parse.
fn blocks(instance: &SmartAccessGateway) -> Result<Vec<(u32, u8)>, String> {
    instance
        .cidr_blocks()
        .into_iter()
        .map(|b| parse_cidr(b).ok_or_else(|| b.to_string()))
        .collect()
}

/// An SAG APP instance as the listing shows it: hardware instances carry a serial number or
/// a hardware version, SAG APP instances neither.
pub fn is_sag_app(instance: &SmartAccessGateway) -> bool {
    instance.hardware_version.is_empty() && instance.serial_number.is_empty()
}

fn check(
    number: Option<u8>,
    title: &'static str,
    code: &'static str,
    verdict: Verdict,
    detail: impl Into<String>,
) -> Check {
    Check {
        number,
        title,
        verdict,
        code,
        detail: detail.into(),
    }
}

/// Every check, in the order of §11.5, then target status, payment and expiry.
pub fn preflight(f: &Facts) -> Vec<Check> {
    use Verdict::*;
    let mut out = Vec::with_capacity(15);

    // 1
    out.push(if user_name_valid(f.user_name) {
        check(
            Some(1),
            "user name syntax",
            "ClientUser.NameInvalid",
            Passed,
            "7-33 allowed characters",
        )
    } else {
        check(
            Some(1),
            "user name syntax",
            "ClientUser.NameInvalid",
            Failed,
            format!(
                "{:?} is not 7-33 of A-Z a-z 0-9 _ @ . - starting alphanumeric",
                f.user_name
            ),
        )
    });

    // 2, 3
    let exists = |n, title, lookup: Lookup<&SmartAccessGateway>, region: &str| match lookup {
        Lookup::Found(i) => check(
            Some(n),
            title,
            "SAG.InstanceNoFound",
            Passed,
            format!("{} listed in {region}", i.smart_ag_id),
        ),
        Lookup::Missing => check(
            Some(n),
            title,
            "SAG.InstanceNoFound",
            Failed,
            format!("not listed in {region}"),
        ),
        Lookup::Unknown => check(
            Some(n),
            title,
            "SAG.InstanceNoFound",
            Unknown,
            format!("{region} not listed yet"),
        ),
    };
    out.push(exists(
        2,
        "origin instance exists",
        f.origin_instance,
        f.origin_region,
    ));
    out.push(exists(
        3,
        "target instance exists",
        f.target_instance,
        f.target_region,
    ));

    // The latest listing where it has the instance or the account, else what was listed
    // when the dialog opened.
    let origin = match f.origin_instance {
        Lookup::Found(o) => o,
        _ => f.origin,
    };
    let user = match f.origin_user {
        Lookup::Found(u) => Some(u),
        _ => Some(f.user),
    };
    let target = match f.target_instance {
        Lookup::Found(t) => Some(t),
        _ => None,
    };

    // 4
    let kinds = [Some(origin), target];
    let hardware: Vec<&str> = kinds
        .iter()
        .flatten()
        .filter(|i| !is_sag_app(i))
        .map(|i| i.smart_ag_id.as_str())
        .collect();
    let all_found = target.is_some();
    out.push(if !hardware.is_empty() {
        check(
            Some(4),
            "both are SAG APP instances",
            "ClientUser.NotSupportAction",
            Failed,
            format!("{} is a hardware instance", hardware.join(", ")),
        )
    } else if all_found {
        check(
            Some(4),
            "both are SAG APP instances",
            "ClientUser.NotSupportAction",
            Passed,
            "both listed as SAG APP",
        )
    } else {
        check(
            Some(4),
            "both are SAG APP instances",
            "ClientUser.NotSupportAction",
            Unknown,
            "an instance is not listed yet",
        )
    });

    // 5
    out.push(if f.origin_region != f.target_region {
        check(
            Some(5),
            "target in another region",
            "ClientUser.NotSupportAction",
            Passed,
            format!("{} -> {}", f.origin_region, f.target_region),
        )
    } else {
        check(
            Some(5),
            "target in another region",
            "ClientUser.NotSupportAction",
            Failed,
            format!("both in {}", f.origin_region),
        )
    });

    // 6
    out.push(match f.origin_user {
        Lookup::Found(_) => check(
            Some(6),
            "user exists in origin",
            "ClientUser.NameInvalid",
            Passed,
            "listed in the origin",
        ),
        Lookup::Missing => check(
            Some(6),
            "user exists in origin",
            "ClientUser.NameInvalid",
            Failed,
            "not in the origin's user list",
        ),
        Lookup::Unknown => check(
            Some(6),
            "user exists in origin",
            "ClientUser.NameInvalid",
            Unknown,
            "origin users not listed yet",
        ),
    });

    // 7, 8
    out.push(match target {
        Some(t) if t.cidr_blocks().is_empty() => check(
            Some(7),
            "target has a CIDR block",
            "SAG.CidrEmpty",
            Failed,
            "the target lists no CIDR block",
        ),
        Some(t) => check(
            Some(7),
            "target has a CIDR block",
            "SAG.CidrEmpty",
            Passed,
            t.cidr_block.clone(),
        ),
        None => check(
            Some(7),
            "target has a CIDR block",
            "SAG.CidrEmpty",
            Unknown,
            "target not listed yet",
        ),
    });
    let target_blocks = target.map(blocks);
    out.push(
        match (Some(blocks(origin)).as_ref(), target_blocks.as_ref()) {
            (Some(Ok(o)), Some(Ok(t))) => {
                let clash = o.iter().any(|a| t.iter().any(|b| overlaps(*a, *b)));
                if clash {
                    check(
                        Some(8),
                        "CIDR blocks do not overlap",
                        "SAG.CidrOverlap",
                        Failed,
                        format!(
                            "{} overlaps {}",
                            origin.cidr_block.as_str(),
                            target.map(|t| t.cidr_block.as_str()).unwrap_or("")
                        ),
                    )
                } else {
                    check(
                        Some(8),
                        "CIDR blocks do not overlap",
                        "SAG.CidrOverlap",
                        Passed,
                        "disjoint",
                    )
                }
            }
            (Some(Err(bad)), _) | (_, Some(Err(bad))) => check(
                Some(8),
                "CIDR blocks do not overlap",
                "SAG.CidrOverlap",
                Unknown,
                format!("cannot read {bad:?}"),
            ),
            _ => check(
                Some(8),
                "CIDR blocks do not overlap",
                "SAG.CidrOverlap",
                Unknown,
                "an instance is not listed yet",
            ),
        },
    );

    // 9, 10
    out.push(match f.target_accounts {
        Some(a) if a.users.iter().any(|u| u.user_name == f.user_name) => check(
            Some(9),
            "user not yet in target",
            "ClientUser.UserExist",
            Failed,
            format!("{} is already there", f.user_name),
        ),
        Some(a) if (a.users.len() as u64) < a.total => check(
            Some(9),
            "user not yet in target",
            "ClientUser.UserExist",
            Unknown,
            "target users partly read",
        ),
        Some(_) => check(
            Some(9),
            "user not yet in target",
            "ClientUser.UserExist",
            Passed,
            "not among the target's users",
        ),
        None => check(
            Some(9),
            "user not yet in target",
            "ClientUser.UserExist",
            Unknown,
            "reading the target's users",
        ),
    });
    out.push(match (f.target_accounts, target) {
        (Some(_), Some(t)) if t.user_count <= 0 => check(
            Some(10),
            "target has room",
            "ClientUser.UserOverLimit",
            Unknown,
            "the target lists no quota",
        ),
        (Some(a), Some(t)) if a.total >= t.user_count as u64 => check(
            Some(10),
            "target has room",
            "ClientUser.UserOverLimit",
            Failed,
            format!("{}/{} accounts used", a.total, t.user_count),
        ),
        (Some(a), Some(t)) => check(
            Some(10),
            "target has room",
            "ClientUser.UserOverLimit",
            Passed,
            format!("{}/{} accounts used", a.total, t.user_count),
        ),
        _ => check(
            Some(10),
            "target has room",
            "ClientUser.UserOverLimit",
            Unknown,
            "reading the target's users",
        ),
    });

    // 11
    out.push(match user {
        Some(u) if (1..=20_000).contains(&u.bandwidth) => check(
            Some(11),
            "bandwidth 1-20000 Kbit/s",
            "ClientUser.BandwidthInvalid",
            Passed,
            format!("{} Kbit/s", u.bandwidth),
        ),
        Some(u) => check(
            Some(11),
            "bandwidth 1-20000 Kbit/s",
            "ClientUser.BandwidthInvalid",
            Failed,
            format!("{} Kbit/s", u.bandwidth),
        ),
        None => check(
            Some(11),
            "bandwidth 1-20000 Kbit/s",
            "ClientUser.BandwidthInvalid",
            Unknown,
            "user not listed",
        ),
    });

    // 12
    out.push(match user {
        Some(u) if !u.is_static_ip => check(
            Some(12),
            "static IP fits the target",
            "ClientUser.InvalidClientIp",
            Passed,
            "no static IP",
        ),
        Some(u) => match (u.client_ip.parse::<Ipv4Addr>(), &target_blocks) {
            (Err(_), _) => check(
                Some(12),
                "static IP fits the target",
                "ClientUser.InvalidClientIp",
                Failed,
                format!("static IP {:?} is not IPv4", u.client_ip),
            ),
            (Ok(ip), Some(Ok(t))) if !t.iter().any(|b| contains(*b, ip)) => check(
                Some(12),
                "static IP fits the target",
                "ClientUser.InvalidClientIp",
                Failed,
                format!("{ip} is outside the target's CIDR"),
            ),
            (Ok(ip), Some(Ok(_))) => match f.target_accounts {
                Some(a) if a.users.iter().any(|o| o.client_ip == u.client_ip) => check(
                    Some(12),
                    "static IP fits the target",
                    "ClientUser.InvalidClientIp",
                    Failed,
                    format!("{ip} is used in the target"),
                ),
                Some(_) => check(
                    Some(12),
                    "static IP fits the target",
                    "ClientUser.InvalidClientIp",
                    Passed,
                    format!("{ip} fits and is free"),
                ),
                None => check(
                    Some(12),
                    "static IP fits the target",
                    "ClientUser.InvalidClientIp",
                    Unknown,
                    "reading the target's users",
                ),
            },
            _ => check(
                Some(12),
                "static IP fits the target",
                "ClientUser.InvalidClientIp",
                Unknown,
                "target CIDR not known",
            ),
        },
        None => check(
            Some(12),
            "static IP fits the target",
            "ClientUser.InvalidClientIp",
            Unknown,
            "user not listed",
        ),
    });

    // target status, payment, expiry: no error code is documented for these.
    out.push(match target {
        Some(t) if t.status.eq_ignore_ascii_case("Active") => {
            check(None, "target is Active", "", Passed, "Active")
        }
        Some(t) if t.status.is_empty() => {
            check(None, "target is Active", "", Unknown, "no status listed")
        }
        Some(t) => check(None, "target is Active", "", Failed, t.status.clone()),
        None => check(
            None,
            "target is Active",
            "",
            Unknown,
            "target not listed yet",
        ),
    });
    out.push(match target {
        Some(t)
            if t.status.eq_ignore_ascii_case("Arrearage")
                || t.business_state
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case("Arrearage")) =>
        {
            check(
                None,
                "target paid up",
                "",
                Failed,
                "overdue payment (Arrearage)",
            )
        }
        Some(t) if t.business_state.is_some() => check(
            None,
            "target paid up",
            "",
            Passed,
            t.business_state.clone().unwrap_or_default(),
        ),
        Some(_) => check(
            None,
            "target paid up",
            "",
            Unknown,
            "no BusinessState listed",
        ),
        None => check(None, "target paid up", "", Unknown, "target not listed yet"),
    });
    out.push(match target {
        Some(t) if t.end_time <= 0 => {
            check(None, "target not expired", "", Unknown, "no EndTime listed")
        }
        Some(t) if t.end_time <= f.now_ms => check(
            None,
            "target not expired",
            "",
            Failed,
            format!("expired {}", date(t.end_time)),
        ),
        Some(t) => check(
            None,
            "target not expired",
            "",
            Passed,
            format!("until {}", date(t.end_time)),
        ),
        None => check(
            None,
            "target not expired",
            "",
            Unknown,
            "target not listed yet",
        ),
    });

    out
}

/// `YYYY-MM-DD` (UTC) of a millisecond timestamp.
fn date(ms: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) {
        Ok(t) => format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
        Err(_) => ms.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_name_rule() {
        assert!(user_name_valid("alice01"));
        assert!(user_name_valid("a.b-c_d@e"));
        assert!(!user_name_valid("short"));
        assert!(!user_name_valid("_leading1"));
        assert!(!user_name_valid("has space1"));
        assert!(!user_name_valid(&"x".repeat(34)));
    }

    #[test]
    fn cidr_overlap() {
        let a = parse_cidr("10.0.0.0/16").unwrap();
        let b = parse_cidr("10.0.5.0/24").unwrap();
        let c = parse_cidr("10.1.0.0/16").unwrap();
        assert!(overlaps(a, b));
        assert!(!overlaps(a, c));
        assert!(contains(b, "10.0.5.7".parse().unwrap()));
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
    }
}
