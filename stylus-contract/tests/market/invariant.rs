//! Random operation sequences (seeded, reproducible) checked against an
//! independent model after every call:
//! - the contract's ETH equals all stake + open escrow + withdrawable balances;
//! - every provider position and every balance equals the model's, so no
//!   account is credited (and can withdraw) more than it is owed;
//! - after the sequence, every job can be settled and every wei withdrawn.
//!
//! `INVARIANT_SEQUENCES` overrides the number of sequences (default 10 000);
//! `INVARIANT_SEED` replays a single failing seed.

use std::collections::HashMap;

use crate::common::*;

const OPS_PER_SEQUENCE: usize = 24;

/// SplitMix64: tiny, seedable, good enough to drive a fuzzer.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Position {
    stake: U256,
    locked: U256,
    pending: U256,
}

#[derive(Clone, Copy, Debug)]
struct ModelJob {
    consumer: Address,
    provider: Address,
    rate: U256,
    max_seconds: u64,
    escrow: U256,
    collateral: U256,
    fee_bps: u16,
    deadline: u64,
    used: u64,
    ends_at: u64,
    status: JobStatus,
}

#[derive(Clone, Copy)]
struct ModelParams {
    fee_bps: u16,
    min_stake: U256,
    cooldown: u64,
    window: u64,
    grace: u64,
    collateral_bps: u16,
    no_show_bps: u16,
}

/// The market as the specification describes it, in plain integer arithmetic.
struct Model {
    params: ModelParams,
    paused: bool,
    positions: HashMap<Address, Position>,
    signers: HashMap<Address, Address>,
    jobs: Vec<(B256, ModelJob)>,
    owed: HashMap<Address, U256>,
}

fn bps(amount: U256, bps: u16) -> U256 {
    amount * U256::from(bps) / U256::from(10_000u64)
}

impl Model {
    fn job(&mut self, id: B256) -> Option<&mut ModelJob> {
        self.jobs
            .iter_mut()
            .find(|(j, _)| *j == id)
            .map(|(_, job)| job)
    }

    fn credit(&mut self, who: Address, amount: U256) {
        *self.owed.entry(who).or_default() += amount;
    }

    /// Applies a settlement exactly as the specification states it.
    fn settle(
        &mut self,
        id: B256,
        pay_bps: u16,
        slash_bps: u16,
        status: JobStatus,
        fee_recipient: Address,
    ) {
        let job = *self.job(id).unwrap();
        let cost = job.rate * U256::from(job.used);
        let gross = bps(cost, pay_bps);
        let fee = bps(gross, job.fee_bps);
        let slashed = bps(job.collateral, slash_bps);
        let pos = self.positions.get_mut(&job.provider).unwrap();
        pos.stake -= slashed;
        pos.locked -= job.collateral;
        self.credit(job.provider, gross - fee);
        self.credit(fee_recipient, fee);
        self.credit(job.consumer, job.escrow - gross + slashed);
        self.job(id).unwrap().status = status;
    }
}

struct Fuzz {
    m: Market,
    model: Model,
    rng: Rng,
    providers: [Address; 2],
    signers: [Address; 2],
    consumers: [Address; 2],
    everyone: Vec<Address>,
    next_job: u64,
    seed: u64,
}

impl Fuzz {
    fn new(seed: u64) -> Self {
        let mut rng = Rng(seed);
        let params = ModelParams {
            fee_bps: rng.below(1_001) as u16,
            min_stake: wei(rng.below(2_000)),
            cooldown: 1 + rng.below(5_000),
            window: 1 + rng.below(3_000),
            grace: 1 + rng.below(1_000),
            collateral_bps: rng.below(10_001) as u16,
            no_show_bps: rng.below(10_001) as u16,
        };
        let m = Market::with_params(Params {
            fee_bps: params.fee_bps,
            min_stake: params.min_stake,
            cooldown: params.cooldown,
            window: params.window,
            grace: params.grace,
            collateral_bps: params.collateral_bps,
            no_show_bps: params.no_show_bps,
        });
        let names = [
            "owner",
            "arbiter",
            "feeRecipient",
            "p0",
            "p1",
            "s0",
            "s1",
            "c0",
            "c1",
            "stranger",
        ];
        Self {
            m,
            model: Model {
                params,
                paused: false,
                positions: HashMap::new(),
                signers: HashMap::new(),
                jobs: Vec::new(),
                owed: HashMap::new(),
            },
            rng,
            providers: [addr("p0"), addr("p1")],
            signers: [addr("s0"), addr("s1")],
            consumers: [addr("c0"), addr("c1")],
            everyone: names.iter().map(|n| addr(n)).collect(),
            next_job: 0,
            seed,
        }
    }

