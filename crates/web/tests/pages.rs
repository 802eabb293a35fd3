//! The pages over HTTP, request by request through the router, on a real
//! database seeded with the IBM sample. Each scenario runs on SQLite and,
//! when RECOBRO_TEST_POSTGRES_URL is set, on PostgreSQL.

#[macro_use]
mod fixture;

use std::collections::{BTreeMap, BTreeSet};

use axum::Router;
use axum::body::Body;
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use recobro_store::{Store, users};
use recobro_web::AppState;
use sqlx::Row;
use tower::ServiceExt;

use fixture::{CASE_CUSTOMERS, CUSTOMER_COUNT, PASSWORD, PORTFOLIO, USERS};

const SESSION_COOKIE: &str = "recobro_session";
const LOGIN_CSRF_COOKIE: &str = "recobro_login_csrf";
const LANGUAGE_COOKIE: &str = "recobro_lang";

/// ana's customer with an open case and a reminder task.
const ANA_CUSTOMER: &str = "7209-MDWKR";
/// ana's second customer with an open case and a task.
const ANA_OTHER_CUSTOMER: &str = "7938-EVASK";
/// luis's customer with an open case and a task.
const LUIS_CUSTOMER: &str = "0783-PEPYR";

// ---------------------------------------------------------------------------
// A cookie-keeping client over the router
// ---------------------------------------------------------------------------

/// A response with its body read as text.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|value| value.to_str().ok())
    }

    /// Finds the `Set-Cookie` header that sets or clears `name`.
    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.split(';').next().and_then(|pair| pair.split_once('=')).is_some_and(|(key, _)| key == name))
            .map(str::to_string)
    }

    /// Extracts the page's text without tags, with entities decoded and
    /// white space collapsed.
    fn text(&self) -> String {
        plain_text(&self.body)
    }
}

/// One user agent: its cookies and its `Accept-Language` header.
struct Client {
    app: Router,
    cookies: BTreeMap<String, String>,
    accept_language: Option<String>,
}

impl Client {
    fn new(app: &Router) -> Self {
        Self { app: app.clone(), cookies: BTreeMap::new(), accept_language: None }
    }

    fn with_language(app: &Router, accept_language: &str) -> Self {
        Self { accept_language: Some(accept_language.to_string()), ..Self::new(app) }
    }

    async fn send(&mut self, method: Method, path: &str, form: Option<&[(&str, &str)]>) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let header: Vec<String> = self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
            request = request.header(COOKIE, header.join("; "));
        }
        if let Some(language) = &self.accept_language {
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
        let headers = response.headers().clone();
        for value in headers.get_all(SET_COOKIE) {
            self.keep_cookie(value.to_str().expect("ASCII cookie"));
        }
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("readable body");
        Reply { status, headers, body: String::from_utf8(bytes.to_vec()).expect("UTF-8 body") }
    }

    fn keep_cookie(&mut self, set_cookie: &str) {
        let mut parts = set_cookie.split(';').map(str::trim);
        let (name, value) = parts.next().and_then(|pair| pair.split_once('=')).expect("name=value");
        let expired = parts.any(|attribute| attribute.eq_ignore_ascii_case("Max-Age=0"));
        if expired || value.is_empty() {
            self.cookies.remove(name);
        } else {
            self.cookies.insert(name.to_string(), value.to_string());
        }
    }

    async fn get(&mut self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.send(Method::POST, path, Some(form)).await
    }

    /// Signs in through the form: reads the sign-in page, then posts it
    /// back with the token of its cookie and hidden field.
    async fn sign_in_to(&mut self, username: &str, password: &str, next: &str) -> Reply {
        let form = self.get("/login").await;
        assert_eq!(form.status, StatusCode::OK, "sign-in page");
        let cookie = self.cookies.get(LOGIN_CSRF_COOKIE).cloned().expect("the sign-in page sets its CSRF cookie");
        let field = hidden_value(&form.body, "csrf").expect("the sign-in form has a csrf field");
        assert_eq!(cookie, field, "double-submit token");
        self.post("/login", &[("username", username), ("password", password), ("csrf", &field), ("next", next)]).await
    }

    async fn sign_in(&mut self, username: &str) {
        let reply = self.sign_in_to(username, PASSWORD, "/").await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "sign-in of {username}: {}", reply.text());
    }

    /// Reads the session's CSRF token from the hidden field of a page's
    /// forms.
    async fn csrf_token(&mut self) -> String {
        let page = self.get(&format!("/p/{PORTFOLIO}")).await;
        assert_eq!(page.status, StatusCode::OK, "dashboard");
        hidden_value(&page.body, "csrf").expect("a page with a csrf field")
    }
}

fn app(store: &Store) -> Router {
    recobro_web::router(AppState::new(store.clone(), false))
}

async fn signed_in(app: &Router, username: &str) -> Client {
    let mut client = Client::new(app);
    client.sign_in(username).await;
    client
}

fn form_encode(fields: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|byte| match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
                _ => format!("%{byte:02X}"),
            })
            .collect::<String>()
    };
    fields.iter().map(|(name, value)| format!("{}={}", encode(name), encode(value))).collect::<Vec<_>>().join("&")
}

// ---------------------------------------------------------------------------
// Reading HTML
// ---------------------------------------------------------------------------

