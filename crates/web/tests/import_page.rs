//! The import page through the router: who may open it, a good file, a
//! rejected file and a form without its CSRF token. Each scenario runs on
//! SQLite and, when RECOBRO_TEST_POSTGRES_URL is set, on PostgreSQL.

use std::future::Future;

use axum::Router;
use axum::body::Body;
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE};
use axum::http::{Method, Request, StatusCode};
use recobro_core::Currency;
use recobro_store::testing::TestDb;
use recobro_store::{Store, portfolio, users};
use recobro_web::{AppState, auth};
use tower::ServiceExt;

const PORTFOLIO: &str = "demo";
const USERS: [(&str, &str); 5] = [("admin", "admin"), ("gerente", "manager"), ("ana", "collector"), ("abogada", "legal"), ("consulta", "viewer")];
const BOUNDARY: &str = "import-page-boundary";

/// A file field of the form: field name, file name and content.
type FilePart<'a> = (&'a str, &'a str, &'a [u8]);

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

/// A router over a database with the portfolio, one user per role and
/// one customer.
struct Site {
    app: Router,
    state: AppState,
}

async fn run_scenario<Scenario, Outcome>(db: Option<TestDb>, scenario: Scenario)
where
    Scenario: FnOnce(Site) -> Outcome,
    Outcome: Future<Output = ()> + Send + 'static,
{
    let Some(db) = db else { return };
    let store = db.open().await.expect("the test database opens");
    seed(&store).await;
    let state = AppState::new(store.clone(), false);
    let outcome = tokio::spawn(scenario(Site { app: recobro_web::router(state.clone()), state })).await;
    store.close().await;
    db.cleanup().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

async fn seed(store: &Store) {
    let mut conn = store.acquire().await.unwrap();
    portfolio::create(&mut conn, PORTFOLIO, "Demo portfolio", Currency::parse("USD").unwrap(), "UTC").await.unwrap();
    let hash = auth::hash_password("correct horse battery").unwrap();
    for (username, role) in USERS {
        users::insert_user(&mut conn, username, &hash, role, None).await.unwrap();
    }
    drop(conn);
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("customers.csv");
    std::fs::write(&path, "ref,name\nC-1,Alfa Distribuciones\n").unwrap();
    let profile = recobro_app::import::Profile::canonical(recobro_app::import::RecordKind::Customer);
    recobro_app::import::import_file(store, PORTFOLIO, &path, profile).await.unwrap();
}

struct Reply {
    status: StatusCode,
    body: String,
}

/// One signed-in browser: its session cookie and language.
struct Browser {
    app: Router,
    cookie: String,
    language: &'static str,
}

impl Site {
    async fn sign_in(&self, username: &str, language: &'static str) -> Browser {
        let mut conn = self.state.store.acquire().await.unwrap();
        let user = users::find_user(&mut conn, username).await.unwrap().expect("seeded user");
        drop(conn);
        let token = auth::start_session(&self.state, &user).await.unwrap();
        Browser { app: self.app.clone(), cookie: format!("{}={token}", auth::SESSION_COOKIE), language }
    }

    async fn count_rows(&self, table: &str) -> i64 {
        let mut conn = self.state.store.acquire().await.unwrap();
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {table}"))).fetch_one(&mut *conn).await.unwrap();
        sqlx::Row::try_get::<i64, _>(&row, "n").unwrap()
    }
}

impl Browser {
    async fn send(&self, request: axum::http::request::Builder, body: Body) -> Reply {
        let request = request.header(COOKIE, &self.cookie).header(ACCEPT_LANGUAGE, self.language).body(body).unwrap();
        let response = self.app.clone().oneshot(request).await.expect("the router never fails");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        Reply { status, body: String::from_utf8(bytes.to_vec()).unwrap() }
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(Request::builder().method(Method::GET).uri(path), Body::empty()).await
    }

    /// Posts the import form with these text fields and files.
    async fn post_form(&self, texts: &[(&str, &str)], files: &[FilePart<'_>]) -> Reply {
        let mut body = Vec::new();
        for (name, value) in texts {
            body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
        }
        for (name, file_name, content) in files {
            body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes());
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("/p/{PORTFOLIO}/import"))
            .header(CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"));
        self.send(request, Body::from(body)).await
    }

    /// Reads the CSRF token from the import form.
    async fn csrf_token(&self) -> String {
        let page = self.get(&format!("/p/{PORTFOLIO}/import")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let start = page.body.find("name=\"csrf\" value=\"").expect("the form has a csrf field") + "name=\"csrf\" value=\"".len();
        page.body[start..].split('"').next().unwrap().to_string()
    }
}

const IMPORT_LINK: &str = "href=\"/p/demo/import\"";

async fn who_may_import(site: Site) {
    for (username, role) in USERS {
        let browser = site.sign_in(username, "en").await;
        let allowed = matches!(role, "admin" | "manager");
        let page = browser.get(&format!("/p/{PORTFOLIO}/import")).await;
        let dashboard = browser.get(&format!("/p/{PORTFOLIO}")).await;
        assert_eq!(dashboard.status, StatusCode::OK, "{username}'s dashboard");
        if allowed {
            assert_eq!(page.status, StatusCode::OK, "{username}");
            assert!(page.body.contains("enctype=\"multipart/form-data\""), "{username} gets the form");
            for option in ["value=\"profile:ibm-ar\"", "value=\"profile:uci-cards\"", "value=\"kind:customers\"", "value=\"kind:snapshot\""] {
                assert!(page.body.contains(option), "{username}: the form offers {option}");
            }
            assert!(dashboard.body.contains(IMPORT_LINK), "{username}'s navigation links the import page");
        } else {
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{username}");
            assert!(!dashboard.body.contains(IMPORT_LINK), "{username}'s navigation has no import link");
        }
    }
}
on_each_engine!(import_page_is_for_managers_and_admins, who_may_import);

async fn good_file(site: Site) {
    let browser = site.sign_in("gerente", "es").await;
    let csrf = browser.csrf_token().await;
    let file: &[u8] = b"ref,name\nC-1,Alfa Distribuciones\nC-2,Beta Ferreteria\n";
    let reply = browser.post_form(&[("csrf", &csrf), ("source", "kind:customers")], &[("file", "clientes.csv", file), ("mapping", "", b"")]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("Se importó clientes.csv"), "{}", reply.body);
    assert!(reply.body.contains("<th scope=\"row\">Clientes</th><td class=\"number\">1</td><td class=\"number\">0</td><td class=\"number\">1</td>"), "{}", reply.body);
    assert_eq!(site.count_rows("customer").await, 2);

    let english = site.sign_in("admin", "en").await;
    let csrf = english.csrf_token().await;
    let again = english.post_form(&[("csrf", &csrf), ("source", "kind:customers")], &[("file", "clientes.csv", file)]).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("clientes.csv held nothing new, so nothing was written"), "{}", again.body);
}
on_each_engine!(import_page_imports_a_good_file, good_file);

async fn rejected_file(site: Site) {
    let browser = site.sign_in("admin", "es").await;
    let csrf = browser.csrf_token().await;
    let documents: &[u8] = b"number,customer,issue_date,due_date,amount\nF-1,C-1,2024-02-30,2024-03-01,10.00\nF-2,C-1,2024-02-01,2024-03-01,diez\n";
    let before = site.count_rows("document").await;
    let reply = browser.post_form(&[("csrf", &csrf), ("source", "kind:documents")], &[("file", "facturas.csv", documents)]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("El archivo fue rechazado"), "{}", reply.body);
    assert!(reply.body.contains("No se guardó nada."), "{}", reply.body);
    for cell in ["<td>facturas.csv</td><td class=\"number\">2</td><td>3 (issue_date)</td><td>2024-02-30</td>", "<td>facturas.csv</td><td class=\"number\">3</td><td>5 (amount)</td><td>diez</td>"] {
        assert!(reply.body.contains(cell), "the error table has {cell}: {}", reply.body);
    }
    assert!(reply.body.contains("<option value=\"kind:documents\" selected>"), "the choice is kept");
    assert_eq!(site.count_rows("document").await, before, "nothing was written");

    // Form problems: no file, an unknown source, a mapping with a built-in profile.
    struct FormProblem<'a> {
        source: &'a str,
        files: &'a [FilePart<'a>],
        message: &'a str,
    }
    let problems = [
        FormProblem { source: "kind:documents", files: &[("file", "", b"")], message: "Elija el archivo que desea importar." },
        FormProblem { source: "kind:invoices", files: &[("file", "f.csv", documents)], message: "«invoices» no es una de las opciones." },
        FormProblem {
            source: "profile:ibm-ar",
            files: &[("file", "f.csv", documents), ("mapping", "m.toml", b"[columns]\nref = \"x\"\n")],
            message: "Un perfil de mapeo se usa con un tipo de registro",
        },
    ];
    for problem in problems {
        let reply = browser.post_form(&[("csrf", &csrf), ("source", problem.source)], problem.files).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", problem.message);
        assert!(reply.body.contains(problem.message), "{}: {}", problem.message, reply.body);
    }
    assert_eq!(site.count_rows("document").await, before, "nothing was written");
}
on_each_engine!(import_page_lists_row_errors, rejected_file);

