//! Approval limits: per approval level (collector, manager, director), how
//! far a payment plan or a settlement offer may go before someone with more
//! authority must approve it. Each portfolio may set its own; without them
//! the defaults of [`ApprovalLimits::defaults`] apply.
//!
//! The limits are written as TOML, one table per level:
//!
//! ```toml
//! [collector]
//! max_installments = 6
//! min_down_payment_percent = 10
//! max_term_days = 183
//! max_interest_waiver_percent = 50
//! max_principal_discount_percent = 0
//! ```
//!
//! A level or a key left out keeps its default. `"none"` lifts the limit of
//! `max_term_days` and of the two waiver percents. Percents are read from
//! the text as written, so `12.5` is exact and never a float.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use recobro_core::plan::{MAX_INSTALLMENTS, PlanLimits, PlanSchedule};
use recobro_core::settlement::{ApproverRole, AuthorityMatrix, WaiverAuthority};
use recobro_store::Conn;
use recobro_store::approval_limits::{self as stored, StoredRoleLimits};
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::{NegotiationError, audit, find_portfolio};

/// The limits of one approval level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelLimits {
    /// Installments after the down payment, 1 to 360.
    pub max_installments: u32,
    pub min_down_payment_percent: Decimal,
    /// Days from the agreement date to the last due date; `None` means no
    /// limit.
    pub max_term_days: Option<i64>,
    /// The waiver and discount an offer of this level may grant.
    pub waiver: WaiverAuthority,
}

impl LevelLimits {
    /// Returns the payment plan limits of this level.
    pub fn plan_limits(&self) -> PlanLimits {
        PlanLimits {
            max_installments: self.max_installments,
            min_down_payment_percent: self.min_down_payment_percent,
            max_term_days: self.max_term_days.unwrap_or(i64::MAX),
            // NOTE: a minimum installment amount is not a setting: it would be
            // an amount in one currency, and a portfolio's customers may owe
            // in others.
            min_installment_minor: 0,
        }
    }
}

/// The approval limits of every level of a portfolio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalLimits {
    /// Indexed in the order of [`ApproverRole::ALL`].
    levels: [LevelLimits; 3],
}

impl Default for ApprovalLimits {
    fn default() -> Self {
        Self::defaults()
    }
}

impl ApprovalLimits {
    /// Builds the limits that apply when a portfolio sets none. A collector
    /// may grant 6 installments over 183 days with 10% down, a manager 24
    /// installments over 731 days, and a director any plan. The waivers are
    /// those of [`AuthorityMatrix::default`].
    pub fn defaults() -> Self {
        let matrix = AuthorityMatrix::default();
        let waiver = |role| matrix.authority(role).unwrap_or_else(WaiverAuthority::unlimited);
        Self {
            levels: [
                LevelLimits { max_installments: 6, min_down_payment_percent: Decimal::from(10), max_term_days: Some(183), waiver: waiver(ApproverRole::Collector) },
                LevelLimits { max_installments: 24, min_down_payment_percent: Decimal::ZERO, max_term_days: Some(731), waiver: waiver(ApproverRole::Manager) },
                LevelLimits { max_installments: MAX_INSTALLMENTS, min_down_payment_percent: Decimal::ZERO, max_term_days: None, waiver: waiver(ApproverRole::Director) },
            ],
        }
    }

    pub fn level(&self, role: ApproverRole) -> &LevelLimits {
        &self.levels[level_index(role)]
    }

    pub fn plan_limits(&self, role: ApproverRole) -> PlanLimits {
        self.level(role).plan_limits()
    }

    /// Returns the settlement authority of every level.
    pub fn authority_matrix(&self) -> AuthorityMatrix {
        ApproverRole::ALL.into_iter().fold(AuthorityMatrix::empty(), |matrix, role| matrix.with(role, self.level(role).waiver))
    }

    /// Finds the lowest level whose plan limits allow the schedule, or
    /// `None` when even a director's do not.
    pub fn lowest_plan_approver(&self, schedule: &PlanSchedule) -> Option<ApproverRole> {
        ApproverRole::ALL.into_iter().find(|role| self.plan_limits(*role).allows(schedule))
    }

