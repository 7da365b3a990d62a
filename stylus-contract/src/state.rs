//! Storage layout, the records kept in it, and the arithmetic on them.
//!
//! Each record is a plain struct read from and written to whole 32-byte
//! storage words (fields packed left to right, big-endian), so a call loads a
//! record once, works on it in memory and stores it once. Amounts are `u128`
//! wei: every amount is ETH held by this contract or owed by a funding call, and
//! the ETH supply is far below 2^128 (about 2^87 wei), so nothing here needs
//! 256-bit arithmetic.
//!
//! | slot | content |
//! |---|---|
//! | 0 | owner |
//! | 1 | arbiter |
//! | 2 | fee recipient |
//! | 3 | paused |
//! | 4..=6 | [`Params`] |
//! | `keccak256(provider . 7)` + 0..=2 | [`ProviderRecord`] |
//! | `keccak256(jobId . 8)` + 0..=4 | [`JobRecord`] |
//! | `keccak256(account . 9)` | withdrawable balance (`u128` in the low half) |
//!
//! (`key . n` is the key's ABI word followed by `n` as a word, Solidity's mapping
//! layout.)

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{crypto::keccak, prelude::*};

use crate::word::{Pack, Unpack};

/// Basis-point denominator: 10 000 bps = 100 %.
pub const BPS_DENOMINATOR: u16 = 10_000;
/// Upper bound of the protocol fee: 10 %.
pub const MAX_FEE_BPS: u16 = 1_000;
/// Upper bound of every duration parameter: one year. Job windows are kept as
/// `u32` seconds, which this bound fits.
pub const MAX_WINDOW_SECONDS: u64 = 365 * 24 * 60 * 60;

const OWNER: u64 = 0;
const ARBITER: u64 = 1;
const FEE_RECIPIENT: u64 = 2;
const PAUSED: u64 = 3;
const PARAMS: u64 = 4;
const PROVIDERS: u64 = 7;
const JOBS: u64 = 8;
const BALANCES: u64 = 9;

/// Where a job is in its lifecycle; the `u8` values are those the `job` view returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum JobStatus {
    /// Never funded.
    None = 0,
    /// Escrowed, waiting for the provider to acknowledge the start.
    Funded = 1,
    /// Start acknowledged, waiting for a result.
    Running = 2,
    /// Result submitted, challenge window running.
    Submitted = 3,
    /// Disputed, waiting for the arbiter (or the dispute timeout).
    Disputed = 4,
    /// Settled after the challenge window.
    Finalized = 5,
    /// Dispute settled, by the arbiter or after the dispute timeout.
    Resolved = 6,
    /// A no-show: not started by the start deadline, or no result by the deadline.
    Expired = 7,
}

/// The market's storage. Every value lives at the slots in the module docs;
/// the SDK provides the host access (`vm()`).
#[storage]
#[entrypoint]
pub struct ComputeMarket {}

/// The parameters set by the owner. A job copies those that move its money or
/// its deadlines when it is funded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Params {
    /// Fee on the provider's gross pay, at most [`MAX_FEE_BPS`].
    pub fee_bps: u16,
    /// Stake (net of pending unstake) a provider needs to be funded.
    pub min_stake: u128,
    /// Seconds between an unstake request and its withdrawal.
    pub unstake_cooldown: u64,
    /// Seconds after a result during which the consumer may dispute.
    pub challenge_window: u64,
    /// Seconds after funding within which the provider must acknowledge the start.
    pub start_grace: u64,
    /// Upper bound of a job's `maxSeconds`.
    pub max_job_seconds: u64,
    /// Seconds after a dispute after which anyone may settle it with the default split.
    pub dispute_timeout: u64,
    /// Share of the escrow locked from the provider's stake.
    pub collateral_bps: u16,
    /// Share of the collateral paid to the consumer on a no-show.
    pub no_show_slash_bps: u16,
    /// Provider's share of the billed cost when a dispute times out.
    pub dispute_default_pay_bps: u16,
}

