//! The letters page over HTTP with signed-in clients, on the IBM sample.
//! A manager generates the reminder letters of the run's cases, downloads,
//! approves and cancels them. A collector gets only their own customers'
//! letters and changes nothing, and a viewer is rejected. Each scenario runs on
//! SQLite and, when RECOBRO_TEST_POSTGRES_URL is set, on PostgreSQL.

#[macro_use]
mod fixture;

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Body;
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use recobro_store::Store;
use recobro_web::AppState;
use tower::ServiceExt;

use fixture::html::hidden_value;
use fixture::{CASE_CUSTOMERS, PASSWORD, PORTFOLIO, as_of, collector_of};

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn html(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 page")
    }

    fn header(&self, name: axum::http::HeaderName) -> String {
        self.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_string()
    }
}

/// A user agent that keeps its cookies, signed in through the form.
struct Client {
    app: Router,
    cookies: BTreeMap<String, String>,
    accept_language: &'static str,
    csrf: String,
}

impl Client {
    async fn signed_in(app: &Router, username: &str, accept_language: &'static str) -> Self {
        let mut client = Self { app: app.clone(), cookies: BTreeMap::new(), accept_language, csrf: String::new() };
        let form = client.send(Method::GET, "/login", None).await.html();
        let token = hidden_value(&form, "csrf").expect("the sign-in form has a csrf field");
        let body = format!("username={username}&password={PASSWORD}&csrf={token}&next=%2F");
        let reply = client.send(Method::POST, "/login", Some(body)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "sign-in of {username}");
        let home = client.send(Method::GET, &format!("/p/{PORTFOLIO}"), None).await.html();
        client.csrf = hidden_value(&home, "csrf").expect("signed-in pages carry the session's csrf token");
        client
    }

    async fn send(&mut self, method: Method, path: &str, form: Option<String>) -> Reply {
        let mut request = Request::builder().method(method).uri(path).header(ACCEPT_LANGUAGE, self.accept_language);
        if !self.cookies.is_empty() {
            let header: Vec<String> = self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
            request = request.header(COOKIE, header.join("; "));
        }
        let body = match form {
            Some(fields) => {
                request = request.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(fields)
            }
            None => Body::empty(),
        };
        let response = self.app.clone().oneshot(request.body(body).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(SET_COOKIE) {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.insert(name.to_string(), value.to_string());
        }
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
        Reply { status, headers, body }
    }

    async fn get(&mut self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    /// Posts a form with the session's CSRF token added.
    async fn post(&mut self, path: &str, fields: &str) -> Reply {
        let body = format!("csrf={}&{fields}", self.csrf);
        self.send(Method::POST, path, Some(body)).await
    }
}

/// Splits the letter table into (letter id, row HTML) pairs.
fn letter_rows(html: &str) -> Vec<(i64, String)> {
    html.split("<tr id=\"letter-")
        .skip(1)
        .map(|rest| {
            let (id, row) = rest.split_once('"').expect("a quoted row id");
            let row = row.split("</tr>").next().unwrap_or_default().to_string();
            (id.parse().expect("a numeric letter id"), row)
        })
        .collect()
}

fn letter_id_of(rows: &[(i64, String)], customer: &str) -> i64 {
    rows.iter().find(|(_, row)| row.contains(&format!("/customers/{customer}\""))).map(|(id, _)| *id).unwrap_or_else(|| panic!("no letter row for {customer}"))
}

async fn letters_page_roles(store: Store) {
    let app = recobro_web::router(AppState::new(store.clone(), false));
    let page_path = format!("/p/{PORTFOLIO}/letters");
    let mut manager = Client::signed_in(&app, "gerente", "es").await;

    let empty = manager.get(&page_path).await;
    assert_eq!(empty.status, StatusCode::OK);
    let html = empty.html();
    assert!(html.contains("Cartas de cobranza"), "Spanish title");
    assert!(html.contains("id=\"letters-generate\""), "managers get the generate form");
    assert!(html.contains("id=\"letters-none\""), "no letters yet");
    assert!(html.contains("id=\"nav-letters\""), "the navigation links the page");

    // Generate the reminder letters of the run's cases.
    let generated = manager.post(&format!("{page_path}/generate"), &format!("stage=reminder&as_of={}&language=", as_of())).await;
    assert_eq!(generated.status, StatusCode::SEE_OTHER, "{}", generated.html());
    let location = generated.header(LOCATION);
    assert!(location.contains(&format!("drafted={}", CASE_CUSTOMERS.len())), "{location}");
    let listed = manager.get(&location).await;
    let html = listed.html();
    assert!(html.contains(&format!("Se guardaron {} borradores", CASE_CUSTOMERS.len())), "batch notice missing");
    let rows = letter_rows(&html);
    assert_eq!(rows.len(), CASE_CUSTOMERS.len(), "one letter per case");
    for customer in CASE_CUSTOMERS {
        letter_id_of(&rows, customer);
    }
    assert!(rows.iter().all(|(_, row)| row.contains("Borrador")), "all drafts");

    // A bad stage and a bad date are reported on the page.
    let bad = manager.post(&format!("{page_path}/generate"), &format!("stage=nonexistent&as_of={}", as_of())).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html().contains("Etapa desconocida"), "{}", bad.html());
    let bad = manager.post(&format!("{page_path}/generate"), "stage=reminder&as_of=30/06/2013").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html().contains("Fecha no válida"));

