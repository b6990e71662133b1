//! The keymap: which key does what, in one table that the key handling, the hint line and the
//! help overlay all read, so that they cannot disagree.

/// A key press, as the app sees it (the terminal layer translates its own events).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Up,
    Down,
    Left,
    Right,
    Enter,
    Esc,
    Tab,
    BackTab,
    PageUp,
    PageDown,
    Home,
    End,
    Backspace,
    CtrlC,
}

/// What a key asks for, before the context decides what that means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Up,
    Down,
    Left,
    Right,
    NextPane,
    PrevPane,
    Enter,
    Back,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Filter,
    Reload,
    Roam,
    Help,
    Quit,
}

/// One row of the keymap: the keys, how the help shows them, what they do.
pub struct Binding {
    pub keys: &'static [Key],
    pub label: &'static str,
    pub command: Command,
    pub help: &'static str,
}

pub const KEYMAP: &[Binding] = &[
    Binding {
        keys: &[Key::Up, Key::Char('k')],
        label: "↑/k",
        command: Command::Up,
        help: "move up",
    },
    Binding {
        keys: &[Key::Down, Key::Char('j')],
        label: "↓/j",
        command: Command::Down,
        help: "move down",
    },
    Binding {
        keys: &[Key::Left, Key::Char('h')],
        label: "←/h",
        command: Command::Left,
        help: "pane to the left",
    },
    Binding {
        keys: &[Key::Right, Key::Char('l')],
        label: "→/l",
        command: Command::Right,
        help: "pane to the right",
    },
    Binding {
        keys: &[Key::Tab],
        label: "Tab",
        command: Command::NextPane,
        help: "next pane (next field in the dialog)",
    },
    Binding {
        keys: &[Key::BackTab],
        label: "S-Tab",
        command: Command::PrevPane,
        help: "previous pane (previous field)",
    },
    Binding {
        keys: &[Key::Enter],
        label: "Enter",
        command: Command::Enter,
        help: "open the selection; press the focused button",
    },
    Binding {
        keys: &[Key::Esc],
        label: "Esc",
        command: Command::Back,
        help: "back; clear the filter; close the dialog",
    },
    Binding {
        keys: &[Key::Char('g'), Key::Home],
        label: "g",
        command: Command::Top,
        help: "first row",
    },
    Binding {
        keys: &[Key::Char('G'), Key::End],
        label: "G",
        command: Command::Bottom,
        help: "last row",
    },
    Binding {
        keys: &[Key::PageUp],
        label: "PgUp",
        command: Command::PageUp,
        help: "a page up",
    },
    Binding {
        keys: &[Key::PageDown],
        label: "PgDn",
        command: Command::PageDown,
        help: "a page down",
    },
    Binding {
        keys: &[Key::Char('/')],
        label: "/",
        command: Command::Filter,
        help: "filter the focused list (Enter keeps it, Esc clears)",
    },
    Binding {
        keys: &[Key::Char('R')],
        label: "R",
        command: Command::Reload,
        help: "reload the focused list",
    },
    Binding {
        keys: &[Key::Char('r')],
        label: "r",
        command: Command::Roam,
        help: "roam the selected user to another region",
    },
    Binding {
        keys: &[Key::Char('?')],
        label: "?",
        command: Command::Help,
        help: "this help",
    },
    Binding {
        keys: &[Key::Char('q'), Key::CtrlC],
        label: "q",
        command: Command::Quit,
        help: "quit (also Ctrl-C)",
    },
];

pub fn command_for(key: Key) -> Option<Command> {
    KEYMAP
        .iter()
        .find(|b| b.keys.contains(&key))
        .map(|b| b.command)
}

pub fn label_of(command: Command) -> &'static str {
    KEYMAP
        .iter()
        .find(|b| b.command == command)
        .map(|b| b.label)
        .unwrap_or("")
}
