//! `recobro user`, `recobro token` and `recobro assign`.

use std::io::BufRead;

use anyhow::{Context, Result, bail};
use recobro_store::{Store, ledger, portfolio, users};
use recobro_web::auth;
use recobro_web::authz::Role;

use crate::UserCommand;

const MIN_PASSWORD_CHARS: usize = 10;

pub async fn user_command(store: &Store, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add { username, role, language } => {
            let password = read_password()?;
            add_user(store, &username, &role, language.as_deref(), &password).await?;
            println!("added user {username} ({role})");
        }
        UserCommand::List => {
            let mut conn = store.acquire().await?;
            for user in users::list_users(&mut conn).await? {
                let state = if user.active { "active" } else { "inactive" };
                println!("{}\t{}\t{}\t{state}", user.username, user.role, user.language.as_deref().unwrap_or("-"));
            }
        }
    }
    Ok(())
}

/// Reads the first line of standard input as the password.
fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Checks and stores a new user.
pub async fn add_user(store: &Store, username: &str, role: &str, language: Option<&str>, password: &str) -> Result<()> {
    let valid_name = !username.is_empty()
        && username.len() <= 64
        && username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if !valid_name {
        bail!("invalid username {username:?}: use 1 to 64 letters, digits and . _ - @");
    }
    if Role::parse(role).is_none() {
        bail!("invalid role {role:?}: expected admin, manager, collector, legal or viewer");
    }
    if let Some(language) = language
        && !matches!(language, "es" | "en")
    {
        bail!("invalid language {language:?}: expected es or en");
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password is too short: use at least {MIN_PASSWORD_CHARS} characters (it is read from standard input)");
    }

    let mut conn = store.acquire().await?;
    if users::find_user(&mut conn, username).await?.is_some() {
        bail!("user {username:?} already exists");
    }
    let hash = auth::hash_password(password)?;
    users::insert_user(&mut conn, username, &hash, role, language).await?;
    users::insert_audit_event(&mut conn, "cli", "user.added", &format!("user:{username}"), Some(role)).await?;
    Ok(())
}

pub async fn create_token(store: &Store, username: &str) -> Result<()> {
    let mut conn = store.acquire().await?;
    let user = users::find_user(&mut conn, username).await?.with_context(|| format!("user {username:?} not found: add it with `recobro user add`"))?;
    let token = auth::new_token();
    users::insert_api_token(&mut conn, user.id, &auth::token_digest(&token)).await?;
    users::insert_audit_event(&mut conn, "cli", "token.created", &format!("user:{username}"), None).await?;
    println!("{token}");
    Ok(())
}

pub async fn assign(store: &Store, portfolio_code: &str, customer: &str, collector: Option<&str>) -> Result<()> {
    let mut tx = store.begin().await?;
    let found = portfolio::find(&mut tx, portfolio_code).await?.with_context(|| format!("portfolio {portfolio_code:?} not found"))?;
    if let Some(collector) = collector {
        let user = users::find_user(&mut tx, collector).await?.with_context(|| format!("user {collector:?} not found"))?;
        if user.role != "collector" && user.role != "manager" {
            bail!("user {collector:?} is a {}; assign customers to collectors or managers", user.role);
        }
    }
    if !ledger::assign_collector(&mut tx, found.id, customer, collector).await? {
        bail!("customer {customer:?} not found in portfolio {portfolio_code}");
    }
    users::insert_audit_event(&mut tx, "cli", "customer.assigned", &format!("customer:{customer}"), collector).await?;
    tx.commit().await?;
    match collector {
        Some(collector) => println!("customer {customer} assigned to {collector}"),
        None => println!("customer {customer} is now unassigned"),
    }
    Ok(())
}
