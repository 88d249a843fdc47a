//! Data set routes: uploading a business's data files (CSV or XLSX: orders, marketing spend,
//! sessions, incidents, surveys, usage, processes), which are read in full before they are
//! kept, all or nothing unless bad rows are to be skipped; listing, downloading, deleting.
//!
//! An upload is streamed to a staged file and checked there under the CPU budget; a stored
//! data set is read straight from the database's bytes ([`stored_files`]), never written out.

use std::collections::HashMap;
use std::path::PathBuf;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use sextant_ingest::batch::ImportFile;
use sextant_ingest::{DateOrder, Format, Kind, Options, Source, Stop};
use sextant_metrics::calendar::Granularity;
use sextant_metrics::records::Survey;
use sextant_store::{Dataset, DatasetContent, Role};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ApiResult, FieldProblem};
use crate::extract::{Caller, Path, Query};
use crate::orgs::{PageQuery, scope};
use crate::work::Cancel;

/// The largest upload taken, in bytes.
pub const MAX_UPLOAD: usize = 256 * 1024 * 1024;

/// The data set routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{org}/datasets",
            get(list)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/orgs/{org}/datasets/{id}", get(show).delete(remove))
        .route("/orgs/{org}/datasets/{id}/content", get(content))
}

/// How a data file is read; kept with it so that it is read the same way every time.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
pub struct ReadOptions {
    /// orders, marketing, sessions, incidents, surveys, usage or processes (recognised from
    /// the headers when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The file's name (its extension tells CSV from XLSX).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `day-month` or `month-day`, for numeric dates the data does not settle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_order: Option<String>,
    /// Numbers use a decimal comma (1.234,50).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub decimal_comma: bool,
    /// Keep the good rows and report the bad ones instead of refusing the file.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skip_bad_rows: bool,
    /// csat, nps or enps, for survey files without a survey column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<String>,
    /// Worksheet of an XLSX file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Columns for fields: `amount=Grand Total;date=Day`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<String>,
    /// The delimiter of a CSV file: `,`, `;` or `tab` (recognised from the first lines when
    /// absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// The line of the header (1-based), when title rows are above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_row: Option<u64>,
    /// `overlapping`: the stored data sets of the same kind that cover some of this file's
    /// days are deleted as it is stored, in one change (a new export in place of earlier
    /// ones). Without it they are kept, and the answer's `overlaps` names them: the days both
    /// cover are counted twice. Not kept with the file.
    #[serde(default, skip_serializing)]
    pub replace: Option<String>,
}

