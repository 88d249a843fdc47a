//! Request extractors whose rejections are problem+json like every other error: JSON bodies,
//! query strings, and the caller (a session cookie with its CSRF token, or an API token).

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use serde::de::DeserializeOwned;
use sextant_store::User;

use crate::AppState;
use crate::error::{ApiError, FieldProblem};

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "sextant_session";
/// The header carrying the session's CSRF token on changing requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A JSON body; a malformed one is a 400 or a 422 naming the field. The request must say it is
/// JSON (`Content-Type: application/json`, or a `+json` type): anything else is a 415, so that
/// a cross-site form (which can only send `text/plain`, `multipart/form-data` or
/// `application/x-www-form-urlencoded`) cannot reach a JSON endpoint.
pub struct Json<T>(pub T);

/// Whether a `Content-Type` names JSON: `application/json` or `application/...+json`, with
/// any parameters (`; charset=utf-8`).
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = req.headers().get(header::CONTENT_TYPE).map(|v| {
            v.to_str()
                .map(str::to_string)
                .unwrap_or_else(|_| String::from_utf8_lossy(v.as_bytes()).into_owned())
        });
        if !content_type.as_deref().is_some_and(is_json) {
            let found = match content_type {
                Some(t) => format!("`{t}`"),
                None => "no Content-Type".to_string(),
            };
            return Err(ApiError::UnsupportedMediaType(format!(
                "expected Content-Type: application/json, found {found}"
            )));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge(e.body_text())
                } else {
                    ApiError::BadRequest(e.body_text())
                }
            })?;
        // A NUL byte can only come escaped (raw control characters are not JSON).
        if bytes.windows(6).any(|w| w == b"\\u0000")
            && let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes)
        {
            sextant_store::no_nul_json("", &v)?;
        }
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let mut track = serde_path_to_error::Track::new();
        let value = T::deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
            // Nothing but white space after the value: `{...} {...}` is not one JSON text.
            .and_then(|v| de.end().map(|()| v));
        if value.is_ok() {
            // A key given twice in one object: serde keeps either silently where the type
            // takes any object (a plan entry), so it is refused for every body, as the plan
            // files refuse it.
            if let Err((path, e)) = repeated_key(&bytes) {
                return Err(ApiError::Invalid(
                    format!("the body is not what this endpoint takes: {e}"),
                    vec![FieldProblem::new(path, e.to_string())],
                ));
            }
        }
        match value {
            Ok(v) => Ok(Json(v)),
            Err(e) if e.is_syntax() || e.is_eof() => {
                Err(ApiError::BadRequest(format!("the body is not JSON: {e}")))
            }
            Err(e) => {
                let path = track.path().to_string();
                let path = if path == "." { String::new() } else { path };
                let p = FieldProblem::new(path, e.to_string());
                Err(ApiError::Invalid(
                    format!("the body is not what this endpoint takes: {e}"),
                    vec![p],
                ))
            }
        }
    }
}

/// Refuses a JSON text in which one object gives a key twice, with the repeated key's path
/// and an error naming the key and the line and column of the second (also what the command
/// line's tests hold its JSON to).
pub fn repeated_key(bytes: &[u8]) -> Result<(), (String, serde_json::Error)> {
    use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    struct Keys<'a>(String, &'a std::cell::RefCell<String>);
    impl<'de> DeserializeSeed<'de> for Keys<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Keys<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut i = 0;
            while seq
                .next_element_seed(Keys(format!("{}[{i}]", self.0), self.1))?
                .is_some()
            {
                i += 1;
            }
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                if !seen.insert(key.clone()) {
                    *self.1.borrow_mut() = if self.0.is_empty() {
                        key.clone()
                    } else {
                        format!("{}.{key}", self.0)
                    };
                    let at = if self.0.is_empty() {
                        String::new()
                    } else {
                        format!(" in `{}`", self.0)
                    };
                    return Err(A::Error::custom(format!(
                        "the key `{key}` is given twice{at}: give each key once"
                    )));
                }
                let path = if self.0.is_empty() {
                    key
                } else {
                    format!("{}.{key}", self.0)
                };
                map.next_value_seed(Keys(path, self.1))?;
            }
            Ok(())
        }
    }
    let path = std::cell::RefCell::new(String::new());
    Keys(String::new(), &path)
        .deserialize(&mut serde_json::Deserializer::from_slice(bytes))
        .map_err(|e| (path.take(), e))
}

