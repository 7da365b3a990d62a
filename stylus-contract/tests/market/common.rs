//! Test harness: a `ComputeMarket` on the SDK's `TestVM`, with named accounts,
//! real secp256k1 keys, an ETH ledger for the contract and revert emulation.

use std::collections::HashMap;

pub use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::{eip712_domain, sol, SolEvent, SolStruct};
pub use compute_market::{errors::*, events::*, ComputeMarket, JobStatus, MAX_WINDOW_SECONDS};
use k256::ecdsa::SigningKey;
use stylus_sdk::testing::TestVM;

pub use crate::chain_host::ChainHost;

pub const CHAIN_ID: u64 = 412_346;
pub const MARKET: Address = Address::new([0x4d; 20]);
pub const T0: u64 = 1_700_000_000;

pub const FEE_BPS: u16 = 250;
pub const MIN_STAKE: u64 = 1_000;
pub const COOLDOWN: u64 = 86_400;
pub const WINDOW: u64 = 3_600;
pub const GRACE: u64 = 600;
pub const MAX_JOB: u64 = 86_400;
pub const DISPUTE_TIMEOUT: u64 = 7_200;
pub const COLLATERAL_BPS: u16 = 5_000;
pub const NO_SHOW_BPS: u16 = 5_000;
pub const DISPUTE_PAY_BPS: u16 = 4_000;

sol! {
    /// The EIP-712 struct, hashed here by alloy as an independent reference.
    struct Quote {
        bytes32 jobId;
        address consumer;
        address provider;
        uint256 ratePerSecond;
        uint64 maxSeconds;
        uint64 expiresAt;
    }
}

/// A deterministic key named after its role.
pub fn key(name: &str) -> SigningKey {
    let seed = keccak256(format!("compute-market/test/{name}"));
    SigningKey::from_slice(seed.as_slice()).expect("valid scalar")
}

pub fn address_of(key: &SigningKey) -> Address {
    let point = key.verifying_key().to_encoded_point(false);
    Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..])
}

/// The address of `key(name)`, memoised: deriving a public key is slow in debug builds.
pub fn addr(name: &str) -> Address {
    thread_local! {
        static CACHE: std::cell::RefCell<HashMap<String, Address>> = Default::default();
    }
    CACHE.with(|c| {
        *c.borrow_mut()
            .entry(name.to_string())
            .or_insert_with(|| address_of(&key(name)))
    })
}

/// A job id for `consumer`: its address, then 12 bytes derived from `label`.
pub fn job_id_of(consumer: Address, label: &str) -> B256 {
    let mut id = keccak256(format!("job/{label}"));
    id[..20].copy_from_slice(consumer.as_slice());
    id
}

/// A job id of the default consumer (`addr("consumer")`).
pub fn job_id(label: &str) -> B256 {
    job_id_of(addr("consumer"), label)
}

pub fn wei(v: u64) -> U256 {
    U256::from(v)
}

/// The reference EIP-712 digest (alloy's implementation, not the contract's).
pub fn reference_digest(q: &Quote, chain_id: u64, contract: Address) -> B256 {
    let domain = eip712_domain! {
        name: "ComputeMarket",
        version: "1",
        chain_id: chain_id,
        verifying_contract: contract,
    };
    q.eip712_signing_hash(&domain)
}

/// 65-byte `r || s || v` signature with `v` in {27, 28}.
pub fn sign_digest(key: &SigningKey, digest: B256) -> [u8; 65] {
    let (sig, recid) = key
        .sign_prehash_recoverable(digest.as_slice())
        .expect("sign");
    let mut out = [0u8; 65];
    out[..64].copy_from_slice(&sig.to_bytes());
    out[64] = 27 + recid.to_byte();
    out
}

/// The EIP-2098 compact form `(r, yParityAndS)` of a 65-byte signature.
pub fn compact(sig: &[u8; 65]) -> (B256, B256) {
    let r = B256::from_slice(&sig[..32]);
    let mut vs = B256::from_slice(&sig[32..64]);
    if sig[64] == 28 || sig[64] == 1 {
        vs[0] |= 0x80;
    }
    (r, vs)
}

/// The `ecrecover` precompile's input for `digest` and a 65-byte signature.
pub fn ecrecover_input(digest: B256, sig: &[u8; 65]) -> Vec<u8> {
    let mut input = vec![0u8; 128];
    input[..32].copy_from_slice(digest.as_slice());
    input[63] = if sig[64] < 27 { sig[64] + 27 } else { sig[64] };
    input[64..].copy_from_slice(&sig[..64]);
    input
}