impl ReadOptions {
    /// The importer's options, the file's kind, and the column map.
    pub fn parse(&self) -> ApiResult<Reading> {
        let kind = match &self.kind {
            None => None,
            Some(k) => Some(Kind::parse(k).ok_or_else(|| {
                ApiError::field(
                    "kind",
                    format!(
                        "expected one of {}, found `{k}`",
                        Kind::ALL
                            .iter()
                            .map(|k| k.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?),
        };
        if let Some(r) = self.replace.as_deref().filter(|r| *r != "overlapping") {
            return Err(ApiError::field(
                "replace",
                format!("expected overlapping, found `{r}`"),
            ));
        }
        let date_order = match self.date_order.as_deref() {
            None => None,
            Some("day-month") => Some(DateOrder::DayMonth),
            Some("month-day") => Some(DateOrder::MonthDay),
            Some(o) => {
                return Err(ApiError::field(
                    "date_order",
                    format!("expected day-month or month-day, found `{o}`"),
                ));
            }
        };
        let survey = match self.survey.as_deref() {
            None => None,
            Some("csat") => Some(Survey::Csat),
            Some("nps") => Some(Survey::Nps),
            Some("enps") => Some(Survey::Enps),
            Some(o) => {
                return Err(ApiError::field(
                    "survey",
                    format!("expected csat, nps or enps, found `{o}`"),
                ));
            }
        };
        let delimiter = match self.delimiter.as_deref() {
            None => None,
            Some("," | "comma") => Some(b','),
            Some(";" | "semicolon") => Some(b';'),
            Some("\t" | "tab") => Some(b'\t'),
            Some(o) => {
                return Err(ApiError::field(
                    "delimiter",
                    format!("expected `,`, `;` or `tab`, found `{o}`"),
                ));
            }
        };
        if self.header_row == Some(0) {
            return Err(ApiError::field(
                "header_row",
                "expected a line number from 1, found 0".to_string(),
            ));
        }
        let mut map = Vec::new();
        for m in self
            .map
            .iter()
            .flat_map(|m| m.split(';'))
            .filter(|m| !m.trim().is_empty())
        {
            let (f, c) = m.split_once('=').ok_or_else(|| {
                ApiError::field(
                    "map",
                    format!("expected FIELD=COLUMN pairs separated by `;`, found `{m}`"),
                )
            })?;
            map.push((f.trim().to_string(), c.trim().to_string()));
        }
        Ok(Reading {
            options: Options {
                map: Vec::new(),
                date_order,
                decimal_comma: self.decimal_comma,
                skip_bad_rows: self.skip_bad_rows,
                survey,
                sheet: self.sheet.clone(),
                delimiter,
                header_row: self.header_row,
                stop: Stop::default(),
            },
            kind,
            map,
        })
    }

    /// Whether the file is a workbook (XLSX, XLSM, XLS, ODS), by its name.
    pub fn is_workbook(&self) -> bool {
        self.name
            .as_deref()
            .is_some_and(|n| sextant_ingest::sheet::is_workbook(std::path::Path::new(n)))
    }

    fn extension(&self) -> &'static str {
        if self.is_workbook() { ".xlsx" } else { ".csv" }
    }
}

/// How to read a file, checked.
pub struct Reading {
    /// The importer's options (without the column map).
    pub options: Options,
    /// The kind of data, when named.
    pub kind: Option<Kind>,
    /// Columns for fields.
    pub map: Vec<(String, String)>,
}

impl Reading {
    /// The options with the column map in them (for a file read alone).
    pub fn with_map(self) -> (Options, Option<Kind>) {
        let mut o = self.options;
        o.map = self.map;
        (o, self.kind)
    }
}

/// Where uploads are written as they arrive, for the importer: a directory of this process's
/// own (mode 0700, its files 0600) under a staging root, removed with everything in
/// it when the process ends; what a killed process left behind is removed when the next one
/// starts.
///
/// Only uploads are staged, for a reason: one may be 256 MiB ([`MAX_UPLOAD`]), and a page's
/// preview keeps it until "Import" for up to an hour, so it waits on disk rather than in
/// memory. Stored data sets are never staged: they are read from the database's bytes.
///
/// The root is `uploads` beside a SQLite database file (`<db dir>/uploads`, mode 0700), and the
/// operating system's temporary directory otherwise (PostgreSQL, an in-memory database), where
/// each process's directory is named `sextant-uploads-*`. A directory belongs to a running
/// process while that process holds the lock on its `.lock` file (several instances may share
/// one root); one whose lock nobody holds is a dead process's, and goes.
#[derive(Debug)]
pub struct Staging {
    dir: tempfile::TempDir,
    _lock: std::fs::File,
}

/// Where this process stages files: set by [`Staging::configure`] when the server starts, the
/// temporary directory's root otherwise.
static STAGING: std::sync::OnceLock<Result<std::sync::Arc<Staging>, String>> =
    std::sync::OnceLock::new();

impl Staging {
    /// The staging root for a database URL, and the prefix of each process's directory in it.
    pub fn root_for(database_url: &str) -> (PathBuf, &'static str, bool) {
        if let Some(file) = sextant_store::sqlite_file(database_url) {
            let dir = file
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            return (dir.join("uploads"), "run-", true);
        }
        (std::env::temp_dir(), "sextant-uploads-", false)
    }

    /// Stages this process's files under the root for `database_url` (see [`Staging`]); what
    /// earlier processes left there is removed. Called once, when the server starts.
    pub fn configure(database_url: &str) -> std::io::Result<()> {
        let (root, prefix, own) = Staging::root_for(database_url);
        let staging = Staging::open(&root, prefix, own).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("staging directory for uploads in {}: {e}", root.display()),
            )
        })?;
        tracing::info!(dir = %staging.dir().display(), "uploads are staged here");
        if STAGING.set(Ok(std::sync::Arc::new(staging))).is_err() {
            tracing::warn!("the staging directory was already chosen; keeping it");
        }
        Ok(())
    }

    /// The staging of this process.
    pub fn shared() -> ApiResult<std::sync::Arc<Staging>> {
        STAGING
            .get_or_init(|| {
                let (root, prefix, own) = Staging::root_for("");
                Staging::open(&root, prefix, own)
                    .map(std::sync::Arc::new)
                    .map_err(|e| format!("no staging directory in {}: {e}", root.display()))
            })
            .clone()
            .map_err(ApiError::Internal)
    }

    /// A directory of this process's own under `root` (named `prefix...`), first removing those
    /// of processes no longer running. With `own_root`, `root` itself is created (mode 0700)
    /// when missing and must be a directory of this user's, not a link.
    pub fn open(root: &std::path::Path, prefix: &str, own_root: bool) -> std::io::Result<Staging> {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
        let refuse = |what: String| std::io::Error::new(std::io::ErrorKind::PermissionDenied, what);
        if own_root {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(root)?;
            let m = std::fs::symlink_metadata(root)?;
            if !m.is_dir() {
                return Err(refuse(format!(
                    "{}: expected a directory, found a link or a file",
                    root.display()
                )));
            }
        }
        let dir = tempfile::Builder::new()
            .prefix(prefix)
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir_in(root)?;
        let lock_path = dir.path().join(".lock");
        let lock = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&lock_path)?;
        lock.try_lock()
            .map_err(|e| refuse(format!("{}: cannot lock: {e}", lock_path.display())))?;
        let uid = std::fs::metadata(dir.path())?.uid();
        if own_root {
            let m = std::fs::symlink_metadata(root)?;
            if m.uid() != uid {
                return Err(refuse(format!(
                    "{}: expected a directory of user {uid}, found one of user {}",
                    root.display(),
                    m.uid()
                )));
            }
            std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o700))?;
        }
        for entry in std::fs::read_dir(root)?.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let stale = name.to_string_lossy().starts_with(prefix)
                && path != dir.path()
                && std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir() && m.uid() == uid)
                && match std::fs::File::open(path.join(".lock")) {
                    // Held by a running process, or free: a dead one's.
                    Ok(f) => f.try_lock().is_ok(),
                    // No lock yet: a process creating it, or one killed while it did.
                    Err(_) => std::fs::symlink_metadata(&path)
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t.elapsed().is_ok_and(|e| e.as_secs() > 60)),
                };
            if stale {
                match std::fs::remove_dir_all(&path) {
                    Ok(()) => {
                        tracing::info!(dir = %path.display(), "removed files an earlier run left staged")
                    }
                    Err(e) => {
                        tracing::warn!(dir = %path.display(), error = %e, "cannot remove files an earlier run left staged")
                    }
                }
            }
        }
        Ok(Staging { dir, _lock: lock })
    }

    /// This process's directory.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// A new empty file (mode 0600) in this process's directory, named `data...EXT`.
    pub fn file(&self, extension: &str) -> std::io::Result<tempfile::NamedTempFile> {
        use std::os::unix::fs::PermissionsExt;
        tempfile::Builder::new()
            .prefix("data")
            .permissions(std::fs::Permissions::from_mode(0o600))
            .suffix(extension)
            .tempfile_in(self.dir.path())
    }

    /// Writes bytes where the importer reads them.
    pub fn stage(&self, bytes: &[u8], opts: &ReadOptions) -> ApiResult<Staged> {
        self.stage_as(bytes, opts.extension())
    }

    /// Writes bytes where the importer reads them, in a file named `...EXT`.
    pub fn stage_as(&self, bytes: &[u8], extension: &str) -> ApiResult<Staged> {
        use std::io::Write;
        let internal = |e: std::io::Error| ApiError::Internal(format!("staging a file: {e}"));
        let mut f = self.file(extension).map_err(internal)?;
        f.write_all(bytes).map_err(internal)?;
        f.flush().map_err(internal)?;
        Ok(Staged::from(f.into_temp_path()))
    }
}

