//! `ComputeMarket`: escrow and settlement for GPU compute jobs, paid in native ETH.
//!
//! Providers stake collateral and register a signer key. A consumer funds a job
//! with a quote signed (EIP-712) by the provider's signer; part of the
//! provider's free stake is locked as collateral. The provider submits usage and
//! a result hash before the job's deadline; after the challenge window anyone can
//! finalize, or the consumer disputes and the arbiter splits the escrow. A job
//! with no result by its deadline is cancelled: full refund plus a slash of the
//! collateral to the consumer. All payouts are credited to balances that their
//! owners pull with [`ComputeMarket::withdraw`].
//!
//! Money invariant: the contract's balance equals all provider stake (locked and
//! pending unstake included) plus the escrow of open jobs plus all withdrawable
//! balances.
//!
//! Job deadline = `fundedAt + maxSeconds + startGraceSeconds`. Escrow, collateral
//! and fee rate are fixed when a job is funded; the challenge window is fixed
//! when its result is submitted; the no-show slash rate is read at cancellation.

#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![warn(missing_docs)]
extern crate alloc;

pub mod errors;
pub mod events;
pub mod quote;
mod state;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{abi::Bytes, call::transfer::transfer_eth, prelude::*};

use crate::state::{u16_of, u64_of};
pub use crate::state::{
    ComputeMarket, JobStatus, BPS_DENOMINATOR, MAX_FEE_BPS, MAX_WINDOW_SECONDS,
};
use crate::{errors::*, events::*, quote::Quote};

/// Params view: owner, arbiter, feeRecipient, feeBps, minStake, unstakeCooldown,
/// challengeWindow, startGraceSeconds, collateralBps, noShowSlashBps, paused.
pub type ParamsView = (
    Address,
    Address,
    Address,
    u16,
    U256,
    u64,
    u64,
    u64,
    u16,
    u16,
    bool,
);
/// Provider view: stake, locked, pendingUnstake, unstakeReadyAt, signer, freeStake.
pub type ProviderView = (U256, U256, U256, u64, Address, U256);
/// Job view: consumer, provider, ratePerSecond, maxSeconds, escrow, collateral,
/// fundedAt, deadline, usedSeconds, resultHash, submittedAt, challengeEndsAt,
/// feeBps, status.
pub type JobView = (
    Address,
    Address,
    U256,
    u64,
    U256,
    U256,
    u64,
    u64,
    u64,
    B256,
    u64,
    u64,
    u16,
    u8,
);

#[public]
impl ComputeMarket {
    /// Initialises the market. Runs once: the SDK marks a storage slot and
    /// reverts any second call.
    ///
    /// # Arguments
    /// * `owner` - may change parameters, arbiter, fee recipient and pause.
    /// * `arbiter` - resolves disputes.
    /// * `fee_recipient` - is credited the protocol fee.
    /// * `fee_bps` - fee on the provider's gross pay, at most [`MAX_FEE_BPS`].
    /// * `min_stake` - stake (net of pending unstake) a provider needs to be funded.
    /// * `unstake_cooldown`, `challenge_window`, `start_grace_seconds` - seconds,
    ///   each in `1..=MAX_WINDOW_SECONDS`.
    /// * `collateral_bps` - share of the escrow locked from the provider's stake.
    /// * `no_show_slash_bps` - share of the collateral paid to the consumer on expiry.
    ///
    /// # Errors
    /// [`ZeroAddress`] for a zero owner, arbiter or fee recipient;
    /// [`InvalidParams`] for an out-of-bounds parameter.
    ///
    /// # Events
    /// [`OwnershipTransferred`], [`ArbiterUpdated`], [`FeeRecipientUpdated`], [`ParamsUpdated`].
    #[constructor]
    #[allow(clippy::too_many_arguments)]
    pub fn constructor(
        &mut self,
        owner: Address,
        arbiter: Address,
        fee_recipient: Address,
        fee_bps: u16,
        min_stake: U256,
        unstake_cooldown: u64,
        challenge_window: u64,
        start_grace_seconds: u64,
        collateral_bps: u16,
        no_show_slash_bps: u16,
    ) -> Result<(), MarketError> {
        if owner.is_zero() || arbiter.is_zero() || fee_recipient.is_zero() {
            return Err(MarketError::ZeroAddress(ZeroAddress {}));
        }
        let params = ParamsUpdated {
            feeBps: fee_bps,
            minStake: min_stake,
            unstakeCooldown: unstake_cooldown,
            challengeWindow: challenge_window,
            startGraceSeconds: start_grace_seconds,
            collateralBps: collateral_bps,
            noShowSlashBps: no_show_slash_bps,
        };
        state::check_params(&params)?;
        self.owner.set(owner);
        self.arbiter.set(arbiter);
        self.fee_recipient.set(fee_recipient);
        self.write_params(&params);
        self.vm().log(OwnershipTransferred {
            previousOwner: Address::ZERO,
            newOwner: owner,
        });
        self.vm().log(ArbiterUpdated { arbiter });
        self.vm().log(FeeRecipientUpdated {
            feeRecipient: fee_recipient,
        });
        self.vm().log(params);
        Ok(())
    }

