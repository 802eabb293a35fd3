# Recobro web application, English messages. Every message here has a
# Spanish counterpart in ../es/main.ftl; a test fails when one is missing.

## Navigation and layout
nav-skip = Skip to content
nav-label = Main navigation
nav-dashboard = Dashboard
nav-customers = Customers
nav-worklist = Worklist
nav-problem-cases = Problem cases
nav-legal-candidates = Judicial transfer
nav-import = Import
nav-portfolios = Portfolios
nav-language = Language
nav-language-apply = Change
nav-logout = Sign out
as-of = As of { $date }
filter-all = All
filter-apply = Apply
pager-label = Pages
pager-first = First page
pager-next = Next page

## Sign-in
login-title = Sign in
login-username = Username
login-password = Password
login-submit = Sign in
login-failed = The username or password is incorrect.
login-too-many = Too many failed sign-ins. Wait 15 minutes and try again.

## Errors
error-title = Something went wrong
error-home = Back to the start page
error-unauthenticated = Sign in to continue.
error-forbidden = You do not have permission to see or change this.
error-not-found = The page or record was not found.
error-csrf = The form expired or did not come from this site. Reload the page and submit it again.
error-bad-request = The request is invalid.
error-too-many-attempts = Too many failed sign-ins. Wait 15 minutes and try again.
error-internal = An internal error occurred. The details are in the server log.

## Portfolios
portfolios-title = Portfolios
portfolios-empty = There are no portfolios yet. Create one with the command line: recobro portfolio add.
portfolios-code = Code
portfolios-name = Name
portfolios-currency = Currency

## Dashboard
dashboard-figures = Key figures
dashboard-total = Total balance
dashboard-overdue = Overdue balance
dashboard-customers = Customers with a balance
dashboard-problem-cases = Problem cases (90+ days)
dashboard-legal-candidates = Judicial transfer candidates (121+ days)
dashboard-open-cases = Open cases
dashboard-aging = Aging report
dashboard-aging-chart = Balance by days past due
dashboard-runs = Daily runs
dashboard-no-runs = No daily run yet. Start one with: recobro run --portfolio CODE --as-of DATE.
aging-bucket = Days past due
aging-items = Open items
aging-amount = Amount
aging-unapplied = Unapplied
aging-total = Total
runs-date = Date
runs-tasks = Tasks created
runs-duration = Duration (ms)

## Customer list
customers-title = Customers
customers-search = Name or reference
customers-bucket = Days past due
customers-stage = Stage
customers-collector = Collector
customers-segment = Segment
customers-sort = Sort by
customers-empty = No customers match these filters.
customers-count = { $count } customers

## Customer page
customer-reference = Reference
customer-name = Customer
customer-status = Relationship
customer-region = Region
customer-channel = Preferred channel
customer-email = Email
customer-phone = Phone
customer-tax-id = Tax id
customer-log-action = Log a collection action
case-title = Collection case
case-none = This customer has no open collection case.
case-days-past-due = Days past due
case-overdue = Overdue
case-balance = Balance
case-next-action = Next action
documents-open = Open documents
documents-none-open = No open documents.
documents-settled = Settled documents
documents-none-settled = No settled documents.
document-number = Number
document-kind = Type
document-issued = Issued
document-due = Due
document-amount = Amount
document-open = Open balance
document-dispute = Dispute
document-disputed = Disputed
document-settled-on = Settled on
payments-title = Payments and allocations
payments-none = No payments recorded.
payment-reference = Reference
payment-date = Date
payment-allocations = Applied to
actions-title = Collection actions
actions-none = No collection actions recorded yet.
accounts-title = Accounts (balance and days past due as delivered)
account-reference = Account
account-snapshot-date = Snapshot date
account-credit-limit = Credit limit

## Logging an action
action-title = Log a collection action
action-errors = The action was not saved. Correct the following:
action-date = Date
action-kind = Action
action-outcome = Outcome
action-outcome-none = (no outcome)
action-promise = Promise to pay
action-promise-hint = Fill in both the amount and the date when the customer promises a payment.
action-promise-amount = Amount
action-promise-date = Promised date
action-dispute = Dispute
action-dispute-hint = Select the disputed documents and give the customer's reason. Disputed documents get no reminders or escalation until the dispute is resolved.
action-dispute-reason = Reason
action-notes = Notes
action-next-date = Next action on
action-save = Save action
action-cancel = Cancel
action-error-required = { $field } is required.
action-error-date = { $field }: "{ $value }" is not a valid date.
action-error-choice = { $field }: "{ $value }" is not one of the options.
action-error-amount = The promised amount "{ $value }" is not a valid amount greater than zero.
action-error-promise-incomplete = A promise to pay needs both an amount and a date.
action-error-promise-past = The promised date cannot be before the action date.
action-error-dispute-incomplete = A dispute needs the outcome "Dispute", at least one document and a reason.
action-error-next-past = The next action date cannot be before the action date.

## Worklist
worklist-title = Worklist
worklist-everyone = Every collector
worklist-count = { $count ->
    [one] 1 open task
   *[other] { $count } open tasks
}
pager-previous = Previous page
worklist-empty = Nothing is due. The daily run creates the tasks of each case.
worklist-priority = Priority
worklist-task = Task
worklist-due = Due
worklist-actions = Actions
worklist-log = Log action

