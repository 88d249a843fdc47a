//! Data (`/orgs/{org}/data`): the organisation's data sets, uploading a business export with a
//! preview before anything is stored, and importing a plan file.
//!
//! An upload is staged (the API's private staging directory, streamed, 256 MiB at most) and
//! read as its import would read it, every row checked; the preview shows the kind of data
//! recognised, which column each field is read from (changeable, then checked again), the
//! first rows as read, every bad row with its line and column, and repeated orders. Only
//! "Import" stores it, through the same calls as `POST /api/v1/orgs/{org}/datasets`. A
//! preview is kept in the database for [`PREVIEW_MINUTES`] (`Store::put_preview`), the file as
//! sent and a worksheet's rows as read, so that behind a load balancer any instance checks it
//! again or imports it; each staged it again for the importer.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use sextant_ingest::Kind;
use sextant_store::{Paging, Preview, StoreError};

use super::form::{Errors, Field, FormData, Kind as Input, options};
use super::{OrgPage, PageError, PageResult, Section, Viewer, notice, render_status, see_other};
use crate::AppState;
use crate::data::{
    MAX_UPLOAD, Overlap, ReadOptions, Replace, StageWriter, Staged, Upload, check_staged,
    overlapping, prepare, stop_of, store_staged,
};
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// How long a preview waits for "Import" (the store's `PREVIEW_SECONDS`; a person keeps
/// `PREVIEWS_PER_USER` at most, the oldest going first).
pub const PREVIEW_MINUTES: i64 = sextant_store::PREVIEW_SECONDS / 60;
/// Rows a preview shows.
const SAMPLE_ROWS: usize = 10;
/// Bad rows a preview lists.
const PROBLEMS_SHOWN: usize = 50;
/// The largest plan file the page takes: what any door takes.
const MAX_PLAN: usize = sextant_core::source::MAX_PLAN_BYTES;

/// The data routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/data", get(page))
        .route(
            "/orgs/{org}/data/preview",
            post(preview).layer(DefaultBodyLimit::max(MAX_UPLOAD + 64 * 1024)),
        )
        .route("/orgs/{org}/data/preview/{id}", post(confirm))
        .route("/orgs/{org}/datasets/{id}/delete", post(delete))
        .route(
            "/orgs/{org}/plan/import",
            post(import_plan).layer(DefaultBodyLimit::max(MAX_PLAN + 64 * 1024)),
        )
}

/// The bytes of a staged upload, for the database: the file as sent and a worksheet's rows.
async fn bytes_of(upload: &Upload) -> Result<(Vec<u8>, Option<Vec<u8>>), PageError> {
    let read = |e: std::io::Error| PageError::Internal(format!("reading the staged upload: {e}"));
    let content = tokio::fs::read(&upload.original.path).await.map_err(read)?;
    let parsed = match &upload.parsed {
        Some(p) => Some(tokio::fs::read(&p.path).await.map_err(read)?),
        None => None,
    };
    Ok((content, parsed))
}

/// A preview from the database staged again for the importer (off the async workers): the
/// preview without its bytes (they are in the staged files; a file of 256 MiB is not held
/// twice), and the staged upload.
async fn restage(p: Preview) -> Result<(Preview, Upload), PageError> {
    let (p, upload) = tokio::task::spawn_blocking(move || {
        let u = Upload::stage(&p.name, &p.content, p.parsed.as_deref());
        let name_and_age = Preview {
            content: Vec::new(),
            parsed: None,
            ..p
        };
        (name_and_age, u)
    })
    .await
    .map_err(|e| PageError::Internal(format!("staging a preview: {e}")))?;
    Ok((p, upload?))
}

/// Gives back a preview taken for an import that was refused, its bytes read again from the
/// staged upload.
async fn give_back(
    state: &AppState,
    org: &OrgPage,
    id: &str,
    p: Preview,
    upload: &Upload,
) -> Result<(), PageError> {
    let (content, parsed) = bytes_of(upload).await?;
    let p = Preview {
        content,
        parsed,
        ..p
    };
    Ok(state.store.give_back_preview(&org.scope, id, &p).await?)
}

