//! Imports a business's data from CSV and XLSX into typed records: orders, marketing
//! spend, web sessions, incidents, survey answers, system usage and the process inventory.
//!
//! Column headers are recognised whatever their case, spacing or punctuation, with synonyms
//! ("Order Date", "Customer ID", "Total"), and can be mapped by hand (`amount=Grand Total`).
//! Dates are read in ISO and common local forms; a file whose numeric dates could be day-first
//! or month-first is refused with the question rather than guessed. CSV is streamed row by
//! row with one reused buffer. Every bad row is reported with its line and column; an import
//! is all or nothing unless the caller asks to skip bad rows.
//!
//! A file is read from a [`Source`]: a path (the CLI's files and standard input) or bytes
//! already in memory (the server's stored data sets), with the name its errors go by. The
//! modules, by concern:
//!
//! - [`kinds`]: the kinds of data, their fields and the headers that name them;
//! - [`source`]: where the bytes come from, and the options they are read with;
//! - [`rows`]: a source as a header and rows (CSV with its delimiter and title rows found, or a
//!   worksheet read on a thread of its own), each row checked before its cells are read;
//! - [`read`](mod@read): rows into typed records of any kind, with the report of what was read;
//! - [`orders`]: the fast path for orders, accumulated on parallel threads;
//! - [`error`]: why a file or a row could not be imported;
//! - [`assets`]: an asset list for the lifecycle (into `sextant_core::asset::Asset`);
//! - [`batch`], [`clv`]: several files imported together; orders for the CLV models;
//! - [`sheet`]: workbooks within limits; [`parse`]: dates, money and yes/no.

pub mod assets;
pub mod batch;
mod blocks;
pub mod clv;
pub mod error;
pub mod kinds;
pub mod orders;
pub mod parse;
pub mod read;
pub mod rows;
pub mod sheet;
pub mod source;

pub use error::{ImportError, RowProblem};
pub use kinds::{Field, Kind, normalise};
pub use orders::{read_orders, read_orders_in};
pub use parse::DateOrder;
pub use read::{Data, Interners, MAX_REPEATS_LISTED, Record, Report, read};
pub use rows::{Sample, headers, sample};
pub use source::{Format, Options, Source, Stop};

pub(crate) use rows::SheetRow;
