//! The negotiation pages and API over HTTP, request by request through the
//! router, on the seeded IBM sample: payment plans, settlement offers,
//! write-offs and the approvals page. Each scenario runs on SQLite and,
//! when RECOBRO_TEST_POSTGRES_URL is set, on PostgreSQL.

#[macro_use]
mod fixture;

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Body;
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{Method, Request, StatusCode};
use recobro_app::import::{Profile, RecordKind, import_file};
use recobro_core::Currency;
use recobro_core::locale::Locale;
use recobro_store::{Store, negotiation, portfolio, users};
use recobro_web::AppState;
use serde_json::{Value, json};
use tower::ServiceExt;

use fixture::html::{element_text, form_encode, hidden_value, plain_text};
use fixture::{PASSWORD, PORTFOLIO};

/// ana's customers with an open, undisputed balance.
const ANA_CUSTOMER: &str = "7209-MDWKR";
const ANA_OTHER_CUSTOMER: &str = "7938-EVASK";
/// luis's customer with an open, undisputed balance.
const LUIS_CUSTOMER: &str = "0783-PEPYR";

// ---------------------------------------------------------------------------
// A cookie-keeping client over the router
// ---------------------------------------------------------------------------

struct Reply {
    status: StatusCode,
    location: Option<String>,
    content_type: Option<String>,
    /// The body as text; empty for a PDF.
    body: String,
    bytes: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        plain_text(&self.body)
    }
}

struct Client {
    app: Router,
    cookies: BTreeMap<String, String>,
    accept_language: Option<&'static str>,
    csrf: String,
}

impl Client {
    /// Signs `username` in through the form, in Spanish unless
    /// `accept_language` names another language.
    async fn signed_in(app: &Router, username: &str, accept_language: Option<&'static str>) -> Self {
        let mut client = Self { app: app.clone(), cookies: BTreeMap::new(), accept_language, csrf: String::new() };
        let form = client.get("/login").await;
        let token = hidden_value(&form.body, "csrf").expect("the sign-in form has a csrf field");
        let reply = client.post("/login", &[("username", username), ("password", PASSWORD), ("csrf", &token), ("next", "/")]).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "sign-in of {username}: {}", reply.text());
        let dashboard = client.get(&format!("/p/{PORTFOLIO}")).await;
        client.csrf = hidden_value(&dashboard.body, "csrf").expect("a page with a csrf field");
        client
    }

    async fn send(&mut self, method: Method, path: &str, form: Option<&[(&str, &str)]>) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let header: Vec<String> = self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
            request = request.header(COOKIE, header.join("; "));
        }
        if let Some(language) = self.accept_language {
            request = request.header(ACCEPT_LANGUAGE, language);
        }
        let body = match form {
            Some(fields) => {
                request = request.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(form_encode(fields))
            }
            None => Body::empty(),
        };
        let response = self.app.clone().oneshot(request.body(body).expect("valid request")).await.expect("the router never fails");
        let status = response.status();
        for value in response.headers().get_all(SET_COOKIE) {
            let pair = value.to_str().expect("ASCII cookie").split(';').next().expect("name=value");
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        let location = response.headers().get(LOCATION).map(|value| value.to_str().expect("ASCII location").to_string());
        let content_type = response.headers().get(CONTENT_TYPE).map(|value| value.to_str().expect("ASCII content type").to_string());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("readable body").to_vec();
        let body = if content_type.as_deref() == Some("application/pdf") { String::new() } else { String::from_utf8(bytes.clone()).expect("UTF-8 body") };
        Reply { status, location, content_type, body, bytes }
    }

    async fn get(&mut self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.send(Method::POST, path, Some(form)).await
    }

    /// Posts a form with the session's CSRF token added.
    async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf.clone();
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.send(Method::POST, path, Some(&form)).await
    }
}

/// Returns the number at the end of a redirect to a record page, such as
/// `/p/ibm-ar/plans/3?saved=1`.
fn record_id(location: &str) -> i64 {
    let path = location.split('?').next().expect("a path");
    path.rsplit('/').next().and_then(|id| id.parse().ok()).unwrap_or_else(|| panic!("no record id in {location}"))
}

// ---------------------------------------------------------------------------
// Store helpers
// ---------------------------------------------------------------------------

/// Open invoices of the test customers. Every document of the IBM sample
/// is paid by the end of the file, so without these no customer has an
/// open balance to negotiate.
const OPEN_INVOICES: &str = "number,customer,issue_date,due_date,amount\n\
NEG-1,7209-MDWKR,2013-05-16,2013-06-15,1000.00\n\
NEG-2,7209-MDWKR,2013-06-15,2013-07-15,500.00\n\
NEG-3,7938-EVASK,2013-05-20,2013-06-19,800.00\n\
NEG-4,0783-PEPYR,2013-05-20,2013-06-19,650.00\n";