/// A preview the store does not have for this person here (expired, imported, another's) is
/// gone; other failures are what they are.
fn or_gone<T>(r: Result<T, StoreError>) -> Result<T, PageError> {
    match r {
        Ok(t) => Ok(t),
        Err(StoreError::NotFound(_)) => Err(gone()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

fn kinds() -> Vec<(String, String)> {
    std::iter::once((String::new(), "Recognise it from the columns".to_string()))
        .chain(
            Kind::ALL
                .iter()
                .map(|k| (k.name().to_string(), k.name().to_string())),
        )
        .collect()
}

fn date_orders() -> Vec<(String, String)> {
    options(&[
        ("", "Recognise it from the dates"),
        ("day-month", "Day first (31/01/2027)"),
        ("month-day", "Month first (01/31/2027)"),
    ])
}

/// An import problem in the upload page's words: the query parameters the API's message
/// names ([`crate::data::api_words`]) said as the fields of this page.
fn page_words(m: &str) -> String {
    let mut out = m
        .replace(
            "(skip_bad_rows=true keeps the good ones)",
            "(tick \"Skip bad rows\" to import the rest)",
        )
        .replace(
            "Say date_order=day-month (31/12/2027) or date_order=month-day (12/31/2027)",
            "Choose \"Day first\" or \"Month first\" under \"Dates\"",
        );
    if let Some(at) = out.find(". Name its column with the query parameter map=") {
        let rest = &out[at + ". Name its column with the query parameter map=".len()..];
        let field = rest.split('=').next().unwrap_or("field").to_string();
        out = format!(
            "{}. Choose the column of {field} in the table \"Which column each field is read from\"",
            &out[..at]
        );
    }
    out.replace(
        "say which it is with the query parameter kind (e.g. kind=orders)",
        "choose what it is under \"Kind of data\"",
    )
}

/// The reading options a form carries.
fn options_of(f: &FormData) -> ReadOptions {
    ReadOptions {
        kind: f.opt("kind"),
        date_order: f.opt("date_order"),
        decimal_comma: f.checked("decimal_comma"),
        skip_bad_rows: f.checked("skip_bad_rows"),
        header_row: f.opt("header_row").and_then(|h| h.parse().ok()),
        map: {
            let pairs: Vec<String> =
                f.0.iter()
                    .filter_map(|(k, v)| {
                        let field = k.strip_prefix("map_")?;
                        (!v.is_empty()).then(|| format!("{field}={v}"))
                    })
                    .collect();
            (!pairs.is_empty()).then(|| pairs.join(";"))
        },
        ..ReadOptions::default()
    }
}

/// The options' fields of the upload form.
fn option_fields(f: Option<&FormData>, errors: &Errors) -> Markup {
    let get = |n: &str| f.map_or(String::new(), |f| f.get(n).to_string());
    let ticked = |n: &str| {
        if f.is_some_and(|f| f.checked(n)) {
            "on"
        } else {
            ""
        }
    };
    html! {
        div.row {
            (Field::text("kind", "Kind of data", get("kind")).kind(Input::Select(kinds())).render(errors))
            (Field::text("date_order", "Dates", get("date_order")).kind(Input::Select(date_orders())).render(errors))
        }
        (Field::text("header_row", "Header line", get("header_row")).kind(Input::Number("1"))
            .hint("Leave empty unless title lines sit above the column names: then the line number of the names.").render(errors))
        (Field::text("decimal_comma", "Numbers use a decimal comma (1.234,50)", ticked("decimal_comma")).kind(Input::Checkbox).render(errors))
        (Field::text("skip_bad_rows", "Skip bad rows and import the rest", ticked("skip_bad_rows")).kind(Input::Checkbox).render(errors))
    }
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    show(
        &state,
        &org,
        q.done.as_deref(),
        &Errors::new(),
        &Errors::new(),
    )
    .await
}

async fn show(
    state: &AppState,
    org: &OrgPage,
    done: Option<&str>,
    upload_errors: &Errors,
    plan_errors: &Errors,
) -> PageResult {
    let sets = state
        .store
        .datasets(&org.scope, Paging::new(None, Some(500)))
        .await?
        .items;
    let has_plan = org.plan(state).await?.is_some();
    let body = html! {
        (notice(done))
        @if done == Some("imported") {
            p { "The KPIs now include it: see " a href=(org.url("goals")) { "Goals & KPIs" } " and the " a href=(org.url("")) { "dashboard" } "." }
        }
        section aria-labelledby="sets-h" {
            h2 #sets-h { "Data sets" }
            @if sets.is_empty() {
                p { "No data yet. Upload an export from the point of sale, the web shop, marketing or surveys, and the KPIs are computed from it." }
            } @else {
                div.scroll tabindex="0" { table {
                    thead { tr { th scope="col" { "File" } th scope="col" { "Kind" } th scope="col" class="num" { "Rows" } th scope="col" { "Uploaded" }
                        @if org.can_edit() { th scope="col" { span.muted { "Change" } } } } }
                    tbody {
                        @for d in &sets {
                            tr {
                                td { (d.name) }
                                td { (d.kind) }
                                td.num { (d.rows) }
                                td { (d.created_at.get(..10).and_then(sextant_core::model::Date::parse).map_or_else(|| d.created_at.clone(), sextant_core::asset::long_date)) }
                                @if org.can_edit() {
                                    td { form.inline method="post" action=(org.url(&format!("datasets/{}/delete", d.id))) {
                                        (org.viewer.csrf_field())
                                        button.danger type="submit" data-confirm=(format!("Delete the data set {}?", d.name))
                                            aria-label=(format!("Delete {}", d.name)) { "Delete" }
                                    } }
                                }
                            }
                        }
                    }
                } }
                @if sets.iter().any(|d| d.kind == "orders") {
                    p { "From the orders: " a href=(org.url("customers")) { "what your customers are worth" } "." }
                }
            }
        }
        @if org.can_edit() {
            section aria-labelledby="upload-h" {
                h2 #upload-h { "Upload data" }
                p { "CSV or Excel (.xlsx). You see what Sextant reads from it before anything is stored." }
                (upload_errors.summary())
                form method="post" action=(org.url("data/preview")) enctype="multipart/form-data" {
                    (org.viewer.csrf_field())
                    div.field {
                        label for="f-file" { "File" span.req aria-hidden="true" { " *" } }
                        input type="file" id="f-file" name="file" required accept=".csv,.txt,.xlsx,.xlsm,.xls,.ods,text/csv";
                        @for m in upload_errors.of("file") { p.field-error { (m) } }
                    }
                    (option_fields(None, upload_errors))
                    button type="submit" { "Preview" }
                }
            }
            section aria-labelledby="plan-h" {
                h2 #plan-h { @if has_plan { "Replace the plan with a plan file" } @else { "Import a plan file" } }
                p { "A YAML or JSON plan file, as " code { "sextant init" } " writes it. "
                    @if has_plan { "It replaces the whole plan; the history keeps the old one. " a href=(format!("/api/v1/orgs/{}/plan", org.slug())) { "Download the current plan" } "." } }
                (plan_errors.summary())
                form method="post" action=(org.url("plan/import")) enctype="multipart/form-data" {
                    (org.viewer.csrf_field())
                    div.field {
                        label for="f-plan" { "Plan file" }
                        input type="file" id="f-plan" name="plan" required accept=".yaml,.yml,.json";
                    }
                    button type="submit" { "Import the plan" }
                }
            }
        } @else {
            p.muted { "You are a viewer: an editor uploads data and plan files." }
        }
    };
    let status = if upload_errors.is_empty() && plan_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(status, org.page("Data", Section::Data, body)))
}

/// The form fields and the file of a multipart form; the CSRF token must come before the file.
pub(super) async fn read_multipart(
    state: &AppState,
    org: &OrgPage,
    mut mp: Multipart,
    file_field: &str,
    limit: usize,
) -> Result<(FormData, Option<(String, Staged)>), PageError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        PageError::Status(
            e.status(),
            format!("The upload could not be read: {}", e.body_text()),
        )
    };
    let mut fields = Vec::new();
    let mut file = None;
    let mut checked = false;
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        if name == file_field {
            if !checked {
                org.viewer.check("")?;
            }
            let file_name = field
                .file_name()
                .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "upload.csv".to_string());
            let opts = ReadOptions {
                name: Some(file_name.clone()),
                ..ReadOptions::default()
            };
            let mut w = StageWriter::new(state.staging()?.as_ref(), &opts)?;
            let mut size = 0usize;
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                size += chunk.len();
                if size > limit {
                    return Err(PageError::Status(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!(
                            "The file is larger than the {} MiB allowed.",
                            limit / (1024 * 1024)
                        ),
                    ));
                }
                w.write(&chunk).await?;
            }
            let (staged, _) = w.finish().await?;
            file = Some((file_name, staged));
        } else {
            let text = field.text().await.map_err(bad)?;
            if text.len() > 64 * 1024 || text.contains('\0') {
                return Err(PageError::Status(
                    StatusCode::BAD_REQUEST,
                    format!("The field `{name}` is too long or holds a NUL character."),
                ));
            }
            if name == "csrf" {
                org.viewer.check(&text)?;
                checked = true;
            }
            fields.push((name, text));
        }
    }
    if !checked {
        org.viewer.check("")?;
    }
    Ok((FormData(fields), file))
}

