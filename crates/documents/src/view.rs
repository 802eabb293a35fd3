//! The data a template reads, already formatted for one language: every
//! amount and date is text such as `1.234,56` and `31/01/2024`, so the
//! templates never format numbers. Templates find it in `sys.inputs`.

use chrono::NaiveDate;
use recobro_core::Currency;
use recobro_core::interest::statement::{StatementLine, StatementPeriod, StatementTotals};
use recobro_core::locale::Locale;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::data::{LetterData, Letterhead, PlanTerms, Recipient, RuleSummary, SettlementTerms, StatementDocument};
use crate::{Language, LetterKind};

/// Formats values of one currency in one language.
struct Formatter {
    locale: Locale,
    currency: Currency,
}

impl Formatter {
    fn money(&self, minor: i64) -> String {
        self.locale.format_minor(minor, self.currency)
    }

    fn date(&self, date: NaiveDate) -> String {
        self.locale.format_date(date)
    }

    fn optional_date(&self, date: Option<NaiveDate>) -> Value {
        date.map_or(Value::Null, |date| Value::String(self.date(date)))
    }

    fn percent(&self, percent: Decimal) -> String {
        self.locale.format_decimal_text(&percent.normalize().to_string())
    }
}

fn letterhead_view(letterhead: &Letterhead) -> Value {
    json!({
        "company_name": letterhead.company_name,
        "address_lines": letterhead.address_lines,
        "tax_id": letterhead.tax_id,
    })
}

fn recipient_view(recipient: &Recipient) -> Value {
    json!({
        "name": recipient.name,
        "reference": recipient.reference,
        "tax_id": recipient.tax_id,
        "address_lines": recipient.address_lines,
    })
}

/// Builds the inputs of a letter template.
pub(crate) fn letter_view(kind: LetterKind, data: &LetterData, language: Language) -> Value {
    let format = Formatter { locale: language.locale(), currency: data.currency };
    let documents: Vec<Value> = data
        .documents
        .iter()
        .map(|document| {
            json!({
                "number": document.number,
                "due_date": format.date(document.due_date),
                "days_past_due": document.days_past_due,
                "open": format.money(document.open_minor),
                "interest": format.money(document.interest_minor),
            })
        })
        .collect();

    let principal: i64 = data.documents.iter().map(|document| document.open_minor).sum();
    let interest: i64 = data.documents.iter().map(|document| document.interest_minor).sum();
    let total = principal + interest + data.fees_minor;

    json!({
        "lang": language.code(),
        "kind": kind.code(),
        "letterhead": letterhead_view(&data.letterhead),
        "recipient": recipient_view(&data.recipient),
        "date": format.date(data.date),
        "currency": data.currency.code(),
        "documents": documents,
        "has_interest": interest != 0,
        "has_fees": data.fees_minor != 0,
        "totals": {
            "principal": format.money(principal),
            "interest": format.money(interest),
            "fees": format.money(data.fees_minor),
            "total": format.money(total),
        },
        "pay_by": format.optional_date(data.pay_by),
        "signatory": {
            "name": data.signatory.name,
            "title": data.signatory.title,
        },
        "plan": data.plan.as_ref().map_or(Value::Null, |plan| plan_view(plan, &format)),
        "settlement": data.settlement.as_ref().map_or(Value::Null, |settlement| settlement_view(settlement, total, &format)),
    })
}

fn plan_view(plan: &PlanTerms, format: &Formatter) -> Value {
    let installments: Vec<Value> = plan
        .installments
        .iter()
        .map(|installment| {
            json!({
                "number": installment.number,
                "due_date": format.date(installment.due_date),
                "principal": format.money(installment.principal_minor),
                "interest": format.money(installment.interest_minor),
                "amount": format.money(installment.amount_minor),
            })
        })
        .collect();
    let principal: i64 = plan.installments.iter().map(|installment| installment.principal_minor).sum();
    let interest: i64 = plan.installments.iter().map(|installment| installment.interest_minor).sum();
    let amount: i64 = plan.installments.iter().map(|installment| installment.amount_minor).sum();

    json!({
        "has_down_payment": plan.down_payment_minor != 0,
        "down_payment": format.money(plan.down_payment_minor),
        "down_payment_due": format.optional_date(plan.down_payment_due),
        "annual_rate": format.percent(plan.annual_rate_percent),
        "grace_days": plan.grace_days,
        "installment_count": plan.installments.len(),
        "installments": installments,
        "installment_totals": {
            "principal": format.money(principal),
            "interest": format.money(interest),
            "amount": format.money(amount),
        },
        "total": format.money(plan.down_payment_minor + amount),
    })
}

