//! `sextant review`: the agenda of the next review from a plan, its reviews (with the actions
//! agreed) and, when given, its assessments, asset list and business data: when the next review
//! is due, the actions still open (carried over until done), the last decisions, the KPIs that
//! moved, the goals off track, the assessments made and the lifecycle warnings since the last
//! review. The same agenda as `GET /api/v1/orgs/{org}/agenda` (`sextant_core::review`).

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use sextant_core::asset::long_date;
use sextant_core::health::Review as Next;
use sextant_core::model::Date;
use sextant_core::review::{self, Agenda, Topic};
use sextant_core::standard;

use crate::{InvalidInput, read_input};

/// Output format of `sextant review`.
#[derive(Clone, Copy, ValueEnum)]
pub enum ReviewFormat {
    /// A readable agenda.
    Text,
    /// The agenda as JSON, for scripts (as the API's).
    Json,
    /// The agenda in Markdown, to paste into the meeting's invitation.
    Markdown,
}

/// What an agenda (and an executive summary) is prepared from: the plan, its reviews, its
/// assessments, its asset list and its business data.
#[derive(Args)]
pub struct ReviewInputs {
    /// The plan file (YAML or JSON): its KPIs, goals, fiscal year and
    /// `organization.review_every_months`.
    file: PathBuf,
    /// The reviews held (YAML or JSON: a list of `{id, date, title, attendees, kpis, decisions,
    /// notes, actions: [{title, owner, due, status}]}`, or `reviews:` with the list).
    #[arg(long)]
    reviews: Option<PathBuf>,
    /// An assessment's answers file (as `sextant assess` reads), repeated for each one.
    #[arg(long = "assessment", value_name = "ANSWERS")]
    assessments: Vec<PathBuf>,
    /// The asset list (CSV or XLSX, as `sextant assets` reads), for its warnings.
    #[arg(long)]
    assets: Option<PathBuf>,
    /// A table of ends of support of your own (as `sextant assets --end-of-life`).
    #[arg(long = "end-of-life", requires = "assets")]
    end_of_life: Option<PathBuf>,
    /// The day to prepare the agenda on, `YYYY-MM-DD` (default: today).
    #[arg(long, value_parser = crate::asset_cmds::day)]
    today: Option<Date>,
    /// Business data to track the KPIs with (as `sextant analyze --data`).
    #[arg(long = "data", value_name = "DATA", num_args = 1..)]
    data: Vec<String>,
    #[command(flatten)]
    import: crate::metrics_cmds::ImportArgs,
}

impl ReviewInputs {
    /// Every file they name: the plan, the reviews, the assessments, the asset list, the ends
    /// of support and the data files (`kind=path` or a path).
    pub fn files(&self) -> Vec<PathBuf> {
        let mut out = vec![self.file.clone()];
        out.extend(self.reviews.clone());
        out.extend(self.assessments.iter().cloned());
        out.extend(self.assets.clone());
        out.extend(self.end_of_life.clone());
        out.extend(
            self.data
                .iter()
                .map(|d| PathBuf::from(d.split_once('=').map_or(d.as_str(), |(_, path)| path))),
        );
        out
    }
}

/// What [`ReviewInputs`] name, read and checked.
pub struct Gathered {
    /// The plan.
    pub plan: sextant_core::Plan,
    /// The day.
    pub today: Date,
    /// The reviews held.
    pub meetings: Vec<review::Meeting>,
    /// The scored assessments, by id.
    pub assessments: Vec<(String, standard::Scored)>,
    /// The asset register's lifecycle, when an asset list with assets was given.
    pub lifecycle: Option<sextant_core::asset::Lifecycle>,
    /// The plan analysed with its business data.
    pub analysed: sextant_ops::Analysed,
}

impl Gathered {
    /// The agenda of the next review.
    pub fn agenda(&self) -> Agenda {
        review::agenda(&review::Inputs {
            today: self.today,
            doc: Some(self.plan.doc()),
            analysis: Some(&self.analysed.analysis),
            series: Some(&self.analysed.series),
            meetings: &self.meetings,
            assessments: &self.assessments,
            lifecycle: self.lifecycle.as_ref(),
        })
    }
}

