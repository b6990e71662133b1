//! The command line: clap definitions shared by every face, and the headless commands.

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use futures::StreamExt as _;
use serde::Serialize;

use crate::api::client::{Client, Page, RoamOutcome};
use crate::api::error::Error;
use crate::api::model::{ClientUser, DescribeRegions, Region, RoamClientUser, SmartAccessGateway};
use crate::backend::{Backend, Face};
use crate::emulator::cli::EmulatorArgs;
pub use crate::options::{EndpointType, GlobalOpts, Output};

/// Exit statuses of the headless commands.
pub mod exit {
    pub const OK: u8 = 0;
    /// Configuration, read-only refusal, anything not below.
    pub const OTHER: u8 = 1;
    pub const USAGE: u8 = 2;
    /// The server answered with an error.
    pub const API: u8 = 3;
    /// No answer (refused, timed out, TLS), or a lost answer found `not applied`.
    pub const TRANSPORT: u8 = 4;
}

#[derive(Debug, Parser)]
#[command(
    name = "sagroam",
    version,
    about = "Browse Smart Access Gateway APP instances and roam client accounts between regions",
    long_about = "Without a subcommand, sagroam opens the terminal UI (in demo mode, against the \
                  built-in emulator, when no credentials are found or with --demo)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the regions
    Regions,
    /// List the SAG APP instances of a region
    Instances,
    /// List every client account of an SAG APP instance
    Users(UsersArgs),
    /// Roam a client account to an SAG APP instance in another region
    Roam(RoamArgs),
    /// Run the Smartag emulator as a local endpoint
    Emulator(EmulatorArgs),
}

#[derive(Debug, Args)]
pub struct UsersArgs {
    /// The SAG APP instance (its SmartAGId)
    #[arg(long, value_name = "SAG_ID")]
    pub instance: String,
}

#[derive(Debug, Args)]
pub struct RoamArgs {
    /// The client account's UserName
    pub user: String,

    /// Where the account is now
    #[arg(long, value_name = "REGION/SAG_ID")]
    pub from: String,

    /// Where to replicate it
    #[arg(long, value_name = "REGION/SAG_ID")]
    pub to: String,

    /// Print the signed request and the string to sign; send nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs one headless command and maps its outcome to an exit status.
pub fn run(global: GlobalOpts, command: Command) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sagroam: cannot start the async runtime: {e}");
            return ExitCode::from(exit::OTHER);
        }
    };
    let outcome = runtime.block_on(execute(&global, command));

    // Whatever was fetched is printed, even when a later page failed.
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(outcome.stdout.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return ExitCode::from(exit::OTHER);
    }
    for line in &outcome.stderr {
        eprintln!("sagroam: {line}");
    }
    ExitCode::from(outcome.status)
}

/// What a command printed and how it ended.
#[derive(Debug, Default)]
struct Outcome {
    stdout: String,
    stderr: Vec<String>,
    status: u8,
}

impl Outcome {
    fn failed(status: u8, message: impl Into<String>) -> Outcome {
        Outcome {
            status,
            stderr: vec![message.into()],
            ..Outcome::default()
        }
    }

    fn error(error: &Error) -> Outcome {
        Outcome::failed(exit_status(error), error.to_string())
    }
}

/// The exit status of a call that failed.
pub fn exit_status(error: &Error) -> u8 {
    match error {
        Error::Api(_)
        | Error::WrongSecret(_)
        | Error::SignatureMismatch { .. }
        | Error::ClockSkew { .. } => exit::API,
        Error::Transport { .. } => exit::TRANSPORT,
        Error::Decode { .. } | Error::Config(_) | Error::Precondition(_) => exit::OTHER,
    }
}

async fn execute(global: &GlobalOpts, command: Command) -> Outcome {
    // Usage is checked before anything starts: a bad --from must not open a connection.
    let roam = match &command {
        Command::Roam(args) => match roam_request(args) {
            Ok(roam) => Some(roam),
            Err(why) => return Outcome::failed(exit::USAGE, why),
        },
        _ => None,
    };
    if roam.is_some() && global.read_only {
        return Outcome::failed(
            exit::OTHER,
            "refusing to roam: --read-only is set; nothing was sent",
        );
    }

    let backend = match Backend::connect(global, Face::Headless).await {
        Ok(b) => b,
        Err(e) => return Outcome::failed(exit::OTHER, format!("{e:#}")),
    };
    let output = global.output;
    match (command, roam) {
        (Command::Regions, _) => regions(&backend, output).await,
        (Command::Instances, _) => {
            let pages = backend.client.instance_pages(&backend.region);
            listing(pages, output, instance_table).await
        }
        (Command::Users(args), _) => {
            let pages = backend.client.user_pages(&backend.region, &args.instance);
            listing(pages, output, user_table).await
        }
        (Command::Roam(args), Some(roam)) if args.dry_run => dry_run(&backend.client, &roam),
        (Command::Roam(_), Some(roam)) => do_roam(&backend.client, &roam, output).await,
        (Command::Roam(_), None) => Outcome::failed(exit::OTHER, "roam without its request"),
        (Command::Emulator(_), _) => {
            Outcome::failed(exit::OTHER, "the emulator is not a headless command")
        }
    }
}