    // ---------------------------------------------------------------- stake

    /// Adds `msg.value` to the caller's stake.
    ///
    /// # Errors
    /// [`EnforcedPause`] while paused; [`ZeroAmount`] without value.
    ///
    /// # Events
    /// [`Staked`].
    #[payable]
    pub fn stake(&mut self) -> Result<(), MarketError> {
        self.when_not_paused()?;
        let amount = self.vm().msg_value();
        if amount.is_zero() {
            return Err(MarketError::ZeroAmount(ZeroAmount {}));
        }
        let provider = self.vm().msg_sender();
        let mut p = self.providers.setter(provider);
        // Overflow not possible: all stake is held by this contract, and its
        // balance is bounded by the ETH supply (< 2^128).
        let total = p.stake.get() + amount;
        p.stake.set(total);
        self.vm().log(Staked {
            provider,
            amount,
            totalStake: total,
        });
        Ok(())
    }

    /// Queues `amount` of the caller's free stake for withdrawal and restarts the
    /// cooldown for the whole pending amount. Allowed while paused.
    ///
    /// # Errors
    /// [`ZeroAmount`] for zero; [`InsufficientFreeStake`] above free stake.
    ///
    /// # Events
    /// [`UnstakeRequested`].
    pub fn request_unstake(&mut self, amount: U256) -> Result<(), MarketError> {
        if amount.is_zero() {
            return Err(MarketError::ZeroAmount(ZeroAmount {}));
        }
        let provider = self.vm().msg_sender();
        let now = self.vm().block_timestamp();
        let ready_at = now.saturating_add(u64_of(self.unstake_cooldown.get()));
        let mut p = self.providers.setter(provider);
        let free = state::free_stake(&p);
        if amount > free {
            return Err(MarketError::InsufficientFreeStake(InsufficientFreeStake {
                available: free,
                required: amount,
            }));
        }
        // Overflow not possible: `pending + amount <= stake - locked`.
        let pending = p.pending_unstake.get() + amount;
        p.pending_unstake.set(pending);
        p.unstake_ready_at.set(state::U64::from(ready_at));
        self.vm().log(UnstakeRequested {
            provider,
            amount,
            pendingUnstake: pending,
        });
        Ok(())
    }

