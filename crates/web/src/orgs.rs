//! Organisation routes: the caller's organisations, creating, renaming and deleting one, and
//! its members.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use serde::{Deserialize, Serialize};
use sextant_store::{Invitation, Member, MemberChange, Organization, Page, Paging, Role, Scope};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Caller, Json, Path, Query};

/// The organisation routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(list).post(create))
        .route("/orgs/{org}", get(show).patch(rename).delete(remove))
        .route("/orgs/{org}/members", get(members).put(set_member))
        .route("/orgs/{org}/members/{user_id}", delete(remove_member))
        .route("/orgs/{org}/invitations", get(invitations))
        .route("/orgs/{org}/invitations/{id}", delete(revoke_invitation))
}

/// The caller's scope in an organisation (not found unless a member).
pub async fn scope(state: &AppState, caller: &Caller, org: &str) -> ApiResult<Scope> {
    Ok(state.store.scope(&caller.user, org).await?)
}

/// Paging of a list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items to skip (default 0).
    pub offset: Option<i64>,
    /// Items to return, 1 to 500 (default 100).
    pub limit: Option<i64>,
}

impl PageQuery {
    /// As the store's paging.
    pub fn paging(&self) -> Paging {
        Paging::new(self.offset, self.limit)
    }
}

/// An organisation with the caller's role in it.
#[derive(Serialize, ToSchema)]
pub struct OrgView {
    /// Short name, used in URLs.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// When it was created.
    pub created_at: String,
    /// The caller's role.
    #[schema(value_type = String)]
    pub role: Role,
}

fn view(o: Organization, role: Role) -> OrgView {
    OrgView {
        slug: o.slug,
        name: o.name,
        created_at: o.created_at,
        role,
    }
}

/// A page of organisations.
#[derive(Serialize, ToSchema)]
pub struct OrgPage {
    /// This page.
    pub items: Vec<OrgView>,
    /// How many in all.
    pub total: i64,
    /// Offset of the first.
    pub offset: i64,
    /// Page size.
    pub limit: i64,
}

/// A new organisation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrg {
    /// Short name for URLs: lowercase letters, digits and hyphens.
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// A new name.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    /// Display name.
    pub name: String,
}

/// Giving someone a role.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetMember {
    /// Their e-mail address; anyone not yet a member is invited.
    pub email: String,
    /// `owner`, `editor` or `viewer`.
    #[schema(value_type = String)]
    pub role: Role,
}

/// What `PUT members` did: a member's role set (`member`), or an invitation made
/// (`invitation`) and sent by e-mail to the address (`delivery`). Which one does not depend on
/// whether the address has an account, only on whether it is a member already.
#[derive(Serialize, ToSchema)]
pub struct MemberSet {
    /// The member whose role was set.
    #[schema(value_type = Object)]
    pub member: Option<Member>,
    /// The invitation made for someone not yet a member.
    pub invitation: Option<InvitationView>,
    /// What became of the invitation's e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<DeliveryView>,
}

/// What became of a message the server was to send.
#[derive(Serialize, ToSchema)]
pub struct DeliveryView {
    /// It was sent by e-mail.
    pub sent: bool,
    /// In words: sent to whom, or why not and what to do.
    pub message: String,
}

impl DeliveryView {
    /// `delivery` of a message for `to`, of which `what` ("the invitation") was made; `link`:
    /// the caller is handed the token to pass on.
    pub fn of(delivery: &crate::mail::Delivery, to: &str, what: &str, link: bool) -> DeliveryView {
        use crate::mail::Delivery;
        let message = match delivery {
            Delivery::Sent => format!("{what} was sent by e-mail to {to}"),
            Delivery::Failed(why) if link => format!(
                "{what} is made, but the e-mail to {to} could not be sent: {why}; pass the token \
                 on yourself, or ask again to send a new one"
            ),
            Delivery::Failed(why) => format!(
                "{what} is made, but the e-mail to {to} could not be sent: {why}; ask again to \
                 send a new one"
            ),
            Delivery::NotSetUp => {
                format!(
                    "e-mail is not set up on this installation: pass the token on to {to} yourself"
                )
            }
        };
        DeliveryView {
            sent: delivery.sent(),
            message,
        }
    }
}

/// An invitation, and when just issued its token.
#[derive(Serialize, ToSchema)]
pub struct InvitationView {
    /// Its id (to revoke it).
    pub id: i64,
    /// The address it is for.
    pub email: String,
    /// The role it gives.
    #[schema(value_type = String)]
    pub role: Role,
    /// When it was issued (RFC 3339).
    pub created_at: String,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
    /// It can no longer be accepted; `PUT members` again re-issues it.
    pub expired: bool,
    /// Just issued, to the installation's administrator when it was not sent by e-mail: the
    /// token for `POST /api/v1/invitations/accept`, to pass on to the person; shown this once.
    /// Anyone else never sees it: it goes to the address, which accepting it proves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

fn invitation_view(i: Invitation, token: Option<String>) -> InvitationView {
    InvitationView {
        id: i.id,
        email: i.email,
        role: i.role,
        created_at: i.created_at,
        expires_at: i.expires_at,
        expired: i.expired,
        token,
    }
}

#[utoipa::path(get, path = "/api/v1/orgs", tag = "organisations", params(PageQuery),
    responses((status = 200, body = OrgPage)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<OrgPage>> {
    let p: Page<(Organization, Role)> = state.store.orgs_of(&caller.user, q.paging()).await?;
    Ok(axum::Json(OrgPage {
        items: p.items.into_iter().map(|(o, r)| view(o, r)).collect(),
        total: p.total,
        offset: p.offset,
        limit: p.limit,
    }))
}

#[utoipa::path(post, path = "/api/v1/orgs", tag = "organisations", request_body = NewOrg,
    responses((status = 201, body = OrgView), (status = 403, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(r): Json<NewOrg>,
) -> ApiResult<(StatusCode, axum::Json<OrgView>)> {
    if !caller.user.is_admin {
        return Err(crate::error::ApiError::Forbidden(
            "only an administrator of the installation creates organisations".into(),
        ));
    }
    let o = state
        .store
        .create_org(&caller.user, &r.slug, &r.name)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(view(o, Role::Owner))))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}", tag = "organisations",
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 200, body = OrgView), (status = 404, body = crate::error::Problem)))]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> ApiResult<axum::Json<OrgView>> {
    let s = scope(&state, &caller, &org).await?;
    let o = state.store.org(&s).await?;
    Ok(axum::Json(view(o, s.role())))
}

