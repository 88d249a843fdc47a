//! The second factor on the pages: whether it is on, setting it up (a QR code and the key to
//! type, confirmed with a code from the app, then ten recovery codes shown once), new recovery
//! codes, turning it off (with a code); and, where the installation requires it, the page every
//! other page sends an account without it to.
//!
//! Routes: `GET /account/two-factor`, `POST /account/two-factor/start`,
//! `POST /account/two-factor/confirm`, `POST /account/two-factor/recovery-codes`,
//! `POST /account/two-factor/off`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use maud::{Markup, PreEscaped, html};
use sextant_store::Setup;

use super::form::{Errors, Field, FormData};
use super::{PageError, PageResult, Viewer, layout, render, render_status};
use crate::AppState;
use crate::firm::unix_now;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/two-factor", get(page))
        .route("/account/two-factor/start", post(start))
        .route("/account/two-factor/confirm", post(confirm))
        .route("/account/two-factor/recovery-codes", post(new_codes))
        .route("/account/two-factor/off", post(off))
}

/// Pages an account without a second factor may open where the installation requires one.
pub const OPEN: [&str; 5] = [
    "/account/two-factor",
    "/account/two-factor/start",
    "/account/two-factor/confirm",
    "/logout",
    "/account",
];

/// The QR code of a key's address, as SVG.
fn qr(uri: &str) -> Markup {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => PreEscaped(
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build(),
        ),
        Err(_) => html! {},
    }
}

fn shell(viewer: &Viewer, required: bool, body: Markup) -> Markup {
    layout(
        "Sign in with your phone too",
        Some(viewer),
        None,
        html! {
            @if required {
                p.notice role="status" { "This installation asks every account for a code from an authenticator app at login. Set it up below to go on." }
            }
            (body)
        },
    )
}

fn setup_body(viewer: &Viewer, s: &Setup, errors: &Errors) -> Markup {
    html! {
        (errors.summary())
        ol {
            li { "Install an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator, 1Password or Aegis)." }
            li { "In the app, add an account and scan this code:" }
        }
        figure.qr aria-label="QR code of your key" { (qr(&s.uri)) }
        p { "Cannot scan it? Type this key into the app instead: " code { (s.key) } }
        form method="post" action="/account/two-factor/confirm" {
            (viewer.csrf_field())
            (Field::text("code", "The 6-digit code the app now shows", "").required().render(errors))
            button type="submit" { "Turn it on" }
        }
    }
}

fn codes_body(codes: &[String], first: bool) -> Markup {
    html! {
        p.notice role="status" {
            @if first { "The second factor is on. " }
            "Keep these recovery codes somewhere safe (printed, or in your password manager): each lets you in once if you lose your phone. They are shown only now."
        }
        ul.codes { @for c in codes { li { code { (c) } } } }
        p { a href="/account/two-factor" { "Done" } }
    }
}

async fn status_body(
    state: &AppState,
    viewer: &Viewer,
    errors: &Errors,
) -> Result<Markup, PageError> {
    let t = state.store.two_factor(&viewer.user).await?;
    Ok(html! {
        (errors.summary())
        @if t.on {
            p { strong { "The second factor is on." } " At login, after your password, you type the code your authenticator app shows." }
            p { "Recovery codes left: " strong { (t.recovery_left) } "." }
            section aria-labelledby="new-codes" {
                h2 #new-codes { "New recovery codes" }
                p { "Makes ten new codes; the old ones stop working." }
                form method="post" action="/account/two-factor/recovery-codes" {
                    (viewer.csrf_field())
                    (Field::text("code", "Code from the app", "").required().render(errors))
                    button type="submit" { "Make new recovery codes" }
                }
            }
            section aria-labelledby="new-phone" {
                h2 #new-phone { "A new phone" }
                p { "Set the app up again on the new phone: the old one keeps working until the new one is confirmed." }
                form method="post" action="/account/two-factor/start" {
                    (viewer.csrf_field())
                    button type="submit" { "Set up a new phone" }
                }
            }
            @if !state.require_two_factor {
                section aria-labelledby="off" {
                    h2 #off { "Turn it off" }
                    form method="post" action="/account/two-factor/off" {
                        (viewer.csrf_field())
                        (Field::text("off_code", "Code from the app, or a recovery code", "").required().render(errors))
                        button.danger type="submit" { "Turn the second factor off" }
                    }
                }
            }
        } @else {
            p { "After your password, Sextant will also ask for a 6-digit code from an app on your phone. Someone who learns your password cannot log in without the phone." }
            form method="post" action="/account/two-factor/start" {
                (viewer.csrf_field())
                button type="submit" { "Set it up" }
            }
        }
        p { a href="/account" { "Back to your account" } }
    })
}

