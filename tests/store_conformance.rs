//! Store conformance: the same scenarios against a real SQLite file and a real PostgreSQL
//! database. A backend that differs from the other in anything a caller can see fails here.

mod common;

use std::sync::Arc;

use placematch::store::{
    Backend, NewAuditEvent, NewOffice, NewOrganisation, NewToken, Store, StoreError,
};
use uuid::Uuid;

fn luxembourg_office() -> NewOffice {
    NewOffice {
        name: "Office social d'Esch-sur-Alzette".into(),
        country: "LU".into(),
        programme: "revis".into(),
    }
}

fn commune() -> NewOrganisation {
    NewOrganisation {
        name: "Administration communale de Differdange".into(),
        kind: "commune".into(),
        address: Some("40 avenue Charlotte, L-4530 Differdange".into()),
        lon: 5.8914,
        lat: 49.5242,
        monthly_intake_cap: Some(3),
    }
}

fn token(hash_seed: char, role: &str) -> NewToken {
    NewToken {
        token_hash: hash_seed.to_string().repeat(64),
        role: role.into(),
        office_id: None,
        organisation_id: None,
        label: "test".into(),
        expires_at: None,
    }
}

mod scenarios {
    use super::*;

    pub async fn migrations_can_run_again_without_changing_anything(store: Arc<dyn Store>) {
        let office = store.create_office(&luxembourg_office()).await.unwrap();
        store.migrate().await.expect("second migrate is a no-op");
        assert_eq!(store.get_office(office.id).await.unwrap(), Some(office));
    }

    pub async fn an_office_reads_back_exactly_as_written(store: Arc<dyn Store>) {
        let created = store.create_office(&luxembourg_office()).await.unwrap();
        assert_eq!(created.name, "Office social d'Esch-sur-Alzette");
        assert_eq!(created.country, "LU");
        assert_eq!(created.programme, "revis");
        let read = store.get_office(created.id).await.unwrap();
        assert_eq!(read.as_ref(), Some(&created));
        assert_eq!(store.list_offices().await.unwrap(), vec![created]);
    }

    pub async fn an_unknown_id_reads_as_none(store: Arc<dyn Store>) {
        assert_eq!(store.get_office(Uuid::new_v4()).await.unwrap(), None);
        assert_eq!(store.get_organisation(Uuid::new_v4()).await.unwrap(), None);
    }

    pub async fn offices_list_in_creation_order(store: Arc<dyn Store>) {
        let mut ids = Vec::new();
        for name in [
            "CPAS de Molenbeek-Saint-Jean",
            "CPAS d'Anderlecht",
            "CPAS de Schaerbeek",
        ] {
            let office = store
                .create_office(&NewOffice {
                    name: name.into(),
                    country: "BE".into(),
                    programme: "cpas_ris".into(),
                })
                .await
                .unwrap();
            ids.push(office.id);
        }
        let listed: Vec<Uuid> = store
            .list_offices()
            .await
            .unwrap()
            .iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(listed, ids);
    }

    pub async fn the_schema_refuses_a_country_or_programme_it_does_not_know(store: Arc<dyn Store>) {
        let mut bad = luxembourg_office();
        bad.country = "DE".into();
        assert!(matches!(
            store.create_office(&bad).await,
            Err(StoreError::Constraint(_))
        ));
        let mut bad = luxembourg_office();
        bad.programme = "hartz4".into();
        assert!(matches!(
            store.create_office(&bad).await,
            Err(StoreError::Constraint(_))
        ));
        assert!(store.list_offices().await.unwrap().is_empty());
    }

    pub async fn an_organisation_keeps_its_location_and_intake_cap(store: Arc<dyn Store>) {
        let created = store.create_organisation(&commune()).await.unwrap();
        let read = store.get_organisation(created.id).await.unwrap().unwrap();
        assert_eq!(read, created);
        assert_eq!((read.lon, read.lat), (5.8914, 49.5242));
        assert_eq!(read.monthly_intake_cap, Some(3));
        assert_eq!(store.list_organisations().await.unwrap().len(), 1);
    }

    pub async fn the_schema_refuses_coordinates_out_of_range_and_a_negative_cap(
        store: Arc<dyn Store>,
    ) {
        let mut bad = commune();
        bad.lon = 190.0;
        assert!(matches!(
            store.create_organisation(&bad).await,
            Err(StoreError::Constraint(_))
        ));
        let mut bad = commune();
        bad.monthly_intake_cap = Some(-1);
        assert!(matches!(
            store.create_organisation(&bad).await,
            Err(StoreError::Constraint(_))
        ));
    }

