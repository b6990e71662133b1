//! Drawing: pure functions from `&App` to a ratatui `Frame`.
//!
//! Nothing here changes the state the app reasons about. The lists remember their scroll
//! offset between frames in a `Cell` (it depends on the pane's height, which only drawing
//! knows). Lists build rows only for the lines that are visible, so a frame costs the same
//! with 2,000 users as with 200,000.

use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Row, Table};
use ratatui::Frame;

use crate::api::model::{ClientUser, Region, SmartAccessGateway};
use crate::app::keys::{label_of, Command, KEYMAP};
use crate::app::list::{Keyed, List, Load};
use crate::app::log::Level;
use crate::app::roam::{Check, Field, RoamDialog, Verdict};
use crate::app::{App, Pane};

/// Below this the screen shows a short message instead of the panes.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

const FOCUSED: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
const UNFOCUSED: Style = Style::new().fg(Color::DarkGray);
const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);
const DIM: Style = Style::new().fg(Color::DarkGray);
const ERROR: Style = Style::new().fg(Color::Red);
const OK: Style = Style::new().fg(Color::Green);
const WARN: Style = Style::new().fg(Color::Yellow);

pub fn spinner(app: &App) -> &'static str {
    SPINNER[app.spinner % SPINNER.len()]
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "sagroam needs at least {MIN_WIDTH}x{MIN_HEIGHT}; this terminal is {}x{}. q quits.",
            area.width, area.height
        );
        frame.render_widget(
            Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }

    let log_rows = (area.height / 4).clamp(5, 14);
    let [header, body, log, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(6),
        Constraint::Length(log_rows),
        Constraint::Length(1),
    ])
    .areas(area);

    draw_header(frame, app, header);
    draw_panes(frame, app, body);
    draw_log(frame, app, log);
    draw_hints(frame, app, hints);

    if let Some(d) = &app.dialog {
        draw_dialog(frame, app, d, area);
    }
    if app.help {
        draw_help(frame, area);
    }
}

fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let mut crumbs = vec![Span::styled(" sagroam ", FOCUSED), Span::raw("│ ")];
    match &app.region {
        Some(r) => crumbs.push(Span::raw(r.clone())),
        None => crumbs.push(Span::styled("no region", DIM)),
    }
    if let Some(i) = &app.instance {
        crumbs.push(Span::raw(" › "));
        crumbs.push(Span::raw(i.clone()));
        if let Some(name) = app
            .opened_instance()
            .map(|i| i.name.as_str())
            .filter(|n| !n.is_empty())
        {
            crumbs.push(Span::styled(format!(" ({name})"), DIM));
        }
    }

    let mut badges = Vec::new();
    if app.config.demo {
        badges.push(Span::styled(
            " DEMO ",
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        ));
    } else {
        badges.push(Span::styled(
            format!("credentials: {} ", app.config.source),
            DIM,
        ));
    }
    if app.config.read_only {
        badges.push(Span::raw(" "));
        badges.push(Span::styled(
            " READ-ONLY ",
            Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
        ));
    }
    let badge_width: u16 = badges.iter().map(|s| s.width() as u16).sum();
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(badge_width)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(crumbs)), left);
    frame.render_widget(Paragraph::new(Line::from(badges)), right);
}

fn pane_block<'a>(app: &App, pane: Pane, title: String) -> Block<'a> {
    let focused = app.focus == pane && app.dialog.is_none();
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused { FOCUSED } else { UNFOCUSED })
        .title(Span::styled(
            title,
            if focused { FOCUSED } else { Style::new() },
        ))
}

/// ` 300/2000 ⠋` while loading, ` 12` when complete.
fn count<T: Keyed>(app: &App, list: &List<T>) -> String {
    let shown = if list.filter().is_empty() {
        String::new()
    } else {
        format!("{} of ", list.len())
    };
    match (list.load, list.total) {
        (Load::Idle, _) => String::new(),
        (Load::Loading, Some(t)) => format!(" {shown}{}/{t} {}", list.loaded(), spinner(app)),
        (Load::Loading, None) => format!(" {}", spinner(app)),
        (Load::Failed, _) => format!(" {shown}{} (failed)", list.loaded()),
        (Load::Complete, _) => format!(" {shown}{}", list.loaded()),
    }
}

