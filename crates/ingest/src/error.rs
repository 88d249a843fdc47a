//! Why a file could not be imported ([`ImportError`]), and one bad cell ([`RowProblem`]).

use std::fmt;

use crate::Kind;

/// One bad cell.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowProblem {
    /// Line in the file (1-based; the header is line 1 when it is the first line).
    pub line: u64,
    /// Column (1-based).
    pub column: usize,
    /// The field.
    pub field: &'static str,
    /// The column's header.
    pub header: String,
    /// What was expected.
    pub expected: String,
    /// What was found.
    pub found: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.header.is_empty() {
            return write!(
                f,
                "line {}, column {}: expected {}, found {}",
                self.line, self.column, self.expected, self.found
            );
        }
        write!(
            f,
            "line {}, column {} ({} from {:?}): expected {}, found {}",
            self.line, self.column, self.field, self.header, self.expected, self.found
        )
    }
}

/// Why a file could not be imported.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// The file could not be read.
    Io(String),
    /// The file is not valid CSV or XLSX.
    Format(String),
    /// The file has no header row.
    Empty,
    /// `--header-row` names a line the file has no row on.
    NoHeaderRow {
        /// The line asked for.
        line: u64,
        /// The line the first row after it starts on, if any.
        next: Option<u64>,
    },
    /// Required fields have no column.
    MissingColumns {
        /// The fields missing.
        missing: Vec<&'static str>,
        /// The headers found.
        headers: Vec<String>,
        /// The kind of data.
        kind: Kind,
    },
    /// A `--map` names a field or a header that does not exist.
    BadMap(String),
    /// Numeric dates could be day-first or month-first.
    AmbiguousDates {
        /// The column.
        header: String,
        /// Examples of ambiguous values.
        examples: Vec<String>,
    },
    /// Rows with problems (all of them, when not skipping).
    BadRows(Vec<RowProblem>),
    /// A workbook beyond a limit of [`crate::sheet`] (its size unpacked, its rows, cells or text).
    Limit(String),
    /// The import was stopped ([`crate::Options::stop`]).
    Stopped,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Io(e) => write!(f, "cannot read the file: {e}"),
            ImportError::Format(e) => write!(f, "not a readable CSV or XLSX file: {e}"),
            ImportError::Empty => write!(f, "the file is empty: expected a header row"),
            ImportError::NoHeaderRow { line, next } => match next {
                Some(n) => write!(
                    f,
                    "--header-row {line}: expected a header row on line {line}, found none (line {line} is blank or inside a quoted value); the next row is on line {n}"
                ),
                None => write!(
                    f,
                    "--header-row {line}: expected a header row on line {line}, found the end of the file"
                ),
            },
            ImportError::MissingColumns {
                missing,
                headers,
                kind,
            } => {
                let wanted: Vec<String> = missing
                    .iter()
                    .map(|m| {
                        let field = kind.fields().iter().find(|x| x.name == *m);
                        format!("`{m}` ({})", field.map_or("", |x| x.expected))
                    })
                    .collect();
                write!(
                    f,
                    "no column for {} in this {} file; found the columns {}. Map one with --map {}=\"Column name\"",
                    wanted.join(", "),
                    kind.name(),
                    headers
                        .iter()
                        .map(|h| format!("{h:?}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    missing.first().unwrap_or(&"field")
                )
            }
            ImportError::BadMap(e) => write!(f, "{e}"),
            ImportError::AmbiguousDates { header, examples } => write!(
                f,
                "the dates in column {header:?} could be day-first or month-first (e.g. {}); which is it? Say --date-order day-month (31/12/2027) or --date-order month-day (12/31/2027)",
                examples.join(", ")
            ),
            ImportError::Limit(m) => write!(f, "{m}"),
            ImportError::Stopped => write!(
                f,
                "the import was stopped before it finished (its client left, or the server is stopping)"
            ),
            ImportError::BadRows(rows) => {
                write!(f, "{} bad row(s); nothing was imported:", rows.len())?;
                for r in rows.iter().take(20) {
                    write!(f, "\n  {r}")?;
                }
                if rows.len() > 20 {
                    write!(f, "\n  ... and {} more", rows.len() - 20)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ImportError {}
