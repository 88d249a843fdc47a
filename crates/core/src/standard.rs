//! Standards and assessments: a **standard** is a data file of sections and questions
//! (controls), each with guidance, a weight and an optional remedy (a change that closes it);
//! an **assessment** answers each control for one business (met, partly, not met, not
//! applicable, unknown) and is scored by section and overall.
//!
//! Scores are weighted means: met counts 1, partly 0.5, not met 0, over the controls answered
//! one of those three. Not applicable leaves a control out. Unknown is never counted as met nor
//! as 0: it is left out of the score and reported beside it, as the share of the weight that is
//! known (`known`), so a score from half the controls says so.
//!
//! Standards shipped with Sextant are in `crates/core/standards/` (NIST CSF 2.0, the CISA
//! Cross-Sector Cybersecurity Performance Goals, the ACSC Essential Eight), each naming its
//! source and licence; a consultant adds their own as a file in the same format.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{Map, Value as Json, json};

use crate::decode::{Decode, Decoder, enum_value};
use crate::diag::{Location, Problem, Problems, did_you_mean};
use crate::model::{Date, Estimate, InitiativeKind};
use crate::source::{self, Node, Value};

/// The format version a standard or answers file declares (`format: 1`).
pub const FORMAT: u32 = 1;

/// A standard: what a business is assessed against.
#[derive(Debug, Clone, Serialize)]
pub struct Standard {
    /// Short id, e.g. `nist-csf-2.0`.
    pub id: String,
    /// Its name.
    pub title: String,
    /// Which edition, e.g. `2.0 (26 February 2024)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    /// Who publishes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Where it is published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Its licence.
    pub licence: String,
    /// The attribution its licence asks for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// The top-level sections.
    pub sections: Vec<Section>,
}

/// A section of a standard: controls, and sections of its own.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Its id, e.g. `PR` or `PR.AA`.
    pub id: String,
    /// Its name.
    pub title: String,
    /// What it is about, in a sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Its sections.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
    /// Its controls.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<Control>,
}

/// A question a business answers.
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    /// Its id, unique in the standard, e.g. `PR.AA-03`.
    pub id: String,
    /// Its published short name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The question.
    pub question: String,
    /// What "met" looks like.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
    /// How much it counts, 0 or more (default 1).
    pub weight: f64,
    /// A change that closes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy: Option<Remedy>,
}

/// A change that closes a control: an initiative in one click or one command.
#[derive(Debug, Clone, Serialize)]
pub struct Remedy {
    /// The change's title.
    pub title: String,
    /// `exploit` or `explore`.
    pub kind: InitiativeKind,
    /// One-time cost.
    pub one_time_cost: Estimate,
    /// Recurring cost a year.
    pub recurring_cost_annual: Estimate,
    /// Staff hours a month while it runs.
    pub effort_hours_per_month: f64,
    /// Months it takes.
    pub duration_months: u32,
}

impl Standard {
    /// Every control, with the ids of the top-level section and the section it is in.
    pub fn controls(&self) -> Vec<(&Section, &Section, &Control)> {
        fn walk<'a>(
            top: &'a Section,
            s: &'a Section,
            out: &mut Vec<(&'a Section, &'a Section, &'a Control)>,
        ) {
            for c in &s.controls {
                out.push((top, s, c));
            }
            for sub in &s.sections {
                walk(top, sub, out);
            }
        }
        let mut out = Vec::new();
        for s in &self.sections {
            walk(s, s, &mut out);
        }
        out
    }

    /// What a list of standards says of this one (`sextant standards --format json`, the API's
    /// `/standards`): id, title, edition, publisher, source, licence, attribution and counts.
    pub fn summary(&self) -> Json {
        json!({
            "id": self.id,
            "title": self.title,
            "edition": self.edition,
            "publisher": self.publisher,
            "source": self.source,
            "licence": self.licence,
            "attribution": self.attribution,
            "sections": self.sections.len(),
            "controls": self.controls().len(),
            "remedies": self.controls().iter().filter(|(_, _, c)| c.remedy.is_some()).count(),
        })
    }

    /// The control with this id.
    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls()
            .into_iter()
            .map(|(_, _, c)| c)
            .find(|c| c.id == id)
    }
}

