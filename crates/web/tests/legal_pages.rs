//! The customer file, judicial transfer, law firm and health check pages
//! and their API, request by request through the router, on the seeded
//! IBM sample. Each scenario runs on SQLite and, when
//! RECOBRO_TEST_POSTGRES_URL is set, on PostgreSQL.

#[macro_use]
mod fixture;

use std::collections::BTreeMap;
use std::io::Read;

use axum::Router;
use axum::body::Body;
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{Method, Request, StatusCode};
use recobro_app::import::{Profile, RecordKind, import_file};
use recobro_app::run::run_daily;
use recobro_core::Currency;
use recobro_store::{Store, negotiation, portfolio, users};
use recobro_web::AppState;
use serde_json::{Value, json};
use tower::ServiceExt;

use fixture::html::{element_text, form_encode, hidden_value, plain_text};
use fixture::{PASSWORD, PORTFOLIO, as_of};

/// ana's customer, whose invoice LEG-1 is 150 days past due on the run date.
const CUSTOMER: &str = "7209-MDWKR";
/// luis's customer.
const LUIS_CUSTOMER: &str = "0783-PEPYR";

/// An invoice that makes [`CUSTOMER`] a judicial transfer candidate.
const OLD_INVOICE: &str = "number,customer,issue_date,due_date,amount\nLEG-1,7209-MDWKR,2012-12-01,2013-01-31,2000.00\n";

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

// ---------------------------------------------------------------------------
// A cookie-keeping client over the router
// ---------------------------------------------------------------------------

struct Reply {
    status: StatusCode,
    location: Option<String>,
    content_type: String,
    disposition: Option<String>,
    bytes: Vec<u8>,
}

impl Reply {
    fn body(&self) -> String {
        String::from_utf8_lossy(&self.bytes).to_string()
    }

    fn text(&self) -> String {
        plain_text(&self.body())
    }
}

struct Client {
    app: Router,
    cookies: BTreeMap<String, String>,
    accept_language: Option<&'static str>,
    csrf: String,
}

/// One part of a multipart body: field name, file name and content.
struct Part<'a> {
    name: &'a str,
    file_name: Option<&'a str>,
    content: &'a [u8],
}

const BOUNDARY: &str = "recobro-legal-boundary";

fn multipart_body(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match part.file_name {
            Some(file_name) => format!("Content-Disposition: form-data; name=\"{}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n", part.name),
            None => format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", part.name),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(part.content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

impl Client {
    /// Signs `username` in through the form, in Spanish unless
    /// `accept_language` names another language.
    async fn signed_in(app: &Router, username: &str, accept_language: Option<&'static str>) -> Self {
        let mut client = Self { app: app.clone(), cookies: BTreeMap::new(), accept_language, csrf: String::new() };
        let form = client.get("/login").await;
        let token = hidden_value(&form.body(), "csrf").expect("the sign-in form has a csrf field");
        let reply = client.post("/login", &[("username", username), ("password", PASSWORD), ("csrf", &token), ("next", "/")]).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "sign-in of {username}: {}", reply.text());
        let dashboard = client.get(&format!("/p/{PORTFOLIO}")).await;
        client.csrf = hidden_value(&dashboard.body(), "csrf").expect("a page with a csrf field");
        client
    }

    async fn send(&mut self, method: Method, path: &str, content_type: Option<String>, body: Vec<u8>) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let header: Vec<String> = self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
            request = request.header(COOKIE, header.join("; "));
        }
        if let Some(language) = self.accept_language {
            request = request.header(ACCEPT_LANGUAGE, language);
        }
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        let response = self.app.clone().oneshot(request.body(Body::from(body)).expect("valid request")).await.expect("the router never fails");
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
        let (location, content_type, disposition) = {
            let header = |name| response.headers().get(name).map(|value: &axum::http::HeaderValue| value.to_str().expect("ASCII header").to_string());
            (header(LOCATION), header(CONTENT_TYPE).unwrap_or_default(), header(CONTENT_DISPOSITION))
        };
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("readable body").to_vec();
        Reply { status, location, content_type, disposition, bytes }
    }

    async fn get(&mut self, path: &str) -> Reply {
        self.send(Method::GET, path, None, Vec::new()).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.send(Method::POST, path, Some("application/x-www-form-urlencoded".into()), form_encode(form).into_bytes()).await
    }

    /// Posts a form with the session's CSRF token added.
    async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf.clone();
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post(path, &form).await
    }

    /// Uploads `content` as `file_name` to a customer's file through the
    /// page's form, with the session's CSRF token.
    async fn upload(&mut self, customer: &str, kind: &str, file_name: &str, content: &[u8], expires_on: &str) -> Reply {
        let csrf = self.csrf.clone();
        let parts = [
            Part { name: "csrf", file_name: None, content: csrf.as_bytes() },
            Part { name: "kind", file_name: None, content: kind.as_bytes() },
            Part { name: "issued_on", file_name: None, content: b"2012-01-15" },
            Part { name: "expires_on", file_name: None, content: expires_on.as_bytes() },
            Part { name: "note", file_name: None, content: b"firmado" },
            Part { name: "file", file_name: Some(file_name), content },
        ];
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        self.send(Method::POST, &format!("/p/{PORTFOLIO}/customers/{customer}/files"), Some(content_type), multipart_body(&parts)).await
    }
}

