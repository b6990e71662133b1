//! The options every face understands (`--region`, `--endpoint`, `--read-only`, ...), parsed by
//! clap in `cli` and read by `backend` and `tui`. A leaf: it imports nothing of the crate, so
//! the faces share it without importing each other.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Options every face understands; they may stand before or after the subcommand.
/// `Default` gives what the command line gives with no options at all.
#[derive(Debug, Clone, Args)]
pub struct GlobalOpts {
    /// Profile of ~/.aliyun/config.json to use (wins over the environment)
    #[arg(long, global = true)]
    pub profile: Option<String>,

    /// Region to work in (default: ALIBABA_CLOUD_REGION_ID, then the profile's region_id)
    #[arg(long, global = true, value_name = "ID")]
    pub region: Option<String>,

    /// Send every call to this URL instead of the regional endpoints (e.g. a running emulator)
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,

    /// Which regional endpoints to call
    #[arg(long, global = true, value_enum, default_value_t = EndpointType::Public)]
    pub endpoint_type: EndpointType,

    /// Read timeout of one request, in seconds
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,

    /// Refuse every mutating action (roam); nothing is sent
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Run against the built-in emulator and its demo world instead of Alibaba Cloud (with
    /// --endpoint: the demo key against that URL, e.g. a running `sagroam emulator`)
    #[arg(long, global = true)]
    pub demo: bool,

    /// Output format of the headless commands
    #[arg(long, global = true, value_enum, default_value_t = Output::Table)]
    pub output: Output,

    /// Write the log here instead of the XDG state directory
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Base delay of the retry backoff for reads, in milliseconds (tests set it low)
    #[arg(
        long,
        global = true,
        value_name = "MS",
        default_value_t = 200,
        hide = true
    )]
    pub retry_base_ms: u64,

    /// How many pages of a long list are fetched at once
    #[arg(
        long,
        global = true,
        value_name = "N",
        default_value_t = 4,
        hide = true
    )]
    pub page_concurrency: usize,

    /// For the exit-path tests only: F12 in the TUI panics
    #[arg(long, global = true, hide = true)]
    pub test_panic_key: bool,

    /// For the exit-path tests only: F12 in the TUI ends it with an error
    #[arg(long, global = true, hide = true)]
    pub test_error_key: bool,
}

impl Default for GlobalOpts {
    fn default() -> Self {
        GlobalOpts {
            profile: None,
            region: None,
            endpoint: None,
            endpoint_type: EndpointType::Public,
            timeout: 10.0,
            read_only: false,
            demo: false,
            output: Output::Table,
            log_file: None,
            retry_base_ms: 200,
            page_concurrency: 4,
            test_panic_key: false,
            test_error_key: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum EndpointType {
    /// smartag.<region>.aliyuncs.com
    #[default]
    Public,
    /// smartag-vpc.<region>.aliyuncs.com
    Vpc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Output {
    #[default]
    Table,
    Json,
}
