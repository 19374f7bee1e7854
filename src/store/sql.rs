//! The SQL of both backends, written once. The dialects agree on `$n` placeholders, `RETURNING`
//! and row values, so every statement is an ordinary generic method over [`Dialect`]: a backend
//! (`sqlite.rs`, `postgres.rs`) implements that trait (its pool, its write transaction, its
//! locks, its migrations) and gets [`Store`] from the one implementation below. Where the SQL
//! differs, the backend gives the text (`LANGUAGES_OF_B_AS_JSON`) or the method.
//!
//! The `where` clauses list the column types the SQL binds and reads; they are written twice
//! (on the trait and on the implementation) because Rust does not carry a trait's `where`
//! clauses to its users. Adding a column of a new type means adding it to both.

use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::token_cache::TokenCache;
use super::{
    AUDIT_BATCH_MAX, Actor, ApplyPlan, AuditEventRow, Backend, BasisHold, BeneficiaryFields,
    BeneficiaryFilter, BeneficiaryRow, BeneficiaryUpsert, BeneficiaryWithLanguagesRow,
    BeneficiaryWithLiveRow, CandidateBasis, CaseloadRow, LanguageRecord, LivePlacement,
    NewAuditEvent, NewOffice, NewOrganisation, NewPlacement, NewRebalancingRun, NewToken, NewUser,
    OfficeRow, OfficeSnapshot, OpeningFields, OpeningFilter, OpeningRow, OrganisationRow,
    PLAN_OPENINGS_PER_STATEMENT, PLAN_ROWS_PER_STATEMENT, PROGRESS_EVERY, PlacementFilter,
    PlacementRow, Progress, RebalancingRunRow, ReferentAssignmentRow, ReferentFilter, RunLock,
    SessionRow, SignInFailures, SkillRecord, Store, StoreError, TokenRow, Transition, Upserted,
    UserRow, attach_languages, month_window, new_id, now, placeholders, scrub_report,
    snapshot_digest,
};

/// The name a person reads for the user `$alias` of a query: the display name, or the email
/// when there is none.
macro_rules! user_name {
    ($alias:literal) => {
        concat!(
            "CASE WHEN ",
            $alias,
            ".display_name = '' THEN ",
            $alias,
            ".email ELSE ",
            $alias,
            ".display_name END"
        )
    };
}

/// A Rust type stored in a column of `DB`: written, read and typed.
pub(crate) trait Column<DB: sqlx::Database>:
    for<'q> sqlx::Encode<'q, DB> + for<'r> sqlx::Decode<'r, DB> + sqlx::Type<DB> + Send + Sync
{
}

impl<DB: sqlx::Database, T> Column<DB> for T where
    T: for<'q> sqlx::Encode<'q, DB> + for<'r> sqlx::Decode<'r, DB> + sqlx::Type<DB> + Send + Sync
{
}

/// How many rows a statement wrote (each backend has its own result type).
pub(crate) trait RowsAffected {
    fn rows_affected(&self) -> u64;
}

impl RowsAffected for sqlx::sqlite::SqliteQueryResult {
    fn rows_affected(&self) -> u64 {
        sqlx::sqlite::SqliteQueryResult::rows_affected(self)
    }
}

impl RowsAffected for sqlx::postgres::PgQueryResult {
    fn rows_affected(&self) -> u64 {
        sqlx::postgres::PgQueryResult::rows_affected(self)
    }
}

/// A backend's connection.
pub(crate) type Conn<D> = <<D as Dialect>::Db as sqlx::Database>::Connection;