/// A file written for the importer, removed when dropped.
pub struct Staged {
    _file: tempfile::TempPath,
    /// Its path.
    pub path: PathBuf,
}

impl From<tempfile::TempPath> for Staged {
    fn from(file: tempfile::TempPath) -> Staged {
        let path = file.to_path_buf();
        Staged { _file: file, path }
    }
}

/// A file being written to the staging directory as it arrives, refused (413) beyond
/// [`MAX_UPLOAD`] bytes without reading further.
pub struct StageWriter {
    staged: Staged,
    out: tokio::fs::File,
    size: usize,
}

impl StageWriter {
    /// A new staged file for a file read with `opts`.
    pub fn new(staging: &Staging, opts: &ReadOptions) -> ApiResult<StageWriter> {
        let (file, path) = staging
            .file(opts.extension())
            .map_err(stage_error)?
            .into_parts();
        Ok(StageWriter {
            staged: Staged::from(path),
            out: tokio::fs::File::from_std(file),
            size: 0,
        })
    }

    /// Appends a chunk.
    pub async fn write(&mut self, data: &[u8]) -> ApiResult<()> {
        use tokio::io::AsyncWriteExt;
        self.size += data.len();
        if self.size > MAX_UPLOAD {
            return Err(too_large());
        }
        self.out.write_all(data).await.map_err(stage_error)
    }