    fn any_job(&mut self) -> B256 {
        if self.model.jobs.is_empty() || self.rng.chance(5) {
            return job_id("never-funded");
        }
        let i = self.rng.below(self.model.jobs.len() as u64) as usize;
        self.model.jobs[i].0
    }

    fn step(&mut self) {
        let now = self.m.now();
        let fee_recipient = addr("feeRecipient");
        match self.rng.below(100) {
            0..=9 => {
                let p = self.rng.pick(&self.providers);
                let amount = 1 + self.rng.below(5_000);
                if self.m.stake(p, amount).is_ok() {
                    assert!(!self.model.paused);
                    self.model.positions.entry(p).or_default().stake += wei(amount);
                }
            }
            10..=13 => {
                let i = self.rng.below(2) as usize;
                let signer = if self.rng.chance(85) {
                    self.signers[i]
                } else {
                    addr("stranger")
                };
                self.m.set_signer(self.providers[i], signer);
                self.model.signers.insert(self.providers[i], signer);
            }
            14..=18 => {
                let p = self.rng.pick(&self.providers);
                let pos = self.model.positions.get(&p).copied().unwrap_or_default();
                let free = pos.stake - pos.locked - pos.pending;
                let amount = wei(self.rng.below(free.to::<u64>() + 10));
                if self
                    .m
                    .call(p, U256::ZERO, |c| c.request_unstake(amount))
                    .is_ok()
                {
                    assert!(!amount.is_zero() && amount <= free);
                    self.model.positions.get_mut(&p).unwrap().pending += amount;
                }
            }
            19..=22 => {
                let p = self.rng.pick(&self.providers);
                let pending = self
                    .model
                    .positions
                    .get(&p)
                    .map(|x| x.pending)
                    .unwrap_or_default();
                let paid_before = self.m.paid.get(&p).copied().unwrap_or_default();
                if self.m.call(p, U256::ZERO, |c| c.withdraw_stake()).is_ok() {
                    let pos = self.model.positions.get_mut(&p).unwrap();
                    pos.stake -= pending;
                    pos.pending = U256::ZERO;
                    assert_eq!(self.m.paid[&p] - paid_before, pending);
                }
            }
            23..=42 => self.fund(now),
            43..=54 => {
                let id = self.any_job();
                let who = self.rng.pick(&[
                    self.providers[0],
                    self.providers[1],
                    self.signers[0],
                    addr("stranger"),
                ]);
                let used = self.rng.below(600);
                if self
                    .m
                    .call(who, U256::ZERO, |c| c.submit_result(id, used, B256::ZERO))
                    .is_ok()
                {
                    let window = self.model.params.window;
                    let signers = self.model.signers.clone();
                    let job = self.model.job(id).unwrap();
                    assert_eq!(job.status, JobStatus::Funded);
                    assert!(who == job.provider || Some(&who) == signers.get(&job.provider));
                    assert!(now <= job.deadline && used <= job.max_seconds);
                    job.used = used;
                    job.ends_at = now + window;
                    job.status = JobStatus::Submitted;
                }
            }
            55..=61 => {
                let id = self.any_job();
                let who = if self.rng.chance(80) {
                    self.rng.pick(&self.consumers)
                } else {
                    addr("stranger")
                };
                if self.m.call(who, U256::ZERO, |c| c.dispute(id)).is_ok() {
                    let job = self.model.job(id).unwrap();
                    assert!(
                        job.status == JobStatus::Submitted
                            && who == job.consumer
                            && now < job.ends_at
                    );
                    job.status = JobStatus::Disputed;
                }
            }
            62..=67 => {
                let id = self.any_job();
                let who = if self.rng.chance(85) {
                    addr("arbiter")
                } else {
                    addr("owner")
                };
                let pay = self.rng.below(10_050) as u16;
                let slash = self.rng.below(10_050) as u16;
                if self
                    .m
                    .call(who, U256::ZERO, |c| c.resolve_dispute(id, pay, slash))
                    .is_ok()
                {
                    assert_eq!(self.model.job(id).unwrap().status, JobStatus::Disputed);
                    self.model
                        .settle(id, pay, slash, JobStatus::Resolved, fee_recipient);
                }
            }
            68..=74 => {
                let id = self.any_job();
                if self
                    .m
                    .call(addr("stranger"), U256::ZERO, |c| c.finalize(id))
                    .is_ok()
                {
                    let job = self.model.job(id).unwrap();
                    assert!(job.status == JobStatus::Submitted && now >= job.ends_at);
                    self.model
                        .settle(id, 10_000, 0, JobStatus::Finalized, fee_recipient);
                }
            }
            75..=80 => {
                let id = self.any_job();
                if self
                    .m
                    .call(addr("stranger"), U256::ZERO, |c| c.cancel_expired(id))
                    .is_ok()
                {
                    let job = self.model.job(id).unwrap();
                    assert!(job.status == JobStatus::Funded && now > job.deadline);
                    let slash = self.model.params.no_show_bps;
                    self.model
                        .settle(id, 0, slash, JobStatus::Expired, fee_recipient);
                }
            }
            81..=88 => {
                let who = self.rng.pick(&self.everyone.clone());
                self.withdraw(who);
            }
            89..=96 => self.m.advance(self.rng.below(2_000)),
            97 => {
                let paused = self.rng.chance(50);
                let r = self.m.call(addr("owner"), U256::ZERO, |c| {
                    if paused {
                        c.pause()
                    } else {
                        c.unpause()
                    }
                });
                r.unwrap();
                self.model.paused = paused;
            }
            _ => {
                let p = &mut self.model.params;
                p.fee_bps = self.rng.below(1_001) as u16;
                p.collateral_bps = self.rng.below(10_001) as u16;
                p.no_show_bps = self.rng.below(10_001) as u16;
                p.window = 1 + self.rng.below(3_000);
                let p = *p;
                self.m
                    .call(addr("owner"), U256::ZERO, |c| {
                        c.set_params(
                            p.fee_bps,
                            p.min_stake,
                            p.cooldown,
                            p.window,
                            p.grace,
                            p.collateral_bps,
                            p.no_show_bps,
                        )
                    })
                    .unwrap();
            }
        }
    }

