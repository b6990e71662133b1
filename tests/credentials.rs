//! The credential chain, run on a temporary HOME and an environment map: each source, their
//! order, --profile over the environment, STS, unsupported modes, malformed files; and the
//! backend's choice between them and demo mode.

use std::collections::HashMap;
use std::path::Path;

use sagroam::api::credentials::{resolve, CredentialError, CredentialSource, Resolved};
use sagroam::backend::{Backend, Face};
use sagroam::cli::GlobalOpts;

struct World {
    home: tempfile::TempDir,
    env: HashMap<String, String>,
}

impl World {
    fn new() -> World {
        let home = tempfile::tempdir().unwrap();
        let mut env = HashMap::new();
        env.insert("HOME".to_string(), home.path().display().to_string());
        World { home, env }
    }

    fn set(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.insert(key.into(), value.into());
        self
    }

    fn unset(&mut self, key: &str) -> &mut Self {
        self.env.remove(key);
        self
    }

    fn write(&self, relative: &str, text: &str) -> String {
        let path = self.home.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    fn cli_config(&self, text: &str) -> String {
        self.write(".aliyun/config.json", text)
    }

    fn ini(&self, text: &str) -> String {
        self.write(".alibabacloud/credentials", text)
    }

    fn resolve(&self, profile: Option<&str>) -> Result<Resolved, CredentialError> {
        let env = self.env.clone();
        resolve(&move |k: &str| env.get(k).cloned(), profile)
    }

    fn with_env_keys(&mut self) -> &mut Self {
        self.set("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenvKeyId")
            .set("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret-value")
    }
}

const TWO_PROFILES: &str = r#"{
  "current": "work",
  "profiles": [
    {"name": "work", "mode": "AK", "access_key_id": "LTAIworkKeyId",
     "access_key_secret": "work-secret-value", "sts_token": "", "region_id": "cn-hangzhou",
     "output_format": "json", "language": "en", "read_timeout": 0, "retry_count": 0},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.keyId",
     "access_key_secret": "sts-secret-value", "sts_token": "sts-token-value",
     "region_id": "ap-southeast-1"}
  ],
  "meta_path": ""
}"#;

const INI: &str = "# written by hand\n[default]\ntype = access_key  # the only supported type\n\
                   access_key_id = LTAIiniKeyId\naccess_key_secret = ini-secret-value\n\n\
                   [project1]\ntype = ecs_ram_role\nrole_name = EcsRamRoleTest\n";

#[test]
fn the_environment_alone() {
    let mut w = World::new();
    w.with_env_keys();
    let r = w.resolve(None).unwrap();
    assert_eq!(r.credentials.source, CredentialSource::Environment);
    assert_eq!(r.credentials.access_key_id, "LTAIenvKeyId");
    assert_eq!(r.credentials.access_key_secret.expose(), "env-secret-value");
    assert!(r.credentials.security_token.is_none());
    assert_eq!(r.region, None);
}

#[test]
fn the_environment_with_an_sts_token_and_a_region() {
    let mut w = World::new();
    w.with_env_keys()
        .set("ALIBABA_CLOUD_SECURITY_TOKEN", "env-sts-token")
        .set("ALIBABA_CLOUD_REGION_ID", "eu-central-1");
    let r = w.resolve(None).unwrap();
    assert_eq!(
        r.credentials.security_token.as_ref().map(|t| t.expose()),
        Some("env-sts-token")
    );
    assert_eq!(r.region.as_deref(), Some("eu-central-1"));
}

#[test]
fn half_a_key_in_the_environment_is_an_error() {
    let mut w = World::new();
    w.set("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenvKeyId");
    let e = w.resolve(None).unwrap_err();
    assert!(
        e.to_string().contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
        "{e}"
    );
}

#[test]
fn the_cli_config_current_profile() {
    let w = World::new();
    let path = w.cli_config(TWO_PROFILES);
    let r = w.resolve(None).unwrap();
    assert_eq!(
        r.credentials.source,
        CredentialSource::CliProfile {
            path,
            profile: "work".into()
        }
    );
    assert_eq!(r.credentials.access_key_id, "LTAIworkKeyId");
    assert_eq!(r.region.as_deref(), Some("cn-hangzhou"));
}

#[test]
fn the_cli_config_profile_named_in_the_environment_with_sts() {
    let mut w = World::new();
    w.cli_config(TWO_PROFILES);
    w.set("ALIBABA_CLOUD_PROFILE", "sts");
    let r = w.resolve(None).unwrap();
    assert_eq!(r.credentials.access_key_id, "STS.keyId");
    assert_eq!(
        r.credentials.security_token.as_ref().map(|t| t.expose()),
        Some("sts-token-value")
    );
    assert_eq!(r.region.as_deref(), Some("ap-southeast-1"));
}

#[test]
fn the_environment_region_wins_over_the_profile_region() {
    let mut w = World::new();
    w.cli_config(TWO_PROFILES);
    w.set("ALIBABA_CLOUD_REGION_ID", "cn-shanghai");
    assert_eq!(
        w.resolve(None).unwrap().region.as_deref(),
        Some("cn-shanghai")
    );
}

