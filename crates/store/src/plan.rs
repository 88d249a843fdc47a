//! An organisation's plan, one row per entity (a goal, an initiative, the constraints...),
//! each row's body the entity in the plan file's own JSON form, with every change kept in
//! `history` (who, when, before, after).
//!
//! Every write, whether one entity or a whole plan imported, goes the same way inside one
//! transaction: lock the organisation's plan, assemble the plan as it would be after the
//! change, check it with `sextant-core` exactly as a plan file is checked, and only when it is
//! valid store its canonical form (the serialised [`PlanDoc`](sextant_core::PlanDoc)), writing
//! the rows that changed and their history. So the stored plan is always a valid plan, and a
//! refused change leaves nothing behind.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::text::{no_nul, no_nul_json};
use crate::{Page, Paging, Result, Role, Scope, Store, StoreError, now, rfc3339};

/// A part of the plan, as stored and as addressed by the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// The organisation's profile (one).
    Organization,
    /// SWOT (one).
    Swot,
    /// Value proposition, differentiation, competencies (one).
    Strategy,
    /// Goals, by id.
    Goals,
    /// Custom KPIs, by id.
    Kpis,
    /// Staff, by name.
    Staff,
    /// Current systems, by id.
    Systems,
    /// Integrations, by `from->to`.
    Integrations,
    /// Initiatives, by id.
    Initiatives,
    /// Risks, by id.
    Risks,
    /// Budget, staff hours and concurrency (one).
    Constraints,
    /// Phases, by id.
    Phases,
    /// The technology radar, by technology.
    Radar,
    /// Measurements of one KPI by month, by KPI id.
    Measurements,
    /// Scenarios, by name.
    Scenarios,
    /// Review meetings, by id (kept beside the plan, not in the plan file).
    Reviews,
    /// Assessments against a standard, by id (kept beside the plan, not in the plan file).
    Assessments,
    /// The asset register (computers, devices, licences), by id (kept beside the plan).
    Assets,
}

/// The shapes a section has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One object.
    Single,
    /// A list of objects, each known by a field.
    List(&'static str),
    /// An object of objects, known by their key.
    Map,
}

impl Section {
    /// Every section, in the plan file's order.
    pub const ALL: [Section; 18] = [
        Section::Organization,
        Section::Swot,
        Section::Strategy,
        Section::Goals,
        Section::Kpis,
        Section::Staff,
        Section::Systems,
        Section::Integrations,
        Section::Initiatives,
        Section::Risks,
        Section::Constraints,
        Section::Phases,
        Section::Radar,
        Section::Measurements,
        Section::Scenarios,
        Section::Reviews,
        Section::Assessments,
        Section::Assets,
    ];

    /// Its name in the plan file and in URLs.
    pub fn name(self) -> &'static str {
        match self {
            Section::Organization => "organization",
            Section::Swot => "swot",
            Section::Strategy => "strategy",
            Section::Goals => "goals",
            Section::Kpis => "kpis",
            Section::Staff => "staff",
            Section::Systems => "systems",
            Section::Integrations => "integrations",
            Section::Initiatives => "initiatives",
            Section::Risks => "risks",
            Section::Constraints => "constraints",
            Section::Phases => "phases",
            Section::Radar => "radar",
            Section::Measurements => "measurements",
            Section::Scenarios => "scenarios",
            Section::Reviews => "reviews",
            Section::Assessments => "assessments",
            Section::Assets => "assets",
        }
    }

    /// The section named `name`.
    pub fn parse(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Its shape.
    pub fn shape(self) -> Shape {
        match self {
            Section::Organization | Section::Swot | Section::Strategy | Section::Constraints => {
                Shape::Single
            }
            Section::Measurements => Shape::Map,
            Section::Staff => Shape::List("name"),
            Section::Scenarios => Shape::List("name"),
            Section::Radar => Shape::List("technology"),
            Section::Integrations => Shape::List("from->to"),
            _ => Shape::List("id"),
        }
    }

    /// Part of the plan file (reviews, assessments and assets are not).
    pub fn in_plan(self) -> bool {
        !matches!(
            self,
            Section::Reviews | Section::Assessments | Section::Assets
        )
    }

    /// The natural key of a list entry.
    fn key_of(self, v: &Value) -> Option<String> {
        match self.shape() {
            Shape::List("from->to") => Some(format!(
                "{}->{}",
                v.get("from")?.as_str()?,
                v.get("to")?.as_str()?
            )),
            Shape::List(field) => v.get(field)?.as_str().map(str::to_string),
            _ => None,
        }
    }
}

/// One stored entity.
#[derive(Debug, Clone, Serialize)]
pub struct Entity {
    /// Its section.
    pub section: Section,
    /// Its key within the section (empty for a single-object section).
    pub key: String,
    /// Its place in the section's list.
    pub position: i64,
    /// The entity, as in the plan file.
    pub body: Value,
    /// When it last changed.
    pub updated_at: String,
}

/// One change in an organisation's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    /// Its id (increasing).
    pub id: i64,
    /// The section changed.
    pub section: String,
    /// The entity's key.
    pub key: String,
    /// Who made the change (e-mail), if anyone.
    pub user: Option<String>,
    /// When.
    pub at: String,
    /// `create`, `update` or `delete`.
    pub action: String,
    /// The entity before.
    pub before: Option<Value>,
    /// The entity after.
    pub after: Option<Value>,
}

/// A change refused because the plan would be invalid: the problems `sextant-core` found,
/// each with its field path.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .0.iter().map(|p| format!("{}: {}", p.path, p.message)).collect::<Vec<_>>().join("; "))]
pub struct PlanRejected(pub Vec<sextant_core::Problem>);

type Rows = BTreeMap<(Section, String), (i64, Value)>;

