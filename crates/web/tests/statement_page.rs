//! The interest statement page over HTTP with a signed-in client, on the
//! IBM sample: without a rule, with one, in Spanish and English, as PDF and
//! XLSX downloads, and refused to another collector. Each scenario runs on
//! SQLite and, when RECOBRO_TEST_POSTGRES_URL is set, on PostgreSQL.

#[macro_use]
mod fixture;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use axum::Router;
use axum::body::Body;
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use recobro_app::statement::{RuleRequest, customer_statement, set_rule};
use recobro_core::locale::Locale;
use recobro_store::Store;
use recobro_web::AppState;
use tower::ServiceExt;

use fixture::html::hidden_value;
use fixture::{PASSWORD, PORTFOLIO, as_of};

/// ana's customer with an invoice a few days past due on the fixture's date.
const ANA_CUSTOMER: &str = "7209-MDWKR";

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
}

impl Client {
    async fn signed_in(app: &Router, username: &str, accept_language: &'static str) -> Self {
        let mut client = Self { app: app.clone(), cookies: BTreeMap::new(), accept_language };
        let form = client.send(Method::GET, "/login", None).await.html();
        let token = hidden_value(&form, "csrf").expect("the sign-in form has a csrf field");
        let body = format!("username={username}&password={PASSWORD}&csrf={token}&next=%2F");
        let reply = client.send(Method::POST, "/login", Some(body)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "sign-in of {username}");
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
}

/// Returns the text of an element with `id`, tags removed and white space
/// collapsed, up to the first closing tag of its kind.
fn element_text(html: &str, id: &str) -> Option<String> {
    let marker = html.find(&format!("id=\"{id}\""))?;
    let open = html[..marker].rfind('<')?;
    let tag: String = html[open + 1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let close = marker + html[marker..].find(&format!("</{tag}>"))?;
    let mut text = String::new();
    let mut in_tag = false;
    for character in html[open..close].chars() {
        match character {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(character),
            _ => {}
        }
    }
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn pdf_text(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext is missing: install the Debian package poppler-utils (apt-get install -y poppler-utils)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let output = child.wait_with_output().unwrap();
    String::from_utf8(output.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn statement_pages(store: Store) {
    let app = recobro_web::router(AppState::new(store.clone(), false));
    let statement_path = format!("/p/{PORTFOLIO}/customers/{ANA_CUSTOMER}/statement");
    let mut ana = Client::signed_in(&app, "ana", "es").await;

    let customer = ana.get(&format!("/p/{PORTFOLIO}/customers/{ANA_CUSTOMER}")).await;
    assert_eq!(customer.status, StatusCode::OK);
    assert!(customer.html().contains(&format!("href=\"{statement_path}\"")), "the customer page links the statement");

    // Without a rule, the page shows a notice and no interest.
    let bare = ana.get(&format!("{statement_path}?as_of={}", as_of())).await;
    assert_eq!(bare.status, StatusCode::OK);
    let notice = element_text(&bare.html(), "statement-no-rule").expect("a notice without a rule");
    assert!(notice.contains("No hay una regla de intereses de mora"), "{notice}");

    let request = RuleRequest {
        portfolio: PORTFOLIO.into(),
        customer: None,
        regime: None,
        rate: Some("36.5".into()),
        day_count: None,
        grace_days: 0,
        effective_on: as_of() - chrono::Days::new(365),
    };
    set_rule(&store, &request, "gerente").await.unwrap();
    let expected = customer_statement(&store, PORTFOLIO, ANA_CUSTOMER, as_of()).await.unwrap();
    let total = &expected.totals[0];
    assert!(total.interest_minor > 0, "the invoice is past due and bears interest");

    let page = ana.get(&format!("{statement_path}?as_of={}", as_of())).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert!(element_text(&html, "statement-no-rule").is_none());
    let rule = element_text(&html, "statement-rule").unwrap();
    assert!(rule.contains("36,5 % anual"), "{rule}");
    let totals = element_text(&html, "statement-totals").unwrap();
    for minor in [total.principal_minor, total.interest_minor, total.total_minor] {
        let text = Locale::Spanish.format_minor(minor, total.currency);
        assert!(totals.contains(&text), "{text} missing from {totals}");
    }
    let documents = element_text(&html, "statement-documents").unwrap();
    assert!(documents.contains(&expected.lines[0].number), "{documents}");
    assert!(html.contains("format=pdf"), "a PDF download link");
    assert!(html.contains("format=xlsx"), "an XLSX download link");

    // The same statement as PDF and XLSX, in the user's language.
    let pdf = ana.get(&format!("{statement_path}?as_of={}&format=pdf", as_of())).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header(CONTENT_TYPE), "application/pdf");
    assert!(pdf.header(CONTENT_DISPOSITION).contains(&format!("statement-{ANA_CUSTOMER}-{}.pdf", as_of())));
    let text = pdf_text(&pdf.body);
    assert!(text.contains("Estado de intereses de mora"), "{text}");
    assert!(text.contains(&Locale::Spanish.format_minor(total.total_minor, total.currency)), "{text}");
    let workbook = ana.get(&format!("{statement_path}?as_of={}&format=xlsx", as_of())).await;
    assert_eq!(workbook.status, StatusCode::OK);
    assert_eq!(workbook.header(CONTENT_TYPE), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(workbook.body.starts_with(b"PK"), "an XLSX file is a ZIP archive");

    // English, for a user whose browser requests it.
    let mut english = Client::signed_in(&app, "admin", "en").await;
    let page = english.get(&format!("{statement_path}?as_of={}", as_of())).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert!(html.contains("Statement of late-payment interest"));
    let totals = element_text(&html, "statement-totals").unwrap();
    assert!(totals.contains(&Locale::English.format_minor(total.total_minor, total.currency)), "{totals}");
    let pdf = english.get(&format!("{statement_path}?as_of={}&format=pdf", as_of())).await;
    assert!(pdf_text(&pdf.body).contains("Statement of late-payment interest"));

    // Another collector's customer, and invalid parameters.
    let mut luis = Client::signed_in(&app, "luis", "es").await;
    assert_eq!(luis.get(&statement_path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(luis.get(&format!("{statement_path}?format=pdf")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(ana.get(&format!("{statement_path}?as_of=2013-02-30")).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(ana.get(&format!("{statement_path}?format=docx")).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(ana.get(&format!("/p/{PORTFOLIO}/customers/NO-SUCH/statement")).await.status, StatusCode::NOT_FOUND);
}

on_each_engine!(statement_pages);