fn filter_title<'a, T: Keyed>(list: &List<T>) -> Option<Line<'a>> {
    if list.editing_filter {
        Some(Line::from(vec![
            Span::styled(" /", WARN),
            Span::raw(list.filter().to_string()),
            Span::styled("▏", WARN),
        ]))
    } else if !list.filter().is_empty() {
        Some(Line::from(vec![Span::styled(
            format!(" /{} ", list.filter()),
            WARN,
        )]))
    } else {
        None
    }
}

/// The regions pane is never narrower than this: `ap-southeast-1`, the longest id in the
/// demo world and among the longest Alibaba Cloud has, fits with the cursor mark.
const REGIONS_MIN_WIDTH: u16 = 18;

/// Below this inner width the users pane hides columns and shows the selected user's detail.
const USERS_ALL_COLUMNS: u16 = 70;

fn draw_panes(frame: &mut Frame, app: &App, area: Rect) {
    // On a narrow screen the pane with the focus widens, so that names and columns fit; the
    // users pane takes most of the room from the instance pane, whose opened instance the
    // header names anyway.
    let regions_w = (area.width * 22 / 100).clamp(REGIONS_MIN_WIDTH, 32);
    let share = match app.focus {
        Pane::Instances if area.width < 120 => 55,
        Pane::Users if area.width < 120 => 25,
        _ => 40,
    };
    let instances_w = (area.width - regions_w) * share / 100;
    let [regions, instances, users] = Layout::horizontal([
        Constraint::Length(regions_w),
        Constraint::Length(instances_w),
        Constraint::Min(10),
    ])
    .areas(area);

    draw_list(
        frame,
        app,
        Pane::Regions,
        &app.regions,
        format!(" Regions{} ", count(app, &app.regions)),
        regions,
        "no regions",
        region_columns,
        |_, _| None,
    );
    draw_list(
        frame,
        app,
        Pane::Instances,
        &app.instances,
        // A squeezed pane keeps its count in view rather than the full name.
        if instances.width < 24 {
            format!(" Instances{} ", count(app, &app.instances))
        } else {
            format!(" SAG APP instances{} ", count(app, &app.instances))
        },
        instances,
        if app.region.is_none() {
            "Enter on a region lists its instances"
        } else {
            "no SAG APP instance in this region"
        },
        |w| instance_columns(app, w),
        |_, _| None,
    );
    draw_list(
        frame,
        app,
        Pane::Users,
        &app.users,
        format!(" Users{} ", count(app, &app.users)),
        users,
        if app.instance.is_none() {
            "Enter on an instance lists its users"
        } else {
            "no users in this instance"
        },
        user_columns,
        user_detail,
    );
}

/// What the hidden columns would say of the selected user, on one line at the bottom of a
/// users pane too narrow for all of them. The fields no column shows come first, and a field
/// that does not fit is left out whole rather than cut, so a number is never shown halved.
fn user_detail(user: &ClientUser, width: u16) -> Option<Line<'static>> {
    if width >= USERS_ALL_COLUMNS {
        return None;
    }
    let or = |text: &str, none: &str| {
        if text.is_empty() {
            none.to_string()
        } else {
            text.to_string()
        }
    };
    let ip = format!(
        "{} {}",
        or(&user.client_ip, "no IP"),
        if user.is_static_ip {
            "static"
        } else {
            "dynamic"
        }
    );
    let state = if user.enabled() {
        Span::raw("enabled")
    } else {
        Span::styled("disabled", WARN)
    };
    let fields = [
        Span::raw(or(&user.user_mail, "no mail")),
        Span::raw(ip),
        Span::raw(format!("{} Kb", user.bandwidth)),
        state,
    ];

    let mut spans = Vec::new();
    let mut used = 0;
    for field in fields {
        let sep = if spans.is_empty() { 0 } else { 3 };
        if !spans.is_empty() && used + sep + field.width() > width as usize {
            break;
        }
        if sep > 0 {
            spans.push(Span::styled(" · ", DIM));
        }
        used += sep + field.width();
        spans.push(field);
    }
    Some(Line::from(spans))
}

