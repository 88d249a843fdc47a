//! The initiative form: adding, changing and deleting an initiative, its estimates and benefits.

use super::*;

/// The form's values from a stored initiative.
pub(super) fn form_of(v: &Value) -> FormData {
    let mut out: Vec<(String, String)> = [
        "id",
        "title",
        "description",
        "kind",
        "status",
        "owner",
        "effort_hours_per_month",
        "start",
        "done_by",
        "alternative_group",
        "vendor",
        "training",
        "change_plan",
        "started",
        "launched",
        "actual_cost",
    ]
    .iter()
    .map(|n| (n.to_string(), text_of(v.get(*n))))
    .collect();
    for n in ESTIMATES {
        out.extend(estimate_values(n, v.get(n)));
    }
    if let Some(Value::Array(systems)) = v.get("replaces") {
        for s in systems {
            out.push(("replaces".into(), text_of(Some(s))));
        }
    }
    if let Some(Value::Array(deps)) = v.get("depends_on") {
        for d in deps {
            out.push(("depends_on".into(), text_of(Some(d))));
        }
    }
    if let Some(Value::Array(benefits)) = v.get("benefits") {
        for (i, b) in benefits.iter().enumerate() {
            for part in ["kind", "goal", "description"] {
                out.push((benefit_field(part, i), text_of(b.get(part))));
            }
            out.extend(estimate_values(
                &benefit_field("annual", i),
                b.get("annual"),
            ));
        }
    }
    if let Some(Value::Object(m)) = v.get("contributes") {
        for (g, s) in m {
            out.push((format!("contributes.{g}"), text_of(Some(s))));
        }
    }
    if v.get("mandatory").and_then(Value::as_bool) == Some(true) {
        out.push(("mandatory".into(), "on".into()));
    }
    if v.get("handles_customer_data").and_then(Value::as_bool) == Some(true) {
        out.push(("handles_customer_data".into(), "on".into()));
    }
    out.push((
        "affects_staff".into(),
        match v.get("affects_staff").and_then(Value::as_bool) {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        }
        .into(),
    ));
    if let Some(c) = v.get("cash_flows") {
        out.push(("cash_flow_period".into(), text_of(c.get("period"))));
        let values: Vec<String> = c
            .get("values")
            .and_then(Value::as_array)
            .map(|vs| vs.iter().map(|x| text_of(Some(x))).collect())
            .unwrap_or_default();
        out.push(("cash_flows".into(), values.join("; ")));
    }
    FormData(out)
}