    /// Pays the caller's pending unstake once its cooldown has elapsed. Allowed while paused.
    ///
    /// # Errors
    /// [`NoPendingUnstake`]; [`CooldownActive`] before the ready time;
    /// [`TransferFailed`] when the caller refuses ETH.
    ///
    /// # Events
    /// [`StakeWithdrawn`].
    pub fn withdraw_stake(&mut self) -> Result<(), MarketError> {
        let provider = self.vm().msg_sender();
        let now = self.vm().block_timestamp();
        let mut p = self.providers.setter(provider);
        let amount = p.pending_unstake.get();
        if amount.is_zero() {
            return Err(MarketError::NoPendingUnstake(NoPendingUnstake {}));
        }
        let ready_at = u64_of(p.unstake_ready_at.get());
        if now < ready_at {
            return Err(MarketError::CooldownActive(CooldownActive {
                readyAt: ready_at,
            }));
        }
        // Overflow not possible: `locked + pending <= stake`.
        let remaining = p.stake.get() - amount;
        p.stake.set(remaining);
        p.pending_unstake.set(U256::ZERO);
        p.unstake_ready_at.set(state::U64::ZERO);
        self.vm().log(StakeWithdrawn { provider, amount });
        self.pay(provider, amount)
    }

    /// Registers `signer` as the key that signs the caller's quotes and may
    /// submit its results; the zero address revokes it.
    ///
    /// # Events
    /// [`SignerSet`].
    pub fn set_signer(&mut self, signer: Address) {
        let provider = self.vm().msg_sender();
        self.providers.setter(provider).signer.set(signer);
        self.vm().log(SignerSet { provider, signer });
    }

    // ----------------------------------------------------------------- jobs

    /// Funds a job at the terms of a quote signed by `provider`'s signer for the
    /// caller (the consumer), and locks `escrow * collateralBps / 10000` of the
    /// provider's free stake. `msg.value` must equal `ratePerSecond * maxSeconds`.
    ///
    /// # Errors
    /// [`EnforcedPause`]; [`JobExists`] for a used id; [`InvalidQuote`] for a
    /// zero rate or duration or an overflowing escrow; [`WrongValue`];
    /// [`QuoteExpired`] after `quote_expiry`; [`NoSigner`]; [`InvalidSignature`]
    /// when the signature is not the signer's; [`StakeBelowMinimum`];
    /// [`InsufficientFreeStake`] when the collateral exceeds free stake.
    ///
    /// # Events
    /// [`JobFunded`].
    #[payable]
    pub fn fund_job(
        &mut self,
        job_id: B256,
        provider: Address,
        rate_per_second: U256,
        max_seconds: u64,
        quote_expiry: u64,
        signature: Bytes,
    ) -> Result<(), MarketError> {
        self.when_not_paused()?;
        let status = self.job_status(job_id);
        if status != JobStatus::None as u8 {
            return Err(MarketError::JobExists(JobExists { jobId: job_id }));
        }
        if rate_per_second.is_zero() || max_seconds == 0 {
            return Err(MarketError::InvalidQuote(InvalidQuote {}));
        }
        let escrow = rate_per_second
            .checked_mul(U256::from(max_seconds))
            .ok_or(MarketError::InvalidQuote(InvalidQuote {}))?;
        let value = self.vm().msg_value();
        if value != escrow {
            return Err(MarketError::WrongValue(WrongValue {
                expected: escrow,
                actual: value,
            }));
        }
        let now = self.vm().block_timestamp();
        if now > quote_expiry {
            return Err(MarketError::QuoteExpired(QuoteExpired {
                expiresAt: quote_expiry,
                now,
            }));
        }
        let consumer = self.vm().msg_sender();
        let signer = self.providers.get(provider).signer.get();
        if signer.is_zero() {
            return Err(MarketError::NoSigner(NoSigner { provider }));
        }
        let quote = Quote {
            job_id,
            consumer,
            provider,
            rate_per_second,
            max_seconds,
            expires_at: quote_expiry,
        };
        let digest = quote.digest(self.domain_separator());
        if quote::recover(self.vm(), digest, &signature) != Some(signer) {
            return Err(MarketError::InvalidSignature(InvalidSignature {}));
        }
        let collateral = state::bps(escrow, u16_of(self.collateral_bps.get()));
        let min_stake = self.min_stake.get();
        let fee_bps = self.fee_bps.get();
        let deadline = now
            .saturating_add(max_seconds)
            .saturating_add(u64_of(self.start_grace.get()));

        let mut p = self.providers.setter(provider);
        // Overflow not possible: `locked + pending <= stake`.
        let active = p.stake.get() - p.pending_unstake.get();
        if active < min_stake {
            return Err(MarketError::StakeBelowMinimum(StakeBelowMinimum {
                stake: active,
                minStake: min_stake,
            }));
        }
        let free = state::free_stake(&p);
        if collateral > free {
            return Err(MarketError::InsufficientFreeStake(InsufficientFreeStake {
                available: free,
                required: collateral,
            }));
        }
        // Overflow not possible: `collateral <= free`, so the sum stays <= stake.
        let locked = p.locked.get() + collateral;
        p.locked.set(locked);

        let mut job = self.jobs.setter(job_id);
        job.consumer.set(consumer);
        job.provider.set(provider);
        job.rate_per_second.set(rate_per_second);
        job.max_seconds.set(state::U64::from(max_seconds));
        job.escrow.set(escrow);
        job.collateral.set(collateral);
        job.funded_at.set(state::U64::from(now));
        job.deadline.set(state::U64::from(deadline));
        job.fee_bps.set(fee_bps);
        job.status.set(state::U8::from(JobStatus::Funded as u8));
        self.vm().log(JobFunded {
            jobId: job_id,
            consumer,
            provider,
            ratePerSecond: rate_per_second,
            maxSeconds: max_seconds,
            escrow,
            collateral,
        });
        Ok(())
    }