## Problem cases and judicial transfer candidates
problem-cases-title = Problem cases
problem-cases-intro = Customers 90 or more days past due on their oldest unpaid, undisputed document, with their last and next actions.
legal-candidates-title = Judicial transfer candidates
legal-candidates-intro = Customers more than 120 days past due: prepare the demand letter and propose the transfer to a law firm.
cases-empty = There are no cases in this list.
cases-last-action = Last action
cases-no-action = No action yet

## Labels of codes
bucket-current = Current
bucket-1-30 = 1-30 days
bucket-31-60 = 31-60 days
bucket-61-90 = 61-90 days
bucket-91-120 = 91-120 days
bucket-121-plus = Over 120 days
stage-reminder = Reminder
stage-second-reminder = Second reminder
stage-formal-notice = Formal notice
stage-problem-case = Problem case
stage-judicial-candidate = Judicial transfer candidate
task-reminder = Reminder
task-call-task = Call
task-formal-notice = Formal notice
task-demand-letter-draft = Demand letter draft
task-legal-transfer-proposal = Judicial transfer proposal
task-follow-up = Follow-up
task-broken-promise = Broken promise follow-up
task-visit-task = Visit
task-credit-hold = Credit hold
channel-visit = Visit
action-call = Call
action-email = Email
action-letter = Letter
action-sms = SMS
action-visit = Visit
action-note = Note
action-legal-update = Legal update
outcome-contact = Contact
outcome-no-contact = No contact
outcome-promise-to-pay = Promise to pay
outcome-refused = Refused to pay
outcome-dispute = Dispute
outcome-wrong-number = Wrong number
outcome-paid = Says it paid
channel-email = Email
channel-letter = Letter
channel-sms = SMS
channel-phone = Phone
kind-invoice = Invoice
kind-debit-note = Debit note
kind-credit-note = Credit note
status-active = Active
status-watch = Watch
status-credit-hold = Credit hold
status-do-not-continue = Do not continue
role-admin = Administrator
role-manager = Collection manager
role-collector = Collector
role-legal = Legal
role-viewer = Viewer
sort-days-past-due = Days past due
sort-balance = Balance
sort-name = Name
sort-reference = Reference

## Import
import-title = Import a file
import-intro = The whole file is checked before anything is written: if any row has an error, nothing is imported. Importing the same file again changes nothing.
import-file = File (CSV or XLSX)
import-source = What the file holds
import-source-profiles = Built-in mapping profiles
import-source-kinds = One kind of record
import-source-hint = With a kind of record, the columns must carry the field names unless you add a mapping profile.
import-mapping = Mapping profile (optional)
import-mapping-hint = A TOML file that says which column holds each field. Use it only with a kind of record.
import-submit = Import
import-not-imported = The file was not imported. Correct the following:
import-summary = Import result
import-done = { $file } was imported with the profile { $profile } (rows read: { $rows }).
import-nothing-new = { $file } held nothing new, so nothing was written (profile { $profile }, rows read: { $rows }).
import-records = Records
import-created = Created
import-updated = Updated
import-unchanged = Unchanged
import-rejected = The file was rejected
import-rejected-intro = Nothing was written. Correct these rows in the file and import it again.
import-more-errors = Errors not listed: { $count }.
import-error-file = File
import-error-line = Line
import-error-column = Column
import-error-value = Value
import-error-problem = Problem
import-error-hint = What to do
import-error-no-file = Choose the file to import.
import-error-no-source = Choose a built-in profile or a kind of record.
import-error-unknown-source = "{ $value }" is not one of the options.
import-error-mapping-with-profile = A mapping profile goes with a kind of record, not with a built-in profile.
import-error-mapping = The mapping profile is invalid: { $detail }
import-error-too-large = The upload is larger than the limit of { $limit }. Split the file and import the parts.
import-error-unreadable = The file could not be read: { $detail }
import-profile-ibm-ar = IBM accounts-receivable sample (ibm-ar)
import-profile-uci-cards = UCI credit card clients (uci-cards)
import-kind-customers = Customers
import-kind-documents = Documents
import-kind-payments = Payments
import-kind-allocations = Allocations
import-kind-disputes = Disputes
import-kind-actions = Collection actions
import-kind-snapshot = Portfolio snapshot
import-kind-snapshot-accounts = Snapshot accounts

# Row errors of a rejected import, one pair per code of RowErrorCode in
# crates/app/src/import/error.rs.
import-row-mapped-column-missing = The column "{ $column }", mapped to { $field }, is missing.
import-hint-mapped-column-missing = The header has: { $headers }. Fix the header or the mapping profile.
import-row-required-column-missing = The column "{ $column }" for the required field { $field } is missing.
import-hint-required-column-missing = The header has: { $headers }. Rename the column or map it in a mapping profile.
import-row-unexpected-value = Unexpected value for { $field }.
import-hint-unexpected-value = Accepted values: { $accepted }.
import-row-invalid-months = { $field } is not a whole number of months.
import-hint-invalid-months = Write an integer such as -1, 0 or 3.
import-row-empty-required = { $field } is required but empty.
import-hint-empty-required = Fill in the cell.
import-row-invalid-date = Invalid date for { $field }.
import-hint-invalid-date = Expected the format { $format } (for example { $example }) or YYYY-MM-DD. Fix the cell or set date_format in the mapping profile.
import-row-invalid-currency = Invalid currency code "{ $value }".
import-hint-invalid-currency = Write three letters such as USD, EUR or MXN.
import-row-no-currency = The record has no currency.
import-hint-no-currency = Add a currency column or set currency in the [format] table of the mapping profile.
import-row-invalid-amount = Invalid amount for { $field }.
import-hint-invalid-amount = Expected a number with the decimal separator "{ $decimal }" and { $thousands ->
        [none] no thousands separator
       *[other] the thousands separator "{ $thousands }"
    }. Fix the cell or set decimal_separator and thousands_separator in the mapping profile.