/// The initiative form: `id` is the initiative being edited (`None` for a new one).
pub(super) fn form_page(
    org: &OrgPage,
    doc: &PlanDoc,
    id: Option<&str>,
    stored: Option<&Value>,
    f: &FormData,
    errors: &Errors,
) -> Markup {
    let get = |n: &str| f.get(n).to_string();
    let action = match id {
        Some(id) => org.url(&format!("initiatives/{id}/edit")),
        None => org.url("initiatives/new"),
    };
    let stored_benefits: &[Value] = stored
        .and_then(|s| s.get("benefits"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    // One row per benefit, and one more to add a benefit; the names and legends they use.
    let rows: Vec<([String; 4], String)> = (0..=stored_benefits.len())
        .map(|i| {
            let legend = if i < stored_benefits.len() {
                format!("Benefit {}", i + 1)
            } else if i == 0 {
                "Benefit".to_string()
            } else {
                "Another benefit".to_string()
            };
            (
                ["kind", "annual", "goal", "description"].map(|p| benefit_field(p, i)),
                legend,
            )
        })
        .collect();
    // An estimate's field with its range under it.
    let estimate = |name: &str, label: &str, step: &'static str, required: bool| -> Markup {
        let field = Field::text(name, label, get(name)).kind(Kind::Number(step));
        let field = if required { field.required() } else { field };
        html! {
            div.estimate {
                (field.render(errors))
                (range(f, name, label, step, errors))
            }
        }
    };
    let others: Vec<(String, String)> = doc
        .initiatives
        .iter()
        .filter(|i| Some(i.id.as_str()) != id)
        .map(|i| (i.id.to_string(), i.title.clone()))
        .collect();
    let systems: Vec<(String, String)> = doc
        .systems
        .iter()
        .map(|s| (s.id.to_string(), s.name.clone()))
        .collect();
    let mut goals = vec![(String::new(), "No goal".to_string())];
    goals.extend(
        doc.goals
            .iter()
            .map(|g| (g.id.to_string(), g.title.clone())),
    );
    let or_default = |n: &str, d: &str| {
        let v = get(n);
        if v.is_empty() { d.to_string() } else { v }
    };
    html! {
        (errors.summary())
        form method="post" action=(action) {
            (org.viewer.csrf_field())
            (Field::text("title", "Title", get("title")).required().render(errors))
            @if id.is_none() { (super::super::form::id_field(&get("id"), "crm", errors)) }
            (Field::text("description", "Description", get("description")).kind(Kind::Textarea).render(errors))
            div.row {
                (Field::text("kind", "Kind", or_default("kind", "exploit")).kind(Kind::Select(options(&[
                    ("exploit", "Exploit: today's business better"),
                    ("explore", "Explore: new business"),
                ]))).render(errors))
                (Field::text("status", "Status", or_default("status", "candidate")).kind(Kind::Select(
                    STATUSES.iter().map(|(k, v)| (v.to_string(), k.label().to_string())).collect()
                )).render(errors))
                (Field::text("owner", "Owner", get("owner")).render(errors))
            }
            div.row {
                (estimate("one_time_cost", "One-time cost", "any", false))
                (estimate("recurring_cost_annual", "Recurring cost a year", "any", false))
            }
            div.row {
                (estimate("duration_months", "Duration, months", "1", true))
                (Field::text("effort_hours_per_month", "Staff hours a month while it is done", get("effort_hours_per_month")).kind(Kind::Number("any")).render(errors))
            }
            (check_boxes("depends_on", "Depends on", &others, &f.all("depends_on"), "No other initiative yet.", errors))
            @for ([kind, annual, goal, description], legend) in &rows {
                fieldset {
                    legend { (legend) }
                    div.row {
                        (Field::text(kind, "Kind of benefit", or_default(kind, "revenue")).kind(Kind::Select(options(&[
                            ("revenue", "Revenue (extra sales)"),
                            ("saving", "Saving (lower costs)"),
                        ]))).render(errors))
                        div.estimate {
                            (Field::text(annual, "Amount a year", get(annual)).kind(Kind::Number("any"))
                                .hint("Leave the amount empty for none").render(errors))
                            (range(f, annual, &format!("{legend}, amount a year"), "any", errors))
                        }
                        (Field::text(goal, "Goal it serves", get(goal)).kind(Kind::Select(goals.clone())).render(errors))
                    }
                    (Field::text(description, "What it is", get(description)).hint("e.g. No more hand stock counts").render(errors))
                }
            }
            (goal_strengths("contributes", "How strongly it serves each goal (a goal a benefit names counts as 2 unless you say)", &doc.goals, f, errors))
            fieldset {
                legend { "Scheduling" }
                (Field::text("mandatory", "Mandatory: the roadmap must schedule it", get("mandatory")).kind(Kind::Checkbox).render(errors))
                div.row {
                    (Field::text("start", "Fixed start month", get("start")).kind(Kind::Month)
                        .hint("Leave empty to let the roadmap choose the month").render(errors))
                    (Field::text("done_by", "Done by (a deadline)", get("done_by")).kind(Kind::Month)
                        .hint("The month it must be live by, e.g. before the support of what it replaces ends: the roadmap then schedules it in time").render(errors))
                }
                div.row {
                    (Field::text("alternative_group", "Alternative group", get("alternative_group"))
                        .hint("Initiatives with the same group are alternatives: the roadmap picks at most one").render(errors))
                }
                (check_boxes("replaces", "Systems it replaces", &systems, &f.all("replaces"), "No system in the inventory yet.", errors))
            }
            details.more open[!get("vendor").is_empty() || !get("training").is_empty() || !get("change_plan").is_empty()] {
                summary { "People, vendor and customer data" }
                div.row {
                    (Field::text("vendor", "Vendor", get("vendor")).hint("Who supplies it").render(errors))
                    (Field::text("affects_staff", "Changes how staff work", get("affects_staff")).kind(Kind::Select(options(&[
                        ("", "Decide from what it replaces"),
                        ("yes", "Yes"),
                        ("no", "No"),
                    ]))).hint("If yes, the health checks ask for training and a change plan").render(errors))
                }
                input type="hidden" name="shown" value="handles_customer_data";
                (Field::text("handles_customer_data", "It stores or handles customer data", get("handles_customer_data")).kind(Kind::Checkbox)
                    .hint("The health checks then ask for a security risk and its mitigation").render(errors))
                (Field::text("training", "Training", get("training")).kind(Kind::Textarea).hint("Who learns what, and how").render(errors))
                (Field::text("change_plan", "Change plan", get("change_plan")).kind(Kind::Textarea).hint("How the change is introduced: who is told what, when, and who helps").render(errors))
            }
            details.more open[!get("cash_flows").is_empty()] {
                summary { "Cash flows of your own" }
                p.hint { "Only if you know the money better than the costs and benefits above say it: the net amount of each period from its start, spend negative, e.g. " code { "-3000; 500; 1200; 1200" } ". The business case then uses these figures." }
                div.row {
                    (Field::text("cash_flow_period", "Each figure is a", or_default("cash_flow_period", "year")).kind(Kind::Select(options(&[
                        ("month", "Month"), ("quarter", "Quarter"), ("year", "Year"),
                    ]))).render(errors))
                    (Field::text("cash_flows", "Net amounts, semicolons between", get("cash_flows")).render(errors))
                }
            }
            @if id.is_some() {
                fieldset {
                    legend { "Once it is under way" }
                    p.hint { "Set the status to done when it is live: the dashboard then compares the gain it was expected to bring with what the goals' figures show." }
                    div.row {
                        (Field::text("started", "Work began on", get("started")).kind(Kind::Date).render(errors))
                        (Field::text("launched", "Went live on", get("launched")).kind(Kind::Date).render(errors))
                        (Field::text("actual_cost", "What it cost in the end", get("actual_cost")).kind(Kind::Number("any"))
                            .hint("The one-time cost actually paid").render(errors))
                    }
                }
            }
            button type="submit" { @if id.is_some() { "Save" } @else { "Add the initiative" } }
            " " a href=(match id { Some(id) => org.url(&format!("initiatives/{id}")), None => org.url("initiatives") }) { "Cancel" }
        }
    }
}

/// The initiative as JSON from the form, on top of the stored one (fields the form does not
/// show stay as they are).
pub(super) fn initiative_json(
    f: &FormData,
    doc: &PlanDoc,
    stored: Option<&Value>,
    id: &str,
    errors: &mut Errors,
) -> Value {
    let mut body = match stored {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    let old = |k: &str| stored.and_then(|s| s.get(k)).cloned();
    body.insert("id".into(), json!(id));
    let title = f.required("title", errors);
    body.insert("title".into(), json!(title));
    let kind = match f.get("kind") {
        "" | "exploit" => "exploit",
        "explore" => "explore",
        other => {
            errors.add(
                "kind",
                format!("expected exploit or explore, found `{other}`"),
            );
            "exploit"
        }
    };
    body.insert("kind".into(), json!(kind));
    let status = match f.get("status") {
        "" => "candidate",
        s => match STATUSES.iter().find(|(_, v)| *v == s) {
            Some((_, v)) => v,
            None => {
                errors.add(
                    "status",
                    format!(
                        "expected one of {}, found `{s}`",
                        STATUSES.map(|(_, v)| v).join(", ")
                    ),
                );
                "candidate"
            }
        },
    };
    body.insert("status".into(), json!(status));
    let one_time = f.estimate("one_time_cost", old("one_time_cost").as_ref(), errors);
    let recurring = f.estimate(
        "recurring_cost_annual",
        old("recurring_cost_annual").as_ref(),
        errors,
    );
    let duration = match f.opt("duration_months") {
        None => {
            errors.add("duration_months", "this field is required");
            None
        }
        Some(_) => f.months_estimate("duration_months", old("duration_months").as_ref(), errors),
    };
    let effort = f.number("effort_hours_per_month", errors);
    let stored_benefits: Vec<Value> = old("benefits")
        .and_then(|b| b.as_array().cloned())
        .unwrap_or_default();
    // One row per stored benefit and one more for a new one; a row left without an amount
    // removes that benefit.
    let mut benefits = Vec::new();
    for i in 0..=stored_benefits.len() {
        let (kind_field, annual_field, goal_field) = (
            benefit_field("kind", i),
            benefit_field("annual", i),
            benefit_field("goal", i),
        );
        let kind = match f.get(&kind_field) {
            "" | "revenue" => "revenue",
            "saving" => "saving",
            other => {
                errors.add(
                    &kind_field,
                    format!("expected revenue or saving, found `{other}`"),
                );
                "revenue"
            }
        };
        let stored = stored_benefits.get(i);
        // A row the form did not send at all (a script's post) keeps its benefit.
        if let Some(b) = stored
            && !f.0.iter().any(|(k, _)| *k == annual_field)
        {
            benefits.push(b.clone());
            continue;
        }
        let Some(annual) = f.estimate(&annual_field, stored.and_then(|b| b.get("annual")), errors)
        else {
            continue;
        };
        let mut b = match stored {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        b.insert("kind".into(), json!(kind));
        b.insert("annual".into(), annual);
        match f.opt(&goal_field) {
            Some(g) => b.insert("goal".into(), json!(g)),
            None => b.remove("goal"),
        };
        let description_field = benefit_field("description", i);
        if f.sent(&description_field) {
            match f.opt(&description_field) {
                Some(d) => b.insert("description".into(), json!(d)),
                None => b.remove("description"),
            };
        }
        benefits.push(Value::Object(b));
    }
    let mut contributes = read_goal_strengths(
        "contributes",
        &doc.goals,
        f,
        old("contributes").as_ref(),
        errors,
    );
    // A benefit toward a goal says the initiative serves it: a clear strength (2) unless the
    // form gave one, so the owner does not answer the same question twice.
    if let Some(m) = contributes.as_object_mut() {
        for b in &benefits {
            if let Some(g) = b.get("goal").and_then(Value::as_str)
                && !m.contains_key(g)
            {
                m.insert(g.to_string(), json!(2));
            }
        }
    }
    let mut opt = |key: &str, v: Option<Value>| match v {
        Some(v) => {
            body.insert(key.into(), v);
        }
        None => {
            body.remove(key);
        }
    };
    opt("description", f.opt("description").map(Value::from));
    opt("owner", f.opt("owner").map(Value::from));
    opt("one_time_cost", one_time);
    opt("recurring_cost_annual", recurring);
    opt("duration_months", duration);
    // Fields a script's post leaves out stay as they were stored.
    for k in [
        "start",
        "done_by",
        "alternative_group",
        "vendor",
        "training",
        "change_plan",
        "started",
        "launched",
    ] {
        if f.sent(k) {
            opt(k, f.opt(k).map(Value::from));
        }
    }
    if f.sent("actual_cost") {
        opt(
            "actual_cost",
            f.number("actual_cost", errors).map(json_number),
        );
    }
    if f.sent("affects_staff") {
        opt(
            "affects_staff",
            match f.get("affects_staff") {
                "yes" => Some(json!(true)),
                "no" => Some(json!(false)),
                "" => None,
                other => {
                    errors.add(
                        "affects_staff",
                        format!("expected yes, no or nothing, found `{other}`"),
                    );
                    None
                }
            },
        );
    }
    if f.sent("cash_flows") {
        let flows = match f.opt("cash_flows") {
            None => None,
            Some(raw) => {
                let mut values = Vec::new();
                for (k, part) in raw.split(';').map(str::trim).enumerate() {
                    match sextant_core::unit::parse_number(
                        part,
                        sextant_core::unit::DecimalMark::Point,
                    ) {
                        Ok(x) => values.push(json_number(x)),
                        Err(_) => errors.add(
                            "cash_flows",
                            format!("figure {} should be a number, found `{part}`", k + 1),
                        ),
                    }
                }
                let period = match f.get("cash_flow_period") {
                    "" => "year",
                    p => p,
                };
                Some(json!({"period": period, "values": values}))
            }
        };
        opt("cash_flows", flows);
    }
    opt("effort_hours_per_month", effort.map(json_number));
    body.insert(
        "depends_on".into(),
        Value::Array(f.all("depends_on").into_iter().map(Value::from).collect()),
    );
    body.insert("benefits".into(), Value::Array(benefits));
    body.insert("contributes".into(), contributes);
    body.insert("mandatory".into(), json!(f.checked("mandatory")));
    if f.all("shown").iter().any(|s| s == "handles_customer_data") {
        // A box left unticked is not sent at all: the form says it showed the box (a
        // script's post that leaves both out keeps what was stored).
        body.insert(
            "handles_customer_data".into(),
            json!(f.checked("handles_customer_data")),
        );
    }
    if f.sent("replaces") {
        body.insert(
            "replaces".into(),
            Value::Array(f.all("replaces").into_iter().map(Value::from).collect()),
        );
    }
    Value::Object(body)
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let stored = state
        .store
        .entity(&org.scope, Part::Initiatives, &id)
        .await?;
    let plan = org
        .require_plan(&state, "Initiatives", Section::Initiatives)
        .await?;
    let title = text_of(stored.body.get("title"));
    let body = editor::edit_body::<Initiatives>(
        &org,
        plan.doc(),
        &id,
        &stored.body,
        &form_of(&stored.body),
        &Errors::new(),
    );
    Ok(render(org.page(
        &format!("Edit: {title}"),
        Section::Initiatives,
        body,
    )))
}

/// What names the initiative `id`: initiatives depending on it, its risks, phases.
pub(super) fn references(doc: &PlanDoc, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    for i in &doc.initiatives {
        if i.depends_on.iter().any(|d| d.as_str() == id) {
            out.push(format!("the initiative {} (it depends on it)", i.title));
        }
    }
    for r in &doc.risks {
        if r.initiative.as_ref().is_some_and(|x| x.as_str() == id) {
            out.push(format!("the risk {}", r.title));
        }
    }
    for p in &doc.phases {
        if p.initiatives.iter().any(|x| x.as_str() == id) {
            out.push(format!("the phase {}", p.name));
        }
    }
    out
}
