//! The interest statement of one customer as of a date: for each receivable
//! document, its periods of late interest, the interest waived, the fixed
//! compensation, and totals per currency.
//!
//! The store supplies each document's facts ([`DocumentFacts`]); this module
//! turns them into [`StatementLine`]s with the engine of [`super::calculate`].

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Debt, Exclusion, ExclusionKind, InterestError, InterestRule, Payment, calculate};
use crate::application::{ApplicationOrder, BalanceParts, apply_payment};
use crate::money::Currency;

/// A span during which a document was disputed: from the day it was opened
/// up to the day before it was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisputeSpan {
    pub opened_on: NaiveDate,
    /// `None` while the dispute is open.
    pub resolved_on: Option<NaiveDate>,
}

/// The facts of one invoice or debit note that the statement reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFacts {
    pub number: String,
    /// `invoice` or `debit_note`.
    pub kind: String,
    pub currency: Currency,
    pub due_date: NaiveDate,
    pub amount_minor: i64,
    /// Payments applied to the document, each dated by its allocation.
    pub allocations: Vec<Payment>,
    /// Credit notes applied to the document: they reduce its principal
    /// directly, never interest or compensation.
    pub credits: Vec<Payment>,
    pub disputes: Vec<DisputeSpan>,
    /// Interest waived for this document, in minor units.
    pub waived_minor: i64,
}

/// One period of a document's late interest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementPeriod {
    pub start: NaiveDate,
    /// The last day of the period, included.
    pub end: NaiveDate,
    pub days: i64,
    /// The interest-bearing amount, rounded to whole minor units.
    pub base_minor: i64,
    /// The annual rate applied, in percent; `None` for published factors.
    pub annual_percent: Option<Decimal>,
    /// The accumulated-factor ratio of the period, for published factors.
    pub factor: Option<Decimal>,
    pub interest_minor: i64,
}

/// One document of the statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementLine {
    pub number: String,
    pub kind: String,
    pub currency: Currency,
    pub due_date: NaiveDate,
    pub amount_minor: i64,
    /// The principal still owed on the as-of date.
    pub principal_open_minor: i64,
    /// The day the principal was paid in full, when that happened on or
    /// before the as-of date.
    pub settled_on: Option<NaiveDate>,
    /// Days past due on the as-of date or, for a settled document, on the
    /// day it was paid in full.
    pub days_past_due: i64,
    /// Whether a dispute was open on the as-of date.
    pub disputed: bool,
    pub periods: Vec<StatementPeriod>,
    pub interest_accrued_minor: i64,
    /// The part of the accrued interest that was waived.
    pub interest_waived_minor: i64,
    /// The part of the payments that went to interest, by the application
    /// order.
    pub interest_paid_minor: i64,
    /// Accrued interest less the waived and paid parts.
    pub interest_minor: i64,
    /// The part of the payments that went to the fixed compensation.
    pub fees_paid_minor: i64,
    /// The rule's fixed compensation for the late document, less what was
    /// paid of it.
    pub fees_minor: i64,
}

impl StatementLine {
    /// Returns whether the line belongs on a statement: the document is
    /// past due and open, or it still owes interest or fees.
    pub fn is_reportable(&self) -> bool {
        let open_and_late = self.principal_open_minor > 0 && self.settled_on.is_none() && self.days_past_due > 0;
        open_and_late || self.interest_minor > 0 || self.fees_minor > 0
    }
}

/// The totals of one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementTotals {
    pub currency: Currency,
    pub principal_minor: i64,
    pub interest_accrued_minor: i64,
    /// Waivers of the lines plus the applied part of the customer's
    /// waivers that name no document.
    pub interest_waived_minor: i64,
    pub interest_paid_minor: i64,
    pub interest_minor: i64,
    pub fees_minor: i64,
    /// Principal, interest and fees.
    pub total_minor: i64,
}

/// Builds the statement line of one document as of `as_of`. Without a rule
/// the line has no interest, no periods and no fees.
///
/// Interest runs from the day after the due date through the as-of date,
/// or through the day the principal was paid in full when that came first.
/// Allocations bear interest through their own date, and a dispute keeps
/// the whole document out of the base from the day it was opened up to the
/// day before it was resolved.
pub fn statement_line(rule: Option<&InterestRule>, facts: &DocumentFacts, as_of: NaiveDate) -> Result<StatementLine, InterestError> {
    statement_line_in_order(rule, facts, as_of, &ApplicationOrder::default())
}

