//! The steps of [`ComputeMarket::fund_job`], in the order it runs them, which
//! is the order of its errors: a new job id, the quoted terms against the
//! parameters and `msg.value`, the quote's signature.
//!
//! Each step is `#[inline(always)]` (without it some are inlined only by
//! wasm-opt, into larger code). The expiry check, the stake checks with the
//! collateral lock, and the job record stay in `fund_job`: as steps they cost
//! bytes (see the README's Size section).

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;

use crate::{
    amount, checked_wei, errors::MarketError, fail, quote, quote::Quote, ComputeMarket, JobRecord,
    JobStatus, Params,
};

/// The rate and the escrow (`rate * max_seconds`) of the quoted terms, or
/// `None` for a zero escrow or a rate or escrow above 2^128 - 1 (`InvalidQuote`).
#[inline(always)]
pub(crate) fn quote_terms(rate_per_second: U256, max_seconds: u64) -> Option<(u128, u128)> {
    checked_wei(rate_per_second)
        .and_then(|rate| Some((rate, rate.checked_mul(u128::from(max_seconds))?)))
        .filter(|(_, escrow)| *escrow != 0)
}

impl ComputeMarket {
    /// Checks that `consumer` may fund `job_id` (the id starts with its address)
    /// and that the id is unused.
    ///
    /// # Errors
    /// `InvalidJobId`, then `JobExists`.
    #[inline(always)]
    pub(crate) fn check_new_job(&self, job_id: B256, consumer: Address) -> Result<(), MarketError> {
        if JobRecord::consumer(job_id) != consumer {
            return fail!(InvalidJobId { jobId: job_id });
        }
        if self.job_record(job_id).status != JobStatus::None as u8 {
            return fail!(JobExists { jobId: job_id });
        }
        Ok(())
    }

    /// Checks the quoted duration against `maxJobSeconds` and the value sent
    /// against the escrow.
    ///
    /// # Errors
    /// `JobTooLong`, then `WrongValue` unless `msg.value` is the escrow.
    #[inline(always)]
    pub(crate) fn check_terms(
        &self,
        max_seconds: u64,
        escrow: u128,
        params: &Params,
    ) -> Result<(), MarketError> {
        if max_seconds > params.max_job_seconds {
            return fail!(JobTooLong {
                maxSeconds: max_seconds,
                maxJobSeconds: params.max_job_seconds
            });
        }
        let value = self.vm().msg_value();
        if value != amount(escrow) {
            return fail!(WrongValue {
                expected: escrow,
                actual: value
            });
        }
        Ok(())
    }

    /// Checks that `signer` signed `quote` (EIP-712, compact signature).
    ///
    /// # Errors
    /// `InvalidSignature` when the signature is malformed, malleable or another key's.
    #[inline(always)]
    pub(crate) fn check_signature(
        &self,
        quote: &Quote,
        signer: Address,
        r: B256,
        y_parity_and_s: B256,
    ) -> Result<(), MarketError> {
        let digest = quote.digest(self.domain_separator());
        if quote::recover(self.vm(), digest, r, y_parity_and_s) != Some(signer) {
            return fail!(InvalidSignature {});
        }
        Ok(())
    }
}
