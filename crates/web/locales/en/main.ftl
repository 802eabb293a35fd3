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
