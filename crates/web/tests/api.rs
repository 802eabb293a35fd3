//! The JSON API through the router, request by request, on a real database
//! seeded from small CSV files. Each scenario runs on SQLite and, when
//! RECOBRO_TEST_POSTGRES_URL is set, on PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use axum::Router;
use axum::body::Body;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{Method, Request, StatusCode};
use chrono::NaiveDate;
use recobro_app::import::{Profile, RecordKind, import_file};
use recobro_app::reports::{self, AgingGroup, CaseList};
use recobro_core::Currency;
use recobro_store::testing::TestDb;
use recobro_store::{Store, portfolio, users};
use recobro_web::{AppState, auth};
use serde_json::{Value, json};
use tower::ServiceExt;

const PORTFOLIO: &str = "demo";
const AS_OF: &str = "2024-06-30";

/// Username, role and API token of each test user.
const USERS: [(&str, &str); 6] = [("admin", "admin"), ("gerente", "manager"), ("ana", "collector"), ("luis", "collector"), ("abogada", "legal"), ("consulta", "viewer")];

fn token(username: &str) -> String {
    format!("test-token-{username}")
}

const CUSTOMERS: &str = "ref,name,collector,segment\n\
C-ANA-1,Alfa Distribuciones,ana,retail\n\
C-ANA-2,Beta Ferreteria,ana,retail\n\
C-LUIS-1,Gamma Textiles,luis,wholesale\n\
C-NONE,Delta Imports,,wholesale\n";

/// As of 2024-06-30: INV-1 is 151 days past due (a judicial transfer
/// candidate), INV-2 107 days (a problem case), INV-3 136 days and INV-4
/// 10 days, and INV-5 is not yet due.
const DOCUMENTS: &str = "number,customer,issue_date,due_date,amount\n\
INV-1,C-ANA-1,2024-01-01,2024-01-31,1000.00\n\
INV-2,C-ANA-2,2024-02-14,2024-03-15,500.00\n\
INV-3,C-LUIS-1,2024-01-16,2024-02-15,750.00\n\
INV-4,C-LUIS-1,2024-05-21,2024-06-20,200.00\n\
INV-5,C-NONE,2024-07-01,2024-07-31,300.00\n";

const PAYMENTS: &str = "ref,customer,paid_on,amount,document\nP-1,C-ANA-1,2024-05-10,250.00,INV-1\n";

/// Customers assigned to each collector, and every customer.
const ANA_CUSTOMERS: [&str; 2] = ["C-ANA-1", "C-ANA-2"];
const LUIS_CUSTOMERS: [&str; 1] = ["C-LUIS-1"];
const ALL_CUSTOMERS: [&str; 4] = ["C-ANA-1", "C-ANA-2", "C-LUIS-1", "C-NONE"];

/// Every (method, path) the API serves, as the OpenAPI document must list them.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/portfolios"),
    ("GET", "/api/v1/customers"),
    ("GET", "/api/v1/customers/{reference}"),
    ("GET", "/api/v1/documents"),
    ("GET", "/api/v1/payments"),
    ("GET", "/api/v1/actions"),
    ("POST", "/api/v1/actions"),
    ("GET", "/api/v1/aging"),
    ("GET", "/api/v1/reports/problem-cases"),
    ("GET", "/api/v1/reports/legal-candidates"),
    ("GET", "/api/v1/runs"),
    ("POST", "/api/v1/runs"),
    ("POST", "/api/v1/imports"),
    ("GET", "/api/v1/negotiations"),
    ("POST", "/api/v1/plans"),
    ("POST", "/api/v1/settlements"),
    ("POST", "/api/v1/write-offs"),
    ("POST", "/api/v1/plans/{id}/decision"),
    ("POST", "/api/v1/settlements/{id}/decision"),
    ("POST", "/api/v1/write-offs/{id}/decision"),
    ("GET", "/api/v1/portfolios/{code}/customers/{reference}/statement"),
    ("GET", "/api/v1/customer-files"),
    ("POST", "/api/v1/customer-files"),
    ("GET", "/api/v1/customer-files/{id}"),
    ("DELETE", "/api/v1/customer-files/{id}"),
    ("GET", "/api/v1/law-firms"),
    ("PUT", "/api/v1/law-firms/{code}"),
    ("GET", "/api/v1/legal/proposals"),
    ("GET", "/api/v1/legal/referrals"),
    ("POST", "/api/v1/legal/referrals/{id}/decision"),
    ("POST", "/api/v1/legal/referrals/{id}/status"),
    ("POST", "/api/v1/legal/referrals/{id}/recoveries"),
    ("GET", "/api/v1/legal/referrals/{id}/packet"),
    ("GET", "/api/v1/health"),
];

// ---------------------------------------------------------------------------
// Engines and seed data
// ---------------------------------------------------------------------------

/// Defines a module with one test per engine running `scenario`.
macro_rules! on_each_engine {
    ($name:ident, $scenario:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::run_scenario(Some(recobro_store::testing::TestDb::sqlite()), super::$scenario).await;
            }

            #[tokio::test]
            async fn postgres() {
                super::run_scenario(recobro_store::testing::TestDb::postgres().await, super::$scenario).await;
            }
        }
    };
}

/// Runs `scenario` on a seeded database, dropping the database afterwards
/// even when the scenario panics. No database (PostgreSQL not configured)
/// skips it.
async fn run_scenario<Scenario, Outcome>(db: Option<TestDb>, scenario: Scenario)
where
    Scenario: FnOnce(Api) -> Outcome,
    Outcome: Future<Output = ()> + Send + 'static,
{
    let Some(db) = db else { return };
    let store = db.open().await.expect("the test database opens");
    seed(&store).await;
    let api = Api { app: recobro_web::router(AppState::new(store.clone(), false)), store: store.clone() };
    let outcome = tokio::spawn(scenario(api)).await;
    store.close().await;
    db.cleanup().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

fn date(text: &str) -> NaiveDate {
    recobro_core::parse_iso_date(text).expect("valid test date")
}

/// Creates the portfolio, the users with their tokens and the ledger, and
/// runs the daily job as of [`AS_OF`].
async fn seed(store: &Store) {
    {
        let mut conn = store.acquire().await.unwrap();
        portfolio::create(&mut conn, PORTFOLIO, "Demo portfolio", Currency::parse("USD").unwrap(), "UTC").await.unwrap();
        let hash = auth::hash_password("correct horse battery").unwrap();
        for (username, role) in USERS {
            let user_id = users::insert_user(&mut conn, username, &hash, role, Some("en")).await.unwrap();
            users::insert_api_token(&mut conn, user_id, &auth::token_digest(&token(username))).await.unwrap();
        }
    }
    let folder = tempfile::tempdir().unwrap();
    for (name, text, kind) in [("customers.csv", CUSTOMERS, RecordKind::Customer), ("documents.csv", DOCUMENTS, RecordKind::Document), ("payments.csv", PAYMENTS, RecordKind::Payment)] {
        let path = folder.path().join(name);
        std::fs::write(&path, text).unwrap();
        import_file(store, PORTFOLIO, &path, Profile::canonical(kind)).await.unwrap_or_else(|error| panic!("{name} imports: {error}"));
    }
    recobro_app::run::run_daily(store, PORTFOLIO, date(AS_OF)).await.expect("the daily run succeeds");
}

// ---------------------------------------------------------------------------
// A client over the router
// ---------------------------------------------------------------------------

#[derive(Clone)]
struct Api {
    app: Router,
    store: Store,
}

/// A response with its JSON body, or `Value::Null` for a body that is not JSON.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    content_type: String,
    body: Value,
}

/// One part of a multipart body: field name, file name and content.
struct Part<'a> {
    name: &'a str,
    file_name: Option<&'a str>,
    content: &'a [u8],
}

const BOUNDARY: &str = "recobro-test-boundary";