/// Decodes the entities a page holds: askama writes numeric ones such as
/// `&#38;` for `&`.
fn unescape(text: &str) -> String {
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        decoded.push_str(&rest[..start]);
        rest = &rest[start..];
        let entity = rest.find(';').map(|end| (&rest[1..end], end));
        let character = entity.and_then(|(name, _)| match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name.strip_prefix('#').and_then(|code| code.parse::<u32>().ok()).and_then(char::from_u32),
        });
        match (character, entity) {
            (Some(character), Some((_, end))) => {
                decoded.push(character);
                rest = &rest[end + 1..];
            }
            _ => {
                decoded.push('&');
                rest = &rest[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for character in html.chars() {
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
    unescape(&text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds the value of the first input named `name`.
fn hidden_value(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("name=\"{name}\" value=\""))? + name.len() + 15;
    let end = start + html[start..].find('"')?;
    Some(unescape(&html[start..end]))
}

/// Finds the HTML of the element with `id`, from its start tag to the
/// first `</tag>` after it (enough for the elements read here, none of which
/// nests its own tag).
fn element<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let marker = html.find(&format!("id=\"{id}\""))?;
    let open = html[..marker].rfind('<')?;
    let tag: String = html[open + 1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let close = marker + html[marker..].find(&format!("</{tag}>"))?;
    Some(&html[open..close + tag.len() + 3])
}

fn element_text(html: &str, id: &str) -> Option<String> {
    element(html, id).map(plain_text)
}

/// Extracts the cells of each body row of the table with `id`, as plain
/// text.
fn table_rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let Some(table) = element(html, id) else { return Vec::new() };
    let body = table.split("<tbody>").nth(1).and_then(|rest| rest.split("</tbody>").next()).unwrap_or_default();
    body.split("<tr")
        .skip(1)
        .map(|row| row.split("<td").skip(1).map(|cell| plain_text(&format!("<td{}", cell.split("</td>").next().unwrap_or_default()))).collect())
        .collect()
}

/// Lists the links of the page whose `href` starts with `prefix`.
fn links(html: &str, prefix: &str) -> Vec<String> {
    html.split("href=\"").skip(1).filter_map(|rest| rest.split('"').next()).map(unescape).filter(|href| href.starts_with(prefix)).collect()
}

/// Finds the target of the pager's next link.
fn next_link(html: &str) -> Option<String> {
    let marker = html.find("rel=\"next\"")?;
    let start = html[..marker].rfind("href=\"")? + 6;
    let end = start + html[start..].find('"')?;
    Some(unescape(&html[start..end]))
}

// ---------------------------------------------------------------------------
// Reading the database
// ---------------------------------------------------------------------------

async fn count_actions(store: &Store) -> i64 {
    let mut conn = store.acquire().await.expect("connection");
    let row = sqlx::query("SELECT COUNT(*) AS n FROM collection_action").fetch_one(&mut *conn).await.expect("count query");
    row.try_get("n").expect("count")
}

async fn user_language(store: &Store, username: &str) -> Option<String> {
    let mut conn = store.acquire().await.expect("connection");
    users::find_user(&mut conn, username).await.expect("user query").expect("the user exists").language
}

async fn set_user_language(store: &Store, username: &str, language: &str) {
    let mut conn = store.acquire().await.expect("connection");
    let user = users::find_user(&mut conn, username).await.expect("user query").expect("the user exists");
    users::set_language(&mut conn, user.id, language).await.expect("language update");
}

async fn task_status(store: &Store, task_id: i64) -> String {
    let mut conn = store.acquire().await.expect("connection");
    let row = sqlx::query("SELECT status FROM task WHERE id = $1").bind(task_id).fetch_one(&mut *conn).await.expect("task query");
    row.try_get("status").expect("status")
}

/// References of the customers assigned to `collector`.
async fn customers_of(store: &Store, collector: &str) -> BTreeSet<String> {
    let mut conn = store.acquire().await.expect("connection");
    let rows = sqlx::query("SELECT external_ref FROM customer WHERE collector = $1").bind(collector).fetch_all(&mut *conn).await.expect("customer query");
    rows.iter().map(|row| row.try_get("external_ref").expect("reference")).collect()
}

/// Reads a customer's task id from its log link in the worklist.
fn task_of(worklist: &str, reference: &str) -> Option<i64> {
    let prefix = format!("/p/{PORTFOLIO}/customers/{reference}/actions?task=");
    links(worklist, &prefix).first().and_then(|href| href[prefix.len()..].parse().ok())
}

// ---------------------------------------------------------------------------
// Sign-in and sign-out
// ---------------------------------------------------------------------------

on_each_engine!(sign_in_success, sign_in_failure, sign_in_csrf, sign_in_limiter, logout_ends_session);

async fn sign_in_success(store: Store) {
    let app = app(&store);
    let mut client = Client::new(&app);
    let worklist = format!("/p/{PORTFOLIO}/worklist");

    let reply = client.sign_in_to("ana", PASSWORD, &worklist).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some(worklist.as_str()));
    let session = reply.set_cookie(SESSION_COOKIE).expect("a session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(!session.contains("Secure"), "a loopback server over HTTP sets no Secure cookie: {session}");

    // The sign-in token's cookie was set for /login, so only a clearing
    // cookie for the same path removes it.
    let cleared = reply.set_cookie(LOGIN_CSRF_COOKIE).expect("the sign-in token cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert!(cleared.contains("Path=/login"), "{cleared}");

    let page = client.get(&worklist).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("ana · Gestor de cobranza"), "{}", page.text());

    let offsite = Client::new(&app).sign_in_to("gerente", PASSWORD, "//evil.example/").await;
    assert_eq!(offsite.location(), Some("/"), "an off-site next path");
}

async fn sign_in_failure(store: Store) {
    let app = app(&store);
    let cases = [("ana", "wrong-password"), ("nobody", PASSWORD), ("ana", "")];
    for (username, password) in cases {
        let mut client = Client::new(&app);
        let reply = client.sign_in_to(username, password, "/").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{username}/{password}");
        assert!(reply.set_cookie(SESSION_COOKIE).is_none(), "{username}/{password}: no session");
        assert!(reply.text().contains("El usuario o la contraseña no son correctos."), "{username}/{password}: {}", reply.text());
        assert!(hidden_value(&reply.body, "csrf").is_some(), "{username}/{password}: the form is shown again");

        let page = client.get(&format!("/p/{PORTFOLIO}")).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{username}/{password}: still signed out");
    }
}

async fn sign_in_csrf(store: Store) {
    let app = app(&store);
    let mut client = Client::new(&app);
    client.get("/login").await;
    let good = client.cookies.get(LOGIN_CSRF_COOKIE).cloned().expect("sign-in cookie");

    let missing = client.post("/login", &[("username", "ana"), ("password", PASSWORD)]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN, "no token");
    assert!(missing.set_cookie(SESSION_COOKIE).is_none(), "no token: no session");
    let wrong = client.post("/login", &[("username", "ana"), ("password", PASSWORD), ("csrf", "0000")]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN, "wrong token");
    assert!(wrong.set_cookie(SESSION_COOKIE).is_none(), "wrong token: no session");

    let mut cookieless = Client::new(&app);
    let no_cookie = cookieless.post("/login", &[("username", "ana"), ("password", PASSWORD), ("csrf", &good)]).await;
    assert_eq!(no_cookie.status, StatusCode::FORBIDDEN, "token without its cookie");
    assert!(no_cookie.set_cookie(SESSION_COOKIE).is_none(), "token without its cookie: no session");
}

async fn sign_in_limiter(store: Store) {
    let app = app(&store);
    for attempt in 1..=5 {
        let reply = Client::new(&app).sign_in_to("ana", "wrong-password", "/").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "failed attempt {attempt}");
    }

    let mut client = Client::new(&app);
    let sixth = client.sign_in_to("ana", PASSWORD, "/").await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS, "sixth attempt with the right password");
    assert!(sixth.set_cookie(SESSION_COOKIE).is_none(), "no session after the limit");
    assert!(sixth.text().contains("Demasiados intentos fallidos"), "{}", sixth.text());

    let other = Client::new(&app).sign_in_to("luis", PASSWORD, "/").await;
    assert_eq!(other.status, StatusCode::SEE_OTHER, "another username is not blocked");
}

async fn logout_ends_session(store: Store) {
    let app = app(&store);
    let mut client = signed_in(&app, "gerente").await;
    let session = client.cookies.get(SESSION_COOKIE).cloned().expect("session cookie");
    let csrf = client.csrf_token().await;

    let reply = client.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some("/login"));
    let cleared = reply.set_cookie(SESSION_COOKIE).expect("the session cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // The server forgot the session too: the old cookie no longer works.
    client.cookies.insert(SESSION_COOKIE.to_string(), session);
    let page = client.get(&format!("/p/{PORTFOLIO}")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/login?next=/p/ibm-ar"));
}

// ---------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------

on_each_engine!(pages_by_role, pages_signed_out);

/// Every page with the status each user gets, in the order of [`USERS`]:
/// admin, manager, ana and luis (collectors), legal, viewer. The customer
/// is ana's. The statuses follow the permission table of authz.rs: legal
/// staff and viewers log no actions, viewers see no case lists, and only
/// admins and managers import.
const PAGE_ACCESS: [(&str, [u16; 6]); 11] = [
    // One portfolio: the start page goes to its dashboard.
    ("/", [303, 303, 303, 303, 303, 303]),
    ("/p/ibm-ar", [200, 200, 200, 200, 200, 200]),
    ("/p/ibm-ar/customers", [200, 200, 200, 200, 200, 200]),
    ("/p/ibm-ar/customers?sort=name&bucket=current", [200, 200, 200, 200, 200, 200]),
    ("/p/ibm-ar/customers/7209-MDWKR", [200, 200, 200, 403, 200, 200]),
    ("/p/ibm-ar/customers/7209-MDWKR/actions", [200, 200, 200, 403, 403, 403]),
    ("/p/ibm-ar/worklist", [200, 200, 200, 200, 200, 200]),
    ("/p/ibm-ar/problem-cases", [200, 200, 200, 200, 200, 403]),
    ("/p/ibm-ar/legal-candidates", [200, 200, 200, 200, 200, 403]),
    ("/p/ibm-ar/import", [200, 200, 403, 403, 403, 403]),
    ("/p/no-such-portfolio", [404, 404, 404, 404, 404, 404]),
];

async fn pages_by_role(store: Store) {
    let app = app(&store);
    for (index, (username, role)) in USERS.iter().enumerate() {
        let mut client = signed_in(&app, username).await;
        for (path, statuses) in PAGE_ACCESS {
            let expected = statuses[index];
            let reply = client.get(path).await;
            assert_eq!(reply.status.as_u16(), expected, "{username} ({role}) GET {path}");
            if expected == 403 {
                assert!(reply.text().contains("No tiene permiso para ver o cambiar esto."), "{username} GET {path}: {}", reply.text());
            }
        }
        let unknown = client.get(&format!("/p/{PORTFOLIO}/customers/NO-SUCH-CUSTOMER")).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{username}: unknown customer");
    }
}

async fn pages_signed_out(store: Store) {
    let app = app(&store);
    let mut client = Client::new(&app);
    for (path, _) in PAGE_ACCESS {
        let reply = client.get(path).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "GET {path}");
        let expected = format!("/login?next={}", path.replace('?', "%3F").replace('=', "%3D").replace('&', "%26"));
        assert_eq!(reply.location(), Some(expected.as_str()), "GET {path}");
    }
    for path in ["/login", "/assets/app.css", "/assets/app.js", "/assets/chart.umd.min.js"] {
        assert_eq!(client.get(path).await.status, StatusCode::OK, "GET {path}");
    }
    assert_eq!(client.get("/assets/missing.js").await.status, StatusCode::NOT_FOUND);

    let forms: [(&str, &[(&str, &str)]); 3] = [
        ("/logout", &[("csrf", "x")]),
        ("/language", &[("csrf", "x"), ("language", "en")]),
        ("/p/ibm-ar/customers/7209-MDWKR/actions", &[("csrf", "x"), ("action_on", "2013-06-30"), ("kind", "call")]),
    ];
    for (path, fields) in forms {
        let reply = client.post(path, fields).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "POST {path}");
        assert!(reply.location().is_some_and(|location| location.starts_with("/login")), "POST {path}");
    }
    assert_eq!(count_actions(&store).await, 0, "nothing written");
}

