//! Every chart is well-formed standalone SVG for normal, empty and hostile input, and the
//! geometry that matters (a target on its axis, a Gantt bar in its month, risk colours) is
//! where it should be.

use expect_test::expect;
use proptest::prelude::*;
use sextant_core::model::{Quadrant, Ring};
use sextant_core::unit::{Measure, Unit};
use sextant_report::chart::*;
use sextant_report::format::{self, nice_ticks};

const HOSTILE: &str = "<script>&\"'</script>";

fn usd() -> Measure {
    Measure::money("USD")
}

/// Parses the chart and checks what every chart promises: the root's attributes, a title and
/// a description with the ids it points at, no NaN or infinity anywhere, no style sheet or
/// script. Returns the document's text for further checks.
fn check(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(root.attribute("class"), Some("chart"));
    let vb = root.attribute("viewBox").unwrap_or_default();
    assert!(vb.starts_with("0 0 720 "), "{vb}");
    let ids = root.attribute("aria-labelledby").unwrap_or_default();
    let ids: Vec<&str> = ids.split(' ').collect();
    assert_eq!(ids.len(), 2);
    let title = doc
        .descendants()
        .find(|n| n.attribute("id") == Some(ids[0]))
        .unwrap_or_else(|| panic!("no {}", ids[0]));
    assert_eq!(title.tag_name().name(), "title");
    let desc = doc
        .descendants()
        .find(|n| n.attribute("id") == Some(ids[1]))
        .unwrap_or_else(|| panic!("no {}", ids[1]));
    assert_eq!(desc.tag_name().name(), "desc");
    assert!(!desc.text().unwrap_or_default().is_empty());
    for n in doc.descendants() {
        assert!(
            !matches!(n.tag_name().name(), "script" | "style" | "foreignObject"),
            "{}",
            n.tag_name().name()
        );
        for a in n.attributes() {
            let v = a.value();
            assert!(!v.contains("NaN") && !v.contains("inf"), "{}={v}", a.name());
        }
    }
    doc
}

fn title_text(doc: &roxmltree::Document) -> String {
    doc.root_element()
        .children()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .to_owned()
}

fn num(n: &roxmltree::Node, attr: &str) -> f64 {
    n.attribute(attr)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

fn by_class<'a>(doc: &'a roxmltree::Document, class: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|w| w == class))
        })
        .collect()
}

fn says_no_data(doc: &roxmltree::Document) -> bool {
    !by_class(doc, "no-data").is_empty()
}

fn line_chart() -> Line {
    Line {
        title: "Monthly sales".into(),
        labels: (1..=12).map(|m| format!("2025-{m:02}")).collect(),
        series: vec![
            Series {
                name: "Sales".into(),
                values: vec![
                    Some(9_800.0),
                    Some(10_200.0),
                    None,
                    Some(11_000.0),
                    Some(10_500.0),
                    Some(12_000.0),
                    Some(7_000.0),
                    Some(12_400.0),
                    Some(12_900.0),
                    None,
                    None,
                    None,
                ],
                dashed: false,
            },
            Series {
                name: "Forecast".into(),
                values: [None; 8]
                    .into_iter()
                    .chain([
                        Some(12_900.0),
                        Some(13_100.0),
                        Some(13_300.0),
                        Some(13_600.0),
                    ])
                    .collect(),
                dashed: true,
            },
        ],
        band: Some(Band {
            name: "80% interval".into(),
            lower: [None; 8]
                .into_iter()
                .chain([
                    Some(12_900.0),
                    Some(12_000.0),
                    Some(11_800.0),
                    Some(11_500.0),
                ])
                .collect(),
            upper: [None; 8]
                .into_iter()
                .chain([
                    Some(12_900.0),
                    Some(14_200.0),
                    Some(14_800.0),
                    Some(15_600.0),
                ])
                .collect(),
        }),
        target: Some(Target {
            label: "Target".into(),
            value: 15_000.0,
        }),
        marks: vec![Mark {
            index: 6,
            label: "Unusually low".into(),
        }],
        unit: usd(),
    }
}

fn bars_chart() -> Bars {
    Bars {
        stacked: false,
        title: "Spend by fiscal year".into(),
        labels: vec!["FY2025".into(), "FY2026".into(), "FY2027".into()],
        series: vec![BarSeries {
            name: "Planned spend".into(),
            values: vec![8_000.0, 14_500.0, -2_000.0],
        }],
        limits: Some(Limits {
            name: "Budget".into(),
            values: vec![Some(10_000.0), Some(12_000.0), None],
        }),
        unit: usd(),
    }
}

fn gantt_chart() -> Gantt {
    Gantt {
        title: "Roadmap".into(),
        months: (1..=12).map(|m| format!("2025-{m:02}")).collect(),
        phases: vec![
            Span {
                label: "Quick wins".into(),
                start: 0,
                end: 3,
            },
            Span {
                label: "Foundations".into(),
                start: 3,
                end: 12,
            },
        ],
        rows: vec![
            GanttRow {
                label: "Online store".into(),
                start: 3,
                months: 4,
                kind: "explore".into(),
                note: Some("Needs the new POS first".into()),
                after: vec![1],
            },
            GanttRow {
                label: "Cloud backup".into(),
                start: 0,
                months: 2,
                kind: "exploit".into(),
                note: None,
                after: Vec::new(),
            },
            GanttRow {
                label: "Go-live review".into(),
                start: 8,
                months: 0,
                kind: "milestone".into(),
                note: None,
                after: vec![0],
            },
        ],
        today: Some(4.5),
    }
}

fn frontier_chart() -> Frontier {
    Frontier {
        title: "Value by budget".into(),
        points: vec![
            FrontierPoint {
                x: 20_000.0,
                y: 61_000.0,
                label: "$20k".into(),
                current: false,
            },
            FrontierPoint {
                x: 5_000.0,
                y: 12_000.0,
                label: "$5k".into(),
                current: false,
            },
            FrontierPoint {
                x: 10_000.0,
                y: 40_000.0,
                label: "Plan".into(),
                current: true,
            },
        ],
        x_name: "Budget".into(),
        y_name: "NPV".into(),
        x_unit: usd(),
        y_unit: usd(),
    }
}

fn heat_chart() -> HeatMap {
    HeatMap {
        title: "Risks".into(),
        cells: vec![
            HeatCell {
                likelihood: 5,
                impact: 5,
                labels: vec!["R1".into()],
            },
            HeatCell {
                likelihood: 1,
                impact: 1,
                labels: vec!["R2".into(), "R3".into()],
            },
            HeatCell {
                likelihood: 3,
                impact: 2,
                labels: (4..10).map(|i| format!("R{i}")).collect(),
            },
        ],
    }
}

