//! A table of entries edited in one form: the staff, the phases, the watch list, the custom
//! KPIs, the budgets by period. Each row is a line of inputs, blank rows add entries, a row
//! left empty is removed; the table is posted whole and stored with its section as one change
//! (`Change::Sections`), so it is saved entirely or not at all. A refusal goes beside the cell
//! it names: the store's `radar[2].ring` is the ring of the third row kept.

use maud::{Markup, html};
use serde_json::Value;
use sextant_core::unit::DecimalMark;

use super::form::{Errors, FormData, json_number};
use crate::error::ApiError;

/// What a column's cells hold.
#[derive(Debug, Clone)]
pub enum Cell {
    /// Text.
    Text,
    /// A number (thousands separators accepted).
    Number,
    /// A percentage typed as people write it (`40` or `40%` is 0.4).
    Percent,
    /// A month, in any spelling the period parser reads.
    Month,
    /// One of a list of (value, label).
    Select(Vec<(String, String)>),
    /// A list typed with commas between its items.
    Words,
    /// A value carried unseen (an entry's id, which others refer to).
    Hidden,
}

/// A column of the table.
#[derive(Debug, Clone)]
pub struct Column {
    /// The entry's field.
    pub name: &'static str,
    /// Its heading.
    pub label: &'static str,
    /// What it holds.
    pub cell: Cell,
}

impl Column {
    /// A column.
    pub const fn new(name: &'static str, label: &'static str, cell: Cell) -> Column {
        Column { name, label, cell }
    }
}

/// The form field of a cell.
pub fn field(column: &str, row: usize) -> String {
    format!("{column}.{row}")
}

