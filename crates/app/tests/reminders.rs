//! Reminder emails through a real SMTP server process: Python's `smtpd`
//! debugging server on a loopback port prints every message it receives.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{create_portfolio, date, open_store};
use recobro_app::import::{Profile, RecordKind, import_file};
use recobro_app::reminders::{Delivery, MailSettings, send_reminders};
use recobro_app::run::run_daily;
use recobro_store::Store;

/// A Python SMTP server on 127.0.0.1 that collects what it prints.
struct SmtpServer {
    child: Child,
    port: u16,
    output: Arc<Mutex<String>>,
}

impl SmtpServer {
    /// Starts the server, or returns `None` (with the reason printed) when
    /// Python has no `smtpd` module.
    fn start() -> Option<Self> {
        let available = Command::new("python3").args(["-c", "import smtpd"]).stderr(Stdio::null()).status().is_ok_and(|status| status.success());
        if !available {
            eprintln!("skipped: python3 with the smtpd module (Python 3.11 or older) is needed for the SMTP tests");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = Command::new("python3")
            .args(["-u", "-W", "ignore", "-m", "smtpd", "-n", "-c", "DebuggingServer", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start python3 -m smtpd");

        let output = Arc::new(Mutex::new(String::new()));
        let stdout = child.stdout.take().unwrap();
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let mut text = sink.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });

        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(10), "the SMTP server did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(Self { child, port, output })
    }

    /// What the server printed so far, after giving it a moment to flush.
    fn received(&self) -> String {
        std::thread::sleep(Duration::from_millis(300));
        self.output.lock().unwrap().clone()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

async fn import(store: &Store, folder: &Path, kind: RecordKind, name: &str, text: &str) {
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    import_file(store, "p", &path, Profile::canonical(kind)).await.unwrap();
}

/// Customers: ES (Spanish, overdue), EN (English, overdue), DISP (only a
/// disputed invoice), PAID (paid before the reminder goes out) and NOMAIL.
async fn seed(store: &Store, folder: &Path) {
    create_portfolio(store, "p", "USD").await;
    import(
        store,
        folder,
        RecordKind::Customer,
        "customers.csv",
        "ref,name,email,language,preferred_channel\nES,Ferretería Sur,pagos@sur.example,es,email\nEN,Northwind Ltd,ap@northwind.example,en,email\nDISP,Disputa SA,cxp@disputa.example,es,email\nPAID,Pagadora SA,cxp@pagadora.example,es,email\nNOMAIL,Sin Correo SA,,es,email\n",
    )
    .await;
    import(
        store,
        folder,
        RecordKind::Document,
        "documents.csv",
        "number,customer,issue_date,due_date,amount\nF-1,ES,2024-01-01,2024-01-31,1234.56\nF-2,EN,2024-01-01,2024-01-31,500.00\nF-3,DISP,2024-01-01,2024-01-31,75.00\nF-4,PAID,2024-01-01,2024-01-31,80.00\nF-5,NOMAIL,2024-01-01,2024-01-31,90.00\n",
    )
    .await;
    import(store, folder, RecordKind::Dispute, "disputes.csv", "document,opened_on,reason\nF-3,2024-02-05,price\n").await;
}

async fn reminders_scenario(url: String) {
    let Some(server) = SmtpServer::start() else { return };
    let store = open_store(&url).await;
    let folder = tempfile::tempdir().unwrap();
    seed(&store, folder.path()).await;
    run_daily(&store, "p", date("2024-02-10")).await.unwrap();
    import(&store, folder.path(), RecordKind::Payment, "payments.csv", "ref,customer,paid_on,amount,document\nP-4,PAID,2024-02-11,80.00,F-4\n").await;

    let settings = MailSettings {
        delivery: Delivery::smtp_from_url(&format!("smtp://127.0.0.1:{}", server.port)).unwrap(),
        sender: "Cobranza Acme <cobranza@acme.example>".into(),
        template_dir: None,
    };
    let first = send_reminders(&store, "p", date("2024-02-12"), &settings).await.unwrap();
    let received = server.received();

    assert_eq!(first.sent, 2, "{first:?}");
    assert_eq!(first.without_email, 1, "{first:?}");
    assert_eq!(first.nothing_due, 1, "PAID has nothing due: {first:?}");
    assert_eq!(first.failed, 0, "{first:?}");
    assert!(received.contains("To: pagos@sur.example"), "{received}");
    assert!(received.contains("Subject: Recordatorio de pago de p"), "{received}");
    assert!(received.contains("Factura F-1, vencida el 31/01/2024, 12 d"), "{received}");
    assert!(received.contains("1.234,56 USD"), "{received}");
    assert!(received.contains("To: ap@northwind.example"), "{received}");
    assert!(received.contains("Subject: Payment reminder from p"), "{received}");
    assert!(received.contains("500.00 USD"), "{received}");
    assert!(!received.contains("disputa.example"), "a disputed invoice gets no reminder: {received}");
    assert!(!received.contains("pagadora.example"), "a paid invoice gets no reminder: {received}");

    let second = send_reminders(&store, "p", date("2024-02-12"), &settings).await.unwrap();
    assert_eq!(second.sent, 0, "a rerun sends nothing twice: {second:?}");
    assert_eq!(server.received().matches("MESSAGE FOLLOWS").count(), 2, "the server received exactly two messages");

    let logged = sqlx::query("SELECT status, server_response FROM email_log ORDER BY id").fetch_all(store.pool()).await.unwrap();
    assert_eq!(logged.len(), 2);
    for row in &logged {
        use sqlx::Row;
        assert_eq!(row.try_get::<String, _>("status").unwrap(), "sent");
        let answer: String = row.try_get("server_response").unwrap();
        assert!(answer.starts_with("250"), "the log keeps the server's answer: {answer}");
    }
    store.close().await;
}

async fn dry_run_scenario(url: String) {
    let store = open_store(&url).await;
    let folder = tempfile::tempdir().unwrap();
    seed(&store, folder.path()).await;
    run_daily(&store, "p", date("2024-02-10")).await.unwrap();

    let out = folder.path().join("outbox");
    let settings = MailSettings { delivery: Delivery::Folder(out.clone()), sender: "cobranza@acme.example".into(), template_dir: None };
    let summary = send_reminders(&store, "p", date("2024-02-10"), &settings).await.unwrap();

    assert_eq!(summary.written, 3, "ES, EN and PAID, unpaid on the 10th: {summary:?}");
    let files: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(files.len(), 3);
    let logged = common::count_rows(&store, "email_log").await;
    assert_eq!(logged, 0, "a dry run writes nothing to the database");
    let again = send_reminders(&store, "p", date("2024-02-10"), &settings).await.unwrap();
    assert_eq!(again.written, 3, "a dry run leaves the tasks open");
    store.close().await;
}

test_on_each_engine!(smtp_delivery, reminders_scenario);
test_on_each_engine!(dry_run, dry_run_scenario);
