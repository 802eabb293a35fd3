//! `recobro team` (teams, capacities and assignment rules) and
//! `recobro suggestions` (relationship statuses suggested by the daily run).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use recobro_app::output::{Cell, OutputFormat, Table};
use recobro_app::team;
use recobro_store::{Store, portfolio, teams, users};

use crate::parse_format;

#[derive(Subcommand)]
pub enum TeamCommand {
    /// Print the teams, capacities and assignment rules as TOML.
    Show {
        #[arg(long)]
        portfolio: String,
    },
    /// Replace the teams and assignment rules with those of a TOML file.
    Set {
        #[arg(long)]
        portfolio: String,
        file: PathBuf,
    },
    /// Print each team member's capacity and load of customers with an open case.
    Capacity {
        #[arg(long)]
        portfolio: String,
        /// table, csv or json.
        #[arg(long, default_value = "table", value_parser = parse_format)]
        format: OutputFormat,
    },
    /// Assign the unassigned customers with an open case by the rules.
    Assign {
        #[arg(long)]
        portfolio: String,
        /// Print the plan without assigning anyone.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
pub enum SuggestionsCommand {
    /// List the pending suggestions, strictest status first.
    List {
        #[arg(long)]
        portfolio: String,
        /// table, csv or json.
        #[arg(long, default_value = "table", value_parser = parse_format)]
        format: OutputFormat,
    },
    /// Confirm a suggestion: the customer's status changes.
    Confirm {
        #[arg(long)]
        portfolio: String,
        /// The suggestion's number from `suggestions list`.
        #[arg(long)]
        id: i64,
        /// The deciding manager or administrator, for the audit trail.
        #[arg(long)]
        by: Option<String>,
    },
    /// Dismiss a suggestion: the status stays, and it is not suggested again.
    Dismiss {
        #[arg(long)]
        portfolio: String,
        #[arg(long)]
        id: i64,
        /// The deciding manager or administrator, for the audit trail.
        #[arg(long)]
        by: Option<String>,
    },
}

const SUGGESTIONS_LISTED: i64 = 10_000;

pub async fn team_command(store: &Store, command: TeamCommand) -> Result<()> {
    match command {
        TeamCommand::Show { portfolio: code } => {
            let mut conn = store.acquire().await?;
            let found = find_portfolio(&mut conn, &code).await?;
            let (teams, rules) = teams::load_teams(&mut conn, found.id).await?;
            if teams.is_empty() {
                println!("# {code} has no teams yet: write a team file and load it with `recobro team set`");
            }
            print!("{}", team::teams_to_toml(&teams, &rules, found.currency));
        }
        TeamCommand::Set { portfolio: code, file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let mut tx = store.begin().await?;
            let found = find_portfolio(&mut tx, &code).await?;
            let collectors = team::assignable_collectors(&mut tx).await?;
            let (parsed_teams, rules) = team::parse_teams(&file.display().to_string(), &text, found.currency, &collectors)?;
            teams::replace_teams(&mut tx, found.id, &parsed_teams, &rules).await?;
            let detail = format!("{} teams, {} rules", parsed_teams.len(), rules.len());
            users::insert_audit_event(&mut tx, "cli", "teams.set", &format!("portfolio:{code}"), Some(&detail)).await?;
            tx.commit().await?;
            println!("{code} now has {detail}");
        }
        TeamCommand::Capacity { portfolio: code, format } => {
            let mut conn = store.acquire().await?;
            let found = find_portfolio(&mut conn, &code).await?;
            let (teams, _) = teams::load_teams(&mut conn, found.id).await?;
            let rows = teams
                .iter()
                .flat_map(|team| team.members.iter().map(move |member| vec![Cell::text(&team.code), Cell::text(&member.collector), Cell::Integer(member.capacity), Cell::Integer(member.load), Cell::Integer((member.capacity - member.load).max(0))]))
                .collect();
            let table = Table { title: format!("Team capacity of {code}"), headers: ["team", "collector", "capacity", "open cases", "free"].map(String::from).to_vec(), rows };
            print_table(&table, format)?;
        }
        TeamCommand::Assign { portfolio: code, dry_run } => {
            let mut tx = store.begin().await?;
            let found = find_portfolio(&mut tx, &code).await?;
            let plan = team::assign_by_rules(&mut tx, found.id, dry_run).await?;
            if !dry_run {
                let detail = format!("{} customers by rules", plan.assignments.len());
                users::insert_audit_event(&mut tx, "cli", "customers.assigned", &format!("portfolio:{code}"), Some(&detail)).await?;
                tx.commit().await?;
            }
            for assignment in &plan.assignments {
                println!("{}\t{}\t{}", assignment.customer_ref, assignment.team, assignment.collector);
            }
            for (customer_ref, reason) in &plan.unassigned {
                println!("{customer_ref}\t-\tunassigned: {}", reason.code());
            }
            let verb = if dry_run { "would assign" } else { "assigned" };
            eprintln!("{verb} {} customers; {} stay unassigned", plan.assignments.len(), plan.unassigned.len());
        }
    }
    Ok(())
}

pub async fn suggestions_command(store: &Store, command: SuggestionsCommand) -> Result<()> {
    match command {
        SuggestionsCommand::List { portfolio: code, format } => {
            let mut conn = store.acquire().await?;
            let found = find_portfolio(&mut conn, &code).await?;
            let pending = teams::pending_suggestions(&mut conn, found.id, SUGGESTIONS_LISTED).await?;
            let rows = pending
                .iter()
                .map(|s| {
                    vec![Cell::Integer(s.id), Cell::text(&s.customer_ref), Cell::text(&s.customer_name), Cell::text(&s.current_status), Cell::text(&s.suggested_status), Cell::text(&s.reason), Cell::text(s.suggested_on.to_string())]
                })
                .collect();
            let headers = ["id", "customer", "name", "status", "suggested", "reason", "since"].map(String::from).to_vec();
            print_table(&Table { title: format!("Pending status suggestions of {code}"), headers, rows }, format)?;
        }
        SuggestionsCommand::Confirm { portfolio: code, id, by } => decide(store, &code, id, true, by.as_deref()).await?,
        SuggestionsCommand::Dismiss { portfolio: code, id, by } => decide(store, &code, id, false, by.as_deref()).await?,
    }
    Ok(())
}

async fn decide(store: &Store, code: &str, id: i64, confirm: bool, by: Option<&str>) -> Result<()> {
    let mut tx = store.begin().await?;
    let actor = crate::acting_user(&mut tx, by, &["admin", "manager"], "decide status suggestions").await?;
    let found = find_portfolio(&mut tx, code).await?;
    let suggestion = teams::find_suggestion(&mut tx, found.id, id).await?.with_context(|| format!("suggestion {id} not found in {code}: see `recobro suggestions list`"))?;
    let today = chrono::Utc::now().date_naive();
    if !teams::decide_suggestion(&mut tx, found.id, id, confirm, &actor, today).await? {
        bail!("suggestion {id} was already {}", suggestion.state);
    }

    let event = if confirm { "status_suggestion.confirmed" } else { "status_suggestion.dismissed" };
    let detail = format!("{} {} -> {} ({})", suggestion.customer_ref, suggestion.current_status, suggestion.suggested_status, suggestion.reason);
    users::insert_audit_event(&mut tx, &actor, event, &format!("portfolio:{code}"), Some(&detail)).await?;
    tx.commit().await?;

    let verb = if confirm { "confirmed" } else { "dismissed" };
    println!("{verb}: {detail}");
    Ok(())
}

async fn find_portfolio(conn: &mut recobro_store::Conn, code: &str) -> Result<portfolio::Portfolio> {
    portfolio::find(conn, code).await?.with_context(|| format!("portfolio {code:?} not found: see `recobro portfolio list`"))
}

fn print_table(table: &Table, format: OutputFormat) -> Result<()> {
    let json: Vec<serde_json::Value> = table
        .rows
        .iter()
        .map(|row| serde_json::Value::Object(table.headers.iter().zip(row).map(|(header, cell)| (header.clone(), json_value(cell))).collect()))
        .collect();
    crate::emit_table(format, None, "Report", table.clone(), &serde_json::Value::Array(json))
}

fn json_value(cell: &Cell) -> serde_json::Value {
    match cell {
        Cell::Integer(value) => serde_json::Value::from(*value),
        Cell::Empty => serde_json::Value::Null,
        other => serde_json::Value::String(other.plain()),
    }
}