    fn fund(&mut self, now: u64) {
        let i = self.rng.below(2) as usize;
        let provider = self.providers[i];
        let consumer = self.rng.pick(&self.consumers);
        let id = if !self.model.jobs.is_empty() && self.rng.chance(5) {
            self.model.jobs[0].0
        } else {
            self.next_job += 1;
            job_id(&format!("{}-{}", self.seed, self.next_job))
        };
        let rate = wei(1 + self.rng.below(20));
        let max_seconds = 1 + self.rng.below(500);
        let expires_at = now + self.rng.below(120) - 20;
        let q = Quote {
            jobId: id,
            consumer,
            provider,
            ratePerSecond: rate,
            maxSeconds: max_seconds,
            expiresAt: expires_at,
        };
        // A fake but well-formed signature; the precompile mock answers for it
        // with the registered signer, or with a stranger for a forged quote.
        let digest = reference_digest(&q, CHAIN_ID, MARKET);
        let mut sig = [0u8; 65];
        sig[..32].copy_from_slice(keccak256(digest).as_slice());
        sig[63] = 1;
        sig[64] = 27;
        let honest = self.rng.chance(92);
        let recovered = if honest {
            self.signers[i]
        } else {
            addr("stranger")
        };
        self.m
            .host
            .answer_ecrecover(ecrecover_input(digest, &sig), recovered);
        let escrow = rate * U256::from(max_seconds);
        let value = if self.rng.chance(95) {
            escrow
        } else {
            escrow + wei(1)
        };
        let result = self.m.call(consumer, value, |c| {
            c.fund_job(
                id,
                provider,
                rate,
                max_seconds,
                expires_at,
                sig.to_vec().into(),
            )
        });
        let p = self.model.params;
        let pos = self
            .model
            .positions
            .get(&provider)
            .copied()
            .unwrap_or_default();
        let collateral = bps(escrow, p.collateral_bps);
        let should_pass = !self.model.paused
            && self.model.job(id).is_none()
            && value == escrow
            && now <= expires_at
            && self.model.signers.get(&provider) == Some(&recovered)
            && pos.stake - pos.pending >= p.min_stake
            && collateral <= pos.stake - pos.pending - pos.locked;
        assert_eq!(result.is_ok(), should_pass, "fund {result:?}");
        if should_pass {
            self.model.positions.get_mut(&provider).unwrap().locked += collateral;
            let job = ModelJob {
                consumer,
                provider,
                rate,
                max_seconds,
                escrow,
                collateral,
                fee_bps: p.fee_bps,
                deadline: now + max_seconds + p.grace,
                used: 0,
                ends_at: 0,
                status: JobStatus::Funded,
            };
            self.model.jobs.push((id, job));
        }
    }

    fn withdraw(&mut self, who: Address) {
        let owed = self.model.owed.get(&who).copied().unwrap_or_default();
        let paid_before = self.m.paid.get(&who).copied().unwrap_or_default();
        let r = self.m.call(who, U256::ZERO, |c| c.withdraw());
        assert_eq!(r.is_ok(), !owed.is_zero());
        if r.is_ok() {
            assert_eq!(
                self.m.paid[&who] - paid_before,
                owed,
                "withdrew other than owed"
            );
            self.model.owed.insert(who, U256::ZERO);
        }
    }

