//! Assessments against a standard: the list (each with its score, newest first) and a form to
//! start one; the questionnaire, one top-level section of the standard a page, saved as each
//! page is left so it can be resumed; the score page (overall in words, a spider chart of the
//! sections with the previous assessment of the same standard dashed beside it, the sections'
//! table, the trend, and the controls to fix by weight, whose remedies become initiatives with
//! one tick).
//!
//! Routes: `GET/POST /orgs/{org}/assessments`, `GET /orgs/{org}/assessments/{id}`,
//! `GET/POST /orgs/{org}/assessments/{id}/answer/{k}`,
//! `POST /orgs/{org}/assessments/{id}/initiatives`.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Map, Value, json};
use sextant_core::standard::{Answer, Scored, Standard};
use sextant_core::unit::percent;
use sextant_store::{Assessment, Change, Section as Part};

use super::Done;
use super::form::{Errors, Field, FormData, Kind};
use super::{
    OrgPage, PageError, PageResult, Section, Viewer, figure, notice, render, render_status,
    see_other,
};
use crate::AppState;
use crate::extract::{Path, Query};

/// The routes of this area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/assessments", get(list).post(create))
        .route("/orgs/{org}/assessments/{id}", get(show))
        .route(
            "/orgs/{org}/assessments/{id}/answer/{k}",
            get(questions).post(answer),
        )
        .route(
            "/orgs/{org}/assessments/{id}/initiatives",
            post(add_remedies),
        )
}

/// A `YYYY-MM-DD` date as people write it (`20 October 2026`), or as given.
fn date_words(s: &str) -> String {
    sextant_core::model::Date::parse(s)
        .map_or_else(|| s.to_string(), sextant_core::asset::long_date)
}

/// Every assessment of the organisation, newest first (by date, then id).
async fn all(state: &AppState, org: &OrgPage) -> Result<Vec<Assessment>, PageError> {
    let mut out: Vec<Assessment> = super::all_entities(state, org, Part::Assessments)
        .await?
        .into_iter()
        .filter_map(|e| serde_json::from_value(e.body).ok())
        .collect();
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| b.id.cmp(&a.id)));
    Ok(out)
}

/// One assessment read against its standard and scored.
fn scored(a: &Assessment) -> Result<(&'static Standard, Scored), PageError> {
    let (standard, answers) = a
        .read()
        .map_err(|(f, m)| PageError::Internal(format!("assessment {}: {f}: {m}", a.id)))?;
    let s = sextant_core::standard::score(standard, &answers);
    Ok((standard, s))
}

/// A section as people read it: its code and title (`PR Protect`), or the title alone when the
/// id is a long slug (`patch-applications`).
fn section_label(id: &str, title: &str) -> String {
    if id.len() <= 6 {
        format!("{id} {title}")
    } else {
        title.to_string()
    }
}

/// A score as people say it: "57 out of 100", or that nothing is answered yet.
fn score_words(s: Option<f64>) -> String {
    s.map_or_else(
        || "no score yet".to_string(),
        |v| format!("{} out of 100", (v * 100.0).round()),
    )
}

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let list = all(&state, &org).await?;
    let body = list_body(&org, &list, &FormData::default(), &Errors::new())?;
    Ok(render(org.page(
        "Assessments",
        Section::Assessments,
        html! { (notice(q.done.as_deref())) (body) },
    )))
}

