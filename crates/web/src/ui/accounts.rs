//! The installation's accounts (`/accounts`), for its administrator: who has an account and in
//! which organisations, a one-time link to choose a new password (sent by e-mail when it is
//! set up, shown to the administrator otherwise), and removing an account. And the page that
//! link opens (`/reset?token=...`), where the person chooses the new password.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use maud::html;
use serde::Deserialize;
use sextant_store::Paging;

use super::account::{form_ok, form_token, with_cookie};
use super::form::{Errors, Field, FormData, Kind};
use super::{PageError, PageResult, Viewer, layout, notice, render, render_status, see_other};
use crate::AppState;
use crate::auth::session_cookie;
use crate::extract::{Path, Query};
use crate::mail::{self, Delivery};

/// The accounts' routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(page))
        .route("/accounts/{id}/reset", post(reset))
        .route("/accounts/{id}/remove", post(remove))
        .route("/accounts/{id}/firm", post(set_firm))
        .route("/accounts/{id}/two-factor-off", post(two_factor_off))
        .route("/reset", get(reset_form).post(use_reset))
}

fn require_admin(viewer: &Viewer) -> Result<(), PageError> {
    if viewer.user.is_admin {
        Ok(())
    } else {
        Err(PageError::Forbidden(
            "Only the administrator of this installation manages its accounts.".into(),
        ))
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// A reset link made just now: for whom, what became of its e-mail, and when it was not sent,
/// the link.
struct Made {
    email: String,
    delivery: Delivery,
    link: Option<String>,
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    done: Option<&str>,
    made: Option<Made>,
    errors: &Errors,
) -> PageResult {
    let accounts = state
        .store
        .accounts(&viewer.user, Paging::new(None, Some(500)))
        .await?;
    let lasts = mail::duration(state.store.lifetimes().reset);
    // The organisations the administrator may open (a member, or a firm administrator): the
    // others are named without a link, which would lead nowhere.
    let mine: std::collections::HashSet<String> = state
        .store
        .orgs_of(&viewer.user, Paging::new(None, Some(500)))
        .await?
        .items
        .into_iter()
        .map(|(o, _)| o.slug)
        .collect();
    let body = html! {
        (notice(done))
        (errors.summary())
        @if let Some(m) = &made {
            @match &m.delivery {
                Delivery::Sent => div.notice role="status" {
                    p { "A link to choose a new password was sent by e-mail to " (m.email)
                        ". It works once, for " (lasts) "." }
                },
                Delivery::Failed(why) => div.warning role="alert" {
                    p { strong { "The e-mail to " (m.email) " could not be sent: " } (why) "." }
                    p { "Give them this link yourself; it works once, for " (lasts) ":" }
                    @if let Some(link) = &m.link { p { code { (link) } } }
                },
                Delivery::NotSetUp => div.notice role="status" {
                    p { "Give " (m.email) " this link to choose a new password; it works once, for "
                        (lasts) ":" }
                    @if let Some(link) = &m.link { p { code { (link) } } }
                },
            }
        }
        p { "A reset link lets the person choose a new password; using it logs them out \
             everywhere and revokes their API tokens, and their password stays as it is until \
             then. Removing an account takes it out of every organisation and ends its sessions; \
             an organisation's only owner stays until someone else is made owner." }
        div.scroll tabindex="0" { table {
            caption { "Accounts (" (accounts.total) ")" }
            thead { tr {
                th scope="col" { "Name" } th scope="col" { "E-mail" }
                th scope="col" { "Organisations" } th scope="col" { span.muted { "Change" } }
            } }
            tbody {
                @for a in &accounts.items {
                    tr {
                        td {
                            (a.name)
                            @if a.is_admin { " " span.badge.none { "administrator" } }
                            @if a.sees_all { " " span.badge.none { "firm administrator" } }
                            @if a.two_factor { " " span.badge.none { "second factor" } }
                        }
                        td { (a.email) }
                        td {
                            @if a.memberships.is_empty() { span.muted { "none" } }
                            @for (i, m) in a.memberships.iter().enumerate() {
                                @if i > 0 { ", " }
                                @if mine.contains(&m.slug) {
                                    a href=(format!("/orgs/{}/members", m.slug)) { (m.name) }
                                } @else { (m.name) }
                                " (" (m.role.as_str()) @if m.only_owner { ", only owner" } ")"
                            }
                        }
                        td {
                            form.inline method="post" action=(format!("/accounts/{}/reset", a.id)) {
                                (viewer.csrf_field())
                                button.secondary type="submit"
                                    aria-label=(format!("Make a password reset link for {}", a.email)) { "Reset password" }
                            }
                            " "
                            form.inline method="post" action=(format!("/accounts/{}/firm", a.id)) {
                                (viewer.csrf_field())
                                input type="hidden" name="sees_all" value=(if a.sees_all { "0" } else { "1" });
                                button.secondary type="submit"
                                    aria-label=(format!("{} {} as a firm administrator, who sees every organisation", if a.sees_all { "Stop" } else { "Make" }, a.email)) {
                                    @if a.sees_all { "Stop seeing every client" } @else { "See every client" }
                                }
                            }
                            @if a.two_factor {
                                " "
                                form.inline method="post" action=(format!("/accounts/{}/two-factor-off", a.id)) {
                                    (viewer.csrf_field())
                                    button.secondary type="submit"
                                        data-confirm=(format!("Turn off the second factor of {}? Do it only when they lost their phone and recovery codes.", a.email))
                                        aria-label=(format!("Turn off the second factor of {} (a lost phone)", a.email)) { "Turn off second factor" }
                                }
                            }
                            @if a.id != viewer.user.id {
                                " "
                                form.inline method="post" action=(format!("/accounts/{}/remove", a.id)) {
                                    (viewer.csrf_field())
                                    button.danger type="submit"
                                        data-confirm=(format!("Remove the account of {}? They lose access to every organisation.", a.email))
                                        aria-label=(format!("Remove the account of {}", a.email)) { "Remove" }
                                }
                            }
                        }
                    }
                }
            }
        } }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    Ok(render_status(
        status,
        layout("Accounts", Some(viewer), None, body),
    ))
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    require_admin(&viewer)?;
    show(&state, &viewer, q.done.as_deref(), None, &Errors::new()).await
}

async fn reset(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: HeaderMap,
    f: FormData,
) -> PageResult {
    viewer.check(f.csrf())?;
    require_admin(&viewer)?;
    let made = state.store.create_reset(&viewer.user, id).await?;
    tracing::info!(
        account = id,
        by = viewer.user.id,
        "password reset link made"
    );
    let delivery = mail::send_reset(&state, &made).await;
    let link = (!delivery.sent()).then(|| {
        format!(
            "{}/reset?token={}",
            super::members::origin(&state, &headers),
            made.token
        )
    });
    let made = Made {
        email: made.user.email,
        delivery,
        link,
    };
    show(&state, &viewer, None, Some(made), &Errors::new()).await
}

async fn set_firm(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    f: FormData,
) -> PageResult {
    viewer.check(f.csrf())?;
    require_admin(&viewer)?;
    state
        .store
        .set_sees_all(&viewer.user, id, f.get("sees_all") == "1")
        .await?;
    Ok(see_other("/accounts?done=saved"))
}

async fn two_factor_off(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    f: FormData,
) -> PageResult {
    viewer.check(f.csrf())?;
    require_admin(&viewer)?;
    state.store.stop_two_factor(&viewer.user, id).await?;
    Ok(see_other("/accounts?done=saved"))
}

async fn remove(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    f: FormData,
) -> PageResult {
    viewer.check(f.csrf())?;
    require_admin(&viewer)?;
    match state.store.remove_account(&viewer.user, id).await {
        Ok(_) => {
            tracing::info!(account = id, by = viewer.user.id, "account removed");
            Ok(see_other("/accounts?done=removed"))
        }
        Err(sextant_store::StoreError::Conflict(m)) => {
            let mut errors = Errors::new();
            errors.general(m);
            show(&state, &viewer, None, None, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ResetQuery {
    token: Option<String>,
}

fn reset_page(
    state: &AppState,
    token: &str,
    email: &str,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let (csrf, c) = form_token(state);
    let body = html! {
        (errors.summary())
        p { "Choose a new password for " strong { (email) } ". Choosing it logs you out \
             everywhere else and revokes your API tokens." }
        form method="post" action="/reset" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="token" value=(token);
            (Field::text("password", "New password", "").kind(Kind::Password).required()
                .hint("10 characters or more").render(errors))
            button type="submit" { "Set the new password" }
        }
    };
    let mut r = with_cookie(render(layout("Choose a new password", None, None, body)), c);
    *r.status_mut() = status;
    r
}

async fn reset_form(State(state): State<AppState>, Query(q): Query<ResetQuery>) -> PageResult {
    let token = q.token.unwrap_or_default();
    let user = state.store.reset_account(&token).await?;
    Ok(reset_page(
        &state,
        &token,
        &user.email,
        &Errors::new(),
        StatusCode::OK,
    ))
}

async fn use_reset(State(state): State<AppState>, headers: HeaderMap, f: FormData) -> PageResult {
    let token = f.get("token");
    let user = state.store.reset_account(token).await?;
    let mut errors = Errors::new();
    if !form_ok(&headers, f.csrf()) {
        errors.general("The form expired; please send it again.");
        return Ok(reset_page(
            &state,
            token,
            &user.email,
            &errors,
            StatusCode::FORBIDDEN,
        ));
    }
    match state.store.complete_reset(token, f.get("password")).await {
        Ok(user) => {
            tracing::info!(account = user.id, "password reset");
            // A reset link is no second factor: an account with one logs in with its code.
            if state.store.two_factor(&user).await?.on {
                return Ok(see_other("/login?done=code"));
            }
            let s = state.store.create_session(&user).await?;
            Ok(with_cookie(
                see_other("/"),
                session_cookie(&state, &s.token, sextant_store::SESSION_SECONDS),
            ))
        }
        Err(e @ sextant_store::StoreError::Invalid { .. }) => {
            errors.from_api(e.into(), &["password"], &[]);
            Ok(reset_page(
                &state,
                token,
                &user.email,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