/// Builds the statement line of one document as of `as_of`, applying each
/// payment to what the document owed on its date in `order`: by default
/// fees first, then interest, then principal. Interest runs on the
/// principal still owed, so a payment that covers interest first leaves
/// principal that goes on bearing interest. Without a rule every payment
/// goes to principal.
pub fn statement_line_in_order(rule: Option<&InterestRule>, facts: &DocumentFacts, as_of: NaiveDate, order: &ApplicationOrder) -> Result<StatementLine, InterestError> {
    // Credit notes come before payments of the same day.
    let credits = facts.credits.iter().map(|credit| (*credit, true));
    let payments = facts.allocations.iter().map(|payment| (*payment, false));
    let mut allocations: Vec<(Payment, bool)> = credits.chain(payments).filter(|(allocation, _)| allocation.date <= as_of).collect();
    allocations.sort_by_key(|(allocation, is_credit)| (allocation.date, !is_credit));
    let exclusions = |until: NaiveDate| dispute_exclusions(&facts.disputes, until);
    let debt = |payments: &[Payment], until: NaiveDate| Debt {
        principal_minor: facts.amount_minor,
        currency: facts.currency,
        due_date: facts.due_date,
        until,
        payments: payments.to_vec(),
        exclusions: exclusions(until),
    };

    // Each payment is split over the fees, interest and principal owed on
    // its date; only its principal part lowers the interest-bearing base.
    let mut principal_payments: Vec<Payment> = Vec::new();
    let mut paid = BalanceParts::default();
    for (allocation, is_credit) in &allocations {
        if *is_credit {
            paid.principal_minor += allocation.amount_minor;
            principal_payments.push(*allocation);
            continue;
        }
        let owed = match rule {
            None => BalanceParts { principal_minor: facts.amount_minor - paid.principal_minor, interest_minor: 0, fees_minor: 0 },
            Some(rule) => {
                let accrued = calculate(rule, &debt(&principal_payments, allocation.date))?;
                BalanceParts {
                    principal_minor: facts.amount_minor - paid.principal_minor,
                    interest_minor: accrued.interest_minor - paid.interest_minor,
                    fees_minor: accrued.compensation_minor - paid.fees_minor,
                }
            }
        };
        let split = apply_payment(allocation.amount_minor, &owed, order);
        paid.fees_minor += split.fees_minor;
        paid.interest_minor += split.interest_minor;
        // What exceeds the whole debt stays with the principal, as the
        // ledger applied it.
        let principal_part = split.principal_minor + split.unapplied_minor;
        paid.principal_minor += principal_part;
        if principal_part > 0 {
            principal_payments.push(Payment { date: allocation.date, amount_minor: principal_part });
        }
    }

    let principal_open_minor = (facts.amount_minor - paid.principal_minor).max(0);
    let settled_on = if principal_open_minor == 0 { principal_payments.last().map(|payment| payment.date) } else { None };
    let until = settled_on.unwrap_or(as_of);
    let disputed = facts.disputes.iter().any(|span| span.opened_on <= as_of && span.resolved_on.is_none_or(|resolved| resolved > as_of));

    let mut line = StatementLine {
        number: facts.number.clone(),
        kind: facts.kind.clone(),
        currency: facts.currency,
        due_date: facts.due_date,
        amount_minor: facts.amount_minor,
        principal_open_minor,
        settled_on,
        days_past_due: crate::days_past_due(until, facts.due_date),
        disputed,
        periods: Vec::new(),
        interest_accrued_minor: 0,
        interest_waived_minor: 0,
        interest_paid_minor: 0,
        interest_minor: 0,
        fees_paid_minor: 0,
        fees_minor: 0,
    };
    let Some(rule) = rule else { return Ok(line) };

    let result = calculate(rule, &debt(&principal_payments, until))?;
    line.periods = result
        .periods
        .iter()
        .map(|period| StatementPeriod {
            start: period.start,
            end: period.end,
            days: period.days,
            base_minor: i64::try_from(period.base_minor.round()).unwrap_or(i64::MAX),
            annual_percent: period.annual_percent.map(|percent| percent.normalize()),
            factor: period.factor,
            interest_minor: period.interest_minor,
        })
        .collect();
    line.interest_accrued_minor = result.interest_minor;
    line.interest_paid_minor = paid.interest_minor.min(result.interest_minor);
    line.interest_waived_minor = facts.waived_minor.clamp(0, result.interest_minor - line.interest_paid_minor);
    line.interest_minor = result.interest_minor - line.interest_paid_minor - line.interest_waived_minor;
    line.fees_paid_minor = paid.fees_minor.min(result.compensation_minor);
    line.fees_minor = result.compensation_minor - line.fees_paid_minor;
    Ok(line)
}

