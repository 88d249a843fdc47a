//! `sextant standards` and `sextant assess`: the standards a business can be assessed against
//! (shipped, and a consultant's own in a directory), a blank answers file to start from, and an
//! answers file scored by section and overall, with the controls to fix and their remedies as
//! plan entries.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use sextant_core::standard::{self, Scored, Standard};
use sextant_core::unit::percent;

use crate::table::Table;
use crate::{InvalidInput, read_input};

/// Output format of `sextant standards`.
#[derive(Clone, Copy, ValueEnum)]
pub enum ListFormat {
    /// A readable list.
    Text,
    /// JSON for scripts.
    Json,
}

/// Output format of `sextant assess`.
#[derive(Clone, Copy, ValueEnum)]
pub enum AssessFormat {
    /// A readable report.
    Text,
    /// The scores as JSON, for scripts.
    Json,
    /// A Markdown report.
    Markdown,
}

/// Where standards are found besides the shipped ones.
#[derive(Args)]
pub struct StandardsDir {
    /// A directory of standard files of your own (`*.yaml`, the format of
    /// crates/core/standards/); `SEXTANT_STANDARDS` names one too.
    #[arg(long = "standards")]
    dir: Option<PathBuf>,
}

impl StandardsDir {
    fn path(&self) -> Option<PathBuf> {
        self.dir
            .clone()
            .or_else(|| std::env::var_os("SEXTANT_STANDARDS").map(PathBuf::from))
    }
}

/// Options of `sextant standards`.
#[derive(Args)]
pub struct StandardsArgs {
    #[command(flatten)]
    dir: StandardsDir,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
}

/// Options of `sextant assess`.
#[derive(Args)]
pub struct AssessArgs {
    /// The answers file to score (`standard:` names its standard; a control not answered is
    /// unknown).
    #[arg(required_unless_present = "start")]
    file: Option<PathBuf>,
    /// Write a blank answers file for this standard (its id, or a standard file) instead.
    #[arg(long, conflicts_with = "file")]
    start: Option<String>,
    /// The standard file, when it is neither shipped nor in `--standards`.
    #[arg(long)]
    standard: Option<PathBuf>,
    #[command(flatten)]
    dir: StandardsDir,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = AssessFormat::Text)]
    format: AssessFormat,
    /// Instead of the scores, the initiatives that close the controls not met or partly met
    /// (those with a remedy), as entries to paste under `initiatives:`.
    #[arg(long)]
    initiatives: bool,
    /// With `--initiatives`: the goal those initiatives serve (strength 2).
    #[arg(long, requires = "initiatives")]
    goal: Option<String>,
}

/// A standard read from a file, its problems rendered.
fn read_standard(path: &Path) -> anyhow::Result<Standard> {
    let (name, text) = read_input(path)?;
    standard::load_standard(&name, &text).map_err(|p| InvalidInput(p.render(Some(&text))).into())
}

/// The shipped standards and those in the directory: (standard, where it comes from).
fn all(dir: &StandardsDir) -> anyhow::Result<Vec<(Standard, String)>> {
    let mut out: Vec<(Standard, String)> = standard::shipped()
        .iter()
        .map(|s| (s.clone(), "shipped".to_string()))
        .collect();
    if let Some(d) = &dir.path() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(d)
            .map_err(|e| InvalidInput(format!("{}: cannot read the directory: {e}", d.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
            })
            .collect();
        files.sort();
        for f in files {
            let s = read_standard(&f)?;
            if let Some((_, from)) = out.iter().find(|(x, _)| x.id == s.id) {
                return Err(InvalidInput(format!(
                    "{}: the standard id `{}` is taken already ({from})",
                    f.display(),
                    s.id
                ))
                .into());
            }
            out.push((s, f.display().to_string()));
        }
    }
    Ok(out)
}

/// The standard named by id (shipped or in the directory) or by a file's path.
fn find(name: &str, dir: &StandardsDir) -> anyhow::Result<Standard> {
    let known = all(dir)?;
    if let Some((s, _)) = known.iter().find(|(s, _)| s.id == name) {
        return Ok(s.clone());
    }
    let path = Path::new(name);
    if path.exists() {
        return read_standard(path);
    }
    let ids: Vec<&str> = known.iter().map(|(s, _)| s.id.as_str()).collect();
    Err(InvalidInput(format!(
        "no standard `{name}`: expected one of {} (`sextant standards` lists them), or a standard file",
        ids.join(", ")
    ))
    .into())
}

