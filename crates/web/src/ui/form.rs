//! Forms: reading a posted form ([`FormData`]), the messages beside each field ([`Errors`],
//! filled from the same checks the API answers with), and the fields themselves ([`Field`]),
//! each with its label, hint and error tied to the input for screen readers.

use std::collections::BTreeMap;

use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use sextant_core::calendar::{Period, Unit};
use sextant_core::unit::{DecimalMark, NumberError, parse_number};

use super::PageError;
use crate::error::ApiError;

/// The most a posted form may hold (file uploads go through multipart, not here).
const MAX_FORM: usize = 1024 * 1024;

/// A posted `application/x-www-form-urlencoded` form, its fields in order (a name may repeat:
/// check boxes).
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !form {
            return Err(PageError::Status(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Expected a form (application/x-www-form-urlencoded).".into(),
            )
            .into_response());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        if bytes.len() > MAX_FORM {
            return Err(PageError::Status(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The form is too large.".into(),
            )
            .into_response());
        }
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes)
            .map(|(k, v)| (k.into_owned(), v.replace("\r\n", "\n")))
            .collect();
        if let Some((k, _)) = pairs
            .iter()
            .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(PageError::Status(
                StatusCode::BAD_REQUEST,
                format!("The field `{}` holds a NUL character.", k.replace('\0', "")),
            )
            .into_response());
        }
        Ok(FormData(pairs))
    }
}

impl FormData {
    /// The field's text as sent ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The field's text, trimmed, or `None` when empty.
    pub fn opt(&self, name: &str) -> Option<String> {
        let v = self.get(name).trim();
        (!v.is_empty()).then(|| v.to_string())
    }

    /// Every value of a repeated field (check boxes), empty ones left out.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The form sent the field at all (even empty).
    pub fn sent(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// A box was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.sent(name)
    }

    /// The CSRF token sent.
    pub fn csrf(&self) -> &str {
        self.get("csrf")
    }

    /// The field's lines, each trimmed, empty ones left out (a list typed one per line).
    pub fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// An optional number: `None` when empty; an error beside the field when not a number.
    /// Thousands separators (`12,500`), a currency sign and a percent sign (`15%` is 0.15) are
    /// accepted; decimals are read with a point only: `12,5` is refused, never read as 125
    /// (a form that knows the organisation's locale calls [`FormData::number_in`]).
    pub fn number(&self, name: &str, errors: &mut Errors) -> Option<f64> {
        self.number_in(name, DecimalMark::Point, errors)
    }

    /// An optional number written as the organisation writes them (`12,5` where decimals take
    /// a comma); what it cannot read unambiguously is refused with a message saying what to
    /// type.
    pub fn number_in(&self, name: &str, mark: DecimalMark, errors: &mut Errors) -> Option<f64> {
        let raw = self.get(name).trim();
        if raw.is_empty() {
            return None;
        }
        let (digits, pct) = match raw.strip_suffix('%') {
            Some(d) => (d, true),
            None => (raw, false),
        };
        match parse_number(digits, mark) {
            Ok(x) => Some(if pct { x / 100.0 } else { x }),
            Err(NumberError::NotANumber) => {
                errors.add(name, format!("expected a number, found `{raw}`"));
                None
            }
            Err(NumberError::DecimalComma(point)) => {
                errors.add(
                    name,
                    format!("`{raw}`: write decimals with a point, e.g. {point}"),
                );
                None
            }
            Err(NumberError::Ambiguous(thousands, decimal)) => {
                let decimal = decimal.trim_end_matches('0').replace('.', ",");
                errors.add(
                    name,
                    format!(
                        "`{raw}` could be read two ways: write {thousands} for the whole number, \
                         or {decimal} for the decimal"
                    ),
                );
                None
            }
        }
    }

