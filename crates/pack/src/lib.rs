//! The quarterly review pack: what a consultant hands a client's owner at a review, as a PDF
//! document (A4 or Letter: a cover with the client's name, the date and who prepared it, a
//! table of contents, page numbers, the consultant's name, colour and logo) and as 16:9 slides
//! for the meeting (one message a slide).
//!
//! The pack is typeset by typst used as a library (the `world` module): a template of this crate
//! (`templates/pack.typ`, `templates/slides.typ`) lays out the pack's data, which is written
//! here as JSON ([`Data`]) with every figure already in words and rounded as the pages write
//! it, and the charts the pages draw (`sextant_report::plan_charts`) as vector SVG. Nothing is
//! computed here: the summary is `sextant_ops::summary`, the budget `sextant_ops::budget`, the
//! roadmap and simulation the ones the caller kept, so a figure in the pack is the one the
//! pages show.

mod data;
mod world;

use std::fmt;

pub use data::{Block, Data, Inputs, Table, data};

/// The PDF engine's template of the document.
const DOCUMENT: &str = include_str!("../templates/pack.typ");
/// The PDF engine's template of the slides.
const SLIDES: &str = include_str!("../templates/slides.typ");

/// What to typeset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The document, portrait.
    Pdf,
    /// The deck: 16:9 pages, one message each.
    Slides,
}

/// The paper of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    /// 210 x 297 mm.
    #[default]
    A4,
    /// 8.5 x 11 in.
    Letter,
}

impl Paper {
    /// Reads `a4` or `letter` (any case).
    pub fn parse(s: &str) -> Option<Paper> {
        match s.trim().to_ascii_lowercase().as_str() {
            "a4" => Some(Paper::A4),
            "letter" | "us-letter" => Some(Paper::Letter),
            _ => None,
        }
    }

    fn typst(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "us-letter",
        }
    }
}

/// The parts of a pack, in the order they appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// The executive summary.
    Summary,
    /// Goals and their measures.
    Goals,
    /// The roadmap (its chart and the changes).
    Roadmap,
    /// The budget by year and by quarter.
    Budget,
    /// The business cases and their uncertainty.
    Cases,
    /// The plan's scenarios (what if the budget is cut, costs overrun, a change starts late).
    Scenarios,
    /// The risks (heat map and register).
    Risks,
    /// Assessment scores.
    Assessments,
    /// Devices and software going out of warranty or support.
    Lifecycle,
    /// Decisions and actions from the reviews.
    Reviews,
    /// The assumptions.
    Appendix,
}

impl Part {
    /// Every part, in order.
    pub const ALL: [Part; 11] = [
        Part::Summary,
        Part::Goals,
        Part::Roadmap,
        Part::Budget,
        Part::Cases,
        Part::Scenarios,
        Part::Risks,
        Part::Assessments,
        Part::Lifecycle,
        Part::Reviews,
        Part::Appendix,
    ];

    /// Its name in a list (`summary`, `goals`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Part::Summary => "summary",
            Part::Goals => "goals",
            Part::Roadmap => "roadmap",
            Part::Budget => "budget",
            Part::Cases => "cases",
            Part::Scenarios => "scenarios",
            Part::Risks => "risks",
            Part::Assessments => "assessments",
            Part::Lifecycle => "lifecycle",
            Part::Reviews => "reviews",
            Part::Appendix => "appendix",
        }
    }

    /// Reads a comma-separated list of parts (`summary,roadmap,budget`); an empty list is
    /// every part. The error names the first unknown one and the ones there are.
    pub fn list(s: &str) -> Result<Vec<Part>, String> {
        let mut out = Vec::new();
        for w in s.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let p = Part::ALL
                .iter()
                .find(|p| p.name().eq_ignore_ascii_case(w))
                .ok_or_else(|| {
                    format!(
                        "expected parts among {}, found `{}`",
                        Part::ALL.map(Part::name).join(", "),
                        w.chars().take(40).collect::<String>()
                    )
                })?;
            if !out.contains(p) {
                out.push(*p);
            }
        }
        if out.is_empty() {
            out = Part::ALL.to_vec();
        }
        out.sort();
        Ok(out)
    }
}

/// Who prepared the pack: shown on the cover and at the foot of each page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branding {
    /// The consultant's or firm's name.
    pub name: String,
    /// The brand colour, `#RRGGBB`.
    pub colour: String,
    /// A logo (PNG, JPEG or SVG bytes), if any.
    pub logo: Option<Logo>,
}

/// A logo image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// `png`, `jpg` or `svg`.
    pub kind: &'static str,
}

