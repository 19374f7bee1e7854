//! A short-lived copy of token rows by hash, so that authenticating a request does not cost a
//! database round trip each time. Only found tokens are kept (a flood of wrong secrets cannot
//! fill it). A revocation through this store empties it at once; a revocation by another
//! process (the `token revoke` command, another replica) is seen once the copy ages out, after
//! at most the time to live.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::TokenRow;

/// Most tokens kept at once; beyond it the copy starts again empty. Tokens are few (one per
/// person or system using the service), so this is never reached in practice.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug)]
pub struct TokenCache {
    ttl: Duration,
    /// Bumped by every revocation: a lookup that started before it must not store its row.
    generation: AtomicU64,
    rows: Mutex<HashMap<String, (TokenRow, Instant)>>,
}

impl TokenCache {
    /// A cache keeping rows for `ttl`; zero turns it off.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            generation: AtomicU64::new(0),
            rows: Mutex::new(HashMap::new()),
        }
    }

    /// The generation to hand back to [`TokenCache::put`] after reading the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The row of `hash` if it was read less than the time to live ago.
    pub fn get(&self, hash: &str) -> Option<TokenRow> {
        if self.ttl.is_zero() {
            return None;
        }
        let rows = self.rows.lock().unwrap_or_else(|p| p.into_inner());
        rows.get(hash)
            .filter(|(_, at)| at.elapsed() < self.ttl)
            .map(|(row, _)| row.clone())
    }

    /// Keeps `row`, read from the database when the generation was `generation`; dropped when a
    /// revocation happened since (the row may predate it).
    pub fn put(&self, row: &TokenRow, generation: u64) {
        if self.ttl.is_zero() {
            return;
        }
        let mut rows = self.rows.lock().unwrap_or_else(|p| p.into_inner());
        // Checked under the lock: `forget_all` bumps the generation before taking it.
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        if rows.len() >= MAX_ENTRIES {
            rows.clear();
        }
        rows.insert(row.token_hash.clone(), (row.clone(), Instant::now()));
    }

    /// Forgets every row: called on revocation.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.rows.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(hash: &str) -> TokenRow {
        TokenRow {
            id: uuid::Uuid::nil(),
            token_hash: hash.to_owned(),
            role: "admin".to_owned(),
            office_id: None,
            organisation_id: None,
            label: "t".to_owned(),
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            expires_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn a_row_read_before_a_revocation_is_not_kept() {
        let cache = TokenCache::new(Duration::from_secs(60));
        let generation = cache.generation();
        cache.forget_all(); // a revocation while the database was being read
        cache.put(&row("a"), generation);
        assert_eq!(cache.get("a"), None);
        cache.put(&row("a"), cache.generation());
        assert_eq!(cache.get("a"), Some(row("a")));
        cache.forget_all();
        assert_eq!(cache.get("a"), None);
    }

    #[test]
    fn a_zero_time_to_live_keeps_nothing() {
        let cache = TokenCache::new(Duration::ZERO);
        cache.put(&row("a"), cache.generation());
        assert_eq!(cache.get("a"), None);
    }
}