#[utoipa::path(patch, path = "/api/v1/orgs/{org}", tag = "organisations", request_body = Rename,
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 200, description = "Renamed (owners only). The plan's `organization.name`, which its reports are titled with, follows in the same change when it was the old name", body = OrgView), (status = 403, body = crate::error::Problem)))]
async fn rename(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(r): Json<Rename>,
) -> ApiResult<axum::Json<OrgView>> {
    let s = scope(&state, &caller, &org).await?;
    let o = state.store.rename_org(&s, &r.name).await?;
    Ok(axum::Json(view(o, s.role())))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}", tag = "organisations",
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 204, description = "Deleted with all its data"), (status = 403, body = crate::error::Problem)))]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> ApiResult<StatusCode> {
    let s = scope(&state, &caller, &org).await?;
    state.store.delete_org(&s).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/members", tag = "organisations",
    params(("org" = String, Path, description = "The organisation's slug"), PageQuery),
    responses((status = 200, body = crate::error::ListPage)))]
async fn members(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<Member>>> {
    let s = scope(&state, &caller, &org).await?;
    let p = state.store.members(&s, q.paging()).await?;
    Ok(axum::Json(p))
}

#[utoipa::path(put, path = "/api/v1/orgs/{org}/members", tag = "organisations", request_body = SetMember,
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 200, body = MemberSet, description = "A member's role set"),
              (status = 202, body = MemberSet, description = "Not a member: invited, by e-mail to the address (`delivery`); the installation's administrator gets the token in `invitation.token` when it was not sent"),
              (status = 403, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem, description = "Not a member, and e-mail is not set up: only the administrator invites")))]
async fn set_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(r): Json<SetMember>,
) -> ApiResult<(StatusCode, axum::Json<MemberSet>)> {
    let s = scope(&state, &caller, &org).await?;
    s.require(Role::Owner)?;
    if !crate::mail::may_invite(&state, &caller.user)
        && !state.store.is_member(&s, &r.email).await?
    {
        return Err(crate::error::ApiError::Conflict(crate::mail::not_set_up(
            &r.email,
        )));
    }
    Ok(match state.store.set_member(&s, &r.email, r.role).await? {
        MemberChange::Updated(member) => (
            StatusCode::OK,
            axum::Json(MemberSet {
                member: Some(member),
                invitation: None,
                delivery: None,
            }),
        ),
        MemberChange::Invited { invitation, token } => {
            let org = state.store.org(&s).await?;
            let delivery =
                crate::mail::send_invitation(&state, &caller.user, &org.name, &invitation, &token)
                    .await;
            let link = crate::mail::hands_out_links(&caller.user, &delivery);
            let view = DeliveryView::of(&delivery, &invitation.email, "the invitation", link);
            (
                StatusCode::ACCEPTED,
                axum::Json(MemberSet {
                    member: None,
                    invitation: Some(invitation_view(invitation, link.then_some(token))),
                    delivery: Some(view),
                }),
            )
        }
    })
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/invitations", tag = "organisations",
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 200, body = [InvitationView], description = "Invitations not yet accepted (never their tokens)"),
              (status = 403, body = crate::error::Problem)))]
async fn invitations(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> ApiResult<axum::Json<Vec<InvitationView>>> {
    let s = scope(&state, &caller, &org).await?;
    let list = state.store.invitations(&s).await?;
    Ok(axum::Json(
        list.into_iter().map(|i| invitation_view(i, None)).collect(),
    ))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}/invitations/{id}", tag = "organisations",
    params(("org" = String, Path, description = "The organisation's slug"), ("id" = i64, Path, description = "The invitation's id")),
    responses((status = 204, description = "Revoked: its token no longer works"), (status = 404, body = crate::error::Problem)))]
async fn revoke_invitation(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    let s = scope(&state, &caller, &org).await?;
    state.store.revoke_invitation(&s, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}/members/{user_id}", tag = "organisations",
    params(("org" = String, Path, description = "The organisation's slug"), ("user_id" = i64, Path, description = "The member's user id")),
    responses((status = 204, description = "Removed"), (status = 409, body = crate::error::Problem)))]
async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, user_id)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    let s = scope(&state, &caller, &org).await?;
    state.store.remove_member(&s, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
