//! Checking a file's records against the stored ledger and against each
//! other, and deciding what to write. Nothing here touches the database:
//! every check runs before the first write, so a rejected file writes
//! nothing.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use indexmap::{Equivalent, IndexMap, IndexSet};
use recobro_core::Currency;
use recobro_core::allocation::{OpenDocument, allocate_oldest_first};
use recobro_store::ledger::{AllocationSource, CustomerData, StoredAllocation, StoredDocument, StoredPayment, SnapshotAccountData};

use super::error::{ErrorList, RowError, RowErrorCode, RowMessage};
use super::mapping::{RecordKind, UnallocatedPayments};
use super::parse::ColumnMap;
use super::records::{AllocationIn, AllocationSourceIn, CustomerIn, DOCUMENT_KINDS, DocumentIn, DocumentKey, FileRecords, PaymentIn};

/// The stored ledger of a portfolio, as far as an import needs it.
pub struct StoredLedger {
    pub customers: Vec<(i64, CustomerData)>,
    pub documents: Vec<StoredDocument>,
    pub payments: Vec<StoredPayment>,
    pub allocations: Vec<StoredAllocation>,
    pub snapshots: Vec<SnapshotAccountData>,
}

/// A customer's position in [`WritePlan::customers`]. The planner keys
/// customers, documents and payments by position, so that a million rows
/// are checked without hashing or copying their text references again.
pub type CustomerKey = u32;

/// The kinds of receivable document, in the order of `DOCUMENT_KINDS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    Invoice,
    DebitNote,
    CreditNote,
}

impl DocumentKind {
    const ALL: [Self; 3] = [Self::Invoice, Self::DebitNote, Self::CreditNote];

    pub fn parse(text: &str) -> Option<Self> {
        DOCUMENT_KINDS.iter().position(|kind| *kind == text).map(|position| Self::ALL[position])
    }

    pub fn as_str(self) -> &'static str {
        DOCUMENT_KINDS[self as usize]
    }
}

/// A document's identity in a portfolio: its kind and number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentName {
    pub kind: DocumentKind,
    pub number: Box<str>,
}

/// A borrowed [`DocumentName`], for lookups. Its derived hash feeds the
/// same values in the same order as the owned one's.
#[derive(Hash)]
struct DocumentNameRef<'a> {
    kind: DocumentKind,
    number: &'a str,
}

impl Equivalent<DocumentName> for DocumentNameRef<'_> {
    fn equivalent(&self, key: &DocumentName) -> bool {
        self.kind == key.kind && self.number == &*key.number
    }
}

/// A document known to the import: stored, or new in this file. Its name
/// is at the same position in [`WritePlan::document_names`].
#[derive(Debug, Clone)]
pub struct DocumentState {
    pub stored_id: Option<i64>,
    pub customer: CustomerKey,
    pub kind: DocumentKind,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
    /// Open balance; for a credit note, what is left to apply.
    pub open_minor: i64,
    pub last_allocation_on: Option<NaiveDate>,
    pub balance_changed: bool,
}

/// A payment known to the import. Its reference is at the same position in
/// [`WritePlan::payment_refs`].
#[derive(Debug, Clone)]
pub struct PaymentState {
    pub stored_id: Option<i64>,
    pub customer: CustomerKey,
    pub paid_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
    pub unapplied_minor: i64,
    pub balance_changed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceIndex {
    Payment(usize),
    CreditNote(usize),
}

#[derive(Debug, Clone)]
pub struct NewAllocation {
    pub source: SourceIndex,
    pub document: usize,
    pub allocated_on: NaiveDate,
    pub amount_minor: i64,
}

/// The reason an allocation does not fit.
#[derive(Debug, Clone, Copy)]
enum AllocationFault {
    ToCreditNote,
    OtherCustomer,
    Currency,
    OverUnallocated,
    OverOpen,
}

/// Created, updated and unchanged records of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Everything an import will write, with ids of stored rows and indexes of
/// new ones.
#[derive(Debug, Default)]
pub struct WritePlan {
    /// Every known customer by reference, with its currency when it is a
    /// valid code; a [`CustomerKey`] is a position in this map.
    pub customers: IndexMap<Box<str>, Option<Currency>>,
    pub document_names: IndexSet<DocumentName>,
    pub payment_refs: IndexSet<Box<str>>,
    pub new_customers: Vec<CustomerData>,
    pub changed_customers: Vec<(i64, CustomerData)>,
    pub documents: Vec<DocumentState>,
    pub payments: Vec<PaymentState>,
    pub allocations: Vec<NewAllocation>,
    pub snapshots: Vec<super::records::SnapshotIn>,
    pub counts: BTreeMap<&'static str, Counts>,
}

impl WritePlan {
    pub fn changes_anything(&self) -> bool {
        self.counts.values().any(|counts| counts.created > 0 || counts.updated > 0)
    }

