//! OpenAPI schemas of the domain's closed sets of values, written here so that the domain stays
//! free of HTTP: each is a string with its allowed values listed (`enum`), the same names the
//! API accepts, so a generated client gets an enum and a fuzzer valid values.

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

/// A string schema allowing `names` only.
fn names_schema(description: &str, names: &[&str]) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .description(Some(description))
        .enum_values(Some(names.iter().copied()))
        .into()
}

macro_rules! names_schema {
    ($ty:ty, $name:literal, $description:literal) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                names_schema($description, <$ty>::NAMES)
            }
        }
        impl utoipa::ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

names_schema!(
    crate::domain::Country,
    "Country",
    "Country of an office: decides which rules and programmes apply."
);
names_schema!(
    crate::domain::Programme,
    "Programme",
    "Benefit programme: `revis` (Luxembourg, revenu d'inclusion sociale), `cpas_ris` (Belgium, CPAS revenu d'intégration), `rsa` (France, revenu de solidarité active)."
);

impl utoipa::PartialSchema for crate::domain::FieldError {
    fn schema() -> RefOr<Schema> {
        let text = |description: &str| {
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .description(Some(description))
        };
        ObjectBuilder::new()
            .description(Some("One invalid field and what is wrong with it."))
            .property("field", text("A JSON path such as `languages[1].level`."))
            .required("field")
            .property("message", text("What is wrong, in words."))
            .required("message")
            .into()
    }
}

impl utoipa::ToSchema for crate::domain::FieldError {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("FieldError")
    }
}

names_schema!(
    crate::app::policy::Role,
    "Role",
    "What a token may do: `admin` (everything), `caseworker` (one office's people), `host` (one organisation's openings), `scheduler` (starts rebalancing runs)."
);

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    #[test]
    fn a_domain_enum_is_a_string_with_its_values_listed() {
        let schema = serde_json::to_value(crate::domain::Programme::schema()).unwrap();
        assert_eq!(schema["type"], "string");
        assert_eq!(
            schema["enum"],
            serde_json::json!(["revis", "cpas_ris", "rsa"])
        );
    }
}
