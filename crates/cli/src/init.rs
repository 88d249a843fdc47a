//! `sextant init`: a commented starter plan from an industry template, filled in from flags or
//! from answers on the terminal. Every template is a valid plan (tested).

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::ValueEnum;
use sextant_core::model::Month;
use sextant_core::starter::{self, Details};

use crate::InitArgs;

/// The industries a starter plan exists for.
#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum Industry {
    /// Shops: point of sale, stock, online sales.
    Retail,
    /// Accountants, consultants, agencies: time, billing, client service.
    ProfessionalServices,
    /// Cafés, restaurants, small hotels: bookings and loyalty.
    Hospitality,
    /// Plumbers, electricians, builders: scheduling and quotes.
    Trades,
}

impl Industry {
    /// The same industry in the core's starter plans.
    fn core(self) -> starter::Industry {
        match self {
            Industry::Retail => starter::Industry::Retail,
            Industry::ProfessionalServices => starter::Industry::ProfessionalServices,
            Industry::Hospitality => starter::Industry::Hospitality,
            Industry::Trades => starter::Industry::Trades,
        }
    }
}

/// Fills the industry's starter plan ([`starter::render`]).
pub fn render(industry: Industry, d: &Details) -> String {
    starter::render(industry.core(), d)
}

fn check_currency(c: &str) -> Result<String, String> {
    let c = c.trim().to_uppercase();
    if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(format!(
            "a currency is a three-letter ISO 4217 code such as USD, EUR or GBP, not {c:?}"
        ))
    }
}

fn check_month(s: &str) -> Result<Month, String> {
    Month::parse(s.trim()).ok_or_else(|| {
        format!(
            "a month is written YYYY-MM, e.g. 2027-01, not {:?}",
            s.trim()
        )
    })
}

/// Today's calendar month from the system clock (UTC).
fn this_month() -> Month {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let ((year, month, _), _) =
        sextant_core::calendar::civil_from_seconds(i64::try_from(secs).unwrap_or(0));
    Month::new(year, month).unwrap_or_else(|| Month::new(2027, 1).expect("valid month"))
}

fn ask<T>(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    question: &str,
    default: &str,
    check: impl Fn(&str) -> Result<T, String>,
) -> anyhow::Result<T> {
    loop {
        write!(out, "{question} [{default}]: ")?;
        out.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            bail!("no answer to \"{question}\" (standard input ended)");
        }
        let answer = if line.trim().is_empty() {
            default
        } else {
            line.trim()
        };
        match check(answer) {
            Ok(v) => return Ok(v),
            Err(why) => writeln!(out, "  {why}")?,
        }
    }
}

/// Asks for the details on a terminal (or any reader), offering defaults.
pub fn interview(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    defaults: (&str, Industry, &str, Month),
) -> anyhow::Result<(Industry, Details)> {
    let (name, industry, currency, start) = defaults;
    let name = ask(input, out, "Business name", name, |s| {
        Ok::<_, String>(s.to_string())
    })?;
    let names: Vec<String> = Industry::value_variants()
        .iter()
        .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
        .collect();
    let current = industry
        .to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default();
    let industry = ask(
        input,
        out,
        &format!("Industry ({})", names.join(", ")),
        &current,
        |s| Industry::from_str(s, true).map_err(|_| format!("choose one of: {}", names.join(", "))),
    )?;
    let currency = ask(input, out, "Currency", currency, check_currency)?;
    let start = ask(
        input,
        out,
        "First month of the plan (YYYY-MM)",
        &start.to_string(),
        check_month,
    )?;
    Ok((
        industry,
        Details {
            name,
            currency,
            start,
        },
    ))
}