// ---------------------------------------------------------------------------
// CSRF on the forms of signed-in users
// ---------------------------------------------------------------------------

on_each_engine!(forms_reject_bad_csrf);

async fn forms_reject_bad_csrf(store: Store) {
    let app = app(&store);
    let mut client = signed_in(&app, "ana").await;
    let good = client.csrf_token().await;
    let action_path = format!("/p/{PORTFOLIO}/customers/{ANA_CUSTOMER}/actions");
    let forms: [(&str, Vec<(&str, &str)>); 3] = [
        ("/logout", vec![]),
        ("/language", vec![("language", "en"), ("next", "/")]),
        (&action_path, vec![("action_on", "2013-06-30"), ("kind", "call"), ("outcome", "contact"), ("notes", "forged")]),
    ];
    let wrong = "f".repeat(good.len());
    for (path, fields) in &forms {
        for token in [None, Some(""), Some(wrong.as_str()), Some(&good[..good.len() - 1])] {
            let mut submitted = fields.clone();
            if let Some(token) = token {
                submitted.push(("csrf", token));
            }
            let reply = client.post(path, &submitted).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "POST {path} with token {token:?}");
            assert!(reply.text().contains("El formulario caducó"), "POST {path} with token {token:?}: {}", reply.text());
        }
    }

    assert_eq!(count_actions(&store).await, 0, "no action written");
    assert_eq!(user_language(&store, "ana").await, None, "language unchanged");
    let page = client.get(&format!("/p/{PORTFOLIO}")).await;
    assert_eq!(page.status, StatusCode::OK, "still signed in");
    assert!(page.text().contains("Tablero"), "still in Spanish");
}

// ---------------------------------------------------------------------------
// A collector reaches only their own customers
// ---------------------------------------------------------------------------

on_each_engine!(collector_refused_other_customer, collector_lists_own_customers, collector_worklist_own_tasks);

async fn collector_refused_other_customer(store: Store) {
    assert_eq!(fixture::collector_of(&store, LUIS_CUSTOMER).await, "luis");
    let app = app(&store);
    let mut client = signed_in(&app, "ana").await;
    let csrf = client.csrf_token().await;

    let page = client.get(&format!("/p/{PORTFOLIO}/customers/{LUIS_CUSTOMER}")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "customer page");
    assert!(!page.body.contains(LUIS_CUSTOMER), "the refusal shows nothing of the customer");
    let form = client.get(&format!("/p/{PORTFOLIO}/customers/{LUIS_CUSTOMER}/actions")).await;
    assert_eq!(form.status, StatusCode::FORBIDDEN, "action form");

    let fields = [("csrf", csrf.as_str()), ("action_on", "2013-06-30"), ("kind", "call"), ("outcome", "contact")];
    let post = client.post(&format!("/p/{PORTFOLIO}/customers/{LUIS_CUSTOMER}/actions"), &fields).await;
    assert_eq!(post.status, StatusCode::FORBIDDEN, "action post");
    assert_eq!(count_actions(&store).await, 0, "nothing written");

    let luis = signed_in(&app, "luis").await.get(&format!("/p/{PORTFOLIO}/customers/{LUIS_CUSTOMER}")).await;
    assert_eq!(luis.status, StatusCode::OK, "luis sees his own customer");
}