async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    mp: Multipart,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let (f, file) = read_multipart(&state, &org, mp, "file", MAX_UPLOAD).await?;
    let Some((name, staged)) =
        file.filter(|(_, s)| std::fs::metadata(&s.path).is_ok_and(|m| m.len() > 0))
    else {
        let mut errors = Errors::new();
        errors.add("file", "choose a file to upload (it was missing or empty)");
        return show(&state, &org, None, &errors, &Errors::new()).await;
    };
    // A name with a control character (or a NUL) broke its download; it is refused here as
    // the API refuses it.
    if let Err(e) = sextant_store::file_name("file", &name) {
        let message = match e {
            sextant_store::StoreError::Invalid { message, .. } => message,
            other => other.to_string(),
        };
        let mut errors = Errors::new();
        errors.add("file", format!("the file's name: {message}"));
        return show(&state, &org, None, &errors, &Errors::new()).await;
    }
    // A workbook is unpacked and read once, here; every check of the preview reads its rows.
    let opts = ReadOptions {
        name: Some(name.clone()),
        ..ReadOptions::default()
    };
    let upload = match prepare(&state, org.scope.org_id(), staged, &opts, &name).await {
        Ok(u) => u,
        Err(ApiError::Invalid(detail, _)) => {
            let mut errors = Errors::new();
            errors.add("file", detail);
            return show(&state, &org, None, &errors, &Errors::new()).await;
        }
        Err(other) => return Err(other.into()),
    };
    let (content, parsed) = bytes_of(&upload).await?;
    let id = state
        .store
        .put_preview(&org.scope, &name, &content, parsed.as_deref())
        .await?;
    drop((content, parsed));
    preview_page(&state, &org, &id, &name, &upload, &f).await
}

