//! Teams and assignment rules as a TOML file, and the assignment of
//! unassigned customers by those rules.
//!
//! ```toml
//! [[team]]
//! code = "corporate"
//! name = "Corporativo"
//! members = [{ collector = "ana", capacity = 300 }]
//!
//! [[rule]]                   # checked in order; the first match wins
//! team = "corporate"
//! segment = "ENTERPRISE"     # optional
//! region = "Norte"           # optional
//! min_balance = "10000.00"   # optional, included
//! max_balance = "50000.00"   # optional, excluded
//! ```

use recobro_core::Currency;
use recobro_core::Money;
use recobro_core::assignment::{AssignmentPlan, AssignmentRule, Team, TeamMember, plan_assignments, validate_teams};
use recobro_core::money::format_minor;
use recobro_core::number::{NumberFormat, parse_amount};
use recobro_store::{Conn, StoreError, ledger, teams, users};
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum TeamFileError {
    #[error("{file}: invalid team file: {message}")]
    Invalid { file: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TeamFile {
    #[serde(rename = "team", default)]
    teams: Vec<TeamEntry>,
    #[serde(rename = "rule", default)]
    rules: Vec<RuleEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TeamEntry {
    code: String,
    name: String,
    #[serde(default)]
    members: Vec<MemberEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberEntry {
    collector: String,
    capacity: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    team: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    segment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_balance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_balance: Option<String>,
}

/// Parses and validates a team file. `file` names it in errors; balances
/// are amounts written with a `.` decimal separator, in minor units of
/// `currency` once parsed. `collectors` lists the usernames that may be
/// team members.
pub fn parse_teams(file: &str, text: &str, currency: Currency, collectors: &[String]) -> Result<(Vec<Team>, Vec<AssignmentRule>), TeamFileError> {
    let invalid = |message: String| TeamFileError::Invalid { file: file.to_string(), message };
    let parsed: TeamFile = toml::from_str(text).map_err(|error| invalid(error.to_string()))?;

    let teams: Vec<Team> = parsed
        .teams
        .into_iter()
        .map(|entry| Team {
            code: entry.code.trim().to_string(),
            name: entry.name.trim().to_string(),
            members: entry.members.into_iter().map(|member| TeamMember { collector: member.collector.trim().to_string(), capacity: member.capacity, load: 0 }).collect(),
        })
        .collect();

    let mut rules = Vec::with_capacity(parsed.rules.len());
    for (index, entry) in parsed.rules.into_iter().enumerate() {
        let number = index + 1;
        let amount = |label: &str, text: &Option<String>| -> Result<Option<i64>, TeamFileError> {
            let Some(text) = text else { return Ok(None) };
            let format = NumberFormat { decimal: '.', thousands: None };
            let parsed = parse_amount(text, format).map_err(|_| invalid(format!("rule {number}: {label} {text:?} is not an amount such as \"1500.00\"")))?;
            let money = Money::from_decimal(parsed, currency).map_err(|error| invalid(format!("rule {number}: {label}: {error}")))?;
            Ok(Some(money.minor))
        };
        rules.push(AssignmentRule {
            team: entry.team.trim().to_string(),
            segment: entry.segment.filter(|text| !text.trim().is_empty()),
            region: entry.region.filter(|text| !text.trim().is_empty()),
            min_balance_minor: amount("min_balance", &entry.min_balance)?,
            max_balance_minor: amount("max_balance", &entry.max_balance)?,
        });
    }

    let mut problems = validate_teams(&teams, &rules);
    for team in &teams {
        for member in &team.members {
            if !collectors.contains(&member.collector) {
                problems.push(format!("team {:?}: {:?} is not an active collector or manager; see `recobro user list`", team.code, member.collector));
            }
        }
    }
    if !problems.is_empty() {
        return Err(invalid(problems.join("; ")));
    }
    Ok((teams, rules))
}

/// Writes teams and rules back as a TOML team file.
pub fn teams_to_toml(teams: &[Team], rules: &[AssignmentRule], currency: Currency) -> String {
    let file = TeamFile {
        teams: teams
            .iter()
            .map(|team| TeamEntry {
                code: team.code.clone(),
                name: team.name.clone(),
                members: team.members.iter().map(|member| MemberEntry { collector: member.collector.clone(), capacity: member.capacity }).collect(),
            })
            .collect(),
        rules: rules
            .iter()
            .map(|rule| RuleEntry {
                team: rule.team.clone(),
                segment: rule.segment.clone(),
                region: rule.region.clone(),
                min_balance: rule.min_balance_minor.map(|minor| format_minor(minor, currency)),
                max_balance: rule.max_balance_minor.map(|minor| format_minor(minor, currency)),
            })
            .collect(),
    };
    toml::to_string(&file).expect("team file serializes")
}

/// Usernames that customers can be assigned to: active collectors and
/// managers.
pub async fn assignable_collectors(conn: &mut Conn) -> Result<Vec<String>, StoreError> {
    let all = users::list_users(conn).await?;
    Ok(all.into_iter().filter(|user| user.active && (user.role == "collector" || user.role == "manager")).map(|user| user.username).collect())
}

/// Plans the assignment of the unassigned customers with an open case by
/// the portfolio's rules, and writes it unless `dry_run`. Customers keep
/// their open tasks, which follow them to the new collector.
pub async fn assign_by_rules(conn: &mut Conn, portfolio_id: i64, dry_run: bool) -> Result<AssignmentPlan, StoreError> {
    let (teams, rules) = teams::load_teams(conn, portfolio_id).await?;
    let customers = teams::customers_to_assign(conn, portfolio_id).await?;
    let plan = plan_assignments(&teams, &rules, &customers);

    if !dry_run {
        for assignment in &plan.assignments {
            ledger::assign_collector(conn, portfolio_id, &assignment.customer_ref, Some(&assignment.collector)).await?;
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn collectors() -> Vec<String> {
        vec!["ana".to_string(), "luis".to_string()]
    }

    const FILE: &str = r#"
[[team]]
code = "corporate"
name = "Corporativo"
members = [{ collector = "ana", capacity = 300 }]

[[team]]
code = "retail"
name = "Minoristas"
members = [{ collector = "luis", capacity = 500 }]

[[rule]]
team = "corporate"
min_balance = "10000.00"

[[rule]]
team = "retail"
segment = "SMB"
"#;

    #[test]
    fn team_file_round_trips() {
        let (teams, rules) = parse_teams("teams.toml", FILE, eur(), &collectors()).unwrap();

        assert_eq!(teams.len(), 2);
        assert_eq!(rules[0].min_balance_minor, Some(1_000_000));

        let text = teams_to_toml(&teams, &rules, eur());
        assert_eq!(parse_teams("again.toml", &text, eur(), &collectors()).unwrap(), (teams, rules));
    }

    #[test]
    fn unknown_collector_is_rejected() {
        let error = parse_teams("teams.toml", FILE, eur(), &["ana".to_string()]).unwrap_err().to_string();

        assert!(error.starts_with("teams.toml: invalid team file:"), "{error}");
        assert!(error.contains("\"luis\" is not an active collector"), "{error}");
    }

    #[test]
    fn bad_amount_names_rule_and_value() {
        let text = "[[team]]\ncode = \"t\"\nname = \"T\"\n[[rule]]\nteam = \"t\"\nmax_balance = \"mucho\"\n";

        let error = parse_teams("teams.toml", text, eur(), &collectors()).unwrap_err().to_string();

        assert!(error.contains("rule 1: max_balance \"mucho\" is not an amount"), "{error}");
    }

    #[test]
    fn unknown_field_names_line() {
        let text = "[[team]]\ncode = \"t\"\nname = \"T\"\ncapacty = 3\n";

        let error = parse_teams("teams.toml", text, eur(), &collectors()).unwrap_err().to_string();

        assert!(error.contains("line 4"), "{error}");
        assert!(error.contains("capacty"), "{error}");
    }
}