impl Params {
    /// Whether every parameter is within its bounds.
    pub fn valid(&self) -> bool {
        let window_ok = |w: u64| (1..=MAX_WINDOW_SECONDS).contains(&w);
        self.fee_bps <= MAX_FEE_BPS
            && self.collateral_bps <= BPS_DENOMINATOR
            && self.no_show_slash_bps <= BPS_DENOMINATOR
            && self.dispute_default_pay_bps <= BPS_DENOMINATOR
            && window_ok(self.unstake_cooldown)
            && window_ok(self.challenge_window)
            && window_ok(self.start_grace)
            && window_ok(self.max_job_seconds)
            && window_ok(self.dispute_timeout)
    }
}

/// A provider's stake position. Invariant: `locked + pending_unstake <= stake`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProviderRecord {
    /// All stake, locked and pending included.
    pub stake: u128,
    /// Collateral of open jobs.
    pub locked: u128,
    /// Requested for withdrawal.
    pub pending_unstake: u128,
    /// When the pending unstake can be withdrawn.
    pub unstake_ready_at: u64,
    /// The key that signs quotes and may act for the provider; zero when none.
    pub signer: Address,
}

impl ProviderRecord {
    /// `stake - locked - pending_unstake`.
    pub fn free_stake(&self) -> u128 {
        // Overflow not possible: `locked + pending_unstake <= stake` is kept by
        // every write (collateral and unstake requests are capped at free stake,
        // slashes take at most the collateral they unlock).
        self.stake - self.locked - self.pending_unstake
    }

    /// Whether `caller` is the provider itself or its registered signer. A
    /// revoked (zero) signer matches nobody.
    pub fn acts_for(&self, provider: Address, caller: Address) -> bool {
        caller == provider || (!self.signer.is_zero() && caller == self.signer)
    }
}

/// A job's terms, fixed at funding, and its progress. The consumer is the
/// job id's first 20 bytes; the other deadlines are derived.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JobRecord {
    /// The provider whose stake backs the job.
    pub provider: Address,
    /// A [`JobStatus`] value.
    pub status: u8,
    /// Fee rate, copied from the params at funding.
    pub fee_bps: u16,
    /// No-show slash rate, copied at funding.
    pub no_show_slash_bps: u16,
    /// Provider's share on a dispute timeout, copied at funding.
    pub dispute_default_pay_bps: u16,
    /// Price in wei per second.
    pub rate: u128,
    /// Stake locked for this job.
    pub collateral: u128,
    /// Block time of funding.
    pub funded_at: u64,
    /// Most billable seconds; `escrow = rate * max_seconds`.
    pub max_seconds: u64,
    /// Start grace, copied at funding.
    pub start_grace: u32,
    /// Challenge window, copied at funding.
    pub challenge_window: u32,
    /// Dispute timeout, copied at funding.
    pub dispute_timeout: u32,
    /// Block time of the start acknowledgement (0 before).
    pub started_at: u64,
    /// Block time of the result (0 before).
    pub submitted_at: u64,
    /// Billable seconds reported with the result.
    pub used_seconds: u64,
    /// Block time of the dispute (0 unless disputed).
    pub disputed_at: u64,
    /// Hash of the result, as submitted.
    pub result_hash: B256,
}

// Overflow not possible in the derived times below: every stored time is a
// block time (< 2^40 for millennia) and every added duration is at most
// MAX_WINDOW_SECONDS (< 2^25).
impl JobRecord {
    /// The consumer: the job id's first 20 bytes.
    pub fn consumer(job_id: B256) -> Address {
        Address::from_slice(&job_id[..20])
    }

    /// `rate * max_seconds`, checked against `u128` at funding.
    pub fn escrow(&self) -> u128 {
        self.rate * u128::from(self.max_seconds)
    }

    /// Last second at which the provider may acknowledge the start.
    pub fn start_deadline(&self) -> u64 {
        self.funded_at + u64::from(self.start_grace)
    }

    /// Last second at which the provider may submit a result.
    pub fn deadline(&self) -> u64 {
        self.start_deadline() + self.max_seconds
    }