fn list_body(
    org: &OrgPage,
    list: &[Assessment],
    f: &FormData,
    errors: &Errors,
) -> Result<Markup, PageError> {
    let standards = sextant_core::standard::shipped();
    let title = |id: &str| {
        standards
            .iter()
            .find(|s| s.id == id)
            .map_or(id.to_string(), |s| s.title.clone())
    };
    let mut rows = Vec::new();
    for a in list {
        let (_, s) = scored(a)?;
        rows.push((a, s));
    }
    let (y, m, d) = super::today();
    let today = format!("{y:04}-{m:02}-{d:02}");
    let get = |n: &str, default: &str| {
        let v = f.get(n);
        if v.is_empty() && !f.sent(n) {
            default.to_string()
        } else {
            v.to_string()
        }
    };
    Ok(html! {
        p { "Check the business against a standard: answer each question met, partly, not met, does not apply or not known yet. The score counts what is answered; what is not known yet is shown beside it, never counted as met or as missing." }
        @if rows.is_empty() {
            p { "No assessment has been made yet." }
        } @else {
            div.scroll tabindex="0" { table.list {
                caption { "Assessments, newest first" }
                thead { tr {
                    th scope="col" { "Date" } th scope="col" { "Standard" } th scope="col" { "Assessor" }
                    th scope="col" .num { "Score" } th scope="col" .num { "Answered" } th scope="col" .num { "To fix" }
                } }
                tbody {
                    @for (a, s) in &rows {
                        tr {
                            th scope="row" { a href=(org.url(&format!("assessments/{}", a.id))) { (a.date.as_deref().map_or_else(|| "No date".into(), date_words)) } }
                            td { (title(&a.standard)) }
                            td { (a.assessor.clone().unwrap_or_default()) }
                            td.num { (s.overall.score.map_or("–".to_string(), |v| percent(v, 0))) }
                            td.num { (percent(s.overall.known, 0)) }
                            td.num { (s.gaps.len()) }
                        }
                    }
                }
            } }
        }
        @if org.can_edit() {
            section aria-labelledby="start-h" {
                h2 #start-h { "Start an assessment" }
                (errors.summary())
                form method="post" action=(org.url("assessments")) {
                    (org.viewer.csrf_field())
                    (Field::text("standard", "Standard", get("standard", "nist-csf-2.0"))
                        .kind(Kind::Select(standards.iter().map(|s| (s.id.clone(), format!("{} ({} questions)", s.title, s.controls().len()))).collect()))
                        .required().render(errors))
                    div.row {
                        (Field::text("date", "Date", get("date", &today)).kind(Kind::Date).required().render(errors))
                        (Field::text("assessor", "Assessor", get("assessor", &org.viewer.user.name)).render(errors))
                    }
                    button type="submit" { "Start" }
                }
            }
        }
    })
}

async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let mut errors = Errors::new();
    let standard = f.get("standard").to_string();
    if !sextant_core::standard::shipped()
        .iter()
        .any(|s| s.id == standard)
    {
        errors.add("standard", "choose one of the standards listed");
    }
    let date = f.get("date").trim().to_string();
    if sextant_core::model::Date::parse(&date).is_none() {
        errors.add(
            "date",
            format!("expected a date as YYYY-MM-DD, found `{date}`"),
        );
    }
    let list = all(&state, &org).await?;
    if errors.is_empty() {
        let base = super::goals::slug(&format!("{standard}-{date}"), 60);
        let mut id = base.clone();
        let mut n = 2;
        while list.iter().any(|a| a.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let body = json!({
            "id": id,
            "standard": standard,
            "date": date,
            "assessor": f.opt("assessor"),
            "answers": {},
        });
        state
            .store
            .change_plan(&org.scope, Change::Create(Part::Assessments, body))
            .await
            .map_err(|e| PageError::Internal(format!("starting an assessment: {e}")))?;
        return Ok(see_other(&org.url(&format!("assessments/{id}/answer/0"))));
    }
    let body = list_body(&org, &list, &f, &errors)?;
    Ok(render_status(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        org.page("Assessments", Section::Assessments, body),
    ))
}

async fn stored(state: &AppState, org: &OrgPage, id: &str) -> Result<Assessment, PageError> {
    let e = state
        .store
        .entity(&org.scope, Part::Assessments, id)
        .await
        .map_err(|_| PageError::NotFound(format!("assessment `{id}`")))?;
    serde_json::from_value(e.body).map_err(|e| PageError::Internal(e.to_string()))
}

/// The questionnaire of top-level section `k`.
async fn questions(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id, k)): Path<(String, String, usize)>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let a = stored(&state, &org, &id).await?;
    let (standard, _) = scored(&a)?;
    let section = standard
        .sections
        .get(k)
        .ok_or_else(|| PageError::NotFound(format!("section {k} of {}", standard.title)))?;
    let body = questionnaire(&org, &a, standard, k, section);
    Ok(render(org.page(
        &format!("{}: {}", standard.title, section.title),
        Section::Assessments,
        body,
    )))
}