#[test]
fn the_ini_file_default_section() {
    let w = World::new();
    let path = w.ini(INI);
    let r = w.resolve(None).unwrap();
    assert_eq!(
        r.credentials.source,
        CredentialSource::IniFile {
            path,
            section: "default".into()
        }
    );
    assert_eq!(r.credentials.access_key_secret.expose(), "ini-secret-value");
}

#[test]
fn the_ini_file_path_from_the_environment() {
    let mut w = World::new();
    let path = w.write("elsewhere/creds.ini", INI);
    w.set("ALIBABA_CLOUD_CREDENTIALS_FILE", &path);
    let r = w.resolve(None).unwrap();
    assert_eq!(r.credentials.access_key_id, "LTAIiniKeyId");

    w.set("ALIBABA_CLOUD_CREDENTIALS_FILE", "/nonexistent/creds");
    let e = w.resolve(None).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/creds"), "{e}");
}

#[test]
fn the_order_is_environment_then_cli_config_then_ini() {
    let mut w = World::new();
    w.cli_config(TWO_PROFILES);
    w.ini(INI);
    w.with_env_keys();
    assert_eq!(
        w.resolve(None).unwrap().credentials.access_key_id,
        "LTAIenvKeyId"
    );

    w.unset("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .unset("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    assert_eq!(
        w.resolve(None).unwrap().credentials.access_key_id,
        "LTAIworkKeyId"
    );

    std::fs::remove_file(w.home.path().join(".aliyun/config.json")).unwrap();
    assert_eq!(
        w.resolve(None).unwrap().credentials.access_key_id,
        "LTAIiniKeyId"
    );
}

#[test]
fn an_explicit_profile_wins_over_the_environment() {
    let mut w = World::new();
    w.cli_config(TWO_PROFILES);
    w.with_env_keys().set("ALIBABA_CLOUD_PROFILE", "work");
    let r = w.resolve(Some("sts")).unwrap();
    assert_eq!(r.credentials.access_key_id, "STS.keyId");
    assert!(matches!(
        r.credentials.source,
        CredentialSource::CliProfile { ref profile, .. } if profile == "sts"
    ));
}

#[test]
fn an_explicit_profile_may_be_an_ini_section_and_must_exist() {
    let mut w = World::new();
    let ini = w.ini(
        "[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = b-secret\n\
         [ops]\ntype = access_key\naccess_key_id = LTAIops\naccess_key_secret = ops-secret\n",
    );
    w.with_env_keys();
    let r = w.resolve(Some("ops")).unwrap();
    assert_eq!(
        r.credentials.source,
        CredentialSource::IniFile {
            path: ini.clone(),
            section: "ops".into()
        }
    );

    let e = w.resolve(Some("nobody")).unwrap_err();
    assert!(matches!(e, CredentialError::Invalid(_)));
    assert!(
        e.to_string().contains("\"nobody\"") && e.to_string().contains(&ini),
        "{e}"
    );
}

#[test]
fn an_unsupported_mode_is_an_error_that_names_it() {
    let w = World::new();
    let path = w.cli_config(
        r#"{"current":"role","profiles":[{"name":"role","mode":"RamRoleArn",
            "access_key_id":"LTAIx","access_key_secret":"role-secret-value",
            "ram_role_arn":"acs:ram::1:role/x"}]}"#,
    );
    let e = w.resolve(None).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("RamRoleArn") && text.contains(&path),
        "{text}"
    );
    assert!(!text.contains("role-secret-value"));

    let w = World::new();
    let path = w.ini("[default]\ntype = ecs_ram_role\nrole_name = EcsRamRoleTest\n");
    let text = w.resolve(None).unwrap_err().to_string();
    assert!(
        text.contains("ecs_ram_role") && text.contains(&path),
        "{text}"
    );
}

#[test]
fn a_malformed_cli_config_is_a_clear_error_naming_the_file() {
    let w = World::new();
    let path = w.cli_config(
        "{\"current\": \"default\", \"profiles\": [\n  {\"name\": \"default\", \
         \"access_key_secret\": \"malformed-secret-value\" \"mode\": \"AK\"}\n]}",
    );
    let e = w.resolve(None).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, CredentialError::Invalid(_)));
    assert!(text.contains(&path) && text.contains("line 2"), "{text}");
    assert!(!text.contains("malformed-secret-value"), "{text}");

    // A secret of the wrong type must not be quoted either.
    w.cli_config(r#"{"current":"d","profiles":[{"name":"d","access_key_secret":987654321}]}"#);
    let text = w.resolve(None).unwrap_err().to_string();
    assert!(
        text.contains("wrong type") && !text.contains("987654321"),
        "{text}"
    );
}

#[test]
fn a_malformed_ini_file_is_a_clear_error_naming_the_file() {
    let w = World::new();
    let path = w.ini("[default\ntype = access_key\n");
    let text = w.resolve(None).unwrap_err().to_string();
    assert!(text.contains(&path) && text.contains("line 1"), "{text}");
}