    /// First second at which the job may be finalized (0 before a result).
    pub fn challenge_ends_at(&self) -> u64 {
        if self.submitted_at == 0 {
            return 0;
        }
        self.submitted_at + u64::from(self.challenge_window)
    }

    /// First second at which anyone may settle the dispute (0 unless disputed).
    pub fn dispute_ends_at(&self) -> u64 {
        if self.disputed_at == 0 {
            return 0;
        }
        self.disputed_at + u64::from(self.dispute_timeout)
    }
}

/// `amount * bps / 10000`, rounded down, exact for every `u128` amount.
pub fn share(amount: u128, bps: u16) -> u128 {
    let d = u128::from(BPS_DENOMINATOR);
    let bps = u128::from(bps);
    // Overflow not possible: `(amount / d) * bps <= amount` for bps <= d, and
    // `(amount % d) * bps < d * d`.
    (amount / d) * bps + (amount % d) * bps / d
}

fn slot(n: u64) -> U256 {
    U256::from(n)
}

/// First slot of the record stored under `key` in the mapping at `base`.
fn record_slot(key: B256, base: u64) -> U256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(key.as_slice());
    buf[56..].copy_from_slice(&base.to_be_bytes());
    U256::from_be_bytes(keccak(buf).0)
}

impl ComputeMarket {
    fn load(&self, at: U256) -> B256 {
        self.vm().storage_load_bytes32(at)
    }

    fn store(&mut self, at: U256, word: B256) {
        // SAFETY: no SDK storage type refers to these slots, so nothing holds a
        // cached value that this write could leave stale; the SDK flushes the
        // cache at the end of the call and before every outgoing call.
        unsafe { self.vm().storage_cache_bytes32(at, word) }
    }

    fn load_address(&self, n: u64) -> Address {
        Address::from_word(self.load(slot(n)))
    }

    pub(crate) fn owner(&self) -> Address {
        self.load_address(OWNER)
    }

    pub(crate) fn set_owner(&mut self, owner: Address) {
        self.store(slot(OWNER), owner.into_word());
    }

    pub(crate) fn arbiter(&self) -> Address {
        self.load_address(ARBITER)
    }

    pub(crate) fn set_arbiter_slot(&mut self, arbiter: Address) {
        self.store(slot(ARBITER), arbiter.into_word());
    }

    pub(crate) fn fee_recipient(&self) -> Address {
        self.load_address(FEE_RECIPIENT)
    }

    pub(crate) fn set_fee_recipient_slot(&mut self, fee_recipient: Address) {
        self.store(slot(FEE_RECIPIENT), fee_recipient.into_word());
    }

    pub(crate) fn paused(&self) -> bool {
        !self.load(slot(PAUSED)).is_zero()
    }

    pub(crate) fn set_paused(&mut self, paused: bool) {
        self.store(slot(PAUSED), crate::word::ToWord::word(paused));
    }

    pub(crate) fn params_record(&self) -> Params {
        let mut w0 = Unpack::new(self.load(slot(PARAMS)));
        let mut w1 = Unpack::new(self.load(slot(PARAMS + 1)));
        let mut w2 = Unpack::new(self.load(slot(PARAMS + 2)));
        Params {
            min_stake: w0.take(),
            fee_bps: w0.take(),
            collateral_bps: w0.take(),
            no_show_slash_bps: w0.take(),
            dispute_default_pay_bps: w0.take(),
            unstake_cooldown: w1.take(),
            challenge_window: w1.take(),
            start_grace: w1.take(),
            max_job_seconds: w1.take(),
            dispute_timeout: w2.take(),
        }
    }

    pub(crate) fn save_params(&mut self, p: &Params) {
        let w0 = Pack::default()
            .put(p.min_stake)
            .put(p.fee_bps)
            .put(p.collateral_bps)
            .put(p.no_show_slash_bps)
            .put(p.dispute_default_pay_bps);
        let w1 = Pack::default()
            .put(p.unstake_cooldown)
            .put(p.challenge_window)
            .put(p.start_grace)
            .put(p.max_job_seconds);
        let w2 = Pack::default().put(p.dispute_timeout);
        self.store(slot(PARAMS), w0.word());
        self.store(slot(PARAMS + 1), w1.word());
        self.store(slot(PARAMS + 2), w2.word());
    }