fn scurve_chart() -> SCurve {
    SCurve {
        title: "NPV over 1,000 runs".into(),
        values: (0..1000)
            .map(|i| (f64::from(i) * 7.0).sin() * 10_000.0 + 20_000.0)
            .collect(),
        unit: usd(),
        marks: vec![(12_000.0, "P10".into()), (20_000.0, "P50".into())],
        quantiles_of: None,
    }
}

fn tornado_chart() -> Tornado {
    Tornado {
        title: "NPV sensitivity".into(),
        base: 20_000.0,
        bars: vec![
            TornadoBar {
                label: "Cost".into(),
                low: 24_000.0,
                high: 16_000.0,
            },
            TornadoBar {
                label: "Benefit".into(),
                low: 8_000.0,
                high: 32_000.0,
            },
            TornadoBar {
                label: "Discount rate".into(),
                low: 21_000.0,
                high: 19_000.0,
            },
        ],
        unit: usd(),
    }
}

fn graph_chart(n: usize) -> Graph {
    let nodes: Vec<Node> = (0..n)
        .map(|i| Node {
            id: format!("s{i}"),
            label: format!("System {i}"),
            group: if i % 2 == 0 { "Sales" } else { "Finance" }.into(),
            warn: i == 1,
        })
        .collect();
    let mut edges: Vec<Edge> = (1..n)
        .map(|i| Edge {
            from: format!("s{}", i - 1),
            to: format!("s{i}"),
            label: Some("orders".into()),
            manual: i % 3 == 0,
        })
        .collect();
    edges.push(Edge {
        from: "s0".into(),
        to: "nowhere".into(),
        label: None,
        manual: false,
    });
    if n > 1 {
        edges.push(Edge {
            from: "s1".into(),
            to: "s0".into(),
            label: None,
            manual: true,
        });
    }
    Graph {
        title: "Integrations".into(),
        nodes,
        edges,
    }
}

fn radar_point(label: &str, ring: Ring, quadrant: Quadrant, note: Option<&str>) -> RadarPoint {
    RadarPoint {
        label: label.into(),
        ring,
        quadrant,
        note: note.map(Into::into),
    }
}

fn radar_chart() -> Radar {
    Radar {
        title: "Technology watch list".into(),
        items: vec![
            radar_point(
                "Online booking",
                Ring::Trial,
                Quadrant::Software,
                Some("Try it for author events"),
            ),
            radar_point(
                "Contactless card terminals",
                Ring::Adopt,
                Quadrant::Devices,
                None,
            ),
            radar_point(
                "Written security policy",
                Ring::Adopt,
                Quadrant::Practices,
                Some("Insurers ask for one"),
            ),
            radar_point("Cloud backup", Ring::Adopt, Quadrant::Platforms, None),
            radar_point(
                "AI-written book recommendations",
                Ring::Hold,
                Quadrant::Software,
                Some("Personal curation is the differentiator"),
            ),
            radar_point(
                "Online marketplaces for used and rare books, with a name long enough to wrap \
                 onto a second line of the legend",
                Ring::Assess,
                Quadrant::Software,
                None,
            ),
        ],
    }
}

/// Every chart in its normal form.
fn all_charts() -> Vec<String> {
    vec![
        line_chart().svg(),
        bars_chart().svg(),
        gantt_chart().svg(),
        frontier_chart().svg(),
        heat_chart().svg(),
        scurve_chart().svg(),
        tornado_chart().svg(),
        graph_chart(4).svg(),
        graph_chart(20).svg(),
        radar_chart().svg(),
    ]
}

#[test]
fn normal_charts_are_well_formed_and_have_data() {
    for svg in all_charts() {
        let doc = check(&svg);
        assert!(!says_no_data(&doc), "{svg}");
    }
}