impl ReviewInputs {
    /// Reads and checks every file named, and analyses the plan with its data.
    pub fn gather(&self) -> anyhow::Result<Gathered> {
        let plan = crate::load(&self.file)?;
        let today = self.today.unwrap_or_else(crate::asset_cmds::today);
        let meetings = match &self.reviews {
            Some(p) => {
                let (name, text) = read_input(p)?;
                review::load_meetings(&name, &text)
                    .map_err(|e| InvalidInput(e.render(Some(&text))))?
            }
            None => Vec::new(),
        };
        let mut assessments = Vec::new();
        for p in &self.assessments {
            let (name, text) = read_input(p)?;
            let id = text
                .lines()
                .find_map(|l| l.strip_prefix("standard:"))
                .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
                .unwrap_or_default();
            let s = standard::shipped()
                .iter()
                .find(|s| s.id == id)
                .ok_or_else(|| {
                    InvalidInput(format!(
                        "{name}: expected a line `standard: ID` naming a shipped standard (`sextant standards` lists them), found `{id}`"
                    ))
                })?;
            let answers = standard::load_answers(&name, &text, s)
                .map_err(|e| InvalidInput(e.render(Some(&text))))?;
            // The assessment's id: its file's name without the extension, as a link would use.
            let key = p
                .file_stem()
                .map_or_else(|| name.clone(), |s| s.to_string_lossy().into_owned());
            assessments.push((key, standard::score(s, &answers)));
        }
        let org = &plan.doc().organization;
        let lifecycle = match &self.assets {
            Some(path) => {
                let (list, _) = sextant_ingest::assets::read_assets(
                    sextant_ingest::Source::path(path),
                    &sextant_ingest::Options::default(),
                )
                .map_err(|e| InvalidInput(format!("{}: {e}", path.display())))?;
                Some(sextant_core::asset::lifecycle(
                    &list,
                    &crate::asset_cmds::table(self.end_of_life.as_ref())?,
                    &org.lifecycle.clone().unwrap_or_default(),
                    today,
                    org.fiscal_year_start,
                    1,
                ))
            }
            None => None,
        }
        .filter(|l| l.totals.assets > 0);
        let data = if self.data.is_empty() {
            None
        } else {
            Some(crate::metrics_cmds::import_all(
                &self.data,
                &self.import,
                sextant_metrics::calendar::Granularity::Month,
            )?)
        };
        let analysed = sextant_ops::analyse(&plan, data.as_ref());
        Ok(Gathered {
            plan,
            today,
            meetings,
            assessments,
            lifecycle,
            analysed,
        })
    }
}

/// Options of `sextant review`.
#[derive(Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    inputs: ReviewInputs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ReviewFormat::Text)]
    format: ReviewFormat,
}

/// `sextant review`.
pub fn review(args: ReviewArgs) -> anyhow::Result<ExitCode> {
    let g = args.inputs.gather()?;
    let ag = g.agenda();
    let name = &g.plan.doc().organization.name;
    let mut out = anstream::stdout();
    match args.format {
        ReviewFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&ag)?)?,
        ReviewFormat::Text => write!(out, "{}", text(name, &ag, false))?,
        ReviewFormat::Markdown => write!(out, "{}", text(name, &ag, true))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn heading(t: Topic) -> &'static str {
    match t {
        Topic::Action => "Open actions",
        Topic::Decision => "Decisions to follow up",
        Topic::Answer => "The client's answers",
        Topic::Kpi => "KPIs that moved",
        Topic::Goal => "Goals off track or at risk",
        Topic::Assessment => "Assessments",
        Topic::Lifecycle => "Devices and software",
    }
}

/// The agenda as text, or as Markdown.
fn text(name: &str, ag: &Agenda, markdown: bool) -> String {
    let mut s = String::new();
    let h = |s: &mut String, level: &str, t: &str| {
        if markdown {
            let _ = writeln!(s, "{level} {t}\n");
        } else {
            let _ = writeln!(s, "{t}\n{}", "-".repeat(t.chars().count()));
        }
    };
    h(
        &mut s,
        "#",
        &format!("Agenda for the next review of {name}"),
    );
    match ag.next {
        Next::Overdue { by } => {
            let _ = writeln!(s, "Overdue: a review was due by {}.", long_date(by));
        }
        Next::Due { by } => {
            let _ = writeln!(s, "Due by {}.", long_date(by));
        }
    }
    match &ag.last {
        Some(l) => {
            let _ = writeln!(s, "Last review: {} ({}).", long_date(l.date), l.title);
        }
        None => {
            let _ = writeln!(s, "No review held yet.");
        }
    }
    let _ = writeln!(
        s,
        "Reviews every {} {}; changes since {}.\n",
        ag.every_months,
        if ag.every_months == 1 {
            "month"
        } else {
            "months"
        },
        long_date(ag.since)
    );
    if ag.items.is_empty() {
        let _ = writeln!(s, "Nothing changed since then.");
    }
    let mut topic = None;
    for it in &ag.items {
        if topic != Some(it.topic) {
            if topic.is_some() {
                s.push('\n');
            }
            h(&mut s, "##", heading(it.topic));
            topic = Some(it.topic);
        }
        let _ = writeln!(s, "- {}", it.text);
    }
    s
}