    // Download one letter.
    let first_customer = CASE_CUSTOMERS[0];
    let first = letter_id_of(&rows, first_customer);
    let pdf = manager.get(&format!("{page_path}/{first}/pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header(CONTENT_TYPE), "application/pdf");
    assert!(pdf.header(CONTENT_DISPOSITION).contains(&format!("reminder-{}-{first_customer}.pdf", as_of())));
    assert!(pdf.body.starts_with(b"%PDF-"));

    // Approve, then cancel; an approved letter cannot be approved again.
    let approved = manager.post(&format!("{page_path}/{first}/decision"), "decision=approve").await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let html = manager.get(&approved.header(LOCATION)).await.html();
    assert!(html.contains("Carta aprobada."));
    let row = letter_rows(&html).into_iter().find(|(id, _)| *id == first).unwrap().1;
    assert!(row.contains("Aprobada"), "{row}");
    assert!(row.contains("gerente"), "{row}");
    let again = manager.post(&format!("{page_path}/{first}/decision"), "decision=approve").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let cancelled = manager.post(&format!("{page_path}/{first}/decision"), "decision=cancel").await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    let filtered = manager.get(&format!("{page_path}?status=cancelled")).await.html();
    assert_eq!(letter_rows(&filtered).len(), 1, "the status filter");
    let filtered = manager.get(&format!("{page_path}?kind=demand")).await.html();
    assert!(letter_rows(&filtered).is_empty(), "the kind filter");

    // A collector sees only their own customers' letters and changes nothing.
    let mut ana = Client::signed_in(&app, "ana", "en").await;
    let html = ana.get(&page_path).await.html();
    assert!(html.contains("Collection letters"), "English title");
    assert!(!html.contains("id=\"letters-generate\""), "no generate form for collectors");
    let visible = letter_rows(&html);
    let mut own = 0;
    for customer in CASE_CUSTOMERS {
        let mine = collector_of(&store, customer).await == "ana";
        let shown = visible.iter().any(|(_, row)| row.contains(&format!("/customers/{customer}\"")));
        assert_eq!(shown, mine, "{customer} shown to ana: {shown}");
        own += usize::from(mine);
    }
    assert!(own > 0, "the fixture gives this collector some cases");
    assert!(own < CASE_CUSTOMERS.len(), "the fixture splits the cases between collectors");
    let others = CASE_CUSTOMERS.iter().find(|customer| !visible.iter().any(|(_, row)| row.contains(&format!("/customers/{customer}\"")))).unwrap();
    let other_id = letter_id_of(&rows, others);
    assert_eq!(ana.get(&format!("{page_path}/{other_id}/pdf")).await.status, StatusCode::FORBIDDEN);
    let (own_id, _) = visible[0].clone();
    assert_eq!(ana.get(&format!("{page_path}/{own_id}/pdf")).await.status, StatusCode::OK);
    assert_eq!(ana.post(&format!("{page_path}/{own_id}/decision"), "decision=approve").await.status, StatusCode::FORBIDDEN);
    assert_eq!(ana.post(&format!("{page_path}/generate"), &format!("stage=reminder&as_of={}", as_of())).await.status, StatusCode::FORBIDDEN);

    // A viewer may not see letters at all, and a missing token is refused.
    let mut viewer = Client::signed_in(&app, "consulta", "en").await;
    assert_eq!(viewer.get(&page_path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(viewer.get(&format!("{page_path}/{own_id}/pdf")).await.status, StatusCode::FORBIDDEN);
    let forged = manager.send(Method::POST, &format!("{page_path}/{own_id}/decision"), Some("csrf=wrong&decision=approve".to_string())).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

on_each_engine!(letters_page_roles);
