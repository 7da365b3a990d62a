//! Storage layout and the internal helpers behind the public interface.

use alloy_primitives::{Address, B256, U256};
pub use alloy_primitives::{U16, U64, U8};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageBool, StorageGuardMut, StorageMap, StorageU16},
    storage::{StorageU256, StorageU64, StorageU8},
};

use crate::errors::*;
use crate::events::ParamsUpdated;

/// Basis-point denominator: 10 000 bps = 100 %.
pub const BPS_DENOMINATOR: u16 = 10_000;
/// Upper bound of the protocol fee: 10 %.
pub const MAX_FEE_BPS: u16 = 1_000;
/// Upper bound of every window parameter: one year.
pub const MAX_WINDOW_SECONDS: u64 = 365 * 24 * 60 * 60;

/// Where a job is in its lifecycle; the `u8` values are those the `job` view returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum JobStatus {
    /// Never funded.
    None = 0,
    /// Escrowed, waiting for a result.
    Funded = 1,
    /// Result submitted, challenge window running.
    Submitted = 2,
    /// Disputed, waiting for the arbiter.
    Disputed = 3,
    /// Settled after the challenge window.
    Finalized = 4,
    /// Settled by the arbiter.
    Resolved = 5,
    /// Cancelled after its deadline without a result.
    Expired = 6,
}

/// A provider's stake position. Invariant: `locked + pending_unstake <= stake`.
#[storage]
pub struct Provider {
    pub(crate) stake: StorageU256,
    pub(crate) locked: StorageU256,
    pub(crate) pending_unstake: StorageU256,
    pub(crate) unstake_ready_at: StorageU64,
    pub(crate) signer: StorageAddress,
}

/// A job's terms and progress.
#[storage]
pub struct Job {
    pub(crate) consumer: StorageAddress,
    pub(crate) status: StorageU8,
    pub(crate) fee_bps: StorageU16,
    pub(crate) provider: StorageAddress,
    pub(crate) max_seconds: StorageU64,
    pub(crate) rate_per_second: StorageU256,
    pub(crate) escrow: StorageU256,
    pub(crate) collateral: StorageU256,
    pub(crate) funded_at: StorageU64,
    pub(crate) deadline: StorageU64,
    pub(crate) used_seconds: StorageU64,
    pub(crate) submitted_at: StorageU64,
    pub(crate) challenge_ends_at: StorageU64,
    pub(crate) result_hash: StorageB256,
}

/// The market contract's storage.
#[storage]
#[entrypoint]
pub struct ComputeMarket {
    pub(crate) owner: StorageAddress,
    pub(crate) paused: StorageBool,
    pub(crate) arbiter: StorageAddress,
    pub(crate) fee_bps: StorageU16,
    pub(crate) collateral_bps: StorageU16,
    pub(crate) no_show_slash_bps: StorageU16,
    pub(crate) fee_recipient: StorageAddress,
    pub(crate) min_stake: StorageU256,
    pub(crate) unstake_cooldown: StorageU64,
    pub(crate) challenge_window: StorageU64,
    pub(crate) start_grace: StorageU64,
    pub(crate) providers: StorageMap<Address, Provider>,
    pub(crate) jobs: StorageMap<B256, Job>,
    pub(crate) balances: StorageMap<Address, StorageU256>,
}

/// Amounts credited when a job is settled.
pub(crate) struct Settlement {
    pub(crate) provider_amount: U256,
    pub(crate) fee: U256,
    pub(crate) consumer_refund: U256,
    pub(crate) slashed: U256,
}

pub(crate) fn u64_of(v: U64) -> u64 {
    v.as_limbs()[0]
}

pub(crate) fn u16_of(v: U16) -> u16 {
    // Truncation not possible: a U16 holds at most 16 bits.
    v.as_limbs()[0] as u16
}

pub(crate) fn u8_of(v: U8) -> u8 {
    // Truncation not possible: a U8 holds at most 8 bits.
    v.as_limbs()[0] as u8
}

/// `amount * bps / 10000`.
pub(crate) fn bps(amount: U256, bps: u16) -> U256 {
    // Overflow not possible: every amount passed here is at most an escrow or a
    // stake, both ETH held by this contract (< 2^128), and bps < 2^16.
    amount * U256::from(bps) / U256::from(BPS_DENOMINATOR)
}

/// `stake - locked - pending_unstake`.
pub(crate) fn free_stake<P: core::ops::Deref<Target = Provider>>(p: &P) -> U256 {
    // Overflow not possible: `locked + pending_unstake <= stake` is kept by
    // every write (collateral and unstake requests are capped at free stake,
    // slashes take at most the collateral they unlock).
    p.stake.get() - p.locked.get() - p.pending_unstake.get()
}

