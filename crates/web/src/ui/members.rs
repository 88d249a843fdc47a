//! Members (`/orgs/{org}/members`): who has which role, the invitations not yet accepted, and
//! for owners the forms to invite someone or change a role, remove a member, revoke an
//! invitation and rename the organisation. An invitation goes by e-mail to its address, which
//! accepting it proves; when it did not (e-mail not set up, or sending failed), its link is
//! shown once to the installation's administrator, to pass on, and never to another owner
//! ([`crate::mail`]).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use maud::html;
use serde::Deserialize;
use sextant_store::{MemberChange, Paging, Role};

use super::form::{Errors, Field, FormData, Kind, options};
use super::{OrgPage, PageError, PageResult, Section, Viewer, notice, render_status, see_other};
use crate::AppState;
use crate::extract::{Path, Query};
use crate::mail::{self, Delivery};

/// The members' routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/members", get(page).post(invite))
        .route("/orgs/{org}/members/{user}/remove", post(remove))
        .route("/orgs/{org}/invitations/{id}/revoke", post(revoke))
        .route("/orgs/{org}/rename", post(rename))
        .route("/orgs/{org}/consultant", post(set_consultant))
        .route("/orgs/{org}/branding", post(set_branding))
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

fn roles() -> Vec<(String, String)> {
    options(&[
        ("viewer", "Viewer: sees everything, changes nothing"),
        ("editor", "Editor: changes the plan and the data"),
        ("owner", "Owner: also manages members"),
    ])
}

fn role_of(s: &str) -> Option<Role> {
    match s {
        "viewer" => Some(Role::Viewer),
        "editor" => Some(Role::Editor),
        "owner" => Some(Role::Owner),
        _ => None,
    }
}

/// What the page shows besides the lists: a message, an invitation made just now.
#[derive(Default)]
struct Extra<'a> {
    done: Option<&'a str>,
    errors: Errors,
    form: Option<&'a FormData>,
    invited: Option<Invited>,
}

/// An invitation made just now: to whom, what became of its e-mail, and for the
/// administrator when it was not sent, its link.
struct Invited {
    email: String,
    delivery: Delivery,
    link: Option<String>,
}