/// Walks the customer list from `first` with the next links. Returns the
/// rows of every page and the number of pages.
async fn walk_pages(client: &mut Client, first: &str) -> (Vec<Vec<String>>, usize) {
    let mut rows = Vec::new();
    let mut pages = 0;
    let mut next = Some(first.to_string());
    while let Some(path) = next {
        let page = client.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "GET {path}");
        pages += 1;
        assert!(pages <= CUSTOMER_COUNT, "the pager does not end: page {pages} is {path}");
        rows.extend(table_rows(&page.body, "customer-list"));
        next = next_link(&page.body);
    }
    (rows, pages)
}

/// Column indexes of the customer list.
const REFERENCE: usize = 0;
const NAME: usize = 1;
const STAGE: usize = 2;
const DAYS: usize = 3;
const BALANCE: usize = 5;
const COLLECTOR: usize = 6;

async fn collector_lists_own_customers(store: Store) {
    let app = app(&store);
    for collector in ["ana", "luis"] {
        let expected = customers_of(&store, collector).await;
        let mut client = signed_in(&app, collector).await;
        // The collector filter of another collector is ignored.
        let other = if collector == "ana" { "luis" } else { "ana" };
        for first in [format!("/p/{PORTFOLIO}/customers"), format!("/p/{PORTFOLIO}/customers?collector={other}")] {
            let (rows, _) = walk_pages(&mut client, &first).await;
            let listed: BTreeSet<String> = rows.iter().map(|row| row[REFERENCE].clone()).collect();
            assert_eq!(listed.len(), rows.len(), "{collector} {first}: no repeats");
            assert_eq!(listed, expected, "{collector} {first}");
            assert!(rows.iter().all(|row| row[COLLECTOR] == collector), "{collector} {first}: only own customers");
        }
    }
}

async fn collector_worklist_own_tasks(store: Store) {
    let app = app(&store);
    let cases = [("ana", vec!["7209-MDWKR", "7938-EVASK", "9117-LYRCE"]), ("luis", vec![LUIS_CUSTOMER])];
    for (collector, expected) in cases {
        let mut client = signed_in(&app, collector).await;
        for path in [format!("/p/{PORTFOLIO}/worklist"), format!("/p/{PORTFOLIO}/worklist?collector=gerente")] {
            let page = client.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{collector} GET {path}");
            let listed: BTreeSet<String> = CASE_CUSTOMERS.iter().filter(|reference| task_of(&page.body, reference).is_some()).map(|reference| reference.to_string()).collect();
            let expected: BTreeSet<String> = expected.iter().map(|reference| reference.to_string()).collect();
            assert_eq!(listed, expected, "{collector} GET {path}");
            assert_eq!(table_rows(&page.body, "worklist").len(), expected.len(), "{collector} GET {path}: one task per case");
            assert!(!page.body.contains("id=\"collector\""), "{collector}: no collector filter");
        }
    }

    let mut manager = signed_in(&app, "gerente").await;
    let everyone = manager.get(&format!("/p/{PORTFOLIO}/worklist")).await;
    assert_eq!(table_rows(&everyone.body, "worklist").len(), CASE_CUSTOMERS.len(), "the manager sees every task");
    let filtered = manager.get(&format!("/p/{PORTFOLIO}/worklist?collector=luis")).await;
    assert_eq!(table_rows(&filtered.body, "worklist").len(), 1, "the manager's filter on luis");
}

// ---------------------------------------------------------------------------
// Logging a collection action
// ---------------------------------------------------------------------------

on_each_engine!(action_with_promise, action_validation);

/// A collection action as stored.
struct StoredAction {
    action_on: String,
    kind: String,
    outcome: Option<String>,
    collector: Option<String>,
    notes: Option<String>,
    next_action_on: Option<String>,
    promise_amount_minor: Option<i64>,
    promise_currency: Option<String>,
    promise_on: Option<String>,
    source: String,
}

async fn actions_of(store: &Store, reference: &str) -> Vec<StoredAction> {
    let mut conn = store.acquire().await.expect("connection");
    let rows = sqlx::query(
        "SELECT a.action_on, a.kind, a.outcome, a.collector, a.notes, a.next_action_on, a.promise_amount_minor, a.promise_currency, \
         a.promise_on, a.source FROM collection_action a JOIN customer c ON c.id = a.customer_id WHERE c.external_ref = $1 ORDER BY a.id",
    )
    .bind(reference)
    .fetch_all(&mut *conn)
    .await
    .expect("action query");
    rows.iter()
        .map(|row| StoredAction {
            action_on: row.try_get("action_on").unwrap(),
            kind: row.try_get("kind").unwrap(),
            outcome: row.try_get("outcome").unwrap(),
            collector: row.try_get("collector").unwrap(),
            notes: row.try_get("notes").unwrap(),
            next_action_on: row.try_get("next_action_on").unwrap(),
            promise_amount_minor: row.try_get("promise_amount_minor").unwrap(),
            promise_currency: row.try_get("promise_currency").unwrap(),
            promise_on: row.try_get("promise_on").unwrap(),
            source: row.try_get("source").unwrap(),
        })
        .collect()
}

async fn action_with_promise(store: Store) {
    let app = app(&store);
    // The amount as each language writes it, and the timeline line that
    // shows the promise.
    let cases = [
        ("es", ANA_CUSTOMER, "1.234,56", "Promesa de pago: 1.234,56 USD · 15/07/2013"),
        ("en", ANA_OTHER_CUSTOMER, "1,234.56", "Promise to pay: 1,234.56 USD · 15 Jul 2013"),
    ];
    for (language, reference, amount, shown) in cases {
        let mut client = Client::with_language(&app, language);
        client.sign_in("ana").await;

        let worklist = client.get(&format!("/p/{PORTFOLIO}/worklist")).await;
        let task = task_of(&worklist.body, reference).expect("the customer has a task in the worklist");
        let form = client.get(&format!("/p/{PORTFOLIO}/customers/{reference}/actions?task={task}")).await;
        assert_eq!(form.status, StatusCode::OK, "{language}: action form");
        assert_eq!(hidden_value(&form.body, "task"), Some(task.to_string()), "{language}: the form carries the task");
        let csrf = hidden_value(&form.body, "csrf").expect("csrf field");

        let task_text = task.to_string();
        let fields = [
            ("csrf", csrf.as_str()),
            ("task", task_text.as_str()),
            ("action_on", "2013-06-30"),
            ("kind", "call"),
            ("outcome", "promise_to_pay"),
            ("promise_amount", amount),
            ("promise_on", "2013-07-15"),
            ("dispute_reason", ""),
            ("notes", "Pays on Monday <by transfer>"),
            ("next_action_on", "2013-07-16"),
        ];
        let reply = client.post(&format!("/p/{PORTFOLIO}/customers/{reference}/actions"), &fields).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{language}: {}", reply.text());
        let customer_path = format!("/p/{PORTFOLIO}/customers/{reference}");
        assert_eq!(reply.location(), Some(customer_path.as_str()), "{language}");

        let page = client.get(&customer_path).await;
        let timeline = element_text(&page.body, "action-timeline").expect("a timeline");
        assert!(timeline.contains(shown), "{language}: {timeline}");
        assert!(timeline.contains("Pays on Monday <by transfer>"), "{language}: {timeline}");
        assert!(!page.body.contains("<by transfer>"), "{language}: notes are escaped");

        let stored = actions_of(&store, reference).await;
        assert_eq!(stored.len(), 1, "{language}: one action");
        let action = &stored[0];
        assert_eq!(action.action_on, "2013-06-30", "{language}");
        assert_eq!(action.kind, "call", "{language}");
        assert_eq!(action.outcome.as_deref(), Some("promise_to_pay"), "{language}");
        assert_eq!(action.collector.as_deref(), Some("ana"), "{language}");
        assert_eq!(action.notes.as_deref(), Some("Pays on Monday <by transfer>"), "{language}");
        assert_eq!(action.next_action_on.as_deref(), Some("2013-07-16"), "{language}");
        assert_eq!(action.promise_amount_minor, Some(123_456), "{language}");
        assert_eq!(action.promise_currency.as_deref(), Some("USD"), "{language}");
        assert_eq!(action.promise_on.as_deref(), Some("2013-07-15"), "{language}");
        assert_eq!(action.source, "user", "{language}");

        assert_eq!(task_status(&store, task).await, "done", "{language}: the task is done");
        let after = client.get(&format!("/p/{PORTFOLIO}/worklist")).await;
        assert_eq!(task_of(&after.body, reference), None, "{language}: the task left the worklist");
    }
    assert_eq!(count_actions(&store).await, 2, "one action per case");
}