    /// Records the billable seconds and the result hash of a funded job and
    /// opens the challenge window. Callable by the provider or its signer up to
    /// and including the deadline, also while paused.
    ///
    /// # Errors
    /// [`InvalidJobStatus`] unless funded; [`NotJobProvider`] for anyone else;
    /// [`DeadlinePassed`]; [`UsedSecondsTooHigh`] above `maxSeconds`.
    ///
    /// # Events
    /// [`ResultSubmitted`].
    pub fn submit_result(
        &mut self,
        job_id: B256,
        used_seconds: u64,
        result_hash: B256,
    ) -> Result<(), MarketError> {
        self.job_in_status(job_id, JobStatus::Funded)?;
        let caller = self.vm().msg_sender();
        let now = self.vm().block_timestamp();
        let window = u64_of(self.challenge_window.get());
        let job = self.jobs.get(job_id);
        let provider = job.provider.get();
        if caller != provider && caller != self.providers.get(provider).signer.get() {
            return Err(MarketError::NotJobProvider(NotJobProvider {
                jobId: job_id,
                caller,
            }));
        }
        let deadline = u64_of(job.deadline.get());
        if now > deadline {
            return Err(MarketError::DeadlinePassed(DeadlinePassed { deadline }));
        }
        let max_seconds = u64_of(job.max_seconds.get());
        if used_seconds > max_seconds {
            return Err(MarketError::UsedSecondsTooHigh(UsedSecondsTooHigh {
                usedSeconds: used_seconds,
                maxSeconds: max_seconds,
            }));
        }
        let mut job = self.jobs.setter(job_id);
        job.used_seconds.set(state::U64::from(used_seconds));
        job.result_hash.set(result_hash);
        job.submitted_at.set(state::U64::from(now));
        job.challenge_ends_at
            .set(state::U64::from(now.saturating_add(window)));
        job.status.set(state::U8::from(JobStatus::Submitted as u8));
        self.vm().log(ResultSubmitted {
            jobId: job_id,
            provider,
            usedSeconds: used_seconds,
            resultHash: result_hash,
        });
        Ok(())
    }

