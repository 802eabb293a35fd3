//! `recobro dispute`, `recobro customer status` and `recobro export holds`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use recobro_app::output::{Cell, OutputFormat, Table};
use recobro_store::{Store, ledger, portfolio, users};

use crate::{DisputeCommand, emit_table};

const STATUSES: [&str; 4] = ["active", "watch", "credit_hold", "do_not_continue"];
const DOCUMENT_KINDS: [&str; 2] = ["invoice", "debit_note"];

pub async fn dispute_command(store: &Store, command: DisputeCommand) -> Result<()> {
    match command {
        DisputeCommand::Open { portfolio: code, document, kind, reason, date } => {
            check_kind(&kind)?;
            let mut tx = store.begin().await?;
            let found = portfolio::find(&mut tx, &code).await?.with_context(|| format!("portfolio {code:?} not found"))?;
            let target = ledger::find_document(&mut tx, found.id, &kind, &document).await?.with_context(|| format!("{kind} {document:?} not found in portfolio {code}"))?;
            if !ledger::insert_dispute(&mut tx, found.id, target.id, date, &reason).await? {
                bail!("{kind} {document} already has a dispute opened on {date}");
            }
            users::insert_audit_event(&mut tx, "cli", "dispute.opened", &format!("{kind}:{document}"), Some(&reason)).await?;
            tx.commit().await?;
            println!("dispute opened on {kind} {document} of customer {} from {date}: it gets no reminders or escalation until resolved", target.customer_ref);
        }
        DisputeCommand::Resolve { portfolio: code, document, kind, outcome, date, credit_note, note } => {
            check_kind(&kind)?;
            let status = match outcome.as_str() {
                "accepted" | "rejected" => outcome.as_str(),
                other => bail!("invalid outcome {other:?}: expected accepted (the customer was right) or rejected"),
            };
            let mut tx = store.begin().await?;
            let found = portfolio::find(&mut tx, &code).await?.with_context(|| format!("portfolio {code:?} not found"))?;
            let target = ledger::find_document(&mut tx, found.id, &kind, &document).await?.with_context(|| format!("{kind} {document:?} not found in portfolio {code}"))?;
            let credit_note_id = match (&credit_note, status) {
                (Some(number), "accepted") => {
                    let note_ref = ledger::find_document(&mut tx, found.id, "credit_note", number)
                        .await?
                        .with_context(|| format!("credit note {number:?} not found: import it first (--kind documents with kind credit_note)"))?;
                    if note_ref.customer_id != target.customer_id {
                        bail!("credit note {number} belongs to customer {}, not to {}", note_ref.customer_ref, target.customer_ref);
                    }
                    Some(note_ref.id)
                }
                (Some(_), _) => bail!("--credit-note goes with --outcome accepted"),
                (None, _) => None,
            };
            let resolution = note.unwrap_or_default();
            let closed = ledger::resolve_disputes(&mut tx, target.id, status, date, &resolution, credit_note_id).await?;
            if closed == 0 {
                bail!("{kind} {document} has no dispute open on {date}");
            }
            users::insert_audit_event(&mut tx, "cli", &format!("dispute.{status}"), &format!("{kind}:{document}"), Some(&resolution)).await?;
            tx.commit().await?;
            println!("dispute on {kind} {document} {status} on {date}; the next daily run measures the case with it again");
            if credit_note.is_some() {
                println!("apply the credit note to the invoice with an allocations import (credit_note, document, amount)");
            }
        }
    }
    Ok(())
}

fn check_kind(kind: &str) -> Result<()> {
    if !DOCUMENT_KINDS.contains(&kind) {
        bail!("invalid document kind {kind:?}: expected invoice or debit_note");
    }
    Ok(())
}

/// Sets a customer's relationship status, as a manager confirms it.
pub async fn set_status(store: &Store, code: &str, customer: &str, status: &str) -> Result<()> {
    if !STATUSES.contains(&status) {
        bail!("invalid status {status:?}: expected {}", STATUSES.join(", "));
    }
    let mut tx = store.begin().await?;
    let found = portfolio::find(&mut tx, code).await?.with_context(|| format!("portfolio {code:?} not found"))?;
    if !ledger::set_customer_status(&mut tx, found.id, customer, status).await? {
        bail!("customer {customer:?} not found in portfolio {code}");
    }
    users::insert_audit_event(&mut tx, "cli", "customer.status", &format!("customer:{customer}"), Some(status)).await?;
    tx.commit().await?;
    println!("customer {customer} is now {status}");
    Ok(())
}

/// Exports the customers on credit hold or marked do-not-continue, for the
/// ERP and the sales team.
pub async fn export_holds(store: &Store, code: &str, format: OutputFormat, output: Option<PathBuf>) -> Result<()> {
    let mut conn = store.acquire().await?;
    let found = portfolio::find(&mut conn, code).await?.with_context(|| format!("portfolio {code:?} not found"))?;
    let customers = ledger::customers_with_status(&mut conn, found.id, &["credit_hold", "do_not_continue"]).await?;

    let rows = customers
        .iter()
        .map(|customer| {
            vec![
                Cell::text(&customer.external_ref),
                Cell::text(&customer.name),
                Cell::optional(customer.tax_id.clone()),
                Cell::text(&customer.status),
                Cell::optional(customer.segment.clone()),
                Cell::optional(customer.collector.clone()),
            ]
        })
        .collect();
    let table = Table {
        title: format!("Customers on credit hold or not to continue in {code}: {}", customers.len()),
        headers: ["customer", "name", "tax_id", "status", "segment", "collector"].map(String::from).to_vec(),
        rows,
    };
    let json: Vec<serde_json::Value> = customers
        .iter()
        .map(|customer| serde_json::json!({ "customer": customer.external_ref, "name": customer.name, "tax_id": customer.tax_id, "status": customer.status, "segment": customer.segment, "collector": customer.collector }))
        .collect();
    emit_table(format, output.as_deref(), "Holds", table, &serde_json::Value::Array(json))
}

