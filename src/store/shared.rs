//! SQL shared by both backends. The dialects agree on `$n` placeholders, `RETURNING` and row
//! values, so most statements are written once here and expanded into each backend's `impl Store`
//! by `shared_store_methods!`; dialect-specific methods are passed in by the backend.

/// Expands to `impl Store for $store` with the shared methods plus `$extra` (the backend's own).
/// `$store` must have a field `pool` of its backend's `Pool` type.
macro_rules! impl_store {
    ($store:ty, { $($extra:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            $($extra)*

            async fn ping(&self) -> Result<(), $crate::store::StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            async fn create_office(
                &self,
                new: &$crate::store::NewOffice,
            ) -> Result<$crate::store::OfficeRow, $crate::store::StoreError> {
                let now = $crate::store::now();
                Ok(sqlx::query_as(
                    "INSERT INTO offices (id, name, country, programme, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING *",
                )
                .bind($crate::store::new_id())
                .bind(&new.name)
                .bind(&new.country)
                .bind(&new.programme)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn get_office(
                &self,
                id: uuid::Uuid,
            ) -> Result<Option<$crate::store::OfficeRow>, $crate::store::StoreError> {
                Ok(sqlx::query_as("SELECT * FROM offices WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_offices(
                &self,
            ) -> Result<Vec<$crate::store::OfficeRow>, $crate::store::StoreError> {
                Ok(sqlx::query_as("SELECT * FROM offices ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn create_organisation(
                &self,
                new: &$crate::store::NewOrganisation,
            ) -> Result<$crate::store::OrganisationRow, $crate::store::StoreError> {
                let now = $crate::store::now();
                Ok(sqlx::query_as(
                    "INSERT INTO organisations \
                     (id, name, kind, address, lon, lat, monthly_intake_cap, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING *",
                )
                .bind($crate::store::new_id())
                .bind(&new.name)
                .bind(&new.kind)
                .bind(&new.address)
                .bind(new.lon)
                .bind(new.lat)
                .bind(new.monthly_intake_cap)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn get_organisation(
                &self,
                id: uuid::Uuid,
            ) -> Result<Option<$crate::store::OrganisationRow>, $crate::store::StoreError> {
                Ok(sqlx::query_as("SELECT * FROM organisations WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_organisations(
                &self,
            ) -> Result<Vec<$crate::store::OrganisationRow>, $crate::store::StoreError> {
                Ok(sqlx::query_as("SELECT * FROM organisations ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn create_token(
                &self,
                new: &$crate::store::NewToken,
            ) -> Result<$crate::store::TokenRow, $crate::store::StoreError> {
                Ok(sqlx::query_as(
                    "INSERT INTO api_tokens \
                     (id, token_hash, role, office_id, organisation_id, label, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
                )
                .bind($crate::store::new_id())
                .bind(&new.token_hash)
                .bind(&new.role)
                .bind(new.office_id)
                .bind(new.organisation_id)
                .bind(&new.label)
                .bind($crate::store::now())
                .bind(new.expires_at)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn find_token_by_hash(
                &self,
                hash: &str,
            ) -> Result<Option<$crate::store::TokenRow>, $crate::store::StoreError> {
                Ok(sqlx::query_as("SELECT * FROM api_tokens WHERE token_hash = $1")
                    .bind(hash)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn revoke_token(
                &self,
                id: uuid::Uuid,
                at: time::OffsetDateTime,
            ) -> Result<bool, $crate::store::StoreError> {
                let done = sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                )
                .bind(id)
                .bind(at)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn record_audit_event(
                &self,
                new: &$crate::store::NewAuditEvent,
            ) -> Result<$crate::store::AuditEventRow, $crate::store::StoreError> {
                Ok(sqlx::query_as(
                    "INSERT INTO audit_events (id, occurred_at, actor_token_id, actor_role, action, \
                     object_kind, object_id, office_id, organisation_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *",
                )
                .bind($crate::store::new_id())
                .bind($crate::store::now())
                .bind(new.actor_token_id)
                .bind(&new.actor_role)
                .bind(&new.action)
                .bind(&new.object_kind)
                .bind(new.object_id)
                .bind(new.office_id)
                .bind(new.organisation_id)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn list_audit_events(
                &self,
                after: Option<uuid::Uuid>,
                limit: u32,
            ) -> Result<Vec<$crate::store::AuditEventRow>, $crate::store::StoreError> {
                Ok(sqlx::query_as(
                    "SELECT * FROM audit_events WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2",
                )
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?)
            }
        }
    };
}