/// Imports [`OPEN_INVOICES`] and returns the application's router.
async fn prepare(store: &Store) -> Router {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("open-invoices.csv");
    std::fs::write(&path, OPEN_INVOICES).expect("cannot write the invoices");
    import_file(store, PORTFOLIO, &path, Profile::canonical(RecordKind::Document)).await.expect("the open invoices import");
    recobro_web::router(AppState::new(store.clone(), false))
}

async fn count_rows(store: &Store, table: &str) -> i64 {
    let mut conn = store.acquire().await.expect("a connection");
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"))).fetch_one(&mut *conn).await.expect("a count")
}

/// Sums the open, undisputed balance of a customer in minor units.
async fn open_balance(store: &Store, reference: &str) -> i64 {
    let mut conn = store.acquire().await.expect("a connection");
    let found = portfolio::find(&mut conn, PORTFOLIO).await.expect("the portfolio").expect("the portfolio exists");
    let (customer_id, _) = recobro_store::browse::find_customer(&mut conn, found.id, reference).await.expect("the customer").expect("the customer exists");
    let usd = Currency::parse("USD").expect("valid currency");
    let documents = negotiation::open_documents(&mut conn, customer_id, usd).await.expect("open documents");
    documents.iter().filter(|document| !document.disputed).map(|document| document.open_minor).sum()
}

async fn plan_status(store: &Store, id: i64) -> String {
    let mut conn = store.acquire().await.expect("a connection");
    let found = portfolio::find(&mut conn, PORTFOLIO).await.expect("the portfolio").expect("the portfolio exists");
    negotiation::find_plan(&mut conn, found.id, id).await.expect("the plan").expect("the plan exists").status
}

async fn offer_status(store: &Store, id: i64) -> String {
    let mut conn = store.acquire().await.expect("a connection");
    let found = portfolio::find(&mut conn, PORTFOLIO).await.expect("the portfolio").expect("the portfolio exists");
    negotiation::find_offer(&mut conn, found.id, id).await.expect("the offer").expect("the offer exists").status
}

fn spanish_amount(minor: i64) -> String {
    Locale::Spanish.format_minor(minor, Currency::parse("USD").expect("valid currency"))
}

fn plan_form_path(reference: &str) -> String {
    format!("/p/{PORTFOLIO}/customers/{reference}/plans/new")
}

fn offer_form_path(reference: &str) -> String {
    format!("/p/{PORTFOLIO}/customers/{reference}/settlements/new")
}

/// Builds the fields of a monthly plan from 2013-07-31 with `installments` and
/// `down_payment`, as a Spanish user types them.
fn plan_fields<'a>(installments: &'a str, down_payment: &'a str, intent: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("installments", installments),
        ("frequency", "monthly"),
        ("first_due", "2013-07-31"),
        ("down_payment", down_payment),
        ("rate", "12,5"),
        ("method", "french"),
        ("grace_days", "5"),
        ("intent", intent),
    ]
}