async fn show(state: &AppState, org: &OrgPage, extra: Extra<'_>) -> PageResult {
    let members = state
        .store
        .members(&org.scope, Paging::new(None, Some(500)))
        .await?
        .items;
    let invitations = state.store.invitations(&org.scope).await?;
    let consultant = state.store.consultant(&org.scope).await?;
    let owner = org.scope.role() == Role::Owner;
    let mut choices: Vec<(String, String)> = vec![(String::new(), "Nobody".to_string())];
    choices.extend(
        members
            .iter()
            .map(|m| (m.email.clone(), format!("{} ({})", m.name, m.email))),
    );
    if let Some(c) = &consultant
        && !choices.iter().any(|(e, _)| *e == c.email)
    {
        choices.push((c.email.clone(), format!("{} ({})", c.name, c.email)));
    }
    let get = |n: &str| extra.form.map_or(String::new(), |f| f.get(n).to_string());
    let brand = crate::summary::branding_view(state, &org.scope)
        .await
        .map_err(PageError::from)?;
    let role_value = extra
        .form
        .map_or("viewer".to_string(), |f| f.get("role").to_string());
    let lasts = mail::duration(state.store.lifetimes().invitation);
    let invite_hint = if mail::may_invite(state, &org.viewer.user) {
        "A member's address changes their role; any other address gets an invitation."
    } else {
        "A member's address changes their role. E-mail is not set up on this installation, so \
         only its administrator can invite someone new: ask them."
    };
    let body = html! {
        (notice(extra.done))
        @if let Some(i) = &extra.invited {
            @match &i.delivery {
                Delivery::Sent => div.notice role="status" {
                    p { "Invitation sent by e-mail to " (i.email) ". It works once, for " (lasts) "." }
                },
                Delivery::Failed(why) => div.warning role="alert" {
                    p { strong { "The invitation to " (i.email) " is made, but the e-mail could not be sent: " } (why) "." }
                    @if let Some(link) = &i.link {
                        p { "Send them this link yourself (it works once, for " (lasts) "), or invite the address again to send a new e-mail:" }
                        p { code { (link) } }
                    } @else {
                        p { "Invite the address again to send a new one." }
                    }
                },
                Delivery::NotSetUp => div.notice role="status" {
                    p { "Invitation made. Send this link to the person; it works once, for " (lasts) ":" }
                    @if let Some(link) = &i.link { p { code { (link) } } }
                },
            }
        }
        div.scroll tabindex="0" { table {
            caption { "Members" }
            thead { tr { th scope="col" { "Name" } th scope="col" { "E-mail" } th scope="col" { "Role" }
                @if owner { th scope="col" { span.muted { "Change" } } } } }
            tbody {
                @for m in &members {
                    tr {
                        td { (m.name) }
                        td { (m.email) }
                        td { (m.role.as_str()) }
                        @if owner {
                            td {
                                form.inline method="post" action=(org.url(&format!("members/{}/remove", m.user_id))) {
                                    (org.viewer.csrf_field())
                                    button.danger type="submit" data-confirm=(format!("Remove {} from {}?", m.email, org.name))
                                        aria-label=(format!("Remove {}", m.email)) { "Remove" }
                                }
                            }
                        }
                    }
                }
            }
        } }
        @if !invitations.is_empty() {
            div.scroll tabindex="0" { table {
                caption { "Invitations not yet accepted" }
                thead { tr { th scope="col" { "E-mail" } th scope="col" { "Role" } th scope="col" { "Expires" }
                    @if owner { th scope="col" { span.muted { "Change" } } } } }
                tbody {
                    @for i in &invitations {
                        tr {
                            td { (i.email) }
                            td { (i.role.as_str()) }
                            td { (i.expires_at.get(..10).unwrap_or(&i.expires_at)) @if i.expired { " " span.badge.bad { "expired" } } }
                            @if owner {
                                td { form.inline method="post" action=(org.url(&format!("invitations/{}/revoke", i.id))) {
                                    (org.viewer.csrf_field())
                                    button.secondary type="submit" aria-label=(format!("Revoke the invitation of {}", i.email)) { "Revoke" }
                                } }
                            }
                        }
                    }
                }
            } }
        }
        section aria-labelledby="consultant-h" {
            h2 #consultant-h { "Assigned consultant" }
            p {
                @match &consultant {
                    Some(c) => { "The consultant looking after " (org.name) " is " strong { (c.name) } " (" (c.email) "). The portfolio shows them, and lists a consultant's clients." }
                    None => { "No consultant is assigned to " (org.name) " yet: choose a member, and the portfolio shows them beside it." }
                }
            }
            @if owner {
                form method="post" action=(org.url("consultant")) {
                    (org.viewer.csrf_field())
                    (Field::text("consultant", "Consultant", extra.form.map_or_else(|| consultant.as_ref().map_or(String::new(), |c| c.email.clone()), |f| f.get("consultant").to_string()))
                        .kind(Kind::Select(choices)).render(&extra.errors))
                    button type="submit" { "Assign" }
                }
            }
        }
        @if owner {
            section aria-labelledby="invite-h" {
                h2 #invite-h { "Invite someone or change a member's role" }
                (extra.errors.summary())
                form method="post" action=(org.url("members")) {
                    (org.viewer.csrf_field())
                    (Field::text("email", "E-mail address", get("email")).kind(Kind::Email).required()
                        .hint(invite_hint)
                        .render(&extra.errors))
                    (Field::text("role", "Role", role_value).kind(Kind::Select(roles())).render(&extra.errors))
                    button type="submit" { "Invite or change" }
                }
                h2 { "Rename the organisation" }
                form method="post" action=(org.url("rename")) {
                    (org.viewer.csrf_field())
                    (Field::text("name", "Name", extra.form.and_then(|f| f.opt("name")).unwrap_or_else(|| org.name.clone())).required()
                        .hint("The plan and its reports take the new name too, unless the plan gives another name (on the Business page)")
                        .render(&extra.errors))
                    button type="submit" { "Rename" }
                }
                h2 #branding { "Branding of the review packs" }
                p { "The name, colour and logo on the review packs of " (org.name) ". Left empty, the installation's are used: now “" (brand.used.name) "”, " (brand.used.colour)
                    @if brand.used.logo.is_some() { ", with a logo" } @else { ", no logo" } "." }
                form method="post" action=(org.url("branding")) enctype="multipart/form-data" {
                    (org.viewer.csrf_field())
                    (Field::text("brand_name", "Prepared by (name on the cover)", extra.form.and_then(|f| f.opt("brand_name")).unwrap_or_else(|| brand.name.clone().unwrap_or_default())).render(&extra.errors))
                    (Field::text("colour", "Colour", extra.form.and_then(|f| f.opt("colour")).unwrap_or_else(|| brand.colour.clone().unwrap_or_default()))
                        .hint("#RRGGBB, for example #1F4E79").render(&extra.errors))
                    label for="f-logo" { "Logo (PNG, JPEG or SVG, at most 1 MiB)" }
                    input #f-logo type="file" name="logo" accept="image/png,image/jpeg,image/svg+xml";
                    @for e in extra.errors.of("logo") { p.error { (e) } }
                    @if brand.logo.is_some() {
                        p { label { input type="checkbox" name="remove_logo" value="1"; " Remove this organisation's logo" } }
                    }
                    button type="submit" { "Save the branding" }
                }
            }
        } @else {
            p.muted { "Only an owner of " (org.name) " invites people and changes roles." }
        }
    };
    let status = if extra.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        org.page("Members", Section::Members, body),
    ))
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
        Extra {
            done: q.done.as_deref(),
            ..Extra::default()
        },
    )
    .await
}