import-row-too-many-decimals = { $amount } has more decimal places than { $currency } allows ({ $digits }).
import-hint-too-many-decimals = Round the amount in the source.
import-row-amount-too-large = { $amount } { $currency } is too large to store.
import-hint-amount-too-large = Check the amount in the source.
import-row-amount-not-positive = { $field } must be greater than zero.
import-hint-amount-not-positive = A credit is a credit_note document, not a negative amount.
import-row-amount-negative = { $field } must be zero or more.
import-hint-amount-negative = A credit is a credit_note document, not a negative amount.
import-row-invalid-integer = Invalid whole number for { $field }.
import-hint-invalid-integer = Write digits such as 0 or 45.
import-row-due-before-issue = The due date { $due_date } is before the issue date { $issue_date }.
import-hint-due-before-issue = Check the two date columns and the date_format of the mapping profile.
import-row-allocation-source = An allocation needs exactly one source: a payment or a credit note.
import-hint-allocation-source = Fill in one of the two columns, payment or credit_note.
import-row-negative-days-past-due = Days past due cannot be negative.
import-hint-negative-days-past-due = Use 0 for an account that is not past due.
import-row-customer-repeated = Customer "{ $customer }" appears again with different { $fields } than on line { $line }.
import-hint-customer-repeated = Keep one row per customer, make the rows agree, or map latest_by to a date column so that the latest row wins.
import-row-unknown-customer = Unknown customer "{ $customer }".
import-hint-unknown-customer = Import the customer first (kind Customers) or add it to the same file.
import-row-document-changed = The { $kind ->
        [invoice] invoice
        [debit_note] debit note
       *[credit_note] credit note
    } { $number } is already stored with different data: { $differences } (the stored value in parentheses).
import-hint-document-changed = An import never changes a stored document. Record a credit note or debit note instead.
import-row-document-repeated = The { $kind ->
        [invoice] invoice
        [debit_note] debit note
       *[credit_note] credit note
    } { $number } appears again with different data than on line { $line }: { $differences } (the value of line { $line } in parentheses).
import-hint-document-repeated = Each document number must appear once per kind.
import-row-payment-changed = Payment { $payment } is already stored with different data (customer { $customer }, paid on { $paid_on }, amount { $amount } { $currency }).
import-hint-payment-changed = An import never changes a stored payment. Give a corrected payment its own reference.
import-row-payment-repeated = Payment { $payment } appears again with different data than on line { $line }.
import-hint-payment-repeated = Each payment reference must appear once.
import-row-customer-currency-decimals = { $amount } has more decimal places than { $currency }, the currency of customer { $customer }, allows ({ $digits }).
import-hint-customer-currency-decimals = Round the amount in the source or add a currency column.
import-row-customer-currency-too-large = { $amount } { $currency } (the currency of customer { $customer }) is too large to store.
import-hint-customer-currency-too-large = Check the amount in the source or add a currency column.
import-row-unknown-document = Unknown { $kind ->
        [invoice] invoice
        [debit_note] debit note
       *[credit_note] credit note
    } "{ $number }".
import-hint-unknown-document = Import the document first (kind Documents) or add it to the same file.
import-row-allocation-to-credit-note = The { $kind ->
        [invoice] invoice
        [debit_note] debit note
       *[credit_note] credit note
    } { $number } cannot receive an allocation.
import-hint-allocation-to-credit-note = Allocate to an invoice or debit note.
import-row-allocation-other-customer = The { $source_kind ->
        [payment] payment
       *[credit_note] credit note
    } { $source } of customer { $source_customer } cannot be applied to the { $kind ->
        [invoice] invoice
        [debit_note] debit note
       *[credit_note] credit note
    } { $number } of customer { $customer }.
import-hint-allocation-other-customer = Check the customer and document columns.
import-row-allocation-currency = The { $source_kind ->
        [payment] payment
       *[credit_note] credit note
    } { $source } is in { $source_currency } but the { $kind ->
        [invoice] invoice
        [debit_note] debit note
       *[credit_note] credit note
    } { $number } is in { $currency }.
import-hint-allocation-currency = Allocate only between amounts of the same currency.
import-row-allocation-over-unallocated = The allocation of { $amount } { $currency } is larger than what remains unallocated of the { $source_kind ->
        [payment] payment
       *[credit_note] credit note
    } { $source } ({ $left }).
