//! The owner's journey: a bookshop's plan started from nothing in the guided start, to its
//! first optimised roadmap; then every kind of field the owner edits (the profile, the watch
//! list, the people, the phases, a KPI of the shop's own, an initiative's own cash flows, a
//! goal and the change suggested for it, a KPI figure typed by hand, the matrix, an initiative
//! after go-live), and what is computed from them (the matrix, the watch list drawn, the
//! measured return of finished work).
//! The screenshots of this journey illustrate docs/first-plan.md; the forms sent and the fields
//! typed are counted there.

use fantoccini::Client;

use crate::*;

/// Counts what the owner does: forms sent and fields typed or chosen.
#[derive(Default)]
struct Effort {
    forms: usize,
    fields: usize,
}

impl Effort {
    async fn fill(&mut self, c: &Client, id: &str, text: &str) {
        fill(c, id, text).await;
        self.fields += 1;
    }

    async fn choose(&mut self, c: &Client, id: &str, value: &str) {
        click(c, &format!("select[id='{id}'] option[value='{value}']")).await;
        self.fields += 1;
    }

    async fn month(&mut self, c: &Client, id: &str, value: &str) {
        set_value(c, id, value).await;
        self.fields += 1;
    }

    async fn send(&mut self, c: &Client) {
        click(c, "main form button[type=submit]").await;
        self.forms += 1;
    }
}

