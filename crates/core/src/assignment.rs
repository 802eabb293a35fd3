//! Assignment of customers to collectors: teams with a capacity per member,
//! and ordered rules that send a customer to a team by segment, region and
//! balance band. Inside a team, each customer goes to the member with the
//! lowest workload relative to capacity.

/// A collector's place in a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    pub collector: String,
    /// The maximum number of customers with an open case the collector takes.
    pub capacity: i64,
    /// Customers with an open case already assigned to the collector.
    pub load: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub code: String,
    pub name: String,
    pub members: Vec<TeamMember>,
}

/// A rule sending matching customers to a team. Absent criteria match any
/// customer; the balance band includes its minimum and excludes its maximum.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssignmentRule {
    pub team: String,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub min_balance_minor: Option<i64>,
    pub max_balance_minor: Option<i64>,
}

/// An unassigned customer and the figures the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerToAssign {
    pub customer_ref: String,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub balance_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub customer_ref: String,
    pub team: String,
    pub collector: String,
}

/// The reason a customer stays unassigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnassignedReason {
    NoRuleMatches,
    /// Every member of the matched team is at capacity.
    TeamFull { team: String },
}

impl UnassignedReason {
    pub fn code(&self) -> &'static str {
        match self {
            UnassignedReason::NoRuleMatches => "no_rule_matches",
            UnassignedReason::TeamFull { .. } => "team_full",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssignmentPlan {
    pub assignments: Vec<Assignment>,
    pub unassigned: Vec<(String, UnassignedReason)>,
}

impl AssignmentRule {
    /// Tells whether the customer meets every criterion of the rule. Segment
    /// and region compare without regard to case or surrounding spaces.
    pub fn matches(&self, customer: &CustomerToAssign) -> bool {
        let same = |wanted: &Option<String>, actual: &Option<String>| match wanted {
            None => true,
            Some(wanted) => actual.as_deref().is_some_and(|actual| actual.trim().eq_ignore_ascii_case(wanted.trim())),
        };
        let above_min = self.min_balance_minor.is_none_or(|min| customer.balance_minor >= min);
        let below_max = self.max_balance_minor.is_none_or(|max| customer.balance_minor < max);

        same(&self.segment, &customer.segment) && same(&self.region, &customer.region) && above_min && below_max
    }
}

/// Plans the assignment of `customers` by the first matching rule of
/// `rules`. Customers with larger balances are placed first, so when a team
/// runs out of capacity the smaller balances wait. Inside the team the member
/// with the lowest load-to-capacity ratio takes the customer (ties go to the
/// first member by name), and each placement counts towards that member's
/// load for the next customer.
pub fn plan_assignments(teams: &[Team], rules: &[AssignmentRule], customers: &[CustomerToAssign]) -> AssignmentPlan {
    // loads[team][member] starts from the stored load and grows with each
    // placement of this plan.
    let mut loads: Vec<Vec<i64>> = teams.iter().map(|team| team.members.iter().map(|member| member.load).collect()).collect();

    let mut order: Vec<&CustomerToAssign> = customers.iter().collect();
    order.sort_by(|a, b| b.balance_minor.cmp(&a.balance_minor).then_with(|| a.customer_ref.cmp(&b.customer_ref)));

    let mut plan = AssignmentPlan::default();
    for customer in order {
        let Some(rule) = rules.iter().find(|rule| rule.matches(customer)) else {
            plan.unassigned.push((customer.customer_ref.clone(), UnassignedReason::NoRuleMatches));
            continue;
        };
        let team_index = teams.iter().position(|team| team.code == rule.team);
        let member_index = team_index.and_then(|index| least_loaded_member(&teams[index], &loads[index]));
        match (team_index, member_index) {
            (Some(team_index), Some(member_index)) => {
                loads[team_index][member_index] += 1;
                let collector = teams[team_index].members[member_index].collector.clone();
                plan.assignments.push(Assignment { customer_ref: customer.customer_ref.clone(), team: rule.team.clone(), collector });
            }
            _ => plan.unassigned.push((customer.customer_ref.clone(), UnassignedReason::TeamFull { team: rule.team.clone() })),
        }
    }
    plan
}

/// Index of the member with the lowest load-to-capacity ratio among those
/// below capacity; ties go to the first collector by name.
fn least_loaded_member(team: &Team, loads: &[i64]) -> Option<usize> {
    let mut candidates: Vec<usize> = (0..team.members.len()).filter(|&index| loads[index] < team.members[index].capacity).collect();

    // Compare load/capacity ratios by cross-multiplying, to stay in integers.
    candidates.sort_by(|&a, &b| {
        let (member_a, member_b) = (&team.members[a], &team.members[b]);
        (loads[a] as i128 * member_b.capacity as i128).cmp(&(loads[b] as i128 * member_a.capacity as i128)).then_with(|| member_a.collector.cmp(&member_b.collector))
    });
    candidates.first().copied()
}

/// Lists the problems of a team set-up that would make assignment fail or
/// misbehave: rules naming unknown teams, non-positive capacities, a
/// collector twice in one team, an empty band, duplicate team codes.
pub fn validate_teams(teams: &[Team], rules: &[AssignmentRule]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut codes = std::collections::HashSet::new();
    for team in teams {
        if team.code.trim().is_empty() {
            problems.push("a team has an empty code".to_string());
        }
        if !codes.insert(team.code.as_str()) {
            problems.push(format!("team {:?} is defined twice", team.code));
        }
        let mut collectors = std::collections::HashSet::new();
        for member in &team.members {
            if member.capacity <= 0 {
                problems.push(format!("team {:?}: collector {:?} has capacity {}, expected a positive number of customers", team.code, member.collector, member.capacity));
            }
            if !collectors.insert(member.collector.as_str()) {
                problems.push(format!("team {:?}: collector {:?} is listed twice", team.code, member.collector));
            }
        }
    }

    for (index, rule) in rules.iter().enumerate() {
        let number = index + 1;
        if !codes.contains(rule.team.as_str()) {
            problems.push(format!("rule {number}: team {:?} is not defined", rule.team));
        }
        if let (Some(min), Some(max)) = (rule.min_balance_minor, rule.max_balance_minor)
            && min >= max
        {
            problems.push(format!("rule {number}: the minimum balance must be below the maximum balance"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(collector: &str, capacity: i64, load: i64) -> TeamMember {
        TeamMember { collector: collector.into(), capacity, load }
    }

    fn customer(reference: &str, segment: Option<&str>, region: Option<&str>, balance_minor: i64) -> CustomerToAssign {
        CustomerToAssign { customer_ref: reference.into(), segment: segment.map(Into::into), region: region.map(Into::into), balance_minor }
    }

    fn teams() -> Vec<Team> {
        vec![
            Team { code: "corporate".into(), name: "Corporate".into(), members: vec![member("ana", 2, 0)] },
            Team { code: "retail".into(), name: "Retail".into(), members: vec![member("luis", 4, 2), member("marta", 2, 0)] },
        ]
    }

    fn rules() -> Vec<AssignmentRule> {
        vec![
            AssignmentRule { team: "corporate".into(), min_balance_minor: Some(1_000_000), ..Default::default() },
            AssignmentRule { team: "retail".into(), segment: Some("SMB".into()), ..Default::default() },
        ]
    }

    #[test]
    fn first_matching_rule_wins() {
        let plan = plan_assignments(&teams(), &rules(), &[customer("C1", Some("smb"), None, 2_000_000)]);

        assert_eq!(plan.assignments, vec![Assignment { customer_ref: "C1".into(), team: "corporate".into(), collector: "ana".into() }]);
    }

    #[test]
    fn balance_band_excludes_its_maximum() {
        let rule = AssignmentRule { team: "t".into(), min_balance_minor: Some(100), max_balance_minor: Some(200), ..Default::default() };

        assert!(rule.matches(&customer("C", None, None, 100)));
        assert!(rule.matches(&customer("C", None, None, 199)));
        assert!(!rule.matches(&customer("C", None, None, 200)));
        assert!(!rule.matches(&customer("C", None, None, 99)));
    }

    #[test]
    fn region_and_segment_ignore_case() {
        let rule = AssignmentRule { team: "t".into(), segment: Some("SMB".into()), region: Some("Norte".into()), ..Default::default() };

        assert!(rule.matches(&customer("C", Some(" smb"), Some("NORTE"), 0)));
        assert!(!rule.matches(&customer("C", Some("smb"), None, 0)));
    }

    #[test]
    fn members_share_by_workload() {
        let customers: Vec<_> = (1..=4).map(|n| customer(&format!("C{n}"), Some("SMB"), None, 100)).collect();

        let plan = plan_assignments(&teams(), &rules(), &customers);

        let to = |collector: &str| plan.assignments.iter().filter(|a| a.collector == collector).count();
        // luis starts at 2 of 4 (50%) and marta at 0 of 2: marta takes the
        // first, then they alternate as ratios allow.
        assert_eq!(to("marta"), 2);
        assert_eq!(to("luis"), 2);
        assert!(plan.unassigned.is_empty());
    }

    #[test]
    fn full_team_leaves_smaller_balances_unassigned() {
        let customers = vec![customer("BIG1", None, None, 3_000_000), customer("BIG2", None, None, 2_000_000), customer("BIG3", None, None, 1_000_000)];

        let plan = plan_assignments(&teams(), &rules(), &customers);

        assert_eq!(plan.assignments.len(), 2);
        assert_eq!(plan.unassigned, vec![("BIG3".to_string(), UnassignedReason::TeamFull { team: "corporate".into() })]);
    }

    #[test]
    fn customer_without_rule_is_reported() {
        let plan = plan_assignments(&teams(), &rules(), &[customer("C9", Some("PUBLIC"), None, 10)]);

        assert!(plan.assignments.is_empty());
        assert_eq!(plan.unassigned, vec![("C9".to_string(), UnassignedReason::NoRuleMatches)]);
    }

    #[test]
    fn validation_lists_each_problem() {
        let teams = vec![Team { code: "a".into(), name: "A".into(), members: vec![member("ana", 0, 0), member("ana", 3, 0)] }];
        let rules = vec![AssignmentRule { team: "b".into(), min_balance_minor: Some(5), max_balance_minor: Some(5), ..Default::default() }];

        let problems = validate_teams(&teams, &rules);

        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("capacity 0")));
        assert!(problems.iter().any(|p| p.contains("listed twice")));
        assert!(problems.iter().any(|p| p.contains("\"b\" is not defined")));
        assert!(problems.iter().any(|p| p.contains("minimum balance")));
    }
}