/// A column: its header, its width, and how a row fills it.
struct Column<'f, T> {
    title: &'static str,
    width: Constraint,
    cell: Box<dyn Fn(&T) -> Span<'static> + 'f>,
}

fn col<'f, T>(
    title: &'static str,
    width: Constraint,
    cell: impl Fn(&T) -> Span<'static> + 'f,
) -> Column<'f, T> {
    Column {
        title,
        width,
        cell: Box::new(cell),
    }
}

fn region_columns<'f>(width: u16) -> Vec<Column<'f, Region>> {
    let mut cols = vec![col("RegionId", Constraint::Min(12), |r: &Region| {
        Span::raw(r.region_id.clone())
    })];
    if width >= 26 {
        cols.push(col("Name", Constraint::Min(8), |r: &Region| {
            Span::styled(r.local_name.clone(), DIM)
        }));
    }
    cols
}

fn instance_columns<'f>(app: &'f App, width: u16) -> Vec<Column<'f, SmartAccessGateway>> {
    let mut cols = Vec::new();
    cols.push(col("Name", Constraint::Min(8), |i: &SmartAccessGateway| {
        Span::raw(i.name.clone())
    }));
    if width >= 50 {
        cols.push(col(
            "ID",
            Constraint::Length(22),
            |i: &SmartAccessGateway| Span::raw(i.smart_ag_id.clone()),
        ));
    }
    if width >= 36 {
        cols.push(col(
            "Status",
            Constraint::Length(9),
            |i: &SmartAccessGateway| {
                let style = if i.status.eq_ignore_ascii_case("Active") {
                    Style::new()
                } else {
                    WARN
                };
                Span::styled(i.status.clone(), style)
            },
        ));
    }
    if width >= 76 {
        cols.push(col(
            "CIDR",
            Constraint::Length(18),
            |i: &SmartAccessGateway| Span::raw(i.cidr_block.clone()),
        ));
    }
    // A count cut short would read as another number: leave it out on a squeezed pane.
    if width < 20 {
        return cols;
    }
    cols.push(col(
        "Accounts",
        Constraint::Length(9),
        move |i: &SmartAccessGateway| {
            let used = match app.user_counts.get(&i.smart_ag_id) {
                Some(n) => n.to_string(),
                None => "?".into(),
            };
            let full = app
                .user_counts
                .get(&i.smart_ag_id)
                .is_some_and(|&n| n as i64 >= i.user_count);
            Span::styled(
                format!("{used}/{}", i.user_count),
                if full { WARN } else { Style::new() },
            )
        },
    ));
    cols
}

fn user_columns<'f>(width: u16) -> Vec<Column<'f, ClientUser>> {
    let mut cols = vec![col("UserName", Constraint::Min(12), |u: &ClientUser| {
        Span::raw(u.user_name.clone())
    })];
    if width >= USERS_ALL_COLUMNS {
        cols.push(col("UserMail", Constraint::Min(12), |u: &ClientUser| {
            Span::raw(u.user_mail.clone())
        }));
    }
    if width >= 40 {
        cols.push(col("Bandwidth", Constraint::Length(9), |u: &ClientUser| {
            Span::raw(format!("{} Kb", u.bandwidth))
        }));
    }
    if width >= 54 {
        cols.push(col("ClientIp", Constraint::Length(15), |u: &ClientUser| {
            Span::raw(u.client_ip.clone())
        }));
    }
    cols.push(col("State", Constraint::Length(8), |u: &ClientUser| {
        if u.enabled() {
            Span::raw("enabled")
        } else {
            Span::styled("disabled", WARN)
        }
    }));
    cols
}

