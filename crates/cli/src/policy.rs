//! `recobro policy` and `recobro worklist`.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use recobro_app::output::{Cell, OutputFormat, Table};
use recobro_app::policy::{self, Simulation};
use recobro_store::{Store, browse, policies, portfolio, runs};

use crate::PolicyCommand;

pub async fn policy_command(store: &Store, command: PolicyCommand) -> Result<()> {
    match command {
        PolicyCommand::Show { portfolio: code, as_of } => {
            let mut conn = store.acquire().await?;
            let found = portfolio::find(&mut conn, &code).await?.with_context(|| format!("portfolio {code:?} not found"))?;
            let date = match as_of {
                Some(date) => date,
                None => runs::latest_run_date(&mut conn, found.id).await?.unwrap_or_else(|| chrono::Utc::now().date_naive()),
            };
            let version = policies::policy_in_force(&mut conn, found.id, date).await?;
            let in_force = policy::policy_in_force(&mut conn, found.id, found.currency, date).await?;
            match &version {
                Some(version) => println!("# Collection policy of {code} in force on {date}: version effective {} (set by {})", version.effective_on, version.created_by),
                None => println!("# Collection policy of {code} in force on {date}: the default policy"),
            }
            print!("{}", policy::policy_to_toml(&in_force, found.currency));
        }
        PolicyCommand::Set { portfolio: code, effective, file } => {
            let currency = portfolio_currency(store, &code).await?;
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let parsed = policy::parse_policy(&file.display().to_string(), &text, currency)?;
            policy::set_policy(store, &code, effective, &parsed, "cli").await?;
            println!("policy of {code} with {} stages is in force from {effective}", parsed.stages.len());
        }
        PolicyCommand::Simulate { portfolio: code, as_of, file, format } => {
            let currency = portfolio_currency(store, &code).await?;
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let proposed = policy::parse_policy(&file.display().to_string(), &text, currency)?;
            let simulation = policy::simulate(store, &code, as_of, &proposed).await?;
            match format {
                OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&simulation)?),
                OutputFormat::Table => print!("{}", simulation_table(&simulation).render_terminal()),
                other => bail!("policy simulate prints table or json, not {other:?}"),
            }
        }
        PolicyCommand::History { portfolio: code } => {
            let mut conn = store.acquire().await?;
            let found = portfolio::find(&mut conn, &code).await?.with_context(|| format!("portfolio {code:?} not found"))?;
            let versions = policies::list_policy_versions(&mut conn, found.id).await?;
            if versions.is_empty() {
                println!("{code} follows the default policy: no version was set");
            }
            for version in versions {
                println!("{}\tset {} by {}", version.effective_on, version.created_at, version.created_by);
            }
        }
    }
    Ok(())
}

async fn portfolio_currency(store: &Store, code: &str) -> Result<recobro_core::Currency> {
    let mut conn = store.acquire().await?;
    let found = portfolio::find(&mut conn, code).await?.with_context(|| format!("portfolio {code:?} not found"))?;
    Ok(found.currency)
}

fn simulation_table(simulation: &Simulation) -> Table {
    let mut rows = Vec::new();
    for (label, side) in [("current", &simulation.current), ("proposed", &simulation.proposed)] {
        for stage in &side.stages {
            rows.push(vec![Cell::text(label), Cell::text(&stage.stage), Cell::Integer(stage.cases as i64), Cell::text(&stage.amount), Cell::text(stage.actions.join(", "))]);
        }
        rows.push(vec![Cell::text(label), Cell::text("(no stage)"), Cell::Integer(side.unstaged_cases as i64), Cell::Empty, Cell::Empty]);
    }
    Table {
        title: format!("Policy simulation of {} as of {} (nothing was written)", simulation.portfolio, simulation.as_of),
        headers: ["policy", "stage", "cases", "overdue", "actions"].map(String::from).to_vec(),
        rows,
    }
}

pub async fn worklist(store: &Store, code: &str, collector: Option<&str>, as_of: NaiveDate, format: OutputFormat) -> Result<()> {
    const LIMIT: i64 = 10_000;
    let mut conn = store.acquire().await?;
    let found = portfolio::find(&mut conn, code).await?.with_context(|| format!("portfolio {code:?} not found"))?;
    let tasks = browse::open_tasks(&mut conn, found.id, collector, as_of, LIMIT).await?;
    match format {
        OutputFormat::Json => {
            let items: Vec<serde_json::Value> = tasks
                .iter()
                .enumerate()
                .map(|(index, task)| {
                    let currency = recobro_core::Currency::parse(&task.currency).ok();
                    serde_json::json!({
                        "priority": index + 1,
                        "task_id": task.id,
                        "customer": task.customer_ref,
                        "name": task.customer_name,
                        "kind": task.kind,
                        "channel": task.channel,
                        "stage": task.stage,
                        "due_on": task.due_on.to_string(),
                        "assigned_to": task.assigned_to,
                        "days_past_due": task.days_past_due,
                        "overdue": currency.map(|currency| recobro_core::money::format_minor(task.overdue_minor, currency)),
                        "currency": task.currency,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&items)?);
        }
        OutputFormat::Table => {
            let rows = tasks
                .iter()
                .enumerate()
                .map(|(index, task)| {
                    vec![
                        Cell::Integer(index as i64 + 1),
                        Cell::text(&task.customer_ref),
                        Cell::text(&task.customer_name),
                        Cell::text(&task.kind),
                        Cell::optional(task.channel.clone()),
                        Cell::text(&task.stage),
                        Cell::Integer(task.days_past_due),
                        Cell::text(task.due_on.to_string()),
                        Cell::optional(task.assigned_to.clone()),
                    ]
                })
                .collect();
            let who = collector.unwrap_or("every collector");
            let table = Table {
                title: format!("Worklist of {who} in {code} as of {as_of}: {}", if tasks.len() == 1 { "1 open task".to_string() } else { format!("{} open tasks", tasks.len()) }),
                headers: ["priority", "customer", "name", "task", "channel", "stage", "days past due", "due", "assigned to"].map(String::from).to_vec(),
                rows,
            };
            print!("{}", table.render_terminal());
        }
        other => bail!("worklist prints table or json, not {other:?}"),
    }
    Ok(())
}
