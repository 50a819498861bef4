#![cfg_attr(test, recursion_limit = "256")]
//! The national public-service portal (DVCQG) as QCVN 120:2019 speaks it:
//! the wire conventions (`wire`), the packets (`packets`), how our dossiers
//! and their events become packets (`mapping`), and the client (`client`).

pub mod client;
pub mod mapping;
pub mod packets;
pub mod wire;
