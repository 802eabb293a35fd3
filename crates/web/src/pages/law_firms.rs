//! The law firm registry: the list with each firm's fees, capacity and
//! open referrals, and the form that adds or edits a firm.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use recobro_app::legal::{self as app_legal, FirmInput};
use recobro_core::number::parse_amount;
use recobro_store::legal::LawFirm;
use serde::Deserialize;

use super::legal::{amount_format, case_portfolio, internal, transfer_error_text};
use super::{Layout, PageError, PageResult, non_empty, render};
use crate::AppState;
use crate::auth::SignedIn;
use crate::authz::{self, Permission};
use crate::i18n::Translator;

struct FirmRow {
    code: String,
    name: String,
    contact: String,
    fees: String,
    capacity: Option<i64>,
    open_referrals: i64,
    active: bool,
}

/// The law firm form's fields, as typed.
#[derive(Deserialize, Default)]
pub struct FirmForm {
    csrf: Option<String>,
    code: Option<String>,
    name: Option<String>,
    contact_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    contingency_percent: Option<String>,
    fixed_fee: Option<String>,
    fee_currency: Option<String>,
    capacity: Option<String>,
    active: Option<String>,
}

/// The form's values as text, for the template.
struct FirmFormValues {
    code: String,
    name: String,
    contact_name: String,
    email: String,
    phone: String,
    address: String,
    contingency_percent: String,
    fixed_fee: String,
    fee_currency: String,
    capacity: String,
    active: bool,
}

impl FirmFormValues {
    fn from_form(form: &FirmForm) -> Self {
        let text = |value: &Option<String>| value.as_deref().unwrap_or_default().trim().to_string();
        Self {
            code: text(&form.code),
            name: text(&form.name),
            contact_name: text(&form.contact_name),
            email: text(&form.email),
            phone: text(&form.phone),
            address: text(&form.address),
            contingency_percent: text(&form.contingency_percent),
            fixed_fee: text(&form.fixed_fee),
            fee_currency: text(&form.fee_currency),
            capacity: text(&form.capacity),
            active: form.active.is_some(),
        }
    }

    fn from_firm(tr: Translator, firm: &LawFirm) -> Self {
        let fixed_fee = match (&firm.fee_currency, firm.fixed_fee_minor) {
            (Some(currency), minor) if minor > 0 => tr.money(&minor, currency),
            _ => String::new(),
        };
        Self {
            code: firm.code.clone(),
            name: firm.name.clone(),
            contact_name: firm.contact_name.clone().unwrap_or_default(),
            email: firm.email.clone().unwrap_or_default(),
            phone: firm.phone.clone().unwrap_or_default(),
            address: firm.address.clone().unwrap_or_default(),
            contingency_percent: tr.decimal(&firm.contingency_percent),
            fixed_fee,
            fee_currency: firm.fee_currency.clone().unwrap_or_default(),
            capacity: firm.capacity.map(|capacity| capacity.to_string()).unwrap_or_default(),
            active: firm.active,
        }
    }

    fn empty() -> Self {
        Self {
            code: String::new(),
            name: String::new(),
            contact_name: String::new(),
            email: String::new(),
            phone: String::new(),
            address: String::new(),
            contingency_percent: String::new(),
            fixed_fee: String::new(),
            fee_currency: String::new(),
            capacity: String::new(),
            active: true,
        }
    }
}

#[derive(Template)]
#[template(path = "law_firms.html")]
struct FirmsPage {
    tr: Translator,
    layout: Layout,
    code: String,
    firms: Vec<FirmRow>,
    can_edit: bool,
    editing: bool,
    form: FirmFormValues,
    errors: Vec<String>,
}

#[derive(Deserialize)]
pub struct FirmQuery {
    edit: Option<String>,
}

pub async fn firms(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, Query(query): Query<FirmQuery>) -> PageResult {
    let tr = user.tr;
    let firms = app_legal::list_firms(&state.store).await.map_err(|error| PageError::new(tr, internal(error)))?;
    let editing = non_empty(&query.edit).and_then(|edit| firms.iter().find(|firm| firm.code == edit).map(|firm| FirmFormValues::from_firm(tr, firm)));
    let is_editing = editing.is_some();
    show_firms(&state, &user, &code, firms, editing.unwrap_or_else(FirmFormValues::empty), is_editing, Vec::new()).await
}