/// Reads the preview `id` (the file `name`, staged as `upload`) with the form's options: the
/// page that shows it.
async fn preview_page(
    state: &AppState,
    org: &OrgPage,
    id: &str,
    name: &str,
    upload: &Upload,
    f: &FormData,
) -> PageResult {
    let mut opts = options_of(f);
    opts.name = Some(name.to_string());
    let mut errors = Errors::new();
    let checked = check_staged(state, org.scope.org_id(), upload, &opts, name).await;
    let sample = match opts.parse() {
        Ok(r) => {
            let (mut o, named) = r.with_map();
            let source = upload.source(name);
            // The rows as read, and the kind recognised from the columns (also when the rows
            // have problems, so that the columns can be chosen).
            state
                .work
                .run(org.scope.org_id(), 1, move |cancel| {
                    o.stop = stop_of(cancel);
                    let kind =
                        named.or_else(|| sextant_ingest::batch::guess_kind(&source, &o).ok());
                    Ok(sextant_ingest::sample(&source, &o, SAMPLE_ROWS)
                        .ok()
                        .map(|s| (s, kind)))
                })
                .await?
        }
        Err(e) => {
            let e = match e {
                ApiError::Invalid(detail, mut problems) => {
                    for p in &mut problems {
                        p.message = page_words(&p.message);
                    }
                    ApiError::Invalid(page_words(&detail), problems)
                }
                other => other,
            };
            errors.from_api(e, &["kind", "date_order", "header_row"], &[]);
            None
        }
    };
    let ((headers, rows), guessed) = sample.unwrap_or_default();
    // The files imported before that cover some of the same days: counted twice if both stay.
    let overlaps = match &checked {
        Ok(c) => overlapping(state, &org.scope, c.kind, c.days).await?,
        Err(_) => Vec::new(),
    };
    let (kind, report, problems) = match checked {
        Ok(c) => (Some(c.kind), Some(c.report), Vec::new()),
        Err(ApiError::Invalid(detail, mut problems)) => {
            errors.general(page_words(&detail));
            for p in &mut problems {
                p.message = page_words(&p.message);
            }
            (guessed, None, problems)
        }
        Err(other) => return Err(other.into()),
    };
    let chosen = |field: &str| -> String {
        if let Some(r) = &report
            && let Some((_, c)) = r.columns.iter().find(|(fl, _)| fl == field)
        {
            return c.clone();
        }
        f.get(&format!("map_{field}")).to_string()
    };
    let columns: Vec<(String, String)> = std::iter::once((String::new(), "(none)".to_string()))
        .chain(headers.iter().map(|h| (h.clone(), h.clone())))
        .collect();
    let importable = report.is_some();
    let body = html! {
        p { "File " strong { (name) } ": "
            @match (&kind, &report) {
                (Some(k), Some(r)) => { (k.name()) " data, " (r.rows) " rows to import" @if !r.skipped.is_empty() { " (" (r.skipped.len()) " bad rows skipped)" } "." }
                (Some(k), None) => { (k.name()) " data that cannot be imported as it is." }
                _ => { "the kind of data was not recognised; choose it below." }
            }
        }
        (errors.summary())
        @if !problems.is_empty() {
            div.scroll tabindex="0" { table {
                caption { "Problems (" (problems.len()) ")" }
                thead { tr { th scope="col" class="num" { "Line" } th scope="col" class="num" { "Column" } th scope="col" { "Field" } th scope="col" { "Problem" } } }
                tbody { @for pr in problems.iter().take(PROBLEMS_SHOWN) {
                    tr { td.num { (pr.line.map_or(String::new(), |l| l.to_string())) } td.num { (pr.column.map_or(String::new(), |c| c.to_string())) }
                         td { (pr.path) } td { (pr.message) } }
                } }
            } }
            @if problems.len() > PROBLEMS_SHOWN { p.muted { (problems.len() - PROBLEMS_SHOWN) " more problems not shown." } }
        }
        @if let Some(r) = &report {
            @if !r.skipped.is_empty() {
                div.scroll tabindex="0" { table {
                    caption { "Bad rows that will be skipped (" (r.skipped.len()) ")" }
                    thead { tr { th scope="col" class="num" { "Line" } th scope="col" { "Column" } th scope="col" { "Expected" } th scope="col" { "Found" } } }
                    tbody { @for s in r.skipped.iter().take(PROBLEMS_SHOWN) {
                        tr { td.num { (s.line) } td { (s.header) } td { (s.expected) } td { (s.found) } }
                    } }
                } }
            }
            @if r.repeated_rows > 0 {
                p.warning { (r.repeated_rows) " rows repeat an earlier row of the same day cell for cell (the file exported twice?), e.g. line "
                    (r.repeated.first().map_or(0, |x| x.0)) " repeats line " (r.repeated.first().map_or(0, |x| x.1))
                    ". They will be imported; check the export if that is not what you meant." }
            }
            @if !overlaps.is_empty() {
                (overlap_warning(&overlaps, kind.map_or("", |k| k.name())))
            }
        }
        form method="post" action=(org.url(&format!("data/preview/{id}"))) {
            (org.viewer.csrf_field())
            @if let Some(k) = kind {
                div.scroll tabindex="0" { table {
                    caption { "Which column each field is read from" }
                    thead { tr { th scope="col" { "Field" } th scope="col" { "What it holds" } th scope="col" { "Column of the file" } th scope="col" { "First value" } } }
                    tbody {
                        @for fl in k.fields() {
                            @let col = chosen(fl.name);
                            @let idx = headers.iter().position(|h| *h == col);
                            tr {
                                th scope="row" { (fl.name) @if fl.required { " (required)" } }
                                td { (fl.expected) }
                                td {
                                    label.visually-hidden for=(format!("f-map_{}", fl.name)) { "Column for " (fl.name) }
                                    select id=(format!("f-map_{}", fl.name)) name=(format!("map_{}", fl.name)) {
                                        @for (v, l) in &columns { option value=(v) selected[*v == col] { (l) } }
                                    }
                                }
                                td { (idx.and_then(|i| rows.first().and_then(|(_, r)| r.get(i))).cloned().unwrap_or_default()) }
                            }
                        }
                    }
                } }
            }
            @if !rows.is_empty() {
                div.scroll tabindex="0" { table {
                    caption { "The first " (rows.len()) " rows as read" }
                    thead { tr { th scope="col" class="num" { "Line" } @for h in &headers { th scope="col" { (h) } } } }
                    tbody { @for (line, cells) in &rows {
                        tr { td.num { (line) } @for c in cells { td { (c) } } }
                    } }
                } }
            }
            (option_fields(Some(f), &errors))
            button.secondary type="submit" name="action" value="preview" { "Check again with these choices" }
            @if importable {
                @if overlaps.is_empty() {
                    button type="submit" name="action" value="import" { "Import " (report.as_ref().map_or(0, |r| r.rows)) " rows" }
                } @else {
                    // The files shown, and only those, are replaced (not one uploaded since).
                    @for o in &overlaps { input type="hidden" name="replacing" value=(o.dataset); }
                    button type="submit" name="action" value="replace" { "Import " (report.as_ref().map_or(0, |r| r.rows)) " rows in place of "
                        @if overlaps.len() == 1 { "the earlier file" } @else { "the " (overlaps.len()) " earlier files" } }
                    " "
                    button type="submit" name="action" value="import" { "Import them as well" }
                }
            }
        }
        p { a href=(org.url("data")) { "Cancel" } }
    };
    let status = if importable {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        org.page("Preview the upload", Section::Data, body),
    ))
}

