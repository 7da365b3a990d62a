//! The steps behind the public interface: caller and state checks, parameter
//! bounds, settlement and payouts.

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{call::transfer::transfer_eth, prelude::*};

use crate::{
    checked_wei, emit, errors::MarketError, fail, share, ComputeMarket, JobRecord, JobStatus,
    Params,
};

/// Amounts credited when a job is settled.
pub(crate) struct Settlement {
    pub(crate) provider_amount: u128,
    pub(crate) fee: u128,
    pub(crate) consumer_refund: u128,
    pub(crate) slashed: u128,
}

/// The parameters, if each is within its bounds (durations: cooldown, challenge
/// window, start grace, max job seconds, dispute timeout; bps: collateral,
/// no-show slash, dispute default pay).
pub(crate) fn checked_params(
    fee_bps: u16,
    min_stake: U256,
    durations: [u64; 5],
    bps: [u16; 3],
) -> Result<Params, MarketError> {
    let [unstake_cooldown, challenge_window, start_grace, max_job_seconds, dispute_timeout] =
        durations;
    let [collateral_bps, no_show_slash_bps, dispute_default_pay_bps] = bps;
    let p = checked_wei(min_stake).map(|min_stake| Params {
        fee_bps,
        min_stake,
        unstake_cooldown,
        challenge_window,
        start_grace,
        max_job_seconds,
        dispute_timeout,
        collateral_bps,
        no_show_slash_bps,
        dispute_default_pay_bps,
    });
    match p {
        Some(p) if p.valid() => Ok(p),
        _ => fail!(InvalidParams {}),
    }
}

pub(crate) fn non_zero(account: Address) -> Result<(), MarketError> {
    if account.is_zero() {
        return fail!(ZeroAddress {});
    }
    Ok(())
}

impl ComputeMarket {
    pub(crate) fn only_owner(&self) -> Result<Address, MarketError> {
        let caller = self.vm().msg_sender();
        if caller != self.owner() {
            return fail!(NotOwner { caller });
        }
        Ok(caller)
    }

    pub(crate) fn when_not_paused(&self) -> Result<(), MarketError> {
        if self.paused() {
            return fail!(EnforcedPause {});
        }
        Ok(())
    }

    pub(crate) fn job_in_status(
        &self,
        job_id: B256,
        want: JobStatus,
    ) -> Result<JobRecord, MarketError> {
        let job = self.job_record(job_id);
        if job.status != want as u8 {
            return fail!(InvalidJobStatus {
                jobId: job_id,
                status: job.status
            });
        }
        Ok(job)
    }

    pub(crate) fn only_job_provider(
        &self,
        job_id: B256,
        job: &JobRecord,
    ) -> Result<(), MarketError> {
        let caller = self.vm().msg_sender();
        if !self
            .provider_record(job.provider)
            .acts_for(job.provider, caller)
        {
            return fail!(NotJobProvider {
                jobId: job_id,
                caller
            });
        }
        Ok(())
    }

    pub(crate) fn save_params_and_log(&mut self, p: &Params) {
        self.save_params(p);
        emit!(
            self,
            ParamsUpdated[](
                p.fee_bps,
                p.min_stake,
                p.unstake_cooldown,
                p.challenge_window,
                p.start_grace,
                p.max_job_seconds,
                p.dispute_timeout,
                p.collateral_bps,
                p.no_show_slash_bps,
                p.dispute_default_pay_bps
            )
        );
    }

    pub(crate) fn credit(&mut self, account: Address, amount: u128) {
        if amount == 0 {
            return;
        }
        // Overflow not possible: balances are ETH held by this contract (< 2^128).
        let total = self.balance_of(account) + amount;
        self.set_balance(account, total);
    }

    pub(crate) fn settle_dispute_with(
        &mut self,
        job_id: B256,
        job: JobRecord,
        provider_pay_bps: u16,
        slash_bps: u16,
        timed_out: bool,
    ) {
        let s = self.settle(
            job_id,
            job,
            provider_pay_bps,
            slash_bps,
            JobStatus::Resolved,
        );
        emit!(
            self,
            DisputeResolved[job_id](
                provider_pay_bps,
                slash_bps,
                s.provider_amount,
                // Overflow not possible: both parts are shares of escrow and stake.
                s.consumer_refund + s.slashed,
                s.fee,
                s.slashed,
                timed_out
            )
        );
    }

    /// Pays out a job: the provider gets `provider_pay_bps` of the billed seconds
    /// less the job's fee, the consumer the rest of the escrow plus `slash_bps` of
    /// the collateral (taken from the provider's stake); the collateral unlocks.
    pub(crate) fn settle(
        &mut self,
        job_id: B256,
        mut job: JobRecord,
        provider_pay_bps: u16,
        slash_bps: u16,
        status: JobStatus,
    ) -> Settlement {
        // Overflow not possible: `used <= maxSeconds`, and `rate * maxSeconds`
        // (the escrow) was checked at funding.
        let cost = job.rate * u128::from(job.used_seconds);
        let gross = share(cost, provider_pay_bps);
        let fee = share(gross, job.fee_bps);
        let slashed = share(job.collateral, slash_bps);
        let s = Settlement {
            // Overflow not possible: `fee <= gross` since fee bps <= 10000.
            provider_amount: gross - fee,
            fee,
            // Overflow not possible: `gross <= cost <= escrow`.
            consumer_refund: job.escrow() - gross,
            slashed,
        };

        let mut p = self.provider_record(job.provider);
        // Overflow not possible: `slashed <= collateral <= locked <= stake`.
        p.stake -= slashed;
        p.locked -= job.collateral;
        self.save_provider(job.provider, &p);
        job.status = status as u8;
        self.save_job(job_id, &job);

        let fee_recipient = self.fee_recipient();
        self.credit(job.provider, s.provider_amount);
        self.credit(fee_recipient, s.fee);
        // Overflow not possible: escrow and slash are both ETH held here.
        self.credit(JobRecord::consumer(job_id), s.consumer_refund + slashed);
        s
    }

    pub(crate) fn pay(&mut self, to: Address, amount: u128) -> Result<(), MarketError> {
        let value = U256::from(amount);
        if transfer_eth(self.vm(), to, value).is_err() {
            return fail!(TransferFailed { to, amount });
        }
        Ok(())
    }
}