    /// Parses limits written as TOML. `source` names the file in error
    /// messages, which give its line and column.
    pub fn parse_toml(source: &str, text: &str) -> Result<Self, LimitsError> {
        let located = |span: Option<Range<usize>>, message: String| {
            let (line, column) = span.map_or((1, 1), |span| line_and_column(text, span.start));
            LimitsError { file: source.to_string(), line, column, message }
        };
        let file: LimitsFile = toml::from_str(text).map_err(|error| located(error.span(), error.message().trim().to_string()))?;

        let mut limits = Self::defaults();
        let mut spans: HashMap<(ApproverRole, Key), Range<usize>> = HashMap::new();
        for (role, section) in [(ApproverRole::Collector, file.collector), (ApproverRole::Manager, file.manager), (ApproverRole::Director, file.director)] {
            let Some(section) = section else { continue };
            let level = &mut limits.levels[level_index(role)];
            for (key, value) in section.entries() {
                let Some(value) = value else { continue };
                let span = value.span();
                let raw = &text[span.clone()];
                let invalid = |expected: &str| located(Some(span.clone()), format!("invalid {} {raw} in [{}]: expected {expected}", key.name(), role.code()));
                match key {
                    Key::MaxInstallments => {
                        let count = whole_number(value.get_ref()).filter(|count| (1..=i64::from(MAX_INSTALLMENTS)).contains(count));
                        let count = count.ok_or_else(|| invalid(&format!("a whole number from 1 to {MAX_INSTALLMENTS}")))?;
                        level.max_installments = u32::try_from(count).unwrap_or(MAX_INSTALLMENTS);
                    }
                    Key::MinDownPaymentPercent => {
                        level.min_down_payment_percent = percent(value.get_ref(), raw).ok_or_else(|| invalid("a percent from 0 to 100, such as 10 or 12.5"))?;
                    }
                    Key::MaxTermDays => {
                        level.max_term_days = match value.get_ref() {
                            toml::Value::String(text) if text.trim() == NO_LIMIT => None,
                            other => Some(whole_number(other).filter(|days| *days >= 1).ok_or_else(|| invalid("a whole number of days of 1 or more, or \"none\""))?),
                        };
                    }
                    Key::MaxInterestWaiverPercent | Key::MaxPrincipalDiscountPercent => {
                        let parsed = match value.get_ref() {
                            toml::Value::String(text) if text.trim() == NO_LIMIT => None,
                            other => Some(percent(other, raw).ok_or_else(|| invalid("a percent from 0 to 100, such as 50 or 12.5, or \"none\""))?),
                        };
                        if key == Key::MaxInterestWaiverPercent {
                            level.waiver.max_interest_waiver_percent = parsed;
                        } else {
                            level.waiver.max_principal_discount_percent = parsed;
                        }
                    }
                }
                spans.insert((role, key), span);
            }
        }

        if let Some((role, key, message)) = limits.first_inversion() {
            // Point at the higher level's value when the file set it, else at
            // the lower one's, since one of the two was written in the file.
            let below = ApproverRole::ALL[level_index(role) - 1];
            let span = spans.get(&(role, key)).or_else(|| spans.get(&(below, key))).cloned();
            return Err(located(span, message));
        }
        Ok(limits)
    }