/// A name, the fields that differ from a valid form, and the messages
/// the form must show.
type ValidationCase = (&'static str, &'static [(&'static str, &'static str)], &'static [&'static str]);

async fn action_validation(store: Store) {
    let app = app(&store);
    let mut client = signed_in(&app, "ana").await;
    let worklist = client.get(&format!("/p/{PORTFOLIO}/worklist")).await;
    let task = task_of(&worklist.body, ANA_CUSTOMER).expect("a task").to_string();
    let csrf = client.csrf_token().await;
    let path = format!("/p/{PORTFOLIO}/customers/{ANA_CUSTOMER}/actions");

    // Each case changes the fields of a valid call and names the messages
    // the form must show.
    let cases: [ValidationCase; 11] = [
        ("no date", &[("action_on", "")], &["Fecha es obligatorio."]),
        ("bad date", &[("action_on", "31/06/2013")], &["Fecha: «31/06/2013» no es una fecha válida."]),
        ("no kind", &[("kind", "")], &["Gestión es obligatorio."]),
        // The kind comes from a menu, so the form reports an unknown kind as
        // a missing one.
        ("unknown kind", &[("kind", "fax")], &["Gestión es obligatorio."]),
        ("unknown outcome", &[("outcome", "maybe")], &["Resultado: «maybe» no es una de las opciones."]),
        (
            "promise without amount",
            &[("outcome", "promise_to_pay"), ("promise_on", "2013-07-15")],
            &["Una promesa de pago necesita un importe y una fecha."],
        ),
        (
            "amount in English format",
            &[("outcome", "promise_to_pay"), ("promise_amount", "1,234.56"), ("promise_on", "2013-07-15")],
            &["El importe prometido «1,234.56» no es un importe válido mayor que cero."],
        ),
        (
            "negative amount",
            &[("outcome", "promise_to_pay"), ("promise_amount", "-5"), ("promise_on", "2013-07-15")],
            &["El importe prometido «-5» no es un importe válido mayor que cero."],
        ),
        (
            "promise before the action",
            &[("outcome", "promise_to_pay"), ("promise_amount", "10"), ("promise_on", "2013-06-29")],
            &["La fecha prometida no puede ser anterior a la fecha de la gestión."],
        ),
        ("dispute without documents", &[("outcome", "dispute"), ("dispute_reason", "no lo pidió")], &["Una disputa necesita el resultado «Disputa», al menos un documento y un motivo."]),
        (
            "two problems",
            &[("next_action_on", "2013-06-01"), ("promise_amount", "abc"), ("promise_on", "2013-07-01")],
            &["La fecha de la próxima gestión no puede ser anterior a la fecha de la gestión.", "El importe prometido «abc» no es un importe válido mayor que cero."],
        ),
    ];
    for (case, changes, messages) in cases {
        let mut fields: BTreeMap<&str, &str> =
            [("csrf", csrf.as_str()), ("task", task.as_str()), ("action_on", "2013-06-30"), ("kind", "call"), ("notes", "kept as typed")].into_iter().collect();
        fields.extend(changes.iter().copied());
        let fields: Vec<(&str, &str)> = fields.into_iter().collect();

        let reply = client.post(&path, &fields).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{case}");
        let errors = element_text(&reply.body, "form-errors").unwrap_or_default();
        for message in messages {
            assert!(errors.contains(message), "{case}: {message:?} not in {errors:?}");
        }
        assert!(reply.body.contains(">kept as typed</textarea>"), "{case}: the notes are shown again");
        assert_eq!(hidden_value(&reply.body, "task").as_deref(), Some(task.as_str()), "{case}: the task is kept");
    }

    assert_eq!(count_actions(&store).await, 0, "nothing written");
    assert_eq!(task_status(&store, task.parse().unwrap()).await, "open", "the task stays open");
}

// ---------------------------------------------------------------------------
// Language and locale formats
// ---------------------------------------------------------------------------

on_each_engine!(language_negotiation, language_switch, locale_formats);

async fn language_negotiation(store: Store) {
    let app = app(&store);
    // Before sign-in only the browser's header counts.
    let headers = [
        (None, "es"),
        (Some("en"), "en"),
        (Some("en-US,en;q=0.9"), "en"),
        (Some("fr-FR, en;q=0.5, es;q=0.4"), "en"),
        (Some("es-MX,es;q=0.9,en;q=0.8"), "es"),
        (Some("de-DE"), "es"),
    ];
    for (header, expected) in headers {
        let mut client = match header {
            Some(header) => Client::with_language(&app, header),
            None => Client::new(&app),
        };
        let page = client.get("/login").await;
        assert!(page.body.contains(&format!("<html lang=\"{expected}\">")), "Accept-Language {header:?}");
        let title = if expected == "es" { "Iniciar sesión" } else { "Sign in" };
        assert!(page.text().contains(title), "Accept-Language {header:?}");
    }

    // The user's setting wins over the header.
    set_user_language(&store, "abogada", "en").await;
    set_user_language(&store, "consulta", "es").await;
    let users = [("gerente", "en", "Dashboard"), ("gerente", "es", "Tablero"), ("abogada", "es", "Dashboard"), ("consulta", "en", "Tablero")];
    for (username, header, expected) in users {
        let mut client = Client::with_language(&app, header);
        client.sign_in(username).await;
        let page = client.get(&format!("/p/{PORTFOLIO}")).await;
        assert!(page.text().contains(expected), "{username} with Accept-Language {header}");
    }

    // Without a setting, the language cookie of an earlier switch wins over
    // the header.
    let mut client = Client::with_language(&app, "es");
    client.sign_in("gerente").await;
    client.cookies.insert(LANGUAGE_COOKIE.to_string(), "en".to_string());
    let page = client.get(&format!("/p/{PORTFOLIO}")).await;
    assert!(page.text().contains("Dashboard"), "language cookie");
}

