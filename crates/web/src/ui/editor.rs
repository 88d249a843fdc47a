//! The add, change and delete flow that the system, initiative and risk pages share: the add
//! form, storing an addition or a change through the store's `change_plan` (so that a form can
//! never store what a plan file could not hold), the form again with each refusal beside its
//! field (422), and deleting after checking what still names the entry. Each page supplies its
//! form, how it reads a posted form into the entry's JSON, and how refusals map to its fields,
//! as an [`Editor`]; its own list and edit pages stay in its module.
//!
//! Routes, for an editor whose [`Editor::PATH`] is `risks`:
//! `GET|POST /orgs/{org}/risks/new` ([`new_form`], [`create`]), `POST /orgs/{org}/risks/{id}`
//! ([`save`]; initiatives post to `…/{id}/edit`), `POST /orgs/{org}/risks/{id}/delete`
//! ([`delete`]).

use axum::extract::State;
use axum::http::StatusCode;
use maud::{Markup, html};
use serde_json::Value;
use sextant_core::model::PlanDoc;
use sextant_store::{Change, Section as Part};

use super::form::{Errors, FormData, text_of};
use super::{OrgPage, PageResult, Section, Viewer, render, render_status, see_other};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::Path;

/// One kind of plan entry edited in a form.
pub trait Editor: Send + Sync + 'static {
    /// Its section of the plan in the store.
    const PART: Part;
    /// Its section of the navigation.
    const SECTION: Section;
    /// Its list's path under the organisation (`risks`).
    const PATH: &'static str;
    /// One of it, with its article (`a risk`), for messages.
    const NOUN: &'static str;
    /// What it is called (`risk`), for the delete section.
    const THING: &'static str;
    /// The title of its list page.
    const LIST: &'static str;
    /// The title of the add page.
    const ADD: &'static str;
    /// The stored field that names an entry.
    const NAME: &'static str = "title";
    /// A line under the delete section's heading: what must change before a delete.
    const DELETE_NOTE: Option<&'static str> = None;

    /// Whether the plan has an entry `id` already.
    fn taken(doc: &PlanDoc, id: &str) -> bool;

    /// The form, for the entry `id` (`None` when adding), whose stored JSON is `stored`, filled
    /// from `f`, with the messages of `errors`.
    fn form(
        org: &OrgPage,
        doc: &PlanDoc,
        id: Option<&str>,
        stored: Option<&Value>,
        f: &FormData,
        errors: &Errors,
    ) -> Markup;

    /// The form's values from a stored entry.
    fn form_of(stored: &Value) -> FormData;

    /// The entry as JSON from the posted form, on top of the stored one (fields the form does
    /// not show stay as they are); problems go into `errors`.
    fn read(
        f: &FormData,
        doc: &PlanDoc,
        stored: Option<&Value>,
        id: &str,
        errors: &mut Errors,
    ) -> Value;

    /// Puts the store's refusal of an addition or a change beside the fields it names.
    fn refused(errors: &mut Errors, e: ApiError, stored: Option<&Value>);

    /// What in the plan still names the entry `id` (each as "the risk …"): a delete is
    /// refused while there is any.
    fn references(_doc: &PlanDoc, _id: &str) -> Vec<String> {
        Vec::new()
    }

    /// Where an entry is shown once added or saved (the list, unless it has its own page).
    fn shown_at(org: &OrgPage, _id: &str) -> String {
        org.url(Self::PATH)
    }

    /// The title of an entry's edit page.
    fn edit_title(title: &str) -> String {
        title.to_string()
    }
}

/// The delete section under an entry's form.
fn delete_form<E: Editor>(org: &OrgPage, id: &str, title: &str) -> Markup {
    html! {
        section aria-labelledby="delete" {
            h2 #delete { "Delete this " (E::THING) }
            @if let Some(note) = E::DELETE_NOTE { p.muted { (note) } }
            form method="post" action=(org.url(&format!("{}/{id}/delete", E::PATH))) {
                (org.viewer.csrf_field())
                button.danger type="submit" data-confirm=(format!("Delete {title}?")) { "Delete " (title) }
            }
        }
    }
}

