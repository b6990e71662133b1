//! One frame of the whole screen, drawn with 2,000 and with 200,000 users loaded. Only the
//! visible rows are built, so the two should cost about the same.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use sagroam::app::keys::Key;
use sagroam::app::sample::{browsing, demo_config};
use sagroam::app::{update, Msg};
use sagroam::ui;

fn frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame_200x50");
    for users in [2_000usize, 200_000] {
        let mut app = browsing(demo_config(), users, users);
        // The cursor in the middle of the list, so the window is not the first page.
        app.users.select_key(&format!("user{:05}", users / 2));
        update(&mut app, Msg::Key(Key::Down));
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("a test terminal");
        group.bench_with_input(BenchmarkId::from_parameter(users), &users, |b, _| {
            b.iter(|| {
                terminal.draw(|f| ui::draw(f, &app)).expect("drawing");
            })
        });
    }
    group.finish();
}

criterion_group!(benches, frame);
criterion_main!(benches);