    /// Disputes a submitted result; only the consumer, strictly before the
    /// challenge window ends.
    ///
    /// # Errors
    /// [`InvalidJobStatus`] unless submitted; [`NotJobConsumer`];
    /// [`ChallengeWindowClosed`].
    ///
    /// # Events
    /// [`JobDisputed`].
    pub fn dispute(&mut self, job_id: B256) -> Result<(), MarketError> {
        self.job_in_status(job_id, JobStatus::Submitted)?;
        let caller = self.vm().msg_sender();
        let now = self.vm().block_timestamp();
        let job = self.jobs.get(job_id);
        let consumer = job.consumer.get();
        if caller != consumer {
            return Err(MarketError::NotJobConsumer(NotJobConsumer {
                jobId: job_id,
                caller,
            }));
        }
        let ends_at = u64_of(job.challenge_ends_at.get());
        if now >= ends_at {
            return Err(MarketError::ChallengeWindowClosed(ChallengeWindowClosed {
                endsAt: ends_at,
            }));
        }
        self.jobs
            .setter(job_id)
            .status
            .set(state::U8::from(JobStatus::Disputed as u8));
        self.vm().log(JobDisputed {
            jobId: job_id,
            consumer,
        });
        Ok(())
    }

    /// Settles a disputed job (arbiter only). The provider's gross pay is
    /// `ratePerSecond * usedSeconds * providerPayBps / 10000`, less the job's fee;
    /// the consumer gets the rest of the escrow plus `collateral * slashBps / 10000`
    /// taken from the provider's stake. The collateral is unlocked.
    ///
    /// # Errors
    /// [`NotArbiter`]; [`InvalidJobStatus`] unless disputed; [`InvalidBps`] above 10000.
    ///
    /// # Events
    /// [`DisputeResolved`].
    pub fn resolve_dispute(
        &mut self,
        job_id: B256,
        provider_pay_bps: u16,
        slash_bps: u16,
    ) -> Result<(), MarketError> {
        let caller = self.vm().msg_sender();
        if caller != self.arbiter.get() {
            return Err(MarketError::NotArbiter(NotArbiter { caller }));
        }
        self.job_in_status(job_id, JobStatus::Disputed)?;
        if provider_pay_bps > BPS_DENOMINATOR || slash_bps > BPS_DENOMINATOR {
            return Err(MarketError::InvalidBps(InvalidBps {}));
        }
        let s = self.settle(job_id, provider_pay_bps, slash_bps, JobStatus::Resolved);
        self.vm().log(DisputeResolved {
            jobId: job_id,
            providerPayBps: provider_pay_bps,
            slashBps: slash_bps,
            providerAmount: s.provider_amount,
            // Overflow not possible: both parts are shares of escrow and stake.
            consumerAmount: s.consumer_refund + s.slashed,
            fee: s.fee,
            slashed: s.slashed,
        });
        Ok(())
    }

    /// Settles an undisputed job once its challenge window has ended; callable
    /// by anyone. The provider is credited `ratePerSecond * usedSeconds` less the
    /// fee, the fee recipient the fee, the consumer the unused escrow.
    ///
    /// # Errors
    /// [`InvalidJobStatus`] unless submitted (so a second call fails);
    /// [`ChallengeWindowOpen`].
    ///
    /// # Events
    /// [`JobFinalized`].
    pub fn finalize(&mut self, job_id: B256) -> Result<(), MarketError> {
        self.job_in_status(job_id, JobStatus::Submitted)?;
        let now = self.vm().block_timestamp();
        let ends_at = u64_of(self.jobs.get(job_id).challenge_ends_at.get());
        if now < ends_at {
            return Err(MarketError::ChallengeWindowOpen(ChallengeWindowOpen {
                endsAt: ends_at,
            }));
        }
        let s = self.settle(job_id, BPS_DENOMINATOR, 0, JobStatus::Finalized);
        self.vm().log(JobFinalized {
            jobId: job_id,
            providerAmount: s.provider_amount,
            fee: s.fee,
            consumerRefund: s.consumer_refund,
        });
        Ok(())
    }