#[allow(clippy::too_many_arguments)]
fn draw_list<'f, T: Keyed>(
    frame: &mut Frame,
    app: &App,
    pane: Pane,
    list: &List<T>,
    title: String,
    area: Rect,
    empty: &str,
    columns: impl FnOnce(u16) -> Vec<Column<'f, T>>,
    detail: impl FnOnce(&T, u16) -> Option<Line<'static>>,
) {
    let mut block = pane_block(app, pane, title);
    if let Some(f) = filter_title(list) {
        block = block.title_bottom(f);
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }

    if list.is_empty() {
        let (text, style) = match (list.load, &list.error) {
            (Load::Failed, Some(e)) => (format!("failed: {e}"), ERROR),
            (Load::Loading, _) => (format!("{} loading…", spinner(app)), DIM),
            _ if !list.filter().is_empty() => (format!("nothing matches /{}", list.filter()), DIM),
            _ => (empty.to_string(), DIM),
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(style)
                .wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }

    // The selected row's detail, when the pane has room for it under a header and a row.
    let mut inner = inner;
    if inner.height >= 4 {
        if let Some(line) = list.selected().and_then(|item| detail(item, inner.width)) {
            let [table, bottom] =
                Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
            frame.render_widget(Paragraph::new(line), bottom);
            inner = table;
        }
    }

    let columns = columns(inner.width);
    let body_rows = inner.height.saturating_sub(1) as usize;
    let cursor = list.cursor();
    let (_, visible) = list.visible(body_rows);
    let rows: Vec<Row> = visible
        .map(|(position, item)| {
            let mark = if Some(position) == cursor { "▸" } else { " " };
            let cells =
                std::iter::once(Span::raw(mark)).chain(columns.iter().map(|c| (c.cell)(item)));
            let row = Row::new(cells.collect::<Vec<_>>());
            if Some(position) == cursor {
                row.style(SELECTED)
            } else {
                row
            }
        })
        .collect();
    let header = Row::new(
        std::iter::once("")
            .chain(columns.iter().map(|c| c.title))
            .collect::<Vec<_>>(),
    )
    .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let widths = std::iter::once(Constraint::Length(1)).chain(columns.iter().map(|c| c.width));
    let table = Table::new(rows, widths.collect::<Vec<_>>())
        .header(header)
        .column_spacing(1);
    frame.render_widget(table, inner);
}

fn level_style(level: Level) -> Style {
    match level {
        Level::Info => Style::new().fg(Color::Blue),
        Level::Success => OK,
        Level::Error => ERROR.add_modifier(Modifier::BOLD),
    }
}

/// Splits `text` into lines of at most `width` characters, at spaces where it can.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_len = 0;
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        let sep = usize::from(line_len > 0);
        if line_len + sep + word.len() <= width {
            if sep == 1 {
                line.push(' ');
            }
            line.extend(word.iter());
            line_len += sep + word.len();
            continue;
        }
        if line_len > 0 {
            lines.push(std::mem::take(&mut line));
        }
        while word.len() > width {
            lines.push(word.drain(..width).collect());
        }
        line = word.iter().collect();
        line_len = word.len();
    }
    lines.push(line);
    lines
}