macro_rules! events {
    ($($name:ident { $($field:ident),* }),* $(,)?) => {
        /// Every event the contract emits, decoded.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Ev { $($name($name)),* }

        pub fn decode_log(topics: &[B256], data: &[u8]) -> Ev {
            $(
                if topics[0] == <$name as SolEvent>::SIGNATURE_HASH {
                    let e = <$name as SolEvent>::decode_raw_log(topics.iter().copied(), data)
                        .expect(concat!("decode ", stringify!($name)));
                    return Ev::$name(e);
                }
            )*
            panic!("unknown event topic {}", topics[0]);
        }

        impl Ev {
            /// `{"name": ..., "args": {field: string}}` with decimal integers and lowercase hex.
            pub fn to_json(&self) -> serde_json::Value {
                match self {
                    $(Ev::$name(_e) => {
                        let mut args = serde_json::Map::new();
                        $( args.insert(stringify!($field).into(), _e.$field.json().into()); )*
                        serde_json::json!({ "name": stringify!($name), "args": args })
                    })*
                }
            }
        }
    };
}

events! {
    Staked { provider, amount, totalStake },
    UnstakeRequested { provider, amount, pendingUnstake },
    StakeWithdrawn { provider, amount },
    SignerSet { provider, signer },
    JobFunded { jobId, consumer, provider, ratePerSecond, maxSeconds, escrow, collateral },
    ResultSubmitted { jobId, provider, usedSeconds, resultHash },
    JobDisputed { jobId, consumer },
    JobStarted { jobId, provider },
    DisputeResolved { jobId, providerPayBps, slashBps, providerAmount, consumerAmount, fee, slashed, timedOut },
    JobFinalized { jobId, providerAmount, fee, consumerRefund },
    JobExpired { jobId, consumerRefund, slashed },
    Withdrawn { account, amount },
    ParamsUpdated { feeBps, minStake, unstakeCooldown, challengeWindow, startGraceSeconds, maxJobSeconds, disputeTimeout, collateralBps, noShowSlashBps, disputeDefaultPayBps },
    ArbiterUpdated { arbiter },
    FeeRecipientUpdated { feeRecipient },
    OwnershipTransferred { previousOwner, newOwner },
    Paused { account },
    Unpaused { account },
}

/// Formats a value the way the test vectors store it.
pub trait Json {
    fn json(&self) -> String;
}
impl Json for U256 {
    fn json(&self) -> String {
        self.to_string()
    }
}
impl Json for u64 {
    fn json(&self) -> String {
        self.to_string()
    }
}
impl Json for u16 {
    fn json(&self) -> String {
        self.to_string()
    }
}
impl Json for bool {
    fn json(&self) -> String {
        self.to_string()
    }
}
impl Json for Address {
    fn json(&self) -> String {
        format!("{self:#x}")
    }
}
impl Json for B256 {
    fn json(&self) -> String {
        format!("{self:#x}")
    }
}

macro_rules! error_names {
    ($($name:ident),* $(,)?) => {
        /// The name of the error a `MarketError` carries, e.g. `"NotOwner"`.
        pub fn error_name(e: &MarketError) -> String {
            use alloy_sol_types::SolError;
            $(
                if e.selector() == <$name as SolError>::SELECTOR {
                    return stringify!($name).to_string();
                }
            )*
            panic!("unknown error {e:?}");
        }
    };
}

compute_market::with_every_error!(error_names);

/// Asserts that `r` failed with exactly `expected` (selector and arguments).
#[track_caller]
pub fn assert_error<T: std::fmt::Debug, E: alloy_sol_types::SolError>(
    r: Result<T, MarketError>,
    expected: E,
) {
    match r {
        Ok(v) => panic!("expected an error, got Ok({v:?})"),
        Err(e) => assert_eq!(e.encode(), expected.abi_encode(), "{}", error_name(&e)),
    }
}

/// Market parameters as passed to the constructor.
#[derive(Clone, Copy)]
pub struct Params {
    pub fee_bps: u16,
    pub min_stake: U256,
    pub cooldown: u64,
    pub window: u64,
    pub grace: u64,
    pub max_job: u64,
    pub dispute_timeout: u64,
    pub collateral_bps: u16,
    pub no_show_bps: u16,
    pub dispute_pay_bps: u16,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            fee_bps: FEE_BPS,
            min_stake: wei(MIN_STAKE),
            cooldown: COOLDOWN,
            window: WINDOW,
            grace: GRACE,
            max_job: MAX_JOB,
            dispute_timeout: DISPUTE_TIMEOUT,
            collateral_bps: COLLATERAL_BPS,
            no_show_bps: NO_SHOW_BPS,
            dispute_pay_bps: DISPUTE_PAY_BPS,
        }
    }
}

