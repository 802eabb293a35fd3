//! The pages in headless Chromium, driven through ChromeDriver, against
//! the application served on a loopback port with the IBM sample on
//! SQLite. Each test starts its own ChromeDriver and browser profile.
//!
//! The tests print a reason and pass when Chromium or ChromeDriver is
//! missing (Debian packages `chromium` and `chromium-driver`).

mod fixture;

use std::future::Future;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use recobro_store::Store;
use recobro_store::testing::TestDb;
use recobro_web::AppState;
use serde_json::json;

use fixture::{PASSWORD, PORTFOLIO};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A ChromeDriver process on a loopback port, stopped on drop.
struct ChromeDriver {
    process: Child,
    port: u16,
}

impl ChromeDriver {
    fn start() -> Self {
        let port = free_port();
        let process = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start chromedriver");
        let driver = Self { process, port };

        // ChromeDriver takes a moment to listen, so wait for its port, at
        // most about ten seconds.
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return driver;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("chromedriver did not listen on 127.0.0.1:{port}");
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // Child::kill signals this process by its id, never by name.
        self.process.kill().ok();
        self.process.wait().ok();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("local address").port()
}

/// Why the browser tests cannot run here, if they cannot.
fn missing_tools() -> Option<String> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER].into_iter().filter(|path| !Path::new(path).exists()).collect();
    (!missing.is_empty()).then(|| format!("skipped: {} not installed (Debian packages chromium and chromium-driver)", missing.join(" and ")))
}

/// Serves the application on a loopback port of this runtime. Returns
/// the base URL and the server task.
async fn serve(store: &Store) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let address = listener.local_addr().expect("local address");
    let app = recobro_web::router(AppState::new(store.clone(), false));
    let server = tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.expect("the server runs");
    });
    (format!("http://{address}"), server)
}

async fn open_browser(driver: &ChromeDriver, profile: &Path) -> Client {
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--lang=es",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": { "intl.accept_languages": "es" },
        }
    });
    let serde_json::Value::Object(capabilities) = capabilities else { unreachable!("a JSON object") };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector).capabilities(capabilities).connect(&driver.url()).await.expect("cannot open a ChromeDriver session")
}

/// Runs `scenario` with a browser and the base URL of the application,
/// then closes the browser and stops ChromeDriver and the server, also
/// when the scenario panics.
async fn in_browser<Scenario, Outcome>(scenario: Scenario)
where
    Scenario: FnOnce(Client, String) -> Outcome,
    Outcome: Future<Output = ()> + Send + 'static,
{
    in_browser_prepared(None, &[], scenario).await;
}

/// Runs `scenario` like [`in_browser`], after importing `documents`, a CSV
/// file of documents in the canonical columns, when it is set.
async fn in_browser_with_documents<Scenario, Outcome>(documents: Option<&str>, scenario: Scenario)
where
    Scenario: FnOnce(Client, String) -> Outcome,
    Outcome: Future<Output = ()> + Send + 'static,
{
    in_browser_prepared(documents, &[], scenario).await;
}

/// Runs `scenario` like [`in_browser`], after importing `documents` when
/// it is set and then executing each SQL statement of `statements`.
async fn in_browser_prepared<Scenario, Outcome>(documents: Option<&str>, statements: &[&str], scenario: Scenario)
where
    Scenario: FnOnce(Client, String) -> Outcome,
    Outcome: Future<Output = ()> + Send + 'static,
{
    if let Some(reason) = missing_tools() {
        eprintln!("{reason}");
        return;
    }
    let db = TestDb::sqlite();
    let store = db.open().await.expect("cannot open the test database");
    fixture::seed(&store).await;
    if let Some(documents) = documents {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("documents.csv");
        std::fs::write(&path, documents).expect("cannot write the documents");
        let profile = recobro_app::import::Profile::canonical(recobro_app::import::RecordKind::Document);
        recobro_app::import::import_file(&store, PORTFOLIO, &path, profile).await.expect("the documents import");
    }
    for statement in statements {
        sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).execute(store.pool()).await.expect("a preparing statement");
    }
    let (base, server) = serve(&store).await;
    let driver = ChromeDriver::start();
    let profile = tempfile::tempdir().expect("a profile folder");
    let client = open_browser(&driver, profile.path()).await;

    let outcome = tokio::spawn(scenario(client.clone(), base)).await;
    client.close().await.ok();
    drop(driver);
    server.abort();
    store.close().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// Signs in through the form and waits for the page of `next`.