    /// Cancels a funded job whose deadline passed without a result; callable by
    /// anyone. The consumer is credited the whole escrow plus
    /// `collateral * noShowSlashBps / 10000` from the provider's stake.
    ///
    /// # Errors
    /// [`InvalidJobStatus`] unless funded; [`DeadlineNotReached`] up to the deadline.
    ///
    /// # Events
    /// [`JobExpired`].
    pub fn cancel_expired(&mut self, job_id: B256) -> Result<(), MarketError> {
        self.job_in_status(job_id, JobStatus::Funded)?;
        let now = self.vm().block_timestamp();
        let deadline = u64_of(self.jobs.get(job_id).deadline.get());
        if now <= deadline {
            return Err(MarketError::DeadlineNotReached(DeadlineNotReached {
                deadline,
            }));
        }
        let slash_bps = u16_of(self.no_show_slash_bps.get());
        let s = self.settle(job_id, 0, slash_bps, JobStatus::Expired);
        self.vm().log(JobExpired {
            jobId: job_id,
            consumerRefund: s.consumer_refund,
            slashed: s.slashed,
        });
        Ok(())
    }

    /// Pays the caller its whole withdrawable balance (provider earnings,
    /// consumer refunds, fees). The balance is zeroed before the transfer.
    /// Allowed while paused.
    ///
    /// # Errors
    /// [`NothingToWithdraw`]; [`TransferFailed`] when the caller refuses ETH.
    ///
    /// # Events
    /// [`Withdrawn`].
    pub fn withdraw(&mut self) -> Result<(), MarketError> {
        let account = self.vm().msg_sender();
        let amount = self.balances.get(account);
        if amount.is_zero() {
            return Err(MarketError::NothingToWithdraw(NothingToWithdraw {}));
        }
        self.balances.setter(account).set(U256::ZERO);
        self.vm().log(Withdrawn { account, amount });
        self.pay(account, amount)
    }

    // ---------------------------------------------------------------- owner

    /// Replaces the market parameters (owner only). Applies to jobs funded
    /// afterwards, except `challengeWindow` (read at submission) and
    /// `noShowSlashBps` (read at cancellation).
    ///
    /// # Errors
    /// [`NotOwner`]; [`InvalidParams`] when out of bounds (see the constructor).
    ///
    /// # Events
    /// [`ParamsUpdated`].
    #[allow(clippy::too_many_arguments)]
    pub fn set_params(
        &mut self,
        fee_bps: u16,
        min_stake: U256,
        unstake_cooldown: u64,
        challenge_window: u64,
        start_grace_seconds: u64,
        collateral_bps: u16,
        no_show_slash_bps: u16,
    ) -> Result<(), MarketError> {
        self.only_owner()?;
        let params = ParamsUpdated {
            feeBps: fee_bps,
            minStake: min_stake,
            unstakeCooldown: unstake_cooldown,
            challengeWindow: challenge_window,
            startGraceSeconds: start_grace_seconds,
            collateralBps: collateral_bps,
            noShowSlashBps: no_show_slash_bps,
        };
        state::check_params(&params)?;
        self.write_params(&params);
        self.vm().log(params);
        Ok(())
    }

    /// Sets the arbiter (owner only).
    ///
    /// # Errors
    /// [`NotOwner`]; [`ZeroAddress`].
    ///
    /// # Events
    /// [`ArbiterUpdated`].
    pub fn set_arbiter(&mut self, arbiter: Address) -> Result<(), MarketError> {
        self.only_owner()?;
        state::non_zero(arbiter)?;
        self.arbiter.set(arbiter);
        self.vm().log(ArbiterUpdated { arbiter });
        Ok(())
    }

    /// Sets the fee recipient (owner only). Fees already credited stay with the old one.
    ///
    /// # Errors
    /// [`NotOwner`]; [`ZeroAddress`].
    ///
    /// # Events
    /// [`FeeRecipientUpdated`].
    pub fn set_fee_recipient(&mut self, fee_recipient: Address) -> Result<(), MarketError> {
        self.only_owner()?;
        state::non_zero(fee_recipient)?;
        self.fee_recipient.set(fee_recipient);
        self.vm().log(FeeRecipientUpdated {
            feeRecipient: fee_recipient,
        });
        Ok(())
    }

