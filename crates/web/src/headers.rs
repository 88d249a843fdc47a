//! Security headers on every response, pages, API and errors alike.
//!
//! - `Content-Security-Policy`: everything from the server itself, and nothing inline: the
//!   pages load their one style sheet and one script from `/assets/`, and no page, chart or
//!   error carries a `style` attribute or an inline script. Only the API reference
//!   (`/api/v1/docs`, Swagger UI served from the binary) styles elements inline and shows
//!   `data:` images from its style sheet, so its responses alone allow inline styles
//!   ([`DOCS_CSP`]). Otherwise: images from the server or `data:`, requests to the server
//!   only, forms posting to the server only, no plugins, no `<base>`, and no framing.
//! - `X-Frame-Options: DENY` (with `frame-ancestors 'none'`): no page can be framed
//!   (clickjacking).
//! - `X-Content-Type-Options: nosniff`: a data set served back as `text/csv` stays text.
//! - `Referrer-Policy: no-referrer`: the set-up link's token never leaves in a `Referer`.
//! - `Cache-Control: no-store`: every response; the API's answers (tokens, plans, data) and
//!   the pages (CSRF tokens, set-up tokens, session cookies) are all private, and nothing the
//!   server sends is worth a cache's copy.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

/// The `Content-Security-Policy` of every response but the API reference's.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The `Content-Security-Policy` of the API reference (`/api/v1/docs`): [`CSP`] with inline
/// styles, which Swagger UI sets on its elements.
pub const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'";

/// Marks a response of the API reference for [`DOCS_CSP`] (`axum::middleware::map_response`
/// on its routes only).
pub async fn docs(mut resp: Response) -> Response {
    resp.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOCS_CSP),
    );
    resp
}

/// Adds the security headers to a response (`axum::middleware::map_response`); a response
/// of the API reference keeps the policy [`docs`] gave it.
pub async fn secure(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    let policy = match h.get(header::CONTENT_SECURITY_POLICY) {
        Some(v) if v == DOCS_CSP => DOCS_CSP,
        _ => CSP,
    };
    let set = [
        (header::CONTENT_SECURITY_POLICY, policy),
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

/// `Content-Disposition: attachment` for a download named `name` (RFC 6266): `filename=` a
/// quoted ASCII fallback (anything else, quotes, backslashes, slashes and control characters
/// become `_`), and `filename*=UTF-8''` the name percent-encoded (RFC 5987), which browsers
/// prefer. Any text gives a valid header, names stored before control characters were refused
/// included.
pub fn attachment(name: &str) -> HeaderValue {
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if !matches!(c, '"' | '\\' | '/') => c,
            _ => '_',
        })
        .collect();
    // Nothing left of the name (all of it replaced): a neutral name.
    let fallback = if fallback.chars().all(|c| c == '_' || c == ' ') {
        "download".to_string()
    } else {
        fallback
    };
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name with a control character (stored before such names were refused) made the
    /// download answer 500; quotes and line breaks could end the header's value early.
    #[test]
    fn any_name_makes_a_valid_content_disposition() {
        let cases = [
            (
                "orders.csv",
                "attachment; filename=\"orders.csv\"; filename*=UTF-8''orders.csv",
            ),
            (
                "a\u{1}b.csv",
                "attachment; filename=\"a_b.csv\"; filename*=UTF-8''a%01b.csv",
            ),
            (
                "été \"2027\"\r\n.xlsx",
                "attachment; filename=\"_t_ _2027___.xlsx\"; filename*=UTF-8''%C3%A9t%C3%A9%20%222027%22%0D%0A.xlsx",
            ),
            (
                "../x\\y",
                "attachment; filename=\".._x_y\"; filename*=UTF-8''..%2Fx%5Cy",
            ),
            (
                "\u{1}",
                "attachment; filename=\"download\"; filename*=UTF-8''%01",
            ),
        ];
        for (name, expected) in cases {
            assert_eq!(attachment(name).to_str().ok(), Some(expected), "{name:?}");
        }
    }
}