#[tokio::test]
async fn an_owner_starts_a_plan_from_nothing_and_edits_every_kind_of_field() {
    let app = app().await;
    // The consultant makes the organisation and makes the owner its owner.
    let admin = app
        .store
        .create_user("casey@example.com", "Casey", PASSWORD, true)
        .await
        .unwrap();
    app.store
        .create_org(&admin, "bookshop", "Corner Bookshop")
        .await
        .unwrap();
    app.store
        .create_user("sarah@example.com", "Sarah", PASSWORD, false)
        .await
        .unwrap();
    let scope = app.store.scope(&admin, "bookshop").await.unwrap();
    if let sextant_store::MemberChange::Invited { token, .. } = app
        .store
        .set_member(&scope, "sarah@example.com", sextant_store::Role::Owner)
        .await
        .unwrap()
    {
        app.store
            .accept_invitation(&token, "Sarah", PASSWORD, "test")
            .await
            .unwrap();
    }
    let driver = driver().await;
    let c = browser(&driver, 1280, 1400).await;
    go(&c, &app, "/login").await;
    fill(&c, "f-email", "sarah@example.com").await;
    fill(&c, "f-password", PASSWORD).await;
    click(&c, "main form button[type=submit]").await;
    // One organisation: straight to it, and it offers the guided start.
    sees(&c, "Start your plan").await;
    shot(&c, "40-owner-no-plan").await;
    click(&c, "a.button[href='/orgs/bookshop/start']").await;

    let mut e = Effort::default();
    // 1. The business.
    sees(&c, "Step 1 of 5").await;
    e.choose(&c, "f-industry", "retail").await;
    e.fill(&c, "f-location", "Portland, OR").await;
    e.fill(&c, "f-employees", "2").await;
    e.fill(&c, "f-annual_revenue", "150,000").await;
    e.fill(&c, "f-gross_margin", "40").await;
    e.month(&c, "f-start", "2027-01").await;
    shot(&c, "41-start-business").await;
    e.send(&c).await;
    // 2. Goals: the suggestions kept, their figures made the shop's own.
    sees(&c, "Step 2 of 5").await;
    sees(&c, "Grow online sales by 15% this year").await;
    e.fill(&c, "f-baseline.0", "66,667").await;
    e.fill(&c, "f-target.0", "76,667").await;
    shot(&c, "42-start-goals").await;
    e.send(&c).await;
    // 3. Systems: the suggested till kept, the accounting package added.
    sees(&c, "Step 3 of 5").await;
    e.fill(&c, "f-name.1", "Accounting software").await;
    e.fill(&c, "f-category.1", "accounting").await;
    e.fill(&c, "f-annual_cost.1", "360").await;
    e.send(&c).await;
    // 4. Money and hours, asked as questions.
    sees(&c, "Step 4 of 5").await;
    sees(
        &c,
        "How much can you spend on technology changes in the financial year 2027?",
    )
    .await;
    e.fill(&c, "f-this_year", "6000").await;
    e.fill(&c, "f-next_year", "4000").await;
    e.fill(&c, "f-staff_hours_per_month", "40").await;
    e.choose(&c, "f-max_concurrent", "2").await;
    shot(&c, "43-start-money").await;
    e.send(&c).await;
    // 5. The suggested changes, kept as they are.
    sees(&c, "Step 5 of 5").await;
    shot(&c, "44-start-changes").await;
    e.send(&c).await;
    // The end: the goals, the first optimised roadmap and the health checks.
    sees(&c, "Your first plan is saved").await;
    sees(&c, "What the roadmap says comes next").await;
    sees(&c, "What the health checks warn about").await;
    shot(&c, "45-first-dashboard").await;
    eprintln!(
        "guided start: {} forms sent, {} fields typed or chosen",
        e.forms, e.fields
    );
    // What docs/first-plan.md reports.
    assert_eq!((e.forms, e.fields), (5, 15));
    go(&c, &app, "/orgs/bookshop/roadmap").await;
    sees(&c, "Roadmap by month").await;
    shot(&c, "46-first-roadmap").await;

    // The profile: the discount rate as people write it.
    go(&c, &app, "/orgs/bookshop/business/profile").await;
    fill(&c, "f-discount_rate", "6.5").await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Saved.").await;
    sees(&c, "6.5%").await;
    // The watch list: a row added, then drawn.
    go(&c, &app, "/orgs/bookshop/business/radar").await;
    fill(&c, "f-technology.0", "Mobile and contactless payments").await;
    click(&c, "select[id='f-ring.0'] option[value='adopt']").await;
    click(&c, "select[id='f-quadrant.0'] option[value='devices']").await;
    fill(&c, "f-technology.1", "AI-written book recommendations").await;
    click(&c, "select[id='f-ring.1'] option[value='hold']").await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Saved.").await;
    sees(&c, "<figure class=\"chart\"><div class=\"chart-scroll\"").await;
    sees(&c, "AI-written book recommendations").await;
    shot(&c, "47-business").await;
    // The people who give hours to changes.
    go(&c, &app, "/orgs/bookshop/business/staff").await;
    fill(&c, "f-name.0", "Sarah").await;
    fill(&c, "f-role.0", "owner").await;
    fill(&c, "f-hours_per_month.0", "30").await;
    fill(&c, "f-skills.0", "bookselling, social media").await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Saved.").await;
    sees(&c, "bookselling").await;
    // The owner's own order, as phases named by the changes' titles.
    go(&c, &app, "/orgs/bookshop/business/phases").await;
    fill(&c, "f-name.0", "Till and stock first").await;
    fill(&c, "f-initiatives.0", "Cloud point-of-sale with inventory").await;
    fill(&c, "f-name.1", "Then online").await;
    fill(&c, "f-initiatives.1", "Online shop").await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Saved.").await;
    sees(&c, "Till and stock first").await;
    // A KPI of the shop's own, beside the starter's inventory cost.
    go(&c, &app, "/orgs/bookshop/business/kpis").await;
    fill(&c, "f-name.1", "Customers from outside the neighbourhood").await;
    fill(&c, "f-unit.1", "customers").await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Saved.").await;
    sees(&c, "Customers from outside the neighbourhood").await;
    // The online shop's money as the owner knows it: cash flows of its own, a year each.
    go(&c, &app, "/orgs/bookshop/initiatives/webshop/edit").await;
    click(&c, "details.more:has(#f-cash_flows) summary").await;
    fill(&c, "f-cash_flows", "-3000; 1200; 1500").await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Saved.").await;
    go(&c, &app, "/orgs/bookshop/initiatives/webshop").await;
    sees(
        &c,
        "The plan's own net cash flows for this initiative, summed by year.",
    )
    .await;
    // A goal nothing serves yet, and the change suggested for it added with one tick.
    go(&c, &app, "/orgs/bookshop/goals/new").await;
    fill(&c, "f-title", "Win customers from further away").await;
    click(&c, "select[id='f-kpi'] option[value='new_customers']").await;
    fill(&c, "f-baseline", "40").await;
    fill(&c, "f-target", "48").await;
    set_value(&c, "f-due", "2027-12").await;
    click(&c, "main form button[type=submit]").await;
    // The goal is stored before the next page is asked for (a page asked for while the form's
    // answer is on its way can lose the race to it).
    sees(&c, "Created.").await;
    go(&c, &app, "/orgs/bookshop/initiatives").await;
    sees(&c, "Suggested changes").await;
    sees(&c, "Local search listings and reviews").await;
    click(&c, "input[name='suggest'][value='local-listings']").await;
    shot(&c, "50-suggested-changes").await;
    click(&c, "form[action$='/suggestions'] button[type=submit]").await;
    sees(&c, "Added.").await;
    sees(&c, "/orgs/bookshop/initiatives/local-listings").await;
    // A KPI's figure typed by hand for a month.
    go(&c, &app, "/orgs/bookshop/kpis/inventory_holding_cost").await;
    set_value(&c, "f-month", "2027-01").await;
    fill(&c, "f-value", "20000").await;
    click(&c, "form[action$='/values'] button[type=submit]").await;
    sees(&c, "Saved.").await;
    go(&c, &app, "/orgs/bookshop/kpis/inventory_holding_cost").await;
    set_value(&c, "f-month", "2027-09").await;
    fill(&c, "f-value", "18,800").await;
    click(&c, "form[action$='/values'] button[type=submit]").await;
    sees(&c, "Saved.").await;
    sees(&c, "2027-09").await;
    // The matrix: a strength changed in place.
    go(&c, &app, "/orgs/bookshop/matrix").await;
    sees(&c, "goals have an initiative working toward them").await;
    click(
        &c,
        "select[id='f-initiative:webshop.stock'] option[value='1']",
    )
    .await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Saved.").await;
    shot(&c, "48-matrix").await;
    // After go-live: the POS is done, at its actual cost.
    go(&c, &app, "/orgs/bookshop/initiatives/pos/edit").await;
    click(&c, "select[id='f-status'] option[value='done']").await;
    fill(&c, "f-actual_cost", "1800").await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Saved.").await;
    // The dashboard compares what it promised with what the figures show.
    go(&c, &app, "/orgs/bookshop").await;
    sees(&c, "Is the finished work paying off?").await;
    sees(&c, "Goals technology serves").await;
    shot(&c, "49-dashboard-paying-off").await;

    // An assessment against the Essential Eight: started, its first section answered, scored,
    // and the missing control's remedy put in the plan.
    go(&c, &app, "/orgs/bookshop/assessments").await;
    click(
        &c,
        "select[id='f-standard'] option[value='essential-eight']",
    )
    .await;
    set_value(&c, "f-date", "2026-11-20").await;
    click(&c, "form[action$='/assessments'] button[type=submit]").await;
    sees(&c, "Section 1 of 8 of ACSC Essential Eight").await;
    click(&c, "input[id='f-a-E8.PA-1-met']").await;
    click(&c, "input[id='f-a-E8.PA-7-not_met']").await;
    fill(&c, "f-n-E8.PA-7", "Updates are installed by hand").await;
    shot(&c, "51-assessment-questions").await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Section 2 of 8").await;
    go(
        &c,
        &app,
        "/orgs/bookshop/assessments/essential-eight-2026-11-20",
    )
    .await;
    sees(&c, "Score: <strong>25 out of 100</strong>").await;
    sees(
        &c,
        "Managed automatic updates for everyday programs on every computer",
    )
    .await;
    click(&c, "input[name='control'][value='E8.PA-7']").await;
    shot(&c, "52-assessment-score").await;
    click(&c, "form[action$='/initiatives'] button[type=submit]").await;
    sees(&c, "Added.").await;
    sees(&c, "(in the plan)").await;

    // The shop's devices: the list its management tool exports, imported on the Assets page;
    // what needs attention, and the refresh put in the plan with one click.
    go(&c, &app, "/orgs/bookshop/assets").await;
    sees(&c, "No assets yet.").await;
    c.find(Locator::Id("f-assets"))
        .await
        .unwrap()
        .send_keys(&repo("examples/corner-bookstore/assets.csv"))
        .await
        .unwrap();
    click(&c, "form[action$='/assets/upload'] button").await;
    sees(&c, "The asset list is imported: 15 new, 0 updated.").await;
    sees(&c, "<strong>2</strong> out of warranty").await;
    sees(
        &c,
        "TILL-01 runs Windows 10 22H2, which stopped getting security updates",
    )
    .await;
    shot(&c, "53-assets").await;
    click(&c, "form[action$='/assets/refresh'] button").await;
    sees(&c, "The hardware refresh is in the plan.").await;
    go(&c, &app, "/orgs/bookshop/roadmap").await;
    sees(&c, "Done by ").await;

    // The review with the consultant: recorded with an action, which the Reviews page carries
    // on the next agenda until it is marked done; the devices' warnings are on that agenda.
    go(&c, &app, "/orgs/bookshop/reviews/new").await;
    set_value(&c, "f-date", "2026-11-20").await;
    fill(&c, "f-title", "Autumn review").await;
    fill(&c, "f-decisions", "Replace the till this winter").await;
    fill(&c, "f-action_title_0", "Get two quotes for a new till").await;
    fill(&c, "f-action_owner_0", "Sarah").await;
    set_value(&c, "f-action_due_0", "2026-11-30").await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Agenda for the next review").await;
    sees(&c, "<th scope=\"row\">Get two quotes for a new till</th>").await;
    sees(&c, "Overdue").await;
    sees(
        &c,
        "Decided on 20 November 2026: Replace the till this winter.",
    )
    .await;
    sees(&c, "Devices and software").await;
    shot(&c, "54-reviews").await;
    click(&c, "select[id='status-0'] option[value='done']").await;
    click(&c, "form[action$='/actions/0'] button[type=submit]").await;
    sees(&c, "No action is open.").await;
    sees(
        &c,
        "Get two quotes for a new till (Sarah), due by 30 November 2026: done",
    )
    .await;

    // A winter review looks at the inventory cost: it keeps the figure it saw (January's),
    // beside the latest (September's, typed above).
    go(&c, &app, "/orgs/bookshop/reviews/new").await;
    set_value(&c, "f-date", "2027-02-01").await;
    fill(&c, "f-title", "Winter review").await;
    click(&c, "input[name='kpis'][value='inventory_holding_cost']").await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "1 February 2027 – Winter review").await;
    sees(&c, "KPIs looked at: as they stood at the review, and now").await;
    sees(&c, "</td><td>January 2027</td><td class=\"num\">").await;
    sees(&c, "</td><td>September 2027</td>").await;
    shot(&c, "55-review-figures").await;

    // A goal measured by a share, typed as people write it: its form shows it the same way
    // when opened again (9.5%, not the stored fraction 0.095).
    go(&c, &app, "/orgs/bookshop/goals/new").await;
    fill(&c, "f-title", "More readers come back").await;
    click(
        &c,
        "select[id='f-kpi'] option[value='repeat_purchase_rate']",
    )
    .await;
    fill(&c, "f-baseline", "8%").await;
    fill(&c, "f-target", "9.5%").await;
    set_value(&c, "f-due", "2027-12").await;
    click(&c, "main form button[type=submit]").await;
    sees(&c, "Created.").await;
    go(&c, &app, "/orgs/bookshop/goals/more-readers-come-back").await;
    sees(&c, "value=\"9.5%\"").await;
    sees(&c, "value=\"8%\"").await;

    // The shop renamed on the members page: the plan, started under the old name, follows
    // (the Business page and the reports show the new one).
    go(&c, &app, "/orgs/bookshop/members").await;
    fill(&c, "f-name", "Corner Bookshop & Café").await;
    click(&c, "form[action$='/rename'] button[type=submit]").await;
    sees(&c, "Saved.").await;
    go(&c, &app, "/orgs/bookshop/business").await;
    sees(&c, "<dd>Corner Bookshop &amp; Café</dd>").await;
    c.close().await.unwrap();
}
