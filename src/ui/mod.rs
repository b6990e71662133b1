//! Drawing: pure functions from `&App` to a ratatui `Frame`.
