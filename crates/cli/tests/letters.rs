//! `recobro letters` through the built binary. A batch of demand letters in
//! Spanish and English is read back with pdftotext. The tests also cover
//! regeneration on the same day, approved letters kept, the email dry run
//! and real sending with the PDF attached, printing, and a snapshot
//! portfolio.

#[macro_use]
mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};

use common::{add_portfolio, import_ok, path_text, recobro, recobro_ok, stderr, write_file};
use serde_json::Value;

const AS_OF: &str = "2024-06-30";

/// C1 (Spanish, with email) owes F-1 of 1,234.56 due 2024-01-31 (151 days
/// past due) and F-2 of 500.00 due 2024-05-31. C2 (English, no email) owes
/// F-3 of 2,000.00 due 2024-02-15. C3 is only 10 days past due, so it is in
/// the reminder stage and gets no demand letter. Late interest is 10 % a
/// year, and the two users are a manager and a collector.
fn seed(url: &str, folder: &Path) {
    add_portfolio(url);
    import_ok(
        url,
        "customers",
        &write_file(folder, "customers.csv", "ref,name,language,email\nC1,Ferretería Núñez,es,pagos@nunez.example\nC2,Acme Hardware,en,\nC3,Al Día SA,es,\n"),
    );
    import_ok(
        url,
        "documents",
        &write_file(
            folder,
            "documents.csv",
            "number,customer,issue_date,due_date,amount\nF-1,C1,2024-01-01,2024-01-31,1234.56\nF-2,C1,2024-02-01,2024-05-31,500.00\nF-3,C2,2024-01-01,2024-02-15,2000.00\nF-4,C3,2024-06-01,2024-06-20,10.00\n",
        ),
    );
    recobro_ok(url, &["interest", "rule", "set", "--portfolio", "p", "--rate", "10", "--effective", "2024-01-01"]);
    recobro_ok(url, &["run", "--portfolio", "p", "--as-of", AS_OF]);
    for (username, role) in [("gerente", "manager"), ("ana", "collector")] {
        let mut child = common::recobro_command(url, &["user", "add", "--username", username, "--role", role])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("recobro starts");
        child.stdin.take().unwrap().write_all(b"a-long-test-password\n").unwrap();
        assert!(child.wait().unwrap().success(), "user add {username}");
    }
}

/// Extracts the text of a PDF with pdftotext, white space collapsed.
fn pdf_text(path: &Path) -> String {
    let output = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext is missing: install the Debian package poppler-utils (apt-get install -y poppler-utils)");
    assert!(output.status.success(), "pdftotext failed on {}", path.display());
    String::from_utf8(output.stdout).unwrap().replace('\u{a0}', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn generate(url: &str, language: &str, output: &Path) -> String {
    recobro_ok(url, &["letters", "generate", "--portfolio", "p", "--as-of", AS_OF, "--stage", "demand", "--language", language, "--output", path_text(output)])
}

fn letters_json(url: &str) -> Vec<Value> {
    let text = recobro_ok(url, &["letters", "list", "--portfolio", "p", "--format", "json"]);
    let json: Value = serde_json::from_str(&text).unwrap_or_else(|error| panic!("letters list is not JSON ({error}): {text}"));
    json.as_array().expect("a JSON array").clone()
}

fn letter_of<'a>(letters: &'a [Value], customer: &str) -> &'a Value {
    letters.iter().find(|letter| letter["customer_ref"] == customer).unwrap_or_else(|| panic!("no letter for {customer} in {letters:?}"))
}

fn file_names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

