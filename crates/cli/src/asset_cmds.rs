//! `sextant assets`: an asset list (CSV or XLSX, the exports of RMM and PSA tools, Intune or a
//! spreadsheet) read against the table of ends of support: the warnings (out of warranty, out
//! of support or soon, past the replacement age), the replacement forecast by fiscal quarter
//! and year, and the hardware refresh initiative that replaces what falls due next.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use sextant_core::asset::{self, Asset, EndOfSupport, Lifecycle};
use sextant_core::model::Date;
use sextant_ingest::{Options, Source};

use crate::table::Table;
use crate::{InvalidInput, read_input};

/// Output format of `sextant assets`.
#[derive(Clone, Copy, ValueEnum)]
pub enum AssetsFormat {
    /// A readable report.
    Text,
    /// The warnings and the forecast as JSON, for scripts.
    Json,
    /// The assets as imported (the register's JSON form), to check a file's columns.
    Assets,
}

/// Options of `sextant assets`.
#[derive(Args)]
pub struct AssetsArgs {
    /// The asset list (CSV or XLSX; `-` reads CSV from standard input).
    file: PathBuf,
    /// A plan file: its `organization.lifecycle` sets the replacement ages and prices, its
    /// fiscal year the forecast's periods, and `--refresh` is dated from its start.
    #[arg(long)]
    plan: Option<PathBuf>,
    /// The day to judge on, `YYYY-MM-DD` (default: today).
    #[arg(long, value_parser = day)]
    today: Option<Date>,
    /// Fiscal years of forecast (1 to 10).
    #[arg(long, default_value_t = 3, value_parser = years)]
    years: u32,
    /// A table of ends of support of your own (the format of crates/core/data/end-of-life.yaml);
    /// `SEXTANT_END_OF_LIFE` names one too. Default: the shipped table.
    #[arg(long = "end-of-life")]
    end_of_life: Option<PathBuf>,
    /// Instead of the report, the hardware refresh initiative for what falls due within 12
    /// months, as an entry to paste under `initiatives:`.
    #[arg(long)]
    refresh: bool,
    /// Column mapping for headers not recognised: `field=Header`, e.g. `warranty_end=Cover until`.
    #[arg(long = "map", value_name = "FIELD=HEADER")]
    map: Vec<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = AssetsFormat::Text)]
    format: AssetsFormat,
}

pub fn day(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("expected a day YYYY-MM-DD, found {s:?}"))
}

fn years(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(y) if (1..=10).contains(&y) => Ok(y),
        _ => Err(format!("expected 1 to 10 years, found {s:?}")),
    }
}

/// Today (UTC).
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_days((secs / 86_400) as i32)
}

/// The table of ends of support: the file given, else `SEXTANT_END_OF_LIFE`, else the shipped.
pub fn table(path: Option<&PathBuf>) -> anyhow::Result<EndOfSupport> {
    let path = path
        .cloned()
        .or_else(|| std::env::var_os("SEXTANT_END_OF_LIFE").map(PathBuf::from));
    match path {
        Some(p) => {
            let (name, text) = read_input(&p)?;
            asset::load_end_of_support(&name, &text)
                .map_err(|e| InvalidInput(e.render(Some(&text))).into())
        }
        None => Ok(asset::shipped_end_of_support().clone()),
    }
}

