//! One handler per action, over the world. A handler checks everything before it changes
//! anything, so a write that fails leaves the world as it was. `RoamClientUser`'s rules are a
//! table, [`ROAM_CHECKS`], run in its order.

use std::net::Ipv4Addr;

use serde_json::Value;

use super::reply::Failure;
use super::world::{valid_mail, valid_password, valid_user_name};
use super::world::{Instance, InstanceKind, Password, StaticIpPolicy, User, World};
use crate::api::model::{
    ClientUserList, CreateSmartAccessGatewayClientUserResponse, DescribeRegionsResponse,
    DescribeSmartAccessGatewayClientUsersResponse, DescribeSmartAccessGatewaysResponse, RegionList,
    RequestIdResponse, SmartAccessGatewayList,
};
use crate::api::sign::Params;

/// The actions the emulator answers; every other Smartag action answers 501.
pub const IMPLEMENTED: &[&str] = &[
    "DescribeRegions",
    "DescribeSmartAccessGateways",
    "DescribeSmartAccessGatewayAttribute",
    "DescribeSmartAccessGatewayClientUsers",
    "CreateSmartAccessGatewayClientUser",
    "ModifySmartAccessGatewayClientUser",
    "DeleteSmartAccessGatewayClientUser",
    "EnableSmartAccessGatewayUser",
    "DisableSmartAccessGatewayUser",
    "RoamClientUser",
];

/// The implemented actions that change the world.
pub const WRITES: &[&str] = &[
    "CreateSmartAccessGatewayClientUser",
    "ModifySmartAccessGatewayClientUser",
    "DeleteSmartAccessGatewayClientUser",
    "EnableSmartAccessGatewayUser",
    "DisableSmartAccessGatewayUser",
    "RoamClientUser",
];

pub fn is_write(action: &str) -> bool {
    WRITES.contains(&action)
}

/// A handled call: the answer's body, and whether the world marks it to be lost.
#[derive(Debug)]
pub struct Done {
    pub body: Value,
    pub lose_answer: bool,
}

impl Done {
    fn answer<T: serde::Serialize>(body: &T) -> Result<Done, Failure> {
        let body = serde_json::to_value(body)
            .map_err(|e| Failure::new(500, "InternalError", format!("cannot encode: {e}")))?;
        Ok(Done {
            body,
            lose_answer: false,
        })
    }
}

/// Runs `action` on the world.
pub fn dispatch(
    world: &mut World,
    action: &str,
    p: &Params,
    request_id: &str,
) -> Result<Done, Failure> {
    let rid = request_id.to_string();
    match action {
        "DescribeRegions" => describe_regions(world, p, rid),
        "DescribeSmartAccessGateways" => describe_instances(world, p, rid),
        "DescribeSmartAccessGatewayAttribute" => {
            let i = instance_index(world, p)?;
            Done::answer(&world.instances[i].to_attribute(rid))
        }
        "DescribeSmartAccessGatewayClientUsers" => describe_users(world, p, rid),
        "CreateSmartAccessGatewayClientUser" => create_user(world, p, rid),
        "ModifySmartAccessGatewayClientUser" => modify_user(world, p, rid),
        "DeleteSmartAccessGatewayClientUser" => {
            let (i, name) = existing_user(world, p)?;
            world.instances[i].users.retain(|u| u.name != name);
            Done::answer(&RequestIdResponse { request_id: rid })
        }
        "EnableSmartAccessGatewayUser" | "DisableSmartAccessGatewayUser" => {
            let (i, name) = existing_user(world, p)?;
            let state = i64::from(action == "DisableSmartAccessGatewayUser");
            if let Some(u) = world.instances[i].user_mut(&name) {
                u.state = state;
            }
            Done::answer(&RequestIdResponse { request_id: rid })
        }
        "RoamClientUser" => roam(world, p, rid),
        other => Err(Failure::new(
            501,
            "NotImplemented",
            format!("The emulator does not implement {other}."),
        )),
    }
}

// ---- parameters --------------------------------------------------------------------------

