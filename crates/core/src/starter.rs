//! Starter plans: one commented plan file per industry, filled in with the business's name,
//! currency and first month. `sextant init` writes one; the pages' guided start stores one and
//! walks the owner through it. Every template is a valid plan (tested in the CLI's `init`).

use crate::model::Month;

/// The industries a starter plan exists for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
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
    /// Every industry, in the order offered.
    pub const ALL: [Industry; 4] = [
        Industry::Retail,
        Industry::ProfessionalServices,
        Industry::Hospitality,
        Industry::Trades,
    ];

    /// Its name as the plan file writes it (`professional-services`).
    pub fn name(self) -> &'static str {
        match self {
            Industry::Retail => "retail",
            Industry::ProfessionalServices => "professional-services",
            Industry::Hospitality => "hospitality",
            Industry::Trades => "trades",
        }
    }

    /// In words, as people are shown it.
    pub fn label(self) -> &'static str {
        match self {
            Industry::Retail => "Retail: a shop",
            Industry::ProfessionalServices => {
                "Professional services: accountants, consultants, agencies"
            }
            Industry::Hospitality => "Hospitality: cafés, restaurants, small hotels",
            Industry::Trades => "Trades: plumbers, electricians, builders",
        }
    }

    /// The industry named `s` (its name, any case).
    pub fn parse(s: &str) -> Option<Industry> {
        Industry::ALL
            .into_iter()
            .find(|i| i.name().eq_ignore_ascii_case(s.trim()))
    }

    /// The template's text, with `{{name}}`-style holes.
    pub fn template(self) -> &'static str {
        match self {
            Industry::Retail => include_str!("../templates/retail.yaml"),
            Industry::ProfessionalServices => {
                include_str!("../templates/professional-services.yaml")
            }
            Industry::Hospitality => include_str!("../templates/hospitality.yaml"),
            Industry::Trades => include_str!("../templates/trades.yaml"),
        }
    }
}

/// The details a template is filled with.
#[derive(Debug, Clone)]
pub struct Details {
    /// Business name.
    pub name: String,
    /// ISO 4217 code.
    pub currency: String,
    /// First month of the plan.
    pub start: Month,
}

/// Fills a template. The name is written as a quoted YAML string so any text is safe.
///
/// Templates budget the first fiscal year and the next; when the horizon reaches into later
/// fiscal years, each of those gets the next year's amount too, so that no month of the
/// horizon is left without a budget (which would leave its spend unlimited).
pub fn render(industry: Industry, d: &Details) -> String {
    let quoted = serde_json::to_string(&d.name).unwrap_or_else(|_| "\"My business\"".into());
    let template = industry.template();
    let number_after = |key: &str| -> Option<u32> {
        let rest = &template[template.find(key)? + key.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    let horizon = number_after("horizon_months: ").unwrap_or(24).max(1);
    let fiscal_start = number_after("fiscal_year_start: ")
        .unwrap_or(1)
        .clamp(1, 12);
    let fiscal_year = |m: Month| {
        if m.month() >= fiscal_start {
            m.year()
        } else {
            m.year() - 1
        }
    };
    let (first, last) = (
        fiscal_year(d.start),
        fiscal_year(d.start.plus(horizon as i32 - 1)),
    );
    let next_line = "    - {period: {{next_year}}, amount: ";
    let mut text = template.to_string();
    if let Some(at) = text.find(next_line) {
        let end = text[at..].find('\n').map_or(text.len(), |e| at + e + 1);
        let line = text[at..end].to_string();
        let later: String = (first + 2..=last)
            .map(|y| line.replace("{{next_year}}", &y.to_string()))
            .collect();
        text.insert_str(end, &later);
    }
    text.replace("{{name}}", &quoted)
        .replace("{{currency}}", &d.currency)
        .replace("{{start}}", &d.start.to_string())
        .replace("{{due}}", &d.start.plus(11).to_string())
        .replace("{{year}}", &first.to_string())
        .replace("{{next_year}}", &(first + 1).to_string())
}