import-hint-allocation-over-unallocated = Reduce the allocation or check the payment amount.
import-row-allocation-over-open = The allocation of { $amount } { $currency } is larger than the open balance of the { $kind ->
        [invoice] invoice
        [debit_note] debit note
       *[credit_note] credit note
    } { $number } ({ $open }).
import-hint-allocation-over-open = Reduce the allocation. The rest of the payment stays unapplied.
import-row-unknown-payment = Unknown payment "{ $payment }".
import-hint-unknown-payment = Import the payment first (kind Payments).
import-row-allocation-changed = This allocation to the { $kind ->
        [invoice] invoice
        [debit_note] debit note
       *[credit_note] credit note
    } { $number } is already stored with the amount { $amount }.
import-hint-allocation-changed = An import never changes a stored allocation.
import-row-snapshot-repeated = Account { $account } on { $date } appears again with different data than on line { $line }.
import-hint-snapshot-repeated = Keep one row per account and snapshot date.
import-row-snapshot-changed = Account { $account } is already stored for { $date } with the balance { $balance } and { $days } days past due.
import-hint-snapshot-changed = A snapshot is never changed. Deliver a snapshot of a later date.

## Collection policy
nav-policy = Policy
policy-title = Collection policy
policy-intro = The stages of the collection procedure by days past due, and the tasks each stage creates. Every change is a new version with an effective date and is recorded in the audit trail.
policy-in-force = version effective { $date }, set by { $user }
policy-default = the default policy
policy-saved = The policy was saved. It applies from its effective date.
policy-errors = The policy was not saved. Correct the following:
policy-simulation-title = Simulation on today's portfolio
policy-simulation-note = Cases and overdue amounts per stage under the policy in force and under your proposal. Nothing was saved.
policy-current = Policy in force
policy-proposed = Proposal
policy-cases = Cases
policy-unstaged = Overdue, in no stage
policy-edit = Edit the policy
policy-text = Policy (TOML)
policy-text-hint = One [[stage]] block per stage: code, min_days_past_due, actions, and optionally owner (collector, manager or legal), segment and min_balance.
policy-effective = Effective from
policy-read-only = Only collection managers and administrators can save a policy; you can simulate one.
policy-simulate = Simulate
policy-save = Save as a new version
policy-versions = Versions
policy-no-versions = No version was saved: the default policy applies.
policy-set-by = Set by
policy-set-at = Saved at
policy-error-date = The effective date "{ $value }" is not a valid date.
policy-error-past = The effective date must be after { $date }, the date of the latest daily run, so that no past run changes.

## Team
nav-team = Team
team-title = Collection team
team-workload = Workload by collector
team-customers = Customers
team-open-tasks = Open tasks
team-unassigned = (unassigned)
team-move = Move all of a collector's customers
team-from = From
team-to = To
team-move-submit = Move customers
team-unassigned-title = Unassigned customers
team-none-unassigned = Every customer is assigned.
team-select = Select
team-assign-submit = Assign the selected customers
team-moved = { $count } customers were assigned. Their open tasks moved with them.
team-teams = Teams and capacity
team-no-teams = No teams yet. Define them below with their members and capacities, then add the rules that assign customers to them.
team-team = Team
team-capacity = Capacity
team-use = Use
team-full = Full
team-region = Region
team-band = Balance
team-rules = Assignment rules (the first match wins)
team-no-rules = No assignment rules yet.
team-rule-any = any
team-band-from = from { $min }
team-band-below = below { $max }
team-band-between = from { $min } to below { $max }
team-assign-by-rules = Assign the unassigned customers by these rules
team-rules-assigned = { $assigned } customers were assigned by the rules; { $left } stay unassigned because no rule matches or the team is full.
team-edit = Edit teams and rules
team-config-label = Teams and rules (TOML)
team-config-hint = Each [[team]] has a code, a name and members = [{"{"} collector = "ana", capacity = 300 {"}"}]; capacity is the most customers with an open case. Each [[rule]] names a team and may set segment, region, min_balance (included) and max_balance (excluded).
team-config-save = Save teams and rules
team-config-saved = The teams and rules were saved.
team-config-file = team file
suggestions-title = Status suggestions to decide
suggestions-none = No suggestions are pending.
suggestions-current = Current status
suggestions-suggested = Suggested status
suggestions-reason = Reason
suggestions-since = Suggested on
suggestions-decision = Decision
suggestion-reason-broken-promises = Two or more promises to pay not kept in the last year
suggestion-reason-judicial-transfer = The case reached the judicial transfer stage
suggestion-confirm = Confirm
suggestion-dismiss = Dismiss
suggestion-confirmed = The suggestion was confirmed and the customer's status changed.
suggestion-dismissed = The suggestion was dismissed; it will not be raised again.
suggestion-already-decided = This suggestion was already decided by someone else.