fn multipart_body(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part.file_name {
            Some(file_name) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{}\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n", part.name).as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", part.name).as_bytes()),
        }
        body.extend_from_slice(part.content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

impl Api {
    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.expect("the router never fails");
        let status = response.status();
        let content_type = response.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default().to_string();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("readable body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, content_type, body }
    }

    fn request(method: Method, path: &str, user: Option<&str>) -> axum::http::request::Builder {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(user) = user {
            request = request.header(AUTHORIZATION, format!("Bearer {}", token(user)));
        }
        request
    }

    async fn get(&self, path: &str, user: Option<&str>) -> Reply {
        self.send(Self::request(Method::GET, path, user).body(Body::empty()).unwrap()).await
    }

    async fn post_json(&self, path: &str, user: Option<&str>, body: &Value) -> Reply {
        let request = Self::request(Method::POST, path, user).header(CONTENT_TYPE, "application/json").body(Body::from(body.to_string())).unwrap();
        self.send(request).await
    }

    async fn post_multipart(&self, path: &str, user: Option<&str>, parts: &[Part<'_>]) -> Reply {
        let request = Self::request(Method::POST, path, user)
            .header(CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(Body::from(multipart_body(parts)))
            .unwrap();
        self.send(request).await
    }

    /// Sends the request of one endpoint of the role matrix.
    async fn call(&self, endpoint: &Endpoint, user: Option<&str>) -> Reply {
        let method = Method::from_bytes(endpoint.method.as_bytes()).expect("a valid method");
        match &endpoint.body {
            EndpointBody::None if endpoint.method == "GET" => self.get(&endpoint.path, user).await,
            EndpointBody::None => self.send(Self::request(method, &endpoint.path, user).body(Body::empty()).unwrap()).await,
            EndpointBody::Json(body) if endpoint.method != "POST" => {
                let request = Self::request(method, &endpoint.path, user).header(CONTENT_TYPE, "application/json").body(Body::from(body.to_string())).unwrap();
                self.send(request).await
            }
            EndpointBody::Json(body) => self.post_json(&endpoint.path, user, body).await,
            EndpointBody::File { name, content } => {
                self.post_multipart(&endpoint.path, user, &[Part { name: "file", file_name: Some(name), content: content.as_bytes() }]).await
            }
        }
    }

    /// Collects the references in the customer list that `user` gets, page
    /// by page.
    async fn visible_customers(&self, user: &str, page_size: usize) -> Vec<String> {
        let mut references = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut path = format!("/api/v1/customers?portfolio={PORTFOLIO}&sort=reference&limit={page_size}");
            if let Some(after) = &after {
                path.push_str(&format!("&after={}", url_encode(after)));
            }
            let reply = self.get(&path, Some(user)).await;
            assert_eq!(reply.status, StatusCode::OK, "{user}: {:?}", reply.body);
            let items = reply.body["items"].as_array().expect("items array");
            assert!(items.len() <= page_size, "{user}: page larger than the limit");
            references.extend(items.iter().map(|item| item["reference"].as_str().unwrap().to_string()));
            match reply.body["next_after"].as_str() {
                Some(next) => after = Some(next.to_string()),
                None => break,
            }
        }
        references
    }

    async fn count_rows(&self, table: &str) -> i64 {
        let mut conn = self.store.acquire().await.unwrap();
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *conn).await.unwrap();
        sqlx::Row::try_get::<i64, _>(&row, "n").unwrap()
    }
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// Checks that `reply` is an error envelope with this status and code, and
/// returns its message.
fn assert_envelope(reply: &Reply, status: StatusCode, code: &str) -> String {
    assert_eq!(reply.status, status, "status of {:?}", reply.body);
    assert!(reply.content_type.starts_with("application/json"), "content type {:?}", reply.content_type);
    let object = reply.body.as_object().unwrap_or_else(|| panic!("a JSON object: {:?}", reply.body));
    assert_eq!(object.keys().collect::<Vec<_>>(), vec!["error"], "only an error member: {:?}", reply.body);
    let error = reply.body["error"].as_object().expect("error is an object");
    for key in error.keys() {
        assert!(["code", "message", "details"].contains(&key.as_str()), "unexpected member {key} in {:?}", reply.body);
    }
    assert_eq!(reply.body["error"]["code"], code, "{:?}", reply.body);
    let message = reply.body["error"]["message"].as_str().expect("message is text");
    assert!(!message.is_empty());
    message.to_string()
}

/// Returns the `details` of an error envelope.
fn error_details(reply: &Reply) -> Vec<String> {
    reply.body["error"]["details"].as_array().expect("details array").iter().map(|detail| detail.as_str().unwrap().to_string()).collect()
}

// ---------------------------------------------------------------------------
// The endpoints of the role matrix
// ---------------------------------------------------------------------------

enum EndpointBody {
    None,
    Json(Value),
    File { name: &'static str, content: String },
}

struct Endpoint {
    method: &'static str,
    /// The documented path, such as `/api/v1/customers/{reference}`.
    route: &'static str,
    /// The path called, with parameters.
    path: String,
    body: EndpointBody,
    /// Roles that get a success response. The others get 403.
    allowed: &'static [&'static str],
    success: StatusCode,
}

const ALL_ROLES: &[&str] = &["admin", "manager", "collector", "legal", "viewer"];
const LOGGERS: &[&str] = &["admin", "manager", "collector"];
const CASE_VIEWERS: &[&str] = &["admin", "manager", "collector", "legal"];
const SEE_EVERYONE: &[&str] = &["admin", "manager", "legal", "viewer"];
const MANAGERS: &[&str] = &["admin", "manager"];
/// Roles that keep customer files.
const FILE_KEEPERS: &[&str] = &["admin", "manager", "collector", "legal"];
/// Roles that follow a referral at the law firm.
const REFERRAL_FOLLOWERS: &[&str] = &["admin", "manager", "legal"];

/// Builds one call of every authenticated endpoint, each on ana's customer
/// C-ANA-1 so that the collector in the matrix (ana) may see it.
fn endpoints() -> Vec<Endpoint> {
    let get = |route: &'static str, path: String, allowed: &'static [&'static str]| Endpoint { method: "GET", route, path, body: EndpointBody::None, allowed, success: StatusCode::OK };
    let customer = format!("portfolio={PORTFOLIO}&customer=C-ANA-1");
    let decision = |route: &'static str, path: &str| Endpoint {
        method: "POST",
        route,
        path: path.to_string(),
        body: EndpointBody::Json(json!({"portfolio": PORTFOLIO, "decision": "approve"})),
        allowed: MANAGERS,
        success: StatusCode::NOT_FOUND,
    };
    vec![
        get("/api/v1/portfolios", "/api/v1/portfolios".into(), ALL_ROLES),
        get("/api/v1/customers", format!("/api/v1/customers?portfolio={PORTFOLIO}"), ALL_ROLES),
        get("/api/v1/customers/{reference}", format!("/api/v1/customers/C-ANA-1?portfolio={PORTFOLIO}"), ALL_ROLES),
        get("/api/v1/documents", format!("/api/v1/documents?{customer}"), ALL_ROLES),
        get("/api/v1/payments", format!("/api/v1/payments?{customer}"), ALL_ROLES),
        get("/api/v1/actions", format!("/api/v1/actions?{customer}"), ALL_ROLES),
        Endpoint {
            method: "POST",
            route: "/api/v1/actions",
            path: "/api/v1/actions".into(),
            body: EndpointBody::Json(json!({"portfolio": PORTFOLIO, "customer": "C-ANA-1", "date": AS_OF, "kind": "call", "outcome": "no_contact"})),
            allowed: LOGGERS,
            success: StatusCode::CREATED,
        },
        get("/api/v1/aging", format!("/api/v1/aging?portfolio={PORTFOLIO}&as_of={AS_OF}"), SEE_EVERYONE),
        get("/api/v1/reports/problem-cases", format!("/api/v1/reports/problem-cases?portfolio={PORTFOLIO}&as_of={AS_OF}"), CASE_VIEWERS),
        get("/api/v1/reports/legal-candidates", format!("/api/v1/reports/legal-candidates?portfolio={PORTFOLIO}&as_of={AS_OF}"), CASE_VIEWERS),
        get("/api/v1/runs", format!("/api/v1/runs?portfolio={PORTFOLIO}"), ALL_ROLES),
        get(
            "/api/v1/portfolios/{code}/customers/{reference}/statement",
            format!("/api/v1/portfolios/{PORTFOLIO}/customers/C-ANA-1/statement?as_of={AS_OF}"),
            ALL_ROLES,
        ),
        Endpoint {
            method: "POST",
            route: "/api/v1/runs",
            path: "/api/v1/runs".into(),
            body: EndpointBody::Json(json!({"portfolio": PORTFOLIO, "as_of": AS_OF})),
            allowed: MANAGERS,
            success: StatusCode::OK,
        },
        Endpoint {
            method: "POST",
            route: "/api/v1/imports",
            path: format!("/api/v1/imports?portfolio={PORTFOLIO}&kind=customers"),
            body: EndpointBody::File { name: "customers.csv", content: CUSTOMERS.to_string() },
            allowed: MANAGERS,
            success: StatusCode::OK,
        },
        get("/api/v1/negotiations", format!("/api/v1/negotiations?{customer}"), ALL_ROLES),
        Endpoint {
            method: "POST",
            route: "/api/v1/plans",
            path: "/api/v1/plans".into(),
            body: EndpointBody::Json(json!({"portfolio": PORTFOLIO, "customer": "C-ANA-1", "installments": 3, "frequency": "monthly", "first_due": "2024-07-31", "preview": true})),
            allowed: LOGGERS,
            success: StatusCode::OK,
        },
        Endpoint {
            method: "POST",
            route: "/api/v1/settlements",
            path: "/api/v1/settlements".into(),
            body: EndpointBody::Json(json!({"portfolio": PORTFOLIO, "customer": "C-ANA-1", "interest_owed": "10.00", "waiver": "5.00", "pay_by": "2024-07-31"})),
            allowed: LOGGERS,
            success: StatusCode::CREATED,
        },
        Endpoint {
            method: "POST",
            route: "/api/v1/write-offs",
            path: "/api/v1/write-offs".into(),
            body: EndpointBody::Json(json!({"portfolio": PORTFOLIO, "customer": "C-ANA-1", "amount": "1.00", "reason": "Uncollectable test balance"})),
            allowed: LOGGERS,
            success: StatusCode::CREATED,
        },
        // No record 999999 exists, so the roles that may decide get past
        // the role check to the lookup, and the others are refused first.
        decision("/api/v1/plans/{id}/decision", "/api/v1/plans/999999/decision"),
        decision("/api/v1/settlements/{id}/decision", "/api/v1/settlements/999999/decision"),
        decision("/api/v1/write-offs/{id}/decision", "/api/v1/write-offs/999999/decision"),
        get("/api/v1/customer-files", format!("/api/v1/customer-files?{customer}"), ALL_ROLES),
        // The form has no kind, so the roles that may upload get past the
        // role check to a 400, and the others are refused first.
        Endpoint {
            method: "POST",
            route: "/api/v1/customer-files",
            path: format!("/api/v1/customer-files?{customer}"),
            body: EndpointBody::File { name: "contract.pdf", content: "%PDF-1.7".to_string() },
            allowed: FILE_KEEPERS,
            success: StatusCode::BAD_REQUEST,
        },
        Endpoint { success: StatusCode::NOT_FOUND, ..get("/api/v1/customer-files/{id}", format!("/api/v1/customer-files/999999?portfolio={PORTFOLIO}"), ALL_ROLES) },
        Endpoint {
            method: "DELETE",
            route: "/api/v1/customer-files/{id}",
            path: format!("/api/v1/customer-files/999999?portfolio={PORTFOLIO}"),
            body: EndpointBody::None,
            allowed: FILE_KEEPERS,
            success: StatusCode::NOT_FOUND,
        },
        get("/api/v1/law-firms", "/api/v1/law-firms".into(), CASE_VIEWERS),
        Endpoint {
            method: "PUT",
            route: "/api/v1/law-firms/{code}",
            path: "/api/v1/law-firms/matrix".into(),
            body: EndpointBody::Json(json!({"name": "Matrix Abogados", "contingency_percent": "10"})),
            allowed: MANAGERS,
            success: StatusCode::OK,
        },
        get("/api/v1/legal/proposals", format!("/api/v1/legal/proposals?portfolio={PORTFOLIO}"), CASE_VIEWERS),
        get("/api/v1/legal/referrals", format!("/api/v1/legal/referrals?portfolio={PORTFOLIO}"), CASE_VIEWERS),
        Endpoint {
            body: EndpointBody::Json(json!({"portfolio": PORTFOLIO, "decision": "approve", "firm": "matrix"})),
            ..decision("/api/v1/legal/referrals/{id}/decision", "/api/v1/legal/referrals/999999/decision")
        },
        Endpoint {
            body: EndpointBody::Json(json!({"portfolio": PORTFOLIO, "status": "sent"})),
            allowed: REFERRAL_FOLLOWERS,
            ..decision("/api/v1/legal/referrals/{id}/status", "/api/v1/legal/referrals/999999/status")
        },
        Endpoint {
            body: EndpointBody::Json(json!({"portfolio": PORTFOLIO, "amount": "10.00"})),
            allowed: REFERRAL_FOLLOWERS,
            ..decision("/api/v1/legal/referrals/{id}/recoveries", "/api/v1/legal/referrals/999999/recoveries")
        },
        Endpoint { success: StatusCode::NOT_FOUND, ..get("/api/v1/legal/referrals/{id}/packet", format!("/api/v1/legal/referrals/999999/packet?portfolio={PORTFOLIO}"), CASE_VIEWERS) },
        get("/api/v1/health", format!("/api/v1/health?portfolio={PORTFOLIO}"), SEE_EVERYONE),
    ]
}

/// Returns the matrix's user of each role.
fn user_of_role(role: &str) -> &'static str {
    match role {
        "admin" => "admin",
        "manager" => "gerente",
        "collector" => "ana",
        "legal" => "abogada",
        "viewer" => "consulta",
        other => panic!("no test user has the role {other}"),
    }
}

// ---------------------------------------------------------------------------
// The OpenAPI document and authentication
// ---------------------------------------------------------------------------

async fn document(api: &Api) -> Value {
    let reply = api.get("/api/v1/openapi.json", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.content_type.starts_with("application/json"));
    reply.body
}

/// Collects the (method, path) pairs of an OpenAPI document.
fn documented_routes(document: &Value) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths object") {
        for method in item.as_object().unwrap().keys() {
            routes.insert((method.to_uppercase(), path.clone()));
        }
    }
    routes
}