    /// A month in any spelling the workspace's period parser reads (`2027-03`, `Mar 2027`,
    /// `03/2027`), as the plan writes it (`2027-03`); `None`, with the parser's message (which
    /// names the accepted forms) beside the field, when it is not a month; `None` when empty.
    pub fn month(&self, name: &str, errors: &mut Errors) -> Option<String> {
        let raw = self.opt(name)?;
        match Period::parse_as(&raw, &[Unit::Month]) {
            Ok(p) => Some(p.to_string()),
            Err(e) => {
                errors.add(name, e.to_string());
                None
            }
        }
    }

    /// An optional whole number from `lo` to `hi`.
    pub fn whole(&self, name: &str, lo: i64, hi: i64, errors: &mut Errors) -> Option<i64> {
        let raw = self.get(name).trim();
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<i64>() {
            Ok(x) if (lo..=hi).contains(&x) => Some(x),
            _ => {
                errors.add(
                    name,
                    format!("expected a whole number from {lo} to {hi}, found `{raw}`"),
                );
                None
            }
        }
    }

    /// The id of a new entry (`a system`, `an initiative`): as typed, or when left empty made
    /// from the entry's name (the field `name_field`: `Point of sale` -> `point-of-sale`, with
    /// `-2`... when taken); not `new` (the address of the form that adds one) and not
    /// `taken`, else an error beside the `id` field.
    pub fn new_id(
        &self,
        noun: &str,
        name_field: &str,
        taken: impl Fn(&str) -> bool,
        errors: &mut Errors,
    ) -> String {
        let Some(id) = self.opt("id") else {
            let name = self.get(name_field).trim();
            if name.is_empty() {
                // The name's own "required" message says what is missing.
                return String::new();
            }
            let mut made = super::rows::id_from(name, &[]);
            let base = made.clone();
            let mut n = 1;
            while taken(&made) {
                n += 1;
                made = format!("{base}-{n}");
            }
            return made;
        };
        if id == "new" {
            errors.add(
                "id",
                format!("`new` is kept for the page that adds {noun}: choose another id"),
            );
        } else if taken(&id) {
            errors.add("id", format!("there is {noun} `{id}` already"));
        }
        id
    }

    /// A required text field: an error beside it when empty.
    pub fn required(&self, name: &str, errors: &mut Errors) -> String {
        match self.opt(name) {
            Some(v) => v,
            None => {
                errors.add(name, "this field is required");
                String::new()
            }
        }
    }
}

/// The messages of a form: beside their fields, or above the form when they belong to none.
#[derive(Debug, Clone, Default)]
pub struct Errors {
    fields: BTreeMap<String, Vec<String>>,
    general: Vec<String>,
}

impl Errors {
    /// No messages.
    pub fn new() -> Errors {
        Errors::default()
    }

    /// A message beside `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.fields
            .entry(field.to_string())
            .or_default()
            .push(message.into());
    }

    /// A message above the form.
    pub fn general(&mut self, message: impl Into<String>) {
        self.general.push(message.into());
    }

    /// No message at all.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    /// The messages of one field.
    pub fn of(&self, field: &str) -> &[String] {
        self.fields.get(field).map_or(&[], Vec::as_slice)
    }

    /// Takes a refused change's problems: each goes beside the field its path ends in, when the
    /// form has that field (`fields`), else above the form. `rename` maps a path's last part to
    /// the form's field name where they differ.
    pub fn from_api(&mut self, e: ApiError, fields: &[&str], rename: &[(&str, &str)]) {
        match e {
            ApiError::Invalid(detail, problems) => {
                if problems.is_empty() {
                    self.general(detail);
                }
                for p in problems {
                    // An end of a three-point estimate (`….cost.low`) goes beside that end's
                    // field (`cost_low`) when the form has the estimate.
                    let (last, end) = match p.path.rsplit_once('.') {
                        Some((parent, end @ ("low" | "likely" | "high"))) => {
                            (leaf(parent), Some(end).filter(|e| *e != "likely"))
                        }
                        _ => (leaf(&p.path), None),
                    };
                    let base = rename
                        .iter()
                        .find(|(from, _)| *from == last)
                        .map_or(last, |(_, to)| *to);
                    let mut message = p.message.clone();
                    if let Some(h) = &p.hint {
                        message = format!("{message} ({h})");
                    }
                    if fields.contains(&base) {
                        match end {
                            Some(end) => self.add(&format!("{base}_{end}"), message),
                            None => self.add(base, message),
                        }
                    } else if p.path.is_empty() {
                        self.general(message);
                    } else {
                        self.general(format!("{}: {message}", p.path));
                    }
                }
            }
            other => self.general(other.detail()),
        }
    }

    /// The messages above the form, with a count of those beside fields.
    pub fn summary(&self) -> Markup {
        if self.is_empty() {
            return html! {};
        }
        let beside: usize = self.fields.values().map(Vec::len).sum();
        html! {
            div.errors role="alert" {
                p { strong { "Nothing was saved." } @if beside > 0 { " Please correct the " (beside) " problem" @if beside > 1 { "s" } " marked below." } }
                @if !self.general.is_empty() {
                    ul { @for m in &self.general { li { (m) } } }
                }
            }
        }
    }
}

