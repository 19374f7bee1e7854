//! Writing the audit trail: one event per read or change of a person's file or placement. Ids
//! only; a failure to audit fails the request, since an unaudited read must not happen.
//!
//! Events go through one writer task that stores whatever has queued up meanwhile in one
//! statement (group commit): under load, many requests share a database round trip. A request
//! still answers only once its own event is stored ([`Audited::confirmed`]), so the trail is as
//! complete as with one INSERT per request, a crash included; it may wait for its event while it
//! does its other work.

use std::sync::{Arc, OnceLock};

use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::policy::Principal;
use crate::store::{AUDIT_BATCH_MAX, AuditEventRow, Store};

/// Why an event could not be stored: the request that made it must fail.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The database refused or could not be reached (the writer logged why).
    #[error("the audit trail could not be written")]
    Unavailable,
    /// The writer task is gone.
    #[error("the audit writer stopped")]
    Stopped,
}

/// What happened to the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Read,
    Update,
    Delete,
    Export,
    Transition,
    Apply,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Read => "read",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Export => "export",
            Action::Transition => "transition",
            Action::Apply => "apply",
        }
    }
}

/// Events waiting for the writer; beyond this, requests wait for room (back pressure).
const QUEUE_CAPACITY: usize = 4096;

enum Message {
    Event(AuditEventRow, oneshot::Sender<bool>),
    /// Answered once every event queued before it is stored.
    Flush(oneshot::Sender<()>),
}

/// The audit trail's writer: started on first use, on the runtime of that use.
pub struct AuditWriter {
    store: Arc<dyn Store>,
    queue: OnceLock<mpsc::Sender<Message>>,
}

/// An event handed to the writer; [`Audited::confirmed`] says whether it is stored.
#[must_use = "a request must not answer before its audit event is confirmed"]
pub struct Audited(oneshot::Receiver<bool>);

impl Audited {
    /// Waits until the event is stored; an error if it could not be.
    pub async fn confirmed(self) -> Result<(), AuditError> {
        match self.0.await {
            Ok(true) => Ok(()),
            // The writer logged why; the caller learns nothing about the database.
            Ok(false) => Err(AuditError::Unavailable),
            Err(_) => Err(AuditError::Stopped),
        }
    }
}

impl AuditWriter {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            queue: OnceLock::new(),
        }
    }

    fn queue(&self) -> &mpsc::Sender<Message> {
        self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
            tokio::spawn(write_batches(self.store.clone(), rx));
            tx
        })
    }

    /// Queues `event` (its id and time already set).
    pub async fn submit(&self, event: AuditEventRow) -> Result<Audited, AuditError> {
        let (done, confirmed) = oneshot::channel();
        self.queue()
            .send(Message::Event(event, done))
            .await
            .map_err(|_| AuditError::Stopped)?;
        Ok(Audited(confirmed))
    }

    /// Waits until every event queued so far is stored (or failed): called on shutdown, after
    /// the last request, so that nothing queued is lost.
    pub async fn flush(&self) {
        let Some(queue) = self.queue.get() else {
            return; // never used
        };
        let (done, flushed) = oneshot::channel();
        if queue.send(Message::Flush(done)).await.is_ok() {
            let _ = flushed.await;
        }
    }
}