    pub fn customer_ref(&self, customer: CustomerKey) -> &str {
        self.customers.get_index(customer as usize).expect("a customer key is a position in the customer map").0
    }

    pub fn document_name(&self, document: usize) -> &DocumentName {
        &self.document_names[document]
    }

    pub fn payment_ref(&self, payment: usize) -> &str {
        &self.payment_refs[payment]
    }

    /// Finds the position of the document named by `key`.
    pub fn document_position(&self, key: &DocumentKey) -> Option<usize> {
        let kind = DocumentKind::parse(&key.0)?;
        self.document_names.get_index_of(&DocumentNameRef { kind, number: &key.1 })
    }
}

/// The cell a check is about: the record's line, kind and field, and the
/// value as the check saw it.
struct At {
    line: u64,
    kind: RecordKind,
    field: &'static str,
    value: String,
}

impl At {
    fn new(line: u64, kind: RecordKind, field: &'static str, value: impl Into<String>) -> Self {
        Self { line, kind, field, value: value.into() }
    }
}

struct Planner<'a> {
    file: &'a str,
    columns: &'a ColumnMap,
    errors: ErrorList,
    plan: WritePlan,
    stored_allocations: HashMap<(SourceIndex, usize), i64>,
}

/// Checks `records` against `ledger` and returns what to write, or every
/// problem found.
pub fn plan_import(file: &str, columns: &ColumnMap, records: &FileRecords, ledger: StoredLedger, unallocated: UnallocatedPayments) -> Result<WritePlan, ErrorList> {
    let mut planner = Planner {
        file,
        columns,
        errors: ErrorList::default(),
        plan: WritePlan::default(),
        stored_allocations: HashMap::new(),
    };

    let StoredLedger { customers, documents, payments, allocations, snapshots } = ledger;
    planner.load(&customers, documents, payments, allocations);
    planner.plan_customers(records, &customers);
    planner.plan_documents(records);
    let new_payments = planner.plan_payments(records);
    planner.plan_allocations(&records.allocations);
    planner.plan_payment_documents(records, &new_payments);
    if unallocated == UnallocatedPayments::OldestFirst {
        planner.allocate_oldest_first(&new_payments);
    }
    planner.plan_disputes(records);
    planner.plan_actions(records);
    planner.plan_snapshots(records, &snapshots);

    if planner.errors.is_empty() { Ok(planner.plan) } else { Err(planner.errors) }
}