#[test]
fn charts_are_deterministic_and_ids_differ() {
    assert_eq!(all_charts(), all_charts());
    let mut ids: Vec<String> = all_charts()
        .iter()
        .map(|s| {
            let doc = check(s);
            doc.root_element()
                .attribute("aria-labelledby")
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "ids clash");
}

#[test]
fn empty_charts_say_no_data() {
    let empties = vec![
        Line::default().svg(),
        Line {
            title: "Only labels".into(),
            labels: vec!["a".into(), "b".into()],
            series: vec![Series {
                name: "x".into(),
                values: vec![None, Some(f64::NAN)],
                dashed: false,
            }],
            ..Line::default()
        }
        .svg(),
        Bars::default().svg(),
        Gantt::default().svg(),
        Frontier::default().svg(),
        HeatMap::default().svg(),
        SCurve::default().svg(),
        Tornado::default().svg(),
        Graph::default().svg(),
        Radar::default().svg(),
    ];
    for svg in empties {
        let doc = check(&svg);
        assert!(says_no_data(&doc), "{svg}");
        assert!(svg.contains("viewBox=\"0 0 720 120\""));
    }
}

#[test]
fn hostile_input_is_escaped_and_never_writes_nan() {
    let bad = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e308,
        -1e308,
        -5.0,
        0.0,
    ];
    let t = HOSTILE.to_owned();
    let charts = vec![
        Line {
            title: t.clone(),
            labels: vec![t.clone(); bad.len()],
            series: vec![Series {
                name: t.clone(),
                values: bad.iter().map(|v| Some(*v)).collect(),
                dashed: true,
            }],
            band: Some(Band {
                name: t.clone(),
                lower: bad.iter().map(|v| Some(*v)).collect(),
                upper: bad.iter().map(|v| Some(-v)).collect(),
            }),
            target: Some(Target {
                label: t.clone(),
                value: f64::NAN,
            }),
            marks: vec![
                Mark {
                    index: 0,
                    label: t.clone(),
                },
                Mark {
                    index: 999,
                    label: t.clone(),
                },
            ],
            unit: Measure::money(t.clone()),
        }
        .svg(),
        Bars {
            stacked: false,
            title: t.clone(),
            labels: vec![t.clone()],
            series: vec![BarSeries {
                name: t.clone(),
                values: bad.to_vec(),
            }],
            limits: Some(Limits {
                name: t.clone(),
                values: bad.iter().map(|v| Some(*v)).collect(),
            }),
            unit: Measure::of(Unit::Fraction),
        }
        .svg(),
        Gantt {
            title: t.clone(),
            months: vec![t.clone(); 3],
            phases: vec![Span {
                label: t.clone(),
                start: 2,
                end: usize::MAX,
            }],
            rows: vec![
                GanttRow {
                    label: t.clone(),
                    start: usize::MAX,
                    months: usize::MAX,
                    kind: t.clone(),
                    note: Some(t.clone()),
                    after: vec![usize::MAX, 0, 1],
                },
                GanttRow {
                    label: t.clone(),
                    start: 1,
                    months: usize::MAX,
                    kind: t.clone(),
                    note: Some(t.clone()),
                    after: vec![usize::MAX, 0, 1],
                },
            ],
            today: Some(f64::NAN),
        }
        .svg(),
        Frontier {
            title: t.clone(),
            points: bad
                .iter()
                .map(|v| FrontierPoint {
                    x: *v,
                    y: -v,
                    label: t.clone(),
                    current: true,
                })
                .collect(),
            x_name: t.clone(),
            y_name: t.clone(),
            x_unit: Measure::of(Unit::Months),
            y_unit: Measure::of(Unit::Number),
        }
        .svg(),
        HeatMap {
            title: t.clone(),
            cells: vec![
                HeatCell {
                    likelihood: 0,
                    impact: 9,
                    labels: vec![t.clone()],
                },
                HeatCell {
                    likelihood: 2,
                    impact: 2,
                    labels: vec![t.clone()],
                },
            ],
        }
        .svg(),
        SCurve {
            title: t.clone(),
            values: bad.to_vec(),
            unit: usd(),
            marks: bad.iter().map(|v| (*v, t.clone())).collect(),
            quantiles_of: Some(3),
        }
        .svg(),
        Tornado {
            title: t.clone(),
            base: 0.0,
            bars: bad
                .iter()
                .map(|v| TornadoBar {
                    label: t.clone(),
                    low: *v,
                    high: -v,
                })
                .collect(),
            unit: usd(),
        }
        .svg(),
        Graph {
            title: t.clone(),
            nodes: vec![
                Node {
                    id: t.clone(),
                    label: t.clone(),
                    group: t.clone(),
                    warn: true,
                },
                Node {
                    id: "b".into(),
                    label: t.clone(),
                    group: String::new(),
                    warn: false,
                },
            ],
            edges: vec![
                Edge {
                    from: t.clone(),
                    to: "b".into(),
                    label: Some(t.clone()),
                    manual: true,
                },
                Edge {
                    from: t.clone(),
                    to: t.clone(),
                    label: None,
                    manual: false,
                },
            ],
        }
        .svg(),
        Radar {
            title: t.clone(),
            items: vec![
                radar_point(&t, Ring::Hold, Quadrant::Devices, Some(&t)),
                radar_point(&t, Ring::Adopt, Quadrant::Practices, Some("")),
            ],
        }
        .svg(),
    ];
    for svg in charts {
        assert!(!svg.contains("<script"), "{svg}");
        let doc = check(&svg);
        assert_eq!(title_text(&doc), HOSTILE);
    }
}

#[test]
fn huge_values_stay_finite() {
    let svg = Line {
        title: "Huge".into(),
        labels: vec!["a".into(), "b".into()],
        series: vec![Series {
            name: "x".into(),
            values: vec![Some(-f64::MAX), Some(f64::MAX)],
            dashed: false,
        }],
        ..Line::default()
    }
    .svg();
    check(&svg);
    let svg = Bars {
        stacked: false,
        title: "Huge".into(),
        labels: vec!["a".into()],
        series: vec![BarSeries {
            name: "x".into(),
            values: vec![1e300],
        }],
        ..Bars::default()
    }
    .svg();
    check(&svg);
}

#[test]
fn target_line_sits_at_its_value_on_the_axis() {
    let svg = line_chart().svg();
    let doc = check(&svg);
    let grid: Vec<(f64, f64)> = by_class(&doc, "grid")
        .iter()
        .map(|n| (num(n, "data-value"), num(n, "y1")))
        .collect();
    assert!(grid.len() >= 2);
    let (v0, y0) = grid[0];
    let (v1, y1) = grid[grid.len() - 1];
    let expected = y0 + (15_000.0 - v0) / (v1 - v0) * (y1 - y0);
    let target = by_class(&doc, "target");
    assert_eq!(target.len(), 1);
    let y = num(&target[0], "y1");
    assert_eq!(y, num(&target[0], "y2"));
    assert!((y - expected).abs() <= 0.1, "{y} vs {expected}");
    // The axis covers the data and the target: ticks at $6,000 to $16,000 (nice 2,000s).
    assert_eq!(v0, 6_000.0);
    assert_eq!(v1, 16_000.0);
    // One mark, one band, two series, a legend.
    assert_eq!(by_class(&doc, "mark").len(), 1);
    assert_eq!(by_class(&doc, "band").len(), 1);
    assert_eq!(by_class(&doc, "series").len(), 2);
    assert_eq!(by_class(&doc, "legend").len(), 1);
}