/// The rows of a plan document: its canonical split.
fn split(doc: &Value) -> Rows {
    let mut rows = Rows::new();
    for section in Section::ALL.into_iter().filter(|s| s.in_plan()) {
        let Some(v) = doc.get(section.name()) else {
            continue;
        };
        match (section.shape(), v) {
            (Shape::Single, v) => {
                rows.insert((section, String::new()), (0, v.clone()));
            }
            (Shape::Map, Value::Object(m)) => {
                for (i, (k, v)) in m.iter().enumerate() {
                    rows.insert((section, k.clone()), (i as i64, v.clone()));
                }
            }
            (Shape::List(_), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let base = section.key_of(item).unwrap_or_else(|| format!("#{i}"));
                    let mut key = base.clone();
                    let mut n = 1;
                    while rows.contains_key(&(section, key.clone())) {
                        n += 1;
                        key = format!("{base}~{n}");
                    }
                    rows.insert((section, key), (i as i64, item.clone()));
                }
            }
            _ => {}
        }
    }
    rows
}

/// The plan document assembled from rows.
fn assemble(rows: &Rows) -> Value {
    let mut doc = Map::new();
    doc.insert("version".into(), Value::from(1));
    for section in Section::ALL.into_iter().filter(|s| s.in_plan()) {
        let mut entries: Vec<(&i64, &String, &Value)> = rows
            .range((section, String::new())..)
            .take_while(|((s, _), _)| *s == section)
            .map(|((_, k), (p, v))| (p, k, v))
            .collect();
        if entries.is_empty() {
            // The plan file's canonical form (the serialised `PlanDoc`) writes empty lists
            // out, except `scenarios`; an empty section has no rows to say so.
            if matches!(section.shape(), Shape::List(_)) && section != Section::Scenarios {
                doc.insert(section.name().into(), Value::Array(Vec::new()));
            }
            continue;
        }
        entries.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(b.1)));
        let value = match section.shape() {
            Shape::Single => entries[0].2.clone(),
            Shape::Map => Value::Object(
                entries
                    .into_iter()
                    .map(|(_, k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            Shape::List(_) => {
                Value::Array(entries.into_iter().map(|(_, _, v)| v.clone()).collect())
            }
        };
        doc.insert(section.name().into(), value);
    }
    Value::Object(doc)
}

/// Checks a plan document with `sextant-core`; its canonical form when valid.
pub fn canonical(doc: &Value) -> Result<Value, PlanRejected> {
    checked_canonical(doc).map(|(doc, _)| doc)
}

/// Checks a plan document with `sextant-core`; its canonical form and the checked plan when
/// valid.
fn checked_canonical(doc: &Value) -> Result<(Value, sextant_core::Plan), PlanRejected> {
    let text = serde_json::to_string_pretty(doc).unwrap_or_default();
    let plan = sextant_core::load_plan("plan.json", &text).map_err(|e| PlanRejected(e.0))?;
    let doc = serde_json::to_value(plan.doc()).map_err(|e| {
        PlanRejected(vec![sextant_core::Problem::new(
            sextant_core::Location::new("plan.json", 1, 1),
            "",
            format!("the plan cannot be written back: {e}"),
        )])
    })?;
    Ok((doc, plan))
}

/// The checked plans the store keeps, by organisation, with the `plan_version` each was
/// checked at. Safe to lose: a plan missing here is read from the database and checked again.
#[derive(Default)]
pub(crate) struct Plans(Mutex<HashMap<i64, (i64, Arc<sextant_core::Plan>)>>);

/// Organisations whose plan is kept at most (a plan of the largest size holds a few hundred
/// megabytes; a consultant's 50 clients' plans are a few megabytes each).
const PLANS_KEPT: usize = 256;

impl std::fmt::Debug for Plans {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Plans")
    }
}

impl Plans {
    fn get(&self, org: i64, version: i64) -> Option<Arc<sextant_core::Plan>> {
        let map = self.0.lock().ok()?;
        map.get(&org)
            .filter(|(v, _)| *v == version)
            .map(|(_, p)| p.clone())
    }

    fn put(&self, org: i64, version: i64, plan: Arc<sextant_core::Plan>) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= PLANS_KEPT && !map.contains_key(&org) {
                map.clear();
            }
            // A slower reader of an older version does not replace a newer one.
            if map.get(&org).is_none_or(|(v, _)| *v <= version) {
                map.insert(org, (version, plan));
            }
        }
    }

    /// The plan kept at version `from` holds at version `to` too (a change beside it).
    fn carry(&self, org: i64, from: i64, to: i64) {
        if let Ok(mut map) = self.0.lock()
            && let Some((v, _)) = map.get_mut(&org)
            && *v == from
        {
            *v = to;
        }
    }
}

/// The most entities a section beside the plan (reviews, assessments, assets) holds.
pub const MAX_BESIDE: usize = 20_000;

/// A review meeting, kept beside the plan: the one definition the store checks a review
/// against and the pages read.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Its key.
    pub id: String,
    /// The day of the meeting, YYYY-MM-DD.
    pub date: String,
    /// What the meeting was.
    pub title: String,
    /// Who attended.
    #[serde(default)]
    pub attendees: Vec<String>,
    /// The KPIs looked at.
    #[serde(default)]
    pub kpis: Vec<String>,
    /// What was decided.
    #[serde(default)]
    pub decisions: Vec<String>,
    /// Notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// The actions agreed, each carried over to the next reviews until done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<sextant_core::review::Action>,
    /// The KPIs looked at as they stood on the review's day (each one's last figure of a month
    /// up to it), kept as they were: set by the server when the review is recorded, for a KPI
    /// added later when it is added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub snapshot: Vec<sextant_core::review::Seen>,
    /// The client's answers to what the review proposed (an initiative or the budget
    /// approved or declined), one per subject: changed only by [`Store::answer`]; a review
    /// changed as a whole keeps those stored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<sextant_core::review::Answer>,
}

impl Review {
    /// The review as the agenda reads it (`None` when its date is not a date, which the store
    /// refuses).
    pub fn meeting(&self) -> Option<sextant_core::review::Meeting> {
        Some(sextant_core::review::Meeting {
            id: self.id.clone(),
            date: sextant_core::model::Date::parse(&self.date)?,
            title: self.title.clone(),
            decisions: self.decisions.clone(),
            actions: self.actions.clone(),
            seen: self.snapshot.clone(),
            answers: self.answers.clone(),
        })
    }
}

