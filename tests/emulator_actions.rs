//! The emulator's actions over loopback HTTP: the demo world's roam cases, paging, XML, the
//! other writes, and each fault kind, scripted.

mod emulator_support;

use emulator_support::*;
use sagroam::emulator::world::WorldFile;
use sagroam::emulator::Emulator;

#[tokio::test]
async fn the_happy_roam_copies_the_account_and_the_origin_keeps_it() {
    let emu = Emulator::start_demo().await.unwrap();
    let http = http();
    let a = call(
        &http,
        &emu.url(),
        "RoamClientUser",
        &roam_params("zhang.wei", SHANGHAI, SH_OFFICE, HANGZHOU, HZ_HQ),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.json()["RequestId"]
        .as_str()
        .is_some_and(|r| r.len() == 36));
    assert!(names_in(&emu, HZ_HQ).contains(&"zhang.wei".to_string()));
    assert!(names_in(&emu, SH_OFFICE).contains(&"zhang.wei".to_string()));

    // The same roam again: the account is already there.
    let again = call(
        &http,
        &emu.url(),
        "RoamClientUser",
        &roam_params("zhang.wei", SHANGHAI, SH_OFFICE, HANGZHOU, HZ_HQ),
    )
    .await;
    assert_eq!(
        (again.status, again.code().as_str()),
        (400, "ClientUser.UserExist")
    );
}

#[tokio::test]
async fn every_roam_case_of_the_demo_world_answers_what_it_says() {
    let http = http();
    let cases = WorldFile::demo().roam_cases;
    assert!(cases.len() >= 15);
    for case in cases {
        // A fresh world for each case, so that no case depends on another.
        let emu = Emulator::start_demo().await.unwrap();
        let params = roam_params(
            &case.user,
            &case.origin_region,
            &case.origin,
            &case.target_region,
            &case.target,
        );
        let answer = try_call(&http, &emu.url(), "RoamClientUser", &params).await;
        let in_target = || names_in(&emu, &case.target).contains(&case.user);
        match case.expect.as_str() {
            "success" => {
                let a = answer.unwrap();
                assert_eq!(a.status, 200, "{case:?}: {}", a.body);
                assert!(in_target(), "{case:?}");
            }
            "lost" => {
                let e = answer.expect_err("the answer is lost");
                assert!(!e.is_timeout(), "{case:?}: {e}");
                assert!(in_target(), "{case:?}: the roam was applied");
            }
            code => {
                let a = answer.unwrap();
                assert_eq!(
                    (a.status, a.code()),
                    (400, code.to_string()),
                    "{case:?}: {}",
                    a.body
                );
                let j = a.json();
                for field in ["RequestId", "HostId", "Message", "Recommend"] {
                    assert!(j[field].as_str().is_some_and(|s| !s.is_empty()), "{field}");
                }
                if case.target.starts_with("sag-") && emu.users(&case.target).is_some() {
                    assert_eq!(
                        in_target(),
                        code == "ClientUser.UserExist",
                        "{case:?}: a refused roam changes nothing"
                    );
                }
            }
        }
    }
}
