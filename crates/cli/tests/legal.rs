//! Customer files, law firms, judicial transfers and the health check
//! through the command line: the `legal proposals` and `report health`
//! contracts, the case packet written to a folder, and clear errors for
//! rejected uploads.

#[macro_use]
mod common;

use std::io::Read;

use common::{add_portfolio, import_ok, path_text, recobro, recobro_ok, stderr, write_file};

fn add_user(url: &str, username: &str, role: &str) {
    let mut command = common::recobro_command(url, &["user", "add", "--username", username, "--role", role]);
    command.stdin(std::process::Stdio::piped());
    let mut child = command.stdout(std::process::Stdio::null()).spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"contrasena-larga\n").unwrap();
    assert!(child.wait().unwrap().success(), "user add {username}");
}

fn seed(url: &str, folder: &std::path::Path) {
    add_portfolio(url);
    let customers = write_file(folder, "customers.csv", "ref,name\nC1,Uno SA\nC2,Dos SA\nC3,Tres SA\n");
    let documents = write_file(
        folder,
        "documents.csv",
        "number,customer,issue_date,due_date,amount\nF1,C1,2024-01-01,2024-01-31,1000.00\nF2,C2,2024-01-01,2024-01-31,500.00\nF3,C3,2024-01-01,2024-05-31,800.00\n",
    );
    import_ok(url, "customers", &customers);
    import_ok(url, "documents", &documents);
    add_user(url, "ana", "collector");
    add_user(url, "gerente", "manager");
}

fn upload(url: &str, customer: &str, kind: &str, path: &std::path::Path) -> std::process::Output {
    recobro(url, &["file", "upload", "--portfolio", "p", "--customer", customer, "--kind", kind, "--path", path_text(path), "--by", "gerente"])
}