async fn demand_batch_languages(url: String) {
    let folder = tempfile::tempdir().unwrap();
    seed(&url, folder.path());

    let spanish = folder.path().join("es");
    let summary = generate(&url, "es", &spanish);
    assert!(summary.contains("2 demand letters of portfolio p as of 2024-06-30"), "{summary}");
    assert_eq!(file_names(&spanish), vec!["C1.pdf", "C2.pdf"], "C3 is in the reminder stage");

    // 1,234.56 for 151 days and 500.00 for 30 days at 10 %/365: 51.07 and 4.11.
    let text = pdf_text(&spanish.join("C1.pdf"));
    assert!(text.contains("Ferretería Núñez"), "customer name missing: {text}");
    assert!(text.contains("1.234,56"), "Spanish amount missing: {text}");
    assert!(text.contains("51,07"), "interest missing: {text}");
    assert!(text.contains("USD 1.789,74"), "total missing: {text}");
    assert!(text.contains("31/01/2024"), "due date missing: {text}");
    assert!(text.contains("a más tardar el 10/07/2024"), "pay-by date missing: {text}");
    assert!(text.contains("151"), "days past due missing: {text}");

    let english = folder.path().join("en");
    generate(&url, "en", &english);
    let text = pdf_text(&english.join("C1.pdf"));
    assert!(text.contains("Ferretería Núñez"), "customer name missing: {text}");
    assert!(text.contains("1,234.56"), "English amount missing: {text}");
    assert!(text.contains("USD 1,789.74"), "total missing: {text}");
    assert!(text.contains("31 Jan 2024"), "due date missing: {text}");
    assert!(text.contains("by 10 Jul 2024"), "pay-by date missing: {text}");
    let text = pdf_text(&english.join("C2.pdf"));
    assert!(text.contains("Acme Hardware"), "{text}");
    assert!(text.contains("2,000.00"), "{text}");

    // The English batch replaced the Spanish drafts of the same day.
    let letters = letters_json(&url);
    assert_eq!(letters.len(), 2, "{letters:?}");
    for letter in &letters {
        assert_eq!(letter["kind"], "demand");
        assert_eq!(letter["status"], "draft");
        assert_eq!(letter["language"], "en");
        assert_eq!(letter["as_of"], AS_OF);
        assert!(letter["case_id"].is_i64(), "stored with the case: {letter}");
    }
}

async fn regeneration_keeps_approved(url: String) {
    let folder = tempfile::tempdir().unwrap();
    seed(&url, folder.path());
    generate(&url, "en", &folder.path().join("first"));
    let first = letters_json(&url);

    // Regenerating the same day changes no id and adds no letter.
    generate(&url, "en", &folder.path().join("second"));
    let second = letters_json(&url);
    assert_eq!(second.len(), 2);
    for customer in ["C1", "C2"] {
        assert_eq!(letter_of(&first, customer)["id"], letter_of(&second, customer)["id"], "{customer}");
    }

    // A collector may not approve.
    let c1_id = letter_of(&second, "C1")["id"].as_i64().unwrap().to_string();
    let refused = recobro(&url, &["letters", "approve", "--portfolio", "p", "--id", &c1_id, "--by", "ana"]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("role collector"), "{}", stderr(&refused));

    let approved = recobro_ok(&url, &["letters", "approve", "--portfolio", "p", "--id", &c1_id, "--by", "gerente"]);
    assert!(approved.contains("approved 1 letters"), "{approved}");
    let again = recobro(&url, &["letters", "approve", "--portfolio", "p", "--id", &c1_id, "--by", "gerente"]);
    assert!(stderr(&again).contains("is approved; only a draft letter can be approved"), "{}", stderr(&again));

    // A Spanish batch now replaces C2's draft but keeps C1's approved letter.
    let output = folder.path().join("third");
    let summary = generate(&url, "es", &output);
    assert!(summary.contains("drafts stored: 1"), "{summary}");
    assert!(summary.contains("already approved or delivered, kept: 1"), "{summary}");
    let letters = letters_json(&url);
    assert_eq!(letter_of(&letters, "C1")["status"], "approved");
    assert_eq!(letter_of(&letters, "C1")["language"], "en");
    assert_eq!(letter_of(&letters, "C2")["language"], "es");
    let kept = pdf_text(&output.join("C1.pdf"));
    assert!(kept.contains("1,234.56"), "the folder gets the approved English letter: {kept}");
}