/// The files imported before that cover some of the upload's days, and what importing both
/// would do.
fn overlap_warning(overlaps: &[Overlap], kind: &str) -> Markup {
    let day = |d: &str| {
        sextant_core::model::Date::parse(d)
            .map_or_else(|| d.to_string(), sextant_core::asset::long_date)
    };
    html! {
        div.warning role="note" {
            p { "This file covers days that " (kind) " data imported before cover too:" }
            ul { @for o in overlaps {
                li { strong { (o.name) } " (uploaded " (day(o.created_at.get(..10).unwrap_or(&o.created_at))) ") covers " (day(&o.first_day)) " to " (day(&o.last_day))
                    "; both cover " (day(&o.shared_from)) " to " (day(&o.shared_to)) "." }
            } }
            p { "If this file is a newer export of the same records, choose " em { "Import in place of" }
                " below: the earlier file is deleted as this one is stored. Kept both, the days they share would be counted twice (sales would read double). "
                "If it holds other records (another till, another shop), choose " em { "Import them as well" } "." }
        }
    }
}

fn gone() -> PageError {
    PageError::Status(
        StatusCode::GONE,
        format!(
            "This preview is no longer here (previews are kept {PREVIEW_MINUTES} minutes). Upload the file again."
        ),
    )
}

async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let action = f.get("action");
    if action != "import" && action != "replace" {
        let (p, upload) = restage(or_gone(state.store.preview(&org.scope, &id).await)?).await?;
        return preview_page(&state, &org, &id, &p.name, &upload, &f).await;
    }
    // Taken, so that a second "Import" (a double click, another instance) imports nothing more.
    let (p, upload) = restage(or_gone(state.store.take_preview(&org.scope, &id).await)?).await?;
    let mut opts = options_of(&f);
    opts.name = Some(p.name.clone());
    // In place of the files the preview showed, and of no other.
    let replace = if action == "replace" {
        Replace::These(
            f.0.iter()
                .filter(|(k, _)| k == "replacing")
                .filter_map(|(_, v)| v.parse().ok())
                .collect(),
        )
    } else {
        Replace::Nothing
    };
    match check_staged(&state, org.scope.org_id(), &upload, &opts, &p.name).await {
        Ok(checked) => {
            match store_staged(
                &state, &org.scope, &upload, &opts, &p.name, &checked, &replace,
            )
            .await
            {
                Ok(done) => {
                    let done = if done.replaced.is_empty() {
                        "imported"
                    } else {
                        "replaced"
                    };
                    Ok(see_other(&format!("{}?done={done}", org.url("data"))))
                }
                // Not stored: the preview is given back, so that "Import" can be tried again.
                Err(e) => {
                    give_back(&state, &org, &id, p, &upload).await?;
                    Err(e.into())
                }
            }
        }
        Err(_) => {
            let name = p.name.clone();
            give_back(&state, &org, &id, p, &upload).await?;
            preview_page(&state, &org, &id, &name, &upload, &f).await
        }
    }
}