/// Fills in the path parameters of a documented path.
fn concrete(path: &str) -> String {
    path.replace("{reference}", "C-ANA-1").replace("{id}", "1").replace("{code}", PORTFOLIO)
}

async fn document_matches_router(api: Api) {
    let document = document(&api).await;
    assert_eq!(document["openapi"], "3.1.0");
    let expected: BTreeSet<(String, String)> = ROUTES.iter().map(|(method, path)| (method.to_string(), path.to_string())).collect();
    assert_eq!(documented_routes(&document), expected, "the document lists exactly the API's routes");

    // Each documented route is served: without credentials it returns 401,
    // or 200 for the document itself, never 404 or 405.
    for (method, path) in &expected {
        let request = Request::builder().method(method.as_str()).uri(concrete(path)).body(Body::empty()).unwrap();
        let reply = api.send(request).await;
        if path == "/api/v1/openapi.json" {
            assert_eq!(reply.status, StatusCode::OK, "{method} {path}");
        } else {
            assert_envelope(&reply, StatusCode::UNAUTHORIZED, "unauthenticated");
        }
    }

    // Every response has a description, every reference resolves, and
    // every secured operation names the bearer scheme.
    assert_eq!(document["components"]["securitySchemes"]["bearer"]["type"], "http");
    assert_eq!(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    for (method, path) in &expected {
        let operation = &document["paths"][path][method.to_lowercase()];
        for (status, response) in operation["responses"].as_object().unwrap() {
            assert!(response["description"].is_string(), "{method} {path} {status} has no description");
        }
        if path != "/api/v1/openapi.json" {
            assert_eq!(operation["security"], json!([{"bearer": []}]), "{method} {path}");
            assert!(operation["responses"]["401"].is_object(), "{method} {path} documents 401");
            assert!(operation["responses"]["403"].is_object(), "{method} {path} documents 403");
        }
    }
    let mut references = Vec::new();
    collect_references(&document, &mut references);
    for reference in references {
        assert!(resolve(&document, &reference).is_some(), "dangling reference {reference}");
    }
}
on_each_engine!(document_lists_every_route, document_matches_router);

fn collect_references(value: &Value, references: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                references.push(reference.clone());
            }
            object.values().for_each(|value| collect_references(value, references));
        }
        Value::Array(items) => items.iter().for_each(|value| collect_references(value, references)),
        _ => {}
    }
}