/// The organisation for an owner's change: the form's CSRF token checked, anyone but an owner
/// refused.
async fn for_owner(
    state: &AppState,
    viewer: Viewer,
    slug: &str,
    f: &FormData,
) -> Result<OrgPage, PageError> {
    let org = OrgPage::open(state, viewer, slug).await?;
    org.viewer.check(f.csrf())?;
    require_owner(&org)?;
    Ok(org)
}

fn require_owner(org: &OrgPage) -> Result<(), PageError> {
    if org.scope.role() == Role::Owner {
        Ok(())
    } else {
        Err(PageError::Forbidden(format!(
            "Only an owner of {} manages its members.",
            org.name
        )))
    }
}

/// The site's address for the links the pages hand out: the configured public URL, else the
/// one the browser used.
pub(super) fn origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.public_url {
        return url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

async fn invite(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    headers: HeaderMap,
    f: FormData,
) -> PageResult {
    let org = for_owner(&state, viewer, &org, &f).await?;
    let mut errors = Errors::new();
    let email = f.required("email", &mut errors);
    let role = role_of(f.get("role"));
    if role.is_none() {
        errors.add(
            "role",
            format!(
                "expected viewer, editor or owner, found `{}`",
                f.get("role")
            ),
        );
    }
    let mut extra = Extra {
        form: Some(&f),
        ..Extra::default()
    };
    if let (true, Some(_)) = (errors.is_empty(), role)
        && !mail::may_invite(&state, &org.viewer.user)
    {
        // Only a member's role changes; nobody new can be invited without e-mail.
        match state.store.is_member(&org.scope, &email).await {
            Ok(true) => {}
            Ok(false) => errors.add("email", mail::not_set_up(&email)),
            Err(e) => errors.from_api(e.into(), &["email", "role"], &[]),
        }
    }
    if let (true, Some(role)) = (errors.is_empty(), role) {
        match state.store.set_member(&org.scope, &email, role).await {
            Ok(MemberChange::Updated(_)) => {
                return Ok(see_other(&format!("{}?done=saved", org.url("members"))));
            }
            Ok(MemberChange::Invited { invitation, token }) => {
                let delivery =
                    mail::send_invitation(&state, &org.viewer.user, &org.name, &invitation, &token)
                        .await;
                let link = mail::hands_out_links(&org.viewer.user, &delivery).then(|| {
                    format!(
                        "{}/invitations/accept?token={token}",
                        origin(&state, &headers)
                    )
                });
                extra.form = None;
                extra.invited = Some(Invited {
                    email: invitation.email,
                    delivery,
                    link,
                });
            }
            Err(e) => errors.from_api(e.into(), &["email", "role"], &[]),
        }
    }
    extra.errors = errors;
    show(&state, &org, extra).await
}

async fn remove(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, user)): Path<(String, i64)>,
    f: FormData,
) -> PageResult {
    let org = for_owner(&state, viewer, &org, &f).await?;
    state.store.remove_member(&org.scope, user).await?;
    Ok(see_other(&format!("{}?done=removed", org.url("members"))))
}