fn required<'p>(p: &'p Params, name: &str) -> Result<&'p str, Failure> {
    p.get(name)
        .map(String::as_str)
        .ok_or_else(|| Failure::missing(name))
}

/// A filter: absent and empty both mean "any".
fn filter<'p>(p: &'p Params, name: &str) -> Option<&'p str> {
    p.get(name).map(String::as_str).filter(|v| !v.is_empty())
}

fn page(p: &Params, max_size: i64) -> Result<(i64, i64), Failure> {
    let number = match p.get("PageNumber") {
        None => 1,
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| Failure::invalid_parameter("PageNumber", "an integer from 1"))?,
    };
    let size = match p.get("PageSize") {
        None => 10,
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max_size).contains(n))
            .ok_or_else(|| {
                Failure::invalid_parameter("PageSize", &format!("an integer from 1 to {max_size}"))
            })?,
    };
    Ok((number, size))
}

fn page_of<T: Clone>(items: &[T], number: i64, size: i64) -> Vec<T> {
    let start = ((number - 1).saturating_mul(size)).min(items.len() as i64) as usize;
    let end = (start + size as usize).min(items.len());
    items[start..end].to_vec()
}

fn instance_not_found() -> Failure {
    Failure::bad(
        "SAG.InstanceNoFound",
        "The specified SAG instance does not exist.",
    )
}

/// The instance named by `RegionId` and `SmartAGId`.
fn instance_index(world: &World, p: &Params) -> Result<usize, Failure> {
    let region = required(p, "RegionId")?;
    let id = required(p, "SmartAGId")?;
    if id.is_empty() {
        return Err(Failure::bad(
            "SAG.InstanceIdEmpty",
            "You must specify the SAG instance ID.",
        ));
    }
    world
        .instances
        .iter()
        .position(|i| i.id == id && i.region == region)
        .ok_or_else(instance_not_found)
}

fn name_invalid() -> Failure {
    Failure::bad(
        "ClientUser.NameInvalid",
        "The specified UserName is invalid.",
    )
}

/// The instance and the name of an account that exists in it (`UserName`).
fn existing_user(world: &World, p: &Params) -> Result<(usize, String), Failure> {
    for name in ["RegionId", "SmartAGId", "UserName"] {
        required(p, name)?;
    }
    let name = required(p, "UserName")?;
    let i = instance_index(world, p)?;
    if name.is_empty() {
        return Err(Failure::bad(
            "ClientUser.NameEmpty",
            "You must specify UserName.",
        ));
    }
    if !valid_user_name(name) {
        return Err(name_invalid());
    }
    let instance = &world.instances[i];
    if instance.user(name).is_none() {
        return Err(user_not_there_in(&instance.id));
    }
    Ok((i, name.to_string()))
}

fn bandwidth_invalid(detail: &str) -> Failure {
    Failure::bad(
        "ClientUser.BandwidthInvalid",
        format!("The specified Bandwidth is invalid: {detail}."),
    )
}

/// Kbit/s, 1 to 20000, and at most the instance's cap where it has one.
fn parse_bandwidth(value: &str, instance: &Instance) -> Result<i64, Failure> {
    let bandwidth = value
        .parse::<i64>()
        .ok()
        .filter(|b| (1..=20000).contains(b))
        .ok_or_else(|| bandwidth_invalid("an integer from 1 to 20000 Kbit/s"))?;
    bandwidth_fits(bandwidth, instance)?;
    Ok(bandwidth)
}

fn bandwidth_fits(bandwidth: i64, instance: &Instance) -> Result<(), Failure> {
    match instance.max_user_bandwidth_kbps {
        Some(cap) if bandwidth > cap => Err(bandwidth_invalid(&format!(
            "{bandwidth} Kbit/s is above the {cap} Kbit/s that {} allows an account",
            instance.id
        ))),
        _ => Ok(()),
    }
}

fn random_password() -> String {
    let b: [u8; 8] = rand::random();
    format!("Sag{}", hex::encode(b))
}

// ---- reads -------------------------------------------------------------------------------