// ---------------------------------------------------------------------------
// Store helpers
// ---------------------------------------------------------------------------

/// Imports [`OLD_INVOICE`] and returns the application's router.
async fn prepare(store: &Store) -> Router {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("old-invoice.csv");
    std::fs::write(&path, OLD_INVOICE).expect("cannot write the invoice");
    import_file(store, PORTFOLIO, &path, Profile::canonical(RecordKind::Document)).await.expect("the invoice imports");
    recobro_web::router(AppState::new(store.clone(), false))
}

async fn count_rows(store: &Store, table: &str) -> i64 {
    let mut conn = store.acquire().await.expect("a connection");
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"))).fetch_one(&mut *conn).await.expect("a count")
}

/// Sums the open balance of a customer in minor units.
async fn open_balance(store: &Store, reference: &str) -> i64 {
    let mut conn = store.acquire().await.expect("a connection");
    let found = portfolio::find(&mut conn, PORTFOLIO).await.expect("the portfolio").expect("the portfolio exists");
    let (customer_id, _) = recobro_store::browse::find_customer(&mut conn, found.id, reference).await.expect("the customer").expect("the customer exists");
    let usd = Currency::parse("USD").expect("valid currency");
    negotiation::open_documents(&mut conn, customer_id, usd).await.expect("open documents").iter().map(|document| document.open_minor).sum()
}

