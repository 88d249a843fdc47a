//! The goal form: adding, changing and deleting a goal.

use super::*;

/// The fields of the goal form that a refused change's problems may go beside.
pub(super) const FIELDS: [&str; 10] = [
    "id",
    "title",
    "description",
    "kpi",
    "kpi_other",
    "baseline",
    "target",
    "due",
    "weight",
    "owner",
];

/// The form's values, by field name.
pub(super) type Values = BTreeMap<&'static str, String>;

pub(super) fn values_of_goal(g: &Goal, plan: &Plan) -> Values {
    let mut v = Values::new();
    v.insert("id", g.id.to_string());
    v.insert("title", g.title.clone());
    v.insert("description", g.description.clone().unwrap_or_default());
    let kpi = g.kpi.clone().unwrap_or_default();
    if kpi.is_empty() || kpi_options(plan, None).iter().any(|(id, _)| *id == kpi) {
        v.insert("kpi", kpi);
    } else {
        v.insert("kpi_other", kpi);
    }
    // A share is shown as people write it (9.5%, read back as 0.095), not as the fraction.
    let share = g
        .kpi
        .as_deref()
        .is_some_and(|k| kpi_info(plan, k).scale.unit == Unit::Fraction);
    let mark = DecimalMark::of(&plan.doc().organization);
    let shown = |x: Option<f64>| {
        if share {
            super::super::form::percent_text(x, mark)
        } else {
            num_value(x)
        }
    };
    v.insert("baseline", shown(g.baseline));
    v.insert("target", shown(g.target));
    v.insert("due", g.due.map(|m| m.to_string()).unwrap_or_default());
    v.insert("weight", num_value(Some(g.weight)));
    v.insert("owner", g.owner.clone().unwrap_or_default());
    v
}

pub(super) fn values_of_form(f: &FormData) -> Values {
    FIELDS.iter().map(|n| (*n, f.get(n).to_string())).collect()
}

/// The KPIs a goal may name: the plan's own, then the standard catalogue's; each marked when
/// it has values.
pub fn kpi_options(
    plan: &Plan,
    series: Option<&sextant_core::kpi::Series>,
) -> Vec<(String, String)> {
    let measured = |id: &str| {
        if series.is_some_and(|s| s.contains_key(id)) {
            " – measured"
        } else {
            ""
        }
    };
    let mut out = vec![(String::new(), "(none)".to_string())];
    for k in &plan.doc().kpis {
        let id = k.id.as_str();
        out.push((
            id.to_string(),
            format!("{} ({id}, this plan's){}", k.name, measured(id)),
        ));
    }
    for m in sextant_core::catalogue::METRICS {
        if out.iter().any(|(id, _)| id == m.id) {
            continue;
        }
        out.push((
            m.id.to_string(),
            format!("{} ({}){}", m.name, m.id, measured(m.id)),
        ));
    }
    out
}

/// The goal form: `editing` is the goal's id when changing one.
pub(super) fn goal_form(
    org: &OrgPage,
    a: &Analysed,
    editing: Option<&str>,
    values: &Values,
    errors: &Errors,
) -> Markup {
    let v = |n: &str| values.get(n).cloned().unwrap_or_default();
    let action = match editing {
        Some(id) => org.url(&format!("goals/{}", crate::ui::form::url_encode(id))),
        None => org.url("goals"),
    };
    html! {
        (errors.summary())
        form method="post" action=(action) {
            (org.viewer.csrf_field())
            (Field::text("title", "Title", v("title")).required()
                .hint("What the business wants to achieve, e.g. Increase online sales by 15% in the fiscal year")
                .render(errors))
            @if editing.is_none() { (super::super::form::id_field(&v("id"), "online-sales", errors)) }
            (Field::text("description", "Description", v("description")).kind(Kind::Textarea).render(errors))
            div.row {
                (Field::text("kpi", "KPI", v("kpi"))
                    .kind(Kind::Select(kpi_options(&a.plan, Some(&a.series))))
                    .hint("The measure the goal is tracked by")
                    .render(errors))
                (Field::text("kpi_other", "Or another KPI's id", v("kpi_other"))
                    .hint("Used instead of the list when filled in")
                    .render(errors))
            }
            div.row {
                (Field::text("baseline", "Baseline", v("baseline")).kind(Kind::Number("any"))
                    .hint("The KPI's value when the goal was set").render(errors))
                (Field::text("target", "Target", v("target")).kind(Kind::Number("any"))
                    .hint("The value to reach: for a share, with its % sign (15%)").render(errors))
                (Field::text("due", "Due", v("due")).kind(Kind::Month)
                    .hint("A month, YYYY-MM").render(errors))
                (Field::text("weight", "Weight", v("weight")).kind(Kind::Number("any"))
                    .hint("Relative importance, above 0 (1 when empty)").render(errors))
            }
            (Field::text("owner", "Owner", v("owner")).hint("Who answers for it").render(errors))
            button type="submit" { @if editing.is_some() { "Save the goal" } @else { "Add the goal" } }
            " " a href=(org.url("goals")) { "Cancel" }
        }
    }
}