async fn transfer_through_the_cli(url: String) {
    let folder = tempfile::tempdir().unwrap();
    seed(&url, folder.path());
    let scan = write_file(folder.path(), "contrato.pdf", "%PDF-1.4 contrato firmado");
    let note = write_file(folder.path(), "pagare.pdf", "%PDF-1.4 pagare");
    for (customer, kind, path) in [("C1", "contract", &scan), ("C1", "promissory_note", &note), ("C2", "contract", &scan)] {
        let output = upload(&url, customer, kind, path);
        assert!(output.status.success(), "{}", stderr(&output));
    }

    let run = recobro_ok(&url, &["run", "--portfolio", "p", "--as-of", "2024-06-30"]);
    assert!(run.contains("legal transfer proposals: 1 new, 1 waiting for approval, 1 held back by an incomplete file"), "{run}");

    let proposals: serde_json::Value = serde_json::from_str(&recobro_ok(&url, &["legal", "proposals", "--portfolio", "p", "--as-of", "2024-06-30", "--format", "json"])).unwrap();
    assert_eq!(proposals["proposed"].as_array().unwrap().len(), 1, "{proposals}");
    assert_eq!(proposals["proposed"][0]["customer"], "C1");
    assert_eq!(proposals["proposed"][0]["balance"], "1000.00");
    assert_eq!(proposals["incomplete"][0]["customer"], "C2");
    assert_eq!(proposals["incomplete"][0]["missing"], serde_json::json!([{ "reason": "missing", "kind": "promissory_note" }]));
    let referral = proposals["proposed"][0]["referral_id"].as_i64().unwrap().to_string();

    recobro_ok(&url, &["lawfirm", "set", "--code", "ruiz", "--name", "Estudio Ruiz", "--contingency", "20", "--by", "gerente"]);
    let by_collector = recobro(&url, &["legal", "approve", "--portfolio", "p", "--id", &referral, "--firm", "ruiz", "--by", "ana", "--date", "2024-07-01"]);
    assert!(!by_collector.status.success());
    assert!(stderr(&by_collector).contains("has the role collector, which may not approve a legal transfer"), "{}", stderr(&by_collector));
    recobro_ok(&url, &["legal", "approve", "--portfolio", "p", "--id", &referral, "--firm", "ruiz", "--by", "gerente", "--date", "2024-07-01"]);

    let packets = tempfile::tempdir().unwrap();
    recobro_ok(&url, &["legal", "packet", "--portfolio", "p", "--id", &referral, "--output", path_text(packets.path())]);
    let packet = std::fs::File::open(packets.path().join(format!("referral-{referral}-C1.zip"))).expect("the packet is written under its own name");
    let mut archive = zip::ZipArchive::new(packet).expect("the packet opens");
    let mut history = String::new();
    archive.by_name(&format!("referral-{referral}-C1/action-history.csv")).unwrap().read_to_string(&mut history).unwrap();
    assert!(history.starts_with("\u{feff}date,kind,outcome"), "{history}");
    let mut contract = Vec::new();
    archive.by_name(&format!("referral-{referral}-C1/file/1-contract-contrato.pdf")).unwrap().read_to_end(&mut contract).unwrap();
    assert_eq!(contract, b"%PDF-1.4 contrato firmado");

    recobro_ok(&url, &["legal", "update", "--portfolio", "p", "--id", &referral, "--status", "filed", "--date", "2024-07-15", "--court-reference", "EXP-77", "--by", "gerente"]);
    let recovered = recobro_ok(&url, &["legal", "recover", "--portfolio", "p", "--id", &referral, "--amount", "400.00", "--date", "2024-08-01", "--by", "gerente"]);
    assert!(recovered.contains("400.00 applied to documents, 0.00 unapplied; firm fee 80.00"), "{recovered}");
    let aging: serde_json::Value = serde_json::from_str(&recobro_ok(&url, &["report", "aging", "--portfolio", "p", "--as-of", "2024-08-01", "--by", "customer", "--format", "json"])).unwrap();
    let c1 = aging["rows"].as_array().unwrap().iter().find(|row| row["key"] == "C1").unwrap();
    assert_eq!(c1["total"], "600.00", "the recovery lowers the balance");

    let by_firm: serde_json::Value = serde_json::from_str(&recobro_ok(&url, &["report", "referrals", "--portfolio", "p", "--format", "json"])).unwrap();
    assert_eq!(by_firm[0]["recovered"], "400.00");
    assert_eq!(by_firm[0]["recovery_rate"], "40");

    let health: serde_json::Value = serde_json::from_str(&recobro_ok(&url, &["report", "health", "--portfolio", "p", "--as-of", "2024-08-01", "--format", "json"])).unwrap();
    let entries = health.as_array().expect("one entry per question");
    assert_eq!(entries.len(), 10);
    for entry in entries {
        assert!(["ok", "warning", "missing"].contains(&entry["status"].as_str().unwrap()), "{entry}");
        assert!(entry["question"].as_str().unwrap().ends_with('?'));
        assert!(!entry["figure"].as_str().unwrap().is_empty());
    }
    assert_eq!(entries[9]["status"], "ok", "a law firm is selected: {}", entries[9]);
    assert_eq!(entries[4]["status"], "warning", "the customers are not assigned: {}", entries[4]);
}

async fn rejected_uploads(url: String) {
    let folder = tempfile::tempdir().unwrap();
    seed(&url, folder.path());
    let program = write_file(folder.path(), "setup.exe", "MZ");
    let output = upload(&url, "C1", "contract", &program);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("setup.exe: not stored"), "{message}");
    assert!(message.contains("has a type that is not accepted; use one of: pdf, png, jpg, jpeg, tif, tiff, txt"), "{message}");

    let large = write_file(folder.path(), "large.pdf", &format!("%PDF-1.4 {}", "x".repeat(2_000)));
    let output = recobro(&url, &["file", "upload", "--portfolio", "p", "--customer", "C1", "--kind", "contract", "--path", path_text(&large), "--by", "gerente", "--max-bytes", "1000"]);
    assert!(stderr(&output).contains("has 2009 bytes, over the limit of 1000 bytes"), "{}", stderr(&output));

    let wrong_kind = upload(&url, "C1", "passport", &large);
    assert!(stderr(&wrong_kind).contains("unknown document kind \"passport\""), "{}", stderr(&wrong_kind));

    let listing = recobro_ok(&url, &["file", "list", "--portfolio", "p", "--customer", "C1", "--as-of", "2024-06-30"]);
    assert!(listing.contains("no documents on file"), "{listing}");
    assert!(listing.contains("checklist legal: contract missing, promissory_note missing"), "{listing}");
}

on_each_engine!(transfer_through_the_cli, rejected_uploads);
