//! `ComputeMarket` behaviour on the Stylus SDK's `TestVM`.

mod chain_host;
mod common;

mod admin;
mod conformance;
mod dispatch;
mod eip712_vectors;
mod invariant;
mod jobs;
mod lifecycle;
mod settlement;
mod staking;