impl Planner<'_> {
    /// Records an error about one cell, with its column and value.
    fn error_at(&mut self, at: &At, message: RowMessage, problem: String, hint: &str) {
        self.errors.push(RowError {
            file: self.file.to_string(),
            line: at.line,
            column: self.columns.get(at.kind, at.field),
            value: Some(at.value.clone()),
            problem,
            hint: hint.to_string(),
            code: message.code.code(),
            args: message.args,
        });
    }

    fn count(&mut self, kind: &'static str) -> &mut Counts {
        self.plan.counts.entry(kind).or_default()
    }

    /// Registers a customer reference, returning its key.
    fn add_customer(&mut self, reference: &str, currency: Option<Currency>) -> CustomerKey {
        let (position, _) = self.plan.customers.insert_full(reference.into(), currency);
        position as CustomerKey
    }

    fn customer_key(&self, reference: &str) -> Option<CustomerKey> {
        self.plan.customers.get_index_of(reference).map(|position| position as CustomerKey)
    }

    /// Takes in the stored ledger. Stored rows are consumed as they are
    /// keyed, so that their text is held once.
    fn load(&mut self, customers: &[(i64, CustomerData)], documents: Vec<StoredDocument>, payments: Vec<StoredPayment>, allocations: Vec<StoredAllocation>) {
        let mut customer_keys: HashMap<i64, CustomerKey> = HashMap::with_capacity(customers.len());
        for (id, data) in customers {
            let key = self.add_customer(&data.external_ref, Currency::parse(&data.currency).ok());
            customer_keys.insert(*id, key);
        }

        let mut document_positions = HashMap::with_capacity(documents.len());
        self.plan.documents.reserve(documents.len());
        self.plan.document_names.reserve(documents.len());
        for stored in documents {
            // The schema's CHECK constraint allows only the known kinds.
            let Some(kind) = DocumentKind::parse(&stored.data.kind) else { continue };
            let Some(&customer) = customer_keys.get(&stored.data.customer_id) else { continue };
            document_positions.insert(stored.id, self.plan.documents.len());
            self.plan.document_names.insert(DocumentName { kind, number: stored.data.number.into_boxed_str() });
            self.plan.documents.push(DocumentState {
                stored_id: Some(stored.id),
                customer,
                kind,
                issue_date: stored.data.issue_date,
                due_date: stored.data.due_date,
                amount_minor: stored.data.amount_minor,
                currency: stored.data.currency,
                open_minor: stored.open_minor,
                last_allocation_on: None,
                balance_changed: false,
            });
        }

        let mut payment_positions = HashMap::with_capacity(payments.len());
        self.plan.payments.reserve(payments.len());
        self.plan.payment_refs.reserve(payments.len());
        for stored in payments {
            let Some(&customer) = customer_keys.get(&stored.data.customer_id) else { continue };
            payment_positions.insert(stored.id, self.plan.payments.len());
            self.plan.payment_refs.insert(stored.data.external_ref.into_boxed_str());
            self.plan.payments.push(PaymentState {
                stored_id: Some(stored.id),
                customer,
                paid_on: stored.data.paid_on,
                amount_minor: stored.data.amount_minor,
                currency: stored.data.currency,
                unapplied_minor: stored.unapplied_minor,
                balance_changed: false,
            });
        }

        for allocation in &allocations {
            let (Some(&document), Some(source)) = (
                document_positions.get(&allocation.document_id),
                match allocation.source {
                    AllocationSource::Payment(id) => payment_positions.get(&id).map(|&index| SourceIndex::Payment(index)),
                    AllocationSource::CreditNote(id) => document_positions.get(&id).map(|&index| SourceIndex::CreditNote(index)),
                },
            ) else {
                continue;
            };
            self.stored_allocations.insert((source, document), allocation.amount_minor);
            let state = &mut self.plan.documents[document];
            state.last_allocation_on = state.last_allocation_on.max(Some(allocation.allocated_on));
            // A credit note that this import uses up is settled on its
            // latest allocation, which may be a stored one.
            if let SourceIndex::CreditNote(note) = source {
                let note = &mut self.plan.documents[note];
                note.last_allocation_on = note.last_allocation_on.max(Some(allocation.allocated_on));
            }
        }
    }

    fn plan_customers(&mut self, records: &FileRecords, stored: &[(i64, CustomerData)]) {
        let stored_by_ref: HashMap<&str, &(i64, CustomerData)> =
            stored.iter().map(|entry| (entry.1.external_ref.as_str(), entry)).collect();

        // One row per customer: the first, or the latest by date when the
        // profile dates customer rows.
        let mut chosen: Vec<&CustomerIn> = Vec::new();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for customer in &records.customers {
            let Some(&index) = position.get(customer.external_ref.as_str()) else {
                position.insert(&customer.external_ref, chosen.len());
                chosen.push(customer);
                continue;
            };
            let first = chosen[index];
            let differences = first.differences(customer);
            if differences.is_empty() {
                continue;
            }
            match (first.dated, customer.dated) {
                (Some(first_date), Some(date)) => {
                    if date >= first_date {
                        chosen[index] = customer;
                    }
                }
                _ => {
                    let problem = format!(
                        "customer {:?} appears again with different {} than on line {}",
                        customer.external_ref,
                        differences.join(", "),
                        first.line
                    );
                    let at = At::new(customer.line, RecordKind::Customer, "ref", customer.external_ref.clone());
                    let message = RowMessage::new(
                        RowErrorCode::CustomerRepeated,
                        vec![("customer", customer.external_ref.clone()), ("fields", differences.join(", ")), ("line", first.line.to_string())],
                    );
                    self.error_at(&at, message, problem, "keep one row per customer, make the rows agree, or map latest_by to a date column so the latest row wins");
                }
            }
        }

        for customer in chosen {
            match stored_by_ref.get(customer.external_ref.as_str()) {
                Some((id, data)) => {
                    let merged = customer.merged_into(Some(data));
                    if merged == *data {
                        self.count("customers").unchanged += 1;
                    } else {
                        self.add_customer(&merged.external_ref, Currency::parse(&merged.currency).ok());
                        self.plan.changed_customers.push((*id, merged));
                        self.count("customers").updated += 1;
                    }
                }
                None => {
                    let merged = customer.merged_into(None);
                    self.add_customer(&customer.external_ref, Currency::parse(&merged.currency).ok());
                    self.plan.new_customers.push(merged);
                    self.count("customers").created += 1;
                }
            }
        }
    }

    fn require_customer(&mut self, line: u64, kind: RecordKind, customer_ref: &str) -> Option<CustomerKey> {
        if let Some(key) = self.customer_key(customer_ref) {
            return Some(key);
        }
        self.error_at(
            &At::new(line, kind, "customer", customer_ref),
            RowMessage::new(RowErrorCode::UnknownCustomer, vec![("customer", customer_ref.to_string())]),
            format!("unknown customer {customer_ref:?}"),
            "import the customer first (--kind customers) or add it to the same file",
        );
        None
    }

    fn plan_documents(&mut self, records: &FileRecords) {
        // The line of each document this file adds, from position `first_new` on.
        let first_new = self.plan.documents.len();
        let mut first_line: Vec<u64> = Vec::new();
        for document in &records.documents {
            let Some(customer) = self.require_customer(document.line, RecordKind::Document, &document.customer_ref) else { continue };
            let Some(kind) = DocumentKind::parse(&document.kind) else { continue };
            let (index, added) = self.plan.document_names.insert_full(DocumentName { kind, number: document.number.as_str().into() });
            if !added {
                let earlier_line = index.checked_sub(first_new).map(|position| first_line[position]);
                self.compare_document(document, index, earlier_line);
                continue;
            }

            first_line.push(document.line);
            self.plan.documents.push(DocumentState {
                stored_id: None,
                customer,
                kind,
                issue_date: document.issue_date,
                due_date: document.due_date,
                amount_minor: document.amount_minor,
                currency: document.currency,
                open_minor: document.amount_minor,
                last_allocation_on: None,
                balance_changed: false,
            });
            self.count("documents").created += 1;
        }
    }

    /// Checks a row that names a document already known: stored when
    /// `earlier_line` is `None`, else on that line of this file. The same
    /// data is fine, different data is an error.
    fn compare_document(&mut self, document: &DocumentIn, index: usize, earlier_line: Option<u64>) {
        let state = &self.plan.documents[index];
        let other = match earlier_line {
            Some(line) => format!("line {line}"),
            None => "stored".to_string(),
        };
        let amount = |minor: i64, currency: Currency| format!("{} {currency}", recobro_core::money::format_minor(minor, currency));
        // Each field whose value in this row differs, with the value it conflicts with.
        let conflicts: Vec<(&str, String, String)> = [
            ("customer", document.customer_ref.clone(), self.plan.customer_ref(state.customer).to_string()),
            ("issue_date", document.issue_date.to_string(), state.issue_date.to_string()),
            ("due_date", document.due_date.to_string(), state.due_date.to_string()),
            ("amount", amount(document.amount_minor, document.currency), amount(state.amount_minor, state.currency)),
        ]
        .into_iter()
        .filter(|(_, value, other_value)| value != other_value)
        .collect();

        let differences: Vec<String> =
            conflicts.iter().map(|(field, value, other_value)| format!("{field} {value} ({other}: {other_value})")).collect();
        // The same list without the English word before the other
        // value, because the translated messages name its origin.
        let conflict_list =
            conflicts.iter().map(|(field, value, other_value)| format!("{field} {value} ({other_value})")).collect::<Vec<_>>().join(", ");
        let document_args = || vec![("kind", document.kind.clone()), ("number", document.number.clone()), ("differences", conflict_list.clone())];
        let at = At::new(document.line, RecordKind::Document, "number", document.number.clone());

        match (differences.is_empty(), earlier_line) {
            (true, None) => self.count("documents").unchanged += 1,
            (true, Some(_)) => {}
            (false, None) => self.error_at(
                &at,
                RowMessage::new(RowErrorCode::DocumentChanged, document_args()),
                format!("{} {} is already stored with different data: {}", document.kind, document.number, differences.join(", ")),
                "an import never changes a stored document: record a credit note or debit note instead",
            ),
            (false, Some(line)) => self.error_at(
                &at,
                RowMessage::new(RowErrorCode::DocumentRepeated, [document_args(), vec![("line", line.to_string())]].concat()),
                format!("{} {} appears again with different data than on line {line}: {}", document.kind, document.number, differences.join(", ")),
                "each document number must appear once per kind",
            ),
        }
    }

    /// Adds new payments. Returns, for each payment this file created, its
    /// index in the plan and in the file's records.
    fn plan_payments(&mut self, records: &FileRecords) -> Vec<(usize, usize)> {
        let mut created = Vec::new();
        // The line of each payment this file adds, from position `first_new` on.
        let first_new = self.plan.payments.len();
        let mut first_line: Vec<u64> = Vec::new();
        for (record_index, payment) in records.payments.iter().enumerate() {
            let Some(customer) = self.require_customer(payment.line, RecordKind::Payment, &payment.customer_ref) else { continue };
            let Some((currency, amount_minor)) = self.payment_amount(payment, customer) else { continue };
            let (index, added) = self.plan.payment_refs.insert_full(payment.external_ref.as_str().into());
            if !added {
                let state = &self.plan.payments[index];
                let same = state.customer == customer && state.paid_on == payment.paid_on && state.amount_minor == amount_minor && state.currency == currency;
                // Stored payments come before `first_new`, so only a payment
                // of this file has an earlier line.
                let earlier_line = index.checked_sub(first_new).map(|position| first_line[position]);
                match (same, earlier_line) {
                    (true, None) => self.count("payments").unchanged += 1,
                    (true, Some(_)) => {}
                    (false, None) => self.payment_changed(payment, index),
                    (false, Some(line)) => self.error_at(
                        &At::new(payment.line, RecordKind::Payment, "ref", payment.external_ref.clone()),
                        RowMessage::new(RowErrorCode::PaymentRepeated, vec![("payment", payment.external_ref.clone()), ("line", line.to_string())]),
                        format!("payment {} appears again with different data than on line {line}", payment.external_ref),
                        "each payment reference must appear once",
                    ),
                }
                continue;
            }

            first_line.push(payment.line);
            self.plan.payments.push(PaymentState {
                stored_id: None,
                customer,
                paid_on: payment.paid_on,
                amount_minor,
                currency,
                unapplied_minor: amount_minor,
                balance_changed: true,
            });
            created.push((index, record_index));
            self.count("payments").created += 1;
        }
        created
    }

    fn payment_changed(&mut self, payment: &PaymentIn, index: usize) {
        let state = &self.plan.payments[index];
        let customer_ref = self.plan.customer_ref(state.customer).to_string();
        let amount = recobro_core::money::format_minor(state.amount_minor, state.currency);
        let (paid_on, currency) = (state.paid_on, state.currency);
        self.error_at(
            &At::new(payment.line, RecordKind::Payment, "ref", payment.external_ref.clone()),
            RowMessage::new(
                RowErrorCode::PaymentChanged,
                vec![
                    ("payment", payment.external_ref.clone()),
                    ("customer", customer_ref.clone()),
                    ("paid_on", paid_on.to_string()),
                    ("amount", amount.clone()),
                    ("currency", currency.to_string()),
                ],
            ),
            format!("payment {} is already stored with different data (customer {customer_ref}, paid on {paid_on}, amount {amount} {currency})", payment.external_ref),
            "an import never changes a stored payment: give a corrected payment its own reference",
        );
    }

    /// Returns the currency and amount of a payment. A payment without a
    /// currency of its own takes its customer's. Returns `None`, with an
    /// error recorded, when the amount has more decimals than that currency
    /// allows.
    fn payment_amount(&mut self, payment: &PaymentIn, customer: CustomerKey) -> Option<(Currency, i64)> {
        let customer_currency = self.plan.customers.get_index(customer as usize).and_then(|(_, currency)| *currency);
        let currency = match customer_currency {
            Some(currency) if payment.currency_from_customer && currency != payment.currency => currency,
            _ => return Some((payment.currency, payment.amount_minor)),
        };
        let amount = rust_decimal::Decimal::new(payment.amount_minor, payment.currency.minor_digits());
        match recobro_core::Money::from_decimal(amount, currency) {
            Ok(money) => Some((currency, money.minor)),
            Err(error) => {
                let at = At::new(payment.line, RecordKind::Payment, "amount", amount.to_string());
                let mut message = RowMessage::money(&error);
                message.code = match message.code {
                    RowErrorCode::TooManyDecimals => RowErrorCode::CustomerCurrencyDecimals,
                    _ => RowErrorCode::CustomerCurrencyTooLarge,
                };
                message.args.push(("customer", payment.customer_ref.clone()));
                self.error_at(&at, message, format!("{error} (the currency of customer {})", payment.customer_ref), "round the amount in the source or add a currency column");
                None
            }
        }
    }

    /// Finds the document of `key`; `at` is the cell that names it.
    fn find_document(&mut self, at: impl FnOnce() -> At, key: &DocumentKey) -> Option<usize> {
        let found = self.plan.document_position(key);
        if found.is_none() {
            self.error_at(
                &at(),
                RowMessage::new(RowErrorCode::UnknownDocument, vec![("kind", key.0.clone()), ("number", key.1.clone())]),
                format!("unknown {} {:?}", key.0, key.1),
                "import the document first (--kind documents) or add it to the same file",
            );
        }
        found
    }

    /// Applies `amount_minor` from `source` to `document`, after checking
    /// both sides. Returns false, with an error recorded at `at`, when it
    /// does not fit.
    /// `at` gives the cell only when an error needs it, so that the checks
    /// of a valid allocation format nothing.
    fn apply(&mut self, at: impl FnOnce() -> At, source: SourceIndex, document: usize, amount_minor: i64) -> bool {
        let (source_customer, source_currency, source_left, allocated_on) = match source {
            SourceIndex::Payment(index) => {
                let payment = &self.plan.payments[index];
                (payment.customer, payment.currency, payment.unapplied_minor, payment.paid_on)
            }
            SourceIndex::CreditNote(index) => {
                let note = &self.plan.documents[index];
                (note.customer, note.currency, note.open_minor, note.issue_date)
            }
        };
        let target = &self.plan.documents[document];
        let fault = if target.kind == DocumentKind::CreditNote {
            Some(AllocationFault::ToCreditNote)
        } else if target.customer != source_customer {
            Some(AllocationFault::OtherCustomer)
        } else if target.currency != source_currency {
            Some(AllocationFault::Currency)
        } else if amount_minor > source_left {
            Some(AllocationFault::OverUnallocated)
        } else if amount_minor > target.open_minor {
            Some(AllocationFault::OverOpen)
        } else {
            None
        };
        if let Some(fault) = fault {
            self.allocation_error(&at(), fault, source, document, amount_minor);
            return false;
        }

        let allocated_on = allocated_on.max(target.issue_date);
        self.take_from(source, amount_minor, allocated_on);
        let target = &mut self.plan.documents[document];
        target.open_minor -= amount_minor;
        target.balance_changed = true;
        target.last_allocation_on = target.last_allocation_on.max(Some(allocated_on));
        self.plan.allocations.push(NewAllocation { source, document, allocated_on, amount_minor });
        self.count("allocations").created += 1;
        true
    }

    /// Records why an allocation from `source` to `document` does not fit.
    fn allocation_error(&mut self, at: &At, fault: AllocationFault, source: SourceIndex, document: usize, amount_minor: i64) {
        let (source_kind, source_ref, source_customer, source_currency, source_left) = match source {
            SourceIndex::Payment(index) => {
                let payment = &self.plan.payments[index];
                ("payment", self.plan.payment_ref(index).to_string(), payment.customer, payment.currency, payment.unapplied_minor)
            }
            SourceIndex::CreditNote(index) => {
                let note = &self.plan.documents[index];
                ("credit_note", self.plan.document_name(index).number.to_string(), note.customer, note.currency, note.open_minor)
            }
        };
        let source_customer = self.plan.customer_ref(source_customer).to_string();
        let source_label = if source_kind == "payment" { format!("payment {source_ref}") } else { format!("credit note {source_ref}") };
        let target = &self.plan.documents[document];
        let (target_kind, target_number) = (target.kind.as_str(), self.plan.document_name(document).number.to_string());
        let (target_customer, target_currency, target_open) = (self.plan.customer_ref(target.customer).to_string(), target.currency, target.open_minor);
        let target_label = format!("{target_kind} {target_number}");
        let format = |minor: i64| recobro_core::money::format_minor(minor, source_currency);
        // Named values for the translated messages: both sides of the allocation.
        let source_args = vec![("source_kind", source_kind.to_string()), ("source", source_ref.clone())];
        let target_args = vec![("kind", target_kind.to_string()), ("number", target_number.clone())];
        let message = |code: RowErrorCode, extra: Vec<(&'static str, String)>| RowMessage::new(code, [source_args.clone(), target_args.clone(), extra].concat());

        match fault {
            AllocationFault::ToCreditNote => {
                let message = message(RowErrorCode::AllocationToCreditNote, Vec::new());
                self.error_at(at, message, format!("{target_label} is a credit note and cannot receive an allocation"), "allocate to an invoice or debit note");
            }
            AllocationFault::OtherCustomer => {
                let problem = format!("{source_label} of customer {source_customer} cannot be applied to {target_label} of customer {target_customer}");
                let message = message(RowErrorCode::AllocationOtherCustomer, vec![("source_customer", source_customer.clone()), ("customer", target_customer.clone())]);
                self.error_at(at, message, problem, "check the customer and document columns");
            }
            AllocationFault::Currency => {
                let problem = format!("{source_label} is in {source_currency} but {target_label} is in {target_currency}");
                let message = message(RowErrorCode::AllocationCurrency, vec![("source_currency", source_currency.to_string()), ("currency", target_currency.to_string())]);
                self.error_at(at, message, problem, "allocate only between amounts of the same currency");
            }
            AllocationFault::OverUnallocated => {
                let problem = format!("the allocation of {} {source_currency} is larger than what remains unallocated of {source_label} ({})", format(amount_minor), format(source_left));
                let message = message(
                    RowErrorCode::AllocationOverUnallocated,
                    vec![("amount", format(amount_minor)), ("currency", source_currency.to_string()), ("left", format(source_left))],
                );
                self.error_at(at, message, problem, "reduce the allocation or check the payment amount");
            }
            AllocationFault::OverOpen => {
                let problem = format!("the allocation of {} {source_currency} is larger than the open balance of {target_label} ({})", format(amount_minor), format(target_open));
                let message = message(
                    RowErrorCode::AllocationOverOpen,
                    vec![("amount", format(amount_minor)), ("currency", source_currency.to_string()), ("open", format(target_open))],
                );
                self.error_at(at, message, problem, "reduce the allocation; the rest of the payment stays unapplied");
            }
        }
    }

    fn take_from(&mut self, source: SourceIndex, amount_minor: i64, allocated_on: NaiveDate) {
        match source {
            SourceIndex::Payment(index) => {
                let payment = &mut self.plan.payments[index];
                payment.unapplied_minor -= amount_minor;
                payment.balance_changed = true;
            }
            SourceIndex::CreditNote(index) => {
                let note = &mut self.plan.documents[index];
                note.open_minor -= amount_minor;
                note.balance_changed = true;
                // A credit note is used up on the date of its last
                // allocation, which is later than its issue date when it
                // pays an invoice issued after it.
                note.last_allocation_on = note.last_allocation_on.max(Some(allocated_on));
            }
        }
    }

    fn plan_allocations(&mut self, allocations: &[AllocationIn]) {
        for allocation in allocations {
            let source = match &allocation.source {
                AllocationSourceIn::Payment(reference) => match self.plan.payment_refs.get_index_of(reference.as_str()) {
                    Some(index) => SourceIndex::Payment(index),
                    None => {
                        let at = At::new(allocation.line, RecordKind::Allocation, "payment", reference.clone());
                        let message = RowMessage::new(RowErrorCode::UnknownPayment, vec![("payment", reference.clone())]);
                        self.error_at(&at, message, format!("unknown payment {reference:?}"), "import the payment first (--kind payments)");
                        continue;
                    }
                },
                AllocationSourceIn::CreditNote(number) => {
                    let at = At::new(allocation.line, RecordKind::Allocation, "credit_note", number.clone());
                    match self.find_document(|| at, &("credit_note".to_string(), number.clone())) {
                        Some(index) => SourceIndex::CreditNote(index),
                        None => continue,
                    }
                }
            };
            let document_at = At::new(allocation.line, RecordKind::Allocation, "document", allocation.document.1.clone());
            let Some(document) = self.find_document(|| document_at, &allocation.document) else { continue };
            let currency = self.plan.documents[document].currency;
            let amount_at = At::new(allocation.line, RecordKind::Allocation, "amount", recobro_core::money::format_minor(allocation.amount_minor, currency));

            match self.stored_allocations.get(&(source, document)) {
                Some(&stored) if stored == allocation.amount_minor => self.count("allocations").unchanged += 1,
                Some(&stored) => {
                    let currency = self.plan.documents[document].currency;
                    let problem = format!(
                        "this allocation to {} {} is already stored with amount {}",
                        allocation.document.0,
                        allocation.document.1,
                        recobro_core::money::format_minor(stored, currency)
                    );
                    let message = RowMessage::new(
                        RowErrorCode::AllocationChanged,
                        vec![
                            ("kind", allocation.document.0.clone()),
                            ("number", allocation.document.1.clone()),
                            ("amount", recobro_core::money::format_minor(stored, currency)),
                        ],
                    );
                    self.error_at(&amount_at, message, problem, "an import never changes a stored allocation");
                }
                None => {
                    if self.apply(|| amount_at, source, document, allocation.amount_minor) {
                        self.stored_allocations.insert((source, document), allocation.amount_minor);
                    }
                }
            }
        }
    }

    /// Applies each new payment that names a document to it: as much as the
    /// document has open, the rest staying unapplied.
    fn plan_payment_documents(&mut self, records: &FileRecords, new_payments: &[(usize, usize)]) {
        for &(payment_index, record_index) in new_payments {
            let record = &records.payments[record_index];
            let Some(key) = &record.document else { continue };
            let document_at = || At::new(record.line, RecordKind::Payment, "document", key.1.clone());
            let Some(document) = self.find_document(document_at, key) else { continue };
            let amount = self.plan.payments[payment_index].unapplied_minor.min(self.plan.documents[document].open_minor);
            if amount > 0 {
                let at = || At::new(record.line, RecordKind::Payment, "amount", recobro_core::money::format_minor(record.amount_minor, record.currency));
                self.apply(at, SourceIndex::Payment(payment_index), document, amount);
            }
        }
    }

    /// Applies new payments that name no document to the customer's oldest
    /// due documents issued on or before the payment date.
    fn allocate_oldest_first(&mut self, new_payments: &[(usize, usize)]) {
        let mut pending: Vec<usize> = new_payments
            .iter()
            .map(|&(payment_index, _)| payment_index)
            .filter(|&index| self.plan.payments[index].unapplied_minor == self.plan.payments[index].amount_minor)
            .collect();
        pending.sort_by_key(|&index| self.plan.payments[index].paid_on);

        let mut documents_by_customer: Vec<Vec<usize>> = vec![Vec::new(); self.plan.customers.len()];
        for (index, document) in self.plan.documents.iter().enumerate() {
            if document.kind != DocumentKind::CreditNote {
                documents_by_customer[document.customer as usize].push(index);
            }
        }

        for payment_index in pending {
            let payment = self.plan.payments[payment_index].clone();
            let candidates = &documents_by_customer[payment.customer as usize];
            let mut open: Vec<OpenDocument<usize>> = candidates
                .iter()
                .map(|&index| &self.plan.documents[index])
                .zip(candidates)
                .filter(|(document, _)| document.currency == payment.currency && document.issue_date <= payment.paid_on && document.open_minor > 0)
                .map(|(document, &index)| OpenDocument { key: index, due_date: document.due_date, open_minor: document.open_minor })
                .collect();
            let allocation_plan = allocate_oldest_first(payment.unapplied_minor, &mut open);
            for (document, amount) in allocation_plan.allocations {
                // The candidates were filtered to fit, so this cannot fail.
                let at = || At::new(0, RecordKind::Payment, "amount", recobro_core::money::format_minor(payment.amount_minor, payment.currency));
                self.apply(at, SourceIndex::Payment(payment_index), document, amount);
            }
        }
    }

    fn plan_disputes(&mut self, records: &FileRecords) {
        for dispute in &records.disputes {
            let at = At::new(dispute.line, RecordKind::Dispute, "document", dispute.document.1.clone());
            if self.find_document(|| at, &dispute.document).is_some() {
                self.count("disputes");
            }
        }
    }

    fn plan_actions(&mut self, records: &FileRecords) {
        for action in &records.actions {
            if self.require_customer(action.line, RecordKind::Action, &action.customer_ref).is_some() {
                self.count("actions");
            }
        }
    }

    fn plan_snapshots(&mut self, records: &FileRecords, stored: &[SnapshotAccountData]) {
        let stored_by_key: HashMap<(&str, NaiveDate), &SnapshotAccountData> =
            stored.iter().map(|account| ((account.account_ref.as_str(), account.snapshot_date), account)).collect();
        let mut first_line: HashMap<(String, NaiveDate), usize> = HashMap::new();

        for snapshot in &records.snapshots {
            if self.require_customer(snapshot.line, RecordKind::Snapshot, &snapshot.customer_ref).is_none() {
                continue;
            }
            let key = (snapshot.account_ref.clone(), snapshot.snapshot_date);
            if let Some(&earlier) = first_line.get(&key) {
                let first = &self.plan.snapshots[earlier];
                if (first.balance_minor, first.days_past_due, first.credit_limit_minor, &first.customer_ref)
                    != (snapshot.balance_minor, snapshot.days_past_due, snapshot.credit_limit_minor, &snapshot.customer_ref)
                {
                    let problem = format!("account {} on {} appears again with different data than on line {}", snapshot.account_ref, snapshot.snapshot_date, first.line);
                    let at = At::new(snapshot.line, RecordKind::Snapshot, "account", snapshot.account_ref.clone());
                    let message = RowMessage::new(
                        RowErrorCode::SnapshotRepeated,
                        vec![("account", snapshot.account_ref.clone()), ("date", snapshot.snapshot_date.to_string()), ("line", first.line.to_string())],
                    );
                    self.error_at(&at, message, problem, "keep one row per account and snapshot date");
                }
                continue;
            }
            if let Some(stored) = stored_by_key.get(&(snapshot.account_ref.as_str(), snapshot.snapshot_date)) {
                if (stored.balance_minor, stored.days_past_due, stored.credit_limit_minor) == (snapshot.balance_minor, snapshot.days_past_due, snapshot.credit_limit_minor) {
                    self.count("snapshot accounts").unchanged += 1;
                } else {
                    let problem = format!(
                        "account {} is already stored for {} with balance {} and {} days past due",
                        snapshot.account_ref,
                        snapshot.snapshot_date,
                        recobro_core::money::format_minor(stored.balance_minor, stored.currency),
                        stored.days_past_due
                    );
                    let at = At::new(snapshot.line, RecordKind::Snapshot, "account", snapshot.account_ref.clone());
                    let message = RowMessage::new(
                        RowErrorCode::SnapshotChanged,
                        vec![
                            ("account", snapshot.account_ref.clone()),
                            ("date", snapshot.snapshot_date.to_string()),
                            ("balance", recobro_core::money::format_minor(stored.balance_minor, stored.currency)),
                            ("days", stored.days_past_due.to_string()),
                        ],
                    );
                    self.error_at(&at, message, problem, "a snapshot is never changed: deliver a snapshot of a later date");
                }
                continue;
            }
            first_line.insert(key, self.plan.snapshots.len());
            self.plan.snapshots.push(snapshot.clone());
            self.count("snapshot accounts").created += 1;
        }
    }
}