    pub(crate) fn provider_record(&self, provider: Address) -> ProviderRecord {
        let at = record_slot(provider.into_word(), PROVIDERS);
        let mut w0 = Unpack::new(self.load(at));
        let mut w1 = Unpack::new(self.load(at + slot(1)));
        ProviderRecord {
            stake: w0.take(),
            locked: w0.take(),
            pending_unstake: w1.take(),
            unstake_ready_at: w1.take(),
            signer: Address::from_word(self.load(at + slot(2))),
        }
    }

    pub(crate) fn save_provider(&mut self, provider: Address, p: &ProviderRecord) {
        let at = record_slot(provider.into_word(), PROVIDERS);
        let w0 = Pack::default().put(p.stake).put(p.locked);
        let w1 = Pack::default()
            .put(p.pending_unstake)
            .put(p.unstake_ready_at);
        self.store(at, w0.word());
        self.store(at + slot(1), w1.word());
        self.store(at + slot(2), p.signer.into_word());
    }

    pub(crate) fn job_record(&self, job_id: B256) -> JobRecord {
        let at = record_slot(job_id, JOBS);
        let mut w0 = Unpack::new(self.load(at));
        let mut w1 = Unpack::new(self.load(at + slot(1)));
        let mut w2 = Unpack::new(self.load(at + slot(2)));
        let mut w3 = Unpack::new(self.load(at + slot(3)));
        JobRecord {
            provider: w0.take(),
            status: w0.take(),
            fee_bps: w0.take(),
            no_show_slash_bps: w0.take(),
            dispute_default_pay_bps: w0.take(),
            rate: w1.take(),
            collateral: w1.take(),
            funded_at: w2.take(),
            max_seconds: w2.take(),
            start_grace: w2.take(),
            challenge_window: w2.take(),
            dispute_timeout: w2.take(),
            started_at: w3.take(),
            submitted_at: w3.take(),
            used_seconds: w3.take(),
            disputed_at: w3.take(),
            result_hash: self.load(at + slot(4)),
        }
    }

    pub(crate) fn save_job(&mut self, job_id: B256, j: &JobRecord) {
        let at = record_slot(job_id, JOBS);
        let w0 = Pack::default()
            .put(j.provider)
            .put(j.status)
            .put(j.fee_bps)
            .put(j.no_show_slash_bps)
            .put(j.dispute_default_pay_bps);
        let w1 = Pack::default().put(j.rate).put(j.collateral);
        let w2 = Pack::default()
            .put(j.funded_at)
            .put(j.max_seconds)
            .put(j.start_grace)
            .put(j.challenge_window)
            .put(j.dispute_timeout);
        let w3 = Pack::default()
            .put(j.started_at)
            .put(j.submitted_at)
            .put(j.used_seconds)
            .put(j.disputed_at);
        self.store(at, w0.word());
        self.store(at + slot(1), w1.word());
        self.store(at + slot(2), w2.word());
        self.store(at + slot(3), w3.word());
        self.store(at + slot(4), j.result_hash);
    }

    pub(crate) fn balance_of(&self, account: Address) -> u128 {
        let mut w = Unpack::new(self.load(record_slot(account.into_word(), BALANCES)));
        let _high: u128 = w.take();
        w.take()
    }

    pub(crate) fn set_balance(&mut self, account: Address, amount: u128) {
        let word = Pack::default().put(0u128).put(amount).word();
        self.store(record_slot(account.into_word(), BALANCES), word);
    }

    /// Logs one event: `topic0`, the indexed fields, then the data words.
    pub(crate) fn log(&self, topic0: B256, topics: &[B256], data: &[B256]) {
        let mut buf = alloc::vec::Vec::with_capacity(32 * (1 + topics.len() + data.len()));
        buf.extend_from_slice(topic0.as_slice());
        for word in topics.iter().chain(data) {
            buf.extend_from_slice(word.as_slice());
        }
        self.vm().emit_log(&buf, 1 + topics.len());
    }
}
