//! Authorization: what each role may do, in one place. Every page handler
//! and API endpoint calls [`require`] before it acts, and
//! [`require_customer`] before it shows or changes a customer.

use crate::error::WebError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Manager,
    Collector,
    Legal,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Manager, Role::Collector, Role::Legal, Role::Viewer];

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Collector => "collector",
            Role::Legal => "legal",
            Role::Viewer => "viewer",
        }
    }
}

/// Things a user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Dashboards, aging, the customer list and customer pages.
    ViewPortfolio,
    /// Customers and worklists of every collector, not only one's own.
    ViewAllCollectors,
    /// Record a collection action: a call, a promise to pay, a dispute.
    LogAction,
    /// Problem cases and judicial transfer candidates.
    ViewCases,
    ImportData,
    /// Change the collection policy.
    ManagePolicy,
    /// Assign customers to collectors.
    AssignCustomers,
    /// Start the daily run of a portfolio.
    RunDaily,
    ManageUsers,
    /// Propose payment plans and settlement offers and request write-offs.
    Negotiate,
    /// Approve or reject plans, offers and write-offs. The application
    /// layer also checks each one against the approver's own limits.
    ApproveNegotiation,
    /// Upload and remove documents of a customer's file.
    ManageFiles,
    /// Approve or reject judicial transfers, and add or edit law firms.
    DecideTransfers,
    /// Record a referral's progress at the law firm and its recoveries.
    FollowReferrals,
    /// Generate collection letters in batch and approve or cancel them.
    ManageLetters,
}

/// The permission table. A collector sees and changes only the customers
/// assigned to them. Legal staff read everything, keep customer files and
/// follow legal referrals. Viewers read everything and change nothing.
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    match role {
        Role::Admin => true,
        Role::Manager => !matches!(permission, ManageUsers),
        Role::Collector => matches!(permission, ViewPortfolio | LogAction | ViewCases | Negotiate | ManageFiles),
        Role::Legal => matches!(permission, ViewPortfolio | ViewAllCollectors | ViewCases | ManageFiles | FollowReferrals),
        Role::Viewer => matches!(permission, ViewPortfolio | ViewAllCollectors),
    }
}

/// The signed-in user as authorization uses them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
}

pub fn require(actor: &Actor, permission: Permission) -> Result<(), WebError> {
    if allows(actor.role, permission) {
        Ok(())
    } else {
        tracing::warn!(user = %actor.username, role = actor.role.code(), ?permission, "permission denied");
        Err(WebError::Forbidden)
    }
}

/// The collector whose customers `actor` is limited to, or none when the
/// actor sees every customer.
pub fn collector_scope(actor: &Actor) -> Option<&str> {
    (!allows(actor.role, Permission::ViewAllCollectors)).then_some(actor.username.as_str())
}

/// Checks that `actor` may see a customer assigned to `collector`.
pub fn require_customer(actor: &Actor, collector: Option<&str>) -> Result<(), WebError> {
    match collector_scope(actor) {
        Some(own) if collector != Some(own) => {
            tracing::warn!(user = %actor.username, "collector denied a customer assigned to someone else");
            Err(WebError::Forbidden)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor { user_id: 1, username: "ana".into(), role }
    }

    #[test]
    fn permission_table() {
        use Permission::*;
        let table = [
            (Role::Admin, ManageUsers, true),
            (Role::Manager, ManageUsers, false),
            (Role::Manager, ImportData, true),
            (Role::Manager, RunDaily, true),
            (Role::Admin, RunDaily, true),
            (Role::Collector, RunDaily, false),
            (Role::Legal, RunDaily, false),
            (Role::Viewer, RunDaily, false),
            (Role::Collector, LogAction, true),
            (Role::Collector, ViewAllCollectors, false),
            (Role::Collector, ImportData, false),
            (Role::Legal, ViewCases, true),
            (Role::Legal, LogAction, false),
            (Role::Viewer, ViewPortfolio, true),
            (Role::Viewer, LogAction, false),
            (Role::Viewer, ViewCases, false),
            (Role::Collector, Negotiate, true),
            (Role::Collector, ApproveNegotiation, false),
            (Role::Manager, ApproveNegotiation, true),
            (Role::Admin, ApproveNegotiation, true),
            (Role::Legal, Negotiate, false),
            (Role::Viewer, Negotiate, false),
            (Role::Collector, ManageFiles, true),
            (Role::Legal, ManageFiles, true),
            (Role::Viewer, ManageFiles, false),
            (Role::Manager, ManageLetters, true),
            (Role::Collector, ManageLetters, false),
            (Role::Legal, ManageLetters, false),
            (Role::Manager, DecideTransfers, true),
            (Role::Admin, DecideTransfers, true),
            (Role::Collector, DecideTransfers, false),
            (Role::Legal, DecideTransfers, false),
            (Role::Legal, FollowReferrals, true),
            (Role::Manager, FollowReferrals, true),
            (Role::Collector, FollowReferrals, false),
            (Role::Viewer, FollowReferrals, false),
        ];
        for (role, permission, expected) in table {
            assert_eq!(allows(role, permission), expected, "{role:?} {permission:?}");
        }
    }

    #[test]
    fn collector_sees_only_own_customers() {
        let collector = actor(Role::Collector);
        assert!(require_customer(&collector, Some("ana")).is_ok());
        assert!(require_customer(&collector, Some("luis")).is_err());
        assert!(require_customer(&collector, None).is_err());
        assert!(require_customer(&actor(Role::Manager), Some("luis")).is_ok());
    }
}