## Negotiation: payment plans, settlement offers and write-offs
nav-approvals = Approvals
approvals-title = Approvals
approvals-intro = Payment plans, settlement offers and write-offs that wait for a manager's or an administrator's decision.
approvals-none = Nothing waits for approval.
approvals-none-of-kind = None pending.
negotiation-title = Negotiation
negotiation-propose-plan = Propose a payment plan
negotiation-make-offer = Make a settlement offer
negotiation-request-write-off = Request a write-off
negotiation-none = No payment plans, settlement offers or write-offs.
negotiation-record = Record
negotiation-date = Date
negotiation-customer = Customer
negotiation-proposed-by = Proposed by
negotiation-decided-by = Decided by
negotiation-status = Status
negotiation-kind-plan = Payment plan
negotiation-kind-offer = Settlement offer
negotiation-kind-write-off = Write-off
negotiation-plans = Payment plans
negotiation-offers = Settlement offers
negotiation-write-offs = Write-offs
negotiation-required-role = Approval needed from
negotiation-terms = Terms
negotiation-reason = Reason
negotiation-reason-hint = Required to reject; the customer's file keeps it.
negotiation-decision = Decision
negotiation-approve = Approve
negotiation-reject = Reject
negotiation-yes = Yes
negotiation-no = No
negotiation-form-errors = Correct these fields and submit the form again:
negotiation-amount-hint = Type amounts as { $example }.
negotiation-error-amount = "{ $value }" is not a valid amount of zero or more. Type it as { $example }.
negotiation-error-choice = Choose one of the options.
negotiation-error-date = "{ $value }" is not a valid date.
negotiation-error-reason = Type the reason for the rejection.
negotiation-error-beyond-authority = Your role ({ $role }) may not approve this: it needs approval from a { $required } or above.
negotiation-error-wrong-status = This record is already { $status }, so it can no longer be decided. Reload the page to see the decision.
negotiation-error-open-offer = This customer already has settlement offer { $id } ({ $status }, pay by { $pay_by }). A customer has one offer at a time: reject or cancel that one first, or wait until it expires.
negotiation-status-proposed = Proposed
negotiation-status-rejected = Rejected
negotiation-status-active = Active
negotiation-status-completed = Completed
negotiation-status-broken = Broken
negotiation-status-cancelled = Cancelled
negotiation-status-pending-approval = Pending approval
negotiation-status-approved = Approved
negotiation-status-paid = Paid
negotiation-status-expired = Expired
approver-collector = collector
approver-manager = collection manager
approver-director = director (administrator)
frequency-monthly = Monthly
frequency-biweekly = Every 14 days
frequency-weekly = Weekly
method-french = Equal installments (French)
method-flat = Flat interest
installment-status-paid = Paid
installment-status-partly-paid = Partly paid
installment-status-upcoming = Upcoming
installment-status-overdue = Overdue
plan-form-title = Propose a payment plan
plan-limits-hint = Your plans take effect at once with at most { $installments } installments, a down payment of at least { $percent } % and a term of at most { $days } days. Beyond these limits a plan waits for approval.
plan-limits-none = Your plans take effect at once: your role has no plan limits.
plan-limits-hint-no-term = Your plans take effect at once with at most { $installments } installments and a down payment of at least { $percent } %. Beyond these limits a plan waits for approval.
plan-letter-download = Download the agreement letter (PDF)
plan-error-installments = "{ $value }" is not a number of installments from 1 to { $max }.
plan-error-first-due-past = The first installment cannot fall due before { $date }.
plan-error-rate = "{ $value }" is not an annual rate from 0 to { $max } %.
plan-error-grace-days = "{ $value }" is not a whole number of days.
plan-breach-installments = { $count } installments: a { $role } may grant at most { $max }.
plan-breach-down-payment = Down payment of { $amount }: a { $role } needs at least { $required }.
plan-breach-term = Term of { $days } days: a { $role } may grant at most { $max } days.
plan-breach-installment-amount = Installment { $number } is { $amount }: a { $role } needs at least { $min }.
plan-preview-title = Schedule preview
plan-preview-not-saved = This preview is not saved. Propose the plan to save it.
plan-total = Balance covered
plan-down-payment = Down payment
plan-financed = Financed
plan-interest = Interest
plan-principal = Principal
plan-amount-due = Total to pay
plan-within-limits = Within your limits: the plan takes effect as soon as you propose it.
plan-beyond-limits = Beyond your limits, so the plan will wait for approval:
plan-installments = Installments
plan-installment-number = No.
plan-documents = Documents covered
plan-disputed-left-out = Disputed documents left out:
plan-installment-count = Installments
plan-frequency = Frequency
plan-first-due = First installment due
plan-rate = Annual interest rate (%)
plan-method = Interest method
plan-grace-days = Grace days before the plan breaks
plan-refinancing = Refinancing
plan-refinancing-hint = Replaces the covered documents by one debit note per installment when the plan takes effect.
plan-preview = Preview
plan-propose = Propose
plan-title = Payment plan { $id }
plan-approved = The payment plan was approved and is now active.
plan-rejected = The payment plan was rejected.
plan-saved-active = The payment plan was saved and is active.
plan-saved-proposed = The payment plan was saved and waits for approval.
plan-agreed-on = Agreed on
plan-broken-on = Broken on
plan-completed-on = Completed on
plan-paid = Paid
plan-open-when-proposed = Open when proposed
settlement-form-title = Make a settlement offer
settlement-authority-hint = Your offers are approved at once when they waive at most { $interest } % of the interest and { $principal } % of the principal.
settlement-authority-none = Your offers are approved at once: your role has no waiver limits.
settlement-error-waiver = "{ $value }" is not an amount such as { $example } or a percent from 0 to 100 such as 40 %.
settlement-error-pay-by-past = The pay-by date cannot be before { $date }.
settlement-approved = The settlement offer was approved.
settlement-rejected = The settlement offer was rejected.
settlement-saved-approved = The settlement offer was saved and approved within your authority.
settlement-saved-pending = The settlement offer was saved and waits for approval from a { $role }.
settlement-title = Settlement offer { $id }
settlement-principal = Open principal (undisputed)
settlement-interest-owed = Interest owed
settlement-interest-from-statement = Computed from the late-interest statement as of { $date }. You may change it.
settlement-interest-statement-failed = The late-interest statement could not be computed, so the interest owed starts at zero. Type it yourself. Reason: { $detail }
settlement-letter-download = Download the offer letter (PDF)
settlement-fees-owed = Fees owed
settlement-owed = Total owed
settlement-waiver = Interest waiver
settlement-waiver-hint = An amount, or a percent of the interest owed followed by %, such as 40 %.
settlement-principal-discount = Principal discount
settlement-lump-sum = Lump sum
settlement-offered-on = Offered on
settlement-pay-by = Pay by
settlement-paid-on = Paid on
settlement-submit = Make the offer
write-off-form-title = Request a write-off
write-off-balance = Open balance (undisputed)
write-off-hint = A manager or an administrator approves write-offs. An approved write-off closes the amount against the oldest open documents.
write-off-reason = Reason
write-off-submit = Request the write-off
write-off-error-amount = "{ $value }" is not an amount greater than zero. Type it as { $example }.
write-off-error-reason = Type the reason for the write-off.
write-off-title = Write-off { $id }
write-off-requested = Requested
write-off-recovered = Recovered since
write-off-saved = The write-off was requested and waits for approval.
write-off-approved = The write-off was approved.
write-off-rejected = The write-off was rejected.