async fn page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let body = status_body(&state, &viewer, &Errors::new()).await?;
    Ok(render(shell(&viewer, state.require_two_factor, body)))
}

async fn start(State(state): State<AppState>, viewer: Viewer, f: FormData) -> PageResult {
    viewer.check(f.csrf())?;
    let s = state.store.start_two_factor(&viewer.user).await?;
    Ok(render(shell(
        &viewer,
        state.require_two_factor,
        setup_body(&viewer, &s, &Errors::new()),
    )))
}

async fn confirm(State(state): State<AppState>, viewer: Viewer, f: FormData) -> PageResult {
    viewer.check(f.csrf())?;
    match state
        .store
        .confirm_two_factor(&viewer.user, f.get("code"), unix_now())
        .await
    {
        Ok(codes) => Ok(render(shell(&viewer, false, codes_body(&codes, true)))),
        Err(sextant_store::StoreError::Invalid { message, .. }) => {
            let mut errors = Errors::new();
            errors.add("code", message);
            let body = match state.store.pending_two_factor(&viewer.user).await? {
                Some(s) => setup_body(&viewer, &s, &errors),
                None => status_body(&state, &viewer, &errors).await?,
            };
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                shell(&viewer, state.require_two_factor, body),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// A wrong code, shown beside `field` on the status page.
async fn wrong(state: &AppState, viewer: &Viewer, field: &str, e: PageError) -> PageResult {
    let mut errors = Errors::new();
    match e {
        PageError::Status(StatusCode::TOO_MANY_REQUESTS, m) => errors.add(field, m),
        _ => errors.add(
            field,
            "wrong code: type the 6 digits the app shows now, or an unused recovery code",
        ),
    }
    let body = status_body(state, viewer, &errors).await?;
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        shell(viewer, state.require_two_factor, body),
    ))
}

async fn check(state: &AppState, viewer: &Viewer, code: &str) -> Result<bool, PageError> {
    state
        .store
        .check_code(&viewer.user, code, unix_now())
        .await
        .map_err(|e| crate::error::ApiError::from(e).into())
}

async fn new_codes(State(state): State<AppState>, viewer: Viewer, f: FormData) -> PageResult {
    viewer.check(f.csrf())?;
    match check(&state, &viewer, f.get("code")).await {
        Ok(true) => {
            let codes = state.store.new_recovery_codes(&viewer.user).await?;
            Ok(render(shell(&viewer, false, codes_body(&codes, false))))
        }
        Ok(false) => wrong(&state, &viewer, "code", PageError::Forbidden(String::new())).await,
        Err(e) => wrong(&state, &viewer, "code", e).await,
    }
}

async fn off(
    State(state): State<AppState>,
    viewer: Viewer,
    f: FormData,
) -> Result<Response, PageError> {
    viewer.check(f.csrf())?;
    if state.require_two_factor {
        return Err(PageError::Status(
            StatusCode::CONFLICT,
            "This installation requires a second factor of every account: it cannot be turned off. Set up a new phone instead.".into(),
        ));
    }
    match check(&state, &viewer, f.get("off_code")).await {
        Ok(true) => {
            state
                .store
                .stop_two_factor(&viewer.user, viewer.user.id)
                .await?;
            Ok(super::see_other("/account/two-factor"))
        }
        Ok(false) => {
            wrong(
                &state,
                &viewer,
                "off_code",
                PageError::Forbidden(String::new()),
            )
            .await
        }
        Err(e) => wrong(&state, &viewer, "off_code", e).await,
    }
}
