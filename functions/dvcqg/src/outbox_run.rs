//! What the outbox runs share — the dossiers' (`worker`), the questions'
//! (`questions`) and the petitions' (`petitions`): a partition's pending
//! entries grouped by the record they are about, in the order the changes
//! happened, and what a failed delivery does to a record's entries (deferred
//! with backoff, or dead-lettered once out of attempts or refused). Questions
//! and petitions, kept alike in the store, also share the whole run
//! (`Worker::send_case_packets`); the dossiers' run differs (batch reads,
//! repairs, concurrency).

use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;

use chrono::NaiveDateTime;
use serde::Serialize;
use store::{NationalSyncEntry, OutboxEntry, OutboxKind, Store, StoreError};

use crate::worker::{Failure, RunReport, Worker, WorkerError};

/// An outbox entry as the runs handle it.
pub(crate) trait PendingEntry: Clone {
    type Code: Clone + Eq + Hash + Display;

    /// The record the entry is about.
    fn code(&self) -> &Self::Code;
    /// The step it was written with; a record's entries go in this order.
    fn seq(&self) -> u32;
    /// Failed attempts so far.
    fn attempts(&self) -> u32;
    async fn defer(
        &self,
        store: &Store,
        not_before: NaiveDateTime,
        error: &str,
    ) -> Result<(), StoreError>;
    async fn dead_letter(&self, store: &Store, error: &str) -> Result<(), StoreError>;
}

/// Dossier entries of the national portal's outbox (`OUTBOX#DVCQG`).
impl PendingEntry for OutboxEntry {
    type Code = domain::DossierCode;

    fn code(&self) -> &Self::Code {
        &self.code
    }
    fn seq(&self) -> u32 {
        self.seq
    }
    fn attempts(&self) -> u32 {
        self.attempts
    }
    async fn defer(
        &self,
        store: &Store,
        not_before: NaiveDateTime,
        error: &str,
    ) -> Result<(), StoreError> {
        store
            .defer_outbox(OutboxKind::Dvcqg, self, not_before, error)
            .await
    }
    async fn dead_letter(&self, store: &Store, error: &str) -> Result<(), StoreError> {
        store.dead_letter(OutboxKind::Dvcqg, self, error).await
    }
}

/// Question and petition packets, each kind in its own partition.
impl<C, P> PendingEntry for NationalSyncEntry<C, P>
where
    C: Clone + Eq + Hash + Display + Serialize + Sync,
    P: Clone + Serialize + Sync,
{
    type Code = C;

    fn code(&self) -> &C {
        &self.code
    }
    fn seq(&self) -> u32 {
        self.seq
    }
    fn attempts(&self) -> u32 {
        self.attempts
    }
    async fn defer(
        &self,
        store: &Store,
        not_before: NaiveDateTime,
        error: &str,
    ) -> Result<(), StoreError> {
        store.defer_national_sync(self, not_before, error).await
    }
    async fn dead_letter(&self, store: &Store, error: &str) -> Result<(), StoreError> {
        store.dead_letter_national_sync(self, error).await
    }
}

/// `entries` by the record they are about, records in the order of their
/// first entry, each record's entries in the order of its steps.
pub(crate) fn by_record<E: PendingEntry>(entries: Vec<E>) -> Vec<(E::Code, Vec<E>)> {
    let mut order = Vec::new();
    let mut groups: HashMap<E::Code, Vec<E>> = HashMap::new();
    for entry in entries {
        if !groups.contains_key(entry.code()) {
            order.push(entry.code().clone());
        }
        groups.entry(entry.code().clone()).or_default().push(entry);
    }
    order
        .into_iter()
        .map(|code| {
            let mut entries = groups.remove(&code).unwrap_or_default();
            entries.sort_by_key(PendingEntry::seq);
            (code, entries)
        })
        .collect()
}

impl Worker {
    /// After `failure` to deliver one record's `entries` (named `what` in
    /// the log): deferred with backoff while retryable and attempts are
    /// left, otherwise dead-lettered (the alarm watches the error log).
    pub(crate) async fn settle_failure<E: PendingEntry>(
        &self,
        what: &str,
        entries: &[E],
        failure: Failure,
        now: NaiveDateTime,
    ) -> Result<RunReport, WorkerError> {
        let code = entries[0].code();
        let attempts = entries[0].attempts();
        let mut report = RunReport::default();
        match failure {
            Failure::Retry(error) if attempts + 1 < self.settings().max_attempts => {
                let wait = self.backoff(attempts);
                let not_before = now + chrono::Duration::from_std(wait).unwrap_or_default();
                tracing::warn!(%code, attempts = attempts + 1, %error, "national portal: will retry ({what})");
                for entry in entries {
                    entry.defer(self.store(), not_before, &error).await?;
                }
                report.entries_deferred += entries.len();
            }
            Failure::Retry(error) | Failure::Refused(error) => {
                tracing::error!(%code, %error, "national portal: dead letter ({what})");
                for entry in entries {
                    entry.dead_letter(self.store(), &error).await?;
                }
                report.entries_dead += entries.len();
            }
        }
        Ok(report)
    }

    /// Sends the due packets of one kind of case, `pending` (part of every
    /// outbox run): each case's at most once a run, by `deliver`, which
    /// builds them from the case as it is now and counts what it sent. A
    /// packet waiting for its retry holds back its case's later ones.
    // `deliver` takes its arguments owned: a future borrowing them would be
    // higher-ranked, and the compiler could not prove the run `Send`.
    pub(crate) async fn send_case_packets<C, P, F>(
        &self,
        what: &str,
        pending: Vec<NationalSyncEntry<C, P>>,
        now: NaiveDateTime,
        more_time: &(dyn Fn() -> bool + Sync),
        deliver: impl Fn(C, Vec<NationalSyncEntry<C, P>>) -> F,
    ) -> Result<RunReport, WorkerError>
    where
        NationalSyncEntry<C, P>: PendingEntry<Code = C>,
        F: Future<Output = Result<RunReport, Failure>>,
    {
        let mut report = RunReport::default();
        let mut delivered = Vec::new();
        for (code, entries) in by_record(pending) {
            if !more_time() {
                break;
            }
            let due = entries.iter().take_while(|e| e.is_due(now)).count();
            report.entries_waiting += entries.len() - due;
            let entries = &entries[..due];
            if entries.is_empty() {
                continue;
            }
            match deliver(code, entries.to_vec()).await {
                Ok(sent) => {
                    report = report + sent;
                    report.entries_done += entries.len();
                    delivered.extend(entries.iter().cloned());
                }
                Err(failure) => {
                    report = report + self.settle_failure(what, entries, failure, now).await?;
                }
            }
        }
        self.store().remove_national_sync(&delivered).await?;
        Ok(report)
    }
}