/// `REGION/SAG_ID`, both parts present.
fn location(flag: &str, value: &str) -> Result<(String, String), String> {
    match value.split_once('/') {
        Some((region, id)) if !region.is_empty() && !id.is_empty() && !id.contains('/') => {
            Ok((region.to_string(), id.to_string()))
        }
        _ => Err(format!(
            "{flag} {value:?}: expected REGION/SAG_ID, e.g. cn-shanghai/sag-abc123"
        )),
    }
}

fn roam_request(args: &RoamArgs) -> Result<RoamClientUser, String> {
    let (origin_region, origin) = location("--from", &args.from)?;
    let (target_region, target) = location("--to", &args.to)?;
    if args.user.is_empty() {
        return Err("the USER to roam is empty".into());
    }
    Ok(RoamClientUser {
        region_id: target_region,
        origin_region_id: origin_region,
        origin_smart_ag_id: origin,
        target_smart_ag_id: target,
        user_name: args.user.clone(),
    })
}

async fn regions(backend: &Backend, output: Output) -> Outcome {
    let ask = DescribeRegions {
        endpoint_region: backend.region.clone(),
        ..Default::default()
    };
    match backend.client.call(&ask).await {
        Ok(answer) => Outcome {
            stdout: render(&answer.regions.region, output, region_table),
            ..Outcome::default()
        },
        Err(e) => Outcome::error(&e),
    }
}

/// Prints every row fetched; an error on a later page keeps the rows before it.
async fn listing<T: Serialize>(
    mut pages: futures::stream::BoxStream<'static, Result<Page<T>, Error>>,
    output: Output,
    table: fn(&[T]) -> Table,
) -> Outcome {
    let mut rows = Vec::new();
    let mut total = 0;
    let mut failure = None;
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => {
                total = page.total_count;
                rows.extend(page.items);
            }
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }

    let mut outcome = Outcome {
        stdout: render(&rows, output, table),
        ..Outcome::default()
    };
    if let Some(e) = failure {
        outcome.status = exit_status(&e);
        if !rows.is_empty() {
            outcome.stderr.push(format!(
                "the listing stopped after {} of {total} rows",
                rows.len()
            ));
        }
        outcome.stderr.push(e.to_string());
    }
    outcome
}

fn dry_run(client: &Client, roam: &RoamClientUser) -> Outcome {
    match client.prepare(roam) {
        Ok(p) => Outcome {
            stdout: format!(
                "{} {}\nStringToSign: {}\n",
                p.method, p.url, p.string_to_sign
            ),
            ..Outcome::default()
        },
        Err(e) => Outcome::error(&e),
    }
}

/// The row of a roam in `--output json`: the request's fields and the RequestId (null when
/// the answer was lost).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RoamRow<'a> {
    request_id: Option<&'a str>,
    region_id: &'a str,
    origin_region_id: &'a str,
    #[serde(rename = "OriginSmartAGId")]
    origin_smart_ag_id: &'a str,
    #[serde(rename = "TargetSmartAGId")]
    target_smart_ag_id: &'a str,
    user_name: &'a str,
}

async fn do_roam(client: &Client, roam: &RoamClientUser, output: Output) -> Outcome {
    let print = |request_id: Option<&str>| match output {
        Output::Json => json(&[RoamRow {
            request_id,
            region_id: &roam.region_id,
            origin_region_id: &roam.origin_region_id,
            origin_smart_ag_id: &roam.origin_smart_ag_id,
            target_smart_ag_id: &roam.target_smart_ag_id,
            user_name: &roam.user_name,
        }]),
        Output::Table => format!(
            "RequestId: {}\n",
            request_id.unwrap_or("unknown (the answer was lost)")
        ),
    };
    let target = format!("{}/{}", roam.region_id, roam.target_smart_ag_id);

    match client.roam(roam).await {
        Ok(RoamOutcome::Roamed { request_id }) => Outcome {
            stdout: print(Some(&request_id)),
            stderr: vec![format!("roamed {} to {target}", roam.user_name)],
            status: exit::OK,
        },
        Ok(RoamOutcome::LostAnswerApplied { cause }) => Outcome {
            stdout: print(None),
            stderr: vec![format!(
                "the answer of the roam was lost ({cause}); {target} was read again and \
                 {} is there: applied",
                roam.user_name
            )],
            status: exit::OK,
        },
        Ok(RoamOutcome::LostAnswerNotApplied { cause }) => Outcome::failed(
            exit::TRANSPORT,
            format!(
                "the answer of the roam was lost ({cause}); {target} was read again and \
                 {} is not there: not applied",
                roam.user_name
            ),
        ),
        Err(e) => Outcome::error(&e),
    }
}