impl Logo {
    /// The logo in `bytes`, by what they hold (PNG, JPEG or SVG), or why not.
    pub fn read(bytes: Vec<u8>) -> Result<Logo, String> {
        let kind = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "png"
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            "jpg"
        } else if std::str::from_utf8(&bytes[..bytes.len().min(512)])
            .is_ok_and(|t| t.contains("<svg"))
        {
            "svg"
        } else {
            return Err("expected a PNG, JPEG or SVG image".into());
        };
        if bytes.len() > MAX_LOGO {
            return Err(format!(
                "expected a logo of at most {} KiB, found {} KiB",
                MAX_LOGO / 1024,
                bytes.len().div_ceil(1024)
            ));
        }
        Ok(Logo { bytes, kind })
    }

    /// [`Logo::read`], and the image drawn once by the typesetter, so that an image that only
    /// looks like one (a broken PNG, an SVG that is not well-formed) is refused when it is
    /// given, not when a pack is made.
    pub fn checked(bytes: Vec<u8>) -> Result<Logo, String> {
        let logo = Logo::read(bytes)?;
        let path = format!("/logo.{}", logo.kind);
        let world = world::Pack::new(
            &format!("#image(\"{path}\", width: 2cm)"),
            vec![(path, logo.bytes.clone())],
            (2026, 1, 1),
        )
        .ok_or_else(|| "the logo has no valid path".to_string())?;
        let drawn = typst::compile::<typst_layout::PagedDocument>(&world).output;
        typst::comemo::evict(0);
        drawn.map_err(|errors| {
            format!(
                "expected {} {} image that can be drawn, found one that cannot: {}",
                if logo.kind == "svg" { "an" } else { "a" },
                logo.kind.to_uppercase(),
                errors
                    .iter()
                    .map(|e| e.message.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })?;
        Ok(logo)
    }
}

/// The largest logo taken.
pub const MAX_LOGO: usize = 1024 * 1024;

impl Default for Branding {
    fn default() -> Self {
        Branding {
            name: "Sextant".into(),
            colour: "#1F4E79".into(),
            logo: None,
        }
    }
}

/// Reads a colour `#RRGGBB` (or `RRGGBB`), as the pack writes it.
pub fn colour(s: &str) -> Result<String, String> {
    let t = s.trim().trim_start_matches('#');
    if t.len() == 6 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(format!("#{}", t.to_ascii_uppercase()))
    } else {
        Err(format!(
            "expected a colour as #RRGGBB (e.g. #1F4E79), found `{}`",
            s.chars().take(40).collect::<String>()
        ))
    }
}

/// Why a pack was not typeset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError(pub String);

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the pack could not be typeset: {}", self.0)
    }
}

impl std::error::Error for PackError {}

/// Typesets `data` as a PDF document or as slides.
pub fn typeset(data: &Data, format: Format) -> Result<Vec<u8>, PackError> {
    let json = serde_json::to_vec(data).map_err(|e| PackError(e.to_string()))?;
    let mut files = vec![("/data.json".to_string(), json)];
    for (path, svg) in &data.charts {
        files.push((path.clone(), svg.as_bytes().to_vec()));
    }
    if let (Some(path), Some(logo)) = (&data.logo, &data.logo_bytes) {
        files.push((path.clone(), logo.clone()));
    }
    let template = match format {
        Format::Pdf => DOCUMENT,
        Format::Slides => SLIDES,
    };
    let world = world::Pack::new(template, files, data.day)
        .ok_or_else(|| PackError("a file of the pack has no valid path".into()))?;
    let doc = typst::compile::<typst_layout::PagedDocument>(&world)
        .output
        .map_err(|errors| {
            PackError(
                errors
                    .iter()
                    .map(|e| e.message.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(format!("{}-{}", data.client, data.date)),
        creator: typst::foundations::Smart::Custom(Some("Sextant".into())),
        ..typst_pdf::PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&doc, &options);
    // The typesetter keeps what it worked out for the next compile; a server would keep every
    // pack's, so it forgets them after each (the fonts stay, read once).
    typst::comemo::evict(0);
    pdf.map_err(|errors| {
        PackError(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parts_read_from_a_list() {
        assert_eq!(
            Part::list("budget, summary").unwrap(),
            [Part::Summary, Part::Budget]
        );
        assert_eq!(Part::list("").unwrap(), Part::ALL.to_vec());
        assert_eq!(
            Part::list("summary,gantt").unwrap_err(),
            "expected parts among summary, goals, roadmap, budget, cases, scenarios, risks, assessments, lifecycle, reviews, appendix, found `gantt`"
        );
    }

    #[test]
    fn colours_and_logos_are_checked() {
        assert_eq!(colour("#1f4e79").unwrap(), "#1F4E79");
        assert_eq!(colour("00AA11").unwrap(), "#00AA11");
        assert!(colour("blue").unwrap_err().contains("found `blue`"));
        assert_eq!(
            Logo::read(b"\x89PNG\r\n\x1a\nrest".to_vec()).unwrap().kind,
            "png"
        );
        assert_eq!(
            Logo::read(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec())
                .unwrap()
                .kind,
            "svg"
        );
        assert_eq!(
            Logo::read(b"GIF89a".to_vec()).unwrap_err(),
            "expected a PNG, JPEG or SVG image"
        );
        assert!(Paper::parse("Letter") == Some(Paper::Letter) && Paper::parse("a5").is_none());
    }
}