    /// Finds the first key in which a level's limits are narrower than the
    /// level below it, and describes it.
    fn first_inversion(&self) -> Option<(ApproverRole, Key, String)> {
        for pair in ApproverRole::ALL.windows(2) {
            let (lower, higher) = (pair[0], pair[1]);
            let (low, high) = (self.level(lower), self.level(higher));
            let unlimited = |value: Option<Decimal>| value.unwrap_or(Decimal::MAX);
            let checks = [
                (Key::MaxInstallments, high.max_installments >= low.max_installments, high.max_installments.to_string(), "below", low.max_installments.to_string()),
                (
                    Key::MinDownPaymentPercent,
                    high.min_down_payment_percent <= low.min_down_payment_percent,
                    high.min_down_payment_percent.normalize().to_string(),
                    "above",
                    low.min_down_payment_percent.normalize().to_string(),
                ),
                (Key::MaxTermDays, high.max_term_days.unwrap_or(i64::MAX) >= low.max_term_days.unwrap_or(i64::MAX), show_days(high.max_term_days), "below", show_days(low.max_term_days)),
                (
                    Key::MaxInterestWaiverPercent,
                    unlimited(high.waiver.max_interest_waiver_percent) >= unlimited(low.waiver.max_interest_waiver_percent),
                    show_percent(high.waiver.max_interest_waiver_percent),
                    "below",
                    show_percent(low.waiver.max_interest_waiver_percent),
                ),
                (
                    Key::MaxPrincipalDiscountPercent,
                    unlimited(high.waiver.max_principal_discount_percent) >= unlimited(low.waiver.max_principal_discount_percent),
                    show_percent(high.waiver.max_principal_discount_percent),
                    "below",
                    show_percent(low.waiver.max_principal_discount_percent),
                ),
            ];
            for (key, ordered, high_value, relation, low_value) in checks {
                if !ordered {
                    let message = format!(
                        "{} {high_value} in [{}] is {relation} {low_value} in [{}]: a higher level needs limits at least as wide as the level below it",
                        key.name(),
                        higher.code(),
                        lower.code()
                    );
                    return Some((higher, key, message));
                }
            }
        }
        None
    }

    /// Writes the limits as TOML that [`ApprovalLimits::parse_toml`] reads
    /// back, every level with every key.
    pub fn to_toml(&self) -> String {
        let mut text = String::new();
        for role in ApproverRole::ALL {
            let level = self.level(role);
            if !text.is_empty() {
                text.push('\n');
            }
            let _ = writeln!(text, "[{}]", role.code());
            let _ = writeln!(text, "max_installments = {}", level.max_installments);
            let _ = writeln!(text, "min_down_payment_percent = {}", level.min_down_payment_percent.normalize());
            let _ = writeln!(text, "max_term_days = {}", toml_days(level.max_term_days));
            let _ = writeln!(text, "max_interest_waiver_percent = {}", toml_percent(level.waiver.max_interest_waiver_percent));
            let _ = writeln!(text, "max_principal_discount_percent = {}", toml_percent(level.waiver.max_principal_discount_percent));
        }
        text
    }

    fn to_stored(&self) -> Vec<StoredRoleLimits> {
        ApproverRole::ALL
            .into_iter()
            .map(|role| {
                let level = self.level(role);
                StoredRoleLimits {
                    role: role.code().to_string(),
                    max_installments: i64::from(level.max_installments),
                    min_down_payment_percent: level.min_down_payment_percent.normalize().to_string(),
                    max_term_days: level.max_term_days,
                    max_interest_waiver_percent: level.waiver.max_interest_waiver_percent.map(|value| value.normalize().to_string()),
                    max_principal_discount_percent: level.waiver.max_principal_discount_percent.map(|value| value.normalize().to_string()),
                }
            })
            .collect()
    }

    /// Rebuilds the limits from stored rows; a level without a row keeps its
    /// default.
    fn from_stored(rows: &[StoredRoleLimits]) -> Result<Self, NegotiationError> {
        let mut limits = Self::defaults();
        for row in rows {
            let bad = |column: &str, value: &str| NegotiationError::Invalid(format!("stored approval limit {column} {value:?} of level {} is invalid", row.role));
            let role = ApproverRole::from_code(&row.role).ok_or_else(|| bad("role", &row.role))?;
            let decimal = |column: &str, text: &str| text.parse::<Decimal>().map_err(|_| bad(column, text));
            limits.levels[level_index(role)] = LevelLimits {
                max_installments: u32::try_from(row.max_installments).map_err(|_| bad("max_installments", &row.max_installments.to_string()))?,
                min_down_payment_percent: decimal("min_down_payment_percent", &row.min_down_payment_percent)?,
                max_term_days: row.max_term_days,
                waiver: WaiverAuthority {
                    max_interest_waiver_percent: row.max_interest_waiver_percent.as_deref().map(|text| decimal("max_interest_waiver_percent", text)).transpose()?,
                    max_principal_discount_percent: row.max_principal_discount_percent.as_deref().map(|text| decimal("max_principal_discount_percent", text)).transpose()?,
                },
            };
        }
        Ok(limits)
    }
}