fn describe_regions(world: &World, p: &Params, request_id: String) -> Result<Done, Failure> {
    let language = filter(p, "AcceptLanguage").unwrap_or("zh-CN");
    let region = world.regions.iter().map(|r| r.to_wire(language)).collect();
    Done::answer(&DescribeRegionsResponse {
        request_id,
        regions: RegionList { region },
    })
}

fn describe_instances(world: &World, p: &Params, request_id: String) -> Result<Done, Failure> {
    let region = required(p, "RegionId")?;
    if !world.has_region(region) {
        return Err(Failure::bad(
            "InvalidRegionId",
            format!("The specified RegionId {region} does not exist."),
        ));
    }
    let instance_type = filter(p, "InstanceType");
    if let Some(t) = instance_type {
        if t != "software" && t != "hardware" {
            return Err(Failure::invalid_parameter(
                "InstanceType",
                "software or hardware",
            ));
        }
    }
    let ids: Vec<&str> = p
        .iter()
        .filter(|(k, v)| k.starts_with("SmartAGIds.") && !v.is_empty())
        .map(|(_, v)| v.as_str())
        .collect();
    let (number, size) = page(p, 50)?;

    let matches = |i: &&Instance| {
        let eq = |name: &str, value: &str| filter(p, name).is_none_or(|f| f == value);
        i.region == region
            && instance_type.is_none_or(|t| i.kind.list_type() == Some(t))
            && (ids.is_empty() || ids.contains(&i.id.as_str()))
            && eq("SmartAGId", &i.id)
            && eq("Name", &i.name)
            && eq("Status", &i.status)
            && eq("BusinessState", &i.business_state)
            && eq("SerialNumber", &i.serial_number)
            && filter(p, "HardwareType")
                .is_none_or(|h| i.kind != InstanceKind::Software && i.kind.attribute_type() == h)
    };
    let all: Vec<_> = world
        .instances
        .iter()
        .filter(matches)
        .map(Instance::to_wire)
        .collect();
    Done::answer(&DescribeSmartAccessGatewaysResponse {
        request_id,
        total_count: all.len() as i64,
        page_number: number,
        page_size: size,
        smart_access_gateways: SmartAccessGatewayList {
            smart_access_gateway: page_of(&all, number, size),
        },
    })
}

fn describe_users(world: &World, p: &Params, request_id: String) -> Result<Done, Failure> {
    let i = instance_index(world, p)?;
    let (number, size) = page(p, 100)?;
    let name = filter(p, "UserName");
    let mail = filter(p, "UserMail");
    let all: Vec<_> = world.instances[i]
        .users
        .iter()
        .filter(|u| name.is_none_or(|n| n == u.name) && mail.is_none_or(|m| m == u.mail))
        .map(User::to_wire)
        .collect();
    Done::answer(&DescribeSmartAccessGatewayClientUsersResponse {
        request_id,
        total_count: all.len() as i64,
        page_number: number,
        page_size: size,
        users: ClientUserList {
            user: page_of(&all, number, size),
        },
    })
}

// ---- writes ------------------------------------------------------------------------------