/// Proposes a plan for `reference` as `client` and returns the reply.
async fn propose_plan(client: &mut Client, reference: &str, installments: &str, down_payment: &str) -> Reply {
    client.submit(&plan_form_path(reference), &plan_fields(installments, down_payment, "propose")).await
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

async fn preview_saves_nothing(store: Store) {
    let app = prepare(&store).await;
    let mut ana = Client::signed_in(&app, "ana", None).await;
    let form = ana.get(&plan_form_path(ANA_CUSTOMER)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    assert!(form.text().contains("un máximo de 6 cuotas"), "the form states the limits: {}", form.text());

    let before = count_rows(&store, "payment_plan").await;
    let audit_before = count_rows(&store, "audit_event").await;
    let preview = ana.submit(&plan_form_path(ANA_CUSTOMER), &plan_fields("12", "", "preview")).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());

    let schedule = element_text(&preview.body, "preview-schedule").expect("the schedule table");
    assert!(schedule.contains("31/07/2013"), "first due date in Spanish: {schedule}");
    assert!(schedule.contains("30/06/2014"), "twelfth due date: {schedule}");
    let total = element_text(&preview.body, "preview-total").expect("the total");
    assert!(total.contains(&spanish_amount(open_balance(&store, ANA_CUSTOMER).await)), "{total}");
    let breaches = element_text(&preview.body, "preview-breaches").expect("the limits exceeded");
    assert!(breaches.contains("12 cuotas: un gestor de cobranza puede conceder como máximo 6"), "{breaches}");
    assert!(breaches.contains("Pago inicial"), "no down payment is below the 10% minimum: {breaches}");
    assert_eq!(element_text(&preview.body, "preview-required-role").as_deref(), Some("gerente de cobranza"));

    assert_eq!(count_rows(&store, "payment_plan").await, before, "a preview stores no plan");
    assert_eq!(count_rows(&store, "audit_event").await, audit_before, "a preview writes no audit event");
}

async fn propose_within_and_beyond_limits(store: Store) {
    let app = prepare(&store).await;
    let mut ana = Client::signed_in(&app, "ana", None).await;

    // Within a collector's limits: 4 installments and a fifth down.
    let down_payment = spanish_amount(open_balance(&store, ANA_CUSTOMER).await / 5);
    let within = propose_plan(&mut ana, ANA_CUSTOMER, "4", &down_payment).await;
    assert_eq!(within.status, StatusCode::SEE_OTHER, "{}", within.text());
    let location = within.location.clone().expect("a redirect to the plan");
    let within_id = record_id(&location);
    assert_eq!(plan_status(&store, within_id).await, "active");
    let page = ana.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(element_text(&page.body, "plan-status").as_deref(), Some("Vigente"));
    assert!(page.text().contains("Se guardó el convenio de pago y está vigente."), "{}", page.text());
    assert!(element_text(&page.body, "decision-form").is_none(), "an active plan has nothing to decide");

    // A second plan for the same customer is refused with the app's message.
    let again = propose_plan(&mut ana, ANA_CUSTOMER, "4", &down_payment).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let refusal = element_text(&again.body, "form-refusal").expect("the refusal");
    assert!(refusal.contains("already has plan"), "{refusal}");

    // Beyond them: 12 installments wait for a manager.
    let beyond = propose_plan(&mut ana, ANA_OTHER_CUSTOMER, "12", "").await;
    assert_eq!(beyond.status, StatusCode::SEE_OTHER, "{}", beyond.text());
    let beyond_id = record_id(beyond.location.as_deref().expect("a redirect"));
    assert_eq!(plan_status(&store, beyond_id).await, "proposed");
    let page = ana.get(beyond.location.as_deref().expect("a redirect")).await;
    assert_eq!(element_text(&page.body, "plan-status").as_deref(), Some("Propuesto"));
    assert_eq!(element_text(&page.body, "plan-required-role").as_deref(), Some("gerente de cobranza"));
    assert_eq!(page.text().matches("Por vencer").count(), 12, "twelve upcoming installments: {}", page.text());

    // Both show on the customer pages, and the proposed one on the
    // manager's approvals page, with the count in the navigation.
    let customer = ana.get(&format!("/p/{PORTFOLIO}/customers/{ANA_OTHER_CUSTOMER}")).await;
    let section = element_text(&customer.body, "customer-negotiations").expect("the negotiation table");
    assert!(section.contains(&format!("Convenio de pago {beyond_id}")), "{section}");
    assert!(section.contains("Propuesto"), "{section}");
    let mut gerente = Client::signed_in(&app, "gerente", None).await;
    let approvals = gerente.get(&format!("/p/{PORTFOLIO}/approvals")).await;
    assert_eq!(approvals.status, StatusCode::OK);
    let pending = element_text(&approvals.body, "pending-plans").expect("the pending plans");
    assert!(pending.contains(ANA_OTHER_CUSTOMER), "{pending}");
    assert!(!pending.contains(ANA_CUSTOMER), "the active plan is not pending: {pending}");
    assert_eq!(element_text(&approvals.body, "nav-approvals").as_deref(), Some("Aprobaciones (1)"));
}

async fn collector_cannot_approve(store: Store) {
    let app = prepare(&store).await;
    let mut ana = Client::signed_in(&app, "ana", None).await;
    let proposed = propose_plan(&mut ana, ANA_CUSTOMER, "12", "").await;
    let id = record_id(proposed.location.as_deref().expect("a redirect"));

    let page = ana.get(&format!("/p/{PORTFOLIO}/plans/{id}")).await;
    assert!(element_text(&page.body, "decision-form").is_none(), "a collector sees the status only");
    let decision = ana.submit(&format!("/p/{PORTFOLIO}/plans/{id}/decision"), &[("decision", "approve"), ("reason", "")]).await;
    assert_eq!(decision.status, StatusCode::FORBIDDEN);
    assert_eq!(plan_status(&store, id).await, "proposed");
    assert_eq!(ana.get(&format!("/p/{PORTFOLIO}/approvals")).await.status, StatusCode::FORBIDDEN);

    // luis may open neither ana's plan nor her customer's forms.
    let mut luis = Client::signed_in(&app, "luis", None).await;
    assert_eq!(luis.get(&format!("/p/{PORTFOLIO}/plans/{id}")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(luis.get(&plan_form_path(ANA_CUSTOMER)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(luis.get(&plan_form_path(LUIS_CUSTOMER)).await.status, StatusCode::OK);
}

async fn manager_approves_plan_rejects_offer(store: Store) {
    let app = prepare(&store).await;
    let mut ana = Client::signed_in(&app, "ana", None).await;
    let plan = propose_plan(&mut ana, ANA_CUSTOMER, "12", "").await;
    let plan_id = record_id(plan.location.as_deref().expect("a redirect"));

    // An 80% waiver is beyond a collector's 50%.
    let offer = ana
        .submit(&offer_form_path(ANA_OTHER_CUSTOMER), &[("interest_owed", "100,00"), ("fees_owed", "0"), ("waiver", "80 %"), ("principal_discount", "0"), ("pay_by", "2013-07-15")])
        .await;
    assert_eq!(offer.status, StatusCode::SEE_OTHER, "{}", offer.text());
    let offer_path = offer.location.clone().expect("a redirect to the offer");
    let offer_id = record_id(&offer_path);
    assert_eq!(offer_status(&store, offer_id).await, "pending_approval");
    let page = ana.get(&offer_path).await;
    assert!(page.text().contains("espera la aprobación de un gerente de cobranza"), "{}", page.text());
    assert_eq!(element_text(&page.body, "offer-waiver").as_deref(), Some("80,00"));

    let mut gerente = Client::signed_in(&app, "gerente", None).await;
    let approve = gerente.submit(&format!("/p/{PORTFOLIO}/plans/{plan_id}/decision"), &[("decision", "approve"), ("reason", "")]).await;
    assert_eq!(approve.status, StatusCode::SEE_OTHER, "{}", approve.text());
    assert_eq!(plan_status(&store, plan_id).await, "active");
    let page = gerente.get(approve.location.as_deref().expect("a redirect")).await;
    assert_eq!(element_text(&page.body, "plan-status").as_deref(), Some("Vigente"));
    assert!(element_text(&page.body, "plan-decided-by").is_some_and(|text| text.starts_with("gerente")));

    // A rejection without a reason is shown again with the message at the
    // field; with one it is stored.
    let decide_path = format!("/p/{PORTFOLIO}/settlements/{offer_id}/decision");
    let no_reason = gerente.submit(&decide_path, &[("decision", "reject"), ("reason", "  ")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(element_text(&no_reason.body, "reason-error").as_deref(), Some("Escriba el motivo del rechazo."));
    assert_eq!(offer_status(&store, offer_id).await, "pending_approval");

    let reject = gerente.submit(&decide_path, &[("decision", "reject"), ("reason", "El cliente puede pagar el total.")]).await;
    assert_eq!(reject.status, StatusCode::SEE_OTHER, "{}", reject.text());
    assert_eq!(offer_status(&store, offer_id).await, "rejected");
    let page = gerente.get(reject.location.as_deref().expect("a redirect")).await;
    assert_eq!(element_text(&page.body, "offer-status").as_deref(), Some("Rechazado"));
    assert_eq!(element_text(&page.body, "offer-decision-reason").as_deref(), Some("El cliente puede pagar el total."));

    // Deciding again is a conflict, shown on the page.
    let again = gerente.submit(&decide_path, &[("decision", "approve"), ("reason", "")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(element_text(&again.body, "decision-refusal").is_some_and(|text| text.contains("Rechazado")));

    let approvals = gerente.get(&format!("/p/{PORTFOLIO}/approvals")).await;
    assert!(element_text(&approvals.body, "approvals-none").is_some(), "nothing left: {}", approvals.text());

    let mut conn = store.acquire().await.expect("a connection");
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_event WHERE actor = 'gerente' ORDER BY id").fetch_all(&mut *conn).await.expect("audit events");
    assert!(actions.contains(&"plan.approved".to_string()), "{actions:?}");
    assert!(actions.contains(&"settlement.rejected".to_string()), "{actions:?}");
}

async fn beyond_authority_is_explained(store: Store) {
    let app = prepare(&store).await;
    let mut ana = Client::signed_in(&app, "ana", None).await;
    // 36 installments are beyond a manager's 24.
    let plan = propose_plan(&mut ana, ANA_CUSTOMER, "36", "").await;
    let plan_id = record_id(plan.location.as_deref().expect("a redirect"));

    let mut gerente = Client::signed_in(&app, "gerente", None).await;
    let refused = gerente.submit(&format!("/p/{PORTFOLIO}/plans/{plan_id}/decision"), &[("decision", "approve"), ("reason", "")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let message = element_text(&refused.body, "decision-refusal").expect("the refusal");
    assert!(message.contains("necesita la aprobación de un director (administrador)"), "{message}");
    assert_eq!(plan_status(&store, plan_id).await, "proposed");

    let mut admin = Client::signed_in(&app, "admin", None).await;
    let approved = admin.submit(&format!("/p/{PORTFOLIO}/plans/{plan_id}/decision"), &[("decision", "approve"), ("reason", "")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.text());
    assert_eq!(plan_status(&store, plan_id).await, "active");
}

async fn viewer_and_legal_forbidden(store: Store) {
    let app = prepare(&store).await;
    for username in ["consulta", "abogada"] {
        let mut client = Client::signed_in(&app, username, None).await;
        for path in [plan_form_path(ANA_CUSTOMER), offer_form_path(ANA_CUSTOMER), format!("/p/{PORTFOLIO}/customers/{ANA_CUSTOMER}/write-offs/new"), format!("/p/{PORTFOLIO}/approvals")] {
            assert_eq!(client.get(&path).await.status, StatusCode::FORBIDDEN, "{username} GET {path}");
        }
        let posted = client.submit(&plan_form_path(ANA_CUSTOMER), &plan_fields("4", "", "propose")).await;
        assert_eq!(posted.status, StatusCode::FORBIDDEN, "{username} POST");

        // The customer page lists negotiations without the links to start one.
        let customer = client.get(&format!("/p/{PORTFOLIO}/customers/{ANA_CUSTOMER}")).await;
        assert_eq!(customer.status, StatusCode::OK);
        assert!(customer.body.contains("id=\"negotiation-heading\""));
        assert!(!customer.body.contains("id=\"propose-plan\""), "{username} gets no link to propose");
    }
    assert_eq!(count_rows(&store, "payment_plan").await, 0);

    // A form posted without the session's token is refused.
    let mut ana = Client::signed_in(&app, "ana", None).await;
    let mut fields = vec![("csrf", "forged")];
    fields.extend(plan_fields("4", "", "propose"));
    assert_eq!(ana.post(&plan_form_path(ANA_CUSTOMER), &fields).await.status, StatusCode::FORBIDDEN);
    let customer = ana.get(&format!("/p/{PORTFOLIO}/customers/{ANA_CUSTOMER}")).await;
    assert!(customer.body.contains("id=\"propose-plan\""), "a collector gets the links");
}

async fn bad_amount_shows_format(store: Store) {
    let app = prepare(&store).await;
    let mut ana = Client::signed_in(&app, "ana", None).await;
    // "12.50" in Spanish has a thousands separator in the wrong place.
    let reply = ana.submit(&plan_form_path(ANA_CUSTOMER), &plan_fields("4", "12.50", "preview")).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = element_text(&reply.body, "down_payment-error").expect("the message at the field");
    assert_eq!(message, "«12.50» no es un importe válido de cero o más. Escríbalo como 1.234,56.");
    assert!(reply.body.contains("value=\"12.50\""), "the form keeps what was typed");

    let reply = ana.submit(&plan_form_path(ANA_CUSTOMER), &plan_fields("0", "", "propose")).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element_text(&reply.body, "installments-error").is_some_and(|text| text.contains("de 1 a 360")));

    let mut english = Client::signed_in(&app, "ana", Some("en")).await;
    let reply = english.submit(&plan_form_path(ANA_CUSTOMER), &plan_fields("4", "1.234,56", "preview")).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = element_text(&reply.body, "down_payment-error").expect("the message at the field");
    assert_eq!(message, "\"1.234,56\" is not a valid amount of zero or more. Type it as 1,234.56.");

    let offer = english.submit(&offer_form_path(ANA_CUSTOMER), &[("interest_owed", "100"), ("waiver", "half"), ("pay_by", "2013-07-15")]).await;
    assert_eq!(offer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element_text(&offer.body, "waiver-error").is_some_and(|text| text.contains("1,234.56")));
    assert_eq!(count_rows(&store, "payment_plan").await, 0);
    assert_eq!(count_rows(&store, "settlement_offer").await, 0);
}

async fn write_off_requested_and_approved(store: Store) {
    let app = prepare(&store).await;
    let mut ana = Client::signed_in(&app, "ana", None).await;
    let form = ana.get(&format!("/p/{PORTFOLIO}/customers/{ANA_CUSTOMER}/write-offs/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    let path = format!("/p/{PORTFOLIO}/customers/{ANA_CUSTOMER}/write-offs/new");
    let missing = ana.submit(&path, &[("amount", "10,00"), ("reason", "")]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element_text(&missing.body, "reason-error").is_some());

    let requested = ana.submit(&path, &[("amount", "10,00"), ("reason", "Empresa en quiebra")]).await;
    assert_eq!(requested.status, StatusCode::SEE_OTHER, "{}", requested.text());
    let record_path = requested.location.clone().expect("a redirect");
    let page = ana.get(&record_path).await;
    assert_eq!(element_text(&page.body, "write-off-status").as_deref(), Some("Pendiente de aprobación"));

    let mut gerente = Client::signed_in(&app, "gerente", None).await;
    let id = record_id(&record_path);
    let approved = gerente.submit(&format!("/p/{PORTFOLIO}/write-offs/{id}/decision"), &[("decision", "approve"), ("reason", "")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.text());
    let page = gerente.get(approved.location.as_deref().expect("a redirect")).await;
    assert_eq!(element_text(&page.body, "write-off-status").as_deref(), Some("Aprobado"));
}

/// Inserts an API token `token-USERNAME` for each user.
async fn add_tokens(store: &Store) {
    let mut conn = store.acquire().await.expect("a connection");
    for (username, _) in fixture::USERS {
        let user = users::find_user(&mut conn, username).await.expect("the user").expect("the user exists");
        users::insert_api_token(&mut conn, user.id, &recobro_web::auth::token_digest(&format!("token-{username}"))).await.expect("a token");
    }
}

async fn call_api(app: &Router, method: Method, path: &str, username: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(path).header(AUTHORIZATION, format!("Bearer token-{username}"));
    let body = match body {
        Some(json) => {
            request = request.header(CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response = app.clone().oneshot(request.body(body).expect("valid request")).await.expect("the router never fails");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("readable body");
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn api_plan_flow(store: Store) {
    add_tokens(&store).await;
    let app = prepare(&store).await;
    let mut request = json!({"portfolio": PORTFOLIO, "customer": ANA_CUSTOMER, "installments": 12, "frequency": "monthly", "first_due": "2013-07-31", "rate": "12.5", "preview": true});

    let (status, preview) = call_api(&app, Method::POST, "/api/v1/plans", "ana", Some(request.clone())).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["plan"]["id"], Value::Null);
    assert_eq!(preview["installments"].as_array().map(Vec::len), Some(12));
    assert_eq!(preview["required_role"], "manager");
    assert!(preview["breaches"].as_array().is_some_and(|breaches| breaches.contains(&json!("too_many_installments"))), "{preview}");
    assert_eq!(count_rows(&store, "payment_plan").await, 0);

    request["preview"] = json!(false);
    let (status, saved) = call_api(&app, Method::POST, "/api/v1/plans", "ana", Some(request.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert_eq!(saved["plan"]["status"], "proposed");
    let id = saved["plan"]["id"].as_i64().expect("a plan id");

    let (status, _) = call_api(&app, Method::POST, "/api/v1/plans", "luis", Some(request)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "luis may not negotiate for ana's customer");

    let list_path = format!("/api/v1/negotiations?portfolio={PORTFOLIO}&customer={ANA_CUSTOMER}");
    let (status, list) = call_api(&app, Method::GET, &list_path, "consulta", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["plans"][0]["id"], id);
    assert_eq!(list["plans"][0]["status"], "proposed");

    let decision_path = format!("/api/v1/plans/{id}/decision");
    let approve = json!({"portfolio": PORTFOLIO, "decision": "approve"});
    let (status, _) = call_api(&app, Method::POST, &decision_path, "ana", Some(approve.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, reject) = call_api(&app, Method::POST, &decision_path, "gerente", Some(json!({"portfolio": PORTFOLIO, "decision": "reject"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a rejection needs a reason: {reject}");
    let (status, approved) = call_api(&app, Method::POST, &decision_path, "gerente", Some(approve.clone())).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "active");
    assert_eq!(approved["decided_by"], "gerente");
    let (status, again) = call_api(&app, Method::POST, &decision_path, "gerente", Some(approve)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
}

/// Extracts the text of a PDF with pdftotext, white space collapsed.
fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext is missing: install the Debian package poppler-utils (apt-get install -y poppler-utils)");
    child.stdin.take().expect("stdin").write_all(pdf).expect("pdftotext reads the PDF");
    let output = child.wait_with_output().expect("pdftotext runs");
    String::from_utf8_lossy(&output.stdout).replace('\u{a0}', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_pdf(reply: &Reply, what: &str) {
    assert_eq!(reply.status, StatusCode::OK, "{what}: {}", reply.body);
    assert_eq!(reply.content_type.as_deref(), Some("application/pdf"), "{what}");
    assert!(reply.bytes.starts_with(b"%PDF"), "{what} starts with the PDF signature");
}

async fn letters_download_as_pdf(store: Store) {
    let app = prepare(&store).await;
    let mut ana = Client::signed_in(&app, "ana", None).await;

    // A plan waiting for approval has no letter yet.
    let pending = propose_plan(&mut ana, ANA_CUSTOMER, "12", "").await;
    let pending_path = pending.location.clone().expect("a redirect to the plan");
    assert!(element_text(&ana.get(&pending_path).await.body, "plan-letter").is_none(), "no letter before the approval");
    let pending_letter = ana.get(&format!("/p/{PORTFOLIO}/plans/{}/letter", record_id(&pending_path))).await;
    assert_eq!(pending_letter.status, StatusCode::BAD_REQUEST, "{}", pending_letter.text());

    // Once a manager approves it, the plan has its agreement letter.
    let plan_id = record_id(&pending_path);
    let plan_path = format!("/p/{PORTFOLIO}/plans/{plan_id}");
    let mut gerente = Client::signed_in(&app, "gerente", None).await;
    let approve = gerente.submit(&format!("{plan_path}/decision"), &[("decision", "approve"), ("reason", "")]).await;
    assert_eq!(approve.status, StatusCode::SEE_OTHER, "{}", approve.text());
    let page = ana.get(&plan_path).await;
    let link = element_text(&page.body, "plan-letter").expect("the letter link");
    assert_eq!(link, "Descargar la carta del convenio (PDF)");
    let letter_path = format!("/p/{PORTFOLIO}/plans/{plan_id}/letter");
    assert!(page.body.contains(&format!("href=\"{letter_path}\"")), "the link points at the letter");
    let letter = ana.get(&letter_path).await;
    assert_pdf(&letter, "the plan letter");
    let text = pdf_text(&letter.bytes);
    assert!(text.contains("NEG-1"), "the covered invoice: {text}");
    assert!(text.contains("31/07/2013"), "the first due date in Spanish, the customer's default: {text}");

    let offer = ana
        .submit(&offer_form_path(ANA_OTHER_CUSTOMER), &[("interest_owed", "100,00"), ("fees_owed", "0"), ("waiver", "40 %"), ("principal_discount", "0"), ("pay_by", "2013-07-15")])
        .await;
    assert_eq!(offer.status, StatusCode::SEE_OTHER, "{}", offer.text());
    let offer_path = offer.location.clone().expect("a redirect to the offer");
    let offer_id = record_id(&offer_path);
    let page = ana.get(&offer_path).await;
    assert_eq!(element_text(&page.body, "offer-letter").as_deref(), Some("Descargar la carta de la oferta (PDF)"));
    let letter = ana.get(&format!("/p/{PORTFOLIO}/settlements/{offer_id}/letter")).await;
    assert_pdf(&letter, "the offer letter");
    let text = pdf_text(&letter.bytes);
    assert!(text.contains("NEG-3"), "the open invoice: {text}");
    assert!(text.contains(&spanish_amount(80_000 + 10_000 - 4_000)), "the lump sum: {text}");
    assert!(text.contains("15/07/2013"), "the pay-by date: {text}");

    // The link label follows the user's language; the letter follows the
    // customer's.
    let mut english = Client::signed_in(&app, "ana", Some("en")).await;
    let page = english.get(&offer_path).await;
    assert_eq!(element_text(&page.body, "offer-letter").as_deref(), Some("Download the offer letter (PDF)"));

    // Another collector's customer, a viewer's reading and a missing record.
    let mut luis = Client::signed_in(&app, "luis", None).await;
    assert_eq!(luis.get(&letter_path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(luis.get(&format!("/p/{PORTFOLIO}/settlements/{offer_id}/letter")).await.status, StatusCode::FORBIDDEN);
    let mut consulta = Client::signed_in(&app, "consulta", None).await;
    assert_pdf(&consulta.get(&letter_path).await, "the plan letter for a viewer");
    assert_eq!(ana.get(&format!("/p/{PORTFOLIO}/plans/9999/letter")).await.status, StatusCode::NOT_FOUND);
}

async fn offer_form_prefills_interest(store: Store) {
    use recobro_app::statement::{RuleRequest, customer_statement, set_rule};
    let app = prepare(&store).await;
    let mut ana = Client::signed_in(&app, "ana", None).await;

    // Without a late-interest rule the statement owes no interest.
    let form = ana.get(&offer_form_path(ANA_CUSTOMER)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    assert!(form.body.contains(&format!("name=\"interest_owed\" inputmode=\"decimal\" value=\"{}\"", spanish_amount(0))), "{}", form.body);

    let rule = RuleRequest { portfolio: PORTFOLIO.into(), customer: None, regime: None, rate: Some("36.5".into()), day_count: None, grace_days: 0, effective_on: fixture::as_of() - chrono::Days::new(365) };
    set_rule(&store, &rule, "gerente").await.expect("the rule is stored");
    let statement = customer_statement(&store, PORTFOLIO, ANA_CUSTOMER, fixture::as_of()).await.expect("the statement");
    let usd = Currency::parse("USD").expect("valid currency");
    let interest_minor = statement.totals.iter().find(|totals| totals.currency == usd).expect("USD totals").interest_minor;
    assert!(interest_minor > 0, "NEG-1 is past due and bears interest");

    let form = ana.get(&offer_form_path(ANA_CUSTOMER)).await;
    let expected = format!("name=\"interest_owed\" inputmode=\"decimal\" value=\"{}\"", spanish_amount(interest_minor));
    assert!(form.body.contains(&expected), "the field holds the statement's interest {}: {}", spanish_amount(interest_minor), form.body);
    let source = element_text(&form.body, "interest-source").expect("where the interest came from");
    assert!(source.contains("30/06/2013"), "{source}");

    // The field stays editable: the offer keeps what was typed.
    let offer = ana.submit(&offer_form_path(ANA_CUSTOMER), &[("interest_owed", "12,34"), ("fees_owed", "0"), ("waiver", "0"), ("principal_discount", "0"), ("pay_by", "2013-07-15")]).await;
    assert_eq!(offer.status, StatusCode::SEE_OTHER, "{}", offer.text());
    let mut conn = store.acquire().await.expect("a connection");
    let found = portfolio::find(&mut conn, PORTFOLIO).await.expect("the portfolio").expect("the portfolio exists");
    let stored = negotiation::find_offer(&mut conn, found.id, record_id(offer.location.as_deref().expect("a redirect"))).await.expect("the offer").expect("the offer exists");
    assert_eq!(stored.interest_minor, 1_234);
}

async fn api_offer_and_write_off(store: Store) {
    add_tokens(&store).await;
    let app = prepare(&store).await;

    // Every invalid field is named in one response.
    let (status, invalid) = call_api(&app, Method::POST, "/api/v1/settlements", "ana", Some(json!({"portfolio": PORTFOLIO, "customer": ANA_CUSTOMER, "interest_owed": "ten", "waiver": "", "pay_by": "2013-13-01"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{invalid}");
    assert_eq!(invalid["error"]["code"], "bad-request");
    let details = invalid["error"]["details"].as_array().expect("details").iter().map(|detail| detail.as_str().unwrap_or_default().to_string()).collect::<Vec<_>>();
    assert_eq!(details.len(), 3, "{details:?}");
    assert!(details[0].contains("invalid interest_owed \"ten\""), "{details:?}");
    assert!(details[1].contains("waiver is required"), "{details:?}");
    assert!(details[2].contains("invalid pay_by \"2013-13-01\""), "{details:?}");

    // A waiver within a collector's 50% is approved at once; 80% waits.
    let within = json!({"portfolio": PORTFOLIO, "customer": ANA_CUSTOMER, "interest_owed": "100.00", "waiver": "40%", "pay_by": "2013-07-15"});
    let (status, offer) = call_api(&app, Method::POST, "/api/v1/settlements", "ana", Some(within.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{offer}");
    assert_eq!(offer["status"], "approved");
    assert_eq!(offer["interest_waiver"], "40.00");
    assert_eq!(offer["lump_sum"], "1560.00", "1,500.00 open plus 100.00 interest less 40.00");
    assert_eq!(offer["offered_on"], "2013-06-30", "the business date");
    let beyond = json!({"portfolio": PORTFOLIO, "customer": ANA_OTHER_CUSTOMER, "interest_owed": "100.00", "waiver": "80%", "pay_by": "2013-07-15"});
    let (status, pending) = call_api(&app, Method::POST, "/api/v1/settlements", "ana", Some(beyond)).await;
    assert_eq!(status, StatusCode::CREATED, "{pending}");
    assert_eq!(pending["status"], "pending_approval");
    assert_eq!(pending["required_role"], "manager");
    let (status, refused) = call_api(&app, Method::POST, "/api/v1/settlements", "ana", Some(json!({"portfolio": PORTFOLIO, "customer": ANA_CUSTOMER, "interest_owed": "10.00", "waiver": "20.00", "pay_by": "2013-07-15"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(refused["error"]["message"].as_str().is_some_and(|message| message.contains("more than the interest owed")), "{refused}");

    // The same role checks as the pages.
    let (status, _) = call_api(&app, Method::POST, "/api/v1/settlements", "luis", Some(within.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "luis may not negotiate for ana's customer");
    let (status, _) = call_api(&app, Method::POST, "/api/v1/settlements", "consulta", Some(within)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a viewer may not negotiate");
    let pending_id = pending["id"].as_i64().expect("an offer id");
    let decision_path = format!("/api/v1/settlements/{pending_id}/decision");
    let (status, _) = call_api(&app, Method::POST, &decision_path, "ana", Some(json!({"portfolio": PORTFOLIO, "decision": "approve"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, approved) = call_api(&app, Method::POST, &decision_path, "gerente", Some(json!({"portfolio": PORTFOLIO, "decision": "approve"}))).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "approved");

    // Write-offs: requested by a collector, decided by a manager.
    let (status, invalid) = call_api(&app, Method::POST, "/api/v1/write-offs", "ana", Some(json!({"portfolio": PORTFOLIO, "customer": LUIS_CUSTOMER, "amount": "-5", "reason": " "}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{invalid}");
    assert_eq!(invalid["error"]["details"].as_array().map(Vec::len), Some(2), "{invalid}");
    let request = json!({"portfolio": PORTFOLIO, "customer": LUIS_CUSTOMER, "amount": "650.00", "reason": "Company dissolved"});
    let (status, _) = call_api(&app, Method::POST, "/api/v1/write-offs", "ana", Some(request.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "ana may not write off luis's customer");
    let (status, too_much) = call_api(&app, Method::POST, "/api/v1/write-offs", "luis", Some(json!({"portfolio": PORTFOLIO, "customer": LUIS_CUSTOMER, "amount": "650.01", "reason": "Company dissolved"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{too_much}");
    let (status, record) = call_api(&app, Method::POST, "/api/v1/write-offs", "luis", Some(request)).await;
    assert_eq!(status, StatusCode::CREATED, "{record}");
    assert_eq!(record["status"], "pending_approval");
    assert_eq!(record["amount"], "650.00");
    let id = record["id"].as_i64().expect("a write-off id");
    let (status, decided) = call_api(&app, Method::POST, &format!("/api/v1/write-offs/{id}/decision"), "gerente", Some(json!({"portfolio": PORTFOLIO, "decision": "approve"}))).await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(decided["status"], "approved");
    assert_eq!(open_balance(&store, LUIS_CUSTOMER).await, 0, "the write-off closes the balance");
}

on_each_engine!(
    preview_saves_nothing,
    propose_within_and_beyond_limits,
    collector_cannot_approve,
    manager_approves_plan_rejects_offer,
    beyond_authority_is_explained,
    viewer_and_legal_forbidden,
    bad_amount_shows_format,
    write_off_requested_and_approved,
    api_plan_flow,
    letters_download_as_pdf,
    offer_form_prefills_interest,
    api_offer_and_write_off,
);