# Late-interest statement of a customer
statement-link = Late-interest statement
statement-title = Statement of late-payment interest
statement-as-of-label = Statement date
statement-show = Show
statement-download-pdf = Download PDF
statement-download-xlsx = Download Excel
statement-rule-heading = Rule applied
statement-rule-regime = statutory regime { $regime }
statement-rule-rate = contractual rate of { $rate } % a year, day count { $day_count }
statement-rule-grace = { $days } grace days
statement-rule-effective = in force from { $date }
statement-rule-customer = the customer's own rule
statement-no-rule = No late-interest rule is set for this portfolio, so the statement shows no interest and no compensation. An administrator can set one with "recobro interest rule set".
statement-empty = The customer has no past-due documents and no interest outstanding on this date.
statement-documents = Documents
statement-principal-open = Principal open
statement-interest-accrued = Interest accrued
statement-interest-waived = Interest waived
statement-interest-paid = Interest paid
statement-interest-owed = Interest owed
statement-fees = Debt recovery compensation
statement-status = Status
statement-paid-on = Paid on { $date }
statement-totals = Totals
statement-currency = Currency
statement-total = Total owed
statement-periods = Periods by document
statement-period-from = From
statement-period-to = To
statement-days = Days
statement-base = Base
statement-rate = Annual rate
statement-factor = factor { $factor }
statement-note = Interest accrues on the principal open from the day after the due date through the statement date, or through the day of full payment, both included. It does not accrue while a document is disputed. The interest of a document paid late remains owed until it is paid or waived.
statement-error-date = Invalid date "{ $value }": use YYYY-MM-DD, such as 2024-01-31.
statement-error-format = Invalid format "{ $value }": use pdf or xlsx.
statement-error-currency = Document { $document } is in { $currency }, but regime { $regime } applies to { $regime_currency } debts only. Set a contractual rate for this customer.
statement-error-interest = Cannot compute the interest of document { $document }: { $detail }
statement-error-rule = Cannot prepare the statement: { $detail }
day-count-act365 = actual/365
day-count-act360 = actual/360
day-count-actact = actual/actual

## Customer files, judicial transfers, law firms and the health check