/// A request whose body is a file itself (a plan, a data file, a logo): one sent as a form's
/// upload (`multipart/form-data`, as `curl -F` sends it) is refused with a 415 saying how to
/// send it, rather than read with the form's envelope as part of the file.
pub struct FileBody;

impl<S: Send + Sync> FromRequestParts<S> for FileBody {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let found = parts
            .headers
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        match found {
            Some(t) if t.trim().to_ascii_lowercase().starts_with("multipart/") => {
                Err(ApiError::UnsupportedMediaType(format!(
                    "expected the file itself as the body (e.g. `curl --data-binary @FILE`), found `{t}`: a form's upload (`curl -F`) is what the pages take"
                )))
            }
            _ => Ok(FileBody),
        }
    }
}

/// A query string; a bad one is a 422 naming the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            let name = k.replace('\0', "\\u0000");
            sextant_store::no_nul(&name, &k)?;
            sextant_store::no_nul(&name, &v)?;
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        let mut track = serde_path_to_error::Track::new();
        T::deserialize(serde_path_to_error::Deserializer::new(de, &mut track))
            .map(Query)
            .map_err(|e| {
                let path = track.path().to_string();
                let path = if path == "." {
                    "query".to_string()
                } else {
                    path
                };
                ApiError::Invalid(
                    format!("query parameter `{path}`: {e}"),
                    vec![FieldProblem::new(path, e.to_string())],
                )
            })
    }
}

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Via {
    /// A session cookie (its token).
    Session(String),
    /// An API token (its id).
    Token(i64),
}

/// The authenticated caller. Changing requests made with a session cookie must carry the
/// session's CSRF token in `X-CSRF-Token`; API tokens need none (a browser never sends them
/// on its own).
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who.
    pub user: User,
    /// How.
    pub via: Via,
}

impl Caller {
    /// The credential the caller came with, as the store names it.
    pub fn credential(&self) -> sextant_store::Credential<'_> {
        match &self.via {
            Via::Session(token) => sextant_store::Credential::Session(token),
            Via::Token(id) => sextant_store::Credential::Token(*id),
        }
    }
}

/// The value of a cookie of the request.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(auth) = parts.headers.get(axum::http::header::AUTHORIZATION) {
            let auth = auth.to_str().unwrap_or("");
            let token = auth.strip_prefix("Bearer ").ok_or(ApiError::Unauthorized)?;
            let (user, id) = state
                .store
                .token_owner(token.trim())
                .await?
                .ok_or(ApiError::Unauthorized)?;
            second_factor_set_up(state, &user, parts.uri.path()).await?;
            return Ok(Caller {
                user,
                via: Via::Token(id),
            });
        }
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(ApiError::Unauthorized)?;
        let (user, csrf) = state
            .store
            .session(&token)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), csrf.as_bytes()) {
                return Err(ApiError::Forbidden(
                    "missing or wrong CSRF token: send the session's csrf_token (from POST /api/v1/session or GET /api/v1/me) in the X-CSRF-Token header".into(),
                ));
            }
        }
        second_factor_set_up(state, &user, parts.uri.path()).await?;
        Ok(Caller {
            user,
            via: Via::Session(token),
        })
    }
}

/// Where an installation requiring a second factor (`require_two_factor`) lets an account
/// without one go: its own account, the set-up and logging out.
pub const TWO_FACTOR_OPEN: [&str; 4] = [
    "/me",
    "/me/two-factor",
    "/me/two-factor/confirm",
    "/session",
];

/// Refuses an account without a second factor where the installation requires one, except on
/// the routes that set it up ([`TWO_FACTOR_OPEN`]).
async fn second_factor_set_up(state: &AppState, user: &User, path: &str) -> Result<(), ApiError> {
    if !state.require_two_factor {
        return Ok(());
    }
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    if TWO_FACTOR_OPEN.contains(&path) || state.store.two_factor(user).await?.on {
        return Ok(());
    }
    Err(ApiError::Forbidden(
        "this installation requires a second factor: set it up first (POST /api/v1/me/two-factor, then POST /api/v1/me/two-factor/confirm with a code from the authenticator app), or on the Account page".into(),
    ))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Path parameters; a bad one (a word where a number goes) is a 400.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if let Ok(raw) = axum::extract::RawPathParams::from_request_parts(parts, state).await {
            for (name, value) in &raw {
                sextant_store::no_nul(name, value)?;
            }
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}
