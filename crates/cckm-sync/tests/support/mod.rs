//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

pub mod fixtures;
pub mod large_page;
pub mod query;