/// The market under test plus what a chain would track around it.
pub struct Market {
    pub vm: TestVM,
    pub host: ChainHost,
    pub c: ComputeMarket,
    /// ETH the contract holds: value of successful calls minus payouts.
    pub balance: U256,
    /// ETH each account received from the contract.
    pub paid: HashMap<Address, U256>,
    log_cursor: usize,
    time: u64,
}

impl Market {
    pub fn new() -> Self {
        Self::with_params(Params::default())
    }

    pub fn with_params(p: Params) -> Self {
        let vm = TestVM::new();
        vm.set_chain_id(CHAIN_ID);
        vm.set_contract_address(MARKET);
        vm.set_block_timestamp(T0);
        let host = ChainHost::new(vm.clone());
        let c = ComputeMarket::from(&host);
        let mut m = Self {
            vm,
            host,
            c,
            balance: U256::ZERO,
            paid: HashMap::new(),
            log_cursor: 0,
            time: T0,
        };
        let (owner, arbiter, fee_recipient) =
            (addr("owner"), addr("arbiter"), addr("feeRecipient"));
        m.call(owner, U256::ZERO, |c| {
            c.constructor(
                owner,
                arbiter,
                fee_recipient,
                p.fee_bps,
                p.min_stake,
                p.cooldown,
                p.window,
                p.grace,
                p.max_job,
                p.dispute_timeout,
                p.collateral_bps,
                p.no_show_bps,
                p.dispute_pay_bps,
            )
        })
        .expect("constructor");
        m.events();
        m
    }

    pub fn now(&self) -> u64 {
        self.time
    }

    pub fn advance(&mut self, seconds: u64) {
        self.time += seconds;
        self.vm.set_block_timestamp(self.time);
    }

    /// Runs `f` as a transaction from `from` carrying `value`. On error the
    /// storage must be untouched (the contract checks before it writes) except
    /// for a failed payout, which a real chain reverts: storage is restored and
    /// the logs of the failed call are skipped.
    pub fn call<T>(
        &mut self,
        from: Address,
        value: U256,
        f: impl FnOnce(&mut ComputeMarket) -> Result<T, MarketError>,
    ) -> Result<T, MarketError> {
        self.vm.set_sender(from);
        self.vm.set_value(value);
        let before = self.vm.snapshot().storage;
        let logs_before = self.vm.get_emitted_logs().len();
        let result = f(&mut self.c);
        self.vm.set_value(U256::ZERO);
        match &result {
            Ok(_) => {
                self.balance += value;
                for log in &self.vm.get_emitted_logs()[logs_before..] {
                    let (to, amount) = match decode_log(&log.0, &log.1) {
                        Ev::Withdrawn(e) => (e.account, e.amount),
                        Ev::StakeWithdrawn(e) => (e.provider, e.amount),
                        _ => continue,
                    };
                    self.balance -= amount;
                    *self.paid.entry(to).or_default() += amount;
                }
            }
            Err(e) if error_name(e) == "TransferFailed" => {
                self.vm.clear_storage();
                for (k, v) in before {
                    self.vm.set_storage(k, v);
                }
                self.log_cursor = self.vm.get_emitted_logs().len();
            }
            Err(e) => {
                assert_eq!(
                    self.vm.snapshot().storage,
                    before,
                    "{e:?} left a write behind"
                );
                assert_eq!(
                    self.vm.get_emitted_logs().len(),
                    logs_before,
                    "{e:?} logged"
                );
            }
        }
        result
    }

    /// Events emitted since the last call to `events`.
    pub fn events(&mut self) -> Vec<Ev> {
        let logs = self.vm.get_emitted_logs();
        let new = logs[self.log_cursor..]
            .iter()
            .map(|(topics, data)| decode_log(topics, data))
            .collect();
        // Keeps the VM's log list (copied on every snapshot) short.
        self.vm.clear_mocks();
        self.log_cursor = 0;
        new
    }

    /// Signs `q` with `signer` for this chain and contract (EIP-2098 compact form).
    pub fn sign(&self, signer: &SigningKey, q: &Quote) -> (B256, B256) {
        compact(&sign_digest(signer, reference_digest(q, CHAIN_ID, MARKET)))
    }