/// The table with `rows` (values in the columns' order) and `blank` empty rows to add to.
pub fn table(
    caption: &str,
    columns: &[Column],
    rows: &[Vec<String>],
    blank: usize,
    errors: &Errors,
) -> Markup {
    let shown: Vec<&Column> = columns
        .iter()
        .filter(|c| !matches!(c.cell, Cell::Hidden))
        .collect();
    let empty = vec![String::new(); columns.len()];
    html! {
        div.scroll tabindex="0" {
            table.rows {
                caption { (caption) }
                thead { tr { @for c in &shown { th scope="col" { (c.label) } } } }
                tbody {
                    @for (i, values) in rows.iter().chain(std::iter::repeat_n(&empty, blank)).enumerate() {
                        tr {
                            @for (c, value) in columns.iter().zip(values) {
                                @let name = field(c.name, i);
                                @let id = format!("f-{name}");
                                @let msgs = errors.of(&name);
                                @let invalid = (!msgs.is_empty()).then_some("true");
                                @let label = format!("{} of row {}", c.label, i + 1);
                                @let err_id = format!("{id}-error");
                                @let described = (!msgs.is_empty()).then_some(err_id.as_str());
                                @match &c.cell {
                                    Cell::Hidden => { input type="hidden" name=(name) value=(value); }
                                    cell => {
                                        td.invalid[!msgs.is_empty()] {
                                            label.visually-hidden for=(id) { (label) }
                                            @match cell {
                                                Cell::Select(options) => {
                                                    select id=(id) name=(name) aria-invalid=[invalid] aria-describedby=[described] {
                                                        @for (v, l) in options {
                                                            option value=(v) selected[*v == *value] { (l) }
                                                        }
                                                    }
                                                }
                                                Cell::Number | Cell::Percent => {
                                                    input type="text" inputmode="decimal" id=(id) name=(name) value=(value)
                                                        size="8" aria-invalid=[invalid] aria-describedby=[described];
                                                }
                                                _ => {
                                                    input type="text" id=(id) name=(name) value=(value)
                                                        aria-invalid=[invalid] aria-describedby=[described];
                                                }
                                            }
                                            @if !msgs.is_empty() {
                                                p.field-error id=(err_id) { @for m in msgs { (m) " " } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The rows posted, each with its form row number, in order; a row whose every cell typed
/// into is empty is left out (that is how a row is removed: a choice from a list always has a
/// value, so it does not keep a row).
pub fn posted(f: &FormData, columns: &[Column]) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for i in 0.. {
        if !columns.iter().any(|c| f.sent(&field(c.name, i))) {
            break;
        }
        let values: Vec<String> = columns
            .iter()
            .map(|c| f.get(&field(c.name, i)).trim().to_string())
            .collect();
        let blank = columns
            .iter()
            .zip(&values)
            .all(|(c, v)| matches!(c.cell, Cell::Hidden | Cell::Select(_)) || v.is_empty());
        if !blank {
            out.push((i, values));
        }
    }
    out
}

/// The JSON of one cell of form row `row` (`None` when empty); a value that cannot be read
/// gets a message beside its cell.
pub fn value(
    f: &FormData,
    column: &Column,
    row: usize,
    mark: DecimalMark,
    errors: &mut Errors,
) -> Option<Value> {
    let name = field(column.name, row);
    let raw = f.get(&name).trim();
    if raw.is_empty() {
        return None;
    }
    match &column.cell {
        Cell::Text | Cell::Hidden | Cell::Select(_) => Some(Value::from(raw)),
        Cell::Number => f.number_in(&name, mark, errors).map(json_number),
        Cell::Percent => {
            let x = f.number_in(&name, mark, errors)?;
            // `40%` is read as 0.4 already; a bare `40` means 40 per cent too.
            Some(json_number(if raw.ends_with('%') { x } else { x / 100.0 }))
        }
        Cell::Month => f.month(&name, errors).map(Value::from),
        Cell::Words => Some(Value::from(
            raw.split(',')
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(Value::from)
                .collect::<Vec<_>>(),
        )),
    }
}

/// A row's cells as an entry: every non-empty cell under its field.
pub fn entry(
    f: &FormData,
    columns: &[Column],
    row: usize,
    mark: DecimalMark,
    errors: &mut Errors,
) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    for c in columns {
        if let Some(v) = value(f, c, row, mark, errors) {
            m.insert(c.name.into(), v);
        }
    }
    m
}

/// A stored entry's cells, in the columns' order (a percentage as people write it: `40`).
pub fn cells(stored: &Value, columns: &[Column]) -> Vec<String> {
    columns
        .iter()
        .map(|c| match (stored.get(c.name), &c.cell) {
            (None | Some(Value::Null), _) => String::new(),
            (Some(Value::String(s)), _) => s.clone(),
            (Some(Value::Array(items)), _) => items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(", "),
            (Some(Value::Number(n)), Cell::Percent) => {
                super::form::num_value(n.as_f64().map(|x| (x * 1e6).round() / 1e4))
            }
            (Some(Value::Number(n)), _) => super::form::num_value(n.as_f64()),
            (Some(other), _) => other.to_string(),
        })
        .collect()
}

/// The cells as posted, for the form shown again after a refusal.
pub fn typed(f: &FormData, columns: &[Column]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for i in 0.. {
        if !columns.iter().any(|c| f.sent(&field(c.name, i))) {
            break;
        }
        out.push(
            columns
                .iter()
                .map(|c| f.get(&field(c.name, i)).to_string())
                .collect(),
        );
    }
    out
}

/// Puts the store's refusal of a table beside its cells: a problem at `{section}[k].{field}`
/// goes beside `field` of the form row that became entry `k` (`kept[k]`); others above the
/// form, in words.
pub fn refused(
    errors: &mut Errors,
    e: ApiError,
    section: &str,
    columns: &[Column],
    kept: &[usize],
) {
    let ApiError::Invalid(detail, problems) = e else {
        errors.general(e.detail());
        return;
    };
    if problems.is_empty() {
        errors.general(detail);
    }
    let prefix = format!("{section}[");
    for p in problems {
        let mut message = p.message.clone();
        if let Some(h) = &p.hint {
            message = format!("{message} ({h})");
        }
        let at = p.path.strip_prefix(&prefix).and_then(|rest| {
            let (k, rest) = rest.split_once(']')?;
            let k: usize = k.parse().ok()?;
            let name = rest.trim_start_matches('.');
            let name = name.split(['.', '[']).next().unwrap_or(name);
            let column = columns.iter().find(|c| c.name == name)?;
            Some((kept.get(k).copied()?, column))
        });
        match at {
            Some((row, c)) if !matches!(c.cell, Cell::Hidden) => {
                errors.add(&field(c.name, row), message);
            }
            Some((row, _)) => errors.general(format!("row {}: {message}", row + 1)),
            None => errors.general(message),
        }
    }
}

/// An id for a new entry made from its name (`Point of sale` -> `point-of-sale`), not one of
/// `taken` (`-2`, `-3`... added).
pub fn id_from(name: &str, taken: &[String]) -> String {
    let mut base = String::new();
    for ch in name.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphanumeric() {
            base.push(ch);
        } else if !base.is_empty() && !base.ends_with('-') {
            base.push('-');
        }
    }
    let mut base = base.trim_end_matches('-').to_string();
    base.truncate(48);
    let base = base.trim_end_matches('-').to_string();
    let base = if base.is_empty() {
        "item".to_string()
    } else {
        base
    };
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains(&id) || id == "new" {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_made_from_names_and_never_taken() {
        assert_eq!(id_from("Point of sale", &[]), "point-of-sale");
        assert_eq!(id_from("  Café  & Bar!", &[]), "caf-bar");
        assert_eq!(id_from("!!!", &[]), "item");
        assert_eq!(id_from("New", &[]), "new-2");
        let taken = vec!["crm".to_string(), "crm-2".to_string()];
        assert_eq!(id_from("CRM", &taken), "crm-3");
    }
}