fn create_user(world: &mut World, p: &Params, request_id: String) -> Result<Done, Failure> {
    for name in ["RegionId", "SmartAGId", "UserMail", "Bandwidth"] {
        required(p, name)?;
    }
    let mail = required(p, "UserMail")?;
    let bandwidth = required(p, "Bandwidth")?;
    let i = instance_index(world, p)?;
    let instance = &world.instances[i];

    if !instance.is_software() {
        return Err(not_support_action(&format!(
            "{} is not an SAG APP instance",
            instance.id
        )));
    }
    if mail.is_empty() {
        return Err(Failure::bad(
            "ClientUser.EmailEmpty",
            "You must specify UserEmail.",
        ));
    }
    if !valid_mail(mail) {
        return Err(Failure::bad(
            "ClientUser.EmailInvalid",
            "The format of the specified UserEmail is invalid.",
        ));
    }

    let name = filter(p, "UserName");
    let password = filter(p, "Password");
    let (name, password) = match (name, password) {
        (Some(n), Some(pw)) => (n, pw.to_string()),
        (None, None) => (mail, random_password()),
        (None, Some(_)) => {
            return Err(Failure::bad(
                "ClientUser.NameEmpty",
                "You must specify UserName: a Password goes with a UserName.",
            ))
        }
        (Some(_), None) => {
            return Err(Failure::bad(
                "ClientUser.PasswordEmpty",
                "You must specify Password: a UserName goes with a Password.",
            ))
        }
    };
    if !valid_user_name(name) {
        return Err(name_invalid());
    }
    if !valid_password(&password, false) {
        return Err(Failure::bad(
            "ClientUser.PasswordInvalid",
            "The specified Password is invalid: 8 to 32 letters, digits, _ @ -, starting \
             with a letter or digit.",
        ));
    }
    let bandwidth = parse_bandwidth(bandwidth, instance)?;
    if instance.cidrs.is_empty() {
        return Err(cidr_empty());
    }
    let static_ip = match filter(p, "ClientIp") {
        None => None,
        Some(ip) => {
            let ip: Ipv4Addr = ip.parse().map_err(|_| {
                Failure::bad("ClientUser.IpInvalid", "The specified ClientIp is invalid.")
            })?;
            if !ip_free_in(ip, instance) {
                return Err(invalid_client_ip(ip, instance));
            }
            Some(ip)
        }
    };
    if instance.user(name).is_some() {
        return Err(user_exist());
    }
    if instance.users.len() >= instance.user_quota as usize {
        return Err(over_limit(instance));
    }

    let user = User {
        name: name.to_string(),
        mail: mail.to_string(),
        password: Password(password),
        bandwidth,
        accelerate_bandwidth: 0,
        state: 0,
        static_ip,
    };
    let answer = CreateSmartAccessGatewayClientUserResponse {
        request_id,
        user_name: user.name.clone(),
        user_mail: user.mail.clone(),
        bandwidth: user.bandwidth,
        client_ip: user.to_wire().client_ip,
    };
    world.instances[i].users.push(user);
    Done::answer(&answer)
}

fn modify_user(world: &mut World, p: &Params, request_id: String) -> Result<Done, Failure> {
    let (i, name) = existing_user(world, p)?;
    let instance = &world.instances[i];
    let bandwidth = match filter(p, "Bandwidth") {
        Some(b) => Some(parse_bandwidth(b, instance)?),
        None => None,
    };
    let mail = filter(p, "Email");
    if let Some(m) = mail {
        if !valid_mail(m) {
            return Err(Failure::bad(
                "ClientUser.EmailInvalid",
                "The format of the specified UserEmail is invalid.",
            ));
        }
    }

    let Some(user) = world.instances[i].user_mut(&name) else {
        return Err(name_invalid());
    };
    if let Some(b) = bandwidth {
        user.bandwidth = b;
    }
    if let Some(m) = mail {
        user.mail = m.to_string();
    }
    let wire = user.to_wire();
    Done::answer(&CreateSmartAccessGatewayClientUserResponse {
        request_id,
        user_name: wire.user_name,
        user_mail: wire.user_mail,
        bandwidth: wire.bandwidth,
        client_ip: wire.client_ip,
    })
}

fn not_support_action(detail: &str) -> Failure {
    Failure::bad(
        "ClientUser.NotSupportAction",
        format!("You cannot create a user in the current SAG instance: {detail}."),
    )
}

fn cidr_empty() -> Failure {
    Failure::bad("SAG.CidrEmpty", "You must specify the CIDR blocks of SAG.")
}

fn user_exist() -> Failure {
    Failure::bad("ClientUser.UserExist", "The specified user already exists.")
}

fn over_limit(instance: &Instance) -> Failure {
    Failure::bad(
        "ClientUser.UserOverLimit",
        format!(
            "The maximum number of users is exceeded: {} holds {} of {} accounts.",
            instance.id,
            instance.users.len(),
            instance.user_quota
        ),
    )
}