// ---- output ------------------------------------------------------------------------------

/// Column headers (the API's field names) and the cells of each row.
struct Table {
    headers: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

fn render<T: Serialize>(rows: &[T], output: Output, table: fn(&[T]) -> Table) -> String {
    match output {
        Output::Json => json(rows),
        Output::Table => format_table(&table(rows)),
    }
}

fn json<T: Serialize + ?Sized>(rows: &T) -> String {
    // Serialising these plain structs cannot fail; an empty array is the honest fallback.
    let mut text = serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}

/// Columns padded to the widest cell as a terminal shows it; an empty cell prints `-` so
/// that every row splits into the same number of words.
fn format_table(table: &Table) -> String {
    use unicode_width::UnicodeWidthStr as _;

    let rows: Vec<Vec<&str>> = table
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| if c.is_empty() { "-" } else { c.as_str() })
                .collect()
        })
        .collect();
    let headers: Vec<&str> = table.headers.to_vec();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&headers).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(&widths).enumerate() {
            if i + 1 == widths.len() {
                line.push_str(cell);
            } else {
                let pad = w.saturating_sub(cell.width());
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn region_table(regions: &[Region]) -> Table {
    Table {
        headers: &["RegionId", "LocalName", "RegionEndpoint"],
        rows: regions
            .iter()
            .map(|r| {
                vec![
                    r.region_id.clone(),
                    r.local_name.clone(),
                    r.region_endpoint.clone(),
                ]
            })
            .collect(),
    }
}

fn instance_table(instances: &[SmartAccessGateway]) -> Table {
    Table {
        headers: &["SmartAGId", "Name", "Status", "CidrBlock", "UserCount"],
        rows: instances
            .iter()
            .map(|i| {
                vec![
                    i.smart_ag_id.clone(),
                    i.name.clone(),
                    i.status.clone(),
                    i.cidr_block.clone(),
                    i.user_count.to_string(),
                ]
            })
            .collect(),
    }
}

fn user_table(users: &[ClientUser]) -> Table {
    Table {
        headers: &[
            "UserName",
            "UserMail",
            "Bandwidth",
            "ClientIp",
            "State",
            "IsStaticIp",
        ],
        rows: users
            .iter()
            .map(|u| {
                vec![
                    u.user_name.clone(),
                    u.user_mail.clone(),
                    u.bandwidth.to_string(),
                    u.client_ip.clone(),
                    if u.enabled() { "enabled" } else { "disabled" }.to_string(),
                    if u.is_static_ip { "yes" } else { "no" }.to_string(),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_options_are_the_command_lines_defaults() {
        let parsed = Cli::try_parse_from(["sagroam"]).unwrap().global;
        assert_eq!(
            format!("{parsed:?}"),
            format!("{:?}", GlobalOpts::default())
        );
    }

    #[test]
    fn global_options_stand_after_the_subcommand_too() {
        let cli = Cli::try_parse_from([
            "sagroam",
            "users",
            "--instance",
            "sag-1",
            "--output",
            "json",
        ])
        .unwrap();
        assert_eq!(cli.global.output, Output::Json);
    }

    #[test]
    fn locations_need_a_region_and_an_id() {
        assert_eq!(
            location("--from", "cn-shanghai/sag-1").unwrap(),
            ("cn-shanghai".into(), "sag-1".into())
        );
        for bad in ["sag-1", "/sag-1", "cn-shanghai/", "a/b/c", ""] {
            assert!(location("--to", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tables_align_columns_under_api_names() {
        let t = Table {
            headers: &["UserName", "State"],
            rows: vec![
                vec!["a".into(), "enabled".into()],
                vec!["longer-name".into(), "x".into()],
            ],
        };
        assert_eq!(
            format_table(&t),
            "UserName     State\na            enabled\nlonger-name  x\n"
        );
    }

    #[test]
    fn exit_statuses_follow_the_kind_of_failure() {
        let api = crate::api::ApiError {
            code: "SAG.InstanceNoFound".into(),
            http_status: 400,
            ..Default::default()
        };
        assert_eq!(exit_status(&Error::Api(api.clone())), exit::API);
        assert_eq!(exit_status(&Error::WrongSecret(api)), exit::API);
        let transport = Error::Transport {
            kind: crate::api::TransportKind::Refused,
            endpoint: "http://127.0.0.1:1/".into(),
            detail: String::new(),
        };
        assert_eq!(exit_status(&transport), exit::TRANSPORT);
        assert_eq!(exit_status(&Error::Config("x".into())), exit::OTHER);
    }
}