async fn sign_in(client: &Client, base: &str, username: &str, next: &str) {
    client.goto(&format!("{base}/login?next={next}")).await.expect("the sign-in page");
    client.find(Locator::Id("username")).await.expect("username field").send_keys(username).await.expect("typing");
    client.find(Locator::Id("password")).await.expect("password field").send_keys(PASSWORD).await.expect("typing");
    client.find(Locator::Css("form button[type=submit]")).await.expect("sign-in button").click().await.expect("click");
    wait_for_path(client, next).await;
}

async fn wait_for_path(client: &Client, path: &str) {
    let current = client.current_url().await.expect("current URL");
    let expected = current.join(path).expect("a valid path");
    client.wait().for_url(&expected).await.unwrap_or_else(|error| panic!("the browser did not reach {path}: {error}"));
}

async fn text_of(client: &Client, css: &str) -> String {
    client.find(Locator::Css(css)).await.unwrap_or_else(|error| panic!("no element {css}: {error}")).text().await.expect("element text")
}

/// Takes a screenshot of the whole page into target/screenshots/.
async fn screenshot(client: &Client, name: &str) -> PathBuf {
    // The window is the page's height plus what the window adds around
    // the viewport, so that the screenshot contains the whole page.
    let script = "return document.documentElement.scrollHeight + window.outerHeight - window.innerHeight;";
    let height = client.execute(script, vec![]).await.expect("page height");
    let height = height.as_u64().expect("a height in pixels").clamp(600, 6000) as u32;
    client.set_window_size(1280, height).await.expect("window resize");

    let folder = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("screenshots");
    std::fs::create_dir_all(&folder).expect("cannot create the screenshot folder");
    let path = folder.join(format!("{name}.png"));
    let png = client.screenshot().await.expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is a PNG");
    std::fs::write(&path, png).expect("cannot write the screenshot");
    path
}

/// Reads the labels of the aging chart's amount axis, as Chart.js drew
/// them.
async fn aging_axis_labels(client: &Client) -> Vec<String> {
    let script = "const chart = window.Chart.getChart(document.getElementById('aging-chart'));
        return chart.scales.y.ticks.map((tick) => tick.label);";
    let labels = client.execute(script, vec![]).await.expect("axis labels");
    serde_json::from_value(labels).expect("a list of labels")
}