    /// The file, written, and its size.
    pub async fn finish(mut self) -> ApiResult<(Staged, usize)> {
        use tokio::io::AsyncWriteExt;
        self.out.flush().await.map_err(stage_error)?;
        Ok((self.staged, self.size))
    }
}

fn stage_error(e: std::io::Error) -> ApiError {
    ApiError::Internal(format!("staging an upload: {e}"))
}

fn too_large() -> ApiError {
    ApiError::TooLarge(format!(
        "the file is larger than the {} MiB an upload may be",
        MAX_UPLOAD / (1024 * 1024)
    ))
}

/// Streams a request body to a staged file (see [`StageWriter`]); the file and its size.
async fn stage_body(
    staging: &Staging,
    body: axum::body::Body,
    opts: &ReadOptions,
) -> ApiResult<(Staged, usize)> {
    use axum::body::HttpBody;
    if body.size_hint().lower() > MAX_UPLOAD as u64 {
        return Err(too_large());
    }
    let mut w = StageWriter::new(staging, opts)?;
    let mut body = std::pin::pin!(body);
    while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        let frame = frame.map_err(|e| ApiError::BadRequest(format!("reading the upload: {e}")))?;
        if let Ok(data) = frame.into_data() {
            w.write(&data).await?;
        }
    }
    w.finish().await
}

/// A bad row as a problem: the field, with the row's line and column.
pub(crate) fn row_problem(r: &sextant_ingest::RowProblem) -> FieldProblem {
    FieldProblem {
        path: r.field.to_string(),
        message: format!(
            "column {:?}: expected {}, found {}",
            r.header, r.expected, r.found
        ),
        line: Some(r.line as usize),
        column: Some(r.column),
        expected: Some(r.expected.clone()),
        found: Some(r.found.clone()),
        hint: None,
    }
}

/// The extension of a worksheet's rows as read, staged.
fn rows_extension() -> String {
    format!(".{}", sextant_ingest::sheet::ROWS_EXTENSION)
}

/// The importer's stop flag for a computation's cancellation: a client that leaves stops the
/// reading of its file.
pub fn stop_of(cancel: &Cancel) -> Stop {
    let cancel = cancel.clone();
    Stop::new(move || cancel.is_cancelled())
}

/// A worksheet's rows as read, written to a staged file (see `sextant_ingest::sheet`): the one
/// time an uploaded workbook is unpacked. Staged rather than held in memory: they may be as
/// large as the upload, and a preview waits for "Import" up to an hour.
fn sheet_rows(
    staging: &Staging,
    workbook: &std::path::Path,
    ro: &ReadOptions,
    name: &str,
    stop: &Stop,
) -> ApiResult<Staged> {
    let rows = staging.stage_as(b"", &rows_extension())?;
    sextant_ingest::sheet::to_rows(workbook, ro.sheet.as_deref(), &rows.path, stop)
        .map_err(|e| unreadable(name, e))?;
    Ok(rows)
}

/// An importer's message in the API's words: what it says with the command line's options
/// (`--map amount="Column name"`, `--date-order day-month`, `orders=file.csv`) said with this
/// route's query parameters (`map=amount=COLUMN`, `date_order=day-month`, `kind=orders`).
pub fn api_words(m: &str) -> String {
    let mut out = m.replace("--date-order ", "date_order=");
    if let Some(at) = out.find(". Map one with --map ") {
        let rest = &out[at + ". Map one with --map ".len()..];
        let field = rest.split('=').next().unwrap_or("field").to_string();
        out = format!(
            "{}. Name its column with the query parameter map={field}=COLUMN",
            &out[..at]
        );
    }
    if let Some(at) = out.find("; name it, e.g. orders=") {
        out = format!(
            "{}; say which it is with the query parameter kind (e.g. kind=orders)",
            &out[..at]
        );
    }
    out.replace("--map ", "map=")
}

/// A file that cannot be read, as a problem naming it.
pub(crate) fn unreadable(name: &str, e: sextant_ingest::ImportError) -> ApiError {
    let m = api_words(&format!("{name}: {e}"));
    ApiError::Invalid(m.clone(), vec![FieldProblem::new("", m)])
}

/// Parsed forms made while reading stored data sets: each data set's id and its rows.
pub type Fresh = Vec<(i64, axum::body::Bytes)>;