fn settlement_view(settlement: &SettlementTerms, debt_total_minor: i64, format: &Formatter) -> Value {
    json!({
        "lump_sum": format.money(settlement.lump_sum_minor),
        "pay_by": format.date(settlement.pay_by),
        "interest_waived": format.money(settlement.interest_waived_minor),
        "has_principal_discount": settlement.principal_discount_minor != 0,
        "principal_discount": format.money(settlement.principal_discount_minor),
        "debt_total": format.money(debt_total_minor),
    })
}

/// Builds the inputs of the statement template.
pub(crate) fn statement_view(document: &StatementDocument, language: Language) -> Value {
    let locale = language.locale();
    let lines: Vec<Value> = document.lines.iter().map(|line| statement_line_view(line, locale)).collect();
    let totals: Vec<Value> = document.totals.iter().map(|total| statement_totals_view(total, locale)).collect();
    let has_fees = document.totals.iter().any(|total| total.fees_minor != 0);
    let has_waivers = document.totals.iter().any(|total| total.interest_waived_minor != 0);
    let has_interest_paid = document.totals.iter().any(|total| total.interest_paid_minor != 0);

    json!({
        "lang": language.code(),
        "letterhead": letterhead_view(&document.letterhead),
        "recipient": recipient_view(&document.recipient),
        "as_of": locale.format_date(document.as_of),
        "rule": document.rule.as_ref().map_or(Value::Null, |rule| rule_view(rule, locale)),
        "lines": lines,
        "totals": totals,
        "has_fees": has_fees,
        "has_waivers": has_waivers,
        "has_interest_paid": has_interest_paid,
    })
}

fn rule_view(rule: &RuleSummary, locale: Locale) -> Value {
    json!({
        "regime": rule.regime,
        "rate": rule.annual_percent.map(|percent| locale.format_decimal_text(&percent.normalize().to_string())),
        "day_count": rule.day_count,
        "grace_days": rule.grace_days,
        "effective_on": locale.format_date(rule.effective_on),
        "customer_specific": rule.customer_specific,
    })
}

fn statement_line_view(line: &StatementLine, locale: Locale) -> Value {
    let format = Formatter { locale, currency: line.currency };
    let periods: Vec<Value> = line.periods.iter().map(|period| statement_period_view(period, &format)).collect();
    json!({
        "number": line.number,
        "kind": line.kind,
        "currency": line.currency.code(),
        "due_date": format.date(line.due_date),
        "amount": format.money(line.amount_minor),
        "principal_open": format.money(line.principal_open_minor),
        "settled_on": format.optional_date(line.settled_on),
        "days_past_due": line.days_past_due,
        "disputed": line.disputed,
        "interest_accrued": format.money(line.interest_accrued_minor),
        "interest_waived": format.money(line.interest_waived_minor),
        "has_waiver": line.interest_waived_minor != 0,
        "interest_paid": format.money(line.interest_paid_minor),
        "interest": format.money(line.interest_minor),
        "fees": format.money(line.fees_minor),
        "periods": periods,
    })
}

fn statement_period_view(period: &StatementPeriod, format: &Formatter) -> Value {
    json!({
        "start": format.date(period.start),
        "end": format.date(period.end),
        "days": period.days,
        "base": format.money(period.base_minor),
        "rate": period.annual_percent.map(|percent| format.percent(percent)),
        "factor": period.factor.map(|factor| format.locale.format_decimal_text(&factor.round_dp(8).to_string())),
        "interest": format.money(period.interest_minor),
    })
}

fn statement_totals_view(total: &StatementTotals, locale: Locale) -> Value {
    let format = Formatter { locale, currency: total.currency };
    json!({
        "currency": total.currency.code(),
        "principal": format.money(total.principal_minor),
        "interest_accrued": format.money(total.interest_accrued_minor),
        "interest_waived": format.money(total.interest_waived_minor),
        "interest_paid": format.money(total.interest_paid_minor),
        "interest": format.money(total.interest_minor),
        "fees": format.money(total.fees_minor),
        "total": format.money(total.total_minor),
    })
}