pub(crate) fn non_zero(account: Address) -> Result<(), MarketError> {
    if account.is_zero() {
        return Err(MarketError::ZeroAddress(ZeroAddress {}));
    }
    Ok(())
}

pub(crate) fn check_params(p: &ParamsUpdated) -> Result<(), MarketError> {
    let window_ok = |w: u64| (1..=MAX_WINDOW_SECONDS).contains(&w);
    if p.feeBps > MAX_FEE_BPS
        || p.collateralBps > BPS_DENOMINATOR
        || p.noShowSlashBps > BPS_DENOMINATOR
        || !window_ok(p.unstakeCooldown)
        || !window_ok(p.challengeWindow)
        || !window_ok(p.startGraceSeconds)
    {
        return Err(MarketError::InvalidParams(InvalidParams {}));
    }
    Ok(())
}

impl ComputeMarket {
    pub(crate) fn write_params(&mut self, p: &ParamsUpdated) {
        self.fee_bps.set(U16::from(p.feeBps));
        self.min_stake.set(p.minStake);
        self.unstake_cooldown.set(U64::from(p.unstakeCooldown));
        self.challenge_window.set(U64::from(p.challengeWindow));
        self.start_grace.set(U64::from(p.startGraceSeconds));
        self.collateral_bps.set(U16::from(p.collateralBps));
        self.no_show_slash_bps.set(U16::from(p.noShowSlashBps));
    }

    pub(crate) fn only_owner(&self) -> Result<Address, MarketError> {
        let caller = self.vm().msg_sender();
        if caller != self.owner.get() {
            return Err(MarketError::NotOwner(NotOwner { caller }));
        }
        Ok(caller)
    }

    pub(crate) fn when_not_paused(&self) -> Result<(), MarketError> {
        if self.paused.get() {
            return Err(MarketError::EnforcedPause(EnforcedPause {}));
        }
        Ok(())
    }

    pub(crate) fn job_status(&self, job_id: B256) -> u8 {
        u8_of(self.jobs.get(job_id).status.get())
    }

    pub(crate) fn job_in_status(&self, job_id: B256, want: JobStatus) -> Result<(), MarketError> {
        let status = self.job_status(job_id);
        if status != want as u8 {
            return Err(MarketError::InvalidJobStatus(InvalidJobStatus {
                jobId: job_id,
                status,
            }));
        }
        Ok(())
    }

    fn credit(&mut self, account: Address, amount: U256) {
        if amount.is_zero() {
            return;
        }
        let mut balance = self.balances.setter(account);
        // Overflow not possible: balances are ETH held by this contract (< 2^128).
        let total = balance.get() + amount;
        balance.set(total);
    }

    /// Pays out a job: the provider gets `providerPayBps` of the billed seconds
    /// less the job's fee, the consumer the rest of the escrow plus `slashBps` of
    /// the collateral (taken from the provider's stake); the collateral unlocks.
    pub(crate) fn settle(
        &mut self,
        job_id: B256,
        provider_pay_bps: u16,
        slash_bps: u16,
        status: JobStatus,
    ) -> Settlement {
        let job = self.jobs.get(job_id);
        let consumer = job.consumer.get();
        let provider = job.provider.get();
        let escrow = job.escrow.get();
        let collateral = job.collateral.get();
        let fee_bps = u16_of(job.fee_bps.get());
        // Overflow not possible: `used <= maxSeconds` and `rate * maxSeconds`
        // (the escrow) was checked at funding.
        let cost = job.rate_per_second.get() * U256::from(u64_of(job.used_seconds.get()));
        let gross = bps(cost, provider_pay_bps);
        let fee = bps(gross, fee_bps);
        let slashed = bps(collateral, slash_bps);
        let s = Settlement {
            // Overflow not possible: `fee <= gross` since fee bps <= 10000.
            provider_amount: gross - fee,
            fee,
            // Overflow not possible: `gross <= cost <= escrow`.
            consumer_refund: escrow - gross,
            slashed,
        };

        let mut p: StorageGuardMut<'_, Provider> = self.providers.setter(provider);
        // Overflow not possible: `slashed <= collateral <= locked <= stake`.
        let stake = p.stake.get() - slashed;
        let locked = p.locked.get() - collateral;
        p.stake.set(stake);
        p.locked.set(locked);
        self.jobs.setter(job_id).status.set(U8::from(status as u8));

        let fee_recipient = self.fee_recipient.get();
        self.credit(provider, s.provider_amount);
        self.credit(fee_recipient, s.fee);
        // Overflow not possible: escrow and slash are both ETH held here.
        self.credit(consumer, s.consumer_refund + slashed);
        s
    }
}