/// Stored data sets as the importer reads them, straight from the database's bytes (nothing is
/// written out), each named by the data set's name and read with the options it was uploaded
/// with. A worksheet is read from its rows as read (`datasets.parsed`), never unpacked again;
/// one stored before those were kept is unpacked here, once, and its rows returned for
/// [`keep_parsed`].
pub fn stored_files(
    contents: Vec<DatasetContent>,
    stop: &Stop,
) -> ApiResult<(Vec<ImportFile>, Fresh)> {
    let mut files = Vec::with_capacity(contents.len());
    let mut fresh = Vec::new();
    for c in contents {
        let ro: ReadOptions = serde_json::from_value(c.dataset.options.clone()).unwrap_or_default();
        let (mut options, kind) = ro.parse()?.with_map();
        options.stop = stop.clone();
        let name = c.dataset.name;
        let source = match c.parsed {
            Some(rows) => Source::rows(name, rows),
            None if ro.is_workbook() => {
                let workbook = Source::bytes(name.clone(), c.content).in_format(Format::Workbook);
                let rows = sextant_ingest::sheet::rows(&workbook, ro.sheet.as_deref(), stop)
                    .map_err(|e| unreadable(&name, e))?;
                fresh.push((c.dataset.id, rows.clone()));
                Source::rows(name, rows)
            }
            // CSV whatever its name says, as it was read when it was uploaded.
            None => Source::bytes(name, c.content).in_format(Format::Csv),
        };
        files.push(ImportFile {
            kind,
            source,
            options,
        });
    }
    Ok((files, fresh))
}

/// Keeps the parsed forms [`stored_files`] made; a failure is logged, not answered (the
/// analysis did not need it).
pub async fn keep_parsed(state: &AppState, s: &sextant_store::Scope, fresh: Fresh) {
    for (id, rows) in fresh {
        if let Err(e) = state.store.keep_parsed(s, id, &rows).await {
            tracing::warn!(dataset = id, error = %e, "cannot keep a worksheet's rows");
        }
    }
}

/// An import error as a problem response, each bad row with its line and column.
pub fn import_problem(name: &str, e: sextant_ingest::batch::BatchError) -> ApiError {
    use sextant_ingest::batch::BatchError;
    match e {
        BatchError::File {
            error: sextant_ingest::ImportError::BadRows(rows),
            ..
        } => ApiError::Invalid(
            format!(
                "{name}: {} bad row(s); nothing was imported (skip_bad_rows=true keeps the good ones)",
                rows.len()
            ),
            rows.iter().take(1000).map(row_problem).collect(),
        ),
        BatchError::File { error, .. } => ApiError::Invalid(
            api_words(&format!("{name}: {error}")),
            vec![FieldProblem::new("", api_words(&error.to_string()))],
        ),
        // The source is named by the data set's name.
        other => {
            let m = api_words(&other.to_string());
            ApiError::Invalid(m.clone(), vec![FieldProblem::new("", m)])
        }
    }
}

/// An orders row that repeats an earlier row of the same day.
#[derive(Serialize, ToSchema)]
pub struct Repeated {
    /// Its line.
    pub line: u64,
    /// The line it repeats.
    pub repeats: u64,
}

/// Result of an upload.
#[derive(Serialize, ToSchema)]
pub struct Uploaded {
    /// The data set as stored.
    #[schema(value_type = Object)]
    pub dataset: Dataset,
    /// Rows skipped (with `skip_bad_rows`), with their problems.
    pub skipped: Vec<FieldProblem>,
    /// Orders rows that repeat an earlier row of the same day cell for cell (duplicated
    /// orders?): the first 100. They were imported.
    pub repeated: Vec<Repeated>,
    /// How many such rows there are in all.
    pub repeated_rows: u64,
    /// The data sets of the same kind, stored before, that cover some of its days: kept, so
    /// the days both cover are counted twice (`replace=overlapping` stores it in their place).
    pub overlaps: Vec<Overlap>,
    /// The data sets it replaced (with `replace=overlapping`), deleted as it was stored.
    pub replaced: Vec<Overlap>,
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/datasets", tag = "data",
    request_body(content = Vec<u8>, description = "The file as exported (CSV, or XLSX with a name ending .xlsx)", content_type = "text/csv"),
    params(("org" = String, Path, description = "The organisation's slug"), ReadOptions),
    responses((status = 201, body = Uploaded),
              (status = 413, description = "The file is larger than 256 MiB", body = crate::error::Problem),
              (status = 422, description = "Every bad row with its line and column; nothing was stored", body = crate::error::Problem)))]
