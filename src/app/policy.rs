//! Who may see or change what: the caller's role and tenant, and the rules every door applies
//! (the API today, the pages and the command line next). A caseworker sees one office's people,
//! a host one organisation's openings and the people proposed to them, a scheduler starts runs,
//! an admin sees everything. Another tenant's object is answered as if it did not exist.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The caller may not do this (whatever the object).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this role may not do that")]
pub struct Denied;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything; manages offices, organisations and tokens.
    Admin,
    /// One office's beneficiaries, their suggestions and placements.
    Caseworker,
    /// One organisation's openings and the pseudonymised people proposed to them.
    Host,
    /// Starts rebalancing runs, nothing else.
    Scheduler,
}

impl Role {
    /// Every string form, in order.
    pub const NAMES: &'static [&'static str] = &["admin", "caseworker", "host", "scheduler"];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Caseworker => "caseworker",
            Role::Host => "host",
            Role::Scheduler => "scheduler",
        }
    }

    /// The role of a string form, if it is one.
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "admin" => Role::Admin,
            "caseworker" => Role::Caseworker,
            "host" => Role::Host,
            "scheduler" => Role::Scheduler,
            _ => return None,
        })
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Role::parse(s).ok_or_else(|| format!("'{s}' is not one of: {}", Role::NAMES.join(", ")))
    }
}

/// The authenticated caller: a token (a machine) or a signed-in user, with the same rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    /// The credential the request came with: the token's id, or the user's session's id.
    pub token_id: Uuid,
    /// The signed-in user, when the request came with a session rather than a token.
    pub user_id: Option<Uuid>,
    pub role: Role,
    /// Set for caseworkers: the only office whose people they see.
    pub office_id: Option<Uuid>,
    /// Set for hosts: the only organisation whose openings they see.
    pub organisation_id: Option<Uuid>,
}

impl Principal {
    /// Who acts, for limits and the audit trail: the user when signed in, else the token.
    pub fn actor_id(&self) -> Uuid {
        self.user_id.unwrap_or(self.token_id)
    }

    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), Denied> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(Denied)
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the caller may see data of `office`: admins all, caseworkers their own.
    pub fn sees_office(&self, office: Uuid) -> bool {
        self.is_admin() || (self.role == Role::Caseworker && self.office_id == Some(office))
    }

    /// Whether the caller may manage data of `organisation`: admins all, hosts their own.
    pub fn manages_organisation(&self, organisation: Uuid) -> bool {
        self.is_admin() || (self.role == Role::Host && self.organisation_id == Some(organisation))
    }

    /// Whether the caller may see a placement of a person of `office` on an opening of
    /// `organisation`: admins, the person's caseworkers, the opening's host.
    pub fn sees_placement(&self, office: Uuid, organisation: Uuid) -> bool {
        self.is_admin()
            || (self.role == Role::Caseworker && self.sees_office(office))
            || (self.role == Role::Host && self.manages_organisation(organisation))
    }

    /// The office a list reads: the caller's own when bound to one (a caseworker), otherwise what
    /// the query asks; `None` when the query asks for another tenant's, which is answered as an
    /// empty page, as if nothing were there.
    pub fn office_filter(&self, asked: Option<Uuid>) -> Option<Option<Uuid>> {
        within(self.office_bound(), asked)
    }

    /// The organisation a list reads, as [`Principal::office_filter`] (a host is bound to its own).
    pub fn organisation_filter(&self, asked: Option<Uuid>) -> Option<Option<Uuid>> {
        within(self.organisation_bound(), asked)
    }

    /// The office every list is bound to whatever the query says: a caseworker's own.
    pub fn office_bound(&self) -> Option<Uuid> {
        match self.role {
            Role::Caseworker => self.office_id,
            _ => None,
        }
    }

    /// The organisation every list is bound to whatever the query says: a host's own.
    pub fn organisation_bound(&self) -> Option<Uuid> {
        match self.role {
            Role::Host => self.organisation_id,
            _ => None,
        }
    }
}

fn within(bound: Option<Uuid>, asked: Option<Uuid>) -> Option<Option<Uuid>> {
    match (bound, asked) {
        (Some(bound), Some(asked)) if asked != bound => None,
        (Some(bound), _) => Some(Some(bound)),
        (None, asked) => Some(asked),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role, office: Option<u128>, org: Option<u128>) -> Principal {
        Principal {
            user_id: None,
            token_id: Uuid::from_u128(99),
            role,
            office_id: office.map(Uuid::from_u128),
            organisation_id: org.map(Uuid::from_u128),
        }
    }

    #[test]
    fn a_list_stays_in_the_callers_tenant_whatever_the_query_asks() {
        let (one, two) = (Some(Uuid::from_u128(1)), Some(Uuid::from_u128(2)));
        let caseworker = caller(Role::Caseworker, Some(1), None);
        assert_eq!(caseworker.office_filter(None), Some(one));
        assert_eq!(caseworker.office_filter(one), Some(one));
        assert_eq!(caseworker.office_filter(two), None, "another office: empty");
        assert_eq!(caseworker.organisation_filter(two), Some(two));
        let host = caller(Role::Host, None, Some(1));
        assert_eq!(host.organisation_filter(two), None);
        assert_eq!(host.organisation_filter(None), Some(one));
        let admin = caller(Role::Admin, None, None);
        assert_eq!(admin.office_filter(two), Some(two));
        assert_eq!(admin.organisation_filter(None), Some(None));
    }

    #[test]
    fn a_placement_is_seen_by_its_two_sides_and_admins_only() {
        let (office, org) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert!(caller(Role::Admin, None, None).sees_placement(office, org));
        assert!(caller(Role::Caseworker, Some(1), None).sees_placement(office, org));
        assert!(caller(Role::Host, None, Some(2)).sees_placement(office, org));
        assert!(!caller(Role::Caseworker, Some(3), None).sees_placement(office, org));
        assert!(!caller(Role::Host, None, Some(3)).sees_placement(office, org));
        assert!(!caller(Role::Scheduler, None, None).sees_placement(office, org));
    }
}