/// The last part of a field path: `goals[2].target` -> `target`, `reviews.date` -> `date`.
pub fn leaf(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    match last.find('[') {
        Some(i) if i > 0 => &last[..i],
        _ => last,
    }
}

/// What kind of input a field is.
#[derive(Debug, Clone)]
pub enum Kind {
    /// One line of text.
    Text,
    /// A number (`step` given).
    Number(&'static str),
    /// A calendar date.
    Date,
    /// A month, `YYYY-MM`.
    Month,
    /// An e-mail address.
    Email,
    /// A password.
    Password,
    /// Several lines.
    Textarea,
    /// One of several options: (value, label).
    Select(Vec<(String, String)>),
    /// A check box (value "on").
    Checkbox,
}

/// One field of a form.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    /// Its name (and id, prefixed `f-`).
    pub name: &'a str,
    /// Its label.
    pub label: &'a str,
    /// Its current value.
    pub value: String,
    /// What kind of input.
    pub kind: Kind,
    /// It must be filled.
    pub required: bool,
    /// A line of help under the label.
    pub hint: Option<&'a str>,
}

impl<'a> Field<'a> {
    /// A text field.
    pub fn text(name: &'a str, label: &'a str, value: impl Into<String>) -> Field<'a> {
        Field {
            name,
            label,
            value: value.into(),
            kind: Kind::Text,
            required: false,
            hint: None,
        }
    }

    /// Of another kind.
    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    /// Required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// With help under the label.
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// The field, its label, hint and messages.
    pub fn render(&self, errors: &Errors) -> Markup {
        let id = format!("f-{}", self.name);
        let msgs = errors.of(self.name);
        let err_id = format!("{id}-error");
        let hint_id = format!("{id}-hint");
        let described = match (self.hint.is_some(), !msgs.is_empty()) {
            (true, true) => Some(format!("{hint_id} {err_id}")),
            (true, false) => Some(hint_id.clone()),
            (false, true) => Some(err_id.clone()),
            (false, false) => None,
        };
        let invalid = (!msgs.is_empty()).then_some("true");
        html! {
            div.field.invalid[!msgs.is_empty()] {
                @if let Kind::Checkbox = self.kind {
                    label.check for=(id) {
                        input type="checkbox" id=(id) name=(self.name) value="on"
                            checked[self.value == "on" || self.value == "true"]
                            aria-describedby=[described.as_deref()];
                        " " (self.label)
                    }
                } @else {
                    label for=(id) { (self.label) @if self.required { span.req aria-hidden="true" { " *" } } }
                }
                @if let Some(h) = self.hint { p.hint id=(hint_id) { (h) } }
                @match &self.kind {
                    Kind::Checkbox => {}
                    Kind::Textarea => {
                        textarea id=(id) name=(self.name) rows="4" required[self.required]
                            aria-invalid=[invalid] aria-describedby=[described.as_deref()] { (self.value) }
                    }
                    Kind::Select(options) => {
                        select id=(id) name=(self.name) required[self.required]
                            aria-invalid=[invalid] aria-describedby=[described.as_deref()] {
                            @for (v, l) in options {
                                option value=(v) selected[*v == self.value] { (l) }
                            }
                        }
                    }
                    other => {
                        @let (ty, step) = match other {
                            Kind::Number(step) => ("text", Some(*step)),
                            Kind::Date => ("date", None),
                            Kind::Month => ("month", None),
                            Kind::Email => ("email", None),
                            Kind::Password => ("password", None),
                            _ => ("text", None),
                        };
                        input type=(ty) id=(id) name=(self.name) value=(self.value)
                            inputmode=[step.map(|_| "decimal")]
                            required[self.required]
                            aria-invalid=[invalid] aria-describedby=[described.as_deref()];
                    }
                }
                @if !msgs.is_empty() {
                    p.field-error id=(err_id) { @for m in msgs { (m) " " } }
                }
            }
        }
    }
}