// ---------------------------------------------------------------------------------------------
// Reading a standard
// ---------------------------------------------------------------------------------------------

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// A text field's value: a string, or a number or date written bare (`id: 1.5`).
pub(crate) struct Text(pub(crate) String);

impl Decode for Text {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        match &node.value {
            Value::Str(s) | Value::Number(s) => Some(Text(s.to_string())),
            other => {
                let p = d.problem(node, path, "expected a text");
                p.expected = Some("a text".into());
                p.found = Some(other.describe());
                None
            }
        }
    }
}

fn format_version(node: &Node, path: &str, d: &mut Decoder, f: Option<u32>) {
    if let Some(v) = f
        && v != FORMAT
    {
        let p = d.problem(node, &join(path, "format"), "unsupported format");
        p.expected = Some(format!("{FORMAT}"));
        p.found = Some(v.to_string());
    }
}

impl Decode for Remedy {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a remedy")?;
        let title: Option<Text> = f.req(d, "title");
        let kind = f.or(d, "kind", InitiativeKind::Exploit);
        let one_time_cost = f.req(d, "one_time_cost");
        let recurring_cost_annual = f.opt(d, "recurring_cost_annual");
        let effort: Option<f64> = f.opt(d, "effort_hours_per_month");
        let duration: Option<u32> = f.opt(d, "duration_months");
        f.finish(d);
        if effort.is_some_and(|e| !(0.0..=10_000.0).contains(&e)) {
            let p = d.problem(node, &join(path, "effort_hours_per_month"), "out of range");
            p.expected = Some("0 to 10,000 hours a month".into());
            p.found = effort.map(|e| e.to_string());
            return None;
        }
        if duration.is_some_and(|m| !(1..=120).contains(&m)) {
            let p = d.problem(node, &join(path, "duration_months"), "out of range");
            p.expected = Some("1 to 120 months".into());
            p.found = duration.map(|m| m.to_string());
            return None;
        }
        Some(Remedy {
            title: title?.0,
            kind,
            one_time_cost: one_time_cost?,
            recurring_cost_annual: recurring_cost_annual.unwrap_or_else(|| {
                Estimate::point(crate::model::Money(rust_decimal::Decimal::ZERO))
            }),
            effort_hours_per_month: effort.unwrap_or(0.0),
            duration_months: duration.unwrap_or(1),
        })
    }
}

impl Decode for Control {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a control")?;
        let id: Option<Text> = f.req(d, "id");
        let title: Option<Text> = f.opt(d, "title");
        let question: Option<Text> = f.req(d, "question");
        let guidance: Option<Text> = f.opt(d, "guidance");
        let weight: Option<f64> = f.opt(d, "weight");
        let remedy = f.opt(d, "remedy");
        f.finish(d);
        if let Some(w) = weight
            && !(0.0..=1000.0).contains(&w)
        {
            let at = match &node.value {
                Value::Map(e) => e
                    .iter()
                    .find(|(k, _)| &*k.name == "weight")
                    .map_or(node, |(_, v)| v),
                _ => node,
            };
            let p = d.problem(at, &join(path, "weight"), "a weight must be 0 or more");
            p.expected = Some("a number from 0 to 1,000 (1 when omitted)".into());
            p.found = Some(w.to_string());
            return None;
        }
        Some(Control {
            id: id?.0,
            title: title.map(|t| t.0),
            question: question?.0,
            guidance: guidance.map(|t| t.0),
            weight: weight.unwrap_or(1.0),
            remedy,
        })
    }
}

impl Decode for Section {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a section")?;
        let id: Option<Text> = f.req(d, "id");
        let title: Option<Text> = f.req(d, "title");
        let summary: Option<Text> = f.opt(d, "summary");
        let sections: Vec<Section> = f.many(d, "sections");
        let controls: Vec<Control> = f.many(d, "controls");
        f.finish(d);
        Some(Section {
            id: id?.0,
            title: title?.0,
            summary: summary.map(|t| t.0),
            sections,
            controls,
        })
    }
}