fn draw_log(frame: &mut Frame, app: &App, area: Rect) {
    let scrolled = if app.log.scroll > 0 {
        format!(" (scrolled up {}) ", app.log.scroll)
    } else {
        String::new()
    };
    let block = pane_block(app, Pane::Log, format!(" Status log{scrolled} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = inner.height as usize;
    if rows == 0 {
        return;
    }

    // Newest at the bottom; long messages wrap under the message column.
    const PREFIX: usize = 15;
    let text_width = (inner.width as usize).saturating_sub(PREFIX).max(10);
    let mut lines: Vec<Line> = Vec::new();
    for entry in app.log.window(rows).collect::<Vec<_>>().into_iter().rev() {
        let mut message = String::new();
        if entry.in_flight {
            message.push_str(spinner(app));
            message.push(' ');
        }
        message.push_str(&entry.message);
        let mut parts = wrap(&message, text_width);
        let mut entry_lines = Vec::new();
        let first = parts.remove(0);
        entry_lines.push(Line::from(vec![
            Span::styled(format!("{} ", entry.time()), DIM),
            Span::styled(
                format!("{:<6}", entry.level.label()),
                level_style(entry.level),
            ),
            Span::raw(first),
        ]));
        for p in parts {
            entry_lines.push(Line::from(vec![
                Span::raw(" ".repeat(PREFIX)),
                Span::raw(p),
            ]));
        }
        for l in entry_lines.into_iter().rev() {
            lines.push(l);
        }
        if lines.len() >= rows {
            break;
        }
    }
    lines.truncate(rows);
    // Newest at the bottom, also while the log is short.
    lines.resize(rows, Line::default());
    lines.reverse();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn hint(parts: &[(&str, &str)]) -> Line<'static> {
    let mut spans = Vec::new();
    for (key, what) in parts {
        spans.push(Span::styled(format!(" {key}"), FOCUSED));
        spans.push(Span::raw(format!(" {what} ")));
    }
    Line::from(spans)
}

fn draw_hints(frame: &mut Frame, app: &App, area: Rect) {
    let k = label_of;
    let line = if app.help {
        hint(&[(k(Command::Back), "close help")])
    } else if app.dialog.is_some() {
        hint(&[
            (k(Command::NextPane), "next field"),
            ("↑↓", "choose"),
            ("←→", "button"),
            (k(Command::Enter), "press"),
            (k(Command::Back), "cancel"),
        ])
    } else if app.editing_filter() {
        hint(&[("type", "to filter"), ("Enter", "keep"), ("Esc", "clear")])
    } else {
        match app.focus {
            Pane::Regions => hint(&[
                ("↑↓", "move"),
                (k(Command::Enter), "instances"),
                (k(Command::Filter), "filter"),
                (k(Command::Reload), "reload"),
                (k(Command::NextPane), "pane"),
                (k(Command::Help), "help"),
                (k(Command::Quit), "quit"),
            ]),
            Pane::Instances => hint(&[
                ("↑↓", "move"),
                (k(Command::Enter), "users"),
                (k(Command::Back), "back"),
                (k(Command::Filter), "filter"),
                (k(Command::Reload), "reload"),
                (k(Command::Help), "help"),
                (k(Command::Quit), "quit"),
            ]),
            Pane::Users => hint(&[
                ("↑↓", "move"),
                (
                    k(Command::Roam),
                    if app.config.read_only {
                        "roam (read-only: off)"
                    } else {
                        "roam"
                    },
                ),
                (k(Command::Filter), "filter"),
                (k(Command::Reload), "reload"),
                (k(Command::Back), "back"),
                (k(Command::Help), "help"),
                (k(Command::Quit), "quit"),
            ]),
            Pane::Log => hint(&[
                ("↑↓", "scroll"),
                (k(Command::Bottom), "newest"),
                (k(Command::NextPane), "pane"),
                (k(Command::Help), "help"),
                (k(Command::Quit), "quit"),
            ]),
        }
    };
    frame.render_widget(Paragraph::new(line).style(DIM), area);
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn draw_help(frame: &mut Frame, area: Rect) {
    let rows = KEYMAP.len() as u16 + 4;
    let popup = centered(area, 64, rows);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(FOCUSED)
        .title(" Keys ")
        .title_bottom(Line::from(" Esc or ? closes ").alignment(Alignment::Right));
    let mut lines: Vec<Line> = KEYMAP
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!(" {:<8}", b.label), FOCUSED),
                Span::raw(b.help),
            ])
        })
        .collect();
    lines.insert(
        0,
        Line::from(Span::styled(" Every pane, and the roam dialog:", DIM)),
    );
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

fn verdict_mark(v: Verdict) -> Span<'static> {
    match v {
        Verdict::Passed => Span::styled("✓", OK),
        Verdict::Failed => Span::styled("✗", ERROR.add_modifier(Modifier::BOLD)),
        Verdict::Unknown => Span::styled("?", WARN),
    }
}