fn resolve<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    document.pointer(pointer)
}

async fn unauthenticated_everywhere(api: Api) {
    let bad_headers = [None, Some("Bearer not-a-token"), Some("Basic YWRtaW46eA=="), Some("Bearer ")];
    for endpoint in endpoints() {
        for header in &bad_headers {
            let mut request = Request::builder().method(endpoint.method).uri(&endpoint.path);
            if let Some(header) = header {
                request = request.header(AUTHORIZATION, *header);
            }
            let reply = api.send(request.body(Body::empty()).unwrap()).await;
            let message = assert_envelope(&reply, StatusCode::UNAUTHORIZED, "unauthenticated");
            assert!(!message.is_empty(), "{} {} with {header:?}", endpoint.method, endpoint.path);
        }
    }
    // The document needs no token, and a valid token still gets it.
    assert_eq!(api.get("/api/v1/openapi.json", None).await.status, StatusCode::OK);
    assert_eq!(api.get("/api/v1/openapi.json", Some("consulta")).await.status, StatusCode::OK);
}
on_each_engine!(every_route_needs_a_token, unauthenticated_everywhere);

// ---------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------

async fn role_matrix(api: Api) {
    let endpoints = endpoints();
    let covered: BTreeSet<(String, String)> = endpoints.iter().map(|endpoint| (endpoint.method.to_string(), endpoint.route.to_string())).collect();
    let expected: BTreeSet<(String, String)> =
        ROUTES.iter().filter(|(_, path)| *path != "/api/v1/openapi.json").map(|(method, path)| (method.to_string(), path.to_string())).collect();
    assert_eq!(covered, expected, "the matrix covers every authenticated route");

    for endpoint in &endpoints {
        for role in ALL_ROLES {
            let user = user_of_role(role);
            let reply = api.call(endpoint, Some(user)).await;
            if endpoint.allowed.contains(role) {
                assert_eq!(reply.status, endpoint.success, "{role} {} {}: {:?}", endpoint.method, endpoint.path, reply.body);
                if endpoint.route == "/api/v1/settlements" {
                    // A customer has one offer in force at a time, so the
                    // next role's offer needs this one withdrawn.
                    let mut conn = api.store.acquire().await.expect("a connection");
                    sqlx::query("UPDATE settlement_offer SET status = 'cancelled'").execute(&mut *conn).await.expect("offers cancelled");
                }
            } else {
                assert_envelope(&reply, StatusCode::FORBIDDEN, "forbidden");
            }
        }
    }
}
on_each_engine!(role_matrix_is_enforced, role_matrix);