impl Decode for Standard {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a standard")?;
        let format: Option<u32> = f.req(d, "format");
        let id: Option<Text> = f.req(d, "id");
        let title: Option<Text> = f.req(d, "title");
        let edition: Option<Text> = f.opt(d, "edition");
        let publisher: Option<Text> = f.opt(d, "publisher");
        let src: Option<Text> = f.opt(d, "source");
        let licence: Option<Text> = f.req(d, "licence");
        let attribution: Option<Text> = f.opt(d, "attribution");
        let sections: Option<Vec<Section>> = f.req(d, "sections");
        f.finish(d);
        format_version(node, path, d, format);
        Some(Standard {
            id: id?.0,
            title: title?.0,
            edition: edition.map(|t| t.0),
            publisher: publisher.map(|t| t.0),
            source: src.map(|t| t.0),
            licence: licence?.0,
            attribution: attribution.map(|t| t.0),
            sections: sections?,
        })
    }
}

/// Where each id (sections and controls) is written, for the duplicate check.
fn id_positions(node: &Node, file: &std::sync::Arc<str>, out: &mut Vec<(String, Location)>) {
    match &node.value {
        Value::Map(entries) => {
            for (k, v) in entries.iter() {
                if &*k.name == "id"
                    && let Value::Str(s) | Value::Number(s) = &v.value
                {
                    out.push((s.to_string(), v.pos.location(file)));
                }
                if matches!(&*k.name, "sections" | "controls") {
                    id_positions(v, file, out);
                }
            }
        }
        Value::Seq(items) => {
            for i in items {
                id_positions(i, file, out);
            }
        }
        _ => {}
    }
}

fn sort(mut problems: Vec<Problem>) -> Problems {
    problems.sort_by(|a, b| {
        (a.location.line, a.location.column).cmp(&(b.location.line, b.location.column))
    });
    Problems(problems)
}

/// Reads a standard file: every problem with its line and column; ids (of sections and
/// controls) unique; at least one control.
pub fn load_standard(file: &str, text: &str) -> Result<Standard, Problems> {
    let root = source::parse(file, text).map_err(|p| Problems(vec![*p]))?;
    let mut d = Decoder::new(file, &root);
    let standard = Standard::decode(&root, "", &mut d);
    let mut problems = d.problems;
    let mut seen: HashMap<String, Location> = HashMap::new();
    let mut ids = Vec::new();
    let name: std::sync::Arc<str> = std::sync::Arc::from(file);
    id_positions(&root, &name, &mut ids);
    for (id, at) in ids {
        if let Some(first) = seen.get(&id) {
            problems.push(
                Problem::new(at, "", format!("the id `{id}` is used twice"))
                    .expected("an id used once in the standard")
                    .found(format!(
                        "`{id}` again (first at line {}, column {})",
                        first.line, first.column
                    )),
            );
        } else {
            seen.insert(id, at);
        }
    }
    if let Some(s) = &standard
        && problems.is_empty()
        && s.controls().is_empty()
    {
        problems.push(
            Problem::new(
                root.pos.location(&name),
                "sections",
                "the standard has no controls",
            )
            .expected("sections with `controls:`"),
        );
    }
    match standard {
        Some(s) if problems.is_empty() => Ok(s),
        _ => Err(sort(problems)),
    }
}

/// The standards shipped with Sextant: (file name, text).
pub const SHIPPED: [(&str, &str); 3] = [
    (
        "nist-csf-2.0.yaml",
        include_str!("../standards/nist-csf-2.0.yaml"),
    ),
    ("cisa-cpg.yaml", include_str!("../standards/cisa-cpg.yaml")),
    (
        "essential-eight.yaml",
        include_str!("../standards/essential-eight.yaml"),
    ),
];

/// The shipped standards, read once per process (each is tested to read without a problem):
/// a page scoring many assessments does not parse the files again for each.
pub fn shipped() -> &'static [Standard] {
    static READ: std::sync::OnceLock<Vec<Standard>> = std::sync::OnceLock::new();
    READ.get_or_init(|| {
        SHIPPED
            .iter()
            .filter_map(|(file, text)| load_standard(file, text).ok())
            .collect()
    })
}

// ---------------------------------------------------------------------------------------------
// Answers and scores
// ---------------------------------------------------------------------------------------------

/// How a business meets a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Fully.
    Met,
    /// In part (counts half).
    Partly,
    /// Not at all.
    NotMet,
    /// Does not apply to this business (left out of the score).
    NotApplicable,
    /// Nobody knows yet (left out of the score, reported beside it).
    Unknown,
}