async fn revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, i64)>,
    f: FormData,
) -> PageResult {
    let org = for_owner(&state, viewer, &org, &f).await?;
    state.store.revoke_invitation(&org.scope, id).await?;
    Ok(see_other(&format!("{}?done=removed", org.url("members"))))
}

async fn set_consultant(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    match state
        .store
        .set_consultant(&org.scope, f.opt("consultant").as_deref())
        .await
    {
        Ok(_) => Ok(see_other(&format!("{}?done=saved", org.url("members")))),
        Err(sextant_store::StoreError::Invalid { message, .. }) => {
            let mut errors = Errors::new();
            errors.add("consultant", message);
            show(
                &state,
                &org,
                Extra {
                    errors,
                    form: Some(&f),
                    ..Extra::default()
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn rename(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = for_owner(&state, viewer, &org, &f).await?;
    let mut errors = Errors::new();
    let name = f.required("name", &mut errors);
    if errors.is_empty() {
        match state.store.rename_org(&org.scope, &name).await {
            Ok(_) => return Ok(see_other(&format!("{}?done=saved", org.url("members")))),
            Err(e) => errors.from_api(e.into(), &["name"], &[]),
        }
    }
    show(
        &state,
        &org,
        Extra {
            errors,
            form: Some(&f),
            ..Extra::default()
        },
    )
    .await
}

async fn set_branding(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    mp: axum::extract::Multipart,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let (f, file) =
        super::data::read_multipart(&state, &org, mp, "logo", sextant_store::MAX_LOGO_BYTES)
            .await?;
    org.viewer.check(f.csrf())?;
    require_owner(&org)?;
    let mut errors = Errors::new();
    let body = crate::summary::BrandingBody {
        name: f.opt("brand_name"),
        colour: f.opt("colour"),
    };
    let logo = match file {
        Some((_, staged)) => Some(
            tokio::fs::read(&staged.path)
                .await
                .map_err(|e| PageError::Internal(format!("reading the upload: {e}")))?,
        ),
        None => None,
    };
    let change = match logo.filter(|l| !l.is_empty()) {
        Some(l) => Some(Some(l)),
        None if f.get("remove_logo") == "1" => Some(None),
        None => None,
    };
    // Every field checked before anything is stored, so that each problem is named at once
    // and a refused one leaves the others as they were.
    if let Some(c) = body
        .colour
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        && let Err(m) = sextant_pack::colour(c)
    {
        errors.add("colour", m);
    }
    // (The logo is checked again, before the colour, in the one write below: typesetting it
    // to check it is the costly part, so here only when the colour's problem stops that.)
    if !errors.is_empty()
        && let Some(Some(bytes)) = &change
        && let Err(m) = sextant_pack::Logo::checked(bytes.clone())
    {
        errors.add("logo", m);
    }
    if errors.is_empty()
        && let Err(e) = crate::summary::set_brand(&state, &org.scope, &body, change).await
    {
        errors.from_api(e, &["colour", "name", "logo"], &[]);
    }
    if errors.is_empty() {
        return Ok(see_other(&format!(
            "{}?done=saved#branding",
            org.url("members")
        )));
    }
    show(
        &state,
        &org,
        Extra {
            errors,
            form: Some(&f),
            ..Extra::default()
        },
    )
    .await
}
