#![cfg_attr(test, recursion_limit = "256")]
//! The national public-service portal (DVCQG) as QCVN 120:2019 speaks it:
//! the wire conventions (`wire`), the packets (`packets`), how our dossiers
//! and their events become packets (`mapping`), the client (`client`) and the
//! outbox worker that sends every change (`worker`, with what its runs share
//! in `outbox_run`), and the monthly statistics and evaluation packets
//! (`monthly`); what it reads from the
//! share endpoint (`share`) and the import of the national procedure
//! database and its dictionaries (`inbound`); the intake of dossiers
//! submitted on the national portal (`intake`), whose statuses go back;
//! questions asked there and answers given here (`questions`); feedback and
//! petitions both ways (`petitions`).

pub mod client;
pub mod connections;
pub mod inbound;
pub mod intake;
pub mod jobs;
pub mod mapping;
pub mod monthly;
mod outbox_run;
pub mod packets;
pub mod petitions;
pub mod questions;
pub mod reconcile;
pub mod share;
pub mod wire;
pub mod worker;