#[test]
fn nothing_found_lists_every_place_looked_in() {
    let w = World::new();
    let e = w.resolve(None).unwrap_err();
    let CredentialError::NotFound { looked } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(looked.len(), 3, "{looked:?}");
    let text = e.to_string();
    let home = w.home.path();
    for expected in [
        "ALIBABA_CLOUD_ACCESS_KEY_ID".to_string(),
        home.join(".aliyun/config.json").display().to_string(),
        home.join(".alibabacloud/credentials").display().to_string(),
    ] {
        assert!(text.contains(&expected), "{text} lacks {expected}");
    }

    // A config file without the current profile is looked in, not an error.
    w.cli_config(r#"{"current":"gone","profiles":[]}"#);
    let text = w.resolve(None).unwrap_err().to_string();
    assert!(text.contains("no profile \"gone\""), "{text}");
}

#[test]
fn no_home_is_said_not_a_panic() {
    let e = resolve(&|_| None, None).unwrap_err();
    assert!(e.to_string().contains("HOME is not set"), "{e}");
}

fn lookup_of(w: &World) -> impl Fn(&str) -> Option<String> {
    let env = w.env.clone();
    move |k: &str| env.get(k).cloned()
}

#[tokio::test]
async fn headless_without_credentials_fails_and_says_where_it_looked() {
    let w = World::new();
    let result =
        Backend::connect_with(&GlobalOpts::default(), Face::Headless, &lookup_of(&w)).await;
    let Err(e) = result else {
        panic!("headless must not fall back to demo")
    };
    let text = format!("{e:#}");
    assert!(
        text.contains("no credentials found") && text.contains("--demo"),
        "{text}"
    );
    assert!(text.contains(
        &Path::new(&w.env["HOME"])
            .join(".aliyun/config.json")
            .display()
            .to_string()
    ));
}

#[tokio::test]
async fn the_tui_falls_back_to_demo_and_says_why() {
    let w = World::new();
    let b = Backend::connect_with(&GlobalOpts::default(), Face::Tui, &lookup_of(&w))
        .await
        .unwrap();
    assert_eq!(b.source, CredentialSource::Demo);
    assert!(b.demo.is_some());
    let reason = b.demo_reason.as_deref().unwrap_or("");
    assert!(reason.contains("no credentials found"), "{reason}");
}

#[tokio::test]
async fn an_endpoint_wins_over_the_built_in_emulator_in_demo_mode() {
    let emu = sagroam::emulator::Emulator::start_demo().await.unwrap();
    let w = World::new();
    let opts = GlobalOpts {
        endpoint: Some(emu.url()),
        ..GlobalOpts::default()
    };
    // The TUI without credentials: demo mode, the demo key against the endpoint.
    let b = Backend::connect_with(&opts, Face::Tui, &lookup_of(&w))
        .await
        .unwrap();
    assert_eq!(b.source, CredentialSource::Demo);
    assert!(b.is_demo());
    assert!(b.demo.is_none(), "no emulator may be started in-process");
    let reason = b.demo_reason.as_deref().unwrap_or("");
    assert!(
        reason.contains("no credentials found") && reason.contains(&emu.url()),
        "{reason}"
    );
    let regions = b
        .client
        .call(&sagroam::api::model::DescribeRegions {
            endpoint_region: "cn-shanghai".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(regions.regions.region.len(), 5);
    assert_eq!(emu.stats().requests.get("DescribeRegions"), Some(&1));

    // --demo with --endpoint, for either face.
    let opts = GlobalOpts { demo: true, ..opts };
    let b = Backend::connect_with(&opts, Face::Headless, &lookup_of(&w))
        .await
        .unwrap();
    assert!(b.is_demo() && b.demo.is_none());
    let reason = b.demo_reason.as_deref().unwrap_or("");
    assert!(
        reason.contains("--demo") && reason.contains(&emu.url()),
        "{reason}"
    );
}

#[tokio::test]
async fn found_credentials_are_used_and_demo_is_only_asked_for() {
    let mut w = World::new();
    w.with_env_keys()
        .set("ALIBABA_CLOUD_REGION_ID", "ap-northeast-1");
    let b = Backend::connect_with(&GlobalOpts::default(), Face::Tui, &lookup_of(&w))
        .await
        .unwrap();
    assert_eq!(b.source, CredentialSource::Environment);
    assert!(b.demo.is_none() && b.demo_reason.is_none());
    assert_eq!(b.region, "ap-northeast-1");

    let opts = GlobalOpts {
        region: Some("cn-hongkong".into()),
        ..GlobalOpts::default()
    };
    let b = Backend::connect_with(&opts, Face::Headless, &lookup_of(&w))
        .await
        .unwrap();
    assert_eq!(b.region, "cn-hongkong");

    let opts = GlobalOpts {
        demo: true,
        ..GlobalOpts::default()
    };
    let b = Backend::connect_with(&opts, Face::Headless, &lookup_of(&w))
        .await
        .unwrap();
    assert_eq!(b.source, CredentialSource::Demo);
    assert!(b.demo_reason.is_none());
}