/// What a backend gives the shared SQL: its pool, token cache, write transaction, locks,
/// migrations and the few statements whose text differs. The provided methods are the
/// statements used inside a transaction, shared by several [`Store`] methods.
#[async_trait::async_trait]
pub(crate) trait Dialect: Send + Sync + 'static
where
    for<'c> &'c mut <Self::Db as sqlx::Database>::Connection:
        sqlx::Executor<'c, Database = Self::Db>,
    for<'r> &'r str: sqlx::ColumnIndex<<Self::Db as sqlx::Database>::Row>,
    usize: sqlx::ColumnIndex<<Self::Db as sqlx::Database>::Row>,
    for<'q> &'q str: sqlx::Encode<'q, Self::Db> + sqlx::Type<Self::Db>,
    <Self::Db as sqlx::Database>::Arguments: sqlx::IntoArguments<Self::Db>,
    <Self::Db as sqlx::Database>::QueryResult: RowsAffected,
    Uuid: Column<Self::Db>,
    String: Column<Self::Db>,
    bool: Column<Self::Db>,
    i32: Column<Self::Db>,
    i64: Column<Self::Db>,
    f64: Column<Self::Db>,
    Date: Column<Self::Db>,
    OffsetDateTime: Column<Self::Db>,
    Option<Uuid>: Column<Self::Db>,
    Option<String>: Column<Self::Db>,
    Option<i32>: Column<Self::Db>,
    Option<f64>: Column<Self::Db>,
    Option<Date>: Column<Self::Db>,
    Option<OffsetDateTime>: Column<Self::Db>,
    Json<serde_json::Value>: Column<Self::Db>,
    Json<Vec<String>>: Column<Self::Db>,
    Json<Vec<SkillRecord>>: Column<Self::Db>,
    Json<Vec<LanguageRecord>>: Column<Self::Db>,
    Json<CandidateBasis>: Column<Self::Db>,
    for<'q> Json<&'q Vec<String>>: sqlx::Encode<'q, Self::Db> + sqlx::Type<Self::Db>,
    for<'q> Json<&'q Vec<SkillRecord>>: sqlx::Encode<'q, Self::Db> + sqlx::Type<Self::Db>,
    for<'q> Option<Json<&'q CandidateBasis>>: sqlx::Encode<'q, Self::Db> + sqlx::Type<Self::Db>,
    for<'q> Json<&'q serde_json::Value>: sqlx::Encode<'q, Self::Db> + sqlx::Type<Self::Db>,
{
    /// The sqlx database.
    type Db: sqlx::Database;

    /// Which backend this is.
    const BACKEND: Backend;

    /// A subquery giving the languages of the file `b` as a JSON array of `{language, level}`.
    const LANGUAGES_OF_B_AS_JSON: &'static str;

    /// The connection pool.
    fn pool(&self) -> &sqlx::Pool<Self::Db>;

    /// The cache of tokens read from the database.
    fn tokens(&self) -> &TokenCache;

    /// Applies the backend's migrations (`migrations/<backend>`).
    async fn apply_migrations(&self) -> Result<(), StoreError>;

    /// The office's run lock, when no one else holds it (see [`Store::try_lock_office`]).
    async fn lock_office_run(&self, office_id: Uuid) -> Result<Option<RunLock>, StoreError>;

    /// A transaction for a read-then-write: it must not lose to a concurrent one on upgrade.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, StoreError>;

    /// Serialises writers on one opening until the transaction ends (seats counted exactly).
    async fn lock_opening(conn: &mut Conn<Self>, opening: Uuid) -> Result<(), StoreError>;

    /// [`Dialect::lock_opening`] for many, taken in id order so that two such transactions
    /// cannot deadlock.
    async fn lock_openings(conn: &mut Conn<Self>, openings: &[Uuid]) -> Result<(), StoreError>;

    /// Inserts an opening with its languages inside `conn`'s transaction.
    async fn insert_opening(
        conn: &mut Conn<Self>,
        organisation_id: Uuid,
        f: &OpeningFields,
    ) -> Result<Uuid, StoreError> {
        let id = new_id();
        let now = now();
        sqlx::query(
            "INSERT INTO openings (id, organisation_id, title, tasks, kind, sector, \
             programmes, lon, lat, seats, hours_per_week, start_date, end_date, \
             required_skills, wanted_skills, physical_demands, tutor, status, \
             status_reason, created_at, updated_at, external_ref) VALUES ($1, $2, $3, \
             $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
             $20, $20, $21)",
        )
        .bind(id)
        .bind(organisation_id)
        .bind(&f.title)
        .bind(&f.tasks)
        .bind(&f.kind)
        .bind(&f.sector)
        .bind(sqlx::types::Json(&f.programmes))
        .bind(f.lon)
        .bind(f.lat)
        .bind(f.seats)
        .bind(f.hours_per_week)
        .bind(f.start_date)
        .bind(f.end_date)
        .bind(sqlx::types::Json(&f.required_skills))
        .bind(sqlx::types::Json(&f.wanted_skills))
        .bind(sqlx::types::Json(&f.physical_demands))
        .bind(&f.tutor)
        .bind(&f.status)
        .bind(&f.status_reason)
        .bind(now)
        .bind(&f.external_ref)
        .execute(&mut *conn)
        .await?;
        for l in &f.languages {
            sqlx::query(
                "INSERT INTO opening_languages (opening_id, language, min_level) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(&l.language)
            .bind(&l.level)
            .execute(&mut *conn)
            .await?;
        }
        Ok(id)
    }

    /// Inserts a beneficiary with its languages inside `conn`'s transaction.
    async fn insert_beneficiary(
        conn: &mut Conn<Self>,
        office_id: Uuid,
        f: &BeneficiaryFields,
    ) -> Result<Uuid, StoreError> {
        let id = new_id();
        let now = now();
        sqlx::query(
            "INSERT INTO beneficiaries (id, office_id, external_ref, given_name, \
             family_name, birth_date, address, lon, lat, mobility, max_trip_minutes, \
             hours_per_week, earliest_start, waiting_since, skills, health_limits, \
             refused_sectors, status, created_at, updated_at) VALUES ($1, $2, $3, $4, \
             $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)",
        )
        .bind(id)
        .bind(office_id)
        .bind(&f.external_ref)
        .bind(&f.given_name)
        .bind(&f.family_name)
        .bind(f.birth_date)
        .bind(&f.address)
        .bind(f.lon)
        .bind(f.lat)
        .bind(&f.mobility)
        .bind(f.max_trip_minutes)
        .bind(f.hours_per_week)
        .bind(f.earliest_start)
        .bind(f.waiting_since)
        .bind(sqlx::types::Json(&f.skills))
        .bind(sqlx::types::Json(&f.health_limits))
        .bind(sqlx::types::Json(&f.refused_sectors))
        .bind(&f.status)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        for l in &f.languages {
            sqlx::query(
                "INSERT INTO beneficiary_languages (beneficiary_id, language, level) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(&l.language)
            .bind(&l.level)
            .execute(&mut *conn)
            .await?;
        }
        Ok(id)
    }

    /// Applies `hold` to an opening inside `conn`'s transaction; `false` when there is no
    /// such opening (or nothing to do).
    async fn apply_hold(
        conn: &mut Conn<Self>,
        id: Uuid,
        hold: &BasisHold,
    ) -> Result<bool, StoreError> {
        let (basis, until) = match hold {
            BasisHold::Keep => return Ok(false),
            BasisHold::Clear => (None, None),
            BasisHold::Hold { basis, until } => {
                (basis.as_ref().map(sqlx::types::Json), Some(*until))
            }
        };
        let done = sqlx::query(
            "UPDATE openings SET candidate_basis = $2, candidates_from = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(basis)
        .bind(until)
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces an opening's writable fields and languages inside `conn`'s transaction;
    /// `false` when there is no such opening.
    async fn rewrite_opening(
        conn: &mut Conn<Self>,
        id: Uuid,
        f: &OpeningFields,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE openings SET title = $2, tasks = $3, kind = $4, sector = $5, \
             programmes = $6, lon = $7, lat = $8, seats = $9, hours_per_week = $10, \
             start_date = $11, end_date = $12, required_skills = $13, \
             wanted_skills = $14, physical_demands = $15, tutor = $16, status = $17, \
             status_reason = $18, updated_at = $19, external_ref = $20 WHERE id = $1",
        )
        .bind(id)
        .bind(&f.title)
        .bind(&f.tasks)
        .bind(&f.kind)
        .bind(&f.sector)
        .bind(sqlx::types::Json(&f.programmes))
        .bind(f.lon)
        .bind(f.lat)
        .bind(f.seats)
        .bind(f.hours_per_week)
        .bind(f.start_date)
        .bind(f.end_date)
        .bind(sqlx::types::Json(&f.required_skills))
        .bind(sqlx::types::Json(&f.wanted_skills))
        .bind(sqlx::types::Json(&f.physical_demands))
        .bind(&f.tutor)
        .bind(&f.status)
        .bind(&f.status_reason)
        .bind(now())
        .bind(&f.external_ref)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM opening_languages WHERE opening_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for l in &f.languages {
            sqlx::query(
                "INSERT INTO opening_languages (opening_id, language, min_level) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(&l.language)
            .bind(&l.level)
            .execute(&mut *conn)
            .await?;
        }
        Ok(true)
    }

    /// Replaces a file's writable fields and languages inside `conn`'s transaction;
    /// `false` when there is no such file.
    async fn rewrite_beneficiary(
        conn: &mut Conn<Self>,
        id: Uuid,
        f: &BeneficiaryFields,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE beneficiaries SET external_ref = $2, given_name = $3, \
             family_name = $4, birth_date = $5, address = $6, lon = $7, lat = $8, \
             mobility = $9, max_trip_minutes = $10, hours_per_week = $11, \
             earliest_start = $12, waiting_since = $13, skills = $14, \
             health_limits = $15, refused_sectors = $16, status = $17, updated_at = $18 \
             WHERE id = $1",
        )
        .bind(id)
        .bind(&f.external_ref)
        .bind(&f.given_name)
        .bind(&f.family_name)
        .bind(f.birth_date)
        .bind(&f.address)
        .bind(f.lon)
        .bind(f.lat)
        .bind(&f.mobility)
        .bind(f.max_trip_minutes)
        .bind(f.hours_per_week)
        .bind(f.earliest_start)
        .bind(f.waiting_since)
        .bind(sqlx::types::Json(&f.skills))
        .bind(sqlx::types::Json(&f.health_limits))
        .bind(sqlx::types::Json(&f.refused_sectors))
        .bind(&f.status)
        .bind(now())
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM beneficiary_languages WHERE beneficiary_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for l in &f.languages {
            sqlx::query(
                "INSERT INTO beneficiary_languages (beneficiary_id, language, level) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(&l.language)
            .bind(&l.level)
            .execute(&mut *conn)
            .await?;
        }
        Ok(true)
    }

    /// Sets a file's référent inside `conn`'s transaction, ending the history's current period
    /// and starting a new one under `by`; nothing when it is already `referent`. `false` when
    /// there is no such file. The file's `updated_at` stays: the history dates the change, and
    /// a rebalancing report of the office does not go stale for it.
    async fn write_referent(
        conn: &mut Conn<Self>,
        id: Uuid,
        referent: Option<Uuid>,
        by: &Actor,
    ) -> Result<bool, StoreError> {
        // A write that changes nothing, first: on PostgreSQL it locks the row, so two changes
        // of one person's référent run one after the other and the second reads what the
        // first wrote (SQLite's write transaction already serialises writers).
        let current: Option<(Option<Uuid>,)> = sqlx::query_as(
            "UPDATE beneficiaries SET referent_user_id = referent_user_id WHERE id = $1 \
             RETURNING referent_user_id",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((current,)) = current else {
            return Ok(false);
        };
        if current == referent {
            return Ok(true);
        }
        let now = now();
        sqlx::query("UPDATE beneficiaries SET referent_user_id = $2 WHERE id = $1")
            .bind(id)
            .bind(referent)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "UPDATE referent_assignments SET ended_at = $2 \
             WHERE beneficiary_id = $1 AND ended_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO referent_assignments (id, beneficiary_id, user_id, assigned_at, \
             assigned_by_user_id, assigned_by_token_id, assigned_by_role) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(id)
        .bind(referent)
        .bind(now)
        .bind(by.user_id)
        .bind(by.token_id)
        .bind(&by.role)
        .execute(&mut *conn)
        .await?;
        Ok(true)
    }

    /// Proposes inside `conn`'s transaction: locks the opening, counts its live
    /// placements against its seats, inserts. The caller commits.
    async fn insert_proposal(
        conn: &mut Conn<Self>,
        beneficiary_id: Uuid,
        opening_id: Uuid,
        proposed_by: &str,
    ) -> Result<PlacementRow, StoreError> {
        Self::lock_opening(&mut *conn, opening_id).await?;
        let capacity: Option<(i32, String, i64)> = sqlx::query_as(concat!(
            "SELECT o.seats, o.status, (SELECT COUNT(*) FROM placements p \
             WHERE p.opening_id = o.id \
             AND p.state IN ",
            live_states!(),
            ") \
             FROM openings o WHERE o.id = $1"
        ))
        .bind(opening_id)
        .fetch_optional(&mut *conn)
        .await?;
        match capacity {
            Some((seats, status, taken)) if status == "open" && taken < i64::from(seats) => {}
            Some(_) => return Err(StoreError::NoSeatLeft),
            None => return Err(StoreError::Constraint("no such opening".into())),
        }
        Ok(sqlx::query_as(
            "INSERT INTO placements (id, beneficiary_id, opening_id, state, proposed_by, \
             created_at, updated_at) VALUES ($1, $2, $3, 'proposed', $4, $5, $5) \
             RETURNING *",
        )
        .bind(new_id())
        .bind(beneficiary_id)
        .bind(opening_id)
        .bind(proposed_by)
        .bind(now())
        .fetch_one(&mut *conn)
        .await?)
    }

    /// The digest of what a run of `office_id` reads (see [`crate::store::snapshot_digest`]).
    async fn office_digest(conn: &mut Conn<Self>, office_id: Uuid) -> Result<String, StoreError> {
        let people: Vec<(Uuid, OffsetDateTime)> = sqlx::query_as(
            "SELECT id, updated_at FROM beneficiaries \
             WHERE office_id = $1 AND status = 'waiting' ORDER BY id",
        )
        .bind(office_id)
        .fetch_all(&mut *conn)
        .await?;
        let openings: Vec<(Uuid, OffsetDateTime)> =
            sqlx::query_as("SELECT id, updated_at FROM openings WHERE status = 'open' ORDER BY id")
                .fetch_all(&mut *conn)
                .await?;
        let placements: Vec<(Uuid, String, OffsetDateTime)> = sqlx::query_as(concat!(
            "SELECT p.id, p.state, p.updated_at FROM placements p \
             JOIN beneficiaries b ON b.id = p.beneficiary_id \
             WHERE b.office_id = $1 \
             AND p.state IN ",
            live_states!(),
            " ORDER BY p.id"
        ))
        .bind(office_id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(snapshot_digest(&people, &openings, &placements))
    }

    /// Applies `plan` inside `conn`'s transaction. Anything that no longer fits (a
    /// proposal answered meanwhile, a seat gone) makes the whole plan stale. Proposals
    /// go in by batches: the openings' seats are checked a batch of openings at a time
    /// (locked first, in id order) and the rows inserted many to a statement, so that a
    /// night's thousands of proposals take a few dozen statements.
    async fn execute_plan(conn: &mut Conn<Self>, plan: &ApplyPlan) -> Result<(), StoreError> {
        use StoreError;
        let now = now();
        for (placement, reason) in &plan.withdraw {
            let done = sqlx::query(
                "UPDATE placements SET state = 'declined', decline_reason = $2, \
                 updated_at = $3 WHERE id = $1 AND state = 'proposed'",
            )
            .bind(placement)
            .bind(reason)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Stale);
            }
        }
        let mut wanted: std::collections::BTreeMap<Uuid, i64> = std::collections::BTreeMap::new();
        for (_, opening) in &plan.propose {
            *wanted.entry(*opening).or_default() += 1;
        }
        let openings: Vec<Uuid> = wanted.keys().copied().collect();
        for batch in openings.chunks(PLAN_OPENINGS_PER_STATEMENT) {
            Self::lock_openings(&mut *conn, batch).await?;
            let sql = format!(
                concat!(
                    "SELECT o.id, o.seats, o.status, (SELECT COUNT(*) FROM placements p \
                 WHERE p.opening_id = o.id \
                 AND p.state IN ",
                    live_states!(),
                    ") \
                 FROM openings o WHERE o.id IN ({})"
                ),
                placeholders(1, batch.len()),
            );
            // Only numbered parameters are formatted in: no value enters the text.
            let mut query = sqlx::query_as::<_, (Uuid, i32, String, i64)>(sqlx::AssertSqlSafe(sql));
            for id in batch {
                query = query.bind(*id);
            }
            let found = query.fetch_all(&mut *conn).await?;
            if found.len() != batch.len() {
                return Err(StoreError::Stale);
            }
            for (id, seats, status, taken) in found {
                if status != "open" || taken + wanted[&id] > i64::from(seats) {
                    return Err(StoreError::Stale);
                }
            }
        }
        for batch in plan.propose.chunks(PLAN_ROWS_PER_STATEMENT) {
            // $1 is the time; each row binds its id, person and opening.
            let rows: Vec<String> = (0..batch.len())
                .map(|k| {
                    let at = 2 + 3 * k;
                    format!(
                        "(${}, ${}, ${}, 'proposed', 'rebalancing', $1, $1)",
                        at,
                        at + 1,
                        at + 2
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO placements (id, beneficiary_id, opening_id, state, \
                 proposed_by, created_at, updated_at) VALUES {}",
                rows.join(", ")
            );
            // Only numbered parameters are formatted in, as above.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now);
            for (beneficiary, opening) in batch {
                query = query.bind(new_id()).bind(*beneficiary).bind(*opening);
            }
            match query.execute(&mut *conn).await.map_err(StoreError::from) {
                Ok(_) => {}
                Err(StoreError::Conflict(_)) | Err(StoreError::Constraint(_)) => {
                    return Err(StoreError::Stale);
                }
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }

    /// Openings matching `filter` (and `id` when given), in id order after `after`.
    async fn select_openings(
        &self,
        filter: &OpeningFilter,
        id: Option<Uuid>,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<OpeningRow>, StoreError> {
        let (min_lon, min_lat, max_lon, max_lat) = match filter.bbox {
            Some((a, b, c, d)) => (Some(a), Some(b), Some(c), Some(d)),
            None => (None, None, None, None),
        };
        let text = filter
            .text
            .as_ref()
            .map(|t| format!("%{}%", t.to_lowercase().replace(['%', '_'], "")));
        let sql = concat!(
            "SELECT o.*, (SELECT COUNT(*) FROM placements p WHERE p.opening_id = o.id \
             AND p.state IN ",
            live_states!(),
            ") \
             AS seats_taken FROM openings o \
             WHERE ($1 IS NULL OR o.id = $1) \
             AND ($2 IS NULL OR o.organisation_id = $2) \
             AND ($3 IS NULL OR o.kind = $3) \
             AND ($4 IS NULL OR o.status = $4) \
             AND ($5 IS NULL OR (o.lon BETWEEN $5 AND $7 AND o.lat BETWEEN $6 AND $8)) \
             AND ($9 IS NULL OR lower(o.title || ' ' || o.tasks || ' ' || \
                  CAST(o.required_skills AS TEXT) || ' ' || \
                  CAST(o.wanted_skills AS TEXT)) LIKE $9) \
             AND ($10 IS NULL OR o.id > $10) \
             ORDER BY o.id LIMIT $11"
        );
        // One opening by id: say so plainly, or the planner walks the table in id order.
        let sql = match id {
            Some(_) => sqlx::AssertSqlSafe(sql.replace("($1 IS NULL OR o.id = $1)", "o.id = $1")),
            None => sqlx::AssertSqlSafe(sql.to_owned()),
        };
        let mut rows: Vec<OpeningRow> = sqlx::query_as(sql)
            .bind(id)
            .bind(filter.organisation_id)
            .bind(&filter.kind)
            .bind(&filter.status)
            .bind(min_lon)
            .bind(min_lat)
            .bind(max_lon)
            .bind(max_lat)
            .bind(text)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?;
        if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
            // Rows come in id order, so one range query fetches every language of the page.
            let languages: Vec<(Uuid, String, String)> = sqlx::query_as(
                "SELECT opening_id, language, min_level FROM opening_languages \
                 WHERE opening_id >= $1 AND opening_id <= $2",
            )
            .bind(first.id)
            .bind(last.id)
            .fetch_all(self.pool())
            .await?;
            attach_languages(&mut rows, languages, |r| r.id, |r| &mut r.languages);
        }
        Ok(rows)
    }

    /// One multi-row INSERT of `events` (at most `AUDIT_BATCH_MAX`).
    async fn insert_audit_events(
        &self,
        conn: &mut Conn<Self>,
        events: &[AuditEventRow],
    ) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut insert = sqlx::QueryBuilder::<Self::Db>::new(
            "INSERT INTO audit_events (id, occurred_at, actor_token_id, actor_role, action, \
             object_kind, object_id, office_id, organisation_id, actor_user_id) ",
        );
        insert.push_values(events, |mut row, e| {
            row.push_bind(e.id)
                .push_bind(e.occurred_at)
                .push_bind(e.actor_token_id)
                .push_bind(e.actor_role.clone())
                .push_bind(e.action.clone())
                .push_bind(e.object_kind.clone())
                .push_bind(e.object_id)
                .push_bind(e.office_id)
                .push_bind(e.organisation_id)
                .push_bind(e.actor_user_id);
        });
        insert.build().execute(&mut *conn).await?;
        Ok(())
    }

    /// Beneficiaries matching `filter` (and `id` when given), in id order after `after`.
    async fn select_beneficiaries(
        &self,
        filter: &BeneficiaryFilter,
        id: Option<Uuid>,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<BeneficiaryRow>, StoreError> {
        let sql = concat!(
            "SELECT b.*, ",
            user_name!("u"),
            " AS referent_name \
             FROM beneficiaries b LEFT JOIN users u ON u.id = b.referent_user_id \
             WHERE ($1 IS NULL OR b.id = $1) \
             AND ($2 IS NULL OR b.office_id = $2) \
             AND ($3 IS NULL OR b.status = $3) \
             AND ($4 IS NULL OR b.external_ref = $4) \
             AND ($5 IS NULL OR b.id > $5) \
             AND ($6 IS NULL OR b.referent_user_id = $6) \
             AND (NOT $7 OR b.referent_user_id IS NULL) \
             ORDER BY b.id LIMIT $8"
        );
        // One file by id: say so plainly, or the planner walks the table in id order.
        let sql = match id {
            Some(_) => sqlx::AssertSqlSafe(sql.replace("($1 IS NULL OR b.id = $1)", "b.id = $1")),
            None => sqlx::AssertSqlSafe(sql.to_owned()),
        };
        let (referent, nobody) = match filter.referent {
            Some(ReferentFilter::User(user)) => (Some(user), false),
            Some(ReferentFilter::Nobody) => (None, true),
            None => (None, false),
        };
        let mut rows: Vec<BeneficiaryRow> = sqlx::query_as(sql)
            .bind(id)
            .bind(filter.office_id)
            .bind(&filter.status)
            .bind(&filter.external_ref)
            .bind(after)
            .bind(referent)
            .bind(nobody)
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?;
        if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
            let languages: Vec<(Uuid, String, String)> = sqlx::query_as(
                "SELECT beneficiary_id, language, level FROM beneficiary_languages \
                 WHERE beneficiary_id >= $1 AND beneficiary_id <= $2",
            )
            .bind(first.id)
            .bind(last.id)
            .fetch_all(self.pool())
            .await?;
            attach_languages(&mut rows, languages, |r| r.id, |r| &mut r.languages);
        }
        Ok(rows)
    }
}

#[async_trait::async_trait]
impl<D> Store for D
where
    D: Dialect,
    for<'c> &'c mut <D::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = D::Db>,
    for<'r> &'r str: sqlx::ColumnIndex<<D::Db as sqlx::Database>::Row>,
    usize: sqlx::ColumnIndex<<D::Db as sqlx::Database>::Row>,
    for<'q> &'q str: sqlx::Encode<'q, D::Db> + sqlx::Type<D::Db>,
    <D::Db as sqlx::Database>::Arguments: sqlx::IntoArguments<D::Db>,
    <D::Db as sqlx::Database>::QueryResult: RowsAffected,
    Uuid: Column<D::Db>,
    String: Column<D::Db>,
    bool: Column<D::Db>,
    i32: Column<D::Db>,
    i64: Column<D::Db>,
    f64: Column<D::Db>,
    Date: Column<D::Db>,
    OffsetDateTime: Column<D::Db>,
    Option<Uuid>: Column<D::Db>,
    Option<String>: Column<D::Db>,
    Option<i32>: Column<D::Db>,
    Option<f64>: Column<D::Db>,
    Option<Date>: Column<D::Db>,
    Option<OffsetDateTime>: Column<D::Db>,
    Json<serde_json::Value>: Column<D::Db>,
    Json<Vec<String>>: Column<D::Db>,
    Json<Vec<SkillRecord>>: Column<D::Db>,
    Json<Vec<LanguageRecord>>: Column<D::Db>,
    Json<CandidateBasis>: Column<D::Db>,
    for<'q> Json<&'q Vec<String>>: sqlx::Encode<'q, D::Db> + sqlx::Type<D::Db>,
    for<'q> Json<&'q Vec<SkillRecord>>: sqlx::Encode<'q, D::Db> + sqlx::Type<D::Db>,
    for<'q> Option<Json<&'q CandidateBasis>>: sqlx::Encode<'q, D::Db> + sqlx::Type<D::Db>,
    for<'q> Json<&'q serde_json::Value>: sqlx::Encode<'q, D::Db> + sqlx::Type<D::Db>,
{
    fn backend(&self) -> Backend {
        D::BACKEND
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        self.apply_migrations().await
    }

    async fn try_lock_office(&self, office_id: Uuid) -> Result<Option<RunLock>, StoreError> {
        self.lock_office_run(office_id).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(self.pool()).await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool().close().await;
    }

    async fn create_office(&self, new: &NewOffice) -> Result<OfficeRow, StoreError> {
        let now = now();
        Ok(sqlx::query_as(
            "INSERT INTO offices (id, name, country, programme, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING *",
        )
        .bind(new_id())
        .bind(&new.name)
        .bind(&new.country)
        .bind(&new.programme)
        .bind(now)
        .fetch_one(self.pool())
        .await?)
    }

    async fn get_office(&self, id: Uuid) -> Result<Option<OfficeRow>, StoreError> {
        Ok(sqlx::query_as("SELECT * FROM offices WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    async fn list_offices(&self) -> Result<Vec<OfficeRow>, StoreError> {
        Ok(sqlx::query_as("SELECT * FROM offices ORDER BY id")
            .fetch_all(self.pool())
            .await?)
    }

    async fn create_organisation(
        &self,
        new: &NewOrganisation,
    ) -> Result<OrganisationRow, StoreError> {
        let now = now();
        Ok(sqlx::query_as(
            "INSERT INTO organisations (id, name, kind, address, lon, lat, \
             monthly_intake_cap, created_at, updated_at, external_ref) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING *",
        )
        .bind(new_id())
        .bind(&new.name)
        .bind(&new.kind)
        .bind(&new.address)
        .bind(new.lon)
        .bind(new.lat)
        .bind(new.monthly_intake_cap)
        .bind(now)
        .bind(&new.external_ref)
        .fetch_one(self.pool())
        .await?)
    }

    async fn get_organisation(&self, id: Uuid) -> Result<Option<OrganisationRow>, StoreError> {
        Ok(sqlx::query_as("SELECT * FROM organisations WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    async fn list_organisations(&self) -> Result<Vec<OrganisationRow>, StoreError> {
        Ok(sqlx::query_as("SELECT * FROM organisations ORDER BY id")
            .fetch_all(self.pool())
            .await?)
    }

    async fn create_token(&self, new: &NewToken) -> Result<TokenRow, StoreError> {
        Ok(sqlx::query_as(
            "INSERT INTO api_tokens \
             (id, token_hash, role, office_id, organisation_id, label, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
        )
        .bind(new_id())
        .bind(&new.token_hash)
        .bind(&new.role)
        .bind(new.office_id)
        .bind(new.organisation_id)
        .bind(&new.label)
        .bind(now())
        .bind(new.expires_at)
        .fetch_one(self.pool())
        .await?)
    }

    async fn find_token_by_hash(&self, hash: &str) -> Result<Option<TokenRow>, StoreError> {
        if let Some(row) = self.tokens().get(hash) {
            return Ok(Some(row));
        }
        let generation = self.tokens().generation();
        let row: Option<TokenRow> =
            sqlx::query_as("SELECT * FROM api_tokens WHERE token_hash = $1")
                .bind(hash)
                .fetch_optional(self.pool())
                .await?;
        if let Some(row) = &row {
            self.tokens().put(row, generation);
        }
        Ok(row)
    }

    async fn revoke_token(&self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(at)
        .execute(self.pool())
        .await?;
        // After the write: a lookup racing with it either reads the revoked row or
        // started before this and is not kept.
        self.tokens().forget_all();
        Ok(done.rows_affected() == 1)
    }

    async fn create_user(&self, new: &NewUser) -> Result<UserRow, StoreError> {
        Ok(sqlx::query_as(
            "INSERT INTO users (id, email, display_name, role, office_id, organisation_id, \
             language, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING *",
        )
        .bind(new_id())
        .bind(&new.email)
        .bind(&new.display_name)
        .bind(&new.role)
        .bind(new.office_id)
        .bind(new.organisation_id)
        .bind(&new.language)
        .bind(&new.password_hash)
        .bind(now())
        .fetch_one(self.pool())
        .await?)
    }

    async fn get_user(&self, id: Uuid) -> Result<Option<UserRow>, StoreError> {
        Ok(sqlx::query_as("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    async fn find_user_by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError> {
        Ok(
            sqlx::query_as("SELECT * FROM users WHERE lower(email) = lower($1)")
                .bind(email)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    async fn list_users(&self) -> Result<Vec<UserRow>, StoreError> {
        Ok(sqlx::query_as("SELECT * FROM users ORDER BY id")
            .fetch_all(self.pool())
            .await?)
    }

    async fn list_office_caseworkers(&self, office_id: Uuid) -> Result<Vec<UserRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT * FROM users WHERE office_id = $1 AND role = 'caseworker' ORDER BY id",
        )
        .bind(office_id)
        .fetch_all(self.pool())
        .await?)
    }

    async fn disable_user(&self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("UPDATE users SET disabled_at = COALESCE(disabled_at, $2) WHERE id = $1")
                .bind(id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_user_password(&self, id: Uuid, hash: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(id)
            .bind(hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn create_session(&self, session: &SessionRow) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (id, secret_hash, user_id, csrf_token, created_at, \
             last_seen_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(session.id)
        .bind(&session.secret_hash)
        .bind(session.user_id)
        .bind(&session.csrf_token)
        .bind(session.created_at)
        .bind(session.last_seen_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET last_sign_in_at = $2 WHERE id = $1")
            .bind(session.user_id)
            .bind(session.created_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_session(
        &self,
        secret_hash: &str,
    ) -> Result<Option<(SessionRow, UserRow)>, StoreError> {
        let session: Option<SessionRow> =
            sqlx::query_as("SELECT * FROM sessions WHERE secret_hash = $1")
                .bind(secret_hash)
                .fetch_optional(self.pool())
                .await?;
        let Some(session) = session else {
            return Ok(None);
        };
        Ok(self.get_user(session.user_id).await?.map(|u| (session, u)))
    }

    async fn touch_session(&self, id: Uuid, at: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
            .bind(id)
            .bind(at)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn delete_session(&self, id: Uuid) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn delete_expired_sessions(
        &self,
        idle_cutoff: OffsetDateTime,
        absolute_cutoff: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(idle_cutoff)
            .bind(absolute_cutoff)
            .execute(self.pool())
            .await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
            .bind(absolute_cutoff)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    async fn record_sign_in_failure(
        &self,
        email_hash: &str,
        address: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sign_in_failures (id, email_hash, address, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(new_id())
        .bind(email_hash)
        .bind(address)
        .bind(at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn sign_in_failures(
        &self,
        email_hash: &str,
        address: &str,
        since: OffsetDateTime,
    ) -> Result<SignInFailures, StoreError> {
        let count = |column: &'static str, value: &str| {
            let sql = format!(
                "SELECT COUNT(*), MIN(at) FROM sign_in_failures WHERE {column} = $1 AND at >= $2"
            );
            let value = value.to_owned();
            async move {
                // Only a fixed column name is formatted in: no value enters the text.
                let (n, oldest): (i64, Option<OffsetDateTime>) =
                    sqlx::query_as(sqlx::AssertSqlSafe(sql))
                        .bind(value)
                        .bind(since)
                        .fetch_one(self.pool())
                        .await?;
                Ok::<_, StoreError>((n, oldest))
            }
        };
        let (for_email, oldest_for_email) = count("email_hash", email_hash).await?;
        let (from_address, oldest_from_address) = count("address", address).await?;
        Ok(SignInFailures {
            for_email,
            oldest_for_email,
            from_address,
            oldest_from_address,
        })
    }

    async fn create_opening(
        &self,
        organisation_id: Uuid,
        f: &OpeningFields,
        hold: &BasisHold,
    ) -> Result<OpeningRow, StoreError> {
        let mut tx = self.pool().begin().await?;
        let id = Self::insert_opening(&mut *tx, organisation_id, f).await?;
        Self::apply_hold(&mut *tx, id, hold).await?;
        tx.commit().await?;
        self.get_opening(id)
            .await?
            .ok_or_else(|| StoreError::Database(sqlx::Error::RowNotFound))
    }

    async fn create_openings(
        &self,
        all: &[(Uuid, OpeningFields)],
    ) -> Result<Vec<Uuid>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let mut ids = Vec::with_capacity(all.len());
        for (org, f) in all {
            ids.push(Self::insert_opening(&mut *tx, *org, f).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn create_beneficiaries(
        &self,
        office_id: Uuid,
        all: &[BeneficiaryFields],
    ) -> Result<Vec<Uuid>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let mut ids = Vec::with_capacity(all.len());
        for f in all {
            ids.push(Self::insert_beneficiary(&mut *tx, office_id, f).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn upsert_beneficiaries(
        &self,
        all: &[BeneficiaryUpsert],
        by: &Actor,
        progress: Progress<'_>,
    ) -> Result<Vec<Upserted>, StoreError> {
        let mut tx = self.begin_write().await?;
        // One read of the references each office already holds, under the write lock,
        // instead of one failed UPDATE per new file.
        let mut offices: Vec<Uuid> = all.iter().map(|u| u.office_id).collect();
        offices.sort_unstable();
        offices.dedup();
        let mut known = std::collections::HashMap::new();
        for office in offices {
            let rows: Vec<(Uuid, String)> = sqlx::query_as(
                "SELECT id, external_ref FROM beneficiaries \
                 WHERE office_id = $1 AND external_ref IS NOT NULL",
            )
            .bind(office)
            .fetch_all(&mut *tx)
            .await?;
            for (id, reference) in rows {
                known.insert((office, reference), id);
            }
        }
        let mut out = Vec::with_capacity(all.len());
        for (k, item) in all.iter().enumerate() {
            let (office, f) = (&item.office_id, &item.fields);
            let existing = f
                .external_ref
                .as_ref()
                .and_then(|r| known.get(&(*office, r.clone())).copied());
            let row = match existing {
                Some(id) => {
                    Self::rewrite_beneficiary(&mut *tx, id, f).await?;
                    Upserted { id, created: false }
                }
                None => {
                    let id = Self::insert_beneficiary(&mut *tx, *office, f).await?;
                    if let Some(r) = &f.external_ref {
                        known.insert((*office, r.clone()), id);
                    }
                    Upserted { id, created: true }
                }
            };
            if let Some(referent) = item.referent {
                Self::write_referent(&mut *tx, row.id, referent, by).await?;
            }
            out.push(row);
            if k % PROGRESS_EVERY == 0 {
                progress(k);
            }
        }
        tx.commit().await?;
        progress(all.len());
        Ok(out)
    }

    async fn upsert_openings(
        &self,
        all: &[(Uuid, OpeningFields)],
        progress: Progress<'_>,
    ) -> Result<Vec<Upserted>, StoreError> {
        let mut tx = self.begin_write().await?;
        let rows: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
            "SELECT id, organisation_id, external_ref FROM openings \
             WHERE external_ref IS NOT NULL",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut known: std::collections::HashMap<(Uuid, String), Uuid> = rows
            .into_iter()
            .map(|(id, org, reference)| ((org, reference), id))
            .collect();
        let mut out = Vec::with_capacity(all.len());
        for (k, (org, f)) in all.iter().enumerate() {
            let existing = f
                .external_ref
                .as_ref()
                .and_then(|r| known.get(&(*org, r.clone())).copied());
            let row = match existing {
                Some(id) => {
                    Self::rewrite_opening(&mut *tx, id, f).await?;
                    Upserted { id, created: false }
                }
                None => {
                    let id = Self::insert_opening(&mut *tx, *org, f).await?;
                    if let Some(r) = &f.external_ref {
                        known.insert((*org, r.clone()), id);
                    }
                    Upserted { id, created: true }
                }
            };
            out.push(row);
            if k % PROGRESS_EVERY == 0 {
                progress(k);
            }
        }
        tx.commit().await?;
        progress(all.len());
        Ok(out)
    }

    async fn upsert_organisations(
        &self,
        all: &[NewOrganisation],
        progress: Progress<'_>,
    ) -> Result<Vec<Upserted>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut out = Vec::with_capacity(all.len());
        for (k, new) in all.iter().enumerate() {
            let now = now();
            let updated: Option<(Uuid,)> = match &new.external_ref {
                Some(reference) => {
                    sqlx::query_as(
                        "UPDATE organisations SET name = $2, kind = $3, address = $4, \
                     lon = $5, lat = $6, monthly_intake_cap = $7, updated_at = $8 \
                     WHERE external_ref = $1 RETURNING id",
                    )
                    .bind(reference)
                    .bind(&new.name)
                    .bind(&new.kind)
                    .bind(&new.address)
                    .bind(new.lon)
                    .bind(new.lat)
                    .bind(new.monthly_intake_cap)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?
                }
                None => None,
            };
            let row = match updated {
                Some((id,)) => Upserted { id, created: false },
                None => {
                    let id = new_id();
                    sqlx::query(
                        "INSERT INTO organisations (id, name, kind, address, lon, lat, \
                         monthly_intake_cap, created_at, updated_at, external_ref) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)",
                    )
                    .bind(id)
                    .bind(&new.name)
                    .bind(&new.kind)
                    .bind(&new.address)
                    .bind(new.lon)
                    .bind(new.lat)
                    .bind(new.monthly_intake_cap)
                    .bind(now)
                    .bind(&new.external_ref)
                    .execute(&mut *tx)
                    .await?;
                    Upserted { id, created: true }
                }
            };
            out.push(row);
            if k % PROGRESS_EVERY == 0 {
                progress(k);
            }
        }
        tx.commit().await?;
        progress(all.len());
        Ok(out)
    }

    async fn get_opening(&self, id: Uuid) -> Result<Option<OpeningRow>, StoreError> {
        let filter = OpeningFilter::default();
        let mut rows = self.select_openings(&filter, Some(id), None, 1).await?;
        Ok(rows.pop())
    }

    async fn update_opening(
        &self,
        id: Uuid,
        f: &OpeningFields,
        hold: &BasisHold,
    ) -> Result<Option<OpeningRow>, StoreError> {
        let mut tx = self.pool().begin().await?;
        if !Self::rewrite_opening(&mut *tx, id, f).await? {
            return Ok(None);
        }
        Self::apply_hold(&mut *tx, id, hold).await?;
        tx.commit().await?;
        self.get_opening(id).await
    }

    async fn hold_candidates(&self, id: Uuid, hold: &BasisHold) -> Result<bool, StoreError> {
        let mut tx = self.pool().begin().await?;
        let done = Self::apply_hold(&mut *tx, id, hold).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn served_offices(&self, organisation_id: Uuid) -> Result<Vec<Uuid>, StoreError> {
        let rows: Vec<(Uuid,)> = sqlx::query_as(
            "SELECT office_id FROM organisation_offices WHERE organisation_id = $1 \
             ORDER BY office_id",
        )
        .bind(organisation_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn set_served_offices(
        &self,
        organisation_id: Uuid,
        offices: &[Uuid],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM organisation_offices WHERE organisation_id = $1")
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        for office in offices {
            sqlx::query(
                "INSERT INTO organisation_offices (organisation_id, office_id) \
                 VALUES ($1, $2)",
            )
            .bind(organisation_id)
            .bind(office)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn waiting_in_box(
        &self,
        offices: &[Uuid],
        bbox: (f64, f64, f64, f64),
    ) -> Result<Vec<BeneficiaryRow>, StoreError> {
        let (min_lon, min_lat, max_lon, max_lat) = bbox;
        let mut out: Vec<BeneficiaryRow> = Vec::new();
        for office in offices {
            // Languages come in the same row, as for one file.
            let rows: Vec<BeneficiaryWithLanguagesRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT b.*, ({}) AS language_list FROM beneficiaries b \
                     WHERE b.office_id = $1 AND b.status = 'waiting' \
                     AND b.lat BETWEEN $2 AND $3 AND b.lon BETWEEN $4 AND $5 \
                     ORDER BY b.id",
                    Self::LANGUAGES_OF_B_AS_JSON
                )))
                .bind(office)
                .bind(min_lat)
                .bind(max_lat)
                .bind(min_lon)
                .bind(max_lon)
                .fetch_all(self.pool())
                .await?;
            out.extend(rows.into_iter().map(BeneficiaryWithLanguagesRow::file));
        }
        Ok(out)
    }

    async fn list_openings(
        &self,
        filter: &OpeningFilter,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<OpeningRow>, StoreError> {
        self.select_openings(filter, None, after, limit).await
    }

    async fn create_beneficiary(
        &self,
        office_id: Uuid,
        f: &BeneficiaryFields,
    ) -> Result<BeneficiaryRow, StoreError> {
        let mut tx = self.pool().begin().await?;
        let id = Self::insert_beneficiary(&mut *tx, office_id, f).await?;
        tx.commit().await?;
        self.get_beneficiary(id)
            .await?
            .ok_or_else(|| StoreError::Database(sqlx::Error::RowNotFound))
    }

    async fn get_beneficiary(&self, id: Uuid) -> Result<Option<BeneficiaryRow>, StoreError> {
        let filter = BeneficiaryFilter::default();
        let mut rows = self
            .select_beneficiaries(&filter, Some(id), None, 1)
            .await?;
        Ok(rows.pop())
    }

    async fn get_beneficiary_with_live_placement(
        &self,
        id: Uuid,
    ) -> Result<Option<(BeneficiaryRow, Option<LivePlacement>)>, StoreError> {
        // At most one live placement per person (a unique index), so at most one row.
        let row: Option<BeneficiaryWithLiveRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            concat!(
                "SELECT b.*, ({}) AS language_list, ",
                user_name!("u"),
                " AS referent_name, \
                 p.opening_id AS live_opening_id, p.state AS live_state \
                 FROM beneficiaries b LEFT JOIN users u ON u.id = b.referent_user_id \
                 LEFT JOIN placements p ON p.beneficiary_id = b.id \
                 AND p.state IN ",
                live_states!(),
                " \
                 WHERE b.id = $1"
            ),
            Self::LANGUAGES_OF_B_AS_JSON
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(BeneficiaryWithLiveRow::split))
    }

    async fn update_beneficiary(
        &self,
        id: Uuid,
        f: &BeneficiaryFields,
    ) -> Result<Option<BeneficiaryRow>, StoreError> {
        let mut tx = self.pool().begin().await?;
        if !Self::rewrite_beneficiary(&mut *tx, id, f).await? {
            return Ok(None);
        }
        tx.commit().await?;
        self.get_beneficiary(id).await
    }

    async fn list_beneficiaries(
        &self,
        filter: &BeneficiaryFilter,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<BeneficiaryRow>, StoreError> {
        self.select_beneficiaries(filter, None, after, limit).await
    }

    async fn set_referent(
        &self,
        id: Uuid,
        referent: Option<Uuid>,
        by: &Actor,
    ) -> Result<Option<BeneficiaryRow>, StoreError> {
        let mut tx = self.begin_write().await?;
        if !Self::write_referent(&mut *tx, id, referent, by).await? {
            return Ok(None);
        }
        tx.commit().await?;
        self.get_beneficiary(id).await
    }

    async fn referent_history(
        &self,
        beneficiary_id: Uuid,
    ) -> Result<Vec<ReferentAssignmentRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT a.*, ",
            user_name!("u"),
            " AS user_name, ",
            user_name!("w"),
            " AS assigned_by_name \
             FROM referent_assignments a \
             LEFT JOIN users u ON u.id = a.user_id \
             LEFT JOIN users w ON w.id = a.assigned_by_user_id \
             WHERE a.beneficiary_id = $1 ORDER BY a.assigned_at, a.id"
        ))
        .bind(beneficiary_id)
        .fetch_all(self.pool())
        .await?)
    }

    async fn office_caseloads(&self, office_id: Uuid) -> Result<Vec<CaseloadRow>, StoreError> {
        // At most one live placement per person (a unique index), so the join keeps one row
        // per person.
        Ok(sqlx::query_as(concat!(
            "SELECT b.referent_user_id, COUNT(*) AS people, \
             COALESCE(SUM(CASE WHEN b.status = 'waiting' AND p.id IS NULL THEN 1 ELSE 0 END), 0) \
                 AS waiting, \
             COALESCE(SUM(CASE WHEN p.state <> 'active' THEN 1 ELSE 0 END), 0) AS proposed, \
             COALESCE(SUM(CASE WHEN p.state = 'active' THEN 1 ELSE 0 END), 0) AS active \
             FROM beneficiaries b \
             LEFT JOIN placements p ON p.beneficiary_id = b.id AND p.state IN ",
            live_states!(),
            " WHERE b.office_id = $1 AND b.status <> 'exited' \
             GROUP BY b.referent_user_id"
        ))
        .bind(office_id)
        .fetch_all(self.pool())
        .await?)
    }

    async fn delete_beneficiary(&self, id: Uuid) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let office: Option<(Uuid,)> =
            sqlx::query_as("SELECT office_id FROM beneficiaries WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((office,)) = office else {
            return Ok(false);
        };
        sqlx::query("DELETE FROM beneficiaries WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // The person's lines in the office's stored reports go with the file. Only the
        // reports that name the person are read and rewritten: the database finds them,
        // so a year of nightly reports does not travel to be parsed.
        let runs: Vec<(Uuid, sqlx::types::Json<serde_json::Value>)> = sqlx::query_as(
            "SELECT id, report FROM rebalancing_runs \
                 WHERE office_id = $1 AND CAST(report AS TEXT) LIKE $2",
        )
        .bind(office)
        .bind(format!("%{id}%"))
        .fetch_all(&mut *tx)
        .await?;
        for (run, mut report) in runs {
            if scrub_report(&mut report.0, id) {
                sqlx::query("UPDATE rebalancing_runs SET report = $2 WHERE id = $1")
                    .bind(run)
                    .bind(report)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn create_placement(&self, new: &NewPlacement) -> Result<PlacementRow, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut row = Self::insert_proposal(
            &mut *tx,
            new.beneficiary_id,
            new.opening_id,
            &new.proposed_by,
        )
        .await?;
        if new.override_reason.is_some() {
            row = sqlx::query_as(
                "UPDATE placements SET override_reason = $2, overridden_rules = $3 \
                 WHERE id = $1 RETURNING *",
            )
            .bind(row.id)
            .bind(&new.override_reason)
            .bind(sqlx::types::Json(&new.overridden_rules))
            .fetch_one(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(row)
    }

    async fn get_placement(&self, id: Uuid) -> Result<Option<PlacementRow>, StoreError> {
        Ok(sqlx::query_as("SELECT * FROM placements WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    async fn transition_placement(
        &self,
        id: Uuid,
        t: &Transition,
    ) -> Result<Option<PlacementRow>, StoreError> {
        let Some(before) = self.get_placement(id).await? else {
            return Ok(None);
        };
        let mut tx = self.begin_write().await?;
        Self::lock_opening(&mut *tx, before.opening_id).await?;
        // Re-read under the lock: another request may have moved it meanwhile.
        let current: Option<(String,)> =
            sqlx::query_as("SELECT state FROM placements WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((current,)) = current else {
            return Ok(None);
        };
        if !t.from.contains(&current.as_str()) {
            return Err(StoreError::WrongState { current });
        }
        if t.check_intake {
            let (first, next) = month_window(t.today);
            let cap: Option<(Option<i32>, i64)> = sqlx::query_as(
                "SELECT g.monthly_intake_cap, (SELECT COUNT(*) FROM placements p \
                 JOIN openings o2 ON o2.id = p.opening_id \
                 WHERE o2.organisation_id = g.id AND p.confirmed_on >= $2 \
                 AND p.confirmed_on < $3) \
                 FROM openings o JOIN organisations g ON g.id = o.organisation_id \
                 WHERE o.id = $1",
            )
            .bind(before.opening_id)
            .bind(first)
            .bind(next)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((Some(cap), used)) = cap
                && used >= i64::from(cap)
            {
                return Err(StoreError::IntakeCapReached { cap });
            }
        }
        let confirmed_on = (t.to == "confirmed").then_some(t.today);
        let row = sqlx::query_as(
            "UPDATE placements SET state = $2, \
             outcome = COALESCE($3, outcome), \
             decline_reason = COALESCE($4, decline_reason), \
             confirmed_on = COALESCE($5, confirmed_on), updated_at = $6 \
             WHERE id = $1 RETURNING *",
        )
        .bind(id)
        .bind(t.to)
        .bind(&t.outcome)
        .bind(&t.decline_reason)
        .bind(confirmed_on)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(row))
    }

    async fn add_placement_hours(
        &self,
        id: Uuid,
        hours: f64,
        max_total: f64,
    ) -> Result<Option<PlacementRow>, StoreError> {
        let row: Option<PlacementRow> = sqlx::query_as(
            "UPDATE placements SET hours_worked = hours_worked + $2, updated_at = $3 \
             WHERE id = $1 AND state = 'active' AND hours_worked + $2 <= $4 RETURNING *",
        )
        .bind(id)
        .bind(hours)
        .bind(now())
        .bind(max_total + 1e-9)
        .fetch_optional(self.pool())
        .await?;
        if row.is_some() {
            return Ok(row);
        }
        match self.get_placement(id).await? {
            Some(p) if p.state == "active" => Err(StoreError::HoursOverCap {
                worked: p.hours_worked,
                max_total,
            }),
            Some(p) => Err(StoreError::WrongState { current: p.state }),
            None => Ok(None),
        }
    }

    async fn list_placements(
        &self,
        f: &PlacementFilter,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<PlacementRow>, StoreError> {
        let sql = "SELECT p.* FROM placements p \
             JOIN openings o ON o.id = p.opening_id \
             JOIN beneficiaries b ON b.id = p.beneficiary_id \
             WHERE ($1 IS NULL OR p.beneficiary_id = $1) \
             AND ($2 IS NULL OR p.opening_id = $2) \
             AND ($3 IS NULL OR o.organisation_id = $3) \
             AND ($4 IS NULL OR b.office_id = $4) \
             AND ($5 IS NULL OR p.state = $5) \
             AND ($6 IS NULL OR p.id > $6) \
             ORDER BY p.id LIMIT $7";
        // One person's or one opening's placements: let the planner use their index.
        let sql = match (f.beneficiary_id, f.opening_id) {
            (Some(_), _) => sqlx::AssertSqlSafe(sql.replace(
                "($1 IS NULL OR p.beneficiary_id = $1)",
                "p.beneficiary_id = $1",
            )),
            (None, Some(_)) => sqlx::AssertSqlSafe(
                sql.replace("($2 IS NULL OR p.opening_id = $2)", "p.opening_id = $2"),
            ),
            (None, None) => sqlx::AssertSqlSafe(sql.to_owned()),
        };
        Ok(sqlx::query_as(sql)
            .bind(f.beneficiary_id)
            .bind(f.opening_id)
            .bind(f.organisation_id)
            .bind(f.office_id)
            .bind(&f.state)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?)
    }

    async fn expire_proposals(&self, cutoff: OffsetDateTime) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE placements SET state = 'expired', updated_at = $2 \
             WHERE state = 'proposed' AND created_at < $1",
        )
        .bind(cutoff)
        .bind(now())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    async fn pause_stale_openings(
        &self,
        cutoff: OffsetDateTime,
        reason: &str,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE openings SET status = 'paused', status_reason = $2, updated_at = $3 \
             WHERE status = 'open' AND updated_at < $1",
        )
        .bind(cutoff)
        .bind(reason)
        .bind(now())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    async fn load_office_snapshot(
        &self,
        office_id: Uuid,
        today: Date,
    ) -> Result<OfficeSnapshot, StoreError> {
        let mut conn = self.pool().acquire().await?;
        let digest = Self::office_digest(&mut *conn, office_id).await?;
        drop(conn);
        let everyone = u32::MAX;
        let beneficiaries = self
            .select_beneficiaries(
                &BeneficiaryFilter {
                    office_id: Some(office_id),
                    status: Some("waiting".into()),
                    ..Default::default()
                },
                None,
                None,
                everyone,
            )
            .await?;
        let openings = self
            .select_openings(
                &OpeningFilter {
                    status: Some("open".into()),
                    ..Default::default()
                },
                None,
                None,
                everyone,
            )
            .await?;
        let placements: Vec<PlacementRow> = sqlx::query_as(concat!(
            "SELECT p.* FROM placements p JOIN beneficiaries b ON b.id = p.beneficiary_id \
             WHERE b.office_id = $1 \
             AND p.state IN ",
            live_states!(),
            " ORDER BY p.id"
        ))
        .bind(office_id)
        .fetch_all(self.pool())
        .await?;
        let intake = self.intake_this_month(today).await?;
        Ok(OfficeSnapshot {
            beneficiaries,
            openings,
            placements,
            intake,
            digest,
        })
    }

    async fn intake_this_month(&self, today: Date) -> Result<Vec<(Uuid, i32, i64)>, StoreError> {
        let (first, next) = month_window(today);
        Ok(sqlx::query_as(
            "SELECT g.id, g.monthly_intake_cap, (SELECT COUNT(*) FROM placements p \
             JOIN openings o ON o.id = p.opening_id WHERE o.organisation_id = g.id \
             AND p.confirmed_on >= $1 AND p.confirmed_on < $2) \
             FROM organisations g WHERE g.monthly_intake_cap IS NOT NULL ORDER BY g.id",
        )
        .bind(first)
        .bind(next)
        .fetch_all(self.pool())
        .await?)
    }

    async fn save_rebalancing_run(
        &self,
        run: &NewRebalancingRun,
        plan: Option<&ApplyPlan>,
    ) -> Result<RebalancingRunRow, StoreError> {
        let mut tx = self.begin_write().await?;
        if let Some(plan) = plan {
            if Self::office_digest(&mut *tx, run.office_id).await? != run.data_digest {
                return Err(StoreError::Stale);
            }
            Self::execute_plan(&mut *tx, plan).await?;
        }
        let now = now();
        let row = sqlx::query_as(
            "INSERT INTO rebalancing_runs (id, office_id, mode, data_digest, report, \
             started_at, finished_at, applied_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING *",
        )
        .bind(run.id)
        .bind(run.office_id)
        .bind(&run.mode)
        .bind(&run.data_digest)
        .bind(sqlx::types::Json(&run.report))
        .bind(run.started_at)
        .bind(now)
        .bind(plan.map(|_| now))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn apply_rebalancing_run(
        &self,
        id: Uuid,
        plan: &ApplyPlan,
    ) -> Result<Option<RebalancingRunRow>, StoreError> {
        let mut tx = self.begin_write().await?;
        let run: Option<RebalancingRunRow> =
            sqlx::query_as("SELECT * FROM rebalancing_runs WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(run) = run else { return Ok(None) };
        if run.applied_at.is_some() {
            return Err(StoreError::Conflict("this run was already applied".into()));
        }
        if Self::office_digest(&mut *tx, run.office_id).await? != run.data_digest {
            return Err(StoreError::Stale);
        }
        Self::execute_plan(&mut *tx, plan).await?;
        let row =
            sqlx::query_as("UPDATE rebalancing_runs SET applied_at = $2 WHERE id = $1 RETURNING *")
                .bind(id)
                .bind(now())
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(Some(row))
    }

    async fn get_rebalancing_run(&self, id: Uuid) -> Result<Option<RebalancingRunRow>, StoreError> {
        Ok(
            sqlx::query_as("SELECT * FROM rebalancing_runs WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    async fn record_audit_event(&self, new: &NewAuditEvent) -> Result<AuditEventRow, StoreError> {
        Ok(sqlx::query_as(
            "INSERT INTO audit_events (id, occurred_at, actor_token_id, actor_role, action, \
             object_kind, object_id, office_id, organisation_id, actor_user_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *",
        )
        .bind(new_id())
        .bind(now())
        .bind(new.actor_token_id)
        .bind(&new.actor_role)
        .bind(&new.action)
        .bind(&new.object_kind)
        .bind(new.object_id)
        .bind(new.office_id)
        .bind(new.organisation_id)
        .bind(new.actor_user_id)
        .fetch_one(self.pool())
        .await?)
    }

    async fn record_audit_events(&self, events: &[AuditEventRow]) -> Result<(), StoreError> {
        if events.len() <= AUDIT_BATCH_MAX {
            return self
                .insert_audit_events(&mut *self.pool().acquire().await?, events)
                .await;
        }
        let mut tx = self.pool().begin().await?;
        for chunk in events.chunks(AUDIT_BATCH_MAX) {
            self.insert_audit_events(&mut *tx, chunk).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn list_audit_events(
        &self,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<AuditEventRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT * FROM audit_events WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?)
    }
}