async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<ReadOptions>,
    _: crate::extract::FileBody,
    body: axum::body::Body,
) -> ApiResult<(StatusCode, axum::Json<Uploaded>)> {
    let s = scope(&state, &caller, &org).await?;
    s.require(Role::Editor)?;
    // Bad options and names are refused before the file is read.
    q.parse()?;
    if let Some(n) = &q.name {
        sextant_store::file_name("name", n)?;
    }
    let name = q
        .name
        .clone()
        .unwrap_or_else(|| format!("upload{}", q.extension()));
    let (staged, _) = stage_body(state.staging()?.as_ref(), body, &q).await?;
    let upload = prepare(&state, s.org_id(), staged, &q, &name).await?;
    let checked = check_staged(&state, s.org_id(), &upload, &q, &name).await?;
    let replace = if q.replace.is_some() {
        Replace::Overlapping
    } else {
        Replace::Nothing
    };
    let uploaded = store_staged(&state, &s, &upload, &q, &name, &checked, &replace).await?;
    drop(upload);
    Ok((StatusCode::CREATED, axum::Json(uploaded)))
}

/// An upload, staged: the file as sent and, for a worksheet, its rows as read, which every
/// check reads and which is stored beside it.
pub struct Upload {
    /// The file as sent.
    pub original: Staged,
    /// A worksheet's rows as read.
    pub parsed: Option<Staged>,
}

impl Upload {
    /// What the importer reads: the staged file (a worksheet's rows as read), named `name` in
    /// every error.
    pub fn source(&self, name: &str) -> Source {
        let staged = self.parsed.as_ref().unwrap_or(&self.original);
        Source::path(staged.path.as_path()).named(name)
    }

    /// An upload kept elsewhere (an upload preview in the database), staged again for the
    /// importer: the file as sent, named as it was, and a worksheet's rows as read.
    pub fn stage(name: &str, content: &[u8], parsed: Option<&[u8]>) -> ApiResult<Upload> {
        let staging = Staging::shared()?;
        let opts = ReadOptions {
            name: Some(name.to_string()),
            ..ReadOptions::default()
        };
        Ok(Upload {
            original: staging.stage(content, &opts)?,
            parsed: match parsed {
                Some(rows) => Some(staging.stage_as(rows, &rows_extension())?),
                None => None,
            },
        })
    }
}

/// A staged file ready to be checked: a worksheet is unpacked and read once, under the CPU
/// budget and within `sextant_ingest::sheet`'s limits, into its rows.
pub async fn prepare(
    state: &AppState,
    org: i64,
    original: Staged,
    q: &ReadOptions,
    name: &str,
) -> ApiResult<Upload> {
    if !q.is_workbook() {
        return Ok(Upload {
            original,
            parsed: None,
        });
    }
    let (q, name) = (q.clone(), name.to_string());
    let staging = state.staging()?;
    state
        .work
        .run(org, 1, move |cancel| {
            let parsed = sheet_rows(&staging, &original.path, &q, &name, &stop_of(cancel))?;
            Ok(Upload {
                original,
                parsed: Some(parsed),
            })
        })
        .await
}

/// Reads a staged file as its import would (all of it, every row checked), under the CPU
/// budget, stopping when its client leaves: its kind and the import's report, or every bad
/// row as a problem (nothing is stored either way).
pub async fn check_staged(
    state: &AppState,
    org: i64,
    upload: &Upload,
    q: &ReadOptions,
    name: &str,
) -> ApiResult<Checked> {
    let Reading {
        options: mut opts,
        kind,
        map,
    } = q.parse()?;
    let source = upload.source(name);
    let name = name.to_string();
    state
        .work
        .run(org, 1, move |cancel| {
            opts.stop = stop_of(cancel);
            let files = [ImportFile {
                kind,
                source,
                options: opts,
            }];
            sextant_ingest::batch::import_each(&files, &map, Granularity::Month, |_| {})
                .map(|(_, mut reports)| {
                    let r = reports.remove(0);
                    Checked {
                        kind: r.kind,
                        report: r.report,
                        days: r.days,
                    }
                })
                .map_err(|e| import_problem(&name, e))
        })
        .await
}

/// A file read as its import would read it.
pub struct Checked {
    /// Its kind.
    pub kind: Kind,
    /// What reading it found.
    pub report: sextant_ingest::Report,
    /// The first and last day its records cover.
    pub days: Option<(i32, i32)>,
}

/// A stored data set that covers some of the days of a file being imported: with both, the
/// days they share are counted twice.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Overlap {
    /// The stored data set's id.
    pub dataset: i64,
    /// Its name.
    pub name: String,
    /// When it was uploaded.
    pub created_at: String,
    /// The first day its records cover, YYYY-MM-DD.
    pub first_day: String,
    /// The last day its records cover.
    pub last_day: String,
    /// The first day both cover.
    pub shared_from: String,
    /// The last day both cover.
    pub shared_to: String,
}