/// A number for a plan's JSON: whole numbers without a fraction (`1500`, not `1500.0`).
pub fn json_number(x: f64) -> serde_json::Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        serde_json::json!(x as i64)
    } else {
        serde_json::json!(x)
    }
}

/// A field's text from a stored value: strings as they are, numbers written plainly, a
/// three-point estimate as its likely value.
pub fn text_of(v: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => num_value(n.as_f64()),
        Some(Value::Object(o)) => text_of(o.get("likely")),
        _ => String::new(),
    }
}

/// The names of an estimate's range fields: `cost` -> (`cost_low`, `cost_high`).
pub fn range_names(name: &str) -> (String, String) {
    (format!("{name}_low"), format!("{name}_high"))
}

/// A stored estimate as the form's three fields: the likely value under `name`, the range's
/// ends under `name_low` and `name_high` (empty for a single figure).
pub fn estimate_values(name: &str, stored: Option<&serde_json::Value>) -> [(String, String); 3] {
    let (low, high) = range_names(name);
    let end = |k: &str| match stored {
        Some(serde_json::Value::Object(o)) => text_of(o.get(k)),
        _ => String::new(),
    };
    [
        (name.to_string(), text_of(stored)),
        (low, end("low")),
        (high, end("high")),
    ]
}

impl FormData {
    /// An estimate: the likely value in `name`, and optionally the lowest and highest
    /// plausible values in `name_low` and `name_high` (a three-point estimate, which the
    /// simulation draws from). Both ends or neither; low <= likely <= high. A form that does
    /// not send the range fields at all (a script's post) keeps a stored range when its likely
    /// value comes back unchanged.
    pub fn estimate(
        &self,
        name: &str,
        stored: Option<&serde_json::Value>,
        errors: &mut Errors,
    ) -> Option<serde_json::Value> {
        self.three_point(name, stored, errors, |f, n, e| f.number(n, e))
    }

    /// An estimate of whole months from 1 to 1,200, as [`FormData::estimate`].
    pub fn months_estimate(
        &self,
        name: &str,
        stored: Option<&serde_json::Value>,
        errors: &mut Errors,
    ) -> Option<serde_json::Value> {
        self.three_point(name, stored, errors, |f, n, e| {
            f.whole(n, 1, 1200, e).map(|m| m as f64)
        })
    }