impl Answer {
    /// Every answer, with the word the files use.
    pub const ALL: [(&'static str, Answer); 5] = [
        ("met", Answer::Met),
        ("partly", Answer::Partly),
        ("not_met", Answer::NotMet),
        ("not_applicable", Answer::NotApplicable),
        ("unknown", Answer::Unknown),
    ];

    /// The word the files use.
    pub fn word(self) -> &'static str {
        Answer::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("unknown", |(w, _)| w)
    }

    /// In words, as people are shown it.
    pub fn label(self) -> &'static str {
        match self {
            Answer::Met => "Met",
            Answer::Partly => "Partly",
            Answer::NotMet => "Not met",
            Answer::NotApplicable => "Does not apply",
            Answer::Unknown => "Not known yet",
        }
    }

    /// The word's answer.
    pub fn parse(s: &str) -> Option<Answer> {
        Answer::ALL
            .iter()
            .find(|(w, _)| *w == s.trim())
            .map(|(_, a)| *a)
    }

    /// What it counts for in a score; `None` when it is left out.
    pub fn value(self) -> Option<f64> {
        match self {
            Answer::Met => Some(1.0),
            Answer::Partly => Some(0.5),
            Answer::NotMet => Some(0.0),
            Answer::NotApplicable | Answer::Unknown => None,
        }
    }
}

impl Decode for Answer {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        enum_value(node, path, d, &Answer::ALL)
    }
}

/// One control's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    /// The answer.
    pub answer: Answer,
    /// What the assessor noted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where the evidence is (a link or a document's name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

impl Decode for Response {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        if !matches!(node.value, Value::Map(_)) {
            return Answer::decode(node, path, d).map(|answer| Response {
                answer,
                note: None,
                evidence: None,
            });
        }
        let mut f = d.fields(node, path, "an answer: a word, or {answer, note, evidence}")?;
        let answer = f.req(d, "answer");
        let note: Option<Text> = f.opt(d, "note");
        let evidence: Option<Text> = f.opt(d, "evidence");
        f.finish(d);
        Some(Response {
            answer: answer?,
            note: note.map(|t| t.0),
            evidence: evidence.map(|t| t.0),
        })
    }
}

/// An assessment's answers, as written in an answers file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answers {
    /// The standard's id.
    pub standard: String,
    /// The business assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// When.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Who assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessor: Option<String>,
    /// Each control's answer by its id; a control not here is unknown.
    pub answers: BTreeMap<String, Response>,
}

/// The standard an answers file names (its `standard:` key), read from the document as
/// [`load_answers`] reads it, in YAML or JSON: `None` when it names none (or names it with
/// something other than text). A file that cannot be parsed at all gives the parser's problem.
pub fn answers_standard(file: &str, text: &str) -> Result<Option<String>, Problems> {
    let root = source::parse(file, text).map_err(|p| Problems(vec![*p]))?;
    let Value::Map(entries) = &root.value else {
        return Ok(None);
    };
    Ok(entries
        .iter()
        .find(|(k, _)| &*k.name == "standard")
        .and_then(|(_, v)| match &v.value {
            Value::Str(s) | Value::Number(s) => Some(s.trim().to_string()),
            _ => None,
        })
        .filter(|s| !s.is_empty()))
}