fn invalid_client_ip(ip: Ipv4Addr, instance: &Instance) -> Failure {
    Failure::bad(
        "ClientUser.InvalidClientIp",
        format!(
            "The specified ClientIp is invalid: {ip} is not a free address in the CIDR blocks \
             of {} ({}).",
            instance.id,
            instance.cidr_block()
        ),
    )
}

/// Inside one of the instance's blocks and not the static IP of another account there.
fn ip_free_in(ip: Ipv4Addr, instance: &Instance) -> bool {
    instance.cidrs.iter().any(|c| c.contains(ip))
        && !instance.users.iter().any(|u| u.static_ip == Some(ip))
}

// ---- RoamClientUser ----------------------------------------------------------------------

/// What the roam checks look at, found once. A check whose fact is missing passes, so the
/// table's order alone decides which refusal a request gets.
pub struct RoamFacts<'w> {
    pub user_name: &'w str,
    pub origin_region: &'w str,
    pub target_region: &'w str,
    pub origin: Option<&'w Instance>,
    pub target: Option<&'w Instance>,
    /// The account in the origin.
    pub user: Option<&'w User>,
    pub static_ip_policy: StaticIpPolicy,
}

/// One rule of `RoamClientUser`: a request breaking it is refused with `code`.
pub struct RoamCheck {
    pub rule: &'static str,
    pub code: &'static str,
    pub passes: fn(&RoamFacts) -> bool,
    pub message: fn(&RoamFacts) -> String,
}

/// The twelve checks, in the order they run (an inferred order: see the README).
pub const ROAM_CHECKS: [RoamCheck; 12] = [
    RoamCheck {
        rule: "UserName is 7 to 33 letters, digits, _ @ . -, starting with a letter or digit",
        code: "ClientUser.NameInvalid",
        passes: |f| valid_user_name(f.user_name),
        message: |_| "The specified UserName is invalid.".into(),
    },
    RoamCheck {
        rule: "the origin instance exists in OriginRegionId",
        code: "SAG.InstanceNoFound",
        passes: |f| f.origin.is_some(),
        message: |f| {
            format!(
                "The specified SAG instance does not exist: no origin instance in {}.",
                f.origin_region
            )
        },
    },
    RoamCheck {
        rule: "the target instance exists in RegionId",
        code: "SAG.InstanceNoFound",
        passes: |f| f.target.is_some(),
        message: |f| {
            format!(
                "The specified SAG instance does not exist: no target instance in {}.",
                f.target_region
            )
        },
    },
    RoamCheck {
        rule: "origin and target are both SAG APP (software) instances",
        code: "ClientUser.NotSupportAction",
        passes: |f| {
            f.origin.is_none_or(Instance::is_software) && f.target.is_none_or(Instance::is_software)
        },
        message: |_| {
            "You cannot create a user in the current SAG instance: only SAG APP instances \
             hold client accounts."
                .into()
        },
    },
    RoamCheck {
        rule: "origin and target are in different regions",
        code: "ClientUser.NotSupportAction",
        passes: |f| f.origin_region != f.target_region,
        message: |_| {
            "You cannot create a user in the current SAG instance: accounts roam only to \
             another region."
                .into()
        },
    },
    RoamCheck {
        rule: "the account exists in the origin",
        code: "ClientUser.NameInvalid",
        passes: |f| f.origin.is_none() || f.user.is_some(),
        message: |f| {
            format!(
                "The specified UserName is invalid: {} is not an account of the origin instance.",
                f.user_name
            )
        },
    },
    RoamCheck {
        rule: "the target has at least one private CIDR block",
        code: "SAG.CidrEmpty",
        passes: |f| f.target.is_none_or(|t| !t.cidrs.is_empty()),
        message: |_| "You must specify the CIDR blocks of SAG.".into(),
    },
    RoamCheck {
        rule: "no CIDR block of the origin overlaps one of the target",
        code: "SAG.CidrOverlap",
        passes: |f| match (f.origin, f.target) {
            (Some(o), Some(t)) => !o
                .cidrs
                .iter()
                .any(|a| t.cidrs.iter().any(|b| a.overlaps(b))),
            _ => true,
        },
        message: |f| {
            format!(
                "The specified CIDR overlaps with an existing CIDR: origin {} and target {}.",
                f.origin.map(Instance::cidr_block).unwrap_or_default(),
                f.target.map(Instance::cidr_block).unwrap_or_default()
            )
        },
    },
    RoamCheck {
        rule: "the account is not in the target yet",
        code: "ClientUser.UserExist",
        passes: |f| f.target.is_none_or(|t| t.user(f.user_name).is_none()),
        message: |_| "The specified user already exists.".into(),
    },
    RoamCheck {
        rule: "the target holds fewer accounts than its quota (UserCount)",
        code: "ClientUser.UserOverLimit",
        passes: |f| {
            f.target
                .is_none_or(|t| t.users.len() < t.user_quota as usize)
        },
        message: |f| match f.target {
            Some(t) => over_limit(t).message,
            None => "The maximum number of users is exceeded.".into(),
        },
    },
    RoamCheck {
        rule: "the account's bandwidth is 1 to 20000 Kbit/s and within the target's cap",
        code: "ClientUser.BandwidthInvalid",
        passes: |f| match (f.user, f.target) {
            (Some(u), Some(t)) => {
                (1..=20000).contains(&u.bandwidth) && bandwidth_fits(u.bandwidth, t).is_ok()
            }
            _ => true,
        },
        message: |f| match (f.user, f.target) {
            (Some(u), Some(t)) => match bandwidth_fits(u.bandwidth, t) {
                Err(e) => e.message,
                Ok(()) => bandwidth_invalid("outside 1 to 20000 Kbit/s").message,
            },
            _ => "The specified Bandwidth is invalid.".into(),
        },
    },
    RoamCheck {
        rule: "a static IP of the account is a free address in a target CIDR block \
               (unless static_ip_policy is drop)",
        code: "ClientUser.InvalidClientIp",
        passes: |f| match (f.user.and_then(|u| u.static_ip), f.target) {
            (Some(ip), Some(t)) => f.static_ip_policy == StaticIpPolicy::Drop || ip_free_in(ip, t),
            _ => true,
        },
        message: |f| match (f.user.and_then(|u| u.static_ip), f.target) {
            (Some(ip), Some(t)) => invalid_client_ip(ip, t).message,
            _ => "The specified ClientIp is invalid.".into(),
        },
    },
];

