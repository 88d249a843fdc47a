//! The API's one error type: each case maps to a status and an `application/problem+json`
//! body (RFC 9457) with, for a refused plan or field, the path of every problem. Database and
//! unexpected errors are logged and answered with a bare 500 whose details stay in the log.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sextant_store::{LoginError, StoreError};

/// One problem with the request, located by its field path.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// The field, as a path into the request or the plan (`initiatives[2].depends_on[0]`).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// Line in the uploaded text, when the request was a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Column in the uploaded text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What the field should hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What it holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl FieldProblem {
    /// A problem with `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        FieldProblem {
            path: path.into(),
            message: message.into(),
            line: None,
            column: None,
            expected: None,
            found: None,
            hint: None,
        }
    }

    /// From a plan problem; `located` keeps the line and column (for uploaded files).
    pub fn from_plan(p: &sextant_core::Problem, located: bool) -> Self {
        FieldProblem {
            path: p.path.clone(),
            message: p.message.clone(),
            line: located.then_some(p.location.line),
            column: located.then_some(p.location.column),
            expected: p.expected.clone(),
            found: p.found.clone(),
            hint: p.hint.clone(),
        }
    }
}

/// A page of a list, as every list is answered: `items` (see each route for what they are),
/// `total` before paging, and the `offset` and `limit` served.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListPage {
    /// This page.
    pub items: Vec<serde_json::Value>,
    /// How many there are in all.
    pub total: i64,
    /// The offset of the first item.
    pub offset: i64,
    /// The most items a page holds.
    pub limit: i64,
}

/// The body of an error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// The kind in words.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// This occurrence in words.
    pub detail: String,
    /// Each problem with the request, when there are several or they have paths.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// An error answered to an API client.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the request is malformed.
    BadRequest(String),
    /// 401: no valid session or token.
    Unauthorized,
    /// 401: a login with a wrong e-mail address or password.
    Credentials,
    /// 401: a login whose second factor is missing, wrong or too late, with what to do.
    SecondFactor(String),
    /// 403: authenticated but not allowed (or a bad CSRF token).
    Forbidden(String),
    /// 404.
    NotFound(String),
    /// 409.
    Conflict(String),
    /// 413.
    TooLarge(String),
    /// 415: a body of another type than the route takes.
    UnsupportedMediaType(String),
    /// 422: well-formed but wrong, with each problem.
    Invalid(String, Vec<FieldProblem>),
    /// 429: with the seconds to wait.
    TooMany(String, i64),
    /// 500: logged, not shown.
    Internal(String),
    /// 503: the server is too busy, or stopping; with the seconds after which to try again.
    Busy(String, i64),
}

impl ApiError {
    /// A 422 for one field.
    pub fn field(path: impl Into<String>, message: impl Into<String>) -> Self {
        let p = FieldProblem::new(path, message);
        ApiError::Invalid(format!("{}: {}", p.path, p.message), vec![p])
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => ApiError::NotFound(e.to_string()),
            StoreError::Forbidden { .. } => ApiError::Forbidden(e.to_string()),
            StoreError::Conflict(m) => ApiError::Conflict(m),
            StoreError::Invalid { field, message } => ApiError::field(field, message),
            StoreError::Plan(p) => ApiError::Invalid(
                format!(
                    "the plan would not be valid ({} problem(s)); nothing was changed",
                    p.0.len()
                ),
                p.0.iter()
                    .map(|p| FieldProblem::from_plan(p, false))
                    .collect(),
            ),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<LoginError> for ApiError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::Invalid => ApiError::Credentials,
            LoginError::CodeNeeded { .. } => ApiError::SecondFactor(
                "this account signs in with a second factor: send `code`, the 6-digit code from the authenticator app (or a recovery code), with the e-mail address and password".into(),
            ),
            LoginError::BadCode | LoginError::Expired => ApiError::SecondFactor(e.to_string()),
            LoginError::RateLimited { retry_after } | LoginError::Busy { retry_after } => {
                ApiError::TooMany(e.to_string(), retry_after)
            }
            LoginError::Store(s) => s.into(),
        }
    }
}

impl ApiError {
    /// The status, the detail a client is shown, the problems with their paths, and the
    /// seconds to wait; an internal error is logged here and shown as such.
    fn parts(self) -> (StatusCode, String, Vec<FieldProblem>, Option<i64>) {
        match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m, vec![], None),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "log in (POST /api/v1/session) or send an API token as `Authorization: Bearer sxt_...`".to_string(),
                vec![],
                None,
            ),
            ApiError::Credentials => (
                StatusCode::UNAUTHORIZED,
                "wrong e-mail address or password".to_string(),
                vec![],
                None,
            ),
            ApiError::SecondFactor(m) => (
                StatusCode::UNAUTHORIZED,
                m.clone(),
                vec![FieldProblem::new("code", m)],
                None,
            ),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, m, vec![], None),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m, vec![], None),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, m, vec![], None),
            ApiError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m, vec![], None),
            ApiError::UnsupportedMediaType(m) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, m, vec![], None)
            }
            ApiError::Invalid(m, errors) => (StatusCode::UNPROCESSABLE_ENTITY, m, errors, None),
            ApiError::TooMany(m, after) => (StatusCode::TOO_MANY_REQUESTS, m, vec![], Some(after)),
            ApiError::Busy(m, after) => (StatusCode::SERVICE_UNAVAILABLE, m, vec![], Some(after)),
            ApiError::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on the server; the log has the details".to_string(),
                    vec![],
                    None,
                )
            }
        }
    }

    /// Its HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized | ApiError::Credentials | ApiError::SecondFactor(_) => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid(..) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooMany(..) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Busy(..) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// What a client is told of this error (a problem document's `detail`).
    pub fn detail(self) -> String {
        self.parts().1
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, detail, errors, retry) = self.parts();
        let body = Problem {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            errors,
        };
        let mut resp = (status, axum::Json(body)).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(after) = retry
            && let Ok(v) = HeaderValue::from_str(&after.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// Turns an error response that is not yet a problem document (a 405 with an empty body, a
/// 413 or a 400 in plain text from a body extractor) into one, keeping its status and its text
/// as the detail.
pub async fn as_problem(resp: Response) -> Response {
    let status = resp.status();
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let detail = if !text.is_empty() {
        text
    } else if status == StatusCode::METHOD_NOT_ALLOWED {
        let allowed = parts
            .headers
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        format!("this route does not take that method; it takes {allowed}")
    } else {
        status.canonical_reason().unwrap_or("error").to_string()
    };
    let body = Problem {
        kind: "about:blank".into(),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail,
        errors: Vec::new(),
    };
    let mut out = (status, axum::Json(body)).into_response();
    for (k, v) in &parts.headers {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    out
}