/// Reads an answers file against `standard` (the one the file names is checked to be it): every
/// problem with its line and column, an answer for a control the standard lacks named with the
/// closest id it has.
pub fn load_answers(file: &str, text: &str, standard: &Standard) -> Result<Answers, Problems> {
    let root = source::parse(file, text).map_err(|p| Problems(vec![*p]))?;
    let mut d = Decoder::new(file, &root);
    let known: Vec<&str> = standard
        .controls()
        .into_iter()
        .map(|(_, _, c)| c.id.as_str())
        .collect();
    let answers = (|| {
        let mut f = d.fields(&root, "", "an assessment's answers")?;
        let format: Option<u32> = f.req(&mut d, "format");
        let std_id: Option<Text> = f.req(&mut d, "standard");
        let organization: Option<Text> = f.opt(&mut d, "organization");
        let date: Option<Date> = f.opt(&mut d, "date");
        let assessor: Option<Text> = f.opt(&mut d, "assessor");
        let answers_node = match &root.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| &*k.name == "answers")
                .map(|(_, v)| v),
            _ => None,
        };
        f.skip("answers");
        f.finish(&mut d);
        format_version(&root, "", &mut d, format);
        let std_id = std_id?.0;
        if std_id != standard.id {
            let at = match &root.value {
                Value::Map(entries) => entries
                    .iter()
                    .find(|(k, _)| &*k.name == "standard")
                    .map_or(&root, |(_, v)| v),
                _ => &root,
            };
            let p = d.problem(at, "standard", "the answers are for another standard");
            p.expected = Some(format!("`{}`", standard.id));
            p.found = Some(format!("`{std_id}`"));
        }
        let mut answers = BTreeMap::new();
        match answers_node.map(|n| &n.value) {
            None | Some(Value::Null) => {}
            Some(Value::Map(entries)) => {
                for (k, v) in entries.iter() {
                    let path = format!("answers.{}", k.name);
                    if !known.contains(&&*k.name) {
                        let mut p = Problem::new(
                            d.loc(k.pos),
                            path.clone(),
                            format!("`{}` is not a control of {}", k.name, standard.id),
                        )
                        .expected(format!("a control id of {}", standard.title))
                        .found(format!("`{}`", k.name));
                        if let Some(s) = did_you_mean(&k.name, known.iter().copied()) {
                            p = p.hint(format!("did you mean `{s}`?"));
                        }
                        d.push(p);
                        continue;
                    }
                    if answers.contains_key(&*k.name) {
                        let p = d.problem(v, &path, format!("`{}` is answered twice", k.name));
                        p.expected = Some("one answer for each control".into());
                        continue;
                    }
                    if let Some(r) = Response::decode(v, &path, &mut d) {
                        answers.insert(k.name.to_string(), r);
                    }
                }
            }
            Some(other) => {
                let n = answers_node.unwrap_or(&root);
                let p = d.problem(n, "answers", "expected a mapping of control ids to answers");
                p.expected = Some("`answers:` with `CONTROL-ID: met` lines".into());
                p.found = Some(other.describe());
            }
        }
        Some(Answers {
            standard: std_id,
            organization: organization.map(|t| t.0),
            date,
            assessor: assessor.map(|t| t.0),
            answers,
        })
    })();
    match answers {
        Some(a) if d.problems.is_empty() => Ok(a),
        _ => Err(sort(d.problems)),
    }
}

/// A score: of a section, or overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// The section's id (`overall` for the whole standard).
    pub id: String,
    /// Its title.
    pub title: String,
    /// The weighted mean of the answered controls (met 1, partly 0.5, not met 0), 0-1; `None`
    /// when none is answered.
    pub score: Option<f64>,
    /// The share of the weight that is answered (not unknown), of the weight that applies; 0-1.
    pub known: f64,
    /// Controls met.
    pub met: usize,
    /// Controls partly met.
    pub partly: usize,
    /// Controls not met.
    pub not_met: usize,
    /// Controls that do not apply.
    pub not_applicable: usize,
    /// Controls not known yet.
    pub unknown: usize,
    /// Its sections' scores.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Score>,
}

/// A control not met or partly met, for the table of what to fix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// The control.
    pub control: String,
    /// Its top-level section's id.
    pub section: String,
    /// The question.
    pub question: String,
    /// Not met or partly.
    pub answer: Answer,
    /// Its weight.
    pub weight: f64,
    /// Whether it has a remedy (a change that closes it).
    pub has_remedy: bool,
}

/// A scored assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    /// The standard's id.
    pub standard: String,
    /// The standard's title.
    pub title: String,
    /// When, as answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Who assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessor: Option<String>,
    /// Overall, with the top-level sections (and theirs) under it.
    pub overall: Score,
    /// Controls not met or partly met, the heaviest first (then by id).
    pub gaps: Vec<Gap>,
}

