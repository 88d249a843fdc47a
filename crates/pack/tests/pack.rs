//! The pack read back as a reader reads it: a PDF with its pages, the text of each part, the
//! fonts embedded; the slides 16:9; the same inputs giving the same bytes; the Corner
//! Bookstore's pack on 12 pages or fewer.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use sextant_core::model::Date;
use sextant_pack::{Branding, Format, Inputs, Paper, Part};

fn demo() -> sextant_core::Plan {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/corner-bookstore.yaml"),
    )
    .unwrap();
    sextant_core::load_plan("corner-bookstore.yaml", &text).unwrap()
}

/// The demo's pack data, with all its parts.
fn demo_data(parts: &[Part], paper: Paper) -> (sextant_pack::Data, sextant_ops::summary::Summary) {
    data_of(&demo(), parts, paper, &[], &[])
}

/// A plan's pack data.
fn data_of(
    plan: &sextant_core::Plan,
    parts: &[Part],
    paper: Paper,
    meetings: &[sextant_core::review::Meeting],
    assessments: &[(String, sextant_core::standard::Scored)],
) -> (sextant_pack::Data, sextant_ops::summary::Summary) {
    let plan = plan.clone();
    let analysed = sextant_ops::analyse(&plan, None);
    let roadmap =
        sextant_ops::roadmap(&plan, &sextant_ops::RoadmapRequest::default(), &|| true).roadmap;
    let today = Date::parse("2026-12-04").unwrap();
    let context = sextant_ops::summary::Context {
        today,
        meetings,
        assessments,
        lifecycle: None,
    };
    let m = sextant_ops::summary::summarise(
        &plan,
        &analysed.analysis,
        &analysed.series,
        &roadmap,
        &context,
        &sextant_roadmap::Stop::never(),
    );
    let branding = Branding {
        name: "Harbour IT Partners".into(),
        ..Branding::default()
    };
    let data = sextant_pack::data(&Inputs {
        plan: &plan,
        analysis: &analysed.analysis,
        series: &analysed.series,
        roadmap: &roadmap,
        made: &m,
        context: &context,
        branding: &branding,
        paper,
        parts,
    });
    (data, m.summary)
}