fn questionnaire(
    org: &OrgPage,
    a: &Assessment,
    standard: &Standard,
    k: usize,
    section: &sextant_core::standard::Section,
) -> Markup {
    let answer_of = |id: &str| -> (String, String, String) {
        match a.answers.get(id) {
            Some(Value::String(w)) => (w.clone(), String::new(), String::new()),
            Some(Value::Object(o)) => (
                o.get("answer")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown")
                    .to_string(),
                o.get("note")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                o.get("evidence")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            ),
            _ => ("unknown".into(), String::new(), String::new()),
        }
    };
    // The section's own controls and its sections', each group under its heading.
    fn groups<'a>(
        s: &'a sextant_core::standard::Section,
        out: &mut Vec<&'a sextant_core::standard::Section>,
    ) {
        if !s.controls.is_empty() {
            out.push(s);
        }
        for x in &s.sections {
            groups(x, out);
        }
    }
    let mut parts = Vec::new();
    groups(section, &mut parts);
    let n = standard.sections.len();
    html! {
        p.muted { "Section " (k + 1) " of " (n) " of " (standard.title) ". Each page is saved as you leave it: stop at any point and come back from the assessment's page." }
        @if let Some(s) = &section.summary { p { (s) } }
        form method="post" action=(org.url(&format!("assessments/{}/answer/{k}", a.id))) {
            (org.viewer.csrf_field())
            @for group in &parts {
                @if group.id != section.id {
                    h2 { (section_label(&group.id, &group.title)) }
                }
                @for c in &group.controls {
                    @let (answer, note, evidence) = answer_of(&c.id);
                    fieldset.control {
                        legend { strong { (c.id) } " " (c.question) }
                        @if let Some(g) = &c.guidance { p.hint { (g) } }
                        div.choices {
                            @for (word, label) in [("met", "Met"), ("partly", "Partly"), ("not_met", "Not met"), ("not_applicable", "Does not apply"), ("unknown", "Not known yet")] {
                                @let fid = format!("f-a-{}-{word}", c.id);
                                label.check for=(fid) {
                                    input type="radio" id=(fid) name=(format!("a.{}", c.id)) value=(word) checked[answer == word];
                                    " " (label)
                                }
                            }
                        }
                        div.row {
                            div.field {
                                label for=(format!("f-n-{}", c.id)) { "Note" }
                                input type="text" id=(format!("f-n-{}", c.id)) name=(format!("n.{}", c.id)) value=(note);
                            }
                            div.field {
                                label for=(format!("f-e-{}", c.id)) { "Evidence (a link or a document's name)" }
                                input type="text" id=(format!("f-e-{}", c.id)) name=(format!("e.{}", c.id)) value=(evidence);
                            }
                        }
                    }
                }
            }
            button type="submit" { @if k + 1 < n { "Save and continue" } @else { "Save and see the score" } }
            " "
            a href=(org.url(&format!("assessments/{}", a.id))) { "The score so far" }
        }
    }
}

/// Saves section `k`'s answers (the others are kept) and goes on to the next section, or to
/// the score after the last.
async fn answer(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id, k)): Path<(String, String, usize)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let a = stored(&state, &org, &id).await?;
    let (standard, _) = scored(&a)?;
    let section = standard
        .sections
        .get(k)
        .ok_or_else(|| PageError::NotFound(format!("section {k} of {}", standard.title)))?;
    let mut ids = Vec::new();
    fn collect(s: &sextant_core::standard::Section, out: &mut Vec<String>) {
        out.extend(s.controls.iter().map(|c| c.id.clone()));
        for x in &s.sections {
            collect(x, out);
        }
    }
    collect(section, &mut ids);
    let mut answers: Map<String, Value> = a.answers.clone();
    for c in &ids {
        let word = f.get(&format!("a.{c}")).to_string();
        let word = if word.is_empty() {
            "unknown".to_string()
        } else {
            word
        };
        if Answer::parse(&word).is_none() {
            return Err(PageError::Status(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "{c}: expected met, partly, not_met, not_applicable or unknown, found `{word}`"
                ),
            ));
        }
        let note = f.opt(&format!("n.{c}"));
        let evidence = f.opt(&format!("e.{c}"));
        if word == "unknown" && note.is_none() && evidence.is_none() {
            answers.remove(c);
        } else if note.is_none() && evidence.is_none() {
            answers.insert(c.clone(), Value::from(word));
        } else {
            let mut o = Map::new();
            o.insert("answer".into(), Value::from(word));
            if let Some(n) = note {
                o.insert("note".into(), Value::from(n));
            }
            if let Some(e) = evidence {
                o.insert("evidence".into(), Value::from(e));
            }
            answers.insert(c.clone(), Value::Object(o));
        }
    }
    let mut body = serde_json::to_value(&a).map_err(|e| PageError::Internal(e.to_string()))?;
    body["answers"] = Value::Object(answers);
    state
        .store
        .change_plan(
            &org.scope,
            Change::Put(Part::Assessments, a.id.clone(), body),
        )
        .await
        .map_err(|e| {
            PageError::Status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
        })?;
    Ok(see_other(&if k + 1 < standard.sections.len() {
        org.url(&format!("assessments/{}/answer/{}", a.id, k + 1))
    } else {
        format!("{}?done=saved", org.url(&format!("assessments/{}", a.id)))
    }))
}

