//! A list that loads page by page, filters, and keeps its selection by ID.
//!
//! The selection is the selected item's key (RegionId, SmartAGId, UserName), never a row
//! number: a reload that brings the rows back in another order, or with rows added above,
//! leaves the cursor on the same account. The cursor position is only a cache of where that
//! key sits in the filtered view.

use std::cell::Cell;

use crate::api::model::{ClientUser, Region, SmartAccessGateway};

/// What a list needs of its items.
pub trait Keyed {
    /// The ID the selection is kept by.
    fn key(&self) -> &str;
    /// Whether the item matches a filter, given in lower case.
    fn matches(&self, needle: &str) -> bool;
}

fn contains_lower(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(needle)
}

impl Keyed for Region {
    fn key(&self) -> &str {
        &self.region_id
    }

    fn matches(&self, needle: &str) -> bool {
        contains_lower(&self.region_id, needle) || contains_lower(&self.local_name, needle)
    }
}

impl Keyed for SmartAccessGateway {
    fn key(&self) -> &str {
        &self.smart_ag_id
    }

    fn matches(&self, needle: &str) -> bool {
        contains_lower(&self.smart_ag_id, needle)
            || contains_lower(&self.name, needle)
            || contains_lower(&self.cidr_block, needle)
    }
}

impl Keyed for ClientUser {
    fn key(&self) -> &str {
        &self.user_name
    }

    fn matches(&self, needle: &str) -> bool {
        contains_lower(&self.user_name, needle)
            || contains_lower(&self.user_mail, needle)
            || contains_lower(&self.client_ip, needle)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Load {
    /// Never asked for.
    #[default]
    Idle,
    /// A request is out; rows may already have arrived.
    Loading,
    /// Every page arrived.
    Complete,
    /// The listing ended with an error (the rows before it stay).
    Failed,
}

pub struct List<T> {
    items: Vec<T>,
    /// `TotalCount` of the first page.
    pub total: Option<u64>,
    pub load: Load,
    /// The request the rows belong to; a reply with another number is stale.
    pub request: u64,
    pub error: Option<String>,
    filter: String,
    /// Whether the filter is being typed.
    pub editing_filter: bool,
    /// Indices of the items the filter lets through; `None` when there is no filter.
    view: Option<Vec<usize>>,
    selected: Option<String>,
    /// Position of the selected item in the view, when it is there.
    cursor: Option<usize>,
    /// The first visible row, kept by the drawing code between frames.
    pub offset: Cell<usize>,
    /// Rows visible in the last frame (for PgUp/PgDn).
    pub height: Cell<usize>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List {
            items: Vec::new(),
            total: None,
            load: Load::Idle,
            request: 0,
            error: None,
            filter: String::new(),
            editing_filter: false,
            view: None,
            selected: None,
            cursor: None,
            offset: Cell::new(0),
            height: Cell::new(10),
        }
    }
}

impl<T: Keyed> List<T> {
    /// Starts request `request`: the rows are cleared, the selection's key is kept, to be found
    /// again when its row arrives.
    pub fn begin(&mut self, request: u64) {
        self.items.clear();
        self.view = self.view.as_ref().map(|_| Vec::new());
        self.cursor = None;
        self.total = None;
        self.error = None;
        self.load = Load::Loading;
        self.request = request;
    }

    /// Forgets everything, the selection included (another region or instance was opened).
    pub fn reset(&mut self, request: u64) {
        self.selected = None;
        self.filter.clear();
        self.editing_filter = false;
        self.view = None;
        self.offset.set(0);
        self.begin(request);
    }

    /// Empties the list and forgets the selection; nothing is being asked for.
    pub fn clear(&mut self) {
        self.reset(0);
        self.load = Load::Idle;
    }

    /// Adds the rows of one page.
    pub fn append(&mut self, rows: Vec<T>, total: u64) {
        if self.total.is_none() {
            self.total = Some(total);
        }
        let start = self.items.len();
        self.items.extend(rows);

        let needle = self.filter.to_lowercase();
        if let Some(view) = &mut self.view {
            for (i, item) in self.items.iter().enumerate().skip(start) {
                if item.matches(&needle) {
                    view.push(i);
                }
            }
        }

        if self.cursor.is_none() {
            match &self.selected {
                Some(_) => self.find_selected(),
                None if !self.is_empty() => self.select_position(0),
                None => {}
            }
        }
    }

    /// Every page arrived. A selected key that never came back gives way to the first row.
    pub fn complete(&mut self) {
        self.load = Load::Complete;
        if let Some(total) = self.total {
            // The server's count may change while paging; what arrived is what there is.
            if total != self.items.len() as u64 {
                self.total = Some(self.items.len() as u64);
            }
        } else {
            self.total = Some(self.items.len() as u64);
        }
        if self.cursor.is_none() && !self.is_empty() {
            self.select_position(0);
        }
    }