fn check_review(v: &Value) -> Result<()> {
    let r: Review = serde_json::from_value(v.clone()).map_err(|e| StoreError::Invalid {
        field: "reviews".into(),
        message: format!(
            "expected {{id, date: YYYY-MM-DD, title, attendees?, kpis?, decisions?, notes?, actions?: [{{title, owner?, due?: YYYY-MM-DD, status?: open | in_progress | done}}], snapshot?: [{{kpi, month: YYYY-MM, value}}], answers?: [{{about: initiative | budget, initiative?, verdict: approved | declined, by, on: YYYY-MM-DD, comment?, shown?}}]}}: {e}"
        ),
    })?;
    if sextant_core::model::Date::parse(&r.date).is_none() {
        return Err(StoreError::Invalid {
            field: "reviews.date".into(),
            message: format!("expected a calendar date YYYY-MM-DD, found `{}`", r.date),
        });
    }
    if r.id.trim().is_empty() {
        return Err(StoreError::Invalid {
            field: "reviews.id".into(),
            message: "expected an id, found an empty string".into(),
        });
    }
    if let Some(k) = r.actions.iter().position(|a| a.title.trim().is_empty()) {
        return Err(StoreError::Invalid {
            field: format!("reviews.actions[{k}].title"),
            message: "expected what is to be done, found an empty title".into(),
        });
    }
    for (k, a) in r.answers.iter().enumerate() {
        if let Some((field, message)) = a.problem() {
            return Err(StoreError::Invalid {
                field: format!("reviews.answers[{k}].{field}"),
                message,
            });
        }
        if r.answers[..k].iter().any(|b| b.same_subject(a)) {
            return Err(StoreError::Invalid {
                field: format!("reviews.answers[{k}]"),
                message:
                    "expected one answer per initiative and one for the budget, found a second"
                        .into(),
            });
        }
    }
    Ok(())
}

/// An assessment as stored: one standard (shipped), a date, the assessor, and each control's
/// answer (`met`, `partly`, `not_met`, `not_applicable`, `unknown`, alone or
/// `{answer, note, evidence}`); a control not answered is unknown.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// Its key.
    pub id: String,
    /// The standard's id.
    pub standard: String,
    /// The day it was made, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Who assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessor: Option<String>,
    /// The answers by control id.
    #[serde(default)]
    pub answers: serde_json::Map<String, Value>,
}

impl Assessment {
    /// The standard (shipped) and the answers read against it, or why they cannot be.
    pub fn read(
        &self,
    ) -> std::result::Result<
        (
            &'static sextant_core::standard::Standard,
            sextant_core::standard::Answers,
        ),
        (String, String),
    > {
        let standards = sextant_core::standard::shipped();
        let Some(standard) = standards.iter().find(|s| s.id == self.standard) else {
            let ids: Vec<String> = standards.iter().map(|s| format!("`{}`", s.id)).collect();
            return Err((
                "assessments.standard".into(),
                format!(
                    "expected one of {}, found `{}`",
                    ids.join(", "),
                    self.standard
                ),
            ));
        };
        // The answers file's form, read by the same reader as `sextant assess`.
        let mut doc = serde_json::Map::new();
        doc.insert("format".into(), Value::from(1));
        doc.insert("standard".into(), Value::from(self.standard.clone()));
        if let Some(d) = &self.date {
            doc.insert("date".into(), Value::from(d.clone()));
        }
        if let Some(a) = &self.assessor {
            doc.insert("assessor".into(), Value::from(a.clone()));
        }
        doc.insert("answers".into(), Value::Object(self.answers.clone()));
        let text = Value::Object(doc).to_string();
        match sextant_core::standard::load_answers("assessment", &text, standard) {
            Ok(a) => Ok((standard, a)),
            Err(p) => {
                let first = p.0.first();
                Err((
                    first.map_or("assessments".into(), |p| format!("assessments.{}", p.path)),
                    first.map_or_else(String::new, |p| {
                        let mut m = p.message.clone();
                        if let Some(e) = &p.expected {
                            m.push_str(&format!(": expected {e}"));
                        }
                        if let Some(f) = &p.found {
                            m.push_str(&format!(", found {f}"));
                        }
                        if let Some(h) = &p.hint {
                            m.push_str(&format!(" ({h})"));
                        }
                        m
                    }),
                ))
            }
        }
    }
}

/// Checks an entity kept beside the plan before it is stored.
fn check_beside(section: Section, body: &Value) -> Result<()> {
    match section {
        Section::Assessments => check_assessment(body),
        Section::Assets => check_asset(body),
        _ => check_review(body),
    }
}

/// An asset as stored: [`sextant_core::asset::Asset`]'s JSON form.
fn check_asset(v: &Value) -> Result<()> {
    let a: sextant_core::asset::Asset =
        serde_json::from_value(v.clone()).map_err(|e| StoreError::Invalid {
            field: "assets".into(),
            message: format!(
                "expected {{id, name, kind: workstation | laptop | server | network | printer | mobile | licence, make?, model?, serial?, user?, site?, purchased?: YYYY-MM-DD, warranty_end?: YYYY-MM-DD, os?, os_version?, price?}}: {e}"
            ),
        })?;
    if a.id.trim().is_empty() || a.name.trim().is_empty() {
        return Err(StoreError::Invalid {
            field: "assets.id".into(),
            message: "expected an id and a name, found an empty one".into(),
        });
    }
    if let (Some(p), Some(w)) = (a.purchased, a.warranty_end)
        && w < p
    {
        return Err(StoreError::Invalid {
            field: "assets.warranty_end".into(),
            message: format!(
                "expected a warranty end on or after the purchase date ({p}), found {w}"
            ),
        });
    }
    if a.price.is_some_and(|p| !p.is_finite() || p < 0.0) {
        return Err(StoreError::Invalid {
            field: "assets.price".into(),
            message: "expected a price of 0 or more".into(),
        });
    }
    Ok(())
}