async fn collector_limits(api: Api) {
    // ana may not read or change luis's customer.
    let luis_customer = format!("portfolio={PORTFOLIO}&customer=C-LUIS-1");
    for path in [
        format!("/api/v1/customers/C-LUIS-1?portfolio={PORTFOLIO}"),
        format!("/api/v1/documents?{luis_customer}"),
        format!("/api/v1/payments?{luis_customer}"),
        format!("/api/v1/actions?{luis_customer}"),
        format!("/api/v1/customers/C-NONE?portfolio={PORTFOLIO}"),
    ] {
        assert_envelope(&api.get(&path, Some("ana")).await, StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(api.get(&path, Some("luis")).await.status, if path.contains("C-NONE") { StatusCode::FORBIDDEN } else { StatusCode::OK }, "luis {path}");
    }
    let before = api.count_rows("collection_action").await;
    let action = json!({"portfolio": PORTFOLIO, "customer": "C-LUIS-1", "date": AS_OF, "kind": "call"});
    assert_envelope(&api.post_json("/api/v1/actions", Some("ana"), &action).await, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(api.count_rows("collection_action").await, before, "nothing stored");

    // Asking for another collector's list is refused, asking for one's own is not.
    let others = api.get(&format!("/api/v1/customers?portfolio={PORTFOLIO}&collector=luis"), Some("ana")).await;
    assert_envelope(&others, StatusCode::FORBIDDEN, "forbidden");
    let own = api.get(&format!("/api/v1/customers?portfolio={PORTFOLIO}&collector=ana"), Some("ana")).await;
    assert_eq!(own.status, StatusCode::OK);

    // Case reports hold only the collector's own customers.
    for (report, manager_expected, ana_expected) in [("problem-cases", vec!["C-ANA-1", "C-LUIS-1", "C-ANA-2"], vec!["C-ANA-1", "C-ANA-2"]), ("legal-candidates", vec!["C-ANA-1", "C-LUIS-1"], vec!["C-ANA-1"])] {
        let path = format!("/api/v1/reports/{report}?portfolio={PORTFOLIO}&as_of={AS_OF}");
        let customers = |reply: &Reply| reply.body.as_array().unwrap().iter().map(|line| line["customer"].as_str().unwrap().to_string()).collect::<Vec<_>>();
        assert_eq!(customers(&api.get(&path, Some("gerente")).await), manager_expected, "{report} for the manager");
        assert_eq!(customers(&api.get(&path, Some("ana")).await), ana_expected, "{report} for ana");
        assert_eq!(customers(&api.get(&path, Some("luis")).await), vec!["C-LUIS-1"], "{report} for luis");
    }
}
on_each_engine!(collector_sees_only_own_customers, collector_limits);

async fn customer_list_per_user(api: Api) {
    for (username, _) in USERS {
        let expected: Vec<&str> = match username {
            "ana" => ANA_CUSTOMERS.to_vec(),
            "luis" => LUIS_CUSTOMERS.to_vec(),
            _ => ALL_CUSTOMERS.to_vec(),
        };
        assert_eq!(api.visible_customers(username, 50).await, expected, "{username}, one page");
        assert_eq!(api.visible_customers(username, 1).await, expected, "{username}, pages of one");
    }

    // The first page of the default sort, most days past due first.
    let reply = api.get(&format!("/api/v1/customers?portfolio={PORTFOLIO}"), Some("gerente")).await;
    let first = &reply.body["items"][0];
    assert_eq!(first["reference"], "C-ANA-1");
    assert_eq!(first["days_past_due"], 151);
    assert_eq!(first["overdue"], "750.00");
    assert_eq!(first["currency"], "USD");
    assert_eq!(first["collector"], "ana");
    assert_eq!(reply.body["next_after"], Value::Null);

    // Filters.
    let references = |reply: Reply| reply.body["items"].as_array().unwrap().iter().map(|item| item["reference"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let by_bucket = api.get(&format!("/api/v1/customers?portfolio={PORTFOLIO}&bucket=121%2B&sort=reference"), Some("gerente")).await;
    assert_eq!(references(by_bucket), vec!["C-ANA-1", "C-LUIS-1"]);
    let by_search = api.get(&format!("/api/v1/customers?portfolio={PORTFOLIO}&search=gamma"), Some("gerente")).await;
    assert_eq!(references(by_search), vec!["C-LUIS-1"]);
    let by_segment = api.get(&format!("/api/v1/customers?portfolio={PORTFOLIO}&segment=retail&sort=name"), Some("abogada")).await;
    assert_eq!(references(by_segment), vec!["C-ANA-1", "C-ANA-2"]);
}
on_each_engine!(customer_list_holds_what_the_caller_may_see, customer_list_per_user);

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

async fn error_envelopes(api: Api) {
    let manager = Some("gerente");
    let cases: Vec<(String, StatusCode, &str, Vec<&str>)> = vec![
        ("/api/v1/customers?portfolio=nope".to_string(), StatusCode::NOT_FOUND, "not-found", vec!["portfolio", "nope"]),
        (format!("/api/v1/customers/NOPE?portfolio={PORTFOLIO}"), StatusCode::NOT_FOUND, "not-found", vec!["customer", "NOPE"]),
        (format!("/api/v1/documents?portfolio={PORTFOLIO}&customer=NOPE"), StatusCode::NOT_FOUND, "not-found", vec!["NOPE"]),
        ("/api/v1/customers".to_string(), StatusCode::BAD_REQUEST, "bad-request", vec!["portfolio is required"]),
        (format!("/api/v1/payments?portfolio={PORTFOLIO}"), StatusCode::BAD_REQUEST, "bad-request", vec!["customer is required"]),
        (format!("/api/v1/aging?portfolio={PORTFOLIO}&as_of=2024-02-30"), StatusCode::BAD_REQUEST, "bad-request", vec!["as_of", "2024-02-30"]),
        (format!("/api/v1/aging?portfolio={PORTFOLIO}&by=region"), StatusCode::BAD_REQUEST, "bad-request", vec!["by", "region"]),
        (format!("/api/v1/reports/problem-cases?portfolio={PORTFOLIO}&as_of=yesterday"), StatusCode::BAD_REQUEST, "bad-request", vec!["as_of", "yesterday"]),
        (format!("/api/v1/customers?portfolio={PORTFOLIO}&limit=501"), StatusCode::BAD_REQUEST, "bad-request", vec!["limit", "501"]),
        (format!("/api/v1/customers?portfolio={PORTFOLIO}&limit=0"), StatusCode::BAD_REQUEST, "bad-request", vec!["limit", "0"]),
        (format!("/api/v1/customers?portfolio={PORTFOLIO}&bucket=200-300"), StatusCode::BAD_REQUEST, "bad-request", vec!["bucket", "200-300"]),
        (format!("/api/v1/customers?portfolio={PORTFOLIO}&sort=age"), StatusCode::BAD_REQUEST, "bad-request", vec!["sort", "age"]),
        (format!("/api/v1/customers?portfolio={PORTFOLIO}&after=garbage"), StatusCode::BAD_REQUEST, "bad-request", vec!["after", "garbage"]),
        ("/api/v1/runs?portfolio=nope".to_string(), StatusCode::NOT_FOUND, "not-found", vec!["nope"]),
        ("/api/v1/no-such-route".to_string(), StatusCode::NOT_FOUND, "not-found", vec!["/api/v1/no-such-route"]),
    ];
    for (path, status, code, words) in cases {
        let reply = api.get(&path, manager).await;
        let message = assert_envelope(&reply, status, code);
        for word in words {
            assert!(message.contains(word), "{path}: {message:?} should mention {word:?}");
        }
    }

    // Bodies that are not JSON, or not an object of the request's fields.
    let request = Request::builder().method(Method::POST).uri("/api/v1/runs").header(AUTHORIZATION, format!("Bearer {}", token("gerente"))).body(Body::from("{}")).unwrap();
    assert_envelope(&api.send(request).await, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/actions")
        .header(AUTHORIZATION, format!("Bearer {}", token("gerente")))
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    assert_envelope(&api.send(request).await, StatusCode::BAD_REQUEST, "bad-request");
    let missing = api.post_json("/api/v1/runs", manager, &json!({"portfolio": PORTFOLIO})).await;
    assert!(assert_envelope(&missing, StatusCode::BAD_REQUEST, "bad-request").contains("as_of is required"));
}
on_each_engine!(errors_use_the_envelope, error_envelopes);

// ---------------------------------------------------------------------------
// Collection actions
// ---------------------------------------------------------------------------

async fn action_validation(api: Api) {
    let before = api.count_rows("collection_action").await;
    let invalid = json!({
        "portfolio": PORTFOLIO,
        "customer": "C-ANA-2",
        "date": "2024-13-01",
        "kind": "fax",
        "outcome": "promise_to_pay",
        "promise_amount": "12,50",
        "dispute_documents": ["INV-2"],
        "next_action_on": "soon",
    });
    let reply = api.post_json("/api/v1/actions", Some("ana"), &invalid).await;
    let message = assert_envelope(&reply, StatusCode::BAD_REQUEST, "bad-request");
    assert!(message.contains("not stored"), "{message}");
    let details = error_details(&reply);
    let expected = [
        "date \"2024-13-01\" is not a valid date",
        "kind \"fax\" is not one of call, email, letter, sms, visit, note, legal_update",
        "promise_amount \"12,50\" is not an amount",
        "a promise to pay needs both promise_amount and promise_on",
        "a dispute needs outcome \"dispute\"",
        "next_action_on \"soon\" is not a valid date",
    ];
    assert_eq!(details.len(), expected.len(), "{details:?}");
    for (detail, start) in details.iter().zip(expected) {
        assert!(detail.starts_with(start), "{detail:?} should start with {start:?}");
    }

    let missing = api.post_json("/api/v1/actions", Some("ana"), &json!({"portfolio": PORTFOLIO, "customer": "C-ANA-2"})).await;
    assert_envelope(&missing, StatusCode::BAD_REQUEST, "bad-request");
    assert_eq!(error_details(&missing), vec!["date is required", "kind is required"]);

    let early_promise = json!({"portfolio": PORTFOLIO, "customer": "C-ANA-2", "date": AS_OF, "kind": "call", "promise_amount": "10.00", "promise_on": "2024-06-01"});
    assert_eq!(error_details(&api.post_json("/api/v1/actions", Some("ana"), &early_promise).await), vec!["promise_on cannot be before date"]);

    let foreign_document = json!({"portfolio": PORTFOLIO, "customer": "C-ANA-2", "date": AS_OF, "kind": "call", "outcome": "dispute", "dispute_documents": ["INV-3"], "dispute_reason": "not ordered"});
    let message = assert_envelope(&api.post_json("/api/v1/actions", Some("ana"), &foreign_document).await, StatusCode::BAD_REQUEST, "bad-request");
    assert!(message.contains("INV-3"), "{message}");

    assert_eq!(api.count_rows("collection_action").await, before, "no invalid action was stored");
    assert_eq!(api.count_rows("dispute").await, 0, "no dispute was stored");
}
on_each_engine!(action_is_validated, action_validation);

async fn action_storage(api: Api) {
    let promise = json!({
        "portfolio": PORTFOLIO,
        "customer": "C-ANA-2",
        "date": AS_OF,
        "kind": "call",
        "outcome": "promise_to_pay",
        "promise_amount": "150.50",
        "promise_on": "2024-07-15",
        "notes": "Will pay half next month",
        "next_action_on": "2024-07-16",
    });
    let reply = api.post_json("/api/v1/actions", Some("ana"), &promise).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let stored = &reply.body;
    assert_eq!(stored["customer"], "C-ANA-2");
    assert_eq!(stored["date"], AS_OF);
    assert_eq!(stored["collector"], "ana");
    assert_eq!(stored["promise_amount"], "150.50");
    assert_eq!(stored["promise_currency"], "USD");
    assert_eq!(stored["promise_on"], "2024-07-15");
    assert_eq!(stored["next_action_kind"], "follow_up");
    assert_eq!(stored["dispute_documents"], json!([]));

    let actions = api.get(&format!("/api/v1/actions?portfolio={PORTFOLIO}&customer=C-ANA-2"), Some("gerente")).await;
    assert_eq!(actions.status, StatusCode::OK);
    let listed = &actions.body["items"][0];
    assert_eq!(listed["kind"], "call");
    assert_eq!(listed["outcome"], "promise_to_pay");
    assert_eq!(listed["promise_amount"], "150.50");
    assert_eq!(listed["notes"], "Will pay half next month");
    assert_eq!(listed["next_action_on"], "2024-07-16");

    let dispute = json!({"portfolio": PORTFOLIO, "customer": "C-ANA-2", "date": AS_OF, "kind": "email", "outcome": "dispute", "dispute_documents": ["INV-2"], "dispute_reason": "Goods arrived damaged"});
    let reply = api.post_json("/api/v1/actions", Some("gerente"), &dispute).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    assert_eq!(reply.body["dispute_documents"], json!(["INV-2"]));
    assert_eq!(reply.body["dispute_reason"], "Goods arrived damaged");
    let documents = api.get(&format!("/api/v1/documents?portfolio={PORTFOLIO}&customer=C-ANA-2"), Some("ana")).await;
    assert_eq!(documents.body["items"][0]["number"], "INV-2");
    assert_eq!(documents.body["items"][0]["disputed"], true);

    let mut conn = api.store.acquire().await.unwrap();
    let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'action.logged' AND subject = 'customer:C-ANA-2'").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(sqlx::Row::try_get::<i64, _>(&row, "n").unwrap(), 2, "each action has an audit event");
}
on_each_engine!(action_is_stored, action_storage);

// ---------------------------------------------------------------------------
// Paging of a customer's documents, payments and actions
// ---------------------------------------------------------------------------

/// Documents, payments and actions of the customer C-MANY.
const MANY_DOCUMENTS: usize = 250;
const MANY_PAYMENTS: usize = 130;
const MANY_ACTIONS: usize = 130;

/// Imports C-MANY through the API: 250 documents with due dates that
/// repeat, 130 of them settled by a payment each, and 130 actions, so that
/// every list has ties on its sort date and more rows than one page.
async fn import_many_rows(api: &Api) {
    let mut documents = String::from("number,customer,issue_date,due_date,amount\n");
    for i in 0..MANY_DOCUMENTS {
        documents.push_str(&format!("M-{i:03},C-MANY,2023-12-01,2024-01-{:02},10.00\n", 1 + i % 7));
    }
    let mut payments = String::from("ref,customer,paid_on,amount,document\n");
    for i in 0..MANY_PAYMENTS {
        payments.push_str(&format!("PM-{i:03},C-MANY,2024-03-{:02},10.00,M-{i:03}\n", 1 + i % 5));
    }
    let mut actions = String::from("customer,date,kind,notes\n");
    for i in 0..MANY_ACTIONS {
        actions.push_str(&format!("C-MANY,2024-04-{:02},call,call {i}\n", 1 + i % 3));
    }
    let files = [("customers", "ref,name\nC-MANY,Muchos Documentos\n".to_string()), ("documents", documents), ("payments", payments), ("actions", actions)];
    for (kind, content) in files {
        let path = format!("/api/v1/imports?portfolio={PORTFOLIO}&kind={kind}");
        let reply = api.post_multipart(&path, Some("gerente"), &[Part { name: "file", file_name: Some("many.csv"), content: content.as_bytes() }]).await;
        assert_eq!(reply.status, StatusCode::OK, "{kind}: {:?}", reply.body);
    }
}

/// Reads every page of a customer list with `limit` rows per page. Returns
/// the key of each row, in order, and the number of pages.
async fn read_pages(api: &Api, list: &str, key: &str, limit: usize) -> (Vec<String>, usize) {
    let mut keys = Vec::new();
    let mut pages = 0;
    let mut after: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/{list}?portfolio={PORTFOLIO}&customer=C-MANY&limit={limit}");
        if let Some(after) = &after {
            path.push_str(&format!("&after={}", url_encode(after)));
        }
        let reply = api.get(&path, Some("consulta")).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {:?}", reply.body);
        let items = reply.body["items"].as_array().expect("items array");
        assert!(items.len() <= limit, "{path}: {} rows on a page of {limit}", items.len());
        keys.extend(items.iter().map(|item| item[key].as_str().unwrap().to_string()));
        pages += 1;
        match reply.body["next_after"].as_str() {
            Some(next) => after = Some(next.to_string()),
            None => break,
        }
        assert!(pages <= 1000, "{list}: the pages never end");
    }
    (keys, pages)
}

async fn detail_paging(api: Api) {
    import_many_rows(&api).await;

    for (list, key, total) in [("documents", "number", MANY_DOCUMENTS), ("payments", "reference", MANY_PAYMENTS), ("actions", "notes", MANY_ACTIONS)] {
        let (whole, pages) = read_pages(&api, list, key, 1000).await;
        assert_eq!(whole.len(), total, "{list}: one page of 1000 has every row");
        assert_eq!(pages, 1, "{list}: one page of 1000 is the last page");
        let distinct: BTreeSet<&String> = whole.iter().collect();
        assert_eq!(distinct.len(), total, "{list}: no row twice");

        for limit in [100, 7] {
            let (paged, pages) = read_pages(&api, list, key, limit).await;
            assert_eq!(paged, whole, "{list}: pages of {limit} list every row once, in the order of one large page");
            assert_eq!(pages, total.div_ceil(limit), "{list}: pages of {limit}");
        }

        let first = api.get(&format!("/api/v1/{list}?portfolio={PORTFOLIO}&customer=C-MANY"), Some("consulta")).await;
        assert_eq!(first.body["items"].as_array().map(Vec::len), Some(100), "{list}: 100 rows without a limit");
        assert!(first.body["next_after"].is_string(), "{list}: a first page of 100 has a next page");
    }

    // Open documents come before the settled ones.
    let (documents, _) = read_pages(&api, "documents", "open", 1000).await;
    let open = MANY_DOCUMENTS - MANY_PAYMENTS;
    assert!(documents[..open].iter().all(|amount| amount == "10.00"), "the first {open} documents are open");
    assert!(documents[open..].iter().all(|amount| amount == "0.00"), "the settled documents come last");

    for parameters in ["limit=0", "limit=1001", "limit=ten", "after=yesterday", "after=open:2024-13-01:1"] {
        let reply = api.get(&format!("/api/v1/documents?portfolio={PORTFOLIO}&customer=C-MANY&{parameters}"), Some("consulta")).await;
        let message = assert_envelope(&reply, StatusCode::BAD_REQUEST, "bad-request");
        assert!(message.starts_with("invalid"), "{parameters}: {message}");
    }
    let reply = api.get(&format!("/api/v1/payments?portfolio={PORTFOLIO}&customer=C-MANY&after=open:2024-01-01:1"), Some("consulta")).await;
    assert_envelope(&reply, StatusCode::BAD_REQUEST, "bad-request");
}
on_each_engine!(customer_lists_page_through_every_row, detail_paging);

// ---------------------------------------------------------------------------
// Reports and runs
// ---------------------------------------------------------------------------

async fn reports_equal_cli_json(api: Api) {
    for (by, group) in [("bucket", AgingGroup::Bucket), ("customer", AgingGroup::Customer), ("segment", AgingGroup::Segment), ("collector", AgingGroup::Collector)] {
        let reply = api.get(&format!("/api/v1/aging?portfolio={PORTFOLIO}&as_of={AS_OF}&by={by}"), Some("consulta")).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let cli = reports::aging(&api.store, PORTFOLIO, date(AS_OF), group).await.unwrap().to_json();
        assert_eq!(reply.body, cli, "aging by {by}");
    }
    // Without as_of the report is as of the latest run.
    let latest = api.get(&format!("/api/v1/aging?portfolio={PORTFOLIO}"), Some("gerente")).await;
    assert_eq!(latest.body["as_of"], AS_OF);
    // INV-5, issued after the date, is left out.
    assert_eq!(latest.body["total"], "2200.00");

    for (report, list) in [("problem-cases", CaseList::ProblemCases), ("legal-candidates", CaseList::LegalCandidates)] {
        let reply = api.get(&format!("/api/v1/reports/{report}?portfolio={PORTFOLIO}&as_of={AS_OF}"), Some("abogada")).await;
        let cli = serde_json::to_value(reports::case_list(&api.store, PORTFOLIO, date(AS_OF), list).await.unwrap()).unwrap();
        assert_eq!(reply.body, cli, "{report}");
    }
}
on_each_engine!(reports_are_the_cli_json, reports_equal_cli_json);

async fn daily_runs(api: Api) {
    let reply = api.post_json("/api/v1/runs", Some("gerente"), &json!({"portfolio": PORTFOLIO, "as_of": "2024-07-31"})).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["as_of"], "2024-07-31");
    assert_eq!(reply.body["counts"]["problem_cases"], 3);
    assert_eq!(reply.body["counts"]["open_items"], 5);
    assert_eq!(reply.body["totals"][0]["currency"], "USD");
    assert_eq!(reply.body["totals"][0]["balance"], "2500.00");

    let earlier = api.post_json("/api/v1/runs", Some("admin"), &json!({"portfolio": PORTFOLIO, "as_of": "2024-07-01"})).await;
    let message = assert_envelope(&earlier, StatusCode::CONFLICT, "conflict");
    assert!(message.contains("2024-07-01"), "{message}");
    assert!(message.contains("2024-07-31"), "{message}");
    assert!(message.contains("runs move forward"), "{message}");

    let unknown = api.post_json("/api/v1/runs", Some("admin"), &json!({"portfolio": "nope", "as_of": "2024-07-31"})).await;
    assert_envelope(&unknown, StatusCode::NOT_FOUND, "not-found");
    let bad_date = api.post_json("/api/v1/runs", Some("admin"), &json!({"portfolio": PORTFOLIO, "as_of": "31/07/2024"})).await;
    assert!(assert_envelope(&bad_date, StatusCode::BAD_REQUEST, "bad-request").contains("31/07/2024"));

    let runs = api.get(&format!("/api/v1/runs?portfolio={PORTFOLIO}"), Some("ana")).await;
    let dates: Vec<&str> = runs.body.as_array().unwrap().iter().map(|run| run["as_of"].as_str().unwrap()).collect();
    assert_eq!(dates.len(), 2, "{:?}", runs.body);
    assert!(dates.contains(&AS_OF), "{dates:?}");
    assert!(dates.contains(&"2024-07-31"), "{dates:?}");
}
on_each_engine!(runs_start_and_move_forward, daily_runs);

// ---------------------------------------------------------------------------
// Imports
// ---------------------------------------------------------------------------

async fn import_good_files(api: Api) {
    let path = format!("/api/v1/imports?portfolio={PORTFOLIO}&kind=customers");
    let file = b"ref,name,collector\nC-NEW,Epsilon Foods,luis\n";
    let reply = api.post_multipart(&path, Some("gerente"), &[Part { name: "file", file_name: Some("new-customers.csv"), content: file }]).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["file"], "new-customers.csv");
    assert_eq!(reply.body["rows"], 1);
    assert_eq!(reply.body["changed"], true);
    assert_eq!(reply.body["counts"]["customers"], json!({"created": 1, "updated": 0, "unchanged": 0}));
    assert_eq!(api.visible_customers("luis", 50).await, vec!["C-LUIS-1", "C-NEW"]);

    // The same file again changes nothing.
    let again = api.post_multipart(&path, Some("admin"), &[Part { name: "file", file_name: Some("new-customers.csv"), content: file }]).await;
    assert_eq!(again.body["changed"], false, "{:?}", again.body);
    assert_eq!(again.body["counts"]["customers"]["unchanged"], 1);

    // A kind with a mapping profile for other column names.
    let documents = b"Factura;Cliente;Emision;Vencimiento;Importe\nINV-9;C-NEW;01/06/2024;01/07/2024;1.234,50\n";
    let mapping = b"[format]\ndelimiter = \";\"\ndate_format = \"%d/%m/%Y\"\ndecimal_separator = \",\"\nthousands_separator = \".\"\n\n[columns]\nnumber = \"Factura\"\ncustomer = \"Cliente\"\nissue_date = \"Emision\"\ndue_date = \"Vencimiento\"\namount = \"Importe\"\n";
    let mapped = api
        .post_multipart(
            &format!("/api/v1/imports?portfolio={PORTFOLIO}&kind=documents"),
            Some("gerente"),
            &[Part { name: "mapping", file_name: None, content: mapping }, Part { name: "file", file_name: Some("facturas.csv"), content: documents }],
        )
        .await;
    assert_eq!(mapped.status, StatusCode::OK, "{:?}", mapped.body);
    assert_eq!(mapped.body["counts"]["documents"]["created"], 1);
    let stored = api.get(&format!("/api/v1/documents?portfolio={PORTFOLIO}&customer=C-NEW"), Some("luis")).await;
    assert_eq!(stored.body["items"][0]["amount"], "1234.50");
    assert_eq!(stored.body["items"][0]["due_date"], "2024-07-01");

    // A built-in profile with the bundled IBM sample.
    let ibm = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ibm-accounts-receivable.csv")).unwrap();
    let reply = api
        .post_multipart(&format!("/api/v1/imports?portfolio={PORTFOLIO}&profile=ibm-ar"), Some("admin"), &[Part { name: "file", file_name: Some("ibm.csv"), content: &ibm }])
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["profile"], "ibm-ar");
    assert!(reply.body["counts"]["documents"]["created"].as_u64().unwrap() > 2000, "{:?}", reply.body);
}
on_each_engine!(import_accepts_good_files, import_good_files);

async fn import_bad_files(api: Api) {
    let tables = ["customer", "document", "payment", "import_batch"];
    let mut before = BTreeMap::new();
    for table in tables {
        before.insert(table, api.count_rows(table).await);
    }

    // Three rows the parser rejects: a date that does not exist, an amount
    // that is not a number and a missing document number.
    let bad = b"number,customer,issue_date,due_date,amount\n\
INV-10,C-ANA-1,2024-06-01,2024-07-01,100.00\n\
INV-11,C-ANA-2,2024-06-31,2024-07-01,50.00\n\
INV-12,C-ANA-2,2024-06-01,2024-07-01,lots\n\
,C-ANA-2,2024-06-01,2024-07-01,50.00\n";
    let reply = api
        .post_multipart(&format!("/api/v1/imports?portfolio={PORTFOLIO}&kind=documents"), Some("gerente"), &[Part { name: "file", file_name: Some("bad.csv"), content: bad }])
        .await;
    let message = assert_envelope(&reply, StatusCode::UNPROCESSABLE_ENTITY, "import-rejected");
    assert!(message.contains("nothing was written"), "{message}");
    assert!(message.contains("3 errors"), "{message}");
    let details = error_details(&reply);
    assert_eq!(details.len(), 3, "{details:?}");
    for (line, word) in [(3, "2024-06-31"), (4, "lots"), (5, "number")] {
        assert!(details.iter().any(|detail| detail.starts_with(&format!("bad.csv:{line}:")) && detail.contains(word)), "no error for line {line} naming {word}: {details:?}");
    }

    // A row the plan rejects: a document of a customer that does not exist.
    let orphan = b"number,customer,issue_date,due_date,amount\nINV-20,C-UNKNOWN,2024-06-01,2024-07-01,50.00\n";
    let reply = api
        .post_multipart(&format!("/api/v1/imports?portfolio={PORTFOLIO}&kind=documents"), Some("admin"), &[Part { name: "file", file_name: Some("orphan.csv"), content: orphan }])
        .await;
    assert_envelope(&reply, StatusCode::UNPROCESSABLE_ENTITY, "import-rejected");
    let details = error_details(&reply);
    assert_eq!(details.len(), 1, "{details:?}");
    assert!(details[0].starts_with("orphan.csv:2"), "{details:?}");
    assert!(details[0].contains("C-UNKNOWN"), "{details:?}");

    for table in tables {
        assert_eq!(api.count_rows(table).await, before[table], "{table} unchanged after a rejected import");
    }

    // Problems with the request itself.
    let path = |query: &str| format!("/api/v1/imports?portfolio={PORTFOLIO}{query}");
    let file = [Part { name: "file", file_name: Some("c.csv"), content: b"ref,name\nX,Y\n" }];
    let cases: [(String, &[Part], StatusCode, &str, &str); 6] = [
        (path(""), &file, StatusCode::BAD_REQUEST, "bad-request", "profile"),
        (path("&profile=sap"), &file, StatusCode::BAD_REQUEST, "bad-request", "sap"),
        (path("&kind=invoices"), &file, StatusCode::BAD_REQUEST, "bad-request", "invoices"),
        (path("&profile=ibm-ar&kind=customers"), &file, StatusCode::BAD_REQUEST, "bad-request", "not both"),
        (path("&kind=customers"), &[], StatusCode::BAD_REQUEST, "bad-request", "\"file\""),
        ("/api/v1/imports?portfolio=nope&kind=customers".to_string(), &file, StatusCode::NOT_FOUND, "not-found", "nope"),
    ];
    for (path, parts, status, code, word) in cases {
        let reply = api.post_multipart(&path, Some("admin"), parts).await;
        let message = assert_envelope(&reply, status, code);
        assert!(message.contains(word), "{path}: {message:?} should mention {word:?}");
    }
    let bad_mapping = [Part { name: "mapping", file_name: None, content: b"[columns]\nbogus = \"x\"\n" }, Part { name: "file", file_name: Some("c.csv"), content: b"ref,name\nX,Y\n" }];
    let reply = api.post_multipart(&path("&kind=customers"), Some("admin"), &bad_mapping).await;
    assert!(assert_envelope(&reply, StatusCode::BAD_REQUEST, "bad-request").contains("bogus"));

    for table in tables {
        assert_eq!(api.count_rows(table).await, before[table], "{table} unchanged after the rejected requests");
    }
}
on_each_engine!(import_rejects_bad_files, import_bad_files);

async fn import_size_limit(api: Api) {
    let limit = recobro_web::imports::MAX_UPLOAD_BYTES;
    let mut big = b"ref,name\n".to_vec();
    big.resize(limit + 1024, b'x');
    let reply = api
        .post_multipart(&format!("/api/v1/imports?portfolio={PORTFOLIO}&kind=customers"), Some("admin"), &[Part { name: "file", file_name: Some("big.csv"), content: &big }])
        .await;
    let message = assert_envelope(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large");
    assert!(message.contains("64 MiB"), "{message}");
}
on_each_engine!(import_limits_the_body_size, import_size_limit);

// ---------------------------------------------------------------------------
// Responses against the document's schemas
// ---------------------------------------------------------------------------

/// Problems of `value` against `schema`: a type the schema does not allow,
/// a required member that is missing, or a member it does not describe.
fn schema_problems(document: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        return schema_problems(document, resolve(document, reference).expect("references resolve"), value, at);
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(choices) = schema[keyword].as_array() {
            let fits = choices.iter().any(|choice| schema_problems(document, choice, value, at).is_empty());
            return if fits { Vec::new() } else { vec![format!("{at}: {value} fits none of {keyword}")] };
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(name) => vec![name.as_str()],
        Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
        _ => return Vec::new(),
    };
    let actual = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let allowed = types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
    if !allowed {
        return vec![format!("{at}: {actual} where the schema has {types:?}")];
    }
    let mut problems = Vec::new();
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                problems.extend(schema_problems(document, &schema["items"], item, &format!("{at}[{index}]")));
            }
        }
        Value::Object(members) => {
            if schema["additionalProperties"].is_object() {
                for (name, member) in members {
                    problems.extend(schema_problems(document, &schema["additionalProperties"], member, &format!("{at}.{name}")));
                }
                return problems;
            }
            let properties = schema["properties"].as_object().cloned().unwrap_or_default();
            for required in schema["required"].as_array().into_iter().flatten() {
                if !members.contains_key(required.as_str().unwrap()) {
                    problems.push(format!("{at}: required member {required} is missing"));
                }
            }
            for (name, member) in members {
                match properties.get(name) {
                    Some(property) => problems.extend(schema_problems(document, property, member, &format!("{at}.{name}"))),
                    None => problems.push(format!("{at}: member {name} is not in the schema")),
                }
            }
        }
        _ => {}
    }
    problems
}