/// The string that lifts a limit in the TOML file.
const NO_LIMIT: &str = "none";

/// An invalid limits file, located at the value or the syntax error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct LimitsError {
    /// The file name, as the user gave it.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Loads the approval limits of a portfolio: the stored ones, or the
/// defaults when none were set.
pub async fn limits_of(conn: &mut Conn, portfolio_id: i64) -> Result<ApprovalLimits, NegotiationError> {
    let rows = stored::load_approval_limits(conn, portfolio_id).await?;
    ApprovalLimits::from_stored(&rows)
}

/// Returns the limits of a portfolio and whether they are its own rather
/// than the defaults.
pub async fn portfolio_limits(conn: &mut Conn, portfolio_code: &str) -> Result<(ApprovalLimits, bool), NegotiationError> {
    let portfolio = find_portfolio(conn, portfolio_code).await?;
    let rows = stored::load_approval_limits(conn, portfolio.id).await?;
    Ok((ApprovalLimits::from_stored(&rows)?, !rows.is_empty()))
}

/// Stores the limits of a portfolio, replacing any earlier ones, and
/// records the change with the new limits in the audit trail.
pub async fn set_limits(conn: &mut Conn, portfolio_code: &str, limits: &ApprovalLimits, by: &str) -> Result<(), NegotiationError> {
    let portfolio = find_portfolio(conn, portfolio_code).await?;
    stored::replace_approval_limits(conn, portfolio.id, &limits.to_stored(), by).await?;
    let summary = ApproverRole::ALL
        .into_iter()
        .map(|role| {
            let level = limits.level(role);
            format!(
                "{}: {} installments, {}% down, {} days, {}% interest, {}% principal",
                role.code(),
                level.max_installments,
                level.min_down_payment_percent.normalize(),
                show_days(level.max_term_days),
                show_percent(level.waiver.max_interest_waiver_percent),
                show_percent(level.waiver.max_principal_discount_percent)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    audit(conn, by, "approval_limits.set", portfolio_code, &summary).await?;
    Ok(())
}

fn level_index(role: ApproverRole) -> usize {
    match role {
        ApproverRole::Collector => 0,
        ApproverRole::Manager => 1,
        ApproverRole::Director => 2,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    MaxInstallments,
    MinDownPaymentPercent,
    MaxTermDays,
    MaxInterestWaiverPercent,
    MaxPrincipalDiscountPercent,
}

impl Key {
    fn name(self) -> &'static str {
        match self {
            Key::MaxInstallments => "max_installments",
            Key::MinDownPaymentPercent => "min_down_payment_percent",
            Key::MaxTermDays => "max_term_days",
            Key::MaxInterestWaiverPercent => "max_interest_waiver_percent",
            Key::MaxPrincipalDiscountPercent => "max_principal_discount_percent",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    collector: Option<LevelSection>,
    manager: Option<LevelSection>,
    director: Option<LevelSection>,
}

/// One level's table as written, each value with its place in the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelSection {
    max_installments: Option<Spanned<toml::Value>>,
    min_down_payment_percent: Option<Spanned<toml::Value>>,
    max_term_days: Option<Spanned<toml::Value>>,
    max_interest_waiver_percent: Option<Spanned<toml::Value>>,
    max_principal_discount_percent: Option<Spanned<toml::Value>>,
}

impl LevelSection {
    fn entries(&self) -> [(Key, Option<&Spanned<toml::Value>>); 5] {
        [
            (Key::MaxInstallments, self.max_installments.as_ref()),
            (Key::MinDownPaymentPercent, self.min_down_payment_percent.as_ref()),
            (Key::MaxTermDays, self.max_term_days.as_ref()),
            (Key::MaxInterestWaiverPercent, self.max_interest_waiver_percent.as_ref()),
            (Key::MaxPrincipalDiscountPercent, self.max_principal_discount_percent.as_ref()),
        ]
    }
}

fn whole_number(value: &toml::Value) -> Option<i64> {
    match value {
        toml::Value::Integer(number) => Some(*number),
        _ => None,
    }
}

/// Reads a percent from 0 to 100: an integer, a decimal written as a TOML
/// float (read from its text `raw`, never through `f64`) or a string such
/// as `"12.5"`.
fn percent(value: &toml::Value, raw: &str) -> Option<Decimal> {
    let parsed = match value {
        toml::Value::Integer(number) => Some(Decimal::from(*number)),
        toml::Value::Float(_) => raw.trim().replace('_', "").parse::<Decimal>().ok(),
        toml::Value::String(text) => text.trim().parse::<Decimal>().ok(),
        _ => None,
    };
    parsed.filter(|percent| *percent >= Decimal::ZERO && *percent <= Decimal::ONE_HUNDRED)
}

/// Returns the 1-based line and column of a byte offset, counting
/// characters.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn show_days(days: Option<i64>) -> String {
    days.map_or_else(|| NO_LIMIT.to_string(), |days| days.to_string())
}

fn show_percent(percent: Option<Decimal>) -> String {
    percent.map_or_else(|| NO_LIMIT.to_string(), |percent| percent.normalize().to_string())
}

fn toml_days(days: Option<i64>) -> String {
    days.map_or_else(|| format!("\"{NO_LIMIT}\""), |days| days.to_string())
}

fn toml_percent(percent: Option<Decimal>) -> String {
    percent.map_or_else(|| format!("\"{NO_LIMIT}\""), |percent| percent.normalize().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_through_toml() {
        let text = ApprovalLimits::defaults().to_toml();
        assert!(text.contains("max_term_days = \"none\""), "{text}");
        assert_eq!(ApprovalLimits::parse_toml("limits.toml", &text).unwrap(), ApprovalLimits::defaults());
    }

    #[test]
    fn missing_keys_keep_their_defaults() {
        let limits = ApprovalLimits::parse_toml("limits.toml", "[collector]\nmax_interest_waiver_percent = 12.5\n").unwrap();
        assert_eq!(limits.level(ApproverRole::Collector).waiver.max_interest_waiver_percent, Some(Decimal::new(125, 1)));
        assert_eq!(limits.level(ApproverRole::Collector).max_installments, 6);
        assert_eq!(limits.level(ApproverRole::Manager), ApprovalLimits::defaults().level(ApproverRole::Manager));
    }

    #[test]
    fn errors_name_file_line_column_and_value() {
        let cases = [
            ("[collector]\nmax_installments = 0\n", "limits.toml:2:20: invalid max_installments 0 in [collector]"),
            ("[manager]\nmax_interest_waiver_percent = \"lots\"\n", "limits.toml:2:31: invalid max_interest_waiver_percent \"lots\" in [manager]"),
            ("[manager]\nmin_down_payment_percent = 101\n", "limits.toml:2:28: invalid min_down_payment_percent 101 in [manager]"),
            ("[collector]\nmax_term_days = -5\n", "limits.toml:2:17: invalid max_term_days -5 in [collector]"),
            ("[manager]\nmax_installments = 4\n", "limits.toml:2:20: max_installments 4 in [manager] is below 6 in [collector]"),
            ("[collector]\nmax_days = 3\n", "limits.toml:2:1: unknown field `max_days`"),
            ("[collector\n", "limits.toml:1:"),
        ];
        for (text, expected) in cases {
            let message = ApprovalLimits::parse_toml("limits.toml", text).unwrap_err().to_string();
            assert!(message.starts_with(expected), "{text:?} gave {message:?}");
        }
    }

    #[test]
    fn lowered_collector_limit_moves_the_lowest_approver() {
        let limits = ApprovalLimits::parse_toml("limits.toml", "[collector]\nmax_interest_waiver_percent = 20\n").unwrap();
        let matrix = limits.authority_matrix();
        assert_eq!(matrix.authority(ApproverRole::Collector).unwrap().max_interest_waiver_percent, Some(Decimal::from(20)));
        assert_eq!(matrix.authority(ApproverRole::Director), Some(WaiverAuthority::unlimited()));
    }
}