    fn three_point(
        &self,
        name: &str,
        stored: Option<&serde_json::Value>,
        errors: &mut Errors,
        read: impl Fn(&Self, &str, &mut Errors) -> Option<f64>,
    ) -> Option<serde_json::Value> {
        let (low_name, high_name) = range_names(name);
        let likely = read(self, name, errors);
        if !self.sent(&low_name) && !self.sent(&high_name) {
            let x = likely?;
            return match stored {
                Some(v @ serde_json::Value::Object(o))
                    if o.get("likely").and_then(serde_json::Value::as_f64) == Some(x) =>
                {
                    Some(v.clone())
                }
                _ => Some(json_number(x)),
            };
        }
        let typed = |n: &str| !self.get(n).trim().is_empty();
        let (low, high) = (
            read(self, &low_name, errors),
            read(self, &high_name, errors),
        );
        if !typed(name) {
            if typed(&low_name) || typed(&high_name) {
                errors.add(
                    name,
                    "a range needs its likely value too: give it, or leave the range empty",
                );
            }
            return None;
        }
        let x = likely?;
        match (typed(&low_name), typed(&high_name)) {
            (false, false) => return Some(json_number(x)),
            (true, false) => errors.add(
                &high_name,
                "give the highest plausible value too, or leave both ends empty",
            ),
            (false, true) => errors.add(
                &low_name,
                "give the lowest plausible value too, or leave both ends empty",
            ),
            (true, true) => {}
        }
        let (low, high) = (low?, high?);
        if low > x {
            errors.add(
                &low_name,
                format!(
                    "expected at most the likely value {}, found {}",
                    num_value(Some(x)),
                    num_value(Some(low))
                ),
            );
        }
        if high < x {
            errors.add(
                &high_name,
                format!(
                    "expected at least the likely value {}, found {}",
                    num_value(Some(x)),
                    num_value(Some(high))
                ),
            );
        }
        if low == x && x == high {
            return Some(json_number(x));
        }
        Some(serde_json::json!({
            "low": json_number(low),
            "likely": json_number(x),
            "high": json_number(high),
        }))
    }
}

/// An estimate's range fields, folded under a disclosure that is open when they hold a value
/// or a message: `label` is the estimate's own label, which each end's label repeats.
pub fn range(f: &FormData, name: &str, label: &str, step: &'static str, errors: &Errors) -> Markup {
    let (low, high) = range_names(name);
    let open = [&low, &high]
        .iter()
        .any(|n| !f.get(n).trim().is_empty() || !errors.of(n).is_empty());
    let (low_label, high_label) = (
        format!("{label}: lowest plausible"),
        format!("{label}: highest plausible"),
    );
    html! {
        details.range open[open] {
            summary { "Range (optional)" span.visually-hidden { " of " (label) } }
            p.hint { "If you are unsure, the lowest and highest values you find plausible: the simulation draws from the range. Leave both empty for a single figure." }
            div.row {
                (Field::text(&low, &low_label, f.get(&low)).kind(Kind::Number(step)).render(errors))
                (Field::text(&high, &high_label, f.get(&high)).kind(Kind::Number(step)).render(errors))
            }
        }
    }
}

/// The optional id of a new entry, under a disclosure: left empty, it is made from the name
/// ([`FormData::new_id`]); open when it holds a value or a message.
pub fn id_field(value: &str, example: &str, errors: &Errors) -> Markup {
    let hint = format!(
        "Left empty, it is made from the name. Letters, digits, -, _ and ., e.g. {example}; \
         the plan file and the API know the entry by it"
    );
    html! {
        details.more open[!value.is_empty() || !errors.of("id").is_empty()] {
            summary { "Short id (optional)" }
            (Field::text("id", "Id", value).hint(&hint).render(errors))
        }
    }
}

/// Select options from (value, label) pairs.
pub fn options(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}

/// A fieldset with one 0-3 strength per goal of the plan, each under `{key}.{goal}`
/// (`supports.online-sales`), 0 when not given.
pub fn goal_strengths(
    key: &str,
    legend: &str,
    goals: &[sextant_core::model::Goal],
    f: &FormData,
    errors: &Errors,
) -> Markup {
    let strengths = options(&[
        ("0", "0 – none"),
        ("1", "1 – weak"),
        ("2", "2 – clear"),
        ("3", "3 – strong"),
    ]);
    html! {
        @if !goals.is_empty() {
            fieldset {
                legend { (legend) }
                @for g in goals {
                    @let name = format!("{key}.{}", g.id);
                    @let v = f.get(&name);
                    (Field::text(&name, &g.title, if v.is_empty() { "0" } else { v })
                        .kind(Kind::Select(strengths.clone())).render(errors))
                }
            }
        }
    }
}