async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, i64)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    state.store.delete_dataset(&org.scope, id).await?;
    Ok(see_other(&format!("{}?done=deleted", org.url("data"))))
}

async fn import_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    mp: Multipart,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let (_, file) = read_multipart(&state, &org, mp, "plan", MAX_PLAN).await?;
    let mut errors = Errors::new();
    match file {
        None => errors.general("Choose a plan file."),
        Some((name, staged)) => {
            let text = tokio::fs::read(&staged.path)
                .await
                .map_err(|e| PageError::Internal(e.to_string()))?;
            match String::from_utf8(text) {
                Err(_) => {
                    errors.general(format!("{name}: expected text (UTF-8), found binary data"))
                }
                Ok(text) => match crate::plan::import_text(&state, &org.scope, &name, text).await {
                    Ok(_) => return Ok(see_other(&format!("{}?done=imported", org.url("")))),
                    Err(ApiError::Invalid(detail, problems)) => {
                        errors.general(format!("{name}: {detail}"));
                        for p in problems {
                            let at = match (p.line, p.column) {
                                (Some(l), Some(c)) => format!("line {l}, column {c}: "),
                                _ => String::new(),
                            };
                            let path = if p.path.is_empty() {
                                String::new()
                            } else {
                                format!("{} ", p.path)
                            };
                            errors.general(format!("{at}{path}{}", p.message));
                        }
                    }
                    Err(other) => return Err(other.into()),
                },
            }
        }
    }
    show(&state, &org, None, &Errors::new(), &errors).await
}