    /// Calls `fundJob` for `q` from its consumer with the compact signature `sig`.
    pub fn fund_signed(
        &mut self,
        q: &Quote,
        sig: (B256, B256),
        value: U256,
    ) -> Result<(), MarketError> {
        self.fund_as(q.consumer, q, sig, value)
    }

    /// Calls `fundJob` for `q` from `from` (who may not be its consumer).
    pub fn fund_as(
        &mut self,
        from: Address,
        q: &Quote,
        sig: (B256, B256),
        value: U256,
    ) -> Result<(), MarketError> {
        self.call(from, value, fund_call(q, sig))
    }

    // ----- typed shortcuts used across the tests

    pub fn stake(&mut self, provider: Address, amount: u64) -> Result<(), MarketError> {
        self.call(provider, wei(amount), |c| c.stake())
    }

    /// Calls `setParams` as `from` with every field of `p`.
    pub fn set_params(&mut self, from: Address, p: Params) -> Result<(), MarketError> {
        self.call(from, U256::ZERO, |c| {
            c.set_params(
                p.fee_bps,
                p.min_stake,
                p.cooldown,
                p.window,
                p.grace,
                p.max_job,
                p.dispute_timeout,
                p.collateral_bps,
                p.no_show_bps,
                p.dispute_pay_bps,
            )
        })
    }

    pub fn set_signer(&mut self, provider: Address, signer: Address) {
        self.call(provider, U256::ZERO, |c| {
            c.set_signer(signer);
            Ok(())
        })
        .unwrap();
    }

    /// Funds `q` with a signature by `signer` and `value` wei.
    pub fn fund_with(
        &mut self,
        q: &Quote,
        signer: &SigningKey,
        value: U256,
    ) -> Result<(), MarketError> {
        let sig = self.sign(signer, q);
        self.fund_signed(q, sig, value)
    }

    /// Funds `q` correctly signed by the provider's signer key.
    pub fn fund(&mut self, q: &Quote) -> Result<(), MarketError> {
        let value = q.ratePerSecond * U256::from(q.maxSeconds);
        self.fund_with(q, &key("signer"), value)
    }

    pub fn provider(&self, who: Address) -> compute_market::ProviderView {
        self.c.provider(who)
    }

    pub fn status(&self, id: B256) -> u8 {
        self.c.job(id).19
    }

    /// `acknowledgeStart` by `from`.
    pub fn start(&mut self, from: Address, id: B256) -> Result<(), MarketError> {
        self.call(from, U256::ZERO, |c| c.acknowledge_start(id))
    }

    /// `submitResult` by `from`.
    pub fn submit(
        &mut self,
        from: Address,
        id: B256,
        used: u64,
        hash: B256,
    ) -> Result<(), MarketError> {
        self.call(from, U256::ZERO, |c| c.submit_result(id, used, hash))
    }
}

/// The `fundJob` call for `q` with the compact signature `sig`.
pub fn fund_call(
    q: &Quote,
    sig: (B256, B256),
) -> impl FnOnce(&mut ComputeMarket) -> Result<(), MarketError> {
    let q = q.clone();
    move |c| {
        c.fund_job(
            q.jobId,
            q.provider,
            q.ratePerSecond,
            q.maxSeconds,
            q.expiresAt,
            sig.0,
            sig.1,
        )
    }
}

/// A quote from `provider` to `consumer` valid for an hour from T0.
pub fn quote(label: &str, rate: u64, max_seconds: u64) -> Quote {
    Quote {
        jobId: job_id(label),
        consumer: addr("consumer"),
        provider: addr("provider"),
        ratePerSecond: wei(rate),
        maxSeconds: max_seconds,
        expiresAt: T0 + 3_600,
    }
}

/// A market with a staked provider whose signer is registered.
pub fn staked_market(stake: u64) -> Market {
    let mut m = Market::new();
    m.stake(addr("provider"), stake).unwrap();
    m.set_signer(addr("provider"), addr("signer"));
    m.events();
    m
}

/// Funds `q` and has the provider acknowledge the start.
pub fn running(m: &mut Market, q: &Quote) {
    m.fund(q).unwrap();
    m.start(q.provider, q.jobId).unwrap();
    m.events();
}

/// Asserts that `r` failed with the error named `name`.
#[track_caller]
pub fn assert_revert<T: std::fmt::Debug>(r: Result<T, MarketError>, name: &str) {
    match r {
        Ok(v) => panic!("expected {name}, got Ok({v:?})"),
        Err(e) => assert_eq!(error_name(&e), name, "{e:?}"),
    }
}