/// `sextant assets`.
pub fn assets(args: AssetsArgs) -> anyhow::Result<ExitCode> {
    let mut opts = Options::default();
    for m in &args.map {
        let Some((field, header)) = m.split_once('=') else {
            return Err(InvalidInput(format!(
                "--map {m}: expected FIELD=HEADER, e.g. warranty_end=\"Cover until\""
            ))
            .into());
        };
        opts.map
            .push((field.trim().to_string(), header.trim().to_string()));
    }
    let source = Source::path(&args.file);
    let name = args.file.display().to_string();
    let (list, _) = sextant_ingest::assets::read_assets(source, &opts)
        .map_err(|e| InvalidInput(format!("{name}: {e}")))?;
    let plan = args.plan.as_deref().map(crate::load).transpose()?;
    let org = plan.as_ref().map(|p| &p.doc().organization);
    let policy = org.and_then(|o| o.lifecycle.clone()).unwrap_or_default();
    let fys = org.map_or(1, |o| o.fiscal_year_start);
    let today = args.today.unwrap_or_else(today);
    let table = table(args.end_of_life.as_ref())?;
    let lc = asset::lifecycle(&list, &table, &policy, today, fys, args.years);
    let mut out = anstream::stdout();
    if args.refresh {
        let (earliest, last) = asset::refresh_window(org, today);
        match asset::refresh_initiative(&lc, &policy, earliest, last) {
            Some(init) => {
                writeln!(
                    out,
                    "# The hardware refresh from `sextant assets --refresh`: paste it under `initiatives:`.\n  - {}",
                    crate::plan_cmds::flow(&init)
                )?;
            }
            None => writeln!(
                out,
                "# Nothing falls due within 12 months of {}: no refresh is needed.",
                asset::long_date(today)
            )?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    match args.format {
        AssetsFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&lc)?)?,
        AssetsFormat::Assets => writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?,
        AssetsFormat::Text => write!(
            out,
            "{}",
            text(&list, &lc, org.map_or("", |o| o.currency.as_str()))
        )?,
    }
    Ok(ExitCode::SUCCESS)
}

fn text(list: &[Asset], lc: &Lifecycle, currency: &str) -> String {
    let money = |x: f64| sextant_core::unit::money(x, currency);
    let mut s = String::new();
    let t = &lc.totals;
    let _ = writeln!(
        s,
        "{} assets on {}: {} out of warranty, {} without security updates, {} need attention within {} months; {} due for replacement within 12 months ({}).",
        t.assets,
        asset::long_date(lc.today),
        t.out_of_warranty,
        t.unsupported,
        t.attention,
        lc.warn_months,
        t.due_12_months,
        money(t.cost_12_months)
    );
    if !lc.warnings.is_empty() {
        let _ = writeln!(s, "\nWarnings");
        for w in &lc.warnings {
            let _ = writeln!(s, "  {}", w.message);
        }
    }
    let _ = writeln!(s, "\nReplacements by fiscal year");
    let mut tbl = Table::new(&["year", ">count", ">cost"]);
    for d in &lc.years {
        tbl.row(vec![d.period.clone(), d.count.to_string(), money(d.cost)]);
    }
    let (h, rows) = tbl.text();
    let _ = writeln!(s, "{h}");
    for r in rows {
        let _ = writeln!(s, "{r}");
    }
    let _ = writeln!(s, "\nReplacements by fiscal quarter");
    let mut tbl = Table::new(&["quarter", ">count", ">cost"]);
    for d in &lc.quarters {
        tbl.row(vec![d.period.clone(), d.count.to_string(), money(d.cost)]);
    }
    let (h, rows) = tbl.text();
    let _ = writeln!(s, "{h}");
    for r in rows {
        let _ = writeln!(s, "{r}");
    }
    if !lc.timeline.is_empty() {
        let _ = writeln!(s, "\nEnds of support");
        for e in &lc.timeline {
            let _ = writeln!(
                s,
                "  {} {}: {} ({} {})",
                if e.passed { "ended" } else { "ends " },
                asset::long_date(e.ends),
                e.product,
                e.assets,
                if e.assets == 1 { "asset" } else { "assets" }
            );
        }
    }
    let unknown = list.iter().filter(|a| a.purchased.is_none()).count();
    if unknown > 0 {
        let _ = writeln!(
            s,
            "\n{unknown} assets have no purchase date: their age, and their replacement by age, are not known."
        );
    }
    let _ = writeln!(s, "\nDates of support: {}.", lc.table);
    s
}