/// `sextant standards`.
pub fn standards(args: StandardsArgs) -> anyhow::Result<ExitCode> {
    let list = all(&args.dir)?;
    let mut out = anstream::stdout();
    match args.format {
        ListFormat::Json => {
            let v: Vec<serde_json::Value> = list
                .iter()
                .map(|(s, from)| {
                    let mut v = s.summary();
                    v["from"] = serde_json::json!(from);
                    v
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        ListFormat::Text => {
            let mut t = Table::new(&["id", "title", "edition", ">controls", "licence"]);
            for (s, _) in &list {
                t.row(vec![
                    s.id.clone(),
                    s.title.clone(),
                    s.edition.clone().unwrap_or_default(),
                    s.controls().len().to_string(),
                    s.licence.split(';').next().unwrap_or_default().to_string(),
                ]);
            }
            let (h, rows) = t.text();
            writeln!(out, "{h}")?;
            for r in rows {
                writeln!(out, "{r}")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A blank answers file: every control `unknown`, its question above it.
fn blank(s: &Standard) -> String {
    let mut y = format!(
        "# Answers for {}{}.\n# For each control write met, partly, not_met, not_applicable or unknown; a note and\n# evidence may follow: `ID: {{answer: partly, note: ..., evidence: ...}}`. Fill in the\n# business, the day (YYYY-MM-DD) and who assessed, then score it with `sextant assess FILE`.\nformat: 1\nstandard: {}\norganization:\ndate:\nassessor:\nanswers:\n",
        s.title,
        s.edition
            .as_deref()
            .map_or(String::new(), |e| format!(", edition {e}")),
        s.id
    );
    let mut last = "";
    for (_, section, c) in s.controls() {
        if section.id != last {
            let _ = writeln!(y, "  # {} {}", section.id, section.title);
            last = &section.id;
        }
        let _ = writeln!(y, "  # {}", c.question);
        let _ = writeln!(y, "  {}: unknown", quoted_key(&c.id));
    }
    y
}

/// A control id as a YAML key (quoted when YAML would read it as something else).
fn quoted_key(id: &str) -> String {
    let plain = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && id.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if plain {
        id.to_string()
    } else {
        format!("{id:?}")
    }
}

/// `sextant assess`.
pub fn assess(args: AssessArgs) -> anyhow::Result<ExitCode> {
    let mut out = anstream::stdout();
    if let Some(name) = &args.start {
        let s = find(name, &args.dir)?;
        write!(out, "{}", blank(&s))?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(file) = &args.file else {
        return Err(InvalidInput("expected an answers file or --start STANDARD".into()).into());
    };
    let (name, text) = read_input(file)?;
    // The standard the answers name (their `standard:` key, in YAML or JSON), before the whole.
    let s = match &args.standard {
        Some(p) => read_standard(p)?,
        None => {
            let id = standard::answers_standard(&name, &text)
                .map_err(|p| InvalidInput(p.render(Some(&text))))?
                .ok_or_else(|| {
                    InvalidInput(format!(
                        "{name}: the answers name no standard: expected a key `standard: ID` (`sextant standards` lists them)"
                    ))
                })?;
            find(&id, &args.dir)?
        }
    };
    let answers = standard::load_answers(&name, &text, &s)
        .map_err(|p| InvalidInput(p.render(Some(&text))))?;
    let scored = standard::score(&s, &answers);
    if args.initiatives {
        let entries: Vec<String> = scored
            .gaps
            .iter()
            .filter_map(|g| {
                let init = standard::remedy_initiative(&s, &g.control, args.goal.as_deref())?;
                Some(format!(
                    "  # {} {} ({}): {}\n  - {}\n",
                    s.id,
                    g.control,
                    g.answer.label().to_lowercase(),
                    g.question,
                    crate::plan_cmds::flow(&init)
                ))
            })
            .collect();
        if entries.is_empty() {
            writeln!(
                out,
                "# No control answered not met or partly has a remedy in {}.",
                s.title
            )?;
        } else {
            writeln!(
                out,
                "# Initiatives that close what {} found missing: paste them under `initiatives:`.",
                s.title
            )?;
            for e in entries {
                write!(out, "{e}")?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    match args.format {
        AssessFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&scored)?)?,
        AssessFormat::Text => write!(out, "{}", report(&s, &scored, &answers, false))?,
        AssessFormat::Markdown => write!(out, "{}", report(&s, &scored, &answers, true))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |v| percent(v, 0))
}

fn report(s: &Standard, r: &Scored, a: &standard::Answers, md: bool) -> String {
    let mut o = String::new();
    let head = format!(
        "{}{}{}{}",
        s.title,
        a.organization
            .as_deref()
            .map_or(String::new(), |x| format!(": {x}")),
        r.date.map_or(String::new(), |d| format!(", {d}")),
        r.assessor
            .as_deref()
            .map_or(String::new(), |x| format!(", assessed by {x}")),
    );
    let _ = writeln!(o, "{}{head}\n", if md { "# " } else { "" });
    let ov = &r.overall;
    let _ = writeln!(
        o,
        "Overall score {}, from {} of the weight answered ({} control{} not known yet, never counted as met or as 0).\n",
        pct(ov.score),
        percent(ov.known, 0),
        ov.unknown,
        if ov.unknown == 1 { "" } else { "s" }
    );
    let mut t = Table::new(&[
        "section", ">score", ">known", ">met", ">partly", ">not met", ">n/a", ">unknown",
    ]);
    for x in &ov.sections {
        t.row(vec![
            format!("{} {}", x.id, x.title),
            pct(x.score),
            percent(x.known, 0),
            x.met.to_string(),
            x.partly.to_string(),
            x.not_met.to_string(),
            x.not_applicable.to_string(),
            x.unknown.to_string(),
        ]);
    }
    table(&mut o, &t, md);
    let _ = writeln!(
        o,
        "\n{}Not met or partly met, the heaviest first\n",
        if md { "## " } else { "" }
    );
    if r.gaps.is_empty() {
        let _ = writeln!(o, "None.");
    } else {
        let mut t = Table::new(&[">weight", "control", "answer", "remedy", "question"]);
        for g in &r.gaps {
            t.row(vec![
                sextant_core::unit::number(g.weight),
                g.control.clone(),
                g.answer.label().to_lowercase(),
                if g.has_remedy { "yes" } else { "-" }.to_string(),
                g.question.clone(),
            ]);
        }
        table(&mut o, &t, md);
        if r.gaps.iter().any(|g| g.has_remedy) {
            let _ = writeln!(
                o,
                "\n`sextant assess FILE --initiatives [--goal ID]` writes the remedies as initiatives for the plan."
            );
        }
    }
    o
}

fn table(o: &mut String, t: &Table, md: bool) {
    if md {
        o.push_str(&t.markdown());
    } else {
        let (h, rows) = t.text();
        let _ = writeln!(o, "{h}");
        for r in rows {
            let _ = writeln!(o, "{r}");
        }
    }
}