nav-legal = Legal referrals
nav-files = Customer files
nav-health = Health check
files-title = Customer file
files-required = Required
files-required-none = nothing
files-complete = Complete and up to date.
files-none = No documents on file.
file-kind = Kind
file-name = File
file-issued-on = Issued on
file-expires-on = Expires on
file-size = Size
file-uploaded = Uploaded
file-remove = Remove
file-expired = expired
file-upload-title = Upload a document
file-document = Document
file-upload = Upload
file-note = Note
file-upload-hint = Accepted types: { $allowed }. At most { $limit }.
file-back-to-customer = Back to the customer
file-kind-contract = Contract
file-kind-identity = Identity document
file-kind-promissory-note = Promissory note
file-kind-guarantee = Guarantee
file-kind-invoice-copy = Invoice copy
file-kind-correspondence = Correspondence
file-kind-other = Other
file-scope-customer = Every customer in collection
file-scope-legal = Before a judicial transfer
file-gap-missing = { $kind }: missing
file-gap-expired = { $kind }: expired on { $date }
file-error-body-too-large = The upload was rejected and nothing was stored: the file is larger than { $limit }.
file-error-date = Invalid { $field } "{ $value }": use a date such as 2024-01-31.
file-error-no-file = Choose the file to upload.
file-error-kind = Unknown document kind "{ $value }": choose one from the list.
file-error-scope = Unknown requirement scope "{ $value }": use customer or legal.
file-error-empty-name = The upload was rejected and nothing was stored: the file has no name.
file-error-unsafe-name = The upload was rejected and nothing was stored: the file name "{ $name }" is not allowed. Use a plain name, without folders, a leading dot or control characters.
file-error-long-name = The upload was rejected and nothing was stored: the file name "{ $name }" is longer than 200 characters.
file-error-type = The upload was rejected and nothing was stored: "{ $name }" is not an accepted type. Accepted types: { $allowed }.
file-error-content = The upload was rejected and nothing was stored: the content of "{ $name }" is not a { $expected } file, as its name says.
file-error-empty = The upload was rejected and nothing was stored: "{ $name }" is empty.
file-error-too-large = The upload was rejected and nothing was stored: "{ $name }" has { $size } bytes, over the limit of { $limit } bytes ({ $limit_size }).
file-error-expiry = The expiry date { $expires } is before the issue date { $issued }.
files-incomplete-title = Incomplete customer files
files-incomplete-intro = Customers with an open collection case whose file lacks a required document, or holds only expired ones.
files-scope = Requirement
files-incomplete-none = Every file is complete and up to date.
files-gaps = Missing or expired
health-title = Health check
health-intro = The ten questions of a collection review, answered from the portfolio's data.
health-summary = { $ok } ok, { $warnings } with a warning, { $missing } missing.
health-question = Question
health-status = Status
health-figure = Figure
health-fix = Fix it
health-question-aging-report = Is there an aging report of overdue balances?
health-question-latest-actions = Is there a report of the latest collection actions per customer?
health-question-customer-files = Does every customer have its documentation on file, and is it up to date?
health-question-procedure = Do the collectors have a clear procedure: which action for which delinquency?
health-question-team = Is the collection team staffed and is every account assigned?
health-question-follow-up = Are there systems to follow up the whole portfolio?
health-question-renegotiation = Are there plans for customers who ask to renegotiate terms and late interest?
health-question-settlements = Is there a procedure for a customer who offers one lump-sum payment and asks to have the interest waived?
health-question-segments = Are the customers the company no longer wants to do business with segmented?
health-question-law-firm = Is a law firm selected for the cases that go to judicial collection?
health-status-ok = OK
health-status-warning = Warning
health-status-missing = Missing
health-figure-aging-report-none = No daily run yet, so there is no aging report.
health-figure-aging-report-stale = The latest daily run is as of { $run }, { $days } days ago.
health-figure-aging-report-ok = Aging as of { $run }. Open cases: { $cases }.
health-figure-latest-actions = Open cases with an action in the last 30 days: { $worked } of { $cases } ({ $percent } %).
health-figure-customer-files = Open cases with a complete file: { $complete } of { $cases }. With an expired document: { $expired }.
health-figure-procedure-own = The portfolio's own policy is in force: { $stages } stages, the first at { $first } days past due.
health-figure-procedure-default = The built-in default policy, not yet reviewed: { $stages } stages, the first at { $first } days past due.
health-figure-team = Active collectors: { $collectors }. Open cases unassigned: { $unassigned } of { $cases }.
health-figure-follow-up = Open tasks: { $tasks }, past their date: { $overdue }. Open promises to pay: { $promises }.
health-figure-renegotiation-rule = A late-interest rule is set. Payment plans: { $plans }, active: { $active }.
health-figure-renegotiation-no-rule = No late-interest rule is set. Payment plans: { $plans }, active: { $active }.
health-figure-settlements = Settlement offers: { $offers }, paid: { $paid }. Managers and administrators who approve beyond a collector's limit: { $deciders }.
health-figure-segments = Customers not to continue: { $stop }. On credit hold: { $hold }. Status suggestions waiting for a decision: { $pending }.
health-figure-law-firm = Active law firms: { $firms }. Cases with a firm: { $referred }. Transfer proposals waiting: { $pending }. Judicial transfer candidates: { $candidates }.
legal-title = Judicial collection
legal-intro = Cases { $days } or more days past due. A manager approves each transfer with a law firm, which builds the case packet, or rejects it with a reason.
legal-incomplete-files-link = Files incomplete for a transfer
legal-proposals = Transfer proposals
legal-no-active-firm = No active law firm has room for another case.
legal-proposals-none = No transfer is waiting for a decision.
legal-decision = Decision
legal-firm = Law firm
legal-approve = Approve
legal-reason = Reason
legal-reject = Reject
legal-next-run = The next daily run proposes it.
legal-incomplete = Candidates with an incomplete file
legal-incomplete-none = Every candidate's file is complete.
legal-referrals = Referrals
legal-referrals-none = No referrals yet.
legal-referral = Referral
legal-status = Status
legal-since = Since
legal-referred = Referred
legal-recovered = Recovered
legal-fees = Fees
legal-net-recovered = Net recovered
legal-report = Referrals by law firm
legal-report-none = No case was transferred to a law firm yet.
legal-report-rate = Recovery rate (%)
legal-report-referrals = Referrals
legal-report-open = Open
legal-report-closed = Closed
legal-error-unknown-firm = Law firm "{ $firm }" not found.
legal-error-inactive-firm = Law firm "{ $firm }" is not active. Choose another one.
legal-error-firm-full = Law firm "{ $firm }" already has { $open } open referrals, its capacity. Choose another one or raise its capacity.
legal-error-wrong-status = Referral { $id } is { $status }, so this cannot be done now.
legal-error-incomplete-file = The file of customer { $customer } is not complete for a judicial transfer: { $missing }.
legal-error-invalid = The change was not saved: { $detail }
legal-error-no-firm = Choose the law firm that takes the case.
legal-error-no-reason = Give the reason for the rejection.
referral-status-proposed = Proposed
referral-status-rejected = Rejected
referral-status-prepared = Prepared
referral-status-sent = Sent to the firm
referral-status-accepted = Accepted by the firm
referral-status-filed = Filed in court
referral-status-judgment = Judgment
referral-status-recovering = Recovering
referral-status-closed = Closed
referral-title = Referral { $id }
referral-back = Back to judicial collection
referral-customer-link = Customer page
referral-proposed-on = Proposed on
referral-days = days past due
referral-decided = Decided by
referral-court-reference = Court reference
referral-packet = Download the case packet
referral-move = Next state
referral-next-status = State
referral-date = Date
referral-note = Note
referral-move-button = Save the state
referral-recovery = Record a recovery
referral-recovery-amount = Amount recovered
referral-recovery-hint = The amount enters the ledger as a payment of the customer, applied to the oldest documents first.
referral-recovery-button = Record the recovery
referral-events = History
referral-events-none = No states recorded yet.
referral-recoveries = Recoveries
referral-recoveries-none = Nothing recovered yet.
referral-error-no-status = Choose the next state.
referral-error-date = Invalid date "{ $value }": use a date such as 2024-01-31.
referral-error-amount = Invalid amount "{ $value }": enter an amount above zero, such as 1,500.00.
firms-title = Law firms
firms-intro = The law firms that take cases to judicial collection.
firms-back = Back to judicial collection
firms-none = No law firms yet.
firms-add = Add a law firm
firm-code = Code
firm-name = Name
firm-contact = Contact
firm-fees = Fees
firm-capacity = Capacity
firm-open-referrals = Open referrals
firm-active = Active
firm-edit = Edit
firm-no-limit = no limit
firm-yes = Yes
firm-no = No
firm-code-hint = Letters, digits, "-" or "_", without spaces. It cannot be changed later.
firm-contact-name = Contact name
firm-email = Email
firm-phone = Phone
firm-address = Address
firm-percent = Contingency fee (% of what is recovered)
firm-fixed-fee = Fixed fee per referral
firm-fee-currency = Currency of the fixed fee
firm-capacity-hint = The most open referrals the firm takes; leave it empty for no limit.
firm-save = Save
firm-cancel = Cancel
firm-error-code = Invalid code "{ $value }": use letters, digits, "-" or "_", without spaces.
firm-error-name = Enter the firm's name.
firm-error-percent = Invalid contingency fee "{ $value }": enter a percent from 0 to 100, such as 15 or 12.5.
firm-error-fee-currency = A fixed fee needs its currency, such as USD.
firm-error-fee = Invalid fixed fee "{ $value }": enter an amount such as 500.00.
firm-error-capacity = Invalid capacity "{ $value }": enter a whole number of at least 1, or leave it empty.
firm-error-email = Invalid email "{ $value }".

