//! Data set routes: uploading a business's data files (CSV or XLSX: orders, marketing spend,
//! sessions, incidents, surveys, usage, processes), which are read in full before they are
//! kept, all or nothing unless bad rows are to be skipped; listing, downloading, deleting.

use std::path::PathBuf;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use sextant_ingest::{DateOrder, Kind, Options};
use sextant_metrics::calendar::Granularity;
use sextant_metrics::records::Survey;
use sextant_store::{Dataset, DatasetContent, Role};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ApiResult, FieldProblem};
use crate::extract::{Caller, Path, Query};
use crate::orgs::{PageQuery, scope};

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
            },
            kind,
            map,
        })
    }

    fn extension(&self) -> &'static str {
        let xlsx = self.name.as_deref().is_some_and(|n| {
            let n = n.to_ascii_lowercase();
            n.ends_with(".xlsx")
                || n.ends_with(".xlsm")
                || n.ends_with(".xls")
                || n.ends_with(".ods")
        });
        if xlsx { ".xlsx" } else { ".csv" }
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

/// A file written for the importer, removed when dropped.
pub struct Staged {
    _dir: tempfile::TempDir,
    /// Its path.
    pub path: PathBuf,
}

/// Writes uploaded bytes where the importer reads them.
pub fn stage(bytes: &[u8], opts: &ReadOptions) -> ApiResult<Staged> {
    let dir = tempfile::tempdir().map_err(|e| ApiError::Internal(e.to_string()))?;
    let path = dir.path().join(format!("data{}", opts.extension()));
    std::fs::write(&path, bytes).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Staged { _dir: dir, path })
}

/// A bad row as a problem: the field, with the row's line and column.
fn row_problem(r: &sextant_ingest::RowProblem) -> FieldProblem {
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

/// A file as `batch::import_each` takes it: its kind (if named), path and options.
pub type ImportFile = (Option<Kind>, PathBuf, Options);

/// Stored data sets written for the importer, each with the options it was uploaded with:
/// the staged files (kept until dropped) and what `batch::import_each` takes.
pub fn stage_stored(contents: &[DatasetContent]) -> ApiResult<(Vec<Staged>, Vec<ImportFile>)> {
    let mut staged = Vec::new();
    let mut files = Vec::new();
    for c in contents {
        let ro: ReadOptions = serde_json::from_value(c.dataset.options.clone()).unwrap_or_default();
        let (opts, kind) = ro.parse()?.with_map();
        let st = stage(&c.content, &ro)?;
        files.push((kind, st.path.clone(), opts));
        staged.push(st);
    }
    Ok((staged, files))
}

/// An import error as a problem response, each bad row with its line and column.
pub fn import_problem(name: &str, e: sextant_ingest::batch::BatchError) -> ApiError {
    use sextant_ingest::batch::BatchError;
    match e {
        BatchError::File(_, sextant_ingest::ImportError::BadRows(rows)) => ApiError::Invalid(
            format!(
                "{name}: {} bad row(s); nothing was imported (skip_bad_rows=true keeps the good ones)",
                rows.len()
            ),
            rows.iter().take(1000).map(row_problem).collect(),
        ),
        BatchError::File(_, other) => ApiError::Invalid(
            format!("{name}: {other}"),
            vec![FieldProblem::new("", other.to_string())],
        ),
        other => {
            let m = other
                .to_string()
                .replace("data.csv", name)
                .replace("data.xlsx", name);
            ApiError::Invalid(m.clone(), vec![FieldProblem::new("", m)])
        }
    }
}

/// Result of an upload.
#[derive(Serialize, ToSchema)]
pub struct Uploaded {
    /// The data set as stored.
    #[schema(value_type = Object)]
    pub dataset: Dataset,
    /// Rows skipped (with `skip_bad_rows`), with their problems.
    pub skipped: Vec<FieldProblem>,
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/datasets", tag = "data",
    request_body(content = Vec<u8>, description = "The file as exported (CSV, or XLSX with a name ending .xlsx)", content_type = "text/csv"),
    params(("org" = String, Path, description = "The organisation's slug"), ReadOptions),
    responses((status = 201, body = Uploaded),
              (status = 422, description = "Every bad row with its line and column; nothing was stored", body = crate::error::Problem)))]
async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<ReadOptions>,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, axum::Json<Uploaded>)> {
    let s = scope(&state, &caller, &org).await?;
    s.require(Role::Editor)?;
    let Reading {
        options: opts,
        kind,
        map,
    } = q.parse()?;
    let name = q
        .name
        .clone()
        .unwrap_or_else(|| format!("upload{}", q.extension()));
    let staged = stage(&body, &q)?;
    let files = vec![(kind, staged.path.clone(), opts)];
    let (kind, report) = tokio::task::spawn_blocking(move || {
        sextant_ingest::batch::import_each(&files, &map, Granularity::Month, |_| {}).map(
            |(_, mut reports)| {
                let (_, kind, report) = reports.remove(0);
                (kind, report)
            },
        )
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(|e| import_problem(&name, e))?;
    drop(staged);
    let mut kept = q.clone();
    kept.kind = Some(kind.name().to_string());
    kept.name = Some(name.clone());
    let options = serde_json::to_value(&kept).map_err(|e| ApiError::Internal(e.to_string()))?;
    let d = state
        .store
        .add_dataset(&s, kind.name(), &name, report.rows as i64, &options, &body)
        .await?;
    let skipped = report.skipped.iter().map(row_problem).collect();
    Ok((
        StatusCode::CREATED,
        axum::Json(Uploaded {
            dataset: d,
            skipped,
        }),
    ))
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
    let DatasetContent { dataset, content } = state.store.dataset(&s, id).await?;
    let ty = if dataset.name.to_ascii_lowercase().ends_with(".csv") {
        "text/csv"
    } else {
        "application/octet-stream"
    };
    let disposition = format!(
        "attachment; filename=\"{}\"",
        dataset.name.replace(['"', '\\', '\r', '\n'], "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, ty.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
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