fn check_assessment(v: &Value) -> Result<()> {
    let a: Assessment = serde_json::from_value(v.clone()).map_err(|e| StoreError::Invalid {
        field: "assessments".into(),
        message: format!(
            "expected {{id, standard, date?: YYYY-MM-DD, assessor?, answers: {{CONTROL: met | partly | not_met | not_applicable | unknown}}}}: {e}"
        ),
    })?;
    if a.id.trim().is_empty() {
        return Err(StoreError::Invalid {
            field: "assessments.id".into(),
            message: "expected an id, found an empty string".into(),
        });
    }
    a.read()
        .map(|_| ())
        .map_err(|(field, message)| StoreError::Invalid { field, message })
}

/// A change to the stored plan.
#[derive(Debug, Clone)]
pub enum Change {
    /// Replace the whole plan with a document (an import).
    Replace(Value),
    /// Replace the whole plan with one checked already (an imported plan file, read by
    /// `sextant_core::load_plan`): stored in its canonical form without checking it again.
    Import(Arc<sextant_core::Plan>),
    /// Create an entry of a list or map section (refused if its key exists).
    Create(Section, Value),
    /// Replace an entity (a single section's object, or the entry with this key).
    Put(Section, String, Value),
    /// Remove the entry with this key.
    Delete(Section, String),
    /// Replace whole sections of the plan at once, each given in the plan file's form (an
    /// object for a single section or a map, a list for a list section): a form that edits a
    /// table of entries, or several sections together. When no plan is stored yet, one is
    /// started if the change includes the organisation (the guided start's first step).
    Sections(Vec<(Section, Value)>),
    /// Create or replace many entries of a section kept beside the plan at once, each known by
    /// its key (an asset list imported again updates its assets, never duplicates them): all
    /// of them, or none when one is invalid.
    Upsert(Section, Vec<Value>),
}

impl Store {
    async fn rows(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        scope: &Scope,
        plan_only: bool,
    ) -> Result<Rows> {
        // The plan alone leaves the entities beside it (an asset register of thousands) unread.
        let mut query =
            String::from("SELECT section, key, position, body FROM entities WHERE org_id = $1");
        if plan_only {
            let beside: Vec<String> = Section::ALL
                .iter()
                .filter(|s| !s.in_plan())
                .map(|s| format!("'{}'", s.name()))
                .collect();
            query.push_str(&format!(" AND section NOT IN ({})", beside.join(", ")));
        }
        let rows: Vec<(String, String, i64, String)> = sqlx::query_as(&query)
            .bind(scope.org_id)
            .fetch_all(&mut **tx)
            .await?;
        let mut out = Rows::new();
        for (section, key, position, body) in rows {
            let s = Section::parse(&section)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown section `{section}`")))?;
            if plan_only && !s.in_plan() {
                continue;
            }
            let v: Value =
                serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            out.insert((s, key), (position, v));
        }
        Ok(out)
    }

    /// The organisation's plan as a document (the plan file's JSON form), or `None` when no
    /// plan has been stored yet.
    pub async fn export_plan(&self, scope: &Scope) -> Result<Option<Value>> {
        let mut tx = self.pool.begin().await?;
        let rows = self.rows(&mut tx, scope, true).await?;
        tx.commit().await?;
        Ok((!rows.is_empty()).then(|| assemble(&rows)))
    }

    /// The organisation's plan, checked, for analysis. A plan is checked once per change: the
    /// change keeps the plan it checked, and a read of an unchanged plan (the same
    /// `plan_version`) shares it; a plan changed elsewhere (another server on the same
    /// database) is read and checked again, once.
    pub async fn plan(&self, scope: &Scope) -> Result<Option<Arc<sextant_core::Plan>>> {
        let version = self.plan_version(scope).await?;
        if let Some(plan) = self.plans.get(scope.org_id, version) {
            return Ok(Some(plan));
        }
        let Some(doc) = self.export_plan(scope).await? else {
            return Ok(None);
        };
        let text = serde_json::to_string(&doc).unwrap_or_default();
        let plan = sextant_core::load_plan("plan.json", &text)
            .map(Arc::new)
            .map_err(|e| StoreError::Corrupt(PlanRejected(e.0).to_string()))?;
        // Kept only when no change came between the version read and the rows read (a change
        // moves the version and the rows in one transaction).
        if self.plan_version(scope).await? == version {
            self.plans.put(scope.org_id, version, plan.clone());
        }
        Ok(Some(plan))
    }

