//! A host organisation as people read and write it: the view, the input, and its checks.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::validate;
use super::{FieldError, Location, LocationInput};
use crate::domain::limits;
use crate::store::{NewOrganisation, OrganisationRow};

/// What kind of host this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    Commune,
    NonProfit,
    Foundation,
    PublicBody,
    Cpas,
    SocialEconomy,
    PrivateEmployer,
}

impl OrganisationKind {
    /// Every string form, in order.
    pub const NAMES: &'static [&'static str] = &[
        "commune",
        "non_profit",
        "foundation",
        "public_body",
        "cpas",
        "social_economy",
        "private_employer",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::Commune => "commune",
            OrganisationKind::NonProfit => "non_profit",
            OrganisationKind::Foundation => "foundation",
            OrganisationKind::PublicBody => "public_body",
            OrganisationKind::Cpas => "cpas",
            OrganisationKind::SocialEconomy => "social_economy",
            OrganisationKind::PrivateEmployer => "private_employer",
        }
    }
}

/// A host organisation as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Organisation {
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// The organisation's own reference, unique across the service; imports update by it.
    pub external_ref: Option<String>,
    pub name: String,
    pub kind: String,
    pub address: Option<String>,
    pub location: Location,
    /// New people taken per calendar month at most; `null` means no cap.
    pub monthly_intake_cap: Option<i32>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: time::OffsetDateTime,
}

impl From<OrganisationRow> for Organisation {
    fn from(r: OrganisationRow) -> Self {
        Self {
            id: r.id,
            organisation_id: r.id,
            external_ref: r.external_ref,
            name: r.name,
            kind: r.kind,
            address: r.address,
            location: Location {
                lon: r.lon,
                lat: r.lat,
            },
            monthly_intake_cap: r.monthly_intake_cap,
            updated_at: r.updated_at,
        }
    }
}

/// An organisation's fields before validation: the API body and file rows alike.
#[derive(Debug, Clone, Default)]
pub struct OrganisationInput {
    pub external_ref: Option<String>,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub address: Option<String>,
    pub location: Option<LocationInput>,
    pub monthly_intake_cap: Option<i32>,
}

/// Validates every field of an organisation, one error per bad field.
pub fn check_input(input: &OrganisationInput) -> Result<NewOrganisation, Vec<FieldError>> {
    let mut e = Vec::new();
    let external_ref =
        validate::external_ref("external_ref", input.external_ref.as_deref(), &mut e);
    let name = validate::required_name("name", input.name.as_deref(), &mut e);
    let kind = validate::required_choice(
        "kind",
        input.kind.as_deref(),
        OrganisationKind::NAMES,
        &mut e,
    );
    let location = validate::location("location", input.location.as_ref(), None, &mut e);
    let address =
        validate::optional_text("address", input.address.as_deref(), limits::ADDRESS, &mut e);
    if input.monthly_intake_cap.is_some_and(|c| c < 0) {
        e.push(FieldError::new(
            "monthly_intake_cap",
            Msg::new("field-not-negative").int("given", input.monthly_intake_cap.unwrap_or(-1)),
        ));
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(NewOrganisation {
        external_ref,
        name,
        kind,
        address,
        lon: location.lon,
        lat: location.lat,
        monthly_intake_cap: input.monthly_intake_cap,
    })
}