fn score_section(s: &Section, answers: &BTreeMap<String, Response>) -> Score {
    let answer = |c: &Control| answers.get(&c.id).map_or(Answer::Unknown, |r| r.answer);
    let mut out = Score {
        id: s.id.clone(),
        title: s.title.clone(),
        score: None,
        known: 0.0,
        met: 0,
        partly: 0,
        not_met: 0,
        not_applicable: 0,
        unknown: 0,
        sections: s
            .sections
            .iter()
            .map(|x| score_section(x, answers))
            .collect(),
    };
    let (mut sum, mut answered, mut applies) = (0.0, 0.0, 0.0);
    let mut add = |a: Answer, w: f64, out: &mut Score| {
        match a {
            Answer::Met => out.met += 1,
            Answer::Partly => out.partly += 1,
            Answer::NotMet => out.not_met += 1,
            Answer::NotApplicable => out.not_applicable += 1,
            Answer::Unknown => out.unknown += 1,
        }
        if a != Answer::NotApplicable {
            applies += w;
        }
        if let Some(v) = a.value() {
            sum += w * v;
            answered += w;
        }
    };
    // Every control below this section counts once, its own and its sections' alike.
    fn all<'a>(s: &'a Section, out: &mut Vec<&'a Control>) {
        out.extend(s.controls.iter());
        for x in &s.sections {
            all(x, out);
        }
    }
    let mut controls = Vec::new();
    all(s, &mut controls);
    for c in controls {
        add(answer(c), c.weight, &mut out);
    }
    out.score = (answered > 0.0).then(|| sum / answered);
    out.known = if applies > 0.0 {
        answered / applies
    } else {
        0.0
    };
    out
}

/// Scores `answers` against `standard`: per section (nested as the standard is) and overall,
/// and the controls not met or partly met, heaviest first.
pub fn score(standard: &Standard, answers: &Answers) -> Scored {
    let whole = Section {
        id: "overall".into(),
        title: standard.title.clone(),
        summary: None,
        sections: standard.sections.clone(),
        controls: Vec::new(),
    };
    let overall = score_section(&whole, &answers.answers);
    let mut gaps: Vec<Gap> = standard
        .controls()
        .into_iter()
        .filter_map(|(top, _, c)| {
            let a = answers.answers.get(&c.id)?.answer;
            matches!(a, Answer::NotMet | Answer::Partly).then(|| Gap {
                control: c.id.clone(),
                section: top.id.clone(),
                question: c.question.clone(),
                answer: a,
                weight: c.weight,
                has_remedy: c.remedy.is_some(),
            })
        })
        .collect();
    gaps.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then(
                a.answer
                    .value()
                    .partial_cmp(&b.answer.value())
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
            .then_with(|| a.control.cmp(&b.control))
    });
    Scored {
        standard: standard.id.clone(),
        title: standard.title.clone(),
        date: answers.date,
        assessor: answers.assessor.clone(),
        overall,
        gaps,
    }
}

/// `s` as lower-case letters, digits and single dashes (`NIST CSF 2.0/PR.AA-03` is
/// `nist-csf-2-0-pr-aa-03`): the ids made from names and serial numbers.
pub(crate) fn slug(s: &str) -> String {
    let dashed: String = s
        .chars()
        .map(|ch| {
            if ch.is_alphanumeric() {
                ch.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    dashed
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The initiative (in the plan file's form) that closes control `control` of `standard` with
/// its remedy; it serves `goal` with strength 2 when one is given. `None` when the control has
/// no remedy.
pub fn remedy_initiative(standard: &Standard, control: &str, goal: Option<&str>) -> Option<Json> {
    let c = standard.control(control)?;
    let r = c.remedy.as_ref()?;
    let slug = slug(&format!("{}-{}", standard.id, c.id));
    // Whole amounts written whole (`300`, not `300.0`).
    let number = |x: f64| {
        if x.fract() == 0.0 && x.abs() < 1e15 {
            json!(x as i64)
        } else {
            json!(x)
        }
    };
    let estimate = |e: &Estimate| {
        if e.low == e.likely && e.likely == e.high {
            number(e.likely.to_f64())
        } else {
            json!({"low": number(e.low.to_f64()), "likely": number(e.likely.to_f64()), "high": number(e.high.to_f64())})
        }
    };
    let mut contributes = Map::new();
    if let Some(g) = goal {
        contributes.insert(g.to_string(), json!(2));
    }
    let mut init = json!({
        "id": format!("fix-{slug}"),
        "title": r.title,
        "description": format!("Closes {} {}: {}", standard.title, c.id, c.question),
        "duration_months": r.duration_months,
        "one_time_cost": estimate(&r.one_time_cost),
        "recurring_cost_annual": estimate(&r.recurring_cost_annual),
        "effort_hours_per_month": number(r.effort_hours_per_month),
        "contributes": contributes,
    });
    if r.kind == InitiativeKind::Explore {
        init["kind"] = json!("explore");
    }
    Some(init)
}
