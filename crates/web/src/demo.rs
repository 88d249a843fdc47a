//! `sextant serve --demo`: the Corner Bookstore organisation with its plan, 24 months of
//! generated business data (orders, marketing spend, web sessions, surveys: the files in
//! `examples/corner-bookstore/`), an assessment against NIST CSF 2.0, its 15 devices and
//! licences (`assets.csv`), and a login for it. Idempotent: a second start finds the
//! organisation and leaves it as it is.
//!
//! The demo's login has a published password, so it is a member of the demo organisation
//! only, never an administrator, and an installation that has users already gets it only
//! when forced.

use sextant_store::{Change, Store, StoreError};

/// The demo's login.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// E-mail address.
    pub email: String,
    /// Password (a demo's: printed on the console).
    pub password: String,
}

/// The demo plan.
pub const PLAN: &str = include_str!("../../../examples/corner-bookstore.yaml");

/// The demo's business data, as shipped in `examples/corner-bookstore/` (the CLI's examples
/// read the same files): `(kind, file name, text)`. The files are what
/// `sextant_core::synth::bookstore_data(7)` generates; sextant-core's `bookstore_data` test
/// proves it and regenerates them.
pub const DATA: [(&str, &str, &str); 4] = [
    (
        "orders",
        "orders.csv",
        include_str!("../../../examples/corner-bookstore/orders.csv"),
    ),
    (
        "marketing",
        "marketing.csv",
        include_str!("../../../examples/corner-bookstore/marketing.csv"),
    ),
    (
        "sessions",
        "sessions.csv",
        include_str!("../../../examples/corner-bookstore/sessions.csv"),
    ),
    (
        "surveys",
        "surveys.csv",
        include_str!("../../../examples/corner-bookstore/surveys.csv"),
    ),
];

/// The bookstore's 15 devices and licences, as its management tool exports them: two out of
/// warranty, two PCs on Windows 10 (support ended), an Office 2019 licence.
pub const ASSETS: &str = include_str!("../../../examples/corner-bookstore/assets.csv");

/// The demo's organisation slug.
pub const SLUG: &str = "corner-bookstore";

/// The bookstore's autumn review with its consultant, after the assessment: the decisions taken
/// and the actions agreed (one done, one overdue since November, one in progress), which the
/// Reviews page carries to the next review's agenda until they are done.
pub const REVIEW: &str = r#"{
  "id": "2026-10-20-autumn-review",
  "date": "2026-10-20",
  "title": "Autumn review",
  "attendees": ["Sarah", "Sam (the shop's IT consultant)"],
  "kpis": ["revenue"],
  "decisions": ["Replace the till before Windows 10 support runs out", "Give each person their own login at the till"],
  "actions": [
    {"title": "Test restoring last week's backup", "owner": "Sam", "due": "2026-10-31", "status": "done"},
    {"title": "Get two quotes for a new till", "owner": "Sarah", "due": "2026-11-30", "status": "open"},
    {"title": "Write down who to call when the card reader fails", "owner": "Sam", "due": "2027-01-31", "status": "in_progress"}
  ],
  "notes": "Online orders keep growing; the till is the weak point."
}"#;

/// The bookstore's first assessment against NIST CSF 2.0, by its consultant: what a two-person
/// shop has (its mission known, a card-safe point of sale coming) and lacks (a shared login at
/// the till, backups never tested, no list of devices, no incident plan), the rest not yet
/// known. The missing controls with remedies are a click away from the plan.
pub const ASSESSMENT: &str = r#"{
  "id": "nist-csf-2-0-2026-10-15",
  "standard": "nist-csf-2.0",
  "date": "2026-10-15",
  "assessor": "Sam (the shop's IT consultant)",
  "answers": {
    "GV.OC-01": "met",
    "GV.OC-03": {"answer": "partly", "note": "Card rules known; privacy rules for the mailing list not checked"},
    "GV.RR-01": "met",
    "GV.PO-01": "not_met",
    "ID.AM-01": {"answer": "not_met", "note": "No list of the shop's computers and phones"},
    "ID.AM-02": "partly",
    "ID.IM-04": {"answer": "not_met", "note": "Nobody knows what to do if the card machine or e-mail is hacked"},
    "PR.AA-01": "partly",
    "PR.AA-03": {"answer": "not_met", "note": "One shared login at the till; e-mail without a second factor"},
    "PR.AT-01": "not_met",
    "PR.DS-11": {"answer": "partly", "note": "Weekly copy to a USB drive kept in the shop; never restored"},
    "PR.PS-02": "partly",
    "PR.IR-01": "met",
    "DE.CM-09": "partly",
    "RS.MA-01": "not_met",
    "RC.RP-01": "not_met"
  }
}"#;