/// Turns dispute spans into whole-document exclusions. A dispute resolved
/// on the day it was opened excluded no day, and one opened after `until`
/// has no effect.
fn dispute_exclusions(disputes: &[DisputeSpan], until: NaiveDate) -> Vec<Exclusion> {
    disputes
        .iter()
        .filter(|span| span.opened_on <= until)
        .filter_map(|span| {
            let last_day = match span.resolved_on {
                Some(resolved) if resolved <= span.opened_on => return None,
                Some(resolved) if resolved <= until => Some(resolved - Days::new(1)),
                _ => None,
            };
            Some(Exclusion { kind: ExclusionKind::Dispute, first_day: span.opened_on, last_day, amount_minor: None })
        })
        .collect()
}

/// Adds up the lines per currency, in the order the currencies first
/// appear. `general_waivers` are the customer's waivers that name no
/// document, as (currency, minor units); each reduces its currency's
/// interest, never below zero.
pub fn statement_totals(lines: &[StatementLine], general_waivers: &[(Currency, i64)]) -> Vec<StatementTotals> {
    let mut totals: Vec<StatementTotals> = Vec::new();
    for line in lines {
        let index = match totals.iter().position(|total| total.currency == line.currency) {
            Some(index) => index,
            None => {
                totals.push(StatementTotals {
                    currency: line.currency,
                    principal_minor: 0,
                    interest_accrued_minor: 0,
                    interest_waived_minor: 0,
                    interest_paid_minor: 0,
                    interest_minor: 0,
                    fees_minor: 0,
                    total_minor: 0,
                });
                totals.len() - 1
            }
        };
        let total = &mut totals[index];
        total.principal_minor += line.principal_open_minor;
        total.interest_accrued_minor += line.interest_accrued_minor;
        total.interest_waived_minor += line.interest_waived_minor;
        total.interest_paid_minor += line.interest_paid_minor;
        total.interest_minor += line.interest_minor;
        total.fees_minor += line.fees_minor;
    }

    for total in &mut totals {
        let waived: i64 = general_waivers.iter().filter(|(currency, _)| *currency == total.currency).map(|(_, minor)| *minor).sum();
        let applied = waived.clamp(0, total.interest_minor);
        total.interest_waived_minor += applied;
        total.interest_minor -= applied;
        total.total_minor = total.principal_minor + total.interest_minor + total.fees_minor;
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interest::DayCount;

    fn date(text: &str) -> NaiveDate {
        crate::parse_iso_date(text).unwrap()
    }

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn invoice(amount_minor: i64, due: &str) -> DocumentFacts {
        DocumentFacts {
            number: "F-1".into(),
            kind: "invoice".into(),
            currency: eur(),
            due_date: date(due),
            amount_minor,
            allocations: Vec::new(),
            credits: Vec::new(),
            disputes: Vec::new(),
            waived_minor: 0,
        }
    }

    #[test]
    fn open_invoice_accrues_to_as_of() {
        // 1,000.00 at 36.5 % act/365 earns exactly 1.00 a day.
        let rule = InterestRule::contractual(Decimal::new(365, 1), DayCount::Act365Fixed);
        let line = statement_line(Some(&rule), &invoice(100_000, "2024-03-01"), date("2024-03-31")).unwrap();
        assert_eq!(line.days_past_due, 30);
        assert_eq!(line.interest_accrued_minor, 3_000);
        assert_eq!(line.principal_open_minor, 100_000);
        assert!(line.is_reportable());
    }

    #[test]
    fn paid_late_with_interest_stops_on_payment() {
        let rule = InterestRule::contractual(Decimal::new(365, 1), DayCount::Act365Fixed);
        let mut facts = invoice(100_000, "2024-03-01");
        facts.allocations = vec![Payment { date: date("2024-03-11"), amount_minor: 101_000 }];
        let line = statement_line(Some(&rule), &facts, date("2024-06-30")).unwrap();
        assert_eq!(line.settled_on, Some(date("2024-03-11")));
        assert_eq!(line.days_past_due, 10);
        assert_eq!(line.interest_accrued_minor, 1_000);
        assert_eq!(line.interest_paid_minor, 1_000, "the payment covers the interest first");
        assert_eq!(line.interest_minor, 0);
        assert_eq!(line.periods.len(), 1, "no trailing period after the payment");
        assert!(!line.is_reportable());
    }

    #[test]
    fn payment_covers_interest_before_principal() {
        // 1,000.00 paid on day 10 covers the 10.00 of interest first, so
        // 10.00 of principal stays open and bears 0.01 a day to 30 June.
        let rule = InterestRule::contractual(Decimal::new(365, 1), DayCount::Act365Fixed);
        let mut facts = invoice(100_000, "2024-03-01");
        facts.allocations = vec![Payment { date: date("2024-03-11"), amount_minor: 100_000 }];
        let line = statement_line(Some(&rule), &facts, date("2024-06-30")).unwrap();
        assert_eq!(line.settled_on, None);
        assert_eq!(line.principal_open_minor, 1_000);
        assert_eq!(line.interest_paid_minor, 1_000);
        assert_eq!(line.interest_accrued_minor, 1_000 + 111);
        assert_eq!(line.interest_minor, 111);
        assert!(line.is_reportable());
    }

    #[test]
    fn principal_first_order_leaves_interest_owed() {
        let rule = InterestRule::contractual(Decimal::new(365, 1), DayCount::Act365Fixed);
        let mut facts = invoice(100_000, "2024-03-01");
        facts.allocations = vec![Payment { date: date("2024-03-11"), amount_minor: 100_000 }];
        let order = ApplicationOrder::parse("principal,interest,fees").unwrap();
        let line = statement_line_in_order(Some(&rule), &facts, date("2024-06-30"), &order).unwrap();
        assert_eq!(line.settled_on, Some(date("2024-03-11")));
        assert_eq!(line.principal_open_minor, 0);
        assert_eq!(line.interest_paid_minor, 0);
        assert_eq!(line.interest_minor, 1_000, "the interest stays owed after the principal is paid");
        assert!(line.is_reportable());
    }

    #[test]
    fn dispute_excludes_until_resolution() {
        let rule = InterestRule::contractual(Decimal::new(365, 1), DayCount::Act365Fixed);
        let mut facts = invoice(100_000, "2024-03-01");
        // Disputed 2024-03-11 through 2024-03-20, resolved on the 21st.
        facts.disputes = vec![DisputeSpan { opened_on: date("2024-03-11"), resolved_on: Some(date("2024-03-21")) }];
        let line = statement_line(Some(&rule), &facts, date("2024-03-31")).unwrap();
        assert_eq!(line.interest_accrued_minor, 2_000, "30 days less 10 disputed");
        assert!(!line.disputed);
    }

    #[test]
    fn waiver_capped_at_accrued() {
        let rule = InterestRule::contractual(Decimal::new(365, 1), DayCount::Act365Fixed);
        let mut facts = invoice(100_000, "2024-03-01");
        facts.waived_minor = 5_000;
        let line = statement_line(Some(&rule), &facts, date("2024-03-31")).unwrap();
        assert_eq!(line.interest_waived_minor, 3_000);
        assert_eq!(line.interest_minor, 0);
    }

    #[test]
    fn without_rule_no_interest() {
        let line = statement_line(None, &invoice(100_000, "2024-03-01"), date("2024-03-31")).unwrap();
        assert_eq!(line.interest_accrued_minor, 0);
        assert!(line.periods.is_empty());
        assert!(line.is_reportable(), "an open past-due invoice is listed without a rule too");
    }

    #[test]
    fn totals_apply_general_waivers() {
        let rule = InterestRule::contractual(Decimal::new(365, 1), DayCount::Act365Fixed);
        let line = statement_line(Some(&rule), &invoice(100_000, "2024-03-01"), date("2024-03-31")).unwrap();
        let totals = statement_totals(&[line], &[(eur(), 500)]);
        assert_eq!(totals.len(), 1);
        assert_eq!(totals[0].interest_minor, 2_500);
        assert_eq!(totals[0].interest_waived_minor, 500);
        assert_eq!(totals[0].total_minor, 102_500);
    }
}