fn check_line(c: &Check, with_detail: bool) -> Line<'static> {
    let number = c
        .number
        .map(|n| format!("{n:>2}"))
        .unwrap_or_else(|| " +".into());
    let code = if c.code.is_empty() {
        "(no documented code)"
    } else {
        c.code
    };
    let code_style = if c.verdict == Verdict::Failed {
        ERROR
    } else {
        DIM
    };
    Line::from(vec![
        Span::raw(" "),
        verdict_mark(c.verdict),
        Span::raw(format!(" {number} {:<27}", c.title)),
        Span::styled(format!("{code:<28}"), code_style),
        Span::styled(
            if with_detail {
                c.detail.clone()
            } else {
                String::new()
            },
            DIM,
        ),
    ])
}

fn field_block<'a>(d: &RoamDialog, field: Field, title: &'a str) -> Block<'a> {
    let focused = d.focus == field;
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused { FOCUSED } else { UNFOCUSED })
        .title(title)
}

fn draw_dialog(frame: &mut Frame, app: &App, d: &RoamDialog, area: Rect) {
    let popup = centered(
        area,
        area.width.saturating_sub(4).min(110),
        area.height.saturating_sub(2).min(30),
    );
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(FOCUSED)
        .title(" Roam a client account ");
    let inner = block.inner(popup);
    frame.render_widget(block, popup);

    let checks = app.preflight().unwrap_or_default();
    let lists_h = if inner.height >= 24 { 7 } else { 5 };
    let [origin, user, lists, preflight, message, buttons] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(lists_h),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);

    let o = &d.origin_instance;
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Origin  ", DIM),
            Span::raw(format!("{} / {}", d.origin_region, o.smart_ag_id)),
            Span::styled(format!(" ({})  {}", o.name, o.cidr_block), DIM),
        ])),
        origin,
    );
    let u = &d.user;
    let ip = if u.client_ip.is_empty() {
        String::new()
    } else if u.is_static_ip {
        format!("  static IP {}", u.client_ip)
    } else {
        format!("  IP {}", u.client_ip)
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" User    ", DIM),
            Span::styled(
                u.user_name.clone(),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!("  {}  {} Kbit/s{ip}", u.user_mail, u.bandwidth),
                DIM,
            ),
        ])),
        user,
    );

    let [regions_area, instances_area] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(lists);
    draw_target_regions(frame, d, regions_area);
    draw_target_instances(frame, app, d, instances_area);
    draw_preflight(frame, app, d, &checks, preflight);

    let failed = checks
        .iter()
        .filter(|c| c.verdict == Verdict::Failed)
        .count();
    let unknown = checks
        .iter()
        .filter(|c| c.verdict == Verdict::Unknown)
        .count();
    let note = match (&d.message, failed, unknown) {
        (Some(m), _, _) => Line::from(Span::styled(format!(" {m}"), WARN)),
        (None, 0, 0) if !checks.is_empty() => Line::from(Span::styled(" All checks passed.", OK)),
        (None, 0, n) => Line::from(Span::styled(format!(" {n} checks not known yet."), WARN)),
        (None, f, _) => Line::from(Span::styled(
            format!(" ⚠ {f} check(s) failed; Roam is still possible: the server decides."),
            WARN,
        )),
    };
    frame.render_widget(Paragraph::new(note), message);

    let button = |label: &str, field: Field| {
        let style = if d.focus == field {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        Span::styled(format!("[ {label} ]"), style)
    };
    let roam_label = if failed > 0 { "⚠ Roam" } else { "Roam" };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            button("Cancel", Field::Cancel),
            Span::raw("   "),
            button(roam_label, Field::Roam),
        ]))
        .alignment(Alignment::Center),
        buttons,
    );
}