    /// Checks the contract against the model and the money invariant.
    fn check(&self) {
        let mut held = U256::ZERO;
        for who in &self.everyone {
            let view = self.m.c.provider(*who);
            let pos = self.model.positions.get(who).copied().unwrap_or_default();
            assert_eq!(
                (view.0, view.1, view.2),
                (pos.stake, pos.locked, pos.pending),
                "position of {who}"
            );
            assert!(view.1 + view.2 <= view.0);
            let owed = self.model.owed.get(who).copied().unwrap_or_default();
            assert_eq!(self.m.c.withdrawable(*who), owed, "balance of {who}");
            held += view.0 + owed;
        }
        for (id, job) in &self.model.jobs {
            let view = self.m.c.job(*id);
            assert_eq!(view.13, job.status as u8);
            assert_eq!(
                (view.4, view.5, view.8),
                (job.escrow, job.collateral, job.used)
            );
            if matches!(
                job.status,
                JobStatus::Funded | JobStatus::Submitted | JobStatus::Disputed
            ) {
                held += job.escrow;
            }
        }
        assert_eq!(
            self.m.balance, held,
            "contract balance != stake + open escrow + withdrawable"
        );
    }

    /// Settles every job and withdraws every wei: nothing may stay stranded.
    fn drain(&mut self) {
        let owner = addr("owner");
        self.m.call(owner, U256::ZERO, |c| c.unpause()).unwrap();
        self.m.advance(10_000_000);
        let fee_recipient = addr("feeRecipient");
        for (id, job) in self.model.jobs.clone() {
            match job.status {
                JobStatus::Funded => {
                    self.m
                        .call(owner, U256::ZERO, |c| c.cancel_expired(id))
                        .unwrap();
                    let slash = self.model.params.no_show_bps;
                    self.model
                        .settle(id, 0, slash, JobStatus::Expired, fee_recipient);
                }
                JobStatus::Submitted => {
                    self.m.call(owner, U256::ZERO, |c| c.finalize(id)).unwrap();
                    self.model
                        .settle(id, 10_000, 0, JobStatus::Finalized, fee_recipient);
                }
                JobStatus::Disputed => {
                    let (pay, slash) =
                        (self.rng.below(10_001) as u16, self.rng.below(10_001) as u16);
                    self.m
                        .call(addr("arbiter"), U256::ZERO, |c| {
                            c.resolve_dispute(id, pay, slash)
                        })
                        .unwrap();
                    self.model
                        .settle(id, pay, slash, JobStatus::Resolved, fee_recipient);
                }
                _ => {}
            }
            self.check();
        }
        for p in self.providers {
            let free = self.m.c.provider(p).5;
            if !free.is_zero() {
                self.m
                    .call(p, U256::ZERO, |c| c.request_unstake(free))
                    .unwrap();
            }
        }
        self.m.advance(self.model.params.cooldown);
        for p in self.providers {
            if !self.m.c.provider(p).2.is_zero() {
                self.m.call(p, U256::ZERO, |c| c.withdraw_stake()).unwrap();
            }
            let pos = self.model.positions.entry(p).or_default();
            *pos = Position::default();
        }
        for who in self.everyone.clone() {
            if !self
                .model
                .owed
                .get(&who)
                .copied()
                .unwrap_or_default()
                .is_zero()
            {
                self.withdraw(who);
            }
        }
        self.check();
        assert_eq!(self.m.balance, U256::ZERO, "funds stranded");
    }
}

fn run_seed(seed: u64) {
    let mut f = Fuzz::new(seed);
    for _ in 0..OPS_PER_SEQUENCE {
        f.step();
        f.m.events();
        f.check();
    }
    f.drain();
}

#[test]
fn money_is_conserved_over_random_sequences() {
    if let Ok(seed) = std::env::var("INVARIANT_SEED") {
        run_seed(seed.parse().expect("INVARIANT_SEED is a u64"));
        return;
    }
    let sequences: u64 = std::env::var("INVARIANT_SEQUENCES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    // Sequences are independent: split the seeds over the available cores.
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4) as u64;
    std::thread::scope(|scope| {
        for worker in 0..workers {
            scope.spawn(move || {
                for seed in (worker..sequences).step_by(workers as usize) {
                    let outcome = std::panic::catch_unwind(|| run_seed(seed));
                    assert!(
                        outcome.is_ok(),
                        "sequence failed; replay with INVARIANT_SEED={seed}"
                    );
                }
            });
        }
    });
    println!("invariant: {sequences} sequences x {OPS_PER_SEQUENCE} operations passed");
}