/// A font's character codes and the text each stands for, from its ToUnicode map (the
/// `bfchar` and `bfrange` entries typst writes).
fn to_unicode(doc: &lopdf::Document, font: &lopdf::Dictionary) -> HashMap<u32, String> {
    let mut map = HashMap::new();
    let Ok(r) = font.get(b"ToUnicode").and_then(|o| o.as_reference()) else {
        return map;
    };
    let Ok(stream) = doc.get_object(r).and_then(|o| o.as_stream()) else {
        return map;
    };
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    let text = String::from_utf8_lossy(&bytes);
    let hex = |h: &str| u32::from_str_radix(h.trim_matches(['<', '>']), 16).ok();
    let utf16 = |h: &str| {
        let h = h.trim_matches(['<', '>']);
        let units: Vec<u16> = (0..h.len() / 4)
            .filter_map(|k| u16::from_str_radix(&h[4 * k..4 * k + 4], 16).ok())
            .collect();
        String::from_utf16_lossy(&units)
    };
    let mut mode = "";
    for line in text.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            mode = "char";
        } else if line.ends_with("beginbfrange") {
            mode = "range";
        } else if line.starts_with("end") {
            mode = "";
        } else {
            let parts: Vec<&str> = line.split_whitespace().collect();
            match (mode, parts.as_slice()) {
                ("char", [code, to]) => {
                    if let Some(c) = hex(code) {
                        map.insert(c, utf16(to));
                    }
                }
                ("range", [lo, hi, to]) if to.starts_with('<') => {
                    if let (Some(lo), Some(hi), Some(first)) = (hex(lo), hex(hi), hex(to)) {
                        for (k, c) in (lo..=hi).enumerate() {
                            if let Some(ch) = char::from_u32(first + k as u32) {
                                map.insert(c, ch.to_string());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    map
}

/// The text of every page as a reader extracts it: each page's text operators decoded through
/// the fonts' ToUnicode maps, runs of white space made one space.
fn pages_text(pdf: &[u8]) -> Vec<String> {
    use lopdf::Object;
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    doc.get_pages()
        .values()
        .map(|&page| {
            let fonts: HashMap<Vec<u8>, HashMap<u32, String>> = doc
                .get_page_fonts(page)
                .unwrap_or_default()
                .into_iter()
                .map(|(name, f)| (name, to_unicode(&doc, f)))
                .collect();
            let content = doc.get_and_decode_page_content(page).unwrap();
            let mut out = String::new();
            let mut font: Option<&HashMap<u32, String>> = None;
            let decode = |bytes: &[u8], font: Option<&HashMap<u32, String>>, out: &mut String| {
                if let Some(map) = font {
                    for pair in bytes.chunks(2) {
                        let code = pair.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b));
                        out.push_str(map.get(&code).map_or("", String::as_str));
                    }
                }
            };
            for op in &content.operations {
                match op.operator.as_str() {
                    "Tf" => {
                        font = op
                            .operands
                            .first()
                            .and_then(|o| o.as_name().ok())
                            .and_then(|n| fonts.get(n));
                    }
                    "Tj" | "'" => {
                        if let Some(Object::String(b, _)) = op.operands.first() {
                            decode(b, font, &mut out);
                        }
                    }
                    "TJ" => {
                        if let Some(Object::Array(items)) = op.operands.first() {
                            for it in items {
                                match it {
                                    Object::String(b, _) => decode(b, font, &mut out),
                                    Object::Integer(n) if *n < -200 => out.push(' '),
                                    Object::Real(n) if *n < -200.0 => out.push(' '),
                                    _ => {}
                                }
                            }
                        }
                    }
                    "Td" | "TD" | "T*" | "ET" | "Tm" => out.push(' '),
                    _ => {}
                }
            }
            out.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

#[test]
fn the_demo_pack_is_a_pdf_with_every_part_on_twelve_pages_or_fewer() {
    let (data, summary) = demo_data(&Part::ALL, Paper::A4);
    let pdf = sextant_pack::typeset(&data, Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages = doc.get_pages();
    assert!((3..=12).contains(&pages.len()), "{} pages", pages.len());
    // A4: 595 x 842 points.
    let first = doc.get_object(*pages.values().next().unwrap()).unwrap();
    let media = first
        .as_dict()
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap();
    let w = media[2].as_float().unwrap();
    let h = media[3].as_float().unwrap();
    assert!(
        (w - 595.3).abs() < 1.0 && (h - 841.9).abs() < 1.0,
        "{w} x {h}"
    );

    let text = pages_text(&pdf);
    let all = text.join("\n");
    assert!(text[0].contains("The Corner Bookstore"), "{}", text[0]);
    assert!(text[0].contains("Harbour IT Partners"), "{}", text[0]);
    for heading in [
        "Contents",
        "Executive summary",
        "Goals and how they are doing",
        "Roadmap",
        "Budget",
        "Business cases",
        "What if",
        "Risks",
        "Decisions and actions",
        "Appendix: assumptions",
    ] {
        assert!(all.contains(heading), "no `{heading}` in:\n{all}");
    }
    // The summary's decision, word for word.
    let decision = &summary.decisions[0].text;
    let words: Vec<&str> = decision.split_whitespace().take(8).collect();
    assert!(all.contains(&words.join(" ")), "`{decision}` in:\n{all}");
    // The budget as `sextant budget` and the Budget page give it for 2027: the changes'
    // one-time 4,800 (POS 1,500 + social 300 + e-commerce 3,000), running 1,350 (the systems'
    // 540 and the changes' 810 once live), 6,150 in all against 6,000 set aside.
    assert_eq!(
        data.years.rows[0],
        ["2027", "$4,800", "$1,350", "$6,150", "$6,000"].map(String::from)
    );
    assert!(all.contains("$6,150"), "{all}");
    // The scenarios with the comparison's figures (sextant_ops::what_if; 38,366.68 for the
    // late e-commerce platform, as `sextant compare` gives it), and the hardest in the summary.
    assert_eq!(
        data.what_if_table.rows[2][1..3],
        ["$38,367", "−$14,230"].map(String::from)
    );
    assert!(all.contains("Weak benefits"), "{all}");
    assert!(
        data.summary.iter().any(|b| b
            .lines
            .iter()
            .any(|l| l.starts_with("The hardest of the plan's what-ifs"))),
        "{:?}",
        data.summary
    );
    // The social media work's return, explained rather than shown.
    assert!(all.contains("above 1,000%"), "{all}");
    // Page numbers.
    assert!(
        text[1].contains(&format!("Page 2 of {}", pages.len())),
        "{}",
        text[1]
    );

    // Every font is embedded.
    let mut fonts = 0;
    for (_, obj) in doc.objects.iter() {
        if let Ok(d) = obj.as_dict()
            && d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"FontDescriptor")
        {
            fonts += 1;
            assert!(
                d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"),
                "a font not embedded: {d:?}"
            );
        }
    }
    assert!(fonts > 0);

    // The same inputs, the same bytes.
    assert_eq!(sextant_pack::typeset(&data, Format::Pdf).unwrap(), pdf);
}

#[test]
fn letter_paper_and_chosen_parts() {
    let (data, _) = demo_data(&[Part::Summary, Part::Budget], Paper::Letter);
    let pdf = sextant_pack::typeset(&data, Format::Pdf).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let first = doc
        .get_object(*doc.get_pages().values().next().unwrap())
        .unwrap();
    let media = first
        .as_dict()
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap();
    assert!((media[2].as_float().unwrap() - 612.0).abs() < 1.0);
    assert!((media[3].as_float().unwrap() - 792.0).abs() < 1.0);
    let all = pages_text(&pdf).join("\n");
    assert!(all.contains("Executive summary") && all.contains("By financial year"));
    assert!(
        !all.contains("Business cases") && !all.contains("Appendix"),
        "{all}"
    );
}

#[test]
fn the_slides_are_sixteen_by_nine_with_one_message_each() {
    let (data, summary) = demo_data(&Part::ALL, Paper::A4);
    let pdf = sextant_pack::typeset(&data, Format::Slides).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages = doc.get_pages();
    for id in pages.values() {
        let page = doc.get_object(*id).unwrap();
        let media = page
            .as_dict()
            .unwrap()
            .get(b"MediaBox")
            .unwrap()
            .as_array()
            .unwrap();
        let ratio = media[2].as_float().unwrap() / media[3].as_float().unwrap();
        assert!((ratio - 16.0 / 9.0).abs() < 0.01, "{ratio}");
    }
    let text = pages_text(&pdf);
    // The title, then a slide for each part of the summary, then the charts.
    assert!(text[0].contains("The Corner Bookstore"));
    assert!(
        text.iter().any(|t| t.starts_with("Decisions for you")),
        "{text:?}"
    );
    assert!(text.iter().any(|t| t.starts_with("What if")), "{text:?}");
    assert_eq!(
        text.iter()
            .filter(|t| t.starts_with("Decisions for you"))
            .count(),
        1
    );
    // The title and one slide for each part of the summary at least.
    assert!(pages.len() > summary.sections().len());
}

/// With `SEXTANT_PACK_DUMP=DIR`, the demo's pack and slides are written there for a look.
#[test]
fn dump_for_a_look() {
    let Ok(dir) = std::env::var("SEXTANT_PACK_DUMP") else {
        return;
    };
    let (data, _) = demo_data(&Part::ALL, Paper::A4);
    let dir = std::path::Path::new(&dir);
    std::fs::write(
        dir.join("pack.pdf"),
        sextant_pack::typeset(&data, Format::Pdf).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("slides.pdf"),
        sextant_pack::typeset(&data, Format::Slides).unwrap(),
    )
    .unwrap();
}

/// A plan with nothing scheduled (every budget 1), and one with no goals, risks or systems:
/// both packs typeset, saying what is missing instead of failing.
#[test]
fn plans_with_nothing_scheduled_or_nothing_recorded_still_typeset() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/corner-bookstore.yaml"),
    )
    .unwrap();
    let tight = text
        .replace("amount: 6000", "amount: 1")
        .replace("amount: 4000", "amount: 1");
    let plan = sextant_core::load_plan("tight.yaml", &tight).unwrap();
    let (data, _) = data_of(&plan, &Part::ALL, Paper::A4, &[], &[]);
    for format in [Format::Pdf, Format::Slides] {
        let pdf = sextant_pack::typeset(&data, format).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
    let all = pages_text(&sextant_pack::typeset(&data, Format::Pdf).unwrap()).join("\n");
    assert!(
        all.contains("No roadmap fits the plan's budgets and limits")
            || all.contains("The roadmap schedules no change"),
        "{all}"
    );
    assert!(
        all.contains("Not simulated: the roadmap schedules no change."),
        "{all}"
    );

    let bare = sextant_core::load_plan(
        "bare.yaml",
        "version: 1\norganization: {name: Bare, currency: EUR, start: 2027-01, horizon_months: 12, discount_rate: 0.05}\n",
    )
    .unwrap();
    let (data, _) = data_of(&bare, &Part::ALL, Paper::Letter, &[], &[]);
    let all = pages_text(&sextant_pack::typeset(&data, Format::Pdf).unwrap()).join("\n");
    assert!(all.contains("Bare"), "{all}");
    assert!(sextant_pack::typeset(&data, Format::Slides).is_ok());
}

/// The pack records what the client answered: the latest answer about each change and the
/// budget, with who, when, the comment and what was shown, in the document's decisions and on
/// a slide.
#[test]
fn the_pack_records_the_clients_answers() {
    use sextant_core::review::{About, Answer, Meeting, Verdict};
    let day = |s: &str| Date::parse(s).unwrap();
    let meetings = vec![Meeting {
        id: "autumn".into(),
        date: day("2026-10-20"),
        title: "Autumn review".into(),
        decisions: Vec::new(),
        actions: Vec::new(),
        seen: Vec::new(),
        answers: vec![
            Answer {
                about: About::Initiative,
                initiative: Some("pos".into()),
                verdict: Verdict::Approved,
                by: "Sarah".into(),
                on: day("2026-10-22"),
                comment: Some("Go ahead".into()),
                shown: Some("Starts January 2027; $1,500 to set up, then $720 a year.".into()),
            },
            Answer {
                about: About::Budget,
                initiative: None,
                verdict: Verdict::Declined,
                by: "Sarah".into(),
                on: day("2026-10-23"),
                comment: None,
                shown: None,
            },
        ],
    }];
    let (data, _) = data_of(&demo(), &Part::ALL, Paper::A4, &meetings, &[]);
    assert_eq!(
        data.answers.rows,
        [
            vec![
                "Point-of-sale system with inventory management (Starts January 2027; $1,500 to set up, then $720 a year)".to_string(),
                "Approved".into(),
                "Sarah".into(),
                "22 October 2026".into(),
                "Go ahead".into(),
            ],
            vec![
                "The budget".to_string(),
                "Declined".into(),
                "Sarah".into(),
                "23 October 2026".into(),
                String::new(),
            ],
        ]
    );
    let text = pages_text(&sextant_pack::typeset(&data, Format::Pdf).unwrap()).join("\n");
    assert!(text.contains("Your answers"), "{text}");
    assert!(text.contains("22 October 2026"), "{text}");
    let slides = pages_text(&sextant_pack::typeset(&data, Format::Slides).unwrap());
    assert!(
        slides.iter().any(|t| t.starts_with("Your answers")),
        "{slides:?}"
    );
}

/// The goals' KPIs drawn by month with the forecast towards each target, as the KPI pages draw
/// them: one chart for each of the demo's six goals, captioned, each an SVG of the report's
/// own line chart with its forecast and target.
#[test]
fn the_goals_part_draws_each_kpi_with_its_forecast() {
    let (data, _) = demo_data(&Part::ALL, Paper::A4);
    assert_eq!(data.kpi_charts.len(), 6);
    assert_eq!(
        data.kpi_charts[0].caption,
        "Online revenue by month, with the forecast (dashed) and its 80% range (shaded); the level line is the target of “Increase online sales revenue by 15% in the fiscal year”, $76,667."
    );
    let svg = &data
        .charts
        .iter()
        .find(|(p, _)| *p == data.kpi_charts[0].path)
        .unwrap()
        .1;
    assert!(svg.contains("Forecast"), "{svg}");
    assert!(svg.contains("Target by December 2027"), "{svg}");
    let text = pages_text(&sextant_pack::typeset(&data, Format::Pdf).unwrap()).join("\n");
    assert!(
        text.contains("Online revenue by month, with the forecast"),
        "{text}"
    );
}

/// A logo is drawn once when it is given: an SVG that is not well-formed, or a PNG whose
/// header is all there is, is refused then, saying so; a good one is taken.
#[test]
fn a_logo_that_cannot_be_drawn_is_refused_when_given() {
    let good = br##"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><rect width="4" height="2" fill="#123456"/></svg>"##;
    assert_eq!(
        sextant_pack::Logo::checked(good.to_vec()).unwrap().kind,
        "svg"
    );
    let e =
        sextant_pack::Logo::checked(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect".to_vec())
            .unwrap_err();
    assert!(
        e.starts_with("expected an SVG image that can be drawn, found one that cannot: "),
        "{e}"
    );
    let e = sextant_pack::Logo::checked(b"\x89PNG\r\n\x1a\nnothing more".to_vec()).unwrap_err();
    assert!(
        e.starts_with("expected a PNG image that can be drawn, found one that cannot: "),
        "{e}"
    );
}

/// The assessments' trend: each against the one before it of the same standard, in points
/// (54% in March, 61% in September: up 7 points), the first saying so.
#[test]
fn assessments_show_their_trend() {
    use sextant_core::standard::{Score, Scored};
    let scored = |date: &str, score: f64| Scored {
        standard: "nist-csf-2.0".into(),
        title: "NIST CSF 2.0".into(),
        date: Date::parse(date),
        assessor: None,
        overall: Score {
            id: String::new(),
            title: String::new(),
            score: Some(score),
            known: 1.0,
            met: 0,
            partly: 0,
            not_met: 0,
            not_applicable: 0,
            unknown: 0,
            sections: Vec::new(),
        },
        gaps: Vec::new(),
    };
    let assessments = vec![
        ("march".to_string(), scored("2026-03-10", 0.54)),
        ("september".to_string(), scored("2026-09-10", 0.61)),
    ];
    let (data, _) = data_of(&demo(), &Part::ALL, Paper::A4, &[], &assessments);
    let rows: Vec<(&str, &str)> = data
        .assessments
        .rows
        .iter()
        .map(|r| (r[2].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(rows, [("61%", "up 7 points"), ("54%", "the first")]);
}

/// "Pays back" counts from the month the change's work starts, as its own page counts it
/// (the business case's month is counted from the plan's first): each row's months are the
/// case's payback month less its start month.
#[test]
fn payback_is_counted_from_the_month_work_starts() {
    let (data, _) = demo_data(&Part::ALL, Paper::A4);
    let plan = demo();
    let an = sextant_ops::analyse(&plan, None).analysis;
    let col = data
        .cases
        .header
        .iter()
        .position(|h| h == "Pays back")
        .unwrap();
    let mut checked = 0;
    for row in &data.cases.rows {
        let case = &an
            .initiatives
            .iter()
            .find(|x| x.title == row[0])
            .unwrap()
            .case;
        if let Some(m) = case.payback_month {
            let after = m - case.start_month;
            let want = if after == 1 {
                "1 month after it starts".to_string()
            } else {
                format!("{after} months after it starts")
            };
            assert_eq!(row[col], want, "{}", row[0]);
            checked += 1;
        }
    }
    assert!(checked >= 3, "{checked}");
}