async fn send_and_print(url: String) {
    let folder = tempfile::tempdir().unwrap();
    seed(&url, folder.path());
    generate(&url, "es", &folder.path().join("letters"));
    let approved = recobro_ok(&url, &["letters", "approve", "--portfolio", "p", "--all-drafts", "--kind", "demand", "--by", "gerente"]);
    assert!(approved.contains("approved 2 letters"), "{approved}");

    let outbox = folder.path().join("outbox");
    let sent = recobro_ok(&url, &["letters", "send", "--portfolio", "p", "--dry-run", path_text(&outbox), "--by", "gerente"]);
    assert!(sent.contains("wrote 1 letter emails"), "{sent}");
    assert!(sent.contains("without an email address"), "{sent}");
    assert!(sent.contains("C2"), "{sent}");
    let messages = file_names(&outbox);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].ends_with(".eml"));
    let message = std::fs::read_to_string(outbox.join(&messages[0])).unwrap();
    assert!(message.contains("To: pagos@nunez.example"), "{message}");
    assert!(message.contains("Content-Type: application/pdf"), "{message}");
    assert!(message.contains("filename=\"2024-06-30-demand-C1.pdf\""), "{message}");
    assert!(message.contains("Content-Transfer-Encoding: base64"), "{message}");
    // A dry run records nothing.
    let letters = letters_json(&url);
    assert!(letters.iter().all(|letter| letter["status"] == "approved"), "{letters:?}");

    let print = folder.path().join("print");
    let queued = recobro_ok(&url, &["letters", "print", "--portfolio", "p", "--output", path_text(&print), "--by", "gerente"]);
    assert!(queued.contains("queued 1 letters"), "{queued}");
    assert_eq!(file_names(&print), vec!["2024-06-30-demand-C2.pdf"]);
    assert!(pdf_text(&print.join("2024-06-30-demand-C2.pdf")).contains("Acme Hardware"));
    let letters = letters_json(&url);
    assert_eq!(letter_of(&letters, "C2")["status"], "queued_for_print");
    assert_eq!(letter_of(&letters, "C1")["status"], "approved");
    let drafts = recobro_ok(&url, &["letters", "list", "--portfolio", "p", "--status", "queued_for_print", "--format", "csv"]);
    assert_eq!(drafts.lines().count(), 2, "header and one letter: {drafts}");
}

/// Checks that a portfolio delivered as account snapshots gets letters
/// that list each account with its balance.
async fn snapshot_accounts(url: String) {
    let folder = tempfile::tempdir().unwrap();
    add_portfolio(&url);
    import_ok(&url, "customers", &write_file(folder.path(), "customers.csv", "ref,name,language\nK1,Tarjeta Uno,es\n"));
    import_ok(
        &url,
        "snapshot",
        &write_file(folder.path(), "snapshots.csv", "account,customer,snapshot_date,balance,days_past_due\nA-77,K1,2024-06-30,9829.00,150\n"),
    );
    let output = folder.path().join("letters");
    recobro_ok(&url, &["letters", "generate", "--portfolio", "p", "--as-of", AS_OF, "--stage", "demand", "--output", path_text(&output)]);
    let text = pdf_text(&output.join("K1.pdf"));
    assert!(text.contains("Tarjeta Uno"), "{text}");
    assert!(text.contains("Cuenta A-77 (saldo al 30/06/2024)"), "{text}");
    assert!(text.contains("9.829,00"), "{text}");
    assert!(text.contains("01/02/2024"), "the due date 150 days before the snapshot: {text}");
}

async fn edited_templates_used(url: String) {
    let folder = tempfile::tempdir().unwrap();
    seed(&url, folder.path());
    let templates = folder.path().join("templates");
    let written = recobro_ok(&url, &["letters", "templates", "--output", path_text(&templates)]);
    assert!(written.contains("templates to"), "{written}");
    let demand = templates.join("es").join("demand.typ");
    let original = std::fs::read_to_string(&demand).expect("the Spanish demand template is written");
    std::fs::write(&demand, format!("{original}\nTexto agregado por la empresa.\n")).unwrap();

    let output = folder.path().join("letters");
    recobro_ok(
        &url,
        &[
            "letters",
            "generate",
            "--portfolio",
            "p",
            "--as-of",
            AS_OF,
            "--stage",
            "demand",
            "--language",
            "es",
            "--templates",
            path_text(&templates),
            "--output",
            path_text(&output),
        ],
    );
    let text = pdf_text(&output.join("C1.pdf"));
    assert!(text.contains("Texto agregado por la empresa."), "{text}");
    assert!(text.contains("Ferretería Núñez"), "{text}");
}

