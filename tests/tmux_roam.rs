//! The real binary in demo mode, driven in tmux as a person would: roam an account and find
//! it in the target; a roam the server refuses, with its code; the demo world's lost answer,
//! found `applied`.

mod tmux_support;

use tmux_support::Tmux;

/// The TUI at 200x50 with Shanghai-Office-APP's users listed.
fn office_users() -> Tmux {
    let t = Tmux::start(200, 50);
    t.start_sagroam("");
    t.wait_for("Shanghai-Office-APP");
    // The start region's instances have the focus; the office is the first.
    t.keys(&["Enter"]);
    t.wait_for("zhang.wei");
    t
}

/// Filters the users to `name` so the cursor is on it.
fn select_user(t: &Tmux, name: &str) {
    t.keys(&["/"]);
    t.type_text(name);
    t.keys(&["Enter"]);
    t.wait_for(&format!("▸ {name}"));
}

/// Opens the dialog and chooses the `region_down`-th target region and the instance `id`.
fn choose_target(t: &Tmux, region_down: usize, id: &str) {
    t.keys(&["r"]);
    t.wait_for("Roam a client account");
    if region_down > 0 {
        t.keys(&["BTab", "BTab"]);
        for _ in 0..region_down {
            t.keys(&["Down"]);
        }
        t.keys(&["Tab"]);
    } else {
        t.keys(&["BTab"]);
    }
    // Focus is on the target instances now; move down until `id` is the chosen one.
    t.wait_for(id);
    for _ in 0..10 {
        let screen = t.screen();
        let chosen = chosen_target(&screen);
        if chosen.as_deref() == Some(id) {
            break;
        }
        t.keys(&["Down"]);
        t.wait_until("the cursor to move", |s| chosen_target(s) != chosen);
    }
    t.wait_for(&format!("▸{id}"));
    // The preflight has read the target's users.
    t.wait_for("Preflight (from what the API listed)");
}

/// The target instance under the dialog's cursor.
fn chosen_target(screen: &str) -> Option<String> {
    let at = screen.find("▸sag-")?;
    let rest = &screen[at + "▸".len()..];
    Some(rest.split(' ').next().unwrap_or_default().to_string())
}

fn press_roam(t: &Tmux) {
    // Tab to Cancel, then right to Roam, then Enter.
    t.keys(&["Tab"]);
    t.wait_for("[ Cancel ]");
    t.keys(&["Right", "Enter"]);
}

#[test]
fn roam_a_user_then_find_it_in_the_target() {
    let t = office_users();
    select_user(&t, "zhang.wei");
    choose_target(&t, 0, "sag-hzapp1demo8i9j0k1l");
    press_roam(&t);

    let screen = t.wait_for("Roamed zhang.wei to cn-hangzhou/sag-hzapp1demo8i9j0k1l: RequestId ");
    let line = screen
        .lines()
        .find(|l| l.contains("Roamed zhang.wei"))
        .unwrap();
    let id = line
        .split("RequestId ")
        .nth(1)
        .unwrap()
        .trim_end_matches(['│', ' ']);
    assert!(id.len() >= 32 && id.contains('-'), "a RequestId: {id:?}");

    // Back to the regions, open cn-hangzhou, its HQ instance, and look for the account.
    // One Escape at a time, each seen on screen: two ESC bytes that reach the TUI in one
    // read are taken as a single Esc key, which made this test fail now and then.
    t.keys(&["Escape"]);
    t.wait_for("┏ Users 8 ");
    t.keys(&["Escape"]);
    t.wait_for("┏ SAG APP instances");
    t.keys(&["Escape"]);
    t.wait_for("┏ Regions");
    t.keys(&["Down", "Enter"]);
    t.wait_for("Hangzhou-HQ-APP");
    t.keys(&["Enter"]);
    t.wait_for("cn-hangzhou › sag-hzapp1demo8i9j0k1l");
    select_user(&t, "zhang.wei");

    // Every status line also went to the log file, RequestId included.
    let log = std::fs::read_to_string(t.path("sagroam.log")).unwrap();
    assert!(log.contains(&format!("RequestId {id}")), "{log}");
}

#[test]
fn a_refused_roam_shows_the_servers_code() {
    let t = office_users();
    select_user(&t, "zhang.wei");
    // ap-southeast-1 is the third target region; its partner instance overlaps 10.10.0.0/16.
    choose_target(&t, 2, "sag-sgoverlap0o9p0q1r2");
    let screen = t.screen();
    assert!(
        screen.contains("✗  8 CIDR blocks do not overlap"),
        "{screen}"
    );
    assert!(
        screen.contains("⚠ Roam"),
        "Roam stays available, marked: {screen}"
    );
    press_roam(&t);
    t.wait_for(
        "Roam of zhang.wei to ap-southeast-1/sag-sgoverlap0o9p0q1r2 failed: SAG.CidrOverlap:",
    );
}

#[test]
fn the_lost_answer_is_found_applied() {
    let t = office_users();
    select_user(&t, "li.na.demo");
    // cn-hongkong is the second target region; the demo world loses the answer of this roam.
    choose_target(&t, 1, "sag-hkapp1demou9v0w1x2");
    press_roam(&t);
    t.wait_for("the target's users were read: applied");
}

/// The rest of the demo world's cases the TUI can reach, as the README's walk-through lists
/// them: what the preflight shows, and what the status log says after Roam.
#[test]
fn the_other_demo_cases() {
    let cases: [(&str, usize, &str, &str, &str); 7] = [
        (
            "zhang.wei",
            0,
            "sag-hzfull2000dm2n3o4p",
            "✗ 10 target has room",
            "failed: ClientUser.UserOverLimit:",
        ),
        (
            "zhang.wei",
            1,
            "sag-hknocidr03y4z5a6b7",
            "✗  7 target has a CIDR block",
            "failed: SAG.CidrEmpty:",
        ),
        (
            "wang.fang",
            0,
            "sag-hzapp1demo8i9j0k1l",
            "✗ 12 static IP fits the target",
            "failed: ClientUser.InvalidClientIp:",
        ),
        (
            "zhao.lei.video",
            2,
            "sag-sglite1000ak6l7m8n",
            "All checks passed.",
            "failed: ClientUser.BandwidthInvalid:",
        ),
        (
            "chen.jing",
            0,
            "sag-hzapp1demo8i9j0k1l",
            "✗  9 user not yet in target",
            "Roam of chen.jing to cn-hangzhou/sag-hzapp1demo8i9j0k1l failed:",
        ),
        (
            "zhang.wei",
            1,
            "sag-hkarrears08c9d0e1f",
            "✗  + target paid up",
            "Roamed zhang.wei to cn-hongkong/sag-hkarrears08c9d0e1f: RequestId",
        ),
        (
            "zhang.wei",
            2,
            "sag-sgexpired0s3t4u5v6",
            "✗  + target not expired",
            "Roamed zhang.wei to ap-southeast-1/sag-sgexpired0s3t4u5v6: RequestId",
        ),
    ];
    for (user, region_down, target, preflight, outcome) in cases {
        let t = office_users();
        select_user(&t, user);
        choose_target(&t, region_down, target);
        t.wait_for(preflight);
        press_roam(&t);
        t.wait_for(outcome);
    }
}
