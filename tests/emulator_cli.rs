//! `sagroam emulator` as a process: the address comes first on stdout, the served key is the
//! one given (its secret from the environment only), and SIGTERM or SIGINT ends it with 0.

mod emulator_support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use emulator_support::*;
use sagroam::emulator::{DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET};

const DEADLINE: Duration = Duration::from_secs(30);

fn emulator(args: &[&str], secret: Option<&str>, log: &std::path::Path) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sagroam"));
    cmd.arg("--log-file")
        .arg(log)
        .arg("emulator")
        .args(args)
        .env_remove("SAGROAM_EMULATOR_ACCESS_KEY_SECRET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(s) = secret {
        cmd.env("SAGROAM_EMULATOR_ACCESS_KEY_SECRET", s);
    }
    cmd.spawn().unwrap()
}

/// The first line of stdout, and a reader of the rest.
fn first_line(child: &mut Child) -> (String, mpsc::Receiver<String>) {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = tx.send(line);
        let mut rest = String::new();
        let _ = reader.read_to_string(&mut rest);
        let _ = tx.send(rest);
    });
    let line = rx.recv_timeout(DEADLINE).expect("a first line in time");
    (line, rx)
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait(mut child: Child) -> (std::process::ExitStatus, String) {
    let (tx, rx) = mpsc::channel();
    let mut stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        let status = child.wait();
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        let _ = tx.send((status, text));
    });
    let (status, text) = rx.recv_timeout(DEADLINE).expect("the process ends in time");
    (status.unwrap(), text)
}

fn url_of(line: &str) -> String {
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"));
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    assert!(url.starts_with("http://127.0.0.1:") && port != 0, "{url}");
    url.to_string()
}

#[tokio::test]
async fn prints_its_address_first_serves_and_exits_0_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = emulator(&["--listen", "127.0.0.1:0"], None, &dir.path().join("log"));
    let (line, rest) = first_line(&mut child);
    let url = url_of(&line);

    let a = call(&http(), &url, "DescribeRegions", &[]).await;
    assert_eq!(a.status, 200, "{}", a.body);

    signal(&child, "TERM");
    let (status, stderr) = wait(child);
    assert_eq!(status.code(), Some(0), "{stderr}");
    let rest = rest.recv_timeout(DEADLINE).unwrap();
    assert!(rest.contains(DEMO_ACCESS_KEY_ID), "{rest}");
    assert!(
        rest.contains(DEMO_ACCESS_KEY_SECRET),
        "the demo pair is printed: {rest}"
    );
}

#[tokio::test]
async fn exits_0_on_sigint_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = emulator(&["--listen", "127.0.0.1:0"], None, &dir.path().join("log"));
    let (line, _rest) = first_line(&mut child);
    url_of(&line);
    signal(&child, "INT");
    assert_eq!(wait(child).0.code(), Some(0));
}

#[tokio::test]
async fn serves_the_given_key_with_its_secret_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "cli-test-secret-from-env";
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--access-key-id",
        "LTAI5tCliTestKey",
    ];
    let mut child = emulator(&args, Some(secret), &dir.path().join("log"));
    let (line, rest) = first_line(&mut child);
    let url = url_of(&line);

    let http = http();
    let p = signed(
        "POST",
        common("DescribeRegions", &[], "LTAI5tCliTestKey"),
        secret,
    );
    assert_eq!(send(&http, &url, "POST", &p).await.status, 200);
    let demo = call(&http, &url, "DescribeRegions", &[]).await;
    assert_eq!(
        (demo.status, demo.code().as_str()),
        (404, "InvalidAccessKeyId.NotFound")
    );

    signal(&child, "TERM");
    let (status, stderr) = wait(child);
    assert_eq!(status.code(), Some(0));
    let rest = rest.recv_timeout(DEADLINE).unwrap();
    assert!(!rest.contains(secret) && !stderr.contains(secret) && !line.contains(secret));
    assert!(!rest.contains(DEMO_ACCESS_KEY_SECRET), "{rest}");
}

#[test]
fn refuses_a_key_without_its_secret() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--access-key-id",
        "LTAI5tCliTestKey",
    ];
    let mut child = emulator(&args, None, &dir.path().join("log"));
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let (status, stderr) = wait(child);
    assert_eq!(status.code(), Some(2));
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("SAGROAM_EMULATOR_ACCESS_KEY_SECRET"),
        "{stderr}"
    );
}