# Collection letters
nav-letters = Letters
letters-title = Collection letters
letters-intro = Generate the letters of every case in a stage as drafts, review them, and approve them for sending by email or for printing.
letters-generate-heading = Generate for a stage
letters-stage = Stage
letters-stage-demand = Demand letters (stages with a demand letter)
letters-stage-formal-notice = Formal notices (stages with a formal notice)
letters-stage-reminder = Reminders (stages with a reminder)
letters-stage-code = Stage: { $stage }
letters-as-of = Date of the letters
letters-language = Language
letters-language-customer = Each customer's language
letters-generate = Generate drafts
letters-generated = { $drafted } drafts stored, { $kept } letters already approved or delivered kept, { $skipped } customers skipped.
letters-kind = Kind
letters-status = Status
letters-none = No letters match.
letters-shown = Showing { $shown } of { $total } letters.
letters-id = Letter
letters-date = Date
letters-customer = Customer
letters-created-by = Generated by
letters-decided-by = Decided by
letters-pdf = PDF
letters-download = Download
letters-actions = Actions
letters-approve = Approve
letters-cancel = Cancel
letters-approved = Letter approved.
letters-cancelled = Letter cancelled.
letters-error-date = Invalid date "{ $value }": enter a date such as 2024-06-30.
letters-error-stage = Unknown stage "{ $value }": choose one from the list.
letters-error-no-stage = No stage of the policy in force on that date creates this kind of letter.
letters-error-status = This letter is { $status }, so it cannot be changed.
letter-kind-reminder = Reminder
letter-kind-formal-notice = Formal notice
letter-kind-demand = Demand letter
letter-kind-plan-agreement = Payment plan agreement
letter-kind-settlement-offer = Settlement offer
letter-status-draft = Draft
letter-status-approved = Approved
letter-status-sent = Sent
letter-status-queued-for-print = Queued for printing
letter-status-cancelled = Cancelled