    async fn plan_version(&self, scope: &Scope) -> Result<i64> {
        let (version,): (i64,) =
            sqlx::query_as("SELECT plan_version FROM organizations WHERE id = $1")
                .bind(scope.org_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(version)
    }

    /// Applies a change to the plan: all of it or, when the plan would be invalid, nothing.
    /// Returns the entity as stored (for `Create` and `Put`), or the whole plan (`Replace`).
    pub async fn change_plan(&self, scope: &Scope, change: Change) -> Result<Option<Value>> {
        scope.require(Role::Editor)?;
        let mut tx = self.pool.begin().await?;
        let (out, done) = self.change_plan_in(&mut tx, scope, change).await?;
        tx.commit().await?;
        self.plan_changed(scope, done);
        Ok(out)
    }

    /// When the organisation is renamed from `old` to `new` (in `tx`): the plan's own name
    /// (`organization.name`, which its reports and packs are titled with) follows, when it was
    /// the organisation's old name; one the plan gives otherwise (a legal name, say) is kept.
    /// What to hand to [`Store::plan_changed`] after the commit, when the plan changed.
    pub(crate) async fn plan_name_follows(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        scope: &Scope,
        old: &str,
        new: &str,
    ) -> Result<Option<PlanChanged>> {
        let rows = self.rows(tx, scope, true).await?;
        let Some(((_, key), (_, body))) = rows.iter().find(|((s, _), (_, body))| {
            *s == Section::Organization
                && body.get("name").and_then(Value::as_str).map(str::trim) == Some(old.trim())
        }) else {
            return Ok(None);
        };
        let mut body = body.clone();
        body["name"] = Value::from(new);
        let change = Change::Put(Section::Organization, key.clone(), body);
        Ok(Some(self.change_plan_in(tx, scope, change).await?.1))
    }

    /// The cache of checked plans after a committed [`Store::change_plan_in`].
    pub(crate) fn plan_changed(&self, scope: &Scope, (version, checked): PlanChanged) {
        match checked {
            Some(plan) => self.plans.put(scope.org_id, version, plan),
            // The reviews beside the plan changed, not the plan.
            None => self.plans.carry(scope.org_id, version - 1, version),
        }
    }

    /// [`Store::change_plan`] within the transaction `tx` (the caller commits it, then hands
    /// what it returns besides the answer to [`Store::plan_changed`]).
    pub(crate) async fn change_plan_in(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        scope: &Scope,
        change: Change,
    ) -> Result<(Option<Value>, PlanChanged)> {
        scope.require(Role::Editor)?;
        // PostgreSQL's text cannot hold a NUL byte: refused here, naming the field, on both.
        // A checked plan's canonical form.
        let (change, checked) = match change {
            Change::Import(plan) => {
                let doc = serde_json::to_value(plan.doc())
                    .map_err(|e| StoreError::Corrupt(format!("the plan cannot be written: {e}")))?;
                (Change::Replace(doc), Some(plan))
            }
            other => (other, None),
        };
        match &change {
            Change::Replace(doc) | Change::Create(_, doc) => no_nul_json("", doc)?,
            Change::Import(_) => {}
            Change::Put(_, key, body) => {
                no_nul("key", key)?;
                no_nul_json("", body)?;
            }
            Change::Delete(_, key) => no_nul("key", key)?,
            Change::Upsert(section, bodies) => {
                if section.in_plan() {
                    return Err(StoreError::Invalid {
                        field: section.name().into(),
                        message: format!(
                            "{} are part of the plan: change them with the plan's sections",
                            section.name()
                        ),
                    });
                }
                for body in bodies {
                    no_nul_json(section.name(), body)?;
                }
            }
            Change::Sections(parts) => {
                for (section, body) in parts {
                    if !section.in_plan() {
                        return Err(StoreError::Invalid {
                            field: section.name().into(),
                            message: format!(
                                "{} are kept beside the plan: change them one by one",
                                section.name()
                            ),
                        });
                    }
                    no_nul_json(section.name(), body)?;
                }
            }
        }
        let version = next_version(tx, scope).await?;
        // A change of the plan reads the plan's rows only; one beside it reads everything.
        let beside = matches!(
            &change,
            Change::Create(s, _) | Change::Put(s, _, _) | Change::Delete(s, _) | Change::Upsert(s, _)
                if !s.in_plan()
        );
        let all = self.rows(tx, scope, !beside).await?;
        // The plan as checked by this change, kept for the reads after it.
        let mut checked = checked;
        let (old, reviews): (Rows, Rows) = all.into_iter().partition(|((s, _), _)| s.in_plan());
        let mut target: Option<(Section, String)> = None;
        let (new_plan, new_reviews) = match change {
            Change::Replace(doc) if checked.is_some() => (Some(split(&doc)), None),
            Change::Replace(doc) => {
                let (doc, plan) = checked_canonical(&doc)?;
                checked = Some(Arc::new(plan));
                (Some(split(&doc)), None)
            }
            Change::Upsert(s, bodies) => {
                let mut r = reviews.clone();
                for body in bodies {
                    check_beside(s, &body)?;
                    let key = entity_key(s, &body)?;
                    let change = if r.contains_key(&(s, key.clone())) {
                        Change::Put(s, key, body)
                    } else {
                        Change::Create(s, body)
                    };
                    apply(&mut r, change)?;
                }
                (None, Some(r))
            }
            change @ (Change::Create(s, _) | Change::Put(s, _, _) | Change::Delete(s, _))
                if !s.in_plan() =>
            {
                let mut change = change;
                // A review changed as a whole keeps the client's answers as stored.
                if let Change::Put(Section::Reviews, key, body) = &mut change
                    && let Some(o) = body.as_object_mut()
                {
                    match reviews
                        .get(&(Section::Reviews, key.clone()))
                        .and_then(|(_, v)| v.get("answers"))
                    {
                        Some(kept) => o.insert("answers".into(), kept.clone()),
                        None => o.remove("answers"),
                    };
                }
                if let Change::Create(_, body) | Change::Put(_, _, body) = &change {
                    check_beside(s, body)?;
                }
                let review_before = match &change {
                    Change::Put(Section::Reviews, key, _)
                    | Change::Delete(Section::Reviews, key) => {
                        Some((key.clone(), matches!(change, Change::Delete(..))))
                    }
                    _ => None,
                };
                let mut r = reviews.clone();
                let at = apply(&mut r, change)?;
                // The packs kept with a review go with it, or follow it to its new key.
                match review_before {
                    Some((key, true)) => {
                        sqlx::query("DELETE FROM review_packs WHERE org_id = $1 AND review = $2")
                            .bind(scope.org_id)
                            .bind(&key)
                            .execute(&mut **tx)
                            .await?;
                    }
                    Some((key, false)) if key != at.1 => {
                        sqlx::query(
                            "UPDATE review_packs SET review = $3 WHERE org_id = $1 AND review = $2",
                        )
                        .bind(scope.org_id)
                        .bind(&key)
                        .bind(&at.1)
                        .execute(&mut **tx)
                        .await?;
                    }
                    _ => {}
                }
                target = Some(at);
                (None, Some(r))
            }
            Change::Sections(parts) => {
                let starts = parts.iter().any(|(s, _)| *s == Section::Organization);
                if old.is_empty() && !starts {
                    return Err(StoreError::NotFound(
                        "plan (import a plan first: PUT /api/v1/orgs/{org}/plan)".into(),
                    ));
                }
                let mut rows = old.clone();
                for (section, body) in parts {
                    rows.retain(|(s, _), _| *s != section);
                    let mut one = Map::new();
                    one.insert(section.name().into(), body);
                    rows.extend(
                        split(&Value::Object(one))
                            .into_iter()
                            .filter(|((s, _), _)| *s == section),
                    );
                }
                let (doc, plan) = checked_canonical(&assemble(&rows))?;
                checked = Some(Arc::new(plan));
                (Some(split(&doc)), None)
            }
            change => {
                if old.is_empty() {
                    return Err(StoreError::NotFound(
                        "plan (import a plan first: PUT /api/v1/orgs/{org}/plan)".into(),
                    ));
                }
                let mut rows = old.clone();
                let (section, key) = apply(&mut rows, change)?;
                let (doc, plan) = checked_canonical(&assemble(&rows))?;
                checked = Some(Arc::new(plan));
                let rows = split(&doc);
                // The entity's key after canonicalisation (it may have been renamed).
                target = Some((section, key));
                (Some(rows), None)
            }
        };
        // However they come (an import, one by one, a list), no section beside the plan grows
        // past its cap; one over it may still shrink or change.
        if let Some(r) = &new_reviews {
            for sec in [Section::Reviews, Section::Assessments, Section::Assets] {
                let n = r.keys().filter(|(x, _)| *x == sec).count();
                let before = reviews.keys().filter(|(x, _)| *x == sec).count();
                if n > MAX_BESIDE && n > before {
                    return Err(StoreError::Invalid {
                        field: sec.name().into(),
                        message: format!(
                            "at most {MAX_BESIDE} {} are kept beside a plan; this would make {n}: delete some first",
                            sec.name()
                        ),
                    });
                }
            }
        }
        let t = now();
        if let Some(new) = &new_plan {
            write_diff(tx, scope, &old, new, t).await?;
        }
        if let Some(new) = &new_reviews {
            write_diff(tx, scope, &reviews, new, t).await?;
        }
        let out = match (target, &new_plan, &new_reviews) {
            (Some(k), Some(rows), _) | (Some(k), _, Some(rows)) => {
                rows.get(&k).map(|(_, v)| v.clone())
            }
            (None, Some(rows), _) => Some(assemble(rows)),
            _ => None,
        };
        Ok((out, (version, checked)))
    }

    /// Records a client's answer on the review `key`. Any member may answer (a viewer is the
    /// client); the review keeps one answer per subject, the latest. An initiative approved
    /// while a candidate becomes planned in the same change, checked as any change of the plan:
    /// both or neither are stored. Returns the review as stored.
    pub async fn answer(
        &self,
        scope: &Scope,
        key: &str,
        answer: sextant_core::review::Answer,
    ) -> Result<Value> {
        use sextant_core::review::{About, Verdict};
        if let Some((field, message)) = answer.problem() {
            return Err(StoreError::Invalid {
                field: field.into(),
                message,
            });
        }
        no_nul("by", &answer.by)?;
        no_nul("comment", answer.comment.as_deref().unwrap_or(""))?;
        no_nul("shown", answer.shown.as_deref().unwrap_or(""))?;
        let mut tx = self.pool.begin().await?;
        let version = next_version(&mut tx, scope).await?;
        let all = self.rows(&mut tx, scope, false).await?;
        let (old, beside): (Rows, Rows) = all.into_iter().partition(|((s, _), _)| s.in_plan());
        let at = (Section::Reviews, key.to_string());
        let Some((_, body)) = beside.get(&at) else {
            return Err(StoreError::NotFound(format!("reviews/{key}")));
        };
        let mut review: Review = serde_json::from_value(body.clone())
            .map_err(|e| StoreError::Corrupt(format!("review `{key}`: {e}")))?;
        let mut plan_rows = None;
        if let (About::Initiative, Some(id)) = (answer.about, answer.initiative.as_deref()) {
            let Some((pos, body)) = old.get(&(Section::Initiatives, id.to_string())) else {
                return Err(StoreError::NotFound(format!("initiatives/{id}")));
            };
            let status = body
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or("candidate");
            if !matches!(status, "candidate" | "planned") {
                return Err(StoreError::Invalid {
                    field: "initiative".into(),
                    message: format!(
                        "expected a proposed initiative (candidate or planned), found `{id}` {}",
                        status.replace('_', " ")
                    ),
                });
            }
            if answer.verdict == Verdict::Approved && status == "candidate" {
                let mut rows = old.clone();
                let mut body = body.clone();
                if let Some(o) = body.as_object_mut() {
                    o.insert("status".into(), Value::from("planned"));
                }
                rows.insert((Section::Initiatives, id.to_string()), (*pos, body));
                let (doc, plan) = checked_canonical(&assemble(&rows))?;
                plan_rows = Some((split(&doc), plan));
            }
        }
        sextant_core::review::answered(&mut review.answers, answer);
        let body = serde_json::to_value(&review)
            .map_err(|e| StoreError::Corrupt(format!("review `{key}`: {e}")))?;
        let mut new_beside = beside.clone();
        if let Some(row) = new_beside.get_mut(&at) {
            row.1 = body.clone();
        }
        let t = now();
        if let Some((rows, _)) = &plan_rows {
            write_diff(&mut tx, scope, &old, rows, t).await?;
        }
        write_diff(&mut tx, scope, &beside, &new_beside, t).await?;
        tx.commit().await?;
        match plan_rows {
            Some((_, plan)) => self.plans.put(scope.org_id, version, Arc::new(plan)),
            None => self.plans.carry(scope.org_id, version - 1, version),
        }
        Ok(body)
    }

    /// The entities of a section, in order.
    pub async fn entities(
        &self,
        scope: &Scope,
        section: Section,
        paging: Paging,
    ) -> Result<Page<Entity>> {
        let (total,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM entities WHERE org_id = $1 AND section = $2")
                .bind(scope.org_id)
                .bind(section.name())
                .fetch_one(&self.pool)
                .await?;
        let rows: Vec<(String, i64, String, i64)> = sqlx::query_as(
            "SELECT key, position, body, updated_at FROM entities WHERE org_id = $1 AND section = $2 \
             ORDER BY position, key LIMIT $3 OFFSET $4",
        )
        .bind(scope.org_id)
        .bind(section.name())
        .bind(paging.limit)
        .bind(paging.offset)
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .into_iter()
            .map(|(key, position, body, at)| {
                Ok(Entity {
                    section,
                    key,
                    position,
                    body: serde_json::from_str(&body)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    updated_at: rfc3339(at),
                })
            })
            .collect::<Result<_>>()?;
        Ok(Page::new(items, total, paging))
    }

    /// Every entity of a section (the reviews, assessments or assets beside the plan), read a
    /// page of 500 at a time.
    pub async fn all_entities(&self, scope: &Scope, section: Section) -> Result<Vec<Entity>> {
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let page = self
                .entities(scope, section, Paging::new(Some(offset), Some(500)))
                .await?;
            let n = page.items.len() as i64;
            out.extend(page.items);
            offset += n;
            if n == 0 || offset >= page.total {
                return Ok(out);
            }
        }
    }

    /// The bodies of every entity of a section, in order, each read as a `T`: one query (a
    /// section holds at most its cap), each body parsed once, straight into its type.
    pub async fn all_bodies<T: serde::de::DeserializeOwned>(
        &self,
        scope: &Scope,
        section: Section,
    ) -> Result<Vec<T>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT body FROM entities WHERE org_id = $1 AND section = $2 ORDER BY position, key",
        )
        .bind(scope.org_id)
        .bind(section.name())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|(body,)| {
                serde_json::from_str(body).map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect()
    }

