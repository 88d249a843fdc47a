//! Where a data file's bytes come from ([`Source`]: a path, standard input, or bytes already in
//! memory), the name its errors go by, and the options it is read with ([`Options`]).
//!
//! Every reader takes a source, so the server parses a stored data set straight from the
//! database's bytes and the CLI reads its files and standard input; a path converts into a
//! source (`From<&Path>`), so the path-taking calls of before still read a file.

use std::fmt;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use sextant_metrics::records::Survey;

use crate::{DateOrder, ImportError};

/// A data file to read: where its bytes are, how they are laid out, and the name every error
/// about it gives (the file's path in the CLI, the data set's name on the server).
#[derive(Clone)]
pub struct Source {
    name: String,
    format: Format,
    origin: Origin,
}

/// Where a source's bytes are.
#[derive(Clone)]
enum Origin {
    /// A file.
    Path(PathBuf),
    /// Standard input (read once).
    Stdin,
    /// Bytes in memory.
    Bytes(Bytes),
}

/// How a source's bytes are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text (CSV; the delimiter recognised or given).
    Csv,
    /// A workbook: XLSX, XLSM, XLS or ODS.
    Workbook,
    /// A worksheet's rows as read ([`crate::sheet::rows`]), which read exactly as the sheet.
    Rows,
}

impl Format {
    /// The format a file name says, by its extension: a workbook's, a rows file's
    /// ([`crate::sheet::ROWS_EXTENSION`]), CSV otherwise.
    pub fn of_name(name: &str) -> Format {
        let path = Path::new(name);
        if crate::sheet::is_workbook(path) {
            Format::Workbook
        } else if crate::sheet::is_rows_file(path) {
            Format::Rows
        } else {
            Format::Csv
        }
    }
}

/// Something both readable and seekable, for the spreadsheet library.
pub(crate) trait ReadSeek: Read + Seek + Send {}

impl<T: Read + Seek + Send> ReadSeek for T {}

impl Source {
    /// A file, named by its path; its format by its extension. The path `-` is standard input
    /// (CSV).
    pub fn path(path: impl Into<PathBuf>) -> Source {
        let path = path.into();
        let name = path.display().to_string();
        if path.as_os_str() == "-" {
            return Source {
                name,
                format: Format::Csv,
                origin: Origin::Stdin,
            };
        }
        Source {
            format: Format::of_name(&name),
            name,
            origin: Origin::Path(path),
        }
    }

    /// Bytes in memory, named `name` in errors; their format by the name's extension (a
    /// workbook's, or CSV).
    pub fn bytes(name: impl Into<String>, bytes: impl Into<Bytes>) -> Source {
        let name = name.into();
        Source {
            format: Format::of_name(&name),
            name,
            origin: Origin::Bytes(bytes.into()),
        }
    }

    /// A worksheet's rows as read ([`crate::sheet::rows`]) in memory, named `name` in errors
    /// (the workbook's name: they read as its sheet).
    pub fn rows(name: impl Into<String>, bytes: impl Into<Bytes>) -> Source {
        Source {
            name: name.into(),
            format: Format::Rows,
            origin: Origin::Bytes(bytes.into()),
        }
    }

    /// The same bytes read as `format`, whatever the name says.
    pub fn in_format(self, format: Format) -> Source {
        Source { format, ..self }
    }

    /// The same bytes under another name.
    pub fn named(self, name: impl Into<String>) -> Source {
        Source {
            name: name.into(),
            ..self
        }
    }

    /// The name its errors give.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How its bytes are laid out.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether it is standard input, which can be read only once.
    pub fn is_stdin(&self) -> bool {
        matches!(self.origin, Origin::Stdin)
    }

    /// Its bytes, read from the start.
    pub(crate) fn reader(&self) -> Result<Box<dyn Read + Send>, ImportError> {
        Ok(match &self.origin {
            Origin::Path(p) => Box::new(std::fs::File::open(p).map_err(io)?),
            Origin::Stdin => Box::new(std::io::stdin()),
            Origin::Bytes(b) => Box::new(Cursor::new(b.clone())),
        })
    }

    /// Its bytes, readable and seekable (for a workbook).
    pub(crate) fn seekable(&self) -> Result<Box<dyn ReadSeek>, ImportError> {
        Ok(match &self.origin {
            Origin::Path(p) => Box::new(BufReader::new(std::fs::File::open(p).map_err(io)?)),
            Origin::Stdin => {
                return Err(ImportError::Format(
                    "a workbook cannot be read from standard input; name the file".into(),
                ));
            }
            Origin::Bytes(b) => Box::new(Cursor::new(b.clone())),
        })
    }
}

fn io(e: std::io::Error) -> ImportError {
    ImportError::Io(e.to_string())
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = match &self.origin {
            Origin::Path(p) => format!("{}", p.display()),
            Origin::Stdin => "standard input".into(),
            Origin::Bytes(b) => format!("{} bytes", b.len()),
        };
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("format", &self.format)
            .field("from", &origin)
            .finish()
    }
}

impl From<&Path> for Source {
    fn from(p: &Path) -> Source {
        Source::path(p)
    }
}

impl From<&PathBuf> for Source {
    fn from(p: &PathBuf) -> Source {
        Source::path(p.as_path())
    }
}

impl From<PathBuf> for Source {
    fn from(p: PathBuf) -> Source {
        Source::path(p)
    }
}

impl From<&Source> for Source {
    fn from(s: &Source) -> Source {
        s.clone()
    }
}

/// Import settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `field=Header` overrides of the recognised columns.
    pub map: Vec<(String, String)>,
    /// The order of day and month in numeric dates, when the data does not settle it.
    pub date_order: Option<DateOrder>,
    /// Read `1.234,50` as one thousand two hundred and thirty-four and a half.
    pub decimal_comma: bool,
    /// Import the good rows and report the bad ones, instead of refusing the file.
    pub skip_bad_rows: bool,
    /// For surveys without a `survey` column: which survey the answers belong to.
    pub survey: Option<Survey>,
    /// Worksheet of an XLSX file (default: the first).
    pub sheet: Option<String>,
    /// The delimiter of a CSV file: `,`, `;` or a tab (default: recognised from the first
    /// lines).
    pub delimiter: Option<u8>,
    /// The line (CSV) or sheet row (XLSX) of the header, 1-based, for a header below title
    /// rows. Without it, leading rows with at most one filled cell (titles) are passed over.
    pub header_row: Option<u64>,
    /// Whether to stop (the import's client left): checked every few thousand rows, and while
    /// a workbook is unpacked and read.
    pub stop: Stop,
}

/// Whether an import should stop; never, by default.
#[derive(Clone, Default)]
pub struct Stop(Option<std::sync::Arc<dyn Fn() -> bool + Send + Sync>>);

impl Stop {
    /// Stops when `f` says so.
    pub fn new(f: impl Fn() -> bool + Send + Sync + 'static) -> Stop {
        Stop(Some(std::sync::Arc::new(f)))
    }

    /// True once the import should stop.
    pub fn stopped(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f())
    }
}

impl fmt::Debug for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Stop(..)"
        } else {
            "Stop(never)"
        })
    }
}