/// The goal strengths posted under `{key}.{goal}`, on top of the `stored` map: goals the plan
/// no longer has are kept as they were (the store names them), and a strength of 0 is kept
/// only when the plan stated it.
pub fn read_goal_strengths(
    key: &str,
    goals: &[sextant_core::model::Goal],
    f: &FormData,
    stored: Option<&serde_json::Value>,
    errors: &mut Errors,
) -> serde_json::Value {
    let before = stored
        .and_then(serde_json::Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut out = serde_json::Map::new();
    for (k, v) in &before {
        if !goals.iter().any(|g| g.id.as_str() == k) {
            out.insert(k.clone(), v.clone());
        }
    }
    for g in goals {
        let s = f
            .whole(&format!("{key}.{}", g.id), 0, 3, errors)
            .unwrap_or(0);
        if s > 0 || before.contains_key(g.id.as_str()) {
            out.insert(g.id.to_string(), serde_json::json!(s));
        }
    }
    serde_json::Value::Object(out)
}

/// A fieldset of check boxes for a repeated field, one per (value, label) of `items`, ticked
/// when in `checked`, with `none` shown when there are no items. A hidden empty value goes
/// first so that a form that ticks nothing still says it sent the field.
pub fn check_boxes(
    name: &str,
    legend: &str,
    items: &[(String, String)],
    checked: &[String],
    none: &str,
    errors: &Errors,
) -> Markup {
    let msgs = errors.of(name);
    let err_id = format!("f-{name}-error");
    html! {
        fieldset.field.invalid[!msgs.is_empty()] {
            legend { (legend) }
            input type="hidden" name=(name) value="";
            @if items.is_empty() {
                p.hint { (none) }
            }
            @for (value, label) in items {
                @let fid = format!("f-{name}-{value}");
                label.check for=(fid) {
                    input type="checkbox" id=(fid) name=(name) value=(value)
                        checked[checked.iter().any(|c| c == value)]
                        aria-describedby=[(!msgs.is_empty()).then_some(err_id.as_str())];
                    " " (label)
                }
            }
            @if !msgs.is_empty() {
                p.field-error id=(err_id) { @for m in msgs { (m) " " } }
            }
        }
    }
}

/// A value for a form field from an optional number.
pub fn num_value(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            format!("{v:.0}")
        } else {
            format!("{v}")
        }
    })
}

/// A share as people type it into a form: 0.095 is `9.5%` (`9,5%` where decimals are written
/// with a comma), which [`FormData::number_in`] reads back with the same `mark` as 0.095. Kept
/// to nine decimals of a percent, so that the product's rounding (9.500000000000002) is not
/// shown; a value that would not read back to the same number (more digits than that) is
/// shown as the fraction it is, so that saving an unchanged form changes nothing.
pub fn percent_text(x: Option<f64>, mark: DecimalMark) -> String {
    match x {
        Some(v) if v.is_finite() => {
            let p = (v * 100.0 * 1e9).round() / 1e9;
            let digits = num_value(Some(if p == 0.0 { 0.0 } else { p }));
            let digits = match mark {
                DecimalMark::Point => digits,
                // `2,125` could be two thousand one hundred and twenty-five: `2,1250` cannot.
                DecimalMark::Comma => match digits.split_once('.') {
                    Some((whole, part)) if part.len() == 3 => format!("{whole},{part}0"),
                    _ => digits.replace('.', ","),
                },
            };
            match parse_number(&digits, mark) {
                Ok(q) if (q / 100.0).to_bits() == v.to_bits() || (q == 0.0 && v == 0.0) => {
                    format!("{digits}%")
                }
                _ => num_value(x),
            }
        }
        other => num_value(other),
    }
}