/// An entry's edit page body: its form, then the delete section.
pub fn edit_body<E: Editor>(
    org: &OrgPage,
    doc: &PlanDoc,
    id: &str,
    stored: &Value,
    f: &FormData,
    errors: &Errors,
) -> Markup {
    let title = text_of(stored.get(E::NAME));
    html! {
        (E::form(org, doc, Some(id), Some(stored), f, errors))
        (delete_form::<E>(org, id, &title))
    }
}

/// The edit page of the stored entry `id` with `errors`, answered 422 (a refused change or
/// delete).
fn refused_page<E: Editor>(
    org: &OrgPage,
    doc: &PlanDoc,
    id: &str,
    stored: &Value,
    f: &FormData,
    errors: &Errors,
) -> PageResult {
    let title = text_of(stored.get(E::NAME));
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page(
            &E::edit_title(&title),
            E::SECTION,
            edit_body::<E>(org, doc, id, stored, f, errors),
        ),
    ))
}

/// `GET …/new`: the empty form (editors only).
pub async fn new_form<E: Editor>(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let plan = org.require_plan(&state, E::ADD, E::SECTION).await?;
    let body = E::form(
        &org,
        plan.doc(),
        None,
        None,
        &FormData::default(),
        &Errors::new(),
    );
    Ok(render(org.page(E::ADD, E::SECTION, body)))
}

/// `POST …/new`: adds the entry, or shows the form again with what is wrong.
pub async fn create<E: Editor>(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let plan = org.require_plan(&state, E::ADD, E::SECTION).await?;
    let doc = plan.doc();
    let mut errors = Errors::new();
    let id = f.new_id(E::NOUN, E::NAME, |id| E::taken(doc, id), &mut errors);
    let body = E::read(&f, doc, None, &id, &mut errors);
    if errors.is_empty() {
        match state
            .store
            .change_plan(&org.scope, Change::Create(E::PART, body))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=added", E::shown_at(&org, &id)))),
            Err(e) => E::refused(&mut errors, e.into(), None),
        }
    }
    let page = E::form(&org, doc, None, None, &f, &errors);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page(E::ADD, E::SECTION, page),
    ))
}

/// `POST` of an entry's form: stores the change, or shows the form again with what is wrong.
pub async fn save<E: Editor>(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let stored = state.store.entity(&org.scope, E::PART, &id).await?.body;
    let plan = org.require_plan(&state, E::LIST, E::SECTION).await?;
    let doc = plan.doc();
    let mut errors = Errors::new();
    let body = E::read(&f, doc, Some(&stored), &id, &mut errors);
    if errors.is_empty() {
        match state
            .store
            .change_plan(&org.scope, Change::Put(E::PART, id.clone(), body))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=saved", E::shown_at(&org, &id)))),
            Err(e) => E::refused(&mut errors, e.into(), Some(&stored)),
        }
    }
    refused_page::<E>(&org, doc, &id, &stored, &f, &errors)
}

/// `POST …/{id}/delete`: deletes the entry unless something still names it.
pub async fn delete<E: Editor>(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let stored = state.store.entity(&org.scope, E::PART, &id).await?.body;
    let plan = org.require_plan(&state, E::LIST, E::SECTION).await?;
    let mut errors = Errors::new();
    let named_by = E::references(plan.doc(), &id);
    if named_by.is_empty() {
        match state
            .store
            .change_plan(&org.scope, Change::Delete(E::PART, id.clone()))
            .await
        {
            Ok(_) => {
                return Ok(see_other(&format!("{}?done=deleted", org.url(E::PATH))));
            }
            Err(e) => errors.from_api(e.into(), &[], &[]),
        }
    } else {
        errors.general(format!(
            "{} is still named by {}. Change or delete those first.",
            text_of(stored.get(E::NAME)),
            named_by.join("; ")
        ));
    }
    refused_page::<E>(
        &org,
        plan.doc(),
        &id,
        &stored,
        &E::form_of(&stored),
        &errors,
    )
}