async fn language_switch(store: Store) {
    let app = app(&store);
    let mut client = Client::with_language(&app, "es");
    client.sign_in("ana").await;
    let worklist = format!("/p/{PORTFOLIO}/worklist");
    let page = client.get(&worklist).await;
    assert!(page.text().contains("Agenda de gestiones"), "Spanish first");
    assert_eq!(hidden_value(&page.body, "next"), Some(worklist.clone()), "the switch returns to this page");
    let csrf = hidden_value(&page.body, "csrf").expect("csrf");

    let unknown = client.post("/language", &[("csrf", &csrf), ("language", "fr"), ("next", &worklist)]).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "unknown language");
    assert_eq!(user_language(&store, "ana").await, None, "unknown language not stored");

    let reply = client.post("/language", &[("csrf", &csrf), ("language", "en"), ("next", &worklist)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some(worklist.as_str()));
    let cookie = reply.set_cookie(LANGUAGE_COOKIE).expect("a language cookie");
    assert!(cookie.starts_with("recobro_lang=en;"), "{cookie}");
    assert_eq!(user_language(&store, "ana").await.as_deref(), Some("en"), "stored in the user's settings");

    let english = client.get(&worklist).await;
    assert!(english.text().contains("Worklist"), "{}", english.text());
    assert!(english.body.contains("<html lang=\"en\">"));

    // The setting follows the user to a browser without the cookie.
    let mut elsewhere = Client::with_language(&app, "es");
    elsewhere.sign_in("ana").await;
    let page = elsewhere.get(&worklist).await;
    assert!(page.text().contains("Worklist"), "another browser");
}

async fn locale_formats(store: Store) {
    let app = app(&store);
    let dashboard = format!("/p/{PORTFOLIO}");
    let customer = format!("/p/{PORTFOLIO}/customers/{ANA_CUSTOMER}");
    // Total balance, overdue balance, the as-of line, a case amount, and a
    // settled document's due date.
    let cases = [("es", "5.119,85", "835,56", "Al 30/06/2013", "135,28 USD", "20/02/2012"), ("en", "5,119.85", "835.56", "As of 30 Jun 2013", "135.28 USD", "20 Feb 2012")];
    for (language, total, overdue, as_of, balance, due) in cases {
        let mut client = Client::with_language(&app, language);
        client.sign_in("gerente").await;
        let page = client.get(&dashboard).await;
        assert_eq!(element_text(&page.body, "figure-total").as_deref(), Some(total), "{language} total");
        assert_eq!(element_text(&page.body, "figure-overdue").as_deref(), Some(overdue), "{language} overdue");
        assert!(page.text().contains(as_of), "{language} as-of date");
        let aging = table_rows(&page.body, "aging-table");
        assert_eq!(aging.len(), 7, "{language}: six buckets and unapplied");

        let page = client.get(&customer).await;
        assert!(page.text().contains(balance), "{language} balance");
        assert!(page.text().contains(due), "{language} due date");
    }
}

// ---------------------------------------------------------------------------
// The customer list and the customer page
// ---------------------------------------------------------------------------

on_each_engine!(customer_filters, customer_sorts, customer_paging, customer_page_as_of);

fn references(rows: &[Vec<String>]) -> BTreeSet<String> {
    rows.iter().map(|row| row[REFERENCE].clone()).collect()
}

fn case_customers() -> BTreeSet<String> {
    CASE_CUSTOMERS.iter().map(|reference| reference.to_string()).collect()
}

/// Converts an amount as the Spanish list shows it to cents:
/// `1.234,56 USD` → 123456.
fn spanish_cents(text: &str) -> i64 {
    let number = text.split_whitespace().next().expect("an amount");
    number.replace(['.', ','], "").parse().unwrap_or_else(|_| panic!("not an amount: {text:?}"))
}

async fn customer_filters(store: Store) {
    let app = app(&store);
    let mut client = signed_in(&app, "gerente").await;
    let list = format!("/p/{PORTFOLIO}/customers");

    let (rows, _) = walk_pages(&mut client, &format!("{list}?search=mdwkr")).await;
    assert_eq!(references(&rows), BTreeSet::from([ANA_CUSTOMER.to_string()]), "search ignores case");

    let (rows, _) = walk_pages(&mut client, &format!("{list}?search=%25")).await;
    assert!(rows.is_empty(), "a % in the search is a literal character");
    let empty = client.get(&format!("{list}?search=zzz")).await;
    assert!(empty.text().contains("Ningún cliente coincide con estos filtros."), "{}", empty.text());

    let (rows, _) = walk_pages(&mut client, &format!("{list}?bucket=1-30")).await;
    assert_eq!(references(&rows), case_customers(), "bucket 1-30");
    for row in &rows {
        let days: i64 = row[DAYS].parse().expect("days");
        assert!((1..=30).contains(&days), "bucket 1-30: {row:?}");
    }

    let (rows, _) = walk_pages(&mut client, &format!("{list}?bucket=current&sort=name")).await;
    assert_eq!(rows.len(), CUSTOMER_COUNT - CASE_CUSTOMERS.len(), "bucket current");
    assert!(references(&rows).is_disjoint(&case_customers()), "bucket current has no past-due case");

    let (rows, _) = walk_pages(&mut client, &format!("{list}?bucket=91-120")).await;
    assert!(rows.is_empty(), "bucket 91-120");

    let (rows, _) = walk_pages(&mut client, &format!("{list}?stage=reminder")).await;
    assert_eq!(references(&rows), case_customers(), "stage reminder");
    assert!(rows.iter().all(|row| row[STAGE] == "Recordatorio"), "stage column");

    let (rows, _) = walk_pages(&mut client, &format!("{list}?stage=problem_case")).await;
    assert!(rows.is_empty(), "stage problem_case");

    let (rows, _) = walk_pages(&mut client, &format!("{list}?collector=luis&bucket=1-30")).await;
    assert_eq!(references(&rows), BTreeSet::from([LUIS_CUSTOMER.to_string()]), "collector and bucket together");

    // The form shows the filters in use.
    let page = client.get(&format!("{list}?search=EVASK&bucket=1-30&stage=reminder&sort=balance")).await;
    assert!(page.body.contains("name=\"search\" type=\"search\" value=\"EVASK\""), "search kept");
    assert!(page.body.contains("<option value=\"1-30\" selected>"), "bucket kept");
    assert!(page.body.contains("<option value=\"reminder\" selected>"), "stage kept");
    assert!(page.body.contains("<option value=\"balance\" selected>"), "sort kept");
}