    /// Hands ownership to `new_owner` (owner only).
    ///
    /// # Errors
    /// [`NotOwner`]; [`ZeroAddress`].
    ///
    /// # Events
    /// [`OwnershipTransferred`].
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), MarketError> {
        let previous_owner = self.only_owner()?;
        state::non_zero(new_owner)?;
        self.owner.set(new_owner);
        self.vm().log(OwnershipTransferred {
            previousOwner: previous_owner,
            newOwner: new_owner,
        });
        Ok(())
    }

    /// Stops new stake and new jobs (owner only). Exits stay open: unstaking,
    /// submitting, disputing, settling and withdrawing.
    ///
    /// # Errors
    /// [`NotOwner`].
    ///
    /// # Events
    /// [`Paused`].
    pub fn pause(&mut self) -> Result<(), MarketError> {
        let account = self.only_owner()?;
        self.paused.set(true);
        self.vm().log(Paused { account });
        Ok(())
    }

    /// Lifts the pause (owner only).
    ///
    /// # Errors
    /// [`NotOwner`].
    ///
    /// # Events
    /// [`Unpaused`].
    pub fn unpause(&mut self) -> Result<(), MarketError> {
        let account = self.only_owner()?;
        self.paused.set(false);
        self.vm().log(Unpaused { account });
        Ok(())
    }

    // ---------------------------------------------------------------- views

    /// The market parameters, see [`ParamsView`].
    pub fn params(&self) -> ParamsView {
        (
            self.owner.get(),
            self.arbiter.get(),
            self.fee_recipient.get(),
            u16_of(self.fee_bps.get()),
            self.min_stake.get(),
            u64_of(self.unstake_cooldown.get()),
            u64_of(self.challenge_window.get()),
            u64_of(self.start_grace.get()),
            u16_of(self.collateral_bps.get()),
            u16_of(self.no_show_slash_bps.get()),
            self.paused.get(),
        )
    }

    /// A provider's stake position, see [`ProviderView`].
    pub fn provider(&self, provider: Address) -> ProviderView {
        let p = self.providers.get(provider);
        (
            p.stake.get(),
            p.locked.get(),
            p.pending_unstake.get(),
            u64_of(p.unstake_ready_at.get()),
            p.signer.get(),
            state::free_stake(&p),
        )
    }

    /// A job's record, see [`JobView`]; all zero for an unknown id. Status:
    /// 0 none, 1 funded, 2 submitted, 3 disputed, 4 finalized, 5 resolved, 6 expired.
    pub fn job(&self, job_id: B256) -> JobView {
        let j = self.jobs.get(job_id);
        (
            j.consumer.get(),
            j.provider.get(),
            j.rate_per_second.get(),
            u64_of(j.max_seconds.get()),
            j.escrow.get(),
            j.collateral.get(),
            u64_of(j.funded_at.get()),
            u64_of(j.deadline.get()),
            u64_of(j.used_seconds.get()),
            j.result_hash.get(),
            u64_of(j.submitted_at.get()),
            u64_of(j.challenge_ends_at.get()),
            u16_of(j.fee_bps.get()),
            state::u8_of(j.status.get()),
        )
    }

    /// What `account` can withdraw now.
    pub fn withdrawable(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// The EIP-712 domain separator for this chain and contract.
    pub fn domain_separator(&self) -> B256 {
        quote::domain_separator(self.vm().chain_id(), self.vm().contract_address())
    }

    /// The EIP-712 digest a provider's signer signs for these quote terms.
    pub fn quote_digest(
        &self,
        job_id: B256,
        consumer: Address,
        provider: Address,
        rate_per_second: U256,
        max_seconds: u64,
        expires_at: u64,
    ) -> B256 {
        Quote {
            job_id,
            consumer,
            provider,
            rate_per_second,
            max_seconds,
            expires_at,
        }
        .digest(self.domain_separator())
    }
}

impl ComputeMarket {
    fn pay(&mut self, to: Address, amount: U256) -> Result<(), MarketError> {
        transfer_eth(self.vm(), to, amount)
            .map_err(|_| MarketError::TransferFailed(TransferFailed { to, amount }))
    }
}