    /// One entity of a section, by its key.
    pub async fn entity(&self, scope: &Scope, section: Section, key: &str) -> Result<Entity> {
        no_nul("key", key)?;
        let row: Option<(i64, String, i64)> = sqlx::query_as(
            "SELECT position, body, updated_at FROM entities WHERE org_id = $1 AND section = $2 AND key = $3",
        )
        .bind(scope.org_id)
        .bind(section.name())
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        let (position, body, at) = row.ok_or_else(|| {
            StoreError::NotFound(if key.is_empty() {
                section.name().to_string()
            } else {
                format!("{}/{key}", section.name())
            })
        })?;
        Ok(Entity {
            section,
            key: key.to_string(),
            position,
            body: serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            updated_at: rfc3339(at),
        })
    }

    /// The organisation's history, newest first, optionally of one section or entity;
    /// `section` is a plan section's name, or `datasets`, `members` or `org` (the
    /// organisation's name) for the changes to those.
    pub async fn history(
        &self,
        scope: &Scope,
        section: Option<&str>,
        key: Option<&str>,
        paging: Paging,
    ) -> Result<Page<HistoryEntry>> {
        no_nul("section", section.unwrap_or(""))?;
        no_nul("key", key.unwrap_or(""))?;
        if let Some(s) = section
            && !["datasets", "members", "org"].contains(&s)
            && Section::parse(s).is_none()
        {
            return Err(StoreError::Invalid {
                field: "section".into(),
                message: format!(
                    "expected datasets, members, org or one of {}, found `{s}`",
                    Section::ALL.map(Section::name).join(", ")
                ),
            });
        }
        let section = section.unwrap_or("");
        let key = key.unwrap_or("");
        let filter = "h.org_id = $1 AND ($2 = '' OR h.section = $2) AND ($3 = '' OR h.key = $3)";
        let (total,): (i64,) =
            sqlx::query_as(&format!("SELECT COUNT(*) FROM history h WHERE {filter}"))
                .bind(scope.org_id)
                .bind(section)
                .bind(key)
                .fetch_one(&self.pool)
                .await?;
        type Row = (
            i64,
            String,
            String,
            Option<String>,
            i64,
            String,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT h.id, h.section, h.key, u.email, h.at, h.action, h.before, h.after \
             FROM history h LEFT JOIN users u ON u.id = h.user_id WHERE {filter} \
             ORDER BY h.id DESC LIMIT $4 OFFSET $5"
        ))
        .bind(scope.org_id)
        .bind(section)
        .bind(key)
        .bind(paging.limit)
        .bind(paging.offset)
        .fetch_all(&self.pool)
        .await?;
        let parse = |s: Option<String>| -> Result<Option<Value>> {
            s.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(e.to_string())))
                .transpose()
        };
        let items = rows
            .into_iter()
            .map(|(id, section, key, user, at, action, before, after)| {
                Ok(HistoryEntry {
                    id,
                    section,
                    key,
                    user,
                    at: rfc3339(at),
                    action,
                    before: parse(before)?,
                    after: parse(after)?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Page::new(items, total, paging))
    }
}

/// Moves the organisation's plan to its next version in `tx`; that version. Taking the
/// organisation's row first serialises writers to one plan (a row lock on PostgreSQL, the
/// write lock on SQLite).
async fn next_version(tx: &mut sqlx::Transaction<'_, sqlx::Any>, scope: &Scope) -> Result<i64> {
    sqlx::query("UPDATE organizations SET plan_version = plan_version + 1 WHERE id = $1")
        .bind(scope.org_id)
        .execute(&mut **tx)
        .await?;
    let (version,): (i64,) = sqlx::query_as("SELECT plan_version FROM organizations WHERE id = $1")
        .bind(scope.org_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(version)
}

/// What a change of the plan leaves for the cache of checked plans: the plan's new version and
/// the plan as checked (`None` when only what is kept beside it changed).
pub(crate) type PlanChanged = (i64, Option<Arc<sextant_core::Plan>>);

/// Applies one entity change to the rows; the entity's section and key.
fn apply(rows: &mut Rows, change: Change) -> Result<(Section, String)> {
    let not_found = |s: Section, k: &str| StoreError::NotFound(format!("{}/{k}", s.name()));
    match change {
        Change::Replace(_) | Change::Import(_) | Change::Sections(_) | Change::Upsert(..) => Err(
            StoreError::Corrupt("replace is not an entity change".into()),
        ),
        Change::Create(section, body) => {
            let key = entity_key(section, &body)?;
            if rows.contains_key(&(section, key.clone())) {
                return Err(StoreError::Conflict(format!(
                    "{}/{key} exists already: PUT it to change it",
                    section.name()
                )));
            }
            let body = match section.shape() {
                Shape::Map => body.get("values").cloned().unwrap_or(Value::Null),
                _ => body,
            };
            let pos = rows
                .range((section, String::new())..)
                .take_while(|((s, _), _)| *s == section)
                .map(|(_, (p, _))| *p + 1)
                .max()
                .unwrap_or(0);
            rows.insert((section, key.clone()), (pos, body));
            Ok((section, key))
        }
        Change::Put(section, key, body) => match section.shape() {
            Shape::Single => {
                rows.insert((section, String::new()), (0, body));
                Ok((section, String::new()))
            }
            Shape::Map => {
                let pos = match rows.get(&(section, key.clone())) {
                    Some((p, _)) => *p,
                    None => rows.len() as i64,
                };
                rows.insert((section, key.clone()), (pos, body));
                Ok((section, key))
            }
            Shape::List(_) => {
                let (pos, _) = rows
                    .remove(&(section, key.clone()))
                    .ok_or_else(|| not_found(section, &key))?;
                let new_key = entity_key(section, &body)?;
                if new_key != key && rows.contains_key(&(section, new_key.clone())) {
                    return Err(StoreError::Conflict(format!(
                        "cannot rename {}/{key} to {new_key}: it exists already",
                        section.name()
                    )));
                }
                rows.insert((section, new_key.clone()), (pos, body));
                Ok((section, new_key))
            }
        },
        Change::Delete(section, key) => {
            if section == Section::Organization {
                return Err(StoreError::Invalid {
                    field: "organization".into(),
                    message: "a plan keeps its organisation; change it with PUT instead".into(),
                });
            }
            rows.remove(&(section, key.clone()))
                .ok_or_else(|| not_found(section, &key))?;
            Ok((section, key))
        }
    }
}

/// The key of a new entity of a list or map section, from its body.
fn entity_key(section: Section, body: &Value) -> Result<String> {
    match section.shape() {
        Shape::Single => Ok(String::new()),
        Shape::Map => body
            .get("kpi")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| StoreError::Invalid {
                field: "kpi".into(),
                message: "expected {kpi: ID, values: {YYYY-MM: number}}".into(),
            }),
        Shape::List(field) => section.key_of(body).ok_or_else(|| StoreError::Invalid {
            field: field.into(),
            message: format!(
                "expected an object with `{}` naming the {} entry",
                field.replace("->", "` and `"),
                section.name()
            ),
        }),
    }
}

async fn write_diff(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    scope: &Scope,
    old: &Rows,
    new: &Rows,
    t: i64,
) -> Result<()> {
    let history = |section: Section,
                   key: &str,
                   action: &str,
                   before: Option<&Value>,
                   after: Option<&Value>| {
        sqlx::query(
            "INSERT INTO history (org_id, section, key, user_id, at, action, before, after) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(scope.org_id)
        .bind(section.name())
        .bind(key.to_string())
        .bind(scope.user_id)
        .bind(t)
        .bind(action.to_string())
        .bind(before.map(Value::to_string))
        .bind(after.map(Value::to_string))
    };
    for ((section, key), (_, before)) in old {
        if !new.contains_key(&(*section, key.clone())) {
            sqlx::query("DELETE FROM entities WHERE org_id = $1 AND section = $2 AND key = $3")
                .bind(scope.org_id)
                .bind(section.name())
                .bind(key)
                .execute(&mut **tx)
                .await?;
            history(*section, key, "delete", Some(before), None)
                .execute(&mut **tx)
                .await?;
        }
    }
    for ((section, key), (pos, after)) in new {
        match old.get(&(*section, key.clone())) {
            None => {
                sqlx::query(
                    "INSERT INTO entities (org_id, section, key, position, body, updated_at, updated_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(scope.org_id)
                .bind(section.name())
                .bind(key)
                .bind(*pos)
                .bind(after.to_string())
                .bind(t)
                .bind(scope.user_id)
                .execute(&mut **tx)
                .await?;
                history(*section, key, "create", None, Some(after))
                    .execute(&mut **tx)
                    .await?;
            }
            Some((old_pos, before)) if before != after || old_pos != pos => {
                sqlx::query(
                    "UPDATE entities SET position = $1, body = $2, updated_at = $3, updated_by = $4 \
                     WHERE org_id = $5 AND section = $6 AND key = $7",
                )
                .bind(*pos)
                .bind(after.to_string())
                .bind(t)
                .bind(scope.user_id)
                .bind(scope.org_id)
                .bind(section.name())
                .bind(key)
                .execute(&mut **tx)
                .await?;
                if before != after {
                    history(*section, key, "update", Some(before), Some(after))
                        .execute(&mut **tx)
                        .await?;
                }
            }
            Some(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_document_splits_into_rows_and_assembles_back() {
        let doc = json!({
            "version": 1,
            "organization": {"name": "T"},
            "goals": [{"id": "g1"}, {"id": "g2"}],
            "staff": [{"name": "Sam"}, {"name": "Sam"}],
            "integrations": [{"from": "a", "to": "b"}],
            "measurements": {"revenue": {"2027-01": 1.0}},
        });
        let rows = split(&doc);
        assert!(rows.contains_key(&(Section::Staff, "Sam~2".to_string())));
        assert!(rows.contains_key(&(Section::Integrations, "a->b".to_string())));
        let mut expected = doc.clone();
        for empty in ["kpis", "systems", "initiatives", "risks", "phases", "radar"] {
            expected[empty] = json!([]);
        }
        assert_eq!(assemble(&rows), expected);
    }
}