async fn customer_sorts(store: Store) {
    let app = app(&store);
    let mut client = signed_in(&app, "gerente").await;
    let list = format!("/p/{PORTFOLIO}/customers");

    let (rows, _) = walk_pages(&mut client, &list).await;
    let days: Vec<i64> = rows.iter().map(|row| row[DAYS].parse().expect("days")).collect();
    assert!(days.windows(2).all(|pair| pair[0] >= pair[1]), "the default sort is days past due, most first: {days:?}");
    assert_eq!(rows[0][REFERENCE], ANA_CUSTOMER, "9 days past due is the most");

    let (rows, _) = walk_pages(&mut client, &format!("{list}?sort=balance")).await;
    let balances: Vec<i64> = rows.iter().map(|row| spanish_cents(&row[BALANCE])).collect();
    assert!(balances.windows(2).all(|pair| pair[0] >= pair[1]), "balance, largest first: {balances:?}");
    assert!(balances.iter().any(|balance| *balance > 0), "some balances are open");

    let (rows, _) = walk_pages(&mut client, &format!("{list}?sort=name")).await;
    let names: Vec<&String> = rows.iter().map(|row| &row[NAME]).collect();
    assert!(names.windows(2).all(|pair| pair[0] <= pair[1]), "name, A to Z");

    let (rows, _) = walk_pages(&mut client, &format!("{list}?sort=reference")).await;
    let listed: Vec<&String> = rows.iter().map(|row| &row[REFERENCE]).collect();
    assert!(listed.windows(2).all(|pair| pair[0] <= pair[1]), "reference, A to Z");

    let (rows, _) = walk_pages(&mut client, &format!("{list}?sort=nonsense")).await;
    assert_eq!(rows[0][REFERENCE], ANA_CUSTOMER, "an unknown sort falls back to days past due");
}

async fn customer_paging(store: Store) {
    let app = app(&store);
    let mut client = signed_in(&app, "gerente").await;
    let everyone: BTreeSet<String> = [customers_of(&store, "ana").await, customers_of(&store, "luis").await].into_iter().flatten().collect();
    assert_eq!(everyone.len(), CUSTOMER_COUNT);

    for sort in ["days_past_due", "balance", "name", "reference"] {
        let first = format!("/p/{PORTFOLIO}/customers?sort={sort}");
        let (rows, pages) = walk_pages(&mut client, &first).await;
        let listed = references(&rows);
        assert_eq!(listed.len(), rows.len(), "{sort}: no customer repeated");
        assert_eq!(listed, everyone, "{sort}: no customer missed");
        assert_eq!(pages, 2, "{sort}: 50 customers a page");
    }

    // A filter stays on every page.
    let first = format!("/p/{PORTFOLIO}/customers?bucket=current&sort=balance");
    let page = client.get(&first).await;
    let next = next_link(&page.body).expect("a second page");
    assert!(next.contains("bucket=current"), "{next}");
    assert!(next.contains("sort=balance"), "{next}");
    let second = client.get(&next).await;
    assert!(links(&second.body, &format!("/p/{PORTFOLIO}/customers?")).iter().any(|link| !link.contains("after=")), "a link back to the first page");
    let (rows, _) = walk_pages(&mut client, &first).await;
    assert_eq!(references(&rows).len(), CUSTOMER_COUNT - CASE_CUSTOMERS.len(), "filtered walk");
    assert_eq!(rows.len(), CUSTOMER_COUNT - CASE_CUSTOMERS.len(), "filtered walk without repeats");

    let bad = client.get(&format!("/p/{PORTFOLIO}/customers?sort=balance&after=garbage")).await;
    assert_eq!(bad.status, StatusCode::OK, "an unreadable cursor starts over");
}

/// Checks that the customer page shows the documents as they stood on
/// the business date, the date of the latest run, without the later
/// invoices and payments of the sample.
async fn customer_page_as_of(store: Store) {
    let app = app(&store);
    let mut client = signed_in(&app, "ana").await;
    let page = client.get(&format!("/p/{PORTFOLIO}/customers/{ANA_CUSTOMER}")).await;
    assert_eq!(page.status, StatusCode::OK);

    // Invoice 7861925284: 49.37, due 2013-06-21, paid 2013-07-02.
    let open = table_rows(&page.body, "open-documents");
    let numbers: Vec<&str> = open.iter().map(|row| row[0].as_str()).collect();
    assert!(numbers.contains(&"7861925284"), "the invoice past due on that date: {numbers:?}");
    let row = open.iter().find(|row| row[0] == "7861925284").expect("its row");
    assert_eq!(row[4], "9", "days past due");
    assert_eq!(row[6], "49,37", "open balance");

    // Invoice 5866933192 was issued on 2013-07-14, after the business date.
    assert!(!page.body.contains("5866933192"), "a later invoice");

    let form = client.get(&format!("/p/{PORTFOLIO}/customers/{ANA_CUSTOMER}/actions")).await;
    assert!(form.body.contains("value=\"7861925284\""), "the open invoice can be disputed");
}

on_each_engine!(policy_page);