/// Creates the demo organisation (once) and its owner, and returns the login. Refused when
/// the installation has users already, unless `force`.
pub async fn create(store: &Store, force: bool) -> Result<DemoLogin, StoreError> {
    let login = DemoLogin {
        email: "sarah@corner-bookstore.example".into(),
        password: "corner-bookstore".into(),
    };
    if store.has_user(&login.email).await? {
        // Started with the demo before: the organisation is there. A demo login made by an
        // older version was an administrator; it is not any more.
        if store.revoke_admin(&login.email).await? {
            tracing::warn!(email = %login.email, "the demo login was an administrator; it is not any more");
        }
        return Ok(login);
    }
    let users = store.user_count().await?;
    if users > 0 && !force {
        return Err(StoreError::Conflict(format!(
            "this installation has {users} user(s) already, and the demo adds a login with a published password ({}); start with --force-demo to add it anyway (it becomes a member of the demo organisation only)",
            login.email
        )));
    }
    let sarah = store
        .create_user(&login.email, "Sarah", &login.password, false)
        .await?;
    // Only administrators create organisations; the server makes this one for the demo's
    // owner, who stays a plain user.
    let as_creator = sextant_store::User {
        is_admin: true,
        ..sarah.clone()
    };
    store
        .create_org(&as_creator, SLUG, "The Corner Bookstore")
        .await?;
    let scope = store.scope(&sarah, SLUG).await?;
    let plan = sextant_core::load_plan("corner-bookstore.yaml", PLAN)
        .map_err(|e| StoreError::Corrupt(format!("the demo plan: {e}")))?;
    let doc = serde_json::to_value(plan.doc()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    store.change_plan(&scope, Change::Replace(doc)).await?;
    let assessment: serde_json::Value =
        serde_json::from_str(ASSESSMENT).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    store
        .change_plan(
            &scope,
            Change::Create(sextant_store::Section::Assessments, assessment),
        )
        .await?;
    let mut review: serde_json::Value =
        serde_json::from_str(REVIEW).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // The KPIs as they stood on the review's day, as recording it through a door keeps them.
    let series = sextant_ingest::batch::kpi_series(Some(&plan), None);
    crate::reviews::with_snapshot(&mut review, Some(&series), &[]);
    store
        .change_plan(
            &scope,
            Change::Create(sextant_store::Section::Reviews, review),
        )
        .await?;
    let (assets, _) = sextant_ingest::assets::read_assets(
        sextant_ingest::Source::bytes("assets.csv", ASSETS.as_bytes().to_vec()),
        &sextant_ingest::Options::default(),
    )
    .map_err(|e| StoreError::Corrupt(format!("the demo's assets.csv: {e}")))?;
    let assets = assets
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    store
        .change_plan(
            &scope,
            Change::Upsert(sextant_store::Section::Assets, assets),
        )
        .await?;
    for (kind, name, text) in DATA {
        // Read as an upload is, for its row count (and to be sure it imports).
        let options = crate::data::ReadOptions {
            kind: Some(kind.to_string()),
            name: Some(name.to_string()),
            ..Default::default()
        };
        let rows = rows_of(text.as_bytes(), &options)
            .map_err(|e| StoreError::Corrupt(format!("the demo's {name}: {e}")))?;
        let options =
            serde_json::to_value(&options).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        store
            .add_dataset(&scope, kind, name, rows, &options, text.as_bytes(), None)
            .await?;
    }
    Ok(login)
}

fn rows_of(bytes: &[u8], options: &crate::data::ReadOptions) -> Result<i64, String> {
    let (opts, kind) = options.parse().map_err(|e| format!("{e:?}"))?.with_map();
    let files = [sextant_ingest::batch::ImportFile {
        kind,
        source: sextant_ingest::Source::bytes(
            options.name.clone().unwrap_or_default(),
            bytes.to_vec(),
        ),
        options: opts,
    }];
    let (_, reports) = sextant_ingest::batch::import_each(
        &files,
        &[],
        sextant_metrics::calendar::Granularity::Month,
        |_| {},
    )
    .map_err(|e| e.to_string())?;
    Ok(reports.iter().map(|r| r.report.rows as i64).sum())
}