fn roam(world: &mut World, p: &Params, request_id: String) -> Result<Done, Failure> {
    let target_region = required(p, "RegionId")?;
    let origin_region = required(p, "OriginRegionId")?;
    let origin_id = required(p, "OriginSmartAGId")?;
    let target_id = required(p, "TargetSmartAGId")?;
    let user_name = required(p, "UserName")?;

    let origin = world.instance(origin_region, origin_id);
    let facts = RoamFacts {
        user_name,
        origin_region,
        target_region,
        origin,
        target: world.instance(target_region, target_id),
        user: origin.and_then(|o| o.user(user_name)),
        static_ip_policy: world.static_ip_policy,
    };
    if let Some(broken) = ROAM_CHECKS.iter().find(|c| !(c.passes)(&facts)) {
        return Err(Failure::bad(broken.code, (broken.message)(&facts)));
    }
    let Some(user) = facts.user else {
        return Err(user_not_there_in(origin_id));
    };

    // The copy keeps name, mail, password, bandwidth and state; sessions are not copied.
    let mut copy = user.clone();
    if world.static_ip_policy == StaticIpPolicy::Drop {
        copy.static_ip = None;
    }
    let lose_answer = world.is_lost_response(user_name, target_id);
    let Some(target) = world.instance_mut(target_region, target_id) else {
        return Err(instance_not_found());
    };
    target.users.push(copy);
    let mut done = Done::answer(&RequestIdResponse { request_id })?;
    done.lose_answer = lose_answer;
    Ok(done)
}

fn user_not_there_in(instance_id: &str) -> Failure {
    Failure::bad(
        "ClientUser.NameInvalid",
        format!("The specified UserName is invalid: there is no such account in {instance_id}."),
    )
}