fn draw_target_regions(frame: &mut Frame, d: &RoamDialog, area: Rect) {
    let block = field_block(d, Field::TargetRegion, " Target region ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if d.target_regions.is_empty() {
        frame.render_widget(Paragraph::new("no other region").style(DIM), inner);
        return;
    }
    let rows = inner.height as usize;
    let first = d.region_cursor.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = d
        .target_regions
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, r)| {
            let mark = if i == d.region_cursor { "▸" } else { " " };
            let line = Line::from(vec![
                Span::raw(format!("{mark}{} ", r.region_id)),
                Span::styled(r.local_name.clone(), DIM),
            ]);
            if i == d.region_cursor {
                line.style(SELECTED)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_target_instances(frame: &mut Frame, app: &App, d: &RoamDialog, area: Rect) {
    let block = field_block(d, Field::TargetInstance, " Target SAG APP instance ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let list = &d.target_instances;
    if list.is_empty() {
        let text = match list.load {
            Load::Loading | Load::Idle => format!("{} loading…", spinner(app)),
            Load::Failed => format!("failed: {}", list.error.clone().unwrap_or_default()),
            Load::Complete => "no SAG APP instance in this region".into(),
        };
        frame.render_widget(Paragraph::new(text).style(DIM), inner);
        return;
    }
    let cursor = list.cursor();
    let (_, visible) = list.visible(inner.height as usize);
    let lines: Vec<Line> = visible
        .map(|(p, i)| {
            let mark = if Some(p) == cursor { "▸" } else { " " };
            let line = Line::from(vec![
                Span::raw(format!("{mark}{} ", i.smart_ag_id)),
                Span::styled(format!("{} {} {}", i.name, i.status, i.cidr_block), DIM),
            ]);
            if Some(p) == cursor {
                line.style(SELECTED)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_preflight(frame: &mut Frame, app: &App, d: &RoamDialog, checks: &[Check], area: Rect) {
    let reading = d.target_users.load == Load::Loading;
    let title = if reading {
        format!(" Preflight {} reading the target's users ", spinner(app))
    } else {
        " Preflight (from what the API listed) ".to_string()
    };
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(UNFOCUSED)
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = inner.height as usize;

    // On a narrow dialog the detail of a check that did not pass would be cut off after the
    // code; it gets a line of its own there.
    let narrow = inner.width < 100;
    let lines_of = |c: &Check| {
        let own_line = narrow && c.verdict != Verdict::Passed;
        let mut lines = vec![check_line(c, !own_line)];
        if own_line {
            lines.push(Line::from(Span::styled(
                format!("       {}", c.detail),
                DIM,
            )));
        }
        lines
    };
    let all: Vec<Line> = checks.iter().flat_map(lines_of).collect();

    let lines: Vec<Line> = if all.len() <= rows {
        all
    } else {
        // Too little room for all: what did not pass first, then the passed ones, and the
        // numbers of those that did not fit on one last line.
        let (passed, other): (Vec<&Check>, Vec<&Check>) =
            checks.iter().partition(|c| c.verdict == Verdict::Passed);
        let mut lines: Vec<Line> = other.iter().flat_map(|c| lines_of(c)).collect();
        let room = rows.saturating_sub(1).saturating_sub(lines.len());
        lines.extend(passed.iter().take(room).map(|c| check_line(c, true)));
        let rest: Vec<String> = passed
            .iter()
            .skip(room)
            .map(|c| {
                c.number
                    .map(|n| format!("#{n}"))
                    .unwrap_or_else(|| c.title.to_string())
            })
            .collect();
        if !rest.is_empty() {
            lines.truncate(rows.saturating_sub(1));
            lines.push(Line::from(vec![
                Span::raw(" "),
                Span::styled("✓", OK),
                Span::styled(format!(" also passed: {}", rest.join(", ")), DIM),
            ]));
        }
        lines
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::sample;

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn the_user_detail_names_what_narrow_columns_hide() {
        let mut user = sample::user(3);
        user.is_static_ip = true;
        user.client_ip = "10.10.0.50".into();
        let line = user_detail(&user, 69).unwrap();
        assert_eq!(
            text(&line),
            "user00003@example.com · 10.10.0.50 static · 2000 Kb · enabled"
        );
        assert!(
            user_detail(&user, USERS_ALL_COLUMNS).is_none(),
            "all columns shown"
        );
    }

    #[test]
    fn a_field_that_does_not_fit_is_left_out_whole() {
        let mut user = sample::user(3);
        user.client_ip = String::new();
        let line = user_detail(&user, 47).unwrap();
        assert_eq!(
            text(&line),
            "user00003@example.com · no IP dynamic · 2000 Kb"
        );
        let line = user_detail(&user, 30).unwrap();
        assert_eq!(text(&line), "user00003@example.com");
    }
}