/// Uploads the contract and promissory note that a legal transfer needs,
/// as ana, adds a law firm as the manager, and runs the day again so that
/// it proposes the transfer. Returns the proposal's referral number.
async fn propose_transfer(store: &Store, app: &Router) -> i64 {
    let mut ana = Client::signed_in(app, "ana", None).await;
    for (kind, name) in [("contract", "contrato.pdf"), ("promissory_note", "pagare.pdf")] {
        let reply = ana.upload(CUSTOMER, kind, name, PDF, "").await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{kind}: {}", reply.text());
    }
    let mut gerente = Client::signed_in(app, "gerente", None).await;
    let saved = gerente.submit(&format!("/p/{PORTFOLIO}/law-firms"), &[("code", "perez"), ("name", "Pérez & Asociados"), ("contingency_percent", "15"), ("capacity", "5"), ("active", "1")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());

    run_daily(store, PORTFOLIO, as_of()).await.expect("the daily run succeeds");
    let mut conn = store.acquire().await.expect("a connection");
    let found = portfolio::find(&mut conn, PORTFOLIO).await.expect("the portfolio").expect("the portfolio exists");
    let proposed = recobro_store::legal::list_referrals(&mut conn, found.id, &["proposed"], None).await.expect("the referrals");
    let referral = proposed.iter().find(|referral| referral.customer_ref == CUSTOMER).expect("the run proposed the transfer");
    referral.id
}

fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP archive");
    (0..archive.len())
        .map(|index| {
            let mut entry = archive.by_index(index).expect("an entry");
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("readable entry");
            (entry.name().expect("a UTF-8 entry name").to_string(), content)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

async fn upload_accepted(store: Store) {
    let app = prepare(&store).await;
    let mut ana = Client::signed_in(&app, "ana", None).await;

    let before = ana.get(&format!("/p/{PORTFOLIO}/customers/{CUSTOMER}")).await;
    let checklist = element_text(&before.body(), "checklist-customer").expect("the customer checklist");
    assert!(checklist.contains("Contrato: falta"), "{checklist}");

    let reply = ana.upload(CUSTOMER, "contract", "contrato firmado.pdf", PDF, "2014-12-31").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.location.as_deref(), Some(format!("/p/{PORTFOLIO}/customers/{CUSTOMER}#customer-files").as_str()));

    let page = ana.get(&format!("/p/{PORTFOLIO}/customers/{CUSTOMER}")).await;
    let list = element_text(&page.body(), "file-list").expect("the file list");
    assert!(list.contains("Contrato"), "{list}");
    assert!(list.contains("contrato firmado.pdf"), "{list}");
    assert!(list.contains("31/12/2014"), "the expiry date in Spanish: {list}");
    assert!(list.contains("ana"), "uploaded by: {list}");
    assert!(!list.contains("vencido"), "not expired on the run date: {list}");
    let checklist = element_text(&page.body(), "checklist-customer").expect("the customer checklist");
    assert!(checklist.contains("Completo y vigente"), "{checklist}");
    let legal = element_text(&page.body(), "checklist-legal").expect("the legal checklist");
    assert!(legal.contains("Pagaré: falta"), "{legal}");

    let id: i64 = {
        let mut conn = store.acquire().await.expect("a connection");
        sqlx::query_scalar("SELECT MAX(id) FROM customer_file").fetch_one(&mut *conn).await.expect("the file's id")
    };
    let download = ana.get(&format!("/p/{PORTFOLIO}/files/{id}")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.content_type, "application/pdf");
    assert_eq!(download.bytes, PDF);
    let disposition = download.disposition.expect("a Content-Disposition header");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("contrato%20firmado.pdf"), "{disposition}");

    // luis may neither download ana's customer's file nor upload to it.
    let mut luis = Client::signed_in(&app, "luis", None).await;
    assert_eq!(luis.get(&format!("/p/{PORTFOLIO}/files/{id}")).await.status, StatusCode::FORBIDDEN);
    let files_before = count_rows(&store, "customer_file").await;
    assert_eq!(luis.upload(CUSTOMER, "identity", "dni.pdf", PDF, "").await.status, StatusCode::FORBIDDEN);
    assert_eq!(ana.upload(LUIS_CUSTOMER, "identity", "dni.pdf", PDF, "").await.status, StatusCode::FORBIDDEN);
    assert_eq!(count_rows(&store, "customer_file").await, files_before, "a refused upload stores nothing");

    // Removing takes it off the list but keeps the row for the audit trail.
    let removed = ana.submit(&format!("/p/{PORTFOLIO}/files/{id}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.text());
    let page = ana.get(&format!("/p/{PORTFOLIO}/customers/{CUSTOMER}")).await;
    assert!(element_text(&page.body(), "file-list").is_none(), "the list is empty");
    assert_eq!(count_rows(&store, "customer_file").await, files_before);
}

async fn rejected_uploads(store: Store) {
    let app = prepare(&store).await;
    let mut ana = Client::signed_in(&app, "ana", None).await;
    let files_before = count_rows(&store, "customer_file").await;
    let blobs_before = count_rows(&store, "stored_blob").await;

    let limit = recobro_core::customer_file::DEFAULT_MAX_UPLOAD_BYTES as usize;
    let mut just_over = PDF.to_vec();
    just_over.resize(limit + 1, b' ');
    let mut far_over = PDF.to_vec();
    far_over.resize(limit + 2 * 1024 * 1024, b' ');
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode, &str)> = vec![
        ("grande.pdf", "over the size limit", just_over, StatusCode::UNPROCESSABLE_ENTITY, "«grande.pdf» pesa 10.485.761 bytes, más que el máximo de 10.485.760 bytes (10 MB)"),
        ("enorme.pdf", "over the body limit", far_over, StatusCode::PAYLOAD_TOO_LARGE, "pesa más de 10 MB"),
        ("programa.exe", "a disallowed type", b"MZ\x90\x00".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "«programa.exe» no es de un tipo aceptado"),
        ("../../etc/contrato.pdf", "a path in the name", PDF.to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "el nombre «../../etc/contrato.pdf» no está permitido"),
        ("falso.pdf", "content that is not a PDF", b"MZ not a pdf".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "el contenido de «falso.pdf» no es un archivo application/pdf"),
    ];
    for (name, case, content, status, message) in cases {
        let reply = ana.upload(CUSTOMER, "contract", name, &content, "").await;
        assert_eq!(reply.status, status, "{case}: {}", reply.text());
        let errors = element_text(&reply.body(), "file-errors").unwrap_or_else(|| panic!("{case}: no error list in {}", reply.text()));
        assert!(errors.contains("Se rechazó el archivo y no se guardó nada"), "{case}: {errors}");
        assert!(errors.contains(message), "{case}: {errors}");
        assert_eq!(count_rows(&store, "customer_file").await, files_before, "{case}: no file row");
        assert_eq!(count_rows(&store, "stored_blob").await, blobs_before, "{case}: no content");
    }

    // The same rejection in English.
    let mut english = Client::signed_in(&app, "ana", Some("en")).await;
    let reply = english.upload(CUSTOMER, "contract", "programa.exe", b"MZ", "").await;
    let errors = element_text(&reply.body(), "file-errors").expect("the error list");
    assert!(errors.contains("The upload was rejected and nothing was stored: \"programa.exe\" is not an accepted type"), "{errors}");

    // An expiry before the issue date, and a form without its CSRF token.
    let reply = ana.upload(CUSTOMER, "contract", "contrato.pdf", PDF, "2011-01-01").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element_text(&reply.body(), "file-errors").expect("the error list").contains("es anterior a la de emisión"), "{}", reply.text());
    let parts = [Part { name: "kind", file_name: None, content: b"contract" }, Part { name: "file", file_name: Some("contrato.pdf"), content: PDF }];
    let forged = ana.send(Method::POST, &format!("/p/{PORTFOLIO}/customers/{CUSTOMER}/files"), Some(format!("multipart/form-data; boundary={BOUNDARY}")), multipart_body(&parts)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(count_rows(&store, "customer_file").await, files_before, "nothing stored");
    assert_eq!(count_rows(&store, "stored_blob").await, blobs_before, "nothing stored");
}

async fn approve_and_download_packet(store: Store) {
    let app = prepare(&store).await;
    let referral_id = propose_transfer(&store, &app).await;

    // The proposal shows on the legal page with a firm to choose.
    let mut gerente = Client::signed_in(&app, "gerente", None).await;
    let legal = gerente.get(&format!("/p/{PORTFOLIO}/legal")).await;
    assert_eq!(legal.status, StatusCode::OK, "{}", legal.text());
    let proposals = element_text(&legal.body(), "legal-proposals").expect("the proposals");
    assert!(proposals.contains(CUSTOMER), "{proposals}");
    assert!(legal.body().contains("<option value=\"perez\">Pérez &#38; Asociados (perez)</option>"), "{}", legal.body());

    // Neither a collector nor legal staff may decide, and nothing changes.
    let decision = format!("/p/{PORTFOLIO}/legal/referrals/{referral_id}/decision");
    for username in ["ana", "abogada"] {
        let mut client = Client::signed_in(&app, username, None).await;
        let refused = client.submit(&decision, &[("decision", "approve"), ("firm", "perez")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{username}");
    }
    assert_eq!(count_rows(&store, "legal_referral WHERE status = 'proposed'").await, 1);

    // Approving without a firm is refused with a message.
    let missing = gerente.submit(&decision, &[("decision", "approve"), ("firm", "")]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(element_text(&missing.body(), "legal-error").as_deref(), Some("Elija el estudio jurídico que toma el caso."));

    let approved = gerente.submit(&decision, &[("decision", "approve"), ("firm", "perez")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.text());
    let location = approved.location.expect("a redirect to the referral");
    assert_eq!(location, format!("/p/{PORTFOLIO}/legal/referrals/{referral_id}"));
    let page = gerente.get(&location).await;
    assert_eq!(element_text(&page.body(), "referral-status").as_deref(), Some("Preparado"));
    assert_eq!(element_text(&page.body(), "referral-firm").as_deref(), Some("Pérez & Asociados"));

    let packet_path = format!("/p/{PORTFOLIO}/legal/referrals/{referral_id}/packet");
    assert!(page.body().contains(&format!("href=\"{packet_path}\"")), "the page links the packet");
    let packet = gerente.get(&packet_path).await;
    assert_eq!(packet.status, StatusCode::OK);
    assert_eq!(packet.content_type, "application/zip");
    let disposition = packet.disposition.expect("a Content-Disposition header");
    assert!(disposition.contains(&format!("filename=\"referral-{referral_id}-{CUSTOMER}.zip\"")), "{disposition}");

    let entries = zip_entries(&packet.bytes);
    let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
    let statement = entries.iter().find(|(name, _)| name.ends_with("/statement-2013-06-30.pdf")).unwrap_or_else(|| panic!("no statement in {names:?}"));
    assert!(statement.1.starts_with(b"%PDF-"), "the statement is a PDF");
    let history = entries.iter().find(|(name, _)| name.ends_with("/action-history.csv")).unwrap_or_else(|| panic!("no action history in {names:?}"));
    assert!(!history.1.is_empty());
    let contract = entries.iter().find(|(name, _)| name.contains("/file/") && name.ends_with("-contract-contrato.pdf")).unwrap_or_else(|| panic!("no contract in {names:?}"));
    assert_eq!(contract.1, PDF, "the uploaded contract, byte for byte");
    assert!(names.iter().any(|name| name.ends_with("-promissory_note-pagare.pdf")), "{names:?}");

    // ana may open her customer's referral, luis may not.
    let mut ana = Client::signed_in(&app, "ana", None).await;
    assert_eq!(ana.get(&location).await.status, StatusCode::OK);
    let mut luis = Client::signed_in(&app, "luis", None).await;
    assert_eq!(luis.get(&location).await.status, StatusCode::FORBIDDEN);
    assert_eq!(luis.get(&packet_path).await.status, StatusCode::FORBIDDEN);
    let luis_legal = luis.get(&format!("/p/{PORTFOLIO}/legal")).await;
    assert!(!luis_legal.body().contains(CUSTOMER), "another collector's customer is left out");

    // A second approval of the same referral is refused.
    let again = gerente.submit(&decision, &[("decision", "approve"), ("firm", "perez")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element_text(&again.body(), "legal-error").expect("the error").contains("está en estado «Preparado»"), "{}", again.text());
}

async fn recovery_reduces_balance(store: Store) {
    let app = prepare(&store).await;
    let referral_id = propose_transfer(&store, &app).await;
    let mut gerente = Client::signed_in(&app, "gerente", None).await;
    let decision = format!("/p/{PORTFOLIO}/legal/referrals/{referral_id}/decision");
    let approved = gerente.submit(&decision, &[("decision", "approve"), ("firm", "perez")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.text());

    // Legal staff record the filing with its court reference.
    let mut abogada = Client::signed_in(&app, "abogada", None).await;
    let referral_path = format!("/p/{PORTFOLIO}/legal/referrals/{referral_id}");
    let filed = abogada.submit(&format!("{referral_path}/status"), &[("status", "filed"), ("on", "2013-07-05"), ("court_reference", "EXP-123/2013"), ("note", "demanda presentada")]).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.text());
    let page = abogada.get(&referral_path).await;
    assert_eq!(element_text(&page.body(), "referral-status").as_deref(), Some("Demanda presentada"));
    assert_eq!(element_text(&page.body(), "referral-court-reference").as_deref(), Some("EXP-123/2013"));

    // A move back is refused with the reason.
    let back = abogada.submit(&format!("{referral_path}/status"), &[("status", "sent"), ("on", "2013-07-06")]).await;
    assert_eq!(back.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element_text(&back.body(), "referral-error").expect("the error").contains("cannot move from filed to sent"), "{}", back.text());

    // A collector may not record a recovery.
    let mut ana = Client::signed_in(&app, "ana", None).await;
    let refused = ana.submit(&format!("{referral_path}/recoveries"), &[("amount", "500,00"), ("recovered_on", "2013-07-10")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let before = open_balance(&store, CUSTOMER).await;
    let invalid = abogada.submit(&format!("{referral_path}/recoveries"), &[("amount", "cero"), ("recovered_on", "2013-07-10")]).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(open_balance(&store, CUSTOMER).await, before, "an invalid amount changes nothing");

    let recorded = abogada.submit(&format!("{referral_path}/recoveries"), &[("amount", "1.500,00"), ("recovered_on", "2013-07-10")]).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.text());
    assert_eq!(open_balance(&store, CUSTOMER).await, before - 150_000, "the recovery lowers the balance by 1,500.00");

    let page = abogada.get(&referral_path).await;
    assert_eq!(element_text(&page.body(), "referral-status").as_deref(), Some("En recuperación"));
    assert_eq!(element_text(&page.body(), "referral-recovered").as_deref(), Some("1.500,00 USD"));
    let recoveries = element_text(&page.body(), "referral-recoveries").expect("the recoveries");
    assert!(recoveries.contains("10/07/2013"), "{recoveries}");
    assert!(recoveries.contains("225,00"), "15% fee: {recoveries}");

    // The report by firm shows the recovery rate.
    let legal = gerente.get(&format!("/p/{PORTFOLIO}/legal")).await;
    let report = element_text(&legal.body(), "firm-report").expect("the report by firm");
    assert!(report.contains("Pérez & Asociados"), "{report}");
    assert!(report.contains("1.500,00"), "{report}");
    assert!(legal.body().contains("id=\"firm-chart\""), "the chart");
}

async fn firm_form_and_incomplete_files(store: Store) {
    let app = prepare(&store).await;
    let mut gerente = Client::signed_in(&app, "gerente", None).await;

    let invalid = gerente.submit(&format!("/p/{PORTFOLIO}/law-firms"), &[("code", "mal código"), ("name", ""), ("contingency_percent", "150"), ("capacity", "0"), ("fixed_fee", "100")]).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = element_text(&invalid.body(), "firm-errors").expect("the errors");
    for expected in ["Código no válido: «mal código»", "Escriba el nombre del estudio", "Honorario de éxito no válido: «150»", "Cupo no válido: «0»", "Un honorario fijo necesita su moneda"]
    {
        assert!(errors.contains(expected), "{expected:?} in {errors}");
    }
    assert_eq!(count_rows(&store, "law_firm").await, 0, "nothing saved");

    let saved = gerente
        .submit(
            &format!("/p/{PORTFOLIO}/law-firms"),
            &[("code", "lopez"), ("name", "López Abogados"), ("contingency_percent", "12,5"), ("fixed_fee", "1.000,00"), ("fee_currency", "USD"), ("active", "1")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let list = gerente.get(&format!("/p/{PORTFOLIO}/law-firms")).await;
    let row = element_text(&list.body(), "firm-lopez").expect("the firm's row");
    assert!(row.contains("12,5 % + 1.000,00 USD"), "{row}");
    assert!(row.contains("sin límite"), "{row}");

    // Editing keeps the code and updates the rest.
    let edit = gerente.get(&format!("/p/{PORTFOLIO}/law-firms?edit=lopez")).await;
    assert!(edit.body().contains("value=\"López Abogados\""), "the form is filled in");
    let updated = gerente.submit(&format!("/p/{PORTFOLIO}/law-firms"), &[("code", "lopez"), ("name", "López Abogados"), ("contingency_percent", "10"), ("capacity", "2")]).await;
    assert_eq!(updated.status, StatusCode::SEE_OTHER);
    let row = element_text(&gerente.get(&format!("/p/{PORTFOLIO}/law-firms")).await.body(), "firm-lopez").expect("the firm's row");
    assert!(row.contains("10 %"), "the new fee: {row}");
    assert!(row.contains(" No "), "inactive now: {row}");

    // Only managers and administrators see the form.
    let mut abogada = Client::signed_in(&app, "abogada", None).await;
    let page = abogada.get(&format!("/p/{PORTFOLIO}/law-firms")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body().contains("id=\"firm-form\""), "no form for legal staff");
    assert_eq!(abogada.submit(&format!("/p/{PORTFOLIO}/law-firms"), &[("code", "x"), ("name", "X"), ("contingency_percent", "1")]).await.status, StatusCode::FORBIDDEN);

    // The incomplete files: every open case lacks its contract.
    let files = gerente.get(&format!("/p/{PORTFOLIO}/files")).await;
    assert_eq!(files.status, StatusCode::OK);
    let table = element_text(&files.body(), "files-incomplete").expect("the list");
    assert!(table.contains(CUSTOMER), "{table}");
    assert!(table.contains("Contrato: falta"), "{table}");
    // The legal scope lists only the cases at the judicial transfer
    // threshold, each lacking its promissory note.
    let legal = gerente.get(&format!("/p/{PORTFOLIO}/files?scope=legal")).await;
    assert_eq!(legal.status, StatusCode::OK);
    if let Some(list) = element_text(&legal.body(), "files-incomplete") {
        assert!(list.contains("Pagaré: falta"), "{list}");
    }
    let mut luis = Client::signed_in(&app, "luis", None).await;
    let own = luis.get(&format!("/p/{PORTFOLIO}/files")).await;
    assert!(!own.body().contains(CUSTOMER), "luis sees only his own customers");
}

async fn health_check_page(store: Store) {
    let app = prepare(&store).await;
    let mut gerente = Client::signed_in(&app, "gerente", Some("en")).await;
    let page = gerente.get(&format!("/p/{PORTFOLIO}/health")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let body = page.body();
    assert_eq!(body.matches("class=\"health-row\"").count(), 10, "ten questions");
    let law_firm = element_text(&body, "health-law_firm").expect("the law firm question");
    assert!(law_firm.contains("Is a law firm selected"), "{law_firm}");
    assert!(body.contains("href=\"/p/ibm-ar/legal\""), "a link to fix it");
    assert!(element_text(&body, "nav-health").is_some(), "the navigation links the page");

    let mut ana = Client::signed_in(&app, "ana", None).await;
    assert_eq!(ana.get(&format!("/p/{PORTFOLIO}/health")).await.status, StatusCode::FORBIDDEN);
}

// ---------------------------------------------------------------------------
// The JSON API
// ---------------------------------------------------------------------------

async fn api_call(app: &Router, method: Method, path: &str, user: &str, content_type: Option<String>, body: Vec<u8>) -> (StatusCode, Option<String>, Vec<u8>) {
    let mut request = Request::builder().method(method).uri(path).header(AUTHORIZATION, format!("Bearer token-{user}"));
    if let Some(content_type) = content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    let response = app.clone().oneshot(request.body(Body::from(body)).expect("valid request")).await.expect("the router never fails");
    let status = response.status();
    let disposition = response.headers().get(CONTENT_DISPOSITION).map(|value| value.to_str().expect("ASCII").to_string());
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("readable body").to_vec();
    (status, disposition, bytes)
}

async fn api_json(app: &Router, method: Method, path: &str, user: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (content_type, bytes) = match body {
        Some(body) => (Some("application/json".to_string()), body.to_string().into_bytes()),
        None => (None, Vec::new()),
    };
    let (status, _, bytes) = api_call(app, method, path, user, content_type, bytes).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn api_upload(app: &Router, user: &str, kind: &str, file_name: &str, content: &[u8]) -> (StatusCode, Value) {
    let parts = [Part { name: "kind", file_name: None, content: kind.as_bytes() }, Part { name: "file", file_name: Some(file_name), content }];
    let path = format!("/api/v1/customer-files?portfolio={PORTFOLIO}&customer={CUSTOMER}");
    let (status, _, bytes) = api_call(app, Method::POST, &path, user, Some(format!("multipart/form-data; boundary={BOUNDARY}")), multipart_body(&parts)).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn api_transfer(store: Store) {
    let app = prepare(&store).await;
    {
        let mut conn = store.acquire().await.expect("a connection");
        for (username, _) in fixture::USERS {
            let user = users::find_user(&mut conn, username).await.expect("the user").expect("the user exists");
            users::insert_api_token(&mut conn, user.id, &recobro_web::auth::token_digest(&format!("token-{username}"))).await.expect("a token");
        }
    }

    // Uploads: accepted, and rejected with nothing stored.
    let (status, stored) = api_upload(&app, "ana", "contract", "contrato.pdf", PDF).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    assert_eq!(stored["kind"], "contract");
    let files_before = count_rows(&store, "customer_file").await;
    let (status, error) = api_upload(&app, "ana", "contract", "../contrato.pdf", PDF).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["error"]["code"], "upload-rejected");
    let (status, _) = api_upload(&app, "consulta", "contract", "contrato.pdf", PDF).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a viewer may not upload");
    assert_eq!(count_rows(&store, "customer_file").await, files_before);
    let (status, _) = api_upload(&app, "ana", "promissory_note", "pagare.pdf", PDF).await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, list) = api_json(&app, Method::GET, &format!("/api/v1/customer-files?portfolio={PORTFOLIO}&customer={CUSTOMER}"), "ana", None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["files"].as_array().expect("files").len(), 2);
    assert_eq!(list["checklist"][1]["scope"], "legal");
    assert_eq!(list["checklist"][1]["gaps"], json!([]));
    let file_id = stored["id"].as_i64().expect("an id");
    let (status, disposition, bytes) = api_call(&app, Method::GET, &format!("/api/v1/customer-files/{file_id}?portfolio={PORTFOLIO}"), "ana", None, Vec::new()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF);
    assert!(disposition.expect("a disposition").contains("contrato.pdf"));

    // A firm, then the run's proposal, approved through the API.
    let firm = json!({"name": "Pérez & Asociados", "contingency_percent": "15", "capacity": 3});
    let (status, _) = api_json(&app, Method::PUT, "/api/v1/law-firms/perez", "abogada", Some(firm.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "legal staff may not edit firms");
    let (status, saved) = api_json(&app, Method::PUT, "/api/v1/law-firms/perez", "gerente", Some(firm)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["contingency_percent"], "15");
    run_daily(&store, PORTFOLIO, as_of()).await.expect("the daily run succeeds");

    let (status, proposals) = api_json(&app, Method::GET, &format!("/api/v1/legal/proposals?portfolio={PORTFOLIO}"), "gerente", None).await;
    assert_eq!(status, StatusCode::OK, "{proposals}");
    let proposal = proposals["proposed"].as_array().expect("proposals").iter().find(|line| line["customer"] == CUSTOMER).expect("the proposal").clone();
    let referral_id = proposal["referral_id"].as_i64().expect("a referral id");
    let decision_path = format!("/api/v1/legal/referrals/{referral_id}/decision");
    let approve = json!({"portfolio": PORTFOLIO, "decision": "approve", "firm": "perez"});
    let (status, _) = api_json(&app, Method::POST, &decision_path, "ana", Some(approve.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a collector may not approve");
    let (status, referral) = api_json(&app, Method::POST, &decision_path, "gerente", Some(approve.clone())).await;
    assert_eq!(status, StatusCode::OK, "{referral}");
    assert_eq!(referral["status"], "prepared");
    assert_eq!(referral["has_packet"], true);
    let (status, conflict) = api_json(&app, Method::POST, &decision_path, "gerente", Some(approve)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{conflict}");

    let (status, disposition, bytes) = api_call(&app, Method::GET, &format!("/api/v1/legal/referrals/{referral_id}/packet?portfolio={PORTFOLIO}"), "abogada", None, Vec::new()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.expect("a disposition").contains(".zip"));
    assert!(zip_entries(&bytes).iter().any(|(name, _)| name.ends_with("/action-history.csv")));

    // The firm's progress and a recovery.
    let (status, moved) =
        api_json(&app, Method::POST, &format!("/api/v1/legal/referrals/{referral_id}/status"), "abogada", Some(json!({"portfolio": PORTFOLIO, "status": "sent", "date": "2013-07-01"}))).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["status"], "sent");
    let before = open_balance(&store, CUSTOMER).await;
    let (status, recovery) =
        api_json(&app, Method::POST, &format!("/api/v1/legal/referrals/{referral_id}/recoveries"), "abogada", Some(json!({"portfolio": PORTFOLIO, "amount": "200.00", "date": "2013-07-02"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{recovery}");
    assert_eq!(recovery["amount"], "200.00");
    assert_eq!(recovery["fee"], "30.00");
    assert_eq!(open_balance(&store, CUSTOMER).await, before - 20_000);

    let (status, health) = api_json(&app, Method::GET, &format!("/api/v1/health?portfolio={PORTFOLIO}"), "gerente", None).await;
    assert_eq!(status, StatusCode::OK, "{health}");
    assert_eq!(health["entries"].as_array().expect("entries").len(), 10);
}

on_each_engine!(upload_accepted, rejected_uploads, approve_and_download_packet, recovery_reduces_balance, firm_form_and_incomplete_files, health_check_page, api_transfer);
