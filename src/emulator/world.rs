//! The emulator's world: regions, SAG instances, client accounts and access keys, loaded from a
//! JSON file (the demo world in `assets/demo-world.json` is compiled in), and the rules on names,
//! mails and CIDR blocks that the actions check.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::api::model::{
    ClientUser, DescribeSmartAccessGatewayAttributeResponse, Region, SmartAccessGateway,
};

/// The demo world's JSON, compiled into the binary.
pub const DEMO_WORLD_JSON: &str = include_str!("../../assets/demo-world.json");

// ---- the file ----------------------------------------------------------------------------

/// A world file as written on disk. Dates are RFC 3339 (`2025-03-14T08:00:00Z`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldFile {
    /// What the file is; free text.
    #[serde(default)]
    pub description: String,
    pub access_keys: Vec<AccessKeyFile>,
    /// `reject` (the default) or `drop`: what a roam does with an account's static IP.
    #[serde(default)]
    pub static_ip_policy: StaticIpPolicy,
    pub regions: Vec<RegionFile>,
    pub instances: Vec<InstanceFile>,
    /// (user, target) pairs whose successful roam is committed and then its answer dropped.
    #[serde(default)]
    pub lost_responses: Vec<LostResponse>,
    /// The roam cases the world was built to show, with what each must answer. The emulator
    /// itself does not read them; the tests and the README do.
    #[serde(default)]
    pub roam_cases: Vec<RoamCase>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessKeyFile {
    pub id: String,
    pub secret: String,
    /// A disabled key answers `InvalidAccessKeyId.Inactive`.
    #[serde(default = "yes")]
    pub active: bool,
    /// When not empty, the key is an STS key: every call must carry one of these tokens.
    #[serde(default)]
    pub security_tokens: Vec<SecurityTokenFile>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityTokenFile {
    pub token: String,
    /// After this instant the token answers `InvalidSecurityToken.Expired`.
    #[serde(default)]
    pub expires: Option<String>,
}

/// What a roam does with the static IP of an account (an inferred rule: see the README).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaticIpPolicy {
    /// The static IP must lie in a target CIDR and be free there, else
    /// `ClientUser.InvalidClientIp` (so an account with a static IP never roams, since the
    /// origin's and the target's CIDR blocks may not overlap).
    #[default]
    Reject,
    /// The copy in the target gets a dynamic IP.
    Drop,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionFile {
    pub id: String,
    /// Local names by language (`zh-CN`, `en-US`, `ja`); `zh-CN` is the default.
    pub local_name: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceFile {
    pub id: String,
    pub region: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub kind: InstanceKind,
    #[serde(default = "active")]
    pub status: String,
    #[serde(default = "normal")]
    pub business_state: String,
    #[serde(default)]
    pub cidr_blocks: Vec<String>,
    /// `UserCount`: how many accounts the instance may hold.
    pub user_quota: u32,
    /// An emulator-only cap on an account's bandwidth (Kbit/s) when it roams in.
    #[serde(default)]
    pub max_user_bandwidth_kbps: Option<i64>,
    #[serde(default = "five")]
    pub data_plan: i64,
    #[serde(default)]
    pub max_bandwidth: String,
    #[serde(default)]
    pub accelerate_bandwidth: i64,
    #[serde(default)]
    pub associated_ccn_id: String,
    #[serde(default)]
    pub associated_ccn_name: String,
    pub create_time: String,
    pub end_time: String,
    #[serde(default)]
    pub serial_number: String,
    #[serde(default)]
    pub hardware_version: String,
    #[serde(default)]
    pub users: Vec<UserFile>,
    /// Accounts made by rule instead of listed one by one.
    #[serde(default)]
    pub generated_users: Option<GeneratedUsers>,
}

fn active() -> String {
    "Active".into()
}

fn normal() -> String {
    "Normal".into()
}

fn five() -> i64 {
    5
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstanceKind {
    /// An SAG APP instance: the only kind that holds client accounts and roams.
    #[serde(rename = "software")]
    Software,
    #[serde(rename = "sag-1000")]
    Sag1000,
    #[serde(rename = "sag-100wm")]
    Sag100wm,
    #[serde(rename = "sag-vcpe")]
    Vcpe,
}

impl InstanceKind {
    /// `InstanceType` of `DescribeSmartAccessGatewayAttribute`.
    pub fn attribute_type(self) -> &'static str {
        match self {
            InstanceKind::Software => "sag-software",
            InstanceKind::Sag1000 => "sag-1000",
            InstanceKind::Sag100wm => "sag-100wm",
            InstanceKind::Vcpe => "sag-vcpe",
        }
    }

    /// The `InstanceType` filter of `DescribeSmartAccessGateways`: `software` or `hardware`.
    pub fn list_type(self) -> Option<&'static str> {
        match self {
            InstanceKind::Software => Some("software"),
            InstanceKind::Sag1000 | InstanceKind::Sag100wm => Some("hardware"),
            InstanceKind::Vcpe => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserFile {
    pub name: String,
    pub mail: String,
    #[serde(default = "default_bandwidth")]
    pub bandwidth: i64,
    #[serde(default)]
    pub accelerate_bandwidth: i64,
    /// 0 enabled, 1 disabled.
    #[serde(default)]
    pub state: i64,
    #[serde(default)]
    pub static_ip: Option<String>,
}

fn default_bandwidth() -> i64 {
    2000
}

/// `count` accounts named `<prefix><n>` (n from 1, zero-padded to `width` digits), mailed at
/// `<name>@<mail_domain>`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratedUsers {
    pub prefix: String,
    pub count: u32,
    #[serde(default = "four")]
    pub width: usize,
    pub mail_domain: String,
    #[serde(default = "default_bandwidth")]
    pub bandwidth: i64,
    /// Every `disabled_every`-th account is disabled (0: none).
    #[serde(default)]
    pub disabled_every: u32,
}

fn four() -> usize {
    4
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LostResponse {
    pub user: String,
    pub target: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoamCase {
    pub user: String,
    pub origin_region: String,
    pub origin: String,
    pub target_region: String,
    pub target: String,
    /// `success`, `lost` (applied, answer dropped) or an error code.
    pub expect: String,
    /// Why the case answers what it does, for the README.
    pub why: String,
}

impl WorldFile {
    pub fn demo() -> WorldFile {
        // The demo world is checked by the tests; a broken one fails them, not the operator.
        serde_json::from_str(DEMO_WORLD_JSON).unwrap_or_else(|e| {
            tracing::error!("the built-in demo world does not parse: {e}");
            WorldFile::empty()
        })
    }

    fn empty() -> WorldFile {
        WorldFile {
            description: String::new(),
            access_keys: Vec::new(),
            static_ip_policy: StaticIpPolicy::Reject,
            regions: Vec::new(),
            instances: Vec::new(),
            lost_responses: Vec::new(),
            roam_cases: Vec::new(),
        }
    }
}

// ---- the live world ----------------------------------------------------------------------

/// A password, which nothing prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<password>")
    }
}

/// One client account as the emulator keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub mail: String,
    pub password: Password,
    pub bandwidth: i64,
    pub accelerate_bandwidth: i64,
    pub state: i64,
    pub static_ip: Option<Ipv4Addr>,
}

impl User {
    pub fn to_wire(&self) -> ClientUser {
        ClientUser {
            user_name: self.name.clone(),
            user_mail: self.mail.clone(),
            bandwidth: self.bandwidth,
            client_ip: self.static_ip.map(|ip| ip.to_string()).unwrap_or_default(),
            state: self.state,
            accelerate_bandwidth: self.accelerate_bandwidth,
            is_static_ip: self.static_ip.is_some(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub network: u32,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let (ip, prefix) = s.trim().split_once('/')?;
        let ip: Ipv4Addr = ip.parse().ok()?;
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32)?;
        Some(Cidr {
            network: u32::from(ip) & mask(prefix),
            prefix,
        })
    }

    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & mask(self.prefix) == self.network
    }

    pub fn overlaps(&self, other: &Cidr) -> bool {
        let m = mask(self.prefix.min(other.prefix));
        self.network & m == other.network & m
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.network), self.prefix)
    }
}

fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix))
    }
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub id: String,
    pub region: String,
    pub name: String,
    pub description: String,
    pub kind: InstanceKind,
    pub status: String,
    pub business_state: String,
    pub cidrs: Vec<Cidr>,
    pub user_quota: u32,
    pub max_user_bandwidth_kbps: Option<i64>,
    pub data_plan: i64,
    pub max_bandwidth: String,
    pub accelerate_bandwidth: i64,
    pub associated_ccn_id: String,
    pub associated_ccn_name: String,
    pub create_time_ms: i64,
    pub end_time_ms: i64,
    pub serial_number: String,
    pub hardware_version: String,
    /// In creation order; names are unique.
    pub users: Vec<User>,
}

impl Instance {
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }

    pub fn user_mut(&mut self, name: &str) -> Option<&mut User> {
        self.users.iter_mut().find(|u| u.name == name)
    }

    pub fn cidr_block(&self) -> String {
        let blocks: Vec<String> = self.cidrs.iter().map(Cidr::to_string).collect();
        blocks.join(",")
    }

    pub fn is_software(&self) -> bool {
        self.kind == InstanceKind::Software
    }

    pub fn to_wire(&self) -> SmartAccessGateway {
        SmartAccessGateway {
            smart_ag_id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            status: self.status.clone(),
            cidr_block: self.cidr_block(),
            user_count: i64::from(self.user_quota),
            data_plan: self.data_plan,
            max_bandwidth: self.max_bandwidth.clone(),
            accelerate_bandwidth: self.accelerate_bandwidth,
            associated_ccn_id: self.associated_ccn_id.clone(),
            associated_ccn_name: self.associated_ccn_name.clone(),
            create_time: self.create_time_ms,
            end_time: self.end_time_ms,
            business_state: Some(self.business_state.clone()),
            hardware_version: self.hardware_version.clone(),
            serial_number: self.serial_number.clone(),
        }
    }

    pub fn to_attribute(&self, request_id: String) -> DescribeSmartAccessGatewayAttributeResponse {
        DescribeSmartAccessGatewayAttributeResponse {
            request_id,
            smart_ag_id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            status: self.status.clone(),
            instance_type: self.kind.attribute_type().into(),
            cidr_block: self.cidr_block(),
            user_count: i64::from(self.user_quota),
            data_plan: self.data_plan,
            max_bandwidth: self.max_bandwidth.clone(),
            accelerate_bandwidth: self.accelerate_bandwidth,
            associated_ccn_id: self.associated_ccn_id.clone(),
            associated_ccn_name: self.associated_ccn_name.clone(),
            create_time: self.create_time_ms,
            end_time: self.end_time_ms,
            business_state: Some(self.business_state.clone()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SecurityToken {
    pub token: String,
    /// Seconds since the epoch.
    pub expires: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct AccessKey {
    pub id: String,
    pub secret: String,
    pub active: bool,
    pub security_tokens: Vec<SecurityToken>,
}

#[derive(Debug, Clone)]
pub struct RegionEntry {
    pub id: String,
    pub local_name: BTreeMap<String, String>,
}

impl RegionEntry {
    /// The region as `DescribeRegions` lists it, in `language` (falling back to zh-CN).
    pub fn to_wire(&self, language: &str) -> Region {
        let name = self
            .local_name
            .get(language)
            .or_else(|| self.local_name.get("zh-CN"))
            .or_else(|| self.local_name.values().next())
            .cloned()
            .unwrap_or_default();
        Region {
            region_id: self.id.clone(),
            local_name: name,
            region_endpoint: format!("smartag.{}.aliyuncs.com", self.id),
        }
    }
}

/// The whole mutable state. One `Mutex` guards it; no lock is held across an await, and every
/// write checks everything before it changes anything, so a write is all or nothing.
#[derive(Debug, Clone)]
pub struct World {
    pub regions: Vec<RegionEntry>,
    pub instances: Vec<Instance>,
    pub keys: Vec<AccessKey>,
    pub static_ip_policy: StaticIpPolicy,
    pub lost_responses: Vec<LostResponse>,
}

impl World {
    pub fn instance(&self, region: &str, id: &str) -> Option<&Instance> {
        self.instances
            .iter()
            .find(|i| i.id == id && i.region == region)
    }

    pub fn instance_mut(&mut self, region: &str, id: &str) -> Option<&mut Instance> {
        self.instances
            .iter_mut()
            .find(|i| i.id == id && i.region == region)
    }

    pub fn instance_by_id(&self, id: &str) -> Option<&Instance> {
        self.instances.iter().find(|i| i.id == id)
    }

    pub fn has_region(&self, region: &str) -> bool {
        self.regions.iter().any(|r| r.id == region)
    }

    pub fn key(&self, id: &str) -> Option<&AccessKey> {
        self.keys.iter().find(|k| k.id == id)
    }

    pub fn is_lost_response(&self, user: &str, target: &str) -> bool {
        self.lost_responses
            .iter()
            .any(|l| l.user == user && l.target == target)
    }

    /// Builds the live world from a file, checking what the actions rely on.
    pub fn from_file(file: &WorldFile) -> Result<World, String> {
        let mut regions = Vec::new();
        for r in &file.regions {
            if regions.iter().any(|x: &RegionEntry| x.id == r.id) {
                return Err(format!("region {} is listed twice", r.id));
            }
            regions.push(RegionEntry {
                id: r.id.clone(),
                local_name: r.local_name.clone(),
            });
        }

        let mut instances: Vec<Instance> = Vec::new();
        for f in &file.instances {
            let instance = instance_from_file(f)?;
            if !regions.iter().any(|r| r.id == instance.region) {
                return Err(format!(
                    "instance {}: region {} is not in the world's regions",
                    f.id, f.region
                ));
            }
            if instances.iter().any(|i| i.id == instance.id) {
                return Err(format!("instance {} is listed twice", f.id));
            }
            instances.push(instance);
        }

        let mut keys = Vec::new();
        for k in &file.access_keys {
            let mut tokens = Vec::new();
            for t in &k.security_tokens {
                let expires = match &t.expires {
                    Some(s) => Some(parse_date(s).map_err(|e| format!("key {}: {e}", k.id))?),
                    None => None,
                };
                tokens.push(SecurityToken {
                    token: t.token.clone(),
                    expires: expires.map(|ms| ms / 1000),
                });
            }
            keys.push(AccessKey {
                id: k.id.clone(),
                secret: k.secret.clone(),
                active: k.active,
                security_tokens: tokens,
            });
        }

        Ok(World {
            regions,
            instances,
            keys,
            static_ip_policy: file.static_ip_policy,
            lost_responses: file.lost_responses.clone(),
        })
    }
}

fn instance_from_file(f: &InstanceFile) -> Result<Instance, String> {
    let at = |e: String| format!("instance {}: {e}", f.id);
    if !valid_instance_id(&f.id) {
        return Err(at(
            "an id is sag- and 18 lower-case letters or digits".into()
        ));
    }
    let mut cidrs = Vec::new();
    for c in &f.cidr_blocks {
        let cidr = Cidr::parse(c).ok_or_else(|| at(format!("{c:?} is not a CIDR block")))?;
        if cidrs.iter().any(|x: &Cidr| x.overlaps(&cidr)) {
            return Err(at(format!("{c} overlaps another block of the instance")));
        }
        cidrs.push(cidr);
    }

    let mut users: Vec<User> = Vec::new();
    for u in &f.users {
        let static_ip = match &u.static_ip {
            Some(ip) => Some(
                ip.parse::<Ipv4Addr>()
                    .map_err(|_| at(format!("user {}: {ip:?} is not an IPv4 address", u.name)))?,
            ),
            None => None,
        };
        users.push(User {
            name: u.name.clone(),
            mail: u.mail.clone(),
            password: Password(format!("Pw-{}", u.name)),
            bandwidth: u.bandwidth,
            accelerate_bandwidth: u.accelerate_bandwidth,
            state: u.state,
            static_ip,
        });
    }
    if let Some(g) = &f.generated_users {
        for n in 1..=g.count {
            let name = format!("{}{:0width$}", g.prefix, n, width = g.width);
            let disabled = g.disabled_every > 0 && n % g.disabled_every == 0;
            users.push(User {
                mail: format!("{name}@{}", g.mail_domain),
                name,
                password: Password(format!("Gen-{n:08}")),
                bandwidth: g.bandwidth,
                accelerate_bandwidth: 0,
                state: i64::from(disabled),
                static_ip: None,
            });
        }
    }
    for (i, u) in users.iter().enumerate() {
        if users[..i].iter().any(|x| x.name == u.name) {
            return Err(at(format!("user {} is listed twice", u.name)));
        }
    }
    if !users.is_empty() && f.kind != InstanceKind::Software {
        return Err(at(
            "only an SAG APP (software) instance holds accounts".into()
        ));
    }
    if users.len() > f.user_quota as usize {
        return Err(at(format!(
            "{} users exceed the quota of {}",
            users.len(),
            f.user_quota
        )));
    }

    Ok(Instance {
        id: f.id.clone(),
        region: f.region.clone(),
        name: f.name.clone(),
        description: f.description.clone(),
        kind: f.kind,
        status: f.status.clone(),
        business_state: f.business_state.clone(),
        cidrs,
        user_quota: f.user_quota,
        max_user_bandwidth_kbps: f.max_user_bandwidth_kbps,
        data_plan: f.data_plan,
        max_bandwidth: f.max_bandwidth.clone(),
        accelerate_bandwidth: f.accelerate_bandwidth,
        associated_ccn_id: f.associated_ccn_id.clone(),
        associated_ccn_name: f.associated_ccn_name.clone(),
        create_time_ms: parse_date(&f.create_time).map_err(at)?,
        end_time_ms: parse_date(&f.end_time).map_err(at)?,
        serial_number: f.serial_number.clone(),
        hardware_version: f.hardware_version.clone(),
        users,
    })
}

/// Milliseconds since the epoch of an RFC 3339 date.
fn parse_date(s: &str) -> Result<i64, String> {
    let t = OffsetDateTime::parse(s, &Rfc3339).map_err(|e| format!("date {s:?}: {e}"))?;
    Ok((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// `sag-` and 18 lower-case letters or digits, as the service names its instances.
pub fn valid_instance_id(id: &str) -> bool {
    id.strip_prefix("sag-").is_some_and(|rest| {
        rest.len() == 18
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

// ---- the rules on names ------------------------------------------------------------------

/// 7 to 33 characters of letters, digits, `_`, `@`, `.`, `-`, starting with a letter or digit.
pub fn valid_user_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (7..=33).contains(&bytes.len())
        && bytes[0].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'@' | b'.' | b'-'))
}

/// 8 to 32 characters of letters, digits, `_`, `@`, `-` (and `.` when `allow_dot`), starting
/// with a letter or digit.
pub fn valid_password(password: &str, allow_dot: bool) -> bool {
    let bytes = password.as_bytes();
    (8..=32).contains(&bytes.len())
        && bytes[0].is_ascii_alphanumeric()
        && bytes.iter().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'_' | b'@' | b'-')
                || (allow_dot && *b == b'.')
        })
}

/// `local@domain.tld`: one `@`, a local part of letters, digits and `._%+-`, a dotted domain.
pub fn valid_mail(mail: &str) -> bool {
    let Some((local, domain)) = mail.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-'));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    local_ok && domain_ok && mail.len() <= 128
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_overlap_and_containment() {
        let a = Cidr::parse("10.10.0.0/16").unwrap();
        let b = Cidr::parse("10.10.128.0/24").unwrap();
        let c = Cidr::parse("10.11.0.0/16").unwrap();
        assert!(a.overlaps(&b) && b.overlaps(&a));
        assert!(!a.overlaps(&c));
        assert!(a.contains("10.10.3.4".parse().unwrap()));
        assert!(!c.contains("10.10.3.4".parse().unwrap()));
        assert_eq!(
            Cidr::parse("10.10.1.7/16").unwrap().to_string(),
            "10.10.0.0/16"
        );
        assert!(Cidr::parse("10.10.0.0/33").is_none());
        assert!(Cidr::parse("nonsense").is_none());
    }

    #[test]
    fn name_rules() {
        assert!(valid_user_name("zhang.wei"));
        assert!(valid_user_name("a@b.c-d_e"));
        assert!(!valid_user_name("bob"));
        assert!(!valid_user_name("-leading-dash"));
        assert!(!valid_user_name("has space in it"));
        assert!(!valid_user_name(&"x".repeat(34)));
        assert!(valid_mail("zhang.wei@example.com"));
        assert!(!valid_mail("zhang.wei"));
        assert!(!valid_mail("a@b"));
        assert!(valid_password("Passw0rd_x", false));
        assert!(!valid_password("Pass.w0rd", false));
        assert!(valid_password("Pass.w0rd", true));
        assert!(!valid_password("short", true));
    }

    #[test]
    fn the_demo_world_loads_and_has_a_full_instance() {
        let world = World::from_file(&WorldFile::demo()).unwrap();
        let full = world
            .instances
            .iter()
            .find(|i| i.users.len() == 2000)
            .expect("an instance with 2,000 accounts");
        assert_eq!(full.user_quota, 2000);
        assert!(world.instances.iter().all(|i| valid_instance_id(&i.id)));
        assert!(world.instances.iter().any(|i| !i.is_software()));
    }
}