async fn show_firms(state: &AppState, user: &SignedIn, code: &str, firms: Vec<LawFirm>, form: FirmFormValues, editing: bool, errors: Vec<String>) -> PageResult {
    let tr = user.tr;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let portfolio = case_portfolio(&mut conn, user, code).await?;
    drop(conn);
    let rows = firms
        .iter()
        .map(|firm| {
            let mut fees = format!("{} %", tr.decimal(&firm.contingency_percent));
            if let (Some(currency), true) = (&firm.fee_currency, firm.fixed_fee_minor > 0) {
                fees.push_str(&format!(" + {} {currency}", tr.money(&firm.fixed_fee_minor, currency)));
            }
            let contact = [firm.contact_name.as_deref(), firm.email.as_deref(), firm.phone.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
            FirmRow { code: firm.code.clone(), name: firm.name.clone(), contact, fees, capacity: firm.capacity, open_referrals: firm.open_referrals, active: firm.active }
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let layout = Layout::new(user, tr.t("firms-title"), Some(&portfolio), "legal");
    let page = FirmsPage { tr, layout, code: code.to_string(), firms: rows, can_edit: authz::allows(user.actor.role, Permission::DecideTransfers), editing, form, errors };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Adds a law firm or updates the one with the same code.
pub async fn save_firm(State(state): State<AppState>, user: SignedIn, Path(code): Path<String>, axum::Form(form): axum::Form<FirmForm>) -> PageResult {
    let tr = user.tr;
    user.check_csrf(form.csrf.as_deref().unwrap_or_default()).map_err(|error| PageError::new(tr, error))?;
    authz::require(&user.actor, Permission::DecideTransfers).map_err(|error| PageError::new(tr, error))?;
    let values = FirmFormValues::from_form(&form);

    let (input, mut errors) = check_firm_form(tr, &values);
    if let (Some(input), true) = (input, errors.is_empty()) {
        match app_legal::save_firm(&state.store, &input, &user.actor.username).await {
            Ok(firm) => {
                tracing::info!(user = %user.actor.username, firm = %firm.code, "law firm saved");
                return Ok(Redirect::to(&format!("/p/{code}/law-firms")).into_response());
            }
            Err(error) => {
                tracing::warn!(user = %user.actor.username, firm = %input.code, %error, "law firm not saved");
                errors.push(transfer_error_text(tr, error).map_err(|error| PageError::new(tr, error))?);
            }
        }
    }
    let firms = app_legal::list_firms(&state.store).await.map_err(|error| PageError::new(tr, internal(error)))?;
    let editing = firms.iter().any(|firm| firm.code == values.code);
    show_firms(&state, &user, &code, firms, values, editing, errors).await
}

/// Checks the form's fields, with a message in the user's language for
/// each problem, and builds the input of the application layer, whose
/// numbers use a decimal point.
fn check_firm_form(tr: Translator, values: &FirmFormValues) -> (Option<FirmInput>, Vec<String>) {
    let mut errors = Vec::new();
    if values.code.is_empty() || !values.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        errors.push(tr.t_args("firm-error-code", &[("value", values.code.clone())]));
    }
    if values.name.is_empty() {
        errors.push(tr.t("firm-error-name"));
    }
    let percent = match parse_amount(&values.contingency_percent, amount_format(tr)) {
        Ok(percent) if percent >= rust_decimal::Decimal::ZERO && percent <= rust_decimal::Decimal::ONE_HUNDRED => Some(percent),
        _ => {
            errors.push(tr.t_args("firm-error-percent", &[("value", values.contingency_percent.clone())]));
            None
        }
    };
    let fixed_fee = if values.fixed_fee.is_empty() {
        None
    } else {
        match parse_amount(&values.fixed_fee, amount_format(tr)) {
            Ok(amount) if amount >= rust_decimal::Decimal::ZERO => {
                if values.fee_currency.is_empty() {
                    errors.push(tr.t("firm-error-fee-currency"));
                }
                Some(amount.to_string())
            }
            _ => {
                errors.push(tr.t_args("firm-error-fee", &[("value", values.fixed_fee.clone())]));
                None
            }
        }
    };
    let capacity = if values.capacity.is_empty() {
        None
    } else {
        match values.capacity.parse::<i64>() {
            Ok(capacity) if capacity >= 1 => Some(capacity),
            _ => {
                errors.push(tr.t_args("firm-error-capacity", &[("value", values.capacity.clone())]));
                None
            }
        }
    };
    if !values.email.is_empty() && !values.email.contains('@') {
        errors.push(tr.t_args("firm-error-email", &[("value", values.email.clone())]));
    }
    let Some(percent) = percent else { return (None, errors) };
    let optional = |text: &str| (!text.is_empty()).then(|| text.to_string());
    let input = FirmInput {
        code: values.code.clone(),
        name: values.name.clone(),
        contact_name: optional(&values.contact_name),
        email: optional(&values.email),
        phone: optional(&values.phone),
        address: optional(&values.address),
        contingency_percent: percent.to_string(),
        fixed_fee,
        fee_currency: optional(&values.fee_currency),
        capacity,
        active: values.active,
    };
    (Some(input), errors)
}