/// Stores what has queued up, in one statement, until every sender is gone.
async fn write_batches(store: Arc<dyn Store>, mut rx: mpsc::Receiver<Message>) {
    let mut messages = Vec::with_capacity(AUDIT_BATCH_MAX);
    let mut events = Vec::with_capacity(AUDIT_BATCH_MAX);
    let mut waiting = Vec::with_capacity(AUDIT_BATCH_MAX);
    let mut flushes = Vec::new();
    while rx.recv_many(&mut messages, AUDIT_BATCH_MAX).await > 0 {
        for message in messages.drain(..) {
            match message {
                Message::Event(event, done) => {
                    events.push(event);
                    waiting.push(done);
                }
                Message::Flush(done) => flushes.push(done),
            }
        }
        if !events.is_empty() {
            let stored = match store.record_audit_events(&events).await {
                Ok(()) => vec![true; events.len()],
                // One by one, so that one event the database refuses fails its own request
                // only.
                Err(_) if events.len() > 1 => {
                    let mut stored = Vec::with_capacity(events.len());
                    for event in &events {
                        stored.push(written(&store, std::slice::from_ref(event)).await);
                    }
                    stored
                }
                Err(err) => {
                    tracing::error!(error = %err, "audit event not stored");
                    vec![false]
                }
            };
            events.clear();
            for (done, stored) in waiting.drain(..).zip(stored) {
                // The request may be gone (client left); its event is stored all the same.
                let _ = done.send(stored);
            }
        }
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

/// Whether `events` were stored; logs why not.
async fn written(store: &Arc<dyn Store>, events: &[AuditEventRow]) -> bool {
    match store.record_audit_events(events).await {
        Ok(()) => true,
        Err(err) => {
            tracing::error!(error = %err, events = events.len(), "audit events not stored");
            false
        }
    }
}

/// What an audit event is about: the object, and the office and organisation it belongs to (so
/// that a tenant's trail can be read without joining anything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub kind: &'static str,
    pub id: Uuid,
    pub office_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
}

impl Subject {
    /// A person's file, in their office.
    pub fn beneficiary(id: Uuid, office: Uuid) -> Self {
        Self::beneficiary_in(id, Some(office))
    }

    /// A person's file whose office may be unknown (a file line that failed before it).
    pub fn beneficiary_in(id: Uuid, office: Option<Uuid>) -> Self {
        Self {
            kind: "beneficiary",
            id,
            office_id: office,
            organisation_id: None,
        }
    }

    /// A placement: the person's office and the opening's organisation.
    pub fn placement(id: Uuid, office: Uuid, organisation: Uuid) -> Self {
        Self {
            kind: "placement",
            id,
            office_id: Some(office),
            organisation_id: Some(organisation),
        }
    }

    /// A person shown, pseudonymised, to a host among an opening's candidates.
    pub fn candidate(person: Uuid, office: Uuid, organisation: Uuid) -> Self {
        Self {
            kind: "candidate",
            ..Self::placement(person, office, organisation)
        }
    }

    /// A rebalancing run of an office.
    pub fn rebalancing_run(id: Uuid, office: Uuid) -> Self {
        Self {
            kind: "rebalancing_run",
            id,
            office_id: Some(office),
            organisation_id: None,
        }
    }
}

/// The event of `principal` doing `action` to `subject`, stamped now.
fn event(principal: &Principal, action: Action, subject: Subject) -> AuditEventRow {
    AuditEventRow {
        id: crate::store::new_id(),
        occurred_at: crate::store::now(),
        // A user acts under their own id; their session's id names no token.
        actor_token_id: principal.user_id.is_none().then_some(principal.token_id),
        actor_user_id: principal.user_id,
        actor_role: principal.role.as_str().to_owned(),
        action: action.as_str().to_owned(),
        object_kind: subject.kind.to_owned(),
        object_id: subject.id,
        office_id: subject.office_id,
        organisation_id: subject.organisation_id,
    }
}

/// Queues the event of `principal` doing `action` to `subject`; the request may do other work
/// before awaiting [`Audited::confirmed`], but must not answer before.
pub async fn submit(
    writer: &AuditWriter,
    principal: &Principal,
    action: Action,
    subject: Subject,
) -> Result<Audited, AuditError> {
    writer.submit(event(principal, action, subject)).await
}

/// Records that `principal` did `action` to `subject`.
pub async fn record(
    writer: &AuditWriter,
    principal: &Principal,
    action: Action,
    subject: Subject,
) -> Result<(), AuditError> {
    submit(writer, principal, action, subject)
        .await?
        .confirmed()
        .await
}