/// A page in one language and what it must and must not contain.
struct LanguageCase<'a> {
    username: &'a str,
    language: &'static str,
    file: &'a [u8],
    expected: &'a [&'a str],
    absent: &'a [&'a str],
}

async fn row_errors_in_language(site: Site) {
    let unreadable: &[u8] = b"number,customer,issue_date,due_date,amount\nF-1,C-1,2024-02-30,2024-03-01,10.00\nF-2,C-1,2024-02-01,2024-03-01,diez\n";
    let unknown_customer: &[u8] = b"number,customer,issue_date,due_date,amount\nF-3,C-404,2024-02-01,2024-03-01,10.00\n";
    // The English text of the import, as the command line prints it.
    let command_line = ["invalid date for document.issue_date", "invalid amount for document.amount", "unknown customer", "(--kind customers)"];
    let cases = [
        LanguageCase {
            username: "admin",
            language: "es",
            file: unreadable,
            expected: &[
                "<td>Fecha no válida en document.issue_date.</td>",
                "<td>Se espera el formato %Y-%m-%d (por ejemplo, 2024-01-31) o AAAA-MM-DD. Corrija la celda o defina date_format en el perfil de mapeo.</td>",
                "<td>Importe no válido en document.amount.</td>",
                "Se espera un número con el separador decimal «.» y el separador de miles «,».",
            ],
            absent: &command_line,
        },
        LanguageCase {
            username: "gerente",
            language: "en",
            file: unreadable,
            expected: &[
                "<td>Invalid date for document.issue_date.</td>",
                "(for example 2024-01-31) or YYYY-MM-DD. Fix the cell or set date_format in the mapping profile.</td>",
                "<td>Invalid amount for document.amount.</td>",
                "the thousands separator ",
            ],
            absent: &["Fecha no válida", "Importe no válido"],
        },
        LanguageCase {
            username: "admin",
            language: "es",
            file: unknown_customer,
            expected: &["<td>No existe el cliente «C-404».</td>", "<td>Importe primero el cliente (tipo Clientes) o agréguelo al mismo archivo.</td>"],
            absent: &command_line,
        },
        LanguageCase {
            username: "gerente",
            language: "en",
            file: unknown_customer,
            expected: &["<td>Unknown customer ", "C-404", "<td>Import the customer first (kind Customers) or add it to the same file.</td>"],
            absent: &["No existe el cliente", "(--kind customers)"],
        },
    ];
    for case in cases {
        let browser = site.sign_in(case.username, case.language).await;
        let csrf = browser.csrf_token().await;
        let reply = browser.post_form(&[("csrf", &csrf), ("source", "kind:documents")], &[("file", "documents.csv", case.file)]).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
        for text in case.expected {
            assert!(reply.body.contains(text), "the {} page has {text:?}: {}", case.language, reply.body);
        }
        for text in case.absent {
            assert!(!reply.body.contains(text), "the {} page lacks {text:?}: {}", case.language, reply.body);
        }
        assert!(!reply.body.contains("{$"), "every message argument is filled in: {}", reply.body);
    }
}
on_each_engine!(import_page_words_row_errors_in_the_user_language, row_errors_in_language);

async fn csrf_required(site: Site) {
    let browser = site.sign_in("admin", "en").await;
    let file: &[u8] = b"ref,name\nC-9,Zeta\n";
    for texts in [vec![("source", "kind:customers")], vec![("csrf", "forged"), ("source", "kind:customers")]] {
        let reply = browser.post_form(&texts, &[("file", "c.csv", file)]).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{texts:?}");
    }
    assert_eq!(site.count_rows("customer").await, 1, "nothing was written");
}
on_each_engine!(import_page_checks_the_csrf_token, csrf_required);

async fn too_large(site: Site) {
    let browser = site.sign_in("admin", "en").await;
    let csrf = browser.csrf_token().await;
    let mut big = b"ref,name\n".to_vec();
    big.resize(recobro_web::imports::MAX_UPLOAD_BYTES + 1024, b'x');
    let reply = browser.post_form(&[("csrf", &csrf), ("source", "kind:customers")], &[("file", "big.csv", &big)]).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply.body.contains("The upload is larger than the limit of 64 MiB."), "{}", reply.body);
    assert_eq!(site.count_rows("customer").await, 1, "nothing was written");
}
on_each_engine!(import_page_limits_the_upload_size, too_large);
