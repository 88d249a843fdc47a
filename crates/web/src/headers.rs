//! Security headers on every response, pages, API and errors alike.
//!
//! - `Content-Security-Policy`: everything from the server itself. The pages (pages.rs) have
//!   one inline `<style>` and no scripts; the API reference (`/api/v1/docs`, Swagger UI served
//!   from the binary) loads its scripts and style sheets from the server, styles elements
//!   inline and shows `data:` images from its style sheet. So: scripts from the server only,
//!   styles from the server or inline, images from the server or `data:`, requests to the
//!   server only, forms posting to the server only, no plugins, no `<base>`, and no framing.
//! - `X-Frame-Options: DENY` (with `frame-ancestors 'none'`): no page can be framed
//!   (clickjacking).
//! - `X-Content-Type-Options: nosniff`: a data set served back as `text/csv` stays text.
//! - `Referrer-Policy: no-referrer`: the set-up link's token never leaves in a `Referer`.
//! - `Cache-Control: no-store`: every response; the API's answers (tokens, plans, data) and
//!   the pages (CSRF tokens, set-up tokens, session cookies) are all private, and nothing the
//!   server sends is worth a cache's copy.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

/// The `Content-Security-Policy` of every response.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to a response (`axum::middleware::map_response`).
pub async fn secure(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    let set = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in set {
        h.insert::<HeaderName>(name, HeaderValue::from_static(value));
    }
    resp
}