async fn press(client: &Client, key: Key) {
    let actions = KeyActions::new("keyboard".to_string()).then(KeyAction::Down { value: key.into() }).then(KeyAction::Up { value: key.into() });
    client.perform_actions(actions).await.expect("key press");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manager_dashboard() {
    in_browser(|client, base| async move {
        let dashboard = format!("/p/{PORTFOLIO}");
        sign_in(&client, &base, "gerente", &dashboard).await;

        assert_eq!(text_of(&client, "h1").await, "IBM accounts-receivable sample");
        assert_eq!(text_of(&client, "#figure-total").await, "5.119,85");
        assert_eq!(text_of(&client, "#figure-overdue").await, "835,56");
        assert_eq!(text_of(&client, "#figure-problem").await, "0");

        // Chart.js drew the aging chart: the canvas has a chart and painted
        // pixels.
        let script = "const canvas = document.getElementById('aging-chart');
            if (!window.Chart || !window.Chart.getChart(canvas)) { return -1; }
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { painted += 1; } }
            return painted;";
        let painted = client.execute(script, vec![]).await.expect("chart check").as_i64().expect("a count");
        assert!(painted > 0, "the aging chart is drawn ({painted} painted pixels; -1 means no chart)");
        let size = client.find(Locator::Id("aging-chart")).await.expect("canvas").rectangle().await.expect("canvas box");
        assert!(size.2 > 300.0, "the chart is wide: {size:?}");
        assert!(size.3 > 100.0, "the chart is tall: {size:?}");

        // The axis follows the page's language: Spanish numbers of four
        // digits have no group separator, and a comma would be English.
        let labels = aging_axis_labels(&client).await;
        assert!(labels.contains(&"4000".to_string()), "{labels:?}");
        assert!(labels.iter().all(|label| !label.contains(',')), "{labels:?}");

        let path = screenshot(&client, "dashboard").await;
        eprintln!("dashboard screenshot: {}", path.display());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collector_logs_promise() {
    in_browser(|client, base| async move {
        let worklist = format!("/p/{PORTFOLIO}/worklist");
        sign_in(&client, &base, "ana", &worklist).await;

        let customer = format!("/p/{PORTFOLIO}/customers/7209-MDWKR");
        client.find(Locator::Css(&format!("#worklist a[href='{customer}']"))).await.expect("the customer in the worklist").click().await.expect("click");
        wait_for_path(&client, &customer).await;
        assert!(text_of(&client, "h1").await.contains("7209-MDWKR"));

        client.find(Locator::Css("a.button")).await.expect("the log action button").click().await.expect("click");
        client.wait().for_element(Locator::Id("action-form")).await.expect("the action form");
        assert_eq!(client.find(Locator::Id("kind")).await.expect("kind").prop("value").await.expect("value").as_deref(), Some("call"), "a call by default");
        client.find(Locator::Id("outcome")).await.expect("outcome").select_by_value("promise_to_pay").await.expect("select");
        client.find(Locator::Id("promise_amount")).await.expect("amount").send_keys("150,00").await.expect("typing");
        // A date input takes keys in the browser's display format. Setting
        // its value takes the ISO date that the form submits.
        client.execute("document.getElementById('promise_on').value = '2013-07-15';", vec![]).await.expect("date");
        client.find(Locator::Id("notes")).await.expect("notes").send_keys("Paga el lunes por transferencia.").await.expect("typing");
        client.find(Locator::Css("#action-form button[type=submit]")).await.expect("save").click().await.expect("click");

        wait_for_path(&client, &customer).await;
        let timeline = text_of(&client, "#action-timeline").await;
        assert!(timeline.contains("30/06/2013 · Llamada · Promesa de pago · ana"), "{timeline}");
        assert!(timeline.contains("Promesa de pago: 150,00 USD · 15/07/2013"), "{timeline}");
        assert!(timeline.contains("Paga el lunes por transferencia."), "{timeline}");

        let path = screenshot(&client, "customer").await;
        eprintln!("customer screenshot: {}", path.display());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_switch() {
    in_browser(|client, base| async move {
        let dashboard = format!("/p/{PORTFOLIO}");
        sign_in(&client, &base, "consulta", &dashboard).await;
        assert_eq!(text_of(&client, "nav a[aria-current=page]").await, "Tablero");
        assert_eq!(text_of(&client, "section.panel h2").await, "Reporte de antigüedad de saldos");

        client.find(Locator::Id("language-select")).await.expect("language menu").select_by_value("en").await.expect("select");
        client.find(Locator::Css("form[action='/language'] button")).await.expect("change button").click().await.expect("click");
        client.wait().for_element(Locator::Css("html[lang=en]")).await.expect("an English page");

        assert_eq!(client.current_url().await.expect("URL").path(), dashboard, "the switch stays on the page");
        assert_eq!(text_of(&client, "nav a[aria-current=page]").await, "Dashboard");
        assert_eq!(text_of(&client, "section.panel h2").await, "Aging report");
        assert_eq!(text_of(&client, "#figure-total").await, "5,119.85");
        let labels = aging_axis_labels(&client).await;
        assert!(labels.contains(&"4,000".to_string()), "the chart's axis in English: {labels:?}");
    })
    .await;
}

/// Gives each of ana's open cases 112 more open tasks (four kinds on 28
/// stage entry days), so that her worklist needs more than one page of 100.
const MORE_TASKS: &str = "INSERT INTO task (portfolio_id, case_id, customer_id, stage, stage_entered_on, kind, channel, due_on, assigned_to, status, created_on, owner) \
     SELECT k.portfolio_id, k.id, k.customer_id, 'extra', '2013-05-' || days.d, kinds.kind, NULL, '2013-06-01', 'ana', 'open', '2013-06-01', 'collector' \
     FROM collection_case k JOIN customer c ON c.id = k.customer_id \
     CROSS JOIN (SELECT 'call' AS kind UNION ALL SELECT 'visit' UNION ALL SELECT 'formal_notice' UNION ALL SELECT 'demand_letter_draft') kinds \
     CROSS JOIN (SELECT '01' AS d UNION ALL SELECT '02' UNION ALL SELECT '03' UNION ALL SELECT '04' UNION ALL SELECT '05' UNION ALL SELECT '06' UNION ALL SELECT '07' UNION ALL SELECT '08' UNION ALL SELECT '09' UNION ALL SELECT '10' UNION ALL SELECT '11' UNION ALL SELECT '12' UNION ALL SELECT '13' UNION ALL SELECT '14' UNION ALL SELECT '15' UNION ALL SELECT '16' UNION ALL SELECT '17' UNION ALL SELECT '18' UNION ALL SELECT '19' UNION ALL SELECT '20' UNION ALL SELECT '21' UNION ALL SELECT '22' UNION ALL SELECT '23' UNION ALL SELECT '24' UNION ALL SELECT '25' UNION ALL SELECT '26' UNION ALL SELECT '27' UNION ALL SELECT '28') days \
     WHERE k.status = 'open' AND c.collector = 'ana'";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collector_worklist_pages() {
    in_browser_prepared(None, &[MORE_TASKS], |client, base| async move {
        let worklist = format!("/p/{PORTFOLIO}/worklist");
        sign_in(&client, &base, "ana", &worklist).await;
        let rows = client.find_all(Locator::Css("#worklist tbody tr")).await.expect("worklist rows");
        assert_eq!(rows.len(), 100, "the first page shows 100 tasks");
        assert!(client.find_all(Locator::Css("a[rel=prev]")).await.expect("links").is_empty(), "no previous page on the first");
        let summary = text_of(&client, "p.as-of").await;

        client.find(Locator::Css("a[rel=next]")).await.expect("the next page link").click().await.expect("click");
        client.wait().for_element(Locator::Css("a[rel=prev]")).await.expect("the previous page link");
        let url = client.current_url().await.expect("url");
        assert!(url.as_str().contains("page=2"), "{url}");
        let second = client.find_all(Locator::Css("#worklist tbody tr")).await.expect("worklist rows");
        assert!(!second.is_empty(), "the second page has the rest");
        assert_eq!(text_of(&client, "p.as-of").await, summary, "the total stays the same on every page");
        let first_customer_on_page_two = text_of(&client, "#worklist tbody tr").await;
        assert!(!first_customer_on_page_two.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collector_forbidden_page() {
    in_browser(|client, base| async move {
        sign_in(&client, &base, "ana", &format!("/p/{PORTFOLIO}/worklist")).await;
        // 0783-PEPYR is luis's customer.
        client.goto(&format!("{base}/p/{PORTFOLIO}/customers/0783-PEPYR")).await.expect("navigation");
        assert_eq!(text_of(&client, "h1").await, "Algo salió mal (403)");
        assert_eq!(text_of(&client, "[role=alert]").await, "No tiene permiso para ver o cambiar esto.");
        let source = client.source().await.expect("page source");
        assert!(!source.contains("0783-PEPYR"), "nothing of the customer is shown");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_link_first_tab() {
    in_browser(|client, base| async move {
        sign_in(&client, &base, "ana", &format!("/p/{PORTFOLIO}/worklist")).await;

        press(&client, Key::Tab).await;
        let focused = client.active_element().await.expect("a focused element");
        assert_eq!(focused.attr("class").await.expect("class").as_deref(), Some("skip-link"), "the first Tab stop");
        assert_eq!(focused.text().await.expect("text"), "Ir al contenido");
        // The skip link sits off screen until it has the focus.
        let (x, y, width, height) = focused.rectangle().await.expect("its box");
        assert!(x >= 0.0, "the focused skip link is on screen: x = {x}");
        assert!(y >= 0.0, "the focused skip link is on screen: y = {y}");
        assert!(width > 0.0, "the focused skip link has a width");
        assert!(height > 0.0, "the focused skip link has a height");

        press(&client, Key::Enter).await;
        let focused = client.active_element().await.expect("a focused element");
        assert_eq!(focused.attr("id").await.expect("id").as_deref(), Some("main"), "the skip link moves focus to the content");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manager_edits_policy() {
    in_browser(|client, base| async move {
        let policy = format!("/p/{PORTFOLIO}/policy");
        sign_in(&client, &base, "gerente", &policy).await;
        let text = client.find(Locator::Id("policy-text")).await.expect("the policy text").prop("value").await.expect("value").unwrap_or_default();
        assert!(text.contains("min_days_past_due = 31"), "{text}");

        // Reminders from 20 days instead of 31: the simulation shows the
        // comparison, then the policy is saved from the day after the run.
        let edited = text.replace("min_days_past_due = 31", "min_days_past_due = 20");
        client.execute("document.getElementById('policy-text').value = arguments[0];", vec![serde_json::Value::String(edited.clone())]).await.expect("set the text");
        client.find(Locator::Css("button[value=simulate]")).await.expect("simulate").click().await.expect("click");
        client.wait().for_element(Locator::Id("policy-simulation")).await.expect("the comparison table");
        let comparison = text_of(&client, "#policy-simulation").await;
        assert!(comparison.contains("Segundo recordatorio"), "{comparison}");

        client.execute("document.getElementById('effective').value = '2013-07-01';", vec![]).await.expect("date");
        client.find(Locator::Css("button[value=save]")).await.expect("save").click().await.expect("click");
        client.wait().for_element(Locator::Css("p.notice")).await.expect("the saved notice");
        let versions = text_of(&client, "#versions-heading + table").await;
        assert!(versions.contains("01/07/2013") && versions.contains("gerente"), "{versions}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manager_reassigns_customers() {
    in_browser(|client, base| async move {
        let team = format!("/p/{PORTFOLIO}/team");
        sign_in(&client, &base, "gerente", &team).await;
        let before = text_of(&client, "#workloads").await;
        assert!(before.contains("ana"), "{before}");

        client.find(Locator::Id("from")).await.expect("from").select_by_value("ana").await.expect("select");
        client.find(Locator::Id("move-to")).await.expect("to").select_by_value("luis").await.expect("select");
        client.find(Locator::Css("#move-form button[type=submit]")).await.expect("move").click().await.expect("click");
        client.wait().for_element(Locator::Css("p.notice")).await.expect("the moved notice");

        let after = text_of(&client, "#workloads").await;
        assert!(!after.contains("ana"), "ana has no customers left: {after}");
        let notice = text_of(&client, "p.notice").await;
        assert!(notice.contains("Se asignaron"), "{notice}");
    })
    .await;
}

/// Open invoices of ana's customer 7209-MDWKR. Every document of the IBM
/// sample is paid by the end of the file, so without them there is no
/// balance to negotiate.
const OPEN_INVOICES: &str = "number,customer,issue_date,due_date,amount\n\
NEG-1,7209-MDWKR,2013-05-16,2013-06-15,1000.00\n\
NEG-2,7209-MDWKR,2013-06-15,2013-07-15,500.00\n";

/// Replaces the text of an input.
async fn type_into(client: &Client, id: &str, text: &str) {
    let field = client.find(Locator::Id(id)).await.unwrap_or_else(|error| panic!("no field {id}: {error}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("typing");
}

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap_or_else(|error| panic!("no element {css}: {error}")).click().await.expect("click");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_and_offer_approvals() {
    in_browser_with_documents(Some(OPEN_INVOICES), |client, base| async move {
        // ana proposes a plan beyond her limits: 12 installments, no down payment.
        let customer = format!("/p/{PORTFOLIO}/customers/7209-MDWKR");
        sign_in(&client, &base, "ana", &customer).await;
        click(&client, "#propose-plan").await;
        client.wait().for_element(Locator::Id("plan-form")).await.expect("the plan form");
        type_into(&client, "installments", "12").await;
        click(&client, "#plan-preview-button").await;
        client.wait().for_element(Locator::Id("plan-preview")).await.expect("the preview");
        let breaches = text_of(&client, "#preview-breaches").await;
        assert!(breaches.contains("12 cuotas"), "{breaches}");
        assert_eq!(text_of(&client, "#preview-required-role").await, "gerente de cobranza");
        click(&client, "#plan-propose-button").await;
        client.wait().for_element(Locator::Id("plan-status")).await.expect("the plan page");
        assert_eq!(text_of(&client, "#plan-status").await, "Propuesto");
        assert!(client.find(Locator::Id("decision-form")).await.is_err(), "a collector cannot decide");

        // ...and a settlement offer that waives 80% of the interest, beyond
        // a collector's 50%.
        client.goto(&format!("{base}{customer}")).await.expect("the customer page");
        click(&client, "#make-offer").await;
        client.wait().for_element(Locator::Id("settlement-form")).await.expect("the offer form");
        type_into(&client, "interest_owed", "200,00").await;
        type_into(&client, "waiver", "80 %").await;
        click(&client, "#settlement-submit").await;
        client.wait().for_element(Locator::Id("offer-status")).await.expect("the offer page");
        assert_eq!(text_of(&client, "#offer-status").await, "Pendiente de aprobación");
        assert_eq!(text_of(&client, "#offer-waiver").await, "160,00");

        // The manager approves the plan and rejects the offer with a reason.
        client.delete_all_cookies().await.expect("sign out");
        let approvals = format!("/p/{PORTFOLIO}/approvals");
        sign_in(&client, &base, "gerente", &approvals).await;
        assert_eq!(text_of(&client, "#nav-approvals").await, "Aprobaciones (2)");
        click(&client, "#pending-plans a").await;
        client.wait().for_element(Locator::Id("decision-form")).await.expect("the decision form");
        click(&client, "#approve-button").await;
        client.wait().for_element(Locator::Css("p.notice")).await.expect("the approved notice");
        assert_eq!(text_of(&client, "#plan-status").await, "Vigente");

        client.goto(&format!("{base}{approvals}")).await.expect("the approvals page");
        click(&client, "#pending-offers a").await;
        client.wait().for_element(Locator::Id("decision-form")).await.expect("the decision form");
        type_into(&client, "reason", "Puede pagar el total en 30 días.").await;
        click(&client, "#reject-button").await;
        client.wait().for_element(Locator::Css("p.notice")).await.expect("the rejected notice");
        assert_eq!(text_of(&client, "#offer-status").await, "Rechazado");
        assert_eq!(text_of(&client, "#offer-decision-reason").await, "Puede pagar el total en 30 días.");

        client.goto(&format!("{base}{approvals}")).await.expect("the approvals page");
        assert_eq!(text_of(&client, "#nav-approvals").await, "Aprobaciones (0)");
        client.find(Locator::Id("approvals-none")).await.expect("nothing left to decide");

        // The customer page lists both with their statuses.
        client.goto(&format!("{base}{customer}")).await.expect("the customer page");
        let negotiations = text_of(&client, "#customer-negotiations").await;
        assert!(negotiations.contains("Vigente"), "the plan is active: {negotiations}");
        assert!(negotiations.contains("Rechazado"), "the offer is rejected: {negotiations}");
        let path = screenshot(&client, "negotiation").await;
        eprintln!("negotiation screenshot: {}", path.display());
    })
    .await;
}

/// Runs `scenario` like [`in_browser`], after `setup` prepared the seeded
/// store. The scenario gets the store too, to change it between pages.
async fn in_browser_with_store<Setup, SetupOutcome, Scenario, Outcome>(setup: Setup, scenario: Scenario)
where
    Setup: FnOnce(Store) -> SetupOutcome,
    SetupOutcome: Future<Output = ()>,
    Scenario: FnOnce(Client, String, Store) -> Outcome,
    Outcome: Future<Output = ()> + Send + 'static,
{
    if let Some(reason) = missing_tools() {
        eprintln!("{reason}");
        return;
    }
    let db = TestDb::sqlite();
    let store = db.open().await.expect("cannot open the test database");
    fixture::seed(&store).await;
    setup(store.clone()).await;
    let (base, server) = serve(&store).await;
    let driver = ChromeDriver::start();
    let profile = tempfile::tempdir().expect("a profile folder");
    let client = open_browser(&driver, profile.path()).await;

    let outcome = tokio::spawn(scenario(client.clone(), base, store.clone())).await;
    client.close().await.ok();
    drop(driver);
    server.abort();
    store.close().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_check_ten_questions() {
    in_browser(|client, base| async move {
        let health = format!("/p/{PORTFOLIO}/health");
        sign_in(&client, &base, "gerente", &format!("/p/{PORTFOLIO}")).await;
        click(&client, "#nav-health").await;
        wait_for_path(&client, &health).await;
        let rows = client.find_all(Locator::Css("#health-questions tbody tr")).await.expect("the questions");
        assert_eq!(rows.len(), 10, "ten questions");
        let statuses = client.find_all(Locator::Css("#health-questions .health-status")).await.expect("the statuses");
        assert_eq!(statuses.len(), 10, "one status per question");
        for status in statuses {
            let class = status.attr("class").await.expect("a class").unwrap_or_default();
            assert!(["status-ok", "status-warning", "status-missing"].iter().any(|name| class.contains(name)), "{class}");
        }
        let law_firm = text_of(&client, "#health-law_firm").await;
        assert!(law_firm.contains("¿Hay un estudio jurídico elegido"), "{law_firm}");
        click(&client, "#health-law_firm a").await;
        wait_for_path(&client, &format!("/p/{PORTFOLIO}/legal")).await;
    })
    .await;
}

/// Makes ana's customer 7209-MDWKR 150 days past due on the run date.
const OLD_INVOICE: &str = "number,customer,issue_date,due_date,amount\nLEG-1,7209-MDWKR,2012-12-01,2013-01-31,2000.00\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manager_approves_transfer() {
    let setup = |store: Store| async move {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("old-invoice.csv");
        std::fs::write(&path, OLD_INVOICE).expect("cannot write the invoice");
        let profile = recobro_app::import::Profile::canonical(recobro_app::import::RecordKind::Document);
        recobro_app::import::import_file(&store, PORTFOLIO, &path, profile).await.expect("the invoice imports");
        let contract = recobro_app::files::Upload {
            customer_ref: "7209-MDWKR",
            kind: "contract",
            file_name: "contrato.pdf",
            content: b"%PDF-1.7 contrato",
            issued_on: None,
            expires_on: None,
            note: None,
        };
        recobro_app::files::upload(&store, PORTFOLIO, &contract, 1024, "gerente").await.expect("the contract uploads");
        let firm = recobro_app::legal::FirmInput { code: "perez".into(), name: "Pérez Abogados".into(), contingency_percent: "15".into(), active: true, ..Default::default() };
        recobro_app::legal::save_firm(&store, &firm, "admin").await.expect("the firm saves");
    };
    in_browser_with_store(setup, |client, base, store| async move {
        // The manager uploads the signed promissory note through the form.
        let customer = format!("/p/{PORTFOLIO}/customers/7209-MDWKR");
        sign_in(&client, &base, "gerente", &customer).await;
        let folder = tempfile::tempdir().expect("a temporary folder");
        let note = folder.path().join("pagare.pdf");
        std::fs::write(&note, b"%PDF-1.7 pagare firmado").expect("cannot write the note");
        client.find(Locator::Id("file-kind")).await.expect("the kind menu").select_by_value("promissory_note").await.expect("a kind");
        client.find(Locator::Id("file-input")).await.expect("the file input").send_keys(&note.display().to_string()).await.expect("the file");
        click(&client, "#file-upload").await;
        client.wait().for_element(Locator::Id("file-list")).await.expect("the file list");
        let files = text_of(&client, "#file-list").await;
        assert!(files.contains("pagare.pdf"), "{files}");
        assert!(text_of(&client, "#checklist-legal").await.contains("Completo y vigente"));

        // The next run proposes the transfer, and the manager approves it
        // with the firm.
        recobro_app::run::run_daily(&store, PORTFOLIO, fixture::as_of()).await.expect("the daily run succeeds");
        client.goto(&format!("{base}/p/{PORTFOLIO}/legal")).await.expect("the legal page");
        let proposals = text_of(&client, "#legal-proposals").await;
        assert!(proposals.contains("7209-MDWKR"), "{proposals}");
        client.find(Locator::Css("#legal-proposals .approve-form select")).await.expect("the firm menu").select_by_value("perez").await.expect("a firm");
        click(&client, "#legal-proposals .approve-form button").await;
        client.wait().for_element(Locator::Id("packet-link")).await.expect("the referral page");
        assert_eq!(text_of(&client, "#referral-status").await, "Preparado");
        assert_eq!(text_of(&client, "#referral-firm").await, "Pérez Abogados");

        // The packet link downloads the ZIP with the browser session's
        // cookies, copied by hand: through fantoccini 0.22's
        // raw_client_for the request arrived without the session cookie
        // and was sent to the sign-in page.
        let href = client.find(Locator::Id("packet-link")).await.expect("the link").attr("href").await.expect("an href").expect("a link target");
        let cookies = client.get_all_cookies().await.expect("the session cookies");
        let cookie_header = cookies.iter().map(|cookie| format!("{}={}", cookie.name(), cookie.value())).collect::<Vec<_>>().join("; ");
        let http = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http::<axum::body::Body>();
        let request = axum::http::Request::get(format!("{base}{href}")).header("cookie", cookie_header).body(axum::body::Body::empty()).expect("a valid request");
        let response = http.request(request).await.expect("the download");
        assert_eq!(response.status(), 200);
        let header = |name: &str| response.headers().get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_string();
        assert_eq!(header("content-type"), "application/zip");
        let disposition = header("content-disposition");
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(disposition.contains("7209-MDWKR.zip"), "{disposition}");
        let bytes = axum::body::to_bytes(axum::body::Body::new(response.into_body()), usize::MAX).await.expect("the archive");
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a ZIP archive");
        let names: Vec<String> = archive.file_names().map(|name| name.expect("a UTF-8 entry name").to_string()).collect();
        assert!(names.iter().any(|name| name.ends_with("-promissory_note-pagare.pdf")), "{names:?}");
        assert!(names.iter().any(|name| name.ends_with("/action-history.csv")), "{names:?}");
        assert!(names.iter().any(|name| name.ends_with("/statement-2013-06-30.pdf")), "{names:?}");
        let path = screenshot(&client, "legal-referral").await;
        eprintln!("legal referral screenshot: {}", path.display());
    })
    .await;
}
