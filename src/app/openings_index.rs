//! The in-memory index of open openings that suggestions read, shared by all requests: an R-tree
//! with each opening's view serialised once. It is marked out of date by every write that can
//! change what it reads (the API does so in one place, after each such write) and reloaded on
//! the next read; after `max_age` it is reloaded in the background, for other replicas' writes.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::value::RawValue;
use uuid::Uuid;

use crate::bridge;
use crate::matching::OpeningIndex;
use crate::resource::opening::Opening as OpeningView;
use crate::store::{OpeningFilter, Store, StoreError};

/// Why the index could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("building the openings index: {0:#}")]
    Internal(anyhow::Error),
}

/// The in-memory index of open openings, shared by all requests.
pub struct OpeningsCache {
    version: AtomicU64,
    slot: std::sync::Mutex<Option<Cached>>,
    /// One load at a time: requests that find the index out of date wait for that load
    /// instead of each starting their own. A reload of an index that only aged holds it in the
    /// background while every request answers from the aged one, so a periodic refresh never
    /// makes a request wait.
    loading: Arc<tokio::sync::Mutex<()>>,
    max_age: Duration,
}

#[derive(Clone)]
pub struct Cached {
    version: u64,
    pub loaded: Instant,
    day: time::Date,
    pub index: Arc<OpeningIndex>,
    /// Each opening as the API shows it, serialised once per load: answers copy these bytes
    /// instead of building and serialising the same views request after request.
    pub views: Arc<HashMap<Uuid, Box<RawValue>>>,
}

/// What the cache holds for a request.
enum Freshness {
    Fresh(Cached),
    /// Same data version and day, older than `max_age` (only other replicas' writes are missing).
    Aged(Cached),
    Stale,
}

impl OpeningsCache {
    pub fn new(max_age: Duration) -> Self {
        Self {
            version: AtomicU64::new(0),
            slot: std::sync::Mutex::new(None),
            loading: Arc::new(tokio::sync::Mutex::new(())),
            max_age,
        }
    }

    /// Marks the index out of date.
    pub fn invalidate(&self) {
        self.version.fetch_add(1, Ordering::SeqCst);
    }

    fn peek(&self, today: time::Date) -> Freshness {
        let version = self.version.load(Ordering::SeqCst);
        let slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        match slot.as_ref() {
            Some(c) if c.version == version && c.day == today => {
                if c.loaded.elapsed() < self.max_age {
                    Freshness::Fresh(c.clone())
                } else {
                    Freshness::Aged(c.clone())
                }
            }
            _ => Freshness::Stale,
        }
    }

    /// The index for `today`: the cached one when fresh; when it only aged, the cached one at
    /// once while a reload runs in the background; otherwise a load (one at a time).
    pub async fn get(
        self: &Arc<Self>,
        store: &Arc<dyn Store>,
        today: time::Date,
    ) -> Result<Cached, IndexError> {
        match self.peek(today) {
            Freshness::Fresh(c) => return Ok(c),
            Freshness::Aged(c) => {
                // Taken here, before the task starts: no second reload begins meanwhile.
                if let Ok(one_load) = self.loading.clone().try_lock_owned() {
                    let (cache, store) = (self.clone(), store.clone());
                    tokio::spawn(async move {
                        let _one_load = one_load;
                        if let Err(err) = cache.load(&store, today).await {
                            // The aged index stays; the next request tries again.
                            tracing::warn!(error = ?err, "openings index not refreshed");
                        }
                    });
                }
                return Ok(c);
            }
            Freshness::Stale => {}
        }
        let _one_load = self.loading.lock().await;
        if let Freshness::Fresh(c) = self.peek(today) {
            return Ok(c); // loaded while this request waited
        }
        self.load(store, today).await
    }

    async fn load(&self, store: &Arc<dyn Store>, today: time::Date) -> Result<Cached, IndexError> {
        let version = self.version.load(Ordering::SeqCst);
        let open = OpeningFilter {
            status: Some("open".into()),
            ..Default::default()
        };
        let rows = store.list_openings(&open, None, u32::MAX).await?;
        let intake = bridge::intake(store.intake_this_month(today).await?);
        let (index, views) = tokio::task::spawn_blocking(move || {
            let openings = rows
                .iter()
                .map(|r| bridge::opening(r, &intake))
                .collect::<Result<Vec<_>, _>>()
                .map_err(anyhow::Error::from)?;
            let views = rows
                .into_iter()
                .map(|r| {
                    Ok((
                        r.id,
                        serde_json::value::to_raw_value(&OpeningView::from(r))?,
                    ))
                })
                .collect::<Result<HashMap<_, _>, serde_json::Error>>()?;
            Ok::<_, anyhow::Error>((OpeningIndex::new(openings), views))
        })
        .await
        .map_err(|e| IndexError::Internal(e.into()))?
        .map_err(IndexError::Internal)?;
        let cached = Cached {
            version,
            loaded: Instant::now(),
            day: today,
            index: Arc::new(index),
            views: Arc::new(views),
        };
        *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(cached.clone());
        Ok(cached)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DatabaseSettings;

    #[tokio::test]
    async fn an_index_that_only_aged_answers_at_once_and_is_reloaded_in_the_background() {
        let store = crate::store::connect(&DatabaseSettings::for_url("sqlite::memory:"))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let cache = Arc::new(OpeningsCache::new(Duration::ZERO));
        let day = time::OffsetDateTime::now_utc().date();
        let first = cache.get(&store, day).await.unwrap();
        // Aged at once (no time to live): answered from the loaded index, reload started.
        let second = cache.get(&store, day).await.unwrap();
        assert_eq!(second.loaded, first.loaded);
        // The reload holds the lock from before it starts until it is done.
        drop(cache.loading.lock().await);
        let third = cache.get(&store, day).await.unwrap();
        assert!(third.loaded > first.loaded, "the reloaded index is used");
    }
}