/// The stored data sets of `kind` whose records cover some of `days` (a file about to be
/// imported): each stored file is read again, alone, under the CPU budget.
pub async fn overlapping(
    state: &AppState,
    s: &sextant_store::Scope,
    kind: Kind,
    days: Option<(i32, i32)>,
) -> ApiResult<Vec<Overlap>> {
    let Some(days) = days else {
        return Ok(Vec::new());
    };
    // The data sets of its kind, listed without their content.
    let mut sets: Vec<sextant_store::Dataset> = Vec::new();
    let mut offset = 0;
    loop {
        let page = state
            .store
            .datasets(s, sextant_store::Paging::new(Some(offset), Some(500)))
            .await?;
        let n = page.items.len() as i64;
        sets.extend(page.items.into_iter().filter(|d| d.kind == kind.name()));
        offset += n;
        if n == 0 || offset >= page.total {
            break;
        }
    }
    if sets.is_empty() {
        return Ok(Vec::new());
    }
    // Each stored file is read once for its days (kept by its id); the rest come from memory.
    let known: HashMap<i64, Option<(i32, i32)>> = match state.cache.spans.lock() {
        Ok(m) => sets
            .iter()
            .filter_map(|d| m.get(&d.id).map(|s| (d.id, *s)))
            .collect(),
        Err(_) => HashMap::new(),
    };
    // Only the files not read before are loaded.
    let mut unread: Vec<DatasetContent> = Vec::new();
    for d in sets.iter().filter(|d| !known.contains_key(&d.id)) {
        match state.store.dataset(s, d.id).await {
            Ok(c) => unread.push(c),
            // Deleted meanwhile: it overlaps nothing now.
            Err(sextant_store::StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let mut spans = known;
    if !unread.is_empty() {
        let ids: Vec<i64> = unread.iter().map(|c| c.dataset.id).collect();
        let read = state
            .work
            .run(
                s.org_id(),
                1,
                move |cancel| -> ApiResult<Vec<Option<(i32, i32)>>> {
                    let mut out = Vec::with_capacity(unread.len());
                    for c in unread {
                        // A stored file that no longer reads covers no days known here: it
                        // does not stop an upload (its own analyses say what is wrong with it).
                        let days = stored_files(vec![c], &stop_of(cancel))
                            .ok()
                            .and_then(|(files, _)| {
                                sextant_ingest::batch::import_each(
                                    &files,
                                    &[],
                                    Granularity::Month,
                                    |_| {},
                                )
                                .ok()
                            })
                            .and_then(|(_, reports)| reports.first().and_then(|r| r.days));
                        // Stopped (the client left): nothing is kept of a read cut short.
                        cancel.stop_here();
                        out.push(days);
                    }
                    Ok(out)
                },
            )
            .await?;
        if let Ok(mut m) = state.cache.spans.lock() {
            // Bounded: a long-running server forgets them all now and then, and reads again.
            if m.len() > 100_000 {
                m.clear();
            }
            m.extend(ids.iter().copied().zip(read.iter().copied()));
        }
        spans.extend(ids.into_iter().zip(read));
    }
    Ok(sets
        .into_iter()
        .filter_map(|d| {
            let span = spans.get(&d.id).copied().flatten()?;
            let (a, b) = sextant_ingest::batch::shared_days(days, span)?;
            Some(Overlap {
                dataset: d.id,
                name: d.name,
                created_at: d.created_at,
                first_day: sextant_metrics::calendar::day_label(span.0),
                last_day: sextant_metrics::calendar::day_label(span.1),
                shared_from: sextant_metrics::calendar::day_label(a),
                shared_to: sextant_metrics::calendar::day_label(b),
            })
        })
        .collect())
}

/// Which stored data sets an upload takes the place of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replace {
    /// None: they are kept, and those that cover some of its days are named.
    Nothing,
    /// Every one of its kind that covers some of its days (the API's `replace=overlapping`).
    Overlapping,
    /// Those of these that still cover some of its days (the ones a preview showed).
    These(Vec<i64>),
}

/// Stores a checked upload as a data set of `kind`, with the options it was read with: the
/// file as uploaded and, for a worksheet, its rows as read; in place of the stored data sets
/// `replace` names that cover some of its days (in one change), the others of its kind that
/// do named in the answer's `overlaps`.
pub async fn store_staged(
    state: &AppState,
    s: &sextant_store::Scope,
    upload: &Upload,
    q: &ReadOptions,
    name: &str,
    checked: &Checked,
    replace: &Replace,
) -> ApiResult<Uploaded> {
    let (kind, report) = (checked.kind, &checked.report);
    // The stored files that cover some of its days: replaced with it when asked, else named.
    let overlaps = overlapping(state, s, kind, checked.days).await?;
    let (replaced, overlaps): (Vec<Overlap>, Vec<Overlap>) =
        overlaps.into_iter().partition(|o| match replace {
            Replace::Nothing => false,
            Replace::Overlapping => true,
            Replace::These(ids) => ids.contains(&o.dataset),
        });
    let replacing: Vec<i64> = replaced.iter().map(|o| o.dataset).collect();
    let read = |e: std::io::Error| ApiError::Internal(format!("reading the staged upload: {e}"));
    // Read once the file has been checked; the database keeps the bytes as uploaded.
    let body = tokio::fs::read(&upload.original.path).await.map_err(read)?;
    let parsed = match &upload.parsed {
        Some(p) => Some(tokio::fs::read(&p.path).await.map_err(read)?),
        None => None,
    };
    let mut kept = q.clone();
    kept.kind = Some(kind.name().to_string());
    kept.name = Some(name.to_string());
    kept.replace = None;
    let options = serde_json::to_value(&kept).map_err(|e| ApiError::Internal(e.to_string()))?;
    let d = state
        .store
        .add_dataset_replacing(
            s,
            &replacing,
            kind.name(),
            name,
            report.rows as i64,
            &options,
            &body,
            parsed.as_deref(),
        )
        .await?;
    Ok(Uploaded {
        dataset: d,
        skipped: report.skipped.iter().map(row_problem).collect(),
        repeated: report
            .repeated
            .iter()
            .map(|&(line, repeats)| Repeated { line, repeats })
            .collect(),
        repeated_rows: report.repeated_rows,
        overlaps,
        replaced,
    })
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/datasets", tag = "data",
    params(("org" = String, Path, description = "The organisation's slug"), PageQuery),
    responses((status = 200, body = crate::error::ListPage)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<sextant_store::Page<Dataset>>> {
    let s = scope(&state, &caller, &org).await?;
    let p = state.store.datasets(&s, q.paging()).await?;
    Ok(axum::Json(p))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/datasets/{id}", tag = "data",
    params(("org" = String, Path, description = "The organisation's slug"), ("id" = i64, Path, description = "The data set's id")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::Problem)))]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, i64)>,
) -> ApiResult<axum::Json<Dataset>> {
    let s = scope(&state, &caller, &org).await?;
    Ok(axum::Json(state.store.dataset(&s, id).await?.dataset))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/datasets/{id}/content", tag = "data",
    params(("org" = String, Path, description = "The organisation's slug"), ("id" = i64, Path, description = "The data set's id")),
    responses((status = 200, description = "The file as uploaded")))]