async fn bad_stage_named(url: String) {
    add_portfolio(&url);
    let output = recobro(&url, &["letters", "generate", "--portfolio", "p", "--as-of", AS_OF, "--stage", "legal", "--output", "unused"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("unknown stage \"legal\""), "{message}");
    assert!(message.contains("judicial_candidate"), "{message}");
}

/// A plain SMTP server on a loopback port that stores every message it
/// accepts, or rejects every recipient with 550.
struct SmtpSink {
    port: u16,
    messages: Arc<Mutex<Vec<String>>>,
}

fn start_smtp_sink(reject_recipients: bool) -> SmtpSink {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    let port = listener.local_addr().unwrap().port();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let received = Arc::clone(&messages);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            serve_smtp(stream, reject_recipients, &received);
        }
    });
    SmtpSink { port, messages }
}

fn serve_smtp(stream: TcpStream, reject_recipients: bool, received: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    let mut reply = |text: &str| writer.write_all(format!("{text}\r\n").as_bytes()).is_ok();
    reply("220 localhost test SMTP");
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_ascii_uppercase();
        let answered = if command.starts_with("EHLO") || command.starts_with("HELO") {
            reply("250 localhost")
        } else if command.starts_with("RCPT") && reject_recipients {
            reply("550 mailbox unavailable")
        } else if command.starts_with("DATA") {
            reply("354 end with a line holding a single dot");
            let mut message = String::new();
            loop {
                let mut data = String::new();
                if reader.read_line(&mut data).unwrap_or(0) == 0 || data == ".\r\n" {
                    break;
                }
                message.push_str(&data);
            }
            received.lock().unwrap().push(message);
            reply("250 queued")
        } else if command.starts_with("QUIT") {
            reply("221 bye");
            return;
        } else {
            reply("250 OK")
        };
        if !answered {
            return;
        }
    }
}

async fn smtp_sending(url: String) {
    let folder = tempfile::tempdir().unwrap();
    seed(&url, folder.path());
    generate(&url, "es", &folder.path().join("letters"));
    recobro_ok(&url, &["letters", "approve", "--portfolio", "p", "--all-drafts", "--kind", "demand", "--by", "gerente"]);
    let send = |port: u16| {
        let server = format!("smtp://127.0.0.1:{port}");
        let mut command = common::recobro_command(&url, &["letters", "send", "--portfolio", "p", "--smtp", &server, "--by", "gerente"]);
        command.env("RECOBRO_MAIL_FROM", "Cobranza <cobranza@example.com>").env_remove("RECOBRO_SMTP_URL");
        let output = command.output().expect("recobro starts");
        assert!(output.status.success(), "{}", stderr(&output));
        String::from_utf8(output.stdout).unwrap()
    };

    // A server that rejects the recipient: the letter stays approved.
    let rejecting = start_smtp_sink(true);
    let summary = send(rejecting.port);
    assert!(summary.contains("sent 0 letters"), "{summary}");
    assert!(summary.contains("1 failed"), "{summary}");
    assert!(summary.contains("stays approved"), "{summary}");
    assert_eq!(letter_of(&letters_json(&url), "C1")["status"], "approved");

    let accepting = start_smtp_sink(false);
    let summary = send(accepting.port);
    assert!(summary.contains("sent 1 letters"), "{summary}");
    let messages = accepting.messages.lock().unwrap().clone();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("Content-Type: application/pdf"), "{}", messages[0]);
    assert!(messages[0].contains("JVBERi0"), "the attachment is a base64 PDF");
    let letters = letters_json(&url);
    assert_eq!(letter_of(&letters, "C1")["status"], "sent");
    assert_eq!(letter_of(&letters, "C1")["delivered_to"], "pagos@nunez.example");
    assert_eq!(letter_of(&letters, "C2")["status"], "approved", "no email address");

    // A rerun sends nothing twice.
    let summary = send(accepting.port);
    assert!(summary.contains("sent 0 letters"), "{summary}");
    assert_eq!(accepting.messages.lock().unwrap().len(), 1);
}

on_each_engine!(demand_batch_languages, regeneration_keeps_approved, send_and_print, snapshot_accounts, bad_stage_named, smtp_sending, edited_templates_used);