#[test]
fn line_description_says_the_data() {
    let svg = line_chart().svg();
    let doc = check(&svg);
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .to_owned();
    expect![[r#"Monthly sales. Line chart over 12 periods from 2025-01 to 2025-12. Sales: $9,800 at 2025-01, $12,900 at 2025-09; lowest $7,000, highest $12,900; 4 periods without a value. Forecast: $12,900 at 2025-09, $13,600 at 2025-12; lowest $12,900, highest $13,600; 8 periods without a value. 80% interval: from $11,500 to $15,600 at 2025-12. Target Target: $15,000. Marked at 2025-07: Unusually low."#]].assert_eq(&desc);
}

#[test]
fn many_labels_are_thinned() {
    let svg = Line {
        title: "Daily".into(),
        labels: (0..365).map(|d| format!("d{d}")).collect(),
        series: vec![Series {
            name: "x".into(),
            values: (0..365).map(|d| Some(f64::from(d))).collect(),
            dashed: false,
        }],
        ..Line::default()
    }
    .svg();
    let doc = check(&svg);
    let shown = by_class(&doc, "x-label").len();
    assert!((2..=13).contains(&shown), "{shown}");
}

#[test]
fn bars_over_their_limit_warn_and_negatives_go_below_zero() {
    let svg = bars_chart().svg();
    let doc = check(&svg);
    let bars = by_class(&doc, "bar");
    assert_eq!(bars.len(), 3);
    let over = by_class(&doc, "over");
    assert_eq!(over.len(), 1);
    assert_eq!(over[0].attribute("fill"), Some("#D55E00"));
    assert!(
        over[0]
            .children()
            .any(|c| c.has_tag_name("title")
                && c.text().unwrap_or_default().contains("above Budget"))
    );
    assert_eq!(by_class(&doc, "limit").len(), 2);
    let zero = num(&by_class(&doc, "zero")[0], "y1");
    // The negative bar starts at the zero line and goes down.
    assert!((num(&bars[2], "y") - zero).abs() < 0.11);
    assert!(num(&bars[2], "height") > 0.0);
    // The positive bars end at the zero line.
    assert!((num(&bars[0], "y") + num(&bars[0], "height") - zero).abs() < 0.11);
}

#[test]
fn gantt_bar_starts_in_its_month_column() {
    let svg = gantt_chart().svg();
    let doc = check(&svg);
    let columns: Vec<f64> = by_class(&doc, "month-grid")
        .iter()
        .map(|n| num(n, "x1"))
        .collect();
    assert_eq!(columns.len(), 13, "12 months have 13 boundaries");
    let bars = by_class(&doc, "gantt-bar");
    assert_eq!(bars.len(), 2);
    let store = bars
        .iter()
        .find(|b| b.attribute("data-start") == Some("3"))
        .unwrap_or_else(|| panic!("no bar at month 3"));
    // Month index 3 ("2025-04") starts at the 4th boundary: three columns in.
    assert_eq!(num(store, "x"), columns[3]);
    assert!((num(store, "x") + num(store, "width") - columns[7]).abs() < 0.11);
    assert_eq!(
        store.attribute("fill"),
        Some("#E69F00"),
        "explore is orange"
    );
    assert_eq!(by_class(&doc, "milestone").len(), 1);
    assert_eq!(by_class(&doc, "phase").len(), 2);
}

/// Today is a dashed line at its month and fraction; each initiative waited for has an arrow to
/// the one waiting; a long title is written whole when the label column can hold it.
#[test]
fn gantt_shows_today_dependencies_and_whole_labels() {
    let mut g = gantt_chart();
    let svg = g.svg();
    let doc = check(&svg);
    let columns: Vec<f64> = by_class(&doc, "month-grid")
        .iter()
        .map(|n| num(n, "x1"))
        .collect();
    let today = by_class(&doc, "today");
    assert_eq!(today.len(), 1);
    let line = today[0]
        .children()
        .find(|n| n.has_tag_name("line"))
        .unwrap_or_else(|| panic!("no line"));
    // 4.5 months in: halfway between the 5th and 6th boundaries.
    let expected = (columns[4] + columns[5]) / 2.0;
    assert!(
        (num(&line, "x1") - expected).abs() < 0.11,
        "{}",
        num(&line, "x1")
    );
    // Two rows wait for another: two arrows, each named in words.
    let arrows = by_class(&doc, "dependency");
    assert_eq!(arrows.len(), 2);
    assert!(svg.contains("Online store waits for Cloud backup"));
    // Out of the chart, no today line.
    g.today = Some(40.0);
    assert!(!g.svg().contains("class=\"today\""));
    g.today = None;
    // A title of 45 characters is written whole (it was cut at 30).
    let long = "Point-of-sale system with inventory management";
    g.rows[0].label = long.into();
    let svg = g.svg();
    let doc = check(&svg);
    assert_eq!(by_class(&doc, "row-label").len(), 3);
    assert!(svg.contains(&format!(">{long}<")), "{svg}");
    // Longer than the label column holds: on two lines, broken between words, nothing cut.
    let longer = "Point-of-sale system with inventory management and a loyalty card for regulars";
    g.rows[0].label = longer.into();
    let svg = g.svg();
    let doc = check(&svg);
    let label = by_class(&doc, "row-label")[0];
    let lines: Vec<&str> = label
        .children()
        .filter(|n| n.has_tag_name("tspan"))
        .map(|n| n.text().unwrap_or_default())
        .collect();
    assert_eq!(lines.len(), 2, "{svg}");
    assert_eq!(format!("{} {}", lines[0], lines[1]), longer);
    assert!(!svg.contains('…'), "{svg}");
}

#[test]
fn heat_map_colours_by_score() {
    let svg = heat_chart().svg();
    let doc = check(&svg);
    let cell = |l: &str, i: &str| {
        by_class(&doc, "cell")
            .into_iter()
            .find(|n| {
                n.attribute("data-likelihood") == Some(l) && n.attribute("data-impact") == Some(i)
            })
            .and_then(|n| n.attribute("fill"))
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(cell("5", "5"), RiskLevel::Critical.colour());
    assert_eq!(cell("5", "5"), "#B2182B", "red");
    assert_eq!(cell("1", "1"), RiskLevel::Low.colour());
    assert_eq!(cell("1", "1"), "#009E73", "green");
    assert_eq!(cell("3", "3"), RiskLevel::Medium.colour());
    assert_eq!(cell("3", "4"), RiskLevel::High.colour());
    assert_eq!(by_class(&doc, "cell").len(), 25);
    assert!(svg.contains(">6 risks<"), "many labels become a count");
    assert!(svg.contains(">R2<") && svg.contains(">R3<"));
    assert_eq!(RiskLevel::of_score(4), RiskLevel::Low);
    assert_eq!(RiskLevel::of_score(9), RiskLevel::Medium);
    // product.md: high 10-16, critical 20-25.
    assert_eq!(RiskLevel::of_score(16), RiskLevel::High);
    assert_eq!(RiskLevel::of_score(20), RiskLevel::Critical);
}

#[test]
fn frontier_highlights_the_current_point_and_joins_in_x_order() {
    let svg = frontier_chart().svg();
    let doc = check(&svg);
    assert_eq!(by_class(&doc, "current").len(), 1);
    assert_eq!(by_class(&doc, "point").len(), 3);
    let d = by_class(&doc, "frontier")[0]
        .attribute("d")
        .unwrap_or_default()
        .to_owned();
    let xs: Vec<f64> = d
        .split(' ')
        .filter_map(|p| {
            p.trim_start_matches(['M', 'L'])
                .split(',')
                .next()?
                .parse()
                .ok()
        })
        .collect();
    assert_eq!(xs.len(), 3);
    assert!(xs.windows(2).all(|w| w[0] < w[1]), "{d}");
}

#[test]
fn tornado_puts_the_widest_swing_on_top() {
    let svg = tornado_chart().svg();
    let doc = check(&svg);
    let lows = by_class(&doc, "low");
    assert_eq!(lows.len(), 3);
    let tip = |n: &roxmltree::Node| {
        n.children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(tip(&lows[0]).starts_with("Benefit"));
    assert!(tip(&lows[1]).starts_with("Cost"));
    assert!(tip(&lows[2]).starts_with("Discount rate"));
    let base = num(&by_class(&doc, "base")[0], "x1");
    for b in by_class(&doc, "low").iter().chain(&by_class(&doc, "high")) {
        let (x, w) = (num(b, "x"), num(b, "width"));
        assert!(
            (x - base).abs() < 0.11 || (x + w - base).abs() < 0.11,
            "centred on base"
        );
    }
}

#[test]
fn scurve_runs_from_zero_to_one_hundred_percent() {
    let svg = scurve_chart().svg();
    let doc = check(&svg);
    assert_eq!(by_class(&doc, "mark").len(), 2);
    let grid = by_class(&doc, "grid");
    let top = grid
        .iter()
        .find(|n| n.attribute("data-value") == Some("1"))
        .map(|n| num(n, "y1"))
        .unwrap_or(f64::NAN);
    let d = by_class(&doc, "cdf")[0]
        .attribute("d")
        .unwrap_or_default()
        .to_owned();
    let last_y: f64 = d
        .rsplit(' ')
        .next()
        .and_then(|p| p.split(',').nth(1))
        .and_then(|y| y.parse().ok())
        .unwrap_or(f64::NAN);
    assert_eq!(last_y, top);
}

#[test]
fn an_scurve_through_quantiles_runs_from_zero_and_counts_the_trials() {
    // The values at every 2.5% of 2,000 outcomes spread evenly from 0 to 40,000: the curve
    // starts on the 0% line and ends on the 100% line, and a mark at 10,000 has a quarter of
    // the outcomes at or below it (10,000 is the 10th of 40 steps).
    let chart = SCurve {
        title: "NPV".into(),
        values: (0..=40).map(|k| f64::from(k) * 1_000.0).collect(),
        unit: usd(),
        marks: vec![(10_000.0, "P25".into()), (10_250.0, "Between".into())],
        quantiles_of: Some(2000),
    };
    let svg = chart.svg();
    let doc = check(&svg);
    let grid_y = |value: &str| {
        by_class(&doc, "grid")
            .iter()
            .find(|n| n.attribute("data-value") == Some(value))
            .map(|n| num(n, "y1"))
            .unwrap_or(f64::NAN)
    };
    let d = by_class(&doc, "cdf")[0]
        .attribute("d")
        .unwrap_or_default()
        .to_owned();
    let y_of = |point: Option<&str>| -> f64 {
        point
            .and_then(|p| p.trim_start_matches('M').split(',').nth(1))
            .and_then(|y| y.parse().ok())
            .unwrap_or(f64::NAN)
    };
    assert_eq!(y_of(d.split(' ').next()), grid_y("0"), "{d}");
    assert_eq!(y_of(d.rsplit(' ').next()), grid_y("1"), "{d}");
    assert!(
        svg.contains("Cumulative probability of 2000 simulated outcomes"),
        "{svg}"
    );
    assert!(
        svg.contains("P25: $10,000 (25% of outcomes at or below)"),
        "{svg}"
    );
    // A quarter of the way between two steps: 10.25 / 40 = 25.625%.
    assert!(svg.contains("(25.6% of outcomes at or below)"), "{svg}");
}

#[test]
fn graph_marks_manual_flows_and_end_of_life() {
    for n in [4, 20] {
        let svg = graph_chart(n).svg();
        let doc = check(&svg);
        assert_eq!(by_class(&doc, "node").len(), n);
        assert_eq!(by_class(&doc, "warn").len(), 1);
        let manual = by_class(&doc, "manual");
        assert!(!manual.is_empty());
        for m in &manual {
            assert_eq!(m.attribute("stroke-dasharray"), Some("6 4"));
            assert_eq!(m.attribute("stroke"), Some("#D55E00"));
            let tip = m
                .children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|c| c.text());
            assert!(tip.unwrap_or_default().contains("manual"));
            let marker = m.attribute("marker-end").unwrap_or_default();
            let id = marker.trim_start_matches("url(#").trim_end_matches(')');
            assert!(
                doc.descendants()
                    .any(|x| x.has_tag_name("marker") && x.attribute("id") == Some(id))
            );
        }
        // The flow to an unknown system is left out: n - 1 chain links plus one back-link.
        assert_eq!(by_class(&doc, "edge").len(), n);
    }
}

#[test]
fn format_values() {
    assert_eq!((usd()).format(12_500.0), "$12,500");
    assert_eq!(format::money(1_200.0, "EUR"), "€1,200");
    assert_eq!(format::money(3.0, "GBP"), "£3");
    assert_eq!(format::money(1_200.0, "CAD"), "CAD 1,200");
    assert_eq!(format::percent(0.125, 1), "12.5%");
    assert_eq!(format::number(1_234.5), "1,234.5");
    assert_eq!(format::months(3.0), "3 months");
    assert_eq!(format::money(-1_200.0, "USD"), "-$1,200");
    assert_eq!(format::money(12.75, "USD"), "$12.75");
    assert_eq!((usd()).format(f64::NAN), "–");
    assert_eq!(format::number(f64::INFINITY), "–");
}

proptest! {
    #[test]
    fn ticks_cover_the_range_evenly(
        lo in -1e9f64..1e9,
        span in 0f64..1e9,
        n in 2usize..12,
    ) {
        let hi = lo + span;
        let t = nice_ticks(lo, hi, n);
        prop_assert!(t.len() >= 2, "{t:?}");
        prop_assert!(t.len() <= n + 2, "{} ticks for n={n}: {t:?}", t.len());
        prop_assert!(t[0] <= lo && t[t.len() - 1] >= hi, "{t:?} for {lo}..{hi}");
        let step = t[1] - t[0];
        prop_assert!(step > 0.0);
        for w in t.windows(2) {
            prop_assert!(((w[1] - w[0]) - step).abs() <= step * 1e-6, "{t:?}");
        }
        // A 1, 2 or 5 x 10^k step.
        let m = step / 10f64.powf(step.log10().floor());
        prop_assert!([1.0, 2.0, 5.0, 10.0].iter().any(|c| (m - c).abs() < 1e-6), "step {step}");
        // Reversed ends give the same ticks.
        prop_assert_eq!(nice_ticks(hi, lo, n), t);
    }

    #[test]
    fn format_never_panics_or_writes_nan(x in proptest::num::f64::ANY) {
        for u in [Measure::of(Unit::Number), Measure::of(Unit::Fraction), Measure::of(Unit::Months), usd()] {
            let s = u.format(x);
            prop_assert!(!s.contains("NaN") && !s.contains("inf"));
        }
    }
}

/// Every chart is one well-formed SVG document with a title for screen readers; with
/// `SEXTANT_CHART_DUMP=DIR`, they are also written into `DIR/charts.html` for a look by eye.
#[test]
fn every_chart_is_well_formed_and_can_be_dumped_for_a_look() {
    let charts = all_charts();
    assert!(charts.len() >= 4);
    for svg in &charts {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg", "{svg}");
        assert!(
            root.descendants()
                .any(|n| n.has_tag_name("title") && n.text().is_some_and(|t| !t.trim().is_empty())),
            "a chart without a title: {svg}"
        );
    }
    let Some(dir) = std::env::var_os("SEXTANT_CHART_DUMP") else {
        return;
    };
    let html = format!(
        "<!doctype html><meta charset=utf-8><body style=\"max-width:760px\">{}</body>",
        charts.join("<hr>")
    );
    std::fs::write(std::path::Path::new(&dir).join("charts.html"), html)
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn an_unlabelled_frontier_point_has_no_empty_label_or_name() {
    let chart = Frontier {
        title: "Frontier".into(),
        points: vec![
            FrontierPoint {
                x: 1000.0,
                y: 500.0,
                label: String::new(),
                current: false,
            },
            FrontierPoint {
                x: 2000.0,
                y: 900.0,
                label: "Plan's budget".into(),
                current: true,
            },
        ],
        x_name: "Budget".into(),
        y_name: "NPV".into(),
        x_unit: Measure::of(Unit::Number),
        y_unit: Measure::of(Unit::Number),
    };
    let svg = chart.svg();
    assert!(
        svg.contains("<title>Budget 1,000, NPV 500</title>"),
        "{svg}"
    );
    assert!(
        svg.contains("Plan&apos;s budget (current): Budget 2,000"),
        "{svg}"
    );
    assert!(
        !svg.contains("\"></text>") && !svg.contains("\"/>: "),
        "{svg}"
    );
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}"));
    let empty_texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.text().unwrap_or("").is_empty())
        .count();
    assert_eq!(empty_texts, 0, "{svg}");
}

/// The texts of a node and its descendants, joined by spaces (a legend entry's wrapped lines
/// are `<tspan>`s).
fn all_text(n: &roxmltree::Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The tooltip of a node: its `<title>` child's text.
fn tooltip(n: &roxmltree::Node) -> String {
    n.children()
        .find(|c| c.has_tag_name("title"))
        .and_then(|c| c.text())
        .unwrap_or_default()
        .to_owned()
}

/// A dot read back from a radar: its number, tooltip, centre and radius.
struct Dot {
    number: String,
    tip: String,
    x: f64,
    y: f64,
    r: f64,
}

fn radar_dots(doc: &roxmltree::Document) -> Vec<Dot> {
    by_class(doc, "dot")
        .iter()
        .map(|c| {
            assert!(c.has_tag_name("circle"));
            let g = c.parent_element().unwrap_or_else(|| panic!("a dot alone"));
            let number = g
                .children()
                .find(|n| n.has_tag_name("text"))
                .and_then(|n| n.text())
                .unwrap_or_default()
                .to_owned();
            Dot {
                number,
                tip: tooltip(&g),
                x: num(c, "cx"),
                y: num(c, "cy"),
                r: num(c, "r"),
            }
        })
        .collect()
}

/// A ring's band read back from a radar: its name and inner and outer radius.
#[derive(Debug, Clone)]
struct RingBand {
    ring: String,
    inner: f64,
    outer: f64,
}

/// The radar's centre and its rings' bands, read from the ring circles.
fn radar_frame(doc: &roxmltree::Document) -> ((f64, f64), Vec<RingBand>) {
    let rings = by_class(doc, "ring");
    assert_eq!(rings.len(), 4);
    let centre = (num(&rings[0], "cx"), num(&rings[0], "cy"));
    let bands = rings
        .iter()
        .map(|r| {
            assert_eq!((num(r, "cx"), num(r, "cy")), centre);
            RingBand {
                ring: r.attribute("data-ring").unwrap_or_default().to_owned(),
                inner: num(r, "data-inner"),
                outer: num(r, "r"),
            }
        })
        .collect();
    (centre, bands)
}

fn ring_key(r: Ring) -> &'static str {
    match r {
        Ring::Adopt => "adopt",
        Ring::Trial => "trial",
        Ring::Assess => "assess",
        Ring::Hold => "hold",
    }
}

/// Where each quadrant lies, in degrees anticlockwise from the right-hand axis (as the chart
/// documents: software top right, practices top left, platforms bottom left, devices bottom
/// right).
fn quadrant_degrees(q: Quadrant) -> (f64, f64) {
    match q {
        Quadrant::Software => (0.0, 90.0),
        Quadrant::Practices => (90.0, 180.0),
        Quadrant::Platforms => (180.0, 270.0),
        Quadrant::Devices => (270.0, 360.0),
    }
}

/// Fifteen technologies in every one of the sixteen cells, named by their cell.
fn crowded_radar() -> Radar {
    let mut items = Vec::new();
    for q in Quadrant::ALL {
        for r in Ring::ALL {
            for k in 1..=15 {
                items.push(radar_point(
                    &format!("{} {} {k}", q.label(), r.label()),
                    r,
                    q,
                    None,
                ));
            }
        }
    }
    Radar {
        title: "Crowded".into(),
        items,
    }
}

#[test]
fn radar_dots_never_overlap_with_fifteen_in_every_cell() {
    let chart = crowded_radar();
    let svg = chart.svg();
    let doc = check(&svg);
    let dots = radar_dots(&doc);
    assert_eq!(dots.len(), 240);
    for (i, a) in dots.iter().enumerate() {
        assert!(a.r >= 9.0, "a dot big enough for its number: {}", a.r);
        for b in &dots[i + 1..] {
            let d = (a.x - b.x).hypot(a.y - b.y);
            assert!(
                d >= a.r + b.r,
                "{} and {} overlap: {d:.1} apart",
                a.tip,
                b.tip
            );
        }
    }
}

#[test]
fn one_cell_of_fifteen_spreads_without_overlap() {
    // The smallest cells are the innermost ring's: fifteen there, alone, as the brief case.
    for ring in Ring::ALL {
        let chart = Radar {
            title: "One cell".into(),
            items: (1..=15)
                .map(|k| radar_point(&format!("T{k}"), ring, Quadrant::Practices, None))
                .collect(),
        };
        let svg = chart.svg();
        let doc = check(&svg);
        let dots = radar_dots(&doc);
        assert_eq!(dots.len(), 15);
        for (i, a) in dots.iter().enumerate() {
            for b in &dots[i + 1..] {
                let d = (a.x - b.x).hypot(a.y - b.y);
                assert!(
                    d >= 2.0 * a.r,
                    "{ring:?}: {} and {} {d:.1} apart",
                    a.tip,
                    b.tip
                );
            }
        }
    }
}

#[test]
fn radar_dots_land_in_their_ring_and_quadrant() {
    for chart in [radar_chart(), crowded_radar()] {
        let svg = chart.svg();
        let doc = check(&svg);
        let ((cx, cy), bands) = radar_frame(&doc);
        // Adopt innermost, Hold outermost, bands touching.
        let mut sorted = bands.clone();
        sorted.sort_by(|a, b| a.outer.total_cmp(&b.outer));
        let order: Vec<&str> = sorted.iter().map(|b| b.ring.as_str()).collect();
        assert_eq!(order, ["adopt", "trial", "assess", "hold"]);
        assert_eq!(sorted[0].inner, 0.0);
        for w in sorted.windows(2) {
            assert_eq!(w[0].outer, w[1].inner);
        }
        let dots = radar_dots(&doc);
        assert_eq!(dots.len(), chart.items.len());
        for item in &chart.items {
            let mine: Vec<&Dot> = dots
                .iter()
                .filter(|d| d.tip.contains(&format!(". {} (", item.label)))
                .collect();
            assert_eq!(mine.len(), 1, "{}", item.label);
            let dot = mine[0];
            let RingBand { inner, outer, .. } = bands
                .iter()
                .find(|b| b.ring == ring_key(item.ring))
                .unwrap_or_else(|| panic!("no band {:?}", item.ring));
            let dist = (dot.x - cx).hypot(dot.y - cy);
            assert!(
                dist - dot.r >= *inner && dist + dot.r <= *outer,
                "{}: {dist:.1} from the centre, band {inner}..{outer}",
                item.label
            );
            let deg = (cy - dot.y)
                .atan2(dot.x - cx)
                .to_degrees()
                .rem_euclid(360.0);
            let (lo, hi) = quadrant_degrees(item.quadrant);
            assert!(
                deg > lo && deg < hi,
                "{}: at {deg:.1} degrees, quadrant {lo}..{hi}",
                item.label
            );
            // Clear of both axes by more than its radius.
            assert!((dot.x - cx).abs() > dot.r && (dot.y - cy).abs() > dot.r);
            let tip = &dot.tip;
            assert!(
                tip.contains(item.ring.label()) && tip.contains(item.quadrant.label()),
                "{tip}"
            );
            if let Some(note) = &item.note {
                assert!(tip.contains(note.as_str()), "{tip}");
            }
        }
    }
}

#[test]
fn radar_legend_lists_each_technology_once_with_its_number() {
    let chart = radar_chart();
    let svg = chart.svg();
    let doc = check(&svg);
    let entries: Vec<String> = by_class(&doc, "legend-item").iter().map(all_text).collect();
    assert_eq!(entries.len(), chart.items.len());
    let dots = radar_dots(&doc);
    for item in &chart.items {
        let listed: Vec<&String> = entries
            .iter()
            .filter(|e| e.ends_with(&format!(". {}", item.label)))
            .collect();
        assert_eq!(listed.len(), 1, "{}: {entries:?}", item.label);
        // The number in the legend is the number on the technology's dot.
        let number = listed[0].split('.').next().unwrap_or_default();
        let dot = dots
            .iter()
            .find(|d| d.number == number)
            .unwrap_or_else(|| panic!("no dot {number}"));
        assert!(dot.tip.contains(&item.label), "{}", dot.tip);
    }
    // Numbered 1 to n by quadrant (practices, software, platforms, devices), then ring.
    let numbers: Vec<&str> = entries
        .iter()
        .map(|e| e.split('.').next().unwrap_or_default())
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6"]);
    expect![[r#"
        [
            "1. Written security policy",
            "2. Online booking",
            "3. Online marketplaces for used and rare books, with a name long enough to wrap onto a second line of the legend",
            "4. AI-written book recommendations",
            "5. Cloud backup",
            "6. Contactless card terminals",
        ]
    "#]]
    .assert_debug_eq(&entries);
    // The long name is wrapped, not cut.
    let long = by_class(&doc, "legend-item")
        .into_iter()
        .find(|n| n.attribute("data-number") == Some("3"))
        .map(|n| n.children().filter(|c| c.has_tag_name("tspan")).count());
    assert!(long.is_some_and(|lines| lines >= 2), "{long:?}");
    assert!(!svg.contains('…'), "nothing is truncated");
    // The four quadrants and four rings are labelled.
    let quadrants: Vec<String> = by_class(&doc, "quadrant-label")
        .iter()
        .map(all_text)
        .collect();
    assert_eq!(quadrants, ["Practices", "Software", "Platforms", "Devices"]);
    let rings: Vec<String> = by_class(&doc, "ring-label").iter().map(all_text).collect();
    for r in Ring::ALL {
        assert!(rings.iter().any(|l| l == r.label()), "{rings:?}");
    }
}

#[test]
fn radar_text_is_readable_and_scales() {
    for chart in [radar_chart(), crowded_radar()] {
        let svg = chart.svg();
        let doc = check(&svg);
        let root = doc.root_element();
        assert!(root.attribute("width").is_none() && root.attribute("height").is_none());
        let vb: Vec<f64> = root
            .attribute("viewBox")
            .unwrap_or_default()
            .split(' ')
            .filter_map(|v| v.parse().ok())
            .collect();
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let size = num(&t, "font-size");
            assert!(size >= 11.0, "{size} px: {}", all_text(&t));
            // Every line of text starts inside the chart and sits within its height.
            for n in std::iter::once(t).chain(t.children().filter(|c| c.has_tag_name("tspan"))) {
                if let Some(x) = n.attribute("x").and_then(|x| x.parse::<f64>().ok()) {
                    assert!((0.0..=720.0).contains(&x), "{x}");
                }
            }
            let y = num(&t, "y");
            assert!(y > 0.0 && y < vb[3], "{y} of {}", vb[3]);
        }
    }
}

#[test]
fn radar_description_counts_each_ring() {
    let svg = radar_chart().svg();
    let doc = check(&svg);
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .to_owned();
    expect!["Technology watch list. Technology radar of 6 technologies: rings from Adopt at the centre to Hold at the edge, quadrants for practices, software, platforms and devices. Adopt ring, 3 technologies: 1. Written security policy (Practices); 5. Cloud backup (Platforms); 6. Contactless card terminals (Devices). Trial ring, 1 technology: 2. Online booking (Software). Assess ring, 1 technology: 3. Online marketplaces for used and rare books, with a name long enough to wrap onto a second line of the legend (Software). Hold ring, 1 technology: 4. AI-written book recommendations (Software)."].assert_eq(&desc);
}

#[test]
fn radar_escapes_hostile_names() {
    let name = "<script>alert(1)</script> & \"quotes\"";
    let chart = Radar {
        title: name.into(),
        items: vec![radar_point(
            name,
            Ring::Assess,
            Quadrant::Platforms,
            Some(name),
        )],
    };
    let svg = chart.svg();
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    let doc = check(&svg);
    assert_eq!(title_text(&doc), name);
    let dots = radar_dots(&doc);
    assert_eq!(dots.len(), 1);
    assert_eq!(
        dots[0].tip,
        format!("1. {name} (Platforms): Assess. {name}")
    );
    let entries: Vec<String> = by_class(&doc, "legend-item").iter().map(all_text).collect();
    assert_eq!(entries, [format!("1. {name}")]);
}

#[test]
fn an_empty_watch_list_says_so() {
    let svg = Radar {
        title: "Technology watch list".into(),
        items: Vec::new(),
    }
    .svg();
    let doc = check(&svg);
    assert!(says_no_data(&doc));
    assert!(
        svg.contains(">No technologies on the watch list yet<"),
        "{svg}"
    );
    assert!(svg.contains("<desc id=\"sx-radar-"), "{svg}");
    assert!(svg.contains("Technology watch list: no technologies on the watch list yet."));
}

#[test]
fn the_plan_watch_list_becomes_the_radar() {
    let text = "\
version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}
radar:
  - {technology: Card terminals, ring: adopt, quadrant: devices, note: Faster queues}
  - {technology: Online booking, ring: trial}
";
    let plan = sextant_core::load_plan("plan.yaml", text)
        .unwrap_or_else(|p| panic!("{}", p.render(Some(text))));
    let chart = sextant_report::plan_charts::technology_radar(&plan);
    assert_eq!(chart.title, "Technology watch list");
    let got: Vec<(&str, Ring, Quadrant, Option<&str>)> = chart
        .items
        .iter()
        .map(|p| (p.label.as_str(), p.ring, p.quadrant, p.note.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "Card terminals",
                Ring::Adopt,
                Quadrant::Devices,
                Some("Faster queues")
            ),
            ("Online booking", Ring::Trial, Quadrant::Software, None),
        ]
    );
    let svg = chart.svg();
    let doc = check(&svg);
    assert_eq!(radar_dots(&doc).len(), 2);
}

/// The spider chart: one spoke per section, a point per known score at its distance from the
/// centre (the rim 170 units from it at (360, 250): 50% on the first spoke, straight up, is at
/// y = 250 - 85 = 165), no point for a section not known (named "not known" instead), the
/// earlier assessment dashed; fewer than three sections say there is no data.
#[test]
fn the_spider_chart_puts_each_score_on_its_spoke() {
    let chart = Spider {
        title: "Scores by function".into(),
        axes: ["Govern", "Identify", "Protect", "Detect"]
            .map(String::from)
            .to_vec(),
        shapes: vec![
            (
                "2026-11-20".into(),
                vec![Some(0.5), Some(1.0), None, Some(0.0)],
            ),
            (
                "2026-05-01".into(),
                vec![Some(0.25), Some(0.5), Some(0.5), None],
            ),
        ],
    };
    let svg = chart.svg();
    let doc = check(&svg);
    assert_eq!(by_class(&doc, "spoke").len(), 4);
    assert_eq!(by_class(&doc, "ring").len(), 4);
    let points = by_class(&doc, "score");
    // 3 known now, 3 before.
    assert_eq!(points.len(), 6);
    let govern = points
        .iter()
        .find(|p| {
            p.descendants()
                .any(|d| d.text() == Some("2026-11-20, Govern: 50%"))
        })
        .expect("Govern's point");
    assert!((num(govern, "cx") - 360.0).abs() < 1e-6);
    assert!((num(govern, "cy") - 165.0).abs() < 1e-6);
    // Identify, the second of four spokes, points right: 100% is at x = 360 + 170.
    let identify = points
        .iter()
        .find(|p| {
            p.descendants()
                .any(|d| d.text() == Some("2026-11-20, Identify: 100%"))
        })
        .expect("Identify's point");
    assert!((num(identify, "cx") - 530.0).abs() < 1e-6);
    assert_eq!(by_class(&doc, "unknown").len(), 1);
    assert!(svg.contains("stroke-dasharray=\"6 4\""));
    assert_eq!(title_text(&doc), "Scores by function");
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap_or_default();
    assert!(
        desc.contains("2026-11-20: Govern 50%; Identify 100%; Protect not known; Detect 0%;"),
        "{desc}"
    );
    let few = Spider {
        axes: vec!["A".into(), "B".into()],
        ..chart
    };
    assert!(says_no_data(&check(&few.svg())));
}

/// Stacked bars: each category's parts in one column, each part starting where the one before
/// it ends (the second part's bottom is the first's top), the limit set against the whole.
#[test]
fn stacked_bars_put_each_part_on_the_one_before() {
    let chart = Bars {
        stacked: true,
        title: "Budget".into(),
        labels: vec!["2027".into(), "2028".into()],
        series: vec![
            BarSeries {
                name: "Systems".into(),
                values: vec![100.0, 50.0],
            },
            BarSeries {
                name: "One-time".into(),
                values: vec![50.0, 0.0],
            },
        ],
        limits: Some(Limits {
            name: "Budget".into(),
            values: vec![Some(120.0), None],
        }),
        unit: usd(),
    };
    let svg = chart.svg();
    let doc = check(&svg);
    let bars = by_class(&doc, "bar");
    let find = |tip: &str| {
        bars.iter()
            .find(|b| b.descendants().any(|d| d.text() == Some(tip)))
            .unwrap_or_else(|| panic!("no bar `{tip}` in {svg}"))
    };
    let (systems, one_time) = (find("Systems 2027: $100"), find("One-time 2027: $50"));
    assert!((num(one_time, "y") + num(one_time, "height") - num(systems, "y")).abs() < 0.11);
    assert!(
        (num(one_time, "x") - num(systems, "x")).abs() < 1e-9,
        "one column"
    );
    // Above the limit as a whole, but no part is marked: the parts are not the budget's.
    assert!(by_class(&doc, "bar over").is_empty());
    assert_eq!(by_class(&doc, "limit").len(), 1);
}