async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a = stored(&state, &org, &id).await?;
    let (standard, s) = scored(&a)?;
    // The trend: the assessments of the same standard, oldest first; the one before this one
    // drawn beside it.
    let mut same: Vec<(Assessment, Scored)> = Vec::new();
    for x in all(&state, &org).await?.into_iter().rev() {
        if x.standard == a.standard {
            let (_, sx) = scored(&x)?;
            same.push((x, sx));
        }
    }
    let at = same.iter().position(|(x, _)| x.id == a.id).unwrap_or(0);
    let before = at.checked_sub(1).and_then(|i| same.get(i));
    let label = |x: &Assessment| x.date.as_deref().map_or_else(|| x.id.clone(), date_words);
    let values = |sc: &Scored| {
        sc.overall
            .sections
            .iter()
            .map(|x| x.score)
            .collect::<Vec<_>>()
    };
    let mut shapes = vec![(label(&a), values(&s))];
    if let Some((b, sb)) = before {
        shapes.push((label(b), values(sb)));
    }
    let chart = sextant_report::chart::Spider {
        title: "Score by section".to_string(),
        axes: s
            .overall
            .sections
            .iter()
            .map(|x| section_label(&x.id, &x.title))
            .collect(),
        shapes,
    };
    let plan = org.plan(&state).await?;
    let goals: Vec<(String, String)> = plan
        .as_ref()
        .map(|p| {
            p.doc()
                .goals
                .iter()
                .map(|g| (g.id.to_string(), g.title.clone()))
                .collect()
        })
        .unwrap_or_default();
    let in_plan = |init_id: &str| {
        plan.as_ref()
            .is_some_and(|p| p.doc().initiatives.iter().any(|i| i.id.as_str() == init_id))
    };
    let ov = &s.overall;
    let body = html! {
        (notice(q.done.as_deref()))
        p.lead {
            "Score: " strong { (score_words(ov.score)) } ", from "
            (percent(ov.known, 0)) " of the questions (by weight) answered; "
            (ov.unknown) @if ov.unknown == 1 { " question is" } @else { " questions are" } " not known yet."
            @if let Some(d) = &a.date { " Assessed on " (date_words(d)) } @if let Some(w) = &a.assessor { " by " (w) } "."
        }
        @if org.can_edit() {
            p { "Answer by section: "
                @for (k, x) in standard.sections.iter().enumerate() {
                    @if k > 0 { ", " }
                    a href=(org.url(&format!("assessments/{}/answer/{k}", a.id))) { (section_label(&x.id, &x.title)) }
                }
                "." }
        }
        (figure(chart.svg(), &match before {
            Some((b, _)) => format!("Each section's score from 0% at the centre to 100% at the rim; dashed, the assessment of {}.", label(b)),
            None => "Each section's score from 0% at the centre to 100% at the rim.".to_string(),
        }))
        div.scroll tabindex="0" { table.list {
            caption { "Score by section" }
            thead { tr {
                th scope="col" { "Section" } th scope="col" .num { "Score" } th scope="col" .num { "Answered" }
                th scope="col" .num { "Met" } th scope="col" .num { "Partly" } th scope="col" .num { "Not met" }
                th scope="col" .num { "Does not apply" } th scope="col" .num { "Not known yet" }
            } }
            tbody {
                @for x in &ov.sections {
                    tr {
                        th scope="row" { (section_label(&x.id, &x.title)) }
                        td.num { (x.score.map_or("–".to_string(), |v| percent(v, 0))) }
                        td.num { (percent(x.known, 0)) }
                        td.num { (x.met) } td.num { (x.partly) } td.num { (x.not_met) }
                        td.num { (x.not_applicable) } td.num { (x.unknown) }
                    }
                }
            }
        } }
        @if same.len() > 1 {
            section aria-labelledby="trend-h" {
                h2 #trend-h { "Over time" }
                div.scroll tabindex="0" { table.list {
                    caption { "Assessments against " (standard.title) }
                    thead { tr { th scope="col" { "Date" } th scope="col" .num { "Score" } th scope="col" .num { "Answered" } } }
                    tbody {
                        @for (x, sx) in &same {
                            tr {
                                th scope="row" { a href=(org.url(&format!("assessments/{}", x.id))) { (label(x)) } }
                                td.num { (sx.overall.score.map_or("–".to_string(), |v| percent(v, 0))) }
                                td.num { (percent(sx.overall.known, 0)) }
                            }
                        }
                    }
                } }
            }
        }
        section aria-labelledby="gaps-h" {
            h2 #gaps-h { "What to fix, the most important first" }
            @if s.gaps.is_empty() {
                p { "Nothing is answered not met or partly." }
            } @else {
                form method="post" action=(org.url(&format!("assessments/{}/initiatives", a.id))) {
                    (org.viewer.csrf_field())
                    div.scroll tabindex="0" { table.list {
                        caption { "Questions answered not met or partly" }
                        thead { tr {
                            th scope="col" { "Question" } th scope="col" { "Answer" } th scope="col" .num { "Weight" } th scope="col" { "The change that closes it" }
                        } }
                        tbody {
                            @for g in &s.gaps {
                                @let c = standard.control(&g.control);
                                @let remedy = c.and_then(|c| c.remedy.as_ref());
                                @let init_id = sextant_core::standard::remedy_initiative(standard, &g.control, None)
                                    .and_then(|v| v["id"].as_str().map(str::to_string));
                                @let note = a.answers.get(&g.control).and_then(|v| v.get("note")).and_then(Value::as_str);
                                tr {
                                    th scope="row" { strong { (g.control) } " " (g.question)
                                        @if let Some(n) = note { br; span.muted { "Noted: " (n) } } }
                                    td { (g.answer.label()) }
                                    td.num { (sextant_core::unit::number(g.weight)) }
                                    td {
                                        @match (remedy, init_id) {
                                            (Some(r), Some(iid)) if in_plan(&iid) => {
                                                a href=(org.url(&format!("initiatives/{iid}"))) { (r.title) } " (in the plan)"
                                            }
                                            (Some(r), Some(_)) if org.can_edit() && plan.is_some() => {
                                                label.check for=(format!("f-fix-{}", g.control)) {
                                                    input type="checkbox" id=(format!("f-fix-{}", g.control)) name="control" value=(g.control);
                                                    " " (r.title)
                                                }
                                            }
                                            (Some(r), _) => { (r.title) }
                                            _ => { "–" }
                                        }
                                    }
                                }
                            }
                        }
                    } }
                    @if org.can_edit() && plan.is_some() && s.gaps.iter().any(|g| g.has_remedy) {
                        (Field::text("goal", "The goal these changes serve", "")
                            .kind(Kind::Select(std::iter::once((String::new(), "None".to_string())).chain(goals.iter().cloned()).collect()))
                            .hint("The roadmap then weighs them against the plan's other changes").render(&Errors::new()))
                        button type="submit" { "Add the ticked changes to the plan" }
                    }
                }
            }
        }
        p { a href=(org.url("assessments")) { "All assessments" } }
        @if let Some(att) = &standard.attribution { p.muted { (att) } }
    };
    Ok(render(org.page(
        &format!("Assessment: {}", standard.title),
        Section::Assessments,
        body,
    )))
}

/// Adds the ticked controls' remedies as initiatives (read again from the stored assessment
/// and standard; a posted id names a control, never the change), in one change.
async fn add_remedies(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let a = stored(&state, &org, &id).await?;
    let (standard, s) = scored(&a)?;
    let Some(plan) = org.plan(&state).await? else {
        return Ok(see_other(&org.url("start")));
    };
    let chosen = f.all("control");
    let back = org.url(&format!("assessments/{}", a.id));
    if chosen.is_empty() {
        return Ok(see_other(&format!("{back}?done=none")));
    }
    let goal = f.opt("goal");
    let added = crate::assessments::remedies(&plan, standard, &s, Some(&chosen), goal.as_deref())
        .map_err(|e| {
        PageError::Status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, e.detail())
    })?;
    crate::assessments::append_initiatives(&state, &org.scope, &plan, added)
        .await
        .map_err(|e| PageError::Internal(format!("adding remedies: {}", e.detail())))?;
    Ok(see_other(&format!("{back}?done=added")))
}