/// Runs `sextant init`.
pub fn run(args: InitArgs) -> anyhow::Result<ExitCode> {
    let currency =
        check_currency(args.currency.as_deref().unwrap_or("USD")).map_err(anyhow::Error::msg)?;
    let start = match &args.start {
        Some(s) => check_month(s).map_err(anyhow::Error::msg)?,
        None => this_month().plus(1),
    };
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| "My Business".to_string());
    let (industry, details) = if args.interactive {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        interview(
            &mut input,
            &mut std::io::stderr(),
            (&name, args.industry, &currency, start),
        )?
    } else {
        (
            args.industry,
            Details {
                name,
                currency,
                start,
            },
        )
    };
    let text = render(industry, &details);
    // A template that does not validate is a bug in Sextant, not in the user's input.
    if let Err(p) = sextant_core::load_plan("template", &text) {
        bail!("internal error: the {industry:?} template is not a valid plan:\n{p}");
    }
    match &args.output {
        None => print!("{text}"),
        Some(path) => {
            if path.exists() && !args.force {
                bail!(
                    "{} already exists; use --force to overwrite it",
                    path.display()
                );
            }
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "Wrote {}. Next: edit it, then `sextant analyze {}`.",
                path.display(),
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details() -> Details {
        Details {
            name: "Ann's: \"Books\" & Co".into(),
            currency: "EUR".into(),
            start: Month::new(2027, 3).expect("valid"),
        }
    }

    #[test]
    fn every_template_is_a_valid_plan() {
        for &industry in Industry::value_variants() {
            let text = render(industry, &details());
            match sextant_core::load_plan("t.yaml", &text) {
                Ok(plan) => {
                    assert_eq!(plan.doc().organization.name, "Ann's: \"Books\" & Co");
                    assert_eq!(plan.doc().organization.currency, "EUR");
                    assert!(!plan.doc().initiatives.is_empty(), "{industry:?}");
                }
                Err(p) => panic!("{industry:?}:\n{}", p.render(Some(&text))),
            }
        }
    }

    #[test]
    fn every_fiscal_year_of_the_horizon_has_a_budget() {
        // From 2027-03, 24 months reach 2029-02 and 18 months 2028-08: fiscal years 2027 to
        // 2029 (or 2028), each budgeted, so no `budget-period-missing` finding.
        for &industry in Industry::value_variants() {
            let text = render(industry, &details());
            let plan = match sextant_core::load_plan("t.yaml", &text) {
                Ok(plan) => plan,
                Err(p) => panic!("{industry:?}:\n{}", p.render(Some(&text))),
            };
            let periods: Vec<String> = plan
                .doc()
                .constraints
                .budget
                .iter()
                .map(|b| b.period.to_string())
                .collect();
            let expected: &[&str] = if plan.doc().organization.horizon_months == 24 {
                &["2027", "2028", "2029"]
            } else {
                &["2027", "2028"]
            };
            assert_eq!(periods, expected, "{industry:?}");
            let a = sextant_core::analyze(&plan);
            assert!(
                a.findings.iter().all(|f| f.code != "budget-period-missing"),
                "{industry:?}: {:?}",
                a.findings
            );
        }
    }

    #[test]
    fn interview_takes_defaults_and_reasks_on_bad_answers() {
        let answers = "Corner Café\nbakery\nhospitality\neuro\nEUR\n2027-13\n2027-05\n";
        let mut input = std::io::Cursor::new(answers);
        let mut out = Vec::new();
        let start = Month::new(2027, 1).expect("valid");
        let (industry, d) = interview(
            &mut input,
            &mut out,
            ("My Business", Industry::Retail, "USD", start),
        )
        .expect("answers suffice");
        assert_eq!(industry, Industry::Hospitality);
        assert_eq!(d.name, "Corner Café");
        assert_eq!(d.currency, "EUR");
        assert_eq!(d.start.to_string(), "2027-05");
        let shown = String::from_utf8(out).expect("utf-8");
        assert!(
            shown.contains("choose one of: retail, professional-services, hospitality, trades"),
            "{shown}"
        );
        assert!(
            shown.contains(
                "a currency is a three-letter ISO 4217 code such as USD, EUR or GBP, not \"EURO\""
            ),
            "{shown}"
        );
        assert!(
            shown.contains("a month is written YYYY-MM, e.g. 2027-01, not \"2027-13\""),
            "{shown}"
        );
    }

    #[test]
    fn interview_fails_cleanly_when_input_ends() {
        let mut input = std::io::Cursor::new("Shop\n");
        let err = interview(
            &mut input,
            &mut Vec::new(),
            ("x", Industry::Retail, "USD", this_month()),
        )
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "no answer to \"Industry (retail, professional-services, hospitality, trades)\" (standard input ended)"
            )
        );
    }
}