    pub async fn a_token_is_found_by_its_hash_and_revoked_once(store: Arc<dyn Store>) {
        let created = store.create_token(&token('a', "admin")).await.unwrap();
        let found = store.find_token_by_hash(&"a".repeat(64)).await.unwrap();
        assert_eq!(found.as_ref(), Some(&created));
        assert!(created.revoked_at.is_none());
        assert!(
            store
                .find_token_by_hash(&"b".repeat(64))
                .await
                .unwrap()
                .is_none()
        );

        let at = placematch::store::now();
        assert!(store.revoke_token(created.id, at).await.unwrap());
        assert!(
            !store.revoke_token(created.id, at).await.unwrap(),
            "already revoked"
        );
        let revoked = store
            .find_token_by_hash(&"a".repeat(64))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(revoked.revoked_at, Some(at));
    }

    pub async fn a_second_token_with_the_same_hash_is_a_conflict(store: Arc<dyn Store>) {
        store.create_token(&token('c', "admin")).await.unwrap();
        assert!(matches!(
            store.create_token(&token('c', "scheduler")).await,
            Err(StoreError::Conflict(_))
        ));
    }

    pub async fn a_caseworker_token_must_name_its_office_and_a_host_token_its_organisation(
        store: Arc<dyn Store>,
    ) {
        assert!(matches!(
            store.create_token(&token('d', "caseworker")).await,
            Err(StoreError::Constraint(_))
        ));
        assert!(matches!(
            store.create_token(&token('e', "host")).await,
            Err(StoreError::Constraint(_))
        ));
        let office = store.create_office(&luxembourg_office()).await.unwrap();
        let mut ok = token('f', "caseworker");
        ok.office_id = Some(office.id);
        let created = store.create_token(&ok).await.unwrap();
        assert_eq!(created.office_id, Some(office.id));
        let mut wrong = token('g', "admin");
        wrong.office_id = Some(office.id);
        assert!(matches!(
            store.create_token(&wrong).await,
            Err(StoreError::Constraint(_))
        ));
    }

    pub async fn audit_events_page_in_time_order_without_gaps_or_repeats(store: Arc<dyn Store>) {
        let object = Uuid::new_v4();
        let mut written = Vec::new();
        for action in [
            "create", "read", "update", "read", "export", "delete", "read",
        ] {
            let event = store
                .record_audit_event(&NewAuditEvent {
                    actor_token_id: Some(Uuid::new_v4()),
                    actor_role: "caseworker".into(),
                    action: action.into(),
                    object_kind: "beneficiary".into(),
                    object_id: object,
                    office_id: None,
                    organisation_id: None,
                })
                .await
                .unwrap();
            written.push(event);
        }
        let mut read = Vec::new();
        let mut cursor = None;
        loop {
            let page = store.list_audit_events(cursor, 3).await.unwrap();
            assert!(page.len() <= 3);
            let Some(last) = page.last() else { break };
            cursor = Some(last.id);
            read.extend(page);
        }
        assert_eq!(read, written);
        assert!(
            read.windows(2)
                .all(|w| w[0].occurred_at <= w[1].occurred_at)
        );
    }

    pub async fn an_unknown_audit_action_is_refused(store: Arc<dyn Store>) {
        let result = store
            .record_audit_event(&NewAuditEvent {
                actor_token_id: None,
                actor_role: "admin".into(),
                action: "peek".into(),
                object_kind: "beneficiary".into(),
                object_id: Uuid::new_v4(),
                office_id: None,
                organisation_id: None,
            })
            .await;
        assert!(matches!(result, Err(StoreError::Constraint(_))));
    }

    pub async fn a_closed_store_reports_the_database_unavailable(store: Arc<dyn Store>) {
        store.ping().await.expect("ping while open");
        store.close().await;
        assert!(matches!(
            store.ping().await,
            Err(StoreError::Unavailable(_))
        ));
    }
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = crate::common::sqlite_db().await;
                    assert_eq!(db.store.backend(), super::Backend::Sqlite);
                    super::scenarios::$name(db.store.clone()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = crate::common::postgres_db().await;
                    assert_eq!(db.store.backend(), super::Backend::Postgres);
                    super::scenarios::$name(db.store.clone()).await;
                    db.drop_db().await;
                }
            )*
        }
    };
}

conformance!(
    migrations_can_run_again_without_changing_anything,
    an_office_reads_back_exactly_as_written,
    an_unknown_id_reads_as_none,
    offices_list_in_creation_order,
    the_schema_refuses_a_country_or_programme_it_does_not_know,
    an_organisation_keeps_its_location_and_intake_cap,
    the_schema_refuses_coordinates_out_of_range_and_a_negative_cap,
    a_token_is_found_by_its_hash_and_revoked_once,
    a_second_token_with_the_same_hash_is_a_conflict,
    a_caseworker_token_must_name_its_office_and_a_host_token_its_organisation,
    audit_events_page_in_time_order_without_gaps_or_repeats,
    an_unknown_audit_action_is_refused,
    a_closed_store_reports_the_database_unavailable,
);