/// Checks an answer against the schema the document gives for it.
fn assert_matches_document(document: &Value, method: &str, route: &str, reply: &Reply) {
    let status = reply.status.as_u16().to_string();
    let schema = &document["paths"][route][method.to_lowercase()]["responses"][&status]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{method} {route} documents no JSON body for {status}");
    let problems = schema_problems(document, schema, &reply.body, "body");
    assert!(problems.is_empty(), "{method} {route} {status}: {problems:#?}");
}

async fn answers_match_document(api: Api) {
    let document = document(&api).await;
    // Success answers of every endpoint, with data in every optional part:
    // an action with a promise, the aging by customer, a run.
    let promise = json!({"portfolio": PORTFOLIO, "customer": "C-ANA-1", "date": AS_OF, "kind": "call", "outcome": "promise_to_pay", "promise_amount": "20.00", "promise_on": "2024-07-10"});
    let stored = api.post_json("/api/v1/actions", Some("ana"), &promise).await;
    assert_matches_document(&document, "POST", "/api/v1/actions", &stored);
    for endpoint in endpoints() {
        let reply = api.call(&endpoint, Some("admin")).await;
        assert_eq!(reply.status, endpoint.success, "{} {}: {:?}", endpoint.method, endpoint.path, reply.body);
        assert_matches_document(&document, endpoint.method, endpoint.route, &reply);
    }
    let by_customer = api.get(&format!("/api/v1/aging?portfolio={PORTFOLIO}&as_of={AS_OF}&by=customer"), Some("admin")).await;
    assert!(by_customer.body["rows"].as_array().is_some_and(|rows| !rows.is_empty()));
    assert_matches_document(&document, "GET", "/api/v1/aging", &by_customer);
    let cases = api.get(&format!("/api/v1/reports/problem-cases?portfolio={PORTFOLIO}&as_of={AS_OF}"), Some("admin")).await;
    assert!(cases.body[0]["last_action"].is_object(), "{:?}", cases.body[0]);
    assert!(cases.body[0]["next_action"].is_object(), "{:?}", cases.body[0]);
    assert_matches_document(&document, "GET", "/api/v1/reports/problem-cases", &cases);
    let customer = api.get(&format!("/api/v1/customers/C-ANA-1?portfolio={PORTFOLIO}"), Some("admin")).await;
    assert!(customer.body["case"].is_object(), "{:?}", customer.body);
    let payments = api.get(&format!("/api/v1/payments?portfolio={PORTFOLIO}&customer=C-ANA-1"), Some("admin")).await;
    assert_eq!(payments.body["items"][0]["allocations"], json!([{"document": "INV-1", "amount": "250.00"}]));

    // Error answers.
    let rejected = api
        .post_multipart(&format!("/api/v1/imports?portfolio={PORTFOLIO}&kind=customers"), Some("admin"), &[Part { name: "file", file_name: Some("c.csv"), content: b"name\nNo reference\n" }])
        .await;
    assert_eq!(rejected.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", rejected.body);
    assert_matches_document(&document, "POST", "/api/v1/imports", &rejected);
    let forbidden = api.get(&format!("/api/v1/aging?portfolio={PORTFOLIO}"), Some("ana")).await;
    assert_matches_document(&document, "GET", "/api/v1/aging", &forbidden);
    let invalid = api.post_json("/api/v1/actions", Some("ana"), &json!({"portfolio": PORTFOLIO, "customer": "C-ANA-1"})).await;
    assert_matches_document(&document, "POST", "/api/v1/actions", &invalid);
}
on_each_engine!(answers_follow_the_document, answers_match_document);