    pub fn fail(&mut self, error: String) {
        self.load = Load::Failed;
        self.error = Some(error);
    }

    /// Rows in the (filtered) view.
    pub fn len(&self) -> usize {
        match &self.view {
            Some(v) => v.len(),
            None => self.items.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows loaded, filter or not.
    pub fn loaded(&self) -> usize {
        self.items.len()
    }

    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The row at `position` of the view.
    pub fn get(&self, position: usize) -> Option<&T> {
        match &self.view {
            Some(v) => v.get(position).and_then(|&i| self.items.get(i)),
            None => self.items.get(position),
        }
    }

    pub fn find(&self, key: &str) -> Option<&T> {
        self.items.iter().find(|i| i.key() == key)
    }

    pub fn cursor(&self) -> Option<usize> {
        self.cursor
    }

    pub fn selected_key(&self) -> Option<&str> {
        self.selected.as_deref()
    }

    pub fn selected(&self) -> Option<&T> {
        self.cursor.and_then(|c| self.get(c))
    }

    /// Selects by key; when the row is not loaded yet, it is selected when it arrives.
    pub fn select_key(&mut self, key: &str) {
        self.selected = Some(key.to_string());
        self.find_selected();
    }

    fn find_selected(&mut self) {
        let Some(key) = self.selected.as_deref() else {
            self.cursor = None;
            return;
        };
        self.cursor = (0..self.len()).find(|&p| self.get(p).is_some_and(|i| i.key() == key));
    }

    fn select_position(&mut self, position: usize) {
        let key = self.get(position).map(|i| i.key().to_string());
        if let Some(key) = key {
            self.selected = Some(key);
            self.cursor = Some(position);
        }
    }

    /// Moves the cursor by `delta` rows, clamped to the view.
    pub fn move_by(&mut self, delta: isize) {
        if self.is_empty() {
            return;
        }
        let last = self.len() - 1;
        let next = match self.cursor {
            None => 0,
            Some(c) if delta < 0 => c.saturating_sub(delta.unsigned_abs()),
            Some(c) => (c + delta as usize).min(last),
        };
        self.select_position(next);
    }

    pub fn top(&mut self) {
        if !self.is_empty() {
            self.select_position(0);
        }
    }

    pub fn bottom(&mut self) {
        if !self.is_empty() {
            self.select_position(self.len() - 1);
        }
    }

    pub fn page(&mut self, down: bool) {
        let rows = self.height.get().max(1) as isize;
        self.move_by(if down { rows } else { -rows });
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn set_filter(&mut self, filter: &str) {
        self.filter = filter.to_string();
        if filter.is_empty() {
            self.view = None;
        } else {
            let needle = filter.to_lowercase();
            self.view = Some(
                self.items
                    .iter()
                    .enumerate()
                    .filter(|(_, item)| item.matches(&needle))
                    .map(|(i, _)| i)
                    .collect(),
            );
        }
        self.offset.set(0);
        self.find_selected();
        if self.cursor.is_none() && !self.is_empty() {
            self.select_position(0);
        }
    }

    /// The rows to draw in `rows` lines: the first row's position and the rows, with the
    /// cursor kept in view. Builds nothing for rows that are not visible.
    pub fn visible(&self, rows: usize) -> (usize, impl Iterator<Item = (usize, &T)>) {
        self.height.set(rows);
        let len = self.len();
        let mut offset = self.offset.get().min(len.saturating_sub(rows.max(1)));
        if let Some(c) = self.cursor {
            if c < offset {
                offset = c;
            } else if rows > 0 && c >= offset + rows {
                offset = c + 1 - rows;
            }
        }
        self.offset.set(offset);
        let end = (offset + rows).min(len);
        (
            offset,
            (offset..end).filter_map(move |p| self.get(p).map(|i| (p, i))),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> ClientUser {
        ClientUser {
            user_name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn filter_keeps_selection_when_it_matches() {
        let mut l = List::default();
        l.begin(1);
        l.append(vec![user("alice"), user("bob"), user("carol")], 3);
        l.select_key("carol");
        l.set_filter("CAR");
        assert_eq!(l.len(), 1);
        assert_eq!(l.selected().map(|u| u.user_name.as_str()), Some("carol"));
        l.set_filter("");
        assert_eq!(l.cursor(), Some(2));
    }

    #[test]
    fn visible_builds_only_the_window() {
        let mut l = List::default();
        l.begin(1);
        l.append((0..1000).map(|i| user(&format!("u{i:04}"))).collect(), 1000);
        l.select_key("u0500");
        let (first, rows) = l.visible(10);
        let rows: Vec<_> = rows.collect();
        assert_eq!(rows.len(), 10);
        assert!(first <= 500 && 500 < first + 10);
    }
}