/// Percent-encodes text for a URL's query.
pub fn url_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leaf_of_a_path_is_its_last_field() {
        assert_eq!(leaf("goals[2].target"), "target");
        assert_eq!(leaf("reviews.date"), "date");
        assert_eq!(leaf("depends_on[0]"), "depends_on");
        assert_eq!(leaf("title"), "title");
    }

    /// A share shown in a form is read back to the same bits: every percentage typed with up to
    /// three decimals (-120% to 120%), with either decimal mark, as the form reads it, shown and
    /// read again (every one shown as a percentage, none as a fraction).
    #[test]
    fn a_share_shown_as_a_percentage_reads_back_unchanged() {
        let (point, comma) = (DecimalMark::Point, DecimalMark::Comma);
        assert_eq!(percent_text(Some(0.095), point), "9.5%");
        assert_eq!(percent_text(Some(0.095), comma), "9,5%");
        assert_eq!(percent_text(Some(0.02125), comma), "2,1250%");
        assert_eq!(percent_text(Some(0.15), point), "15%");
        assert_eq!(percent_text(Some(-0.0), point), "0%");
        assert_eq!(percent_text(None, point), "");
        assert_eq!(percent_text(Some(f64::INFINITY), point), "inf");
        // More digits than a form keeps: the fraction as stored, which reads back as it is.
        assert_eq!(percent_text(Some(1.0 / 3.0), point), "0.3333333333333333");
        for mark in [point, comma] {
            let mut e = Errors::new();
            for k in -120_000..=120_000 {
                // With a comma, three decimals could be thousands (the form asks): four are not.
                let typed = match mark {
                    DecimalMark::Point => format!("{}%", f64::from(k) / 1000.0),
                    DecimalMark::Comma => {
                        format!("{:.4}%", f64::from(k) / 1000.0).replace('.', ",")
                    }
                };
                let f = FormData(vec![("x".into(), typed.clone())]);
                let x = f.number_in("x", mark, &mut e).expect(&typed);
                let shown = percent_text(Some(x), mark);
                assert!(shown.ends_with('%'), "{typed} was shown as {shown}");
                let g = FormData(vec![("x".into(), shown.clone())]);
                let y = g.number_in("x", mark, &mut e).expect(&shown);
                assert_eq!(x.to_bits(), y.to_bits(), "{typed} was shown as {shown}");
            }
            assert!(e.is_empty(), "{mark:?}");
        }
    }

    #[test]
    fn numbers_take_separators_signs_and_percent() {
        let f = FormData(vec![
            ("a".into(), "$12,500".into()),
            ("b".into(), "15%".into()),
            ("c".into(), "twelve".into()),
            ("d".into(), " ".into()),
        ]);
        let mut e = Errors::new();
        assert_eq!(f.number("a", &mut e), Some(12500.0));
        assert_eq!(f.number("b", &mut e), Some(0.15));
        assert_eq!(f.number("c", &mut e), None);
        assert_eq!(f.number("d", &mut e), None);
        assert_eq!(e.of("c"), ["expected a number, found `twelve`"]);
        assert!(e.of("d").is_empty());
    }

    /// "12,5" is never 125: a decimal comma where the organisation writes them, else refused
    /// with what to type.
    #[test]
    fn decimal_commas_are_read_or_refused_never_dropped() {
        let f = FormData(vec![
            ("a".into(), "12,5".into()),
            ("b".into(), "1,25".into()),
            ("c".into(), "12,500".into()),
            ("d".into(), "1.234,5".into()),
            ("e".into(), "12,5%".into()),
        ]);
        let mut e = Errors::new();
        assert_eq!(f.number("a", &mut e), None);
        assert_eq!(f.number("b", &mut e), None);
        assert_eq!(f.number("c", &mut e), Some(12_500.0));
        assert_eq!(f.number("d", &mut e), None);
        assert_eq!(
            e.of("a"),
            ["`12,5`: write decimals with a point, e.g. 12.5"]
        );
        assert_eq!(
            e.of("b"),
            ["`1,25`: write decimals with a point, e.g. 1.25"]
        );
        assert!(e.of("c").is_empty());
        assert_eq!(
            e.of("d"),
            ["`1.234,5`: write decimals with a point, e.g. 1234.5"]
        );

        let comma = DecimalMark::Comma;
        let mut e = Errors::new();
        assert_eq!(f.number_in("a", comma, &mut e), Some(12.5));
        assert_eq!(f.number_in("b", comma, &mut e), Some(1.25));
        assert_eq!(f.number_in("d", comma, &mut e), Some(1_234.5));
        assert_eq!(f.number_in("e", comma, &mut e), Some(0.125));
        assert_eq!(f.number_in("c", comma, &mut e), None);
        assert_eq!(
            e.of("c"),
            [
                "`12,500` could be read two ways: write 12500 for the whole number, or 12,5 for the decimal"
            ]
        );
        assert!(e.of("a").is_empty() && e.of("b").is_empty() && e.of("d").is_empty());
    }

    #[test]
    fn a_field_with_a_message_is_marked_invalid_and_described_by_it() {
        let mut e = Errors::new();
        e.add("target", "expected a number, found `x`");
        let html = Field::text("target", "Target", "x")
            .render(&e)
            .into_string();
        assert!(html.contains("aria-invalid=\"true\""), "{html}");
        assert!(
            html.contains("aria-describedby=\"f-target-error\""),
            "{html}"
        );
        assert!(html.contains("expected a number, found `x`"), "{html}");
        let html = Field::text("title", "Title", "<b>")
            .render(&e)
            .into_string();
        assert!(!html.contains("aria-invalid"), "{html}");
        assert!(html.contains("value=\"&lt;b&gt;\""), "{html}");
    }

    #[test]
    fn an_estimate_is_a_figure_or_a_range_and_a_script_keeps_the_stored_range() {
        let form = |pairs: &[(&str, &str)]| {
            FormData(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        };
        let stored = serde_json::json!({"low": 1200, "likely": 1500, "high": 2200});
        let mut e = Errors::new();
        // A range equal at both ends is a single figure.
        let f = form(&[("c", "1,500"), ("c_low", "1500"), ("c_high", "1500")]);
        assert_eq!(f.estimate("c", Some(&stored), &mut e), Some(1500.into()));
        // Both ends empty: the stored range is dropped.
        let f = form(&[("c", "1500"), ("c_low", ""), ("c_high", "")]);
        assert_eq!(f.estimate("c", Some(&stored), &mut e), Some(1500.into()));
        // No range fields at all (a script's post): kept while the likely value is unchanged.
        let f = form(&[("c", "1500")]);
        assert_eq!(f.estimate("c", Some(&stored), &mut e), Some(stored.clone()));
        let f = form(&[("c", "1600")]);
        assert_eq!(f.estimate("c", Some(&stored), &mut e), Some(1600.into()));
        let f = form(&[("c", "1.5"), ("c_low", "1"), ("c_high", "2.25")]);
        assert_eq!(
            f.estimate("c", None, &mut e),
            Some(serde_json::json!({"low": 1, "likely": 1.5, "high": 2.25}))
        );
        assert!(e.is_empty(), "{e:?}");
        // Months are whole.
        let f = form(&[("m", "3"), ("m_low", "2"), ("m_high", "7")]);
        assert_eq!(
            f.months_estimate("m", None, &mut e),
            Some(serde_json::json!({"low": 2, "likely": 3, "high": 7}))
        );
        let f = form(&[("m", "3"), ("m_low", "0"), ("m_high", "7")]);
        f.months_estimate("m", None, &mut e);
        assert_eq!(
            e.of("m_low"),
            ["expected a whole number from 1 to 1200, found `0`"]
        );
    }
}