async fn content(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, i64)>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let DatasetContent {
        dataset, content, ..
    } = state.store.dataset(&s, id).await?;
    let ty = if dataset.name.to_ascii_lowercase().ends_with(".csv") {
        "text/csv"
    } else {
        "application/octet-stream"
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(ty)),
            (
                header::CONTENT_DISPOSITION,
                crate::headers::attachment(&dataset.name),
            ),
        ],
        content,
    )
        .into_response())
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}/datasets/{id}", tag = "data",
    params(("org" = String, Path, description = "The organisation's slug"), ("id" = i64, Path, description = "The data set's id")),
    responses((status = 204, description = "Deleted")))]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    let s = scope(&state, &caller, &org).await?;
    state.store.delete_dataset(&s, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_options_name_the_delimiter_and_the_header_row() {
        let ro = ReadOptions {
            delimiter: Some("tab".into()),
            header_row: Some(3),
            ..ReadOptions::default()
        };
        let o = ro.parse().map(|r| r.options).ok();
        assert_eq!(o.as_ref().and_then(|o| o.delimiter), Some(b'\t'));
        assert_eq!(o.and_then(|o| o.header_row), Some(3));
        for (bad, message) in [
            (
                ReadOptions {
                    delimiter: Some("|".into()),
                    ..ReadOptions::default()
                },
                "delimiter: expected `,`, `;` or `tab`, found `|`",
            ),
            (
                ReadOptions {
                    header_row: Some(0),
                    ..ReadOptions::default()
                },
                "header_row: expected a line number from 1, found 0",
            ),
        ] {
            match bad.parse() {
                Err(ApiError::Invalid(m, _)) => assert_eq!(m, message),
                _ => panic!("{message}: not refused"),
            }
        }
    }
}