/// Reads the goal form into a goal in the plan file's shape, its messages beside the fields.
/// `id` is the goal's id (given or derived by the caller).
pub(super) fn read_goal(f: &FormData, id: &str, mark: DecimalMark, errors: &mut Errors) -> Value {
    let mut g = Map::new();
    g.insert("id".into(), Value::from(id));
    g.insert("title".into(), Value::from(f.required("title", errors)));
    if let Some(d) = f.opt("description") {
        g.insert("description".into(), Value::from(d));
    }
    if let Some(k) = f.opt("kpi_other").or_else(|| f.opt("kpi")) {
        g.insert("kpi".into(), Value::from(k));
    }
    for n in ["baseline", "target", "weight"] {
        if let Some(x) = f.number_in(n, mark, errors) {
            g.insert(n.into(), Value::from(x));
        }
    }
    if let Some(m) = f.month("due", errors) {
        g.insert("due".into(), Value::from(m));
    }
    if let Some(o) = f.opt("owner") {
        g.insert("owner".into(), Value::from(o));
    }
    Value::Object(g)
}

/// A refused change's problems beside the goal form's fields.
pub(super) fn refused(errors: &mut Errors, e: sextant_store::StoreError, f: &FormData) {
    let kpi_field = if f.opt("kpi_other").is_some() {
        "kpi_other"
    } else {
        "kpi"
    };
    errors.from_api(ApiError::from(e), &FIELDS, &[("kpi", kpi_field)]);
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let a = compute::require_analysed(&state, &org, "Add a goal", Section::Goals).await?;
    let mut values = Values::new();
    values.insert("weight", "1".into());
    let body = goal_form(&org, &a, None, &values, &Errors::new());
    Ok(render(org.page("Add a goal", Section::Goals, body)))
}

pub(super) async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let a = compute::require_analysed(&state, &org, "Add a goal", Section::Goals).await?;
    let mut errors = Errors::new();
    let taken = |id: &str| a.plan.doc().goals.iter().any(|g| g.id.as_str() == id);
    let id = match f.opt("id") {
        Some(id) => {
            if let Err(why) = Id::parse(&id) {
                errors.add("id", format!("{why}, found `{id}`"));
            } else if taken(&id) {
                errors.add("id", format!("a goal `{id}` exists already"));
            } else if id == "new" {
                errors.add("id", "`new` is the address of this form: choose another id");
            }
            id
        }
        None => {
            let base = match slug(f.get("title"), 40) {
                s if s.is_empty() || s == "new" => "goal".to_string(),
                s => s,
            };
            let mut id = base.clone();
            let mut n = 1;
            while taken(&id) {
                n += 1;
                id = format!("{base}-{n}");
            }
            id
        }
    };
    let mark = DecimalMark::of(&a.plan.doc().organization);
    let goal = read_goal(&f, &id, mark, &mut errors);
    if errors.is_empty() {
        match state
            .store
            .change_plan(&org.scope, Change::Create(Part::Goals, goal))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=created", org.url("goals")))),
            Err(e) => refused(&mut errors, e, &f),
        }
    }
    let body = goal_form(&org, &a, None, &values_of_form(&f), &errors);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page("Add a goal", Section::Goals, body),
    ))
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a = compute::require_analysed(&state, &org, "Goal", Section::Goals).await?;
    let goal = find_goal(&a, &id)?;
    let values = values_of_goal(goal, &a.plan);
    let body = goal_page(&org, &a, goal, &values, &Errors::new(), q.done.as_deref());
    Ok(render(org.page(&goal.title, Section::Goals, body)))
}

pub(super) async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let a = compute::require_analysed(&state, &org, "Goal", Section::Goals).await?;
    let goal = find_goal(&a, &id)?;
    let mut errors = Errors::new();
    let mark = DecimalMark::of(&a.plan.doc().organization);
    let body = read_goal(&f, &id, mark, &mut errors);
    if errors.is_empty() {
        match state
            .store
            .change_plan(&org.scope, Change::Put(Part::Goals, id.clone(), body))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=saved", org.url("goals")))),
            Err(e) => refused(&mut errors, e, &f),
        }
    }
    let mut values = values_of_form(&f);
    values.insert("id", id.clone());
    let page = goal_page(&org, &a, goal, &values, &errors, None);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page(&goal.title, Section::Goals, page),
    ))
}

pub(super) async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let a = compute::require_analysed(&state, &org, "Goal", Section::Goals).await?;
    let goal = find_goal(&a, &id)?;
    let mut errors = Errors::new();
    let named_by = named_by(&a.plan, goal.id.as_str());
    if named_by.is_empty() {
        match state
            .store
            .change_plan(&org.scope, Change::Delete(Part::Goals, id.clone()))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=deleted", org.url("goals")))),
            Err(e) => errors.from_api(ApiError::from(e), &[], &[]),
        }
    } else {
        errors.general(format!(
            "The goal is named by {}. Take the goal out of them first, then delete it.",
            named_by.join(", ")
        ));
    }
    let values = values_of_goal(goal, &a.plan);
    let page = goal_page(&org, &a, goal, &values, &errors, None);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page(&goal.title, Section::Goals, page),
    ))
}
