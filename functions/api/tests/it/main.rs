//! The citizen API, served by the real router against a local DynamoDB/S3
//! (moto_server) — one test binary, one moto for all tests, a fresh table and
//! bucket per test.

mod backoffice;
mod bad_input;
mod concurrency;
mod helpers;
mod journeys;
mod petitions;
mod portal;
mod questions;
mod rating;
mod scorecard;
mod site_index;
mod stack;