/// Checks the policy page: everyone may simulate a proposal, which writes
/// nothing; only managers save it, and only with an effective date after
/// the latest run.
async fn policy_page(store: Store) {
    let app = app(&store);
    let count_versions = || async {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM policy_version").fetch_one(store.pool()).await.unwrap();
        row.try_get::<i64, _>("n").unwrap()
    };

    let mut collector = signed_in(&app, "ana").await;
    let page = collector.get(&format!("/p/{PORTFOLIO}/policy")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("min_days_past_due = 90"), "the policy in force is shown as TOML");
    let text = recobro_app::policy::policy_to_toml(&recobro_core::Policy::default(), recobro_core::Currency::parse("USD").unwrap()).replace("min_days_past_due = 31", "min_days_past_due = 20");
    let csrf = hidden_value(&page.body, "csrf").unwrap();

    let simulated = collector.post(&format!("/p/{PORTFOLIO}/policy"), &[("csrf", &csrf), ("text", &text), ("effective", ""), ("intent", "simulate")]).await;
    assert_eq!(simulated.status, StatusCode::OK);
    assert!(simulated.body.contains("id=\"policy-simulation\""), "the comparison table is shown");
    assert_eq!(count_versions().await, 0, "a simulation writes nothing");

    let refused = collector.post(&format!("/p/{PORTFOLIO}/policy"), &[("csrf", &csrf), ("text", &text), ("effective", "2013-07-01"), ("intent", "save")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "a collector cannot save a policy");

    let mut manager = signed_in(&app, "gerente").await;
    let page = manager.get(&format!("/p/{PORTFOLIO}/policy")).await;
    let csrf = hidden_value(&page.body, "csrf").unwrap();
    let broken = manager.post(&format!("/p/{PORTFOLIO}/policy"), &[("csrf", &csrf), ("text", "[[stage]]\ncode = \"x\"\n"), ("effective", "2013-07-01"), ("intent", "save")]).await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY, "a broken policy is shown again with the error");
    let past = manager.post(&format!("/p/{PORTFOLIO}/policy"), &[("csrf", &csrf), ("text", &text), ("effective", "2013-06-30"), ("intent", "save")]).await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY, "the latest run's date cannot take a new policy");
    assert_eq!(count_versions().await, 0);

    let saved = manager.post(&format!("/p/{PORTFOLIO}/policy"), &[("csrf", &csrf), ("text", &text), ("effective", "2013-07-01"), ("intent", "save")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(count_versions().await, 1);
    let audit = sqlx::query("SELECT actor FROM audit_event WHERE action = 'policy.set'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(audit.try_get::<String, _>("actor").unwrap(), "gerente");
}

on_each_engine!(team_reassignment);

/// Checks the team page: a manager moves every customer of one collector
/// to another, with their open tasks; a collector may not.
async fn team_reassignment(store: Store) {
    let app = app(&store);
    let mut collector = signed_in(&app, "ana").await;
    assert_eq!(collector.get(&format!("/p/{PORTFOLIO}/team")).await.status, StatusCode::FORBIDDEN);

    let mut manager = signed_in(&app, "gerente").await;
    let page = manager.get(&format!("/p/{PORTFOLIO}/team")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"workloads\""), "the workload table is shown");
    let csrf = hidden_value(&page.body, "csrf").unwrap();

    let bad_token = manager.post(&format!("/p/{PORTFOLIO}/team"), &[("csrf", "wrong"), ("from", "ana"), ("to", "luis")]).await;
    assert_eq!(bad_token.status, StatusCode::FORBIDDEN);
    let moved = manager.post(&format!("/p/{PORTFOLIO}/team"), &[("csrf", &csrf), ("from", "ana"), ("to", "luis")]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);

    let count = |sql: &'static str| {
        let store = store.clone();
        async move { sqlx::query(sql).fetch_one(store.pool()).await.unwrap().try_get::<i64, _>("n").unwrap() }
    };
    assert_eq!(count("SELECT COUNT(*) AS n FROM customer WHERE collector = 'ana'").await, 0);
    assert_eq!(count("SELECT COUNT(*) AS n FROM customer WHERE collector = 'luis'").await, CUSTOMER_COUNT as i64);
    assert_eq!(count("SELECT COUNT(*) AS n FROM task WHERE status = 'open' AND owner = 'collector' AND assigned_to = 'ana'").await, 0, "open tasks follow their customers");
    assert_eq!(count("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'customers.assigned'").await, 1);

    let unknown = manager.post(&format!("/p/{PORTFOLIO}/team"), &[("csrf", &csrf), ("from", "luis"), ("to", "nobody")]).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "only active collectors and managers receive customers");
}

async fn team_rules_and_suggestions(store: Store) {
    let app = app(&store);
    let mut manager = signed_in(&app, "gerente").await;
    let page = manager.get(&format!("/p/{PORTFOLIO}/team")).await;
    assert!(page.body.contains("id=\"team-config-form\""), "the team editor is shown");
    let csrf = hidden_value(&page.body, "csrf").unwrap();
    let count = |sql: &'static str| {
        let store = store.clone();
        async move { sqlx::query(sql).fetch_one(store.pool()).await.unwrap().try_get::<i64, _>("n").unwrap() }
    };

    let unknown = "[[team]]\ncode = \"t\"\nname = \"Todos\"\nmembers = [{ collector = \"nadie\", capacity = 10 }]\n";
    let rejected = manager.post(&format!("/p/{PORTFOLIO}/team/config"), &[("csrf", &csrf), ("text", unknown)]).await;
    assert_eq!(rejected.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(rejected.text().contains("\"nadie\" is not an active collector"), "{}", rejected.text());
    assert!(rejected.text().contains("capacity = 10"), "the rejected text stays in the editor");
    assert_eq!(count("SELECT COUNT(*) AS n FROM team").await, 0, "a rejected file writes nothing");

    let valid = "[[team]]\ncode = \"t\"\nname = \"Todos\"\nmembers = [{ collector = \"luis\", capacity = 1000 }]\n[[rule]]\nteam = \"t\"\n";
    let saved = manager.post(&format!("/p/{PORTFOLIO}/team/config"), &[("csrf", &csrf), ("text", valid)]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = manager.get(&format!("/p/{PORTFOLIO}/team")).await;
    assert!(page.body.contains("id=\"team-capacity\""), "the capacity table is shown");
    assert!(page.body.contains("id=\"assign-by-rules-form\""));

    sqlx::query("UPDATE customer SET collector = NULL WHERE collector = 'ana'").execute(store.pool()).await.unwrap();
    let unassigned_with_case = count("SELECT COUNT(*) AS n FROM customer c JOIN collection_case k ON k.customer_id = c.id AND k.status = 'open' WHERE c.collector IS NULL").await;
    assert!(unassigned_with_case > 0, "the fixture leaves ana's open cases to assign");
    let assigned = manager.post(&format!("/p/{PORTFOLIO}/team/assign-by-rules"), &[("csrf", &csrf)]).await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER);
    assert_eq!(assigned.location(), Some(format!("/p/{PORTFOLIO}/team?assigned={unassigned_with_case}&left=0").as_str()));
    assert_eq!(count("SELECT COUNT(*) AS n FROM customer c JOIN collection_case k ON k.customer_id = c.id AND k.status = 'open' WHERE c.collector IS NULL").await, 0);

    sqlx::query(
        "INSERT INTO status_suggestion (portfolio_id, customer_id, suggested_status, reason, suggested_on, state) \
         SELECT portfolio_id, id, 'credit_hold', 'broken_promises', '2024-01-01', 'pending' FROM customer WHERE external_ref = (SELECT MIN(external_ref) FROM customer)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let page = manager.get(&format!("/p/{PORTFOLIO}/team")).await;
    assert!(page.body.contains("id=\"suggestions\""), "the pending suggestion is listed");
    let id: i64 = sqlx::query("SELECT id AS n FROM status_suggestion").fetch_one(store.pool()).await.unwrap().try_get("n").unwrap();

    let mut collector = signed_in(&app, "ana").await;
    let collector_csrf = collector.csrf_token().await;
    let forbidden = collector.post(&format!("/p/{PORTFOLIO}/team/suggestions/{id}"), &[("csrf", &collector_csrf), ("decision", "confirm")]).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "collectors do not decide statuses");

    let confirmed = manager.post(&format!("/p/{PORTFOLIO}/team/suggestions/{id}"), &[("csrf", &csrf), ("decision", "confirm")]).await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    assert_eq!(count("SELECT COUNT(*) AS n FROM customer WHERE status = 'credit_hold'").await, 1);
    assert_eq!(count("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'status_suggestion.confirmed'").await, 1);

    let again = manager.post(&format!("/p/{PORTFOLIO}/team/suggestions/{id}"), &[("csrf", &csrf), ("decision", "dismiss")]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "a decided suggestion stays decided");
}
on_each_engine!(team_rules_and_suggestions);
