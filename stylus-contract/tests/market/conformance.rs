//! One scenario through the TestVM, recorded as test-vectors/conformance.json so
//! the embedded devnet can replay it over JSON-RPC against the real WASM and
//! compare events, reverts and balances. The test fails when the committed file
//! differs from what the VM produces; `UPDATE_VECTORS=1` rewrites it.
//! The format is described in test-vectors/README.md.

use crate::common::*;
use serde_json::{json, Map, Value};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/conformance.json");
const NAMES: [&str; 7] = [
    "owner",
    "arbiter",
    "feeRecipient",
    "provider",
    "signer",
    "consumer",
    "stranger",
];
/// 2100-01-01: valid on any chain running today.
const FAR_EXPIRY: u64 = 4_102_444_800;
const ETHER: u64 = 1_000_000_000_000_000_000;

fn params() -> Params {
    Params {
        fee_bps: 250,
        min_stake: wei(ETHER / 10),
        cooldown: 86_400,
        window: 3_600,
        grace: 600,
        max_job: 86_400,
        dispute_timeout: 7_200,
        collateral_bps: 1_000,
        no_show_bps: 5_000,
        dispute_pay_bps: 5_000,
    }
}

struct Recorder {
    m: Market,
    steps: Vec<Value>,
}

struct Call<'a> {
    from: &'a str,
    call: &'a str,
    args: Vec<String>,
    value: U256,
    advance: u64,
    quote: Option<Value>,
}

impl<'a> Call<'a> {
    fn new(from: &'a str, call: &'a str, args: &[String]) -> Self {
        Self {
            from,
            call,
            args: args.to_vec(),
            value: U256::ZERO,
            advance: 0,
            quote: None,
        }
    }
    fn value(mut self, v: U256) -> Self {
        self.value = v;
        self
    }
    fn after(mut self, seconds: u64) -> Self {
        self.advance = seconds;
        self
    }
}

impl Recorder {
    fn run(
        &mut self,
        c: Call<'_>,
        f: impl FnOnce(&mut ComputeMarket) -> Result<(), MarketError>,
    ) -> Option<String> {
        self.m.advance(c.advance);
        let result = self.m.call(addr(c.from), c.value, f);
        let events: Vec<Value> = self.m.events().iter().map(Ev::to_json).collect();
        let revert = result.err().map(|e| error_name(&e));
        self.steps.push(json!({
            "from": c.from,
            "call": c.call,
            "args": c.args,
            "value": c.value.to_string(),
            "advanceSeconds": c.advance,
            "quote": c.quote,
            "events": events,
            "revert": revert,
        }));
        revert
    }

    /// A `fundJob` step from the consumer; `signed_by` names the key whose
    /// signature the caller sends.
    #[allow(clippy::too_many_arguments)]
    fn fund(
        &mut self,
        label: &str,
        rate: u64,
        max_seconds: u64,
        expiry: u64,
        signed_by: &str,
        value: U256,
        advance: u64,
    ) -> Option<String> {
        self.fund_from(
            "consumer",
            label,
            rate,
            max_seconds,
            expiry,
            signed_by,
            value,
            advance,
        )
    }

    /// A `fundJob` step for the consumer's quote `label`, sent by `from`.
    #[allow(clippy::too_many_arguments)]
    fn fund_from(
        &mut self,
        from: &str,
        label: &str,
        rate: u64,
        max_seconds: u64,
        expiry: u64,
        signed_by: &str,
        value: U256,
        advance: u64,
    ) -> Option<String> {
        let q = Quote {
            jobId: job_id(label),
            consumer: addr("consumer"),
            provider: addr("provider"),
            ratePerSecond: wei(rate),
            maxSeconds: max_seconds,
            expiresAt: expiry,
        };
        let sig = self.m.sign(&key(signed_by), &q);
        let args = [
            q.jobId.json(),
            q.provider.json(),
            rate.to_string(),
            max_seconds.to_string(),
            expiry.to_string(),
        ];
        let mut call = Call::new(from, "fundJob", &args).value(value);
        call.args.push("$r".into());
        call.args.push("$yParityAndS".into());
        call.quote = Some(json!({
            "jobId": q.jobId.json(),
            "consumer": "consumer",
            "provider": "provider",
            "ratePerSecond": rate.to_string(),
            "maxSeconds": max_seconds.to_string(),
            "expiresAt": expiry.to_string(),
            "signedBy": signed_by,
        }));
        call.advance = advance;
        self.run(call, fund_call(&q, sig))
    }

    /// A call that takes only a job id.
    fn job_call(
        &mut self,
        from: &str,
        call: &str,
        label: &str,
        advance: u64,
        f: impl FnOnce(&mut ComputeMarket, B256) -> Result<(), MarketError>,
    ) -> Option<String> {
        let id = job_id(label);
        self.run(Call::new(from, call, &[id.json()]).after(advance), |c| {
            f(c, id)
        })
    }
}

fn scenario() -> Value {
    let p = params();
    let mut r = Recorder {
        m: Market::with_params(p),
        steps: Vec::new(),
    };
    let id = |label: &str| job_id(label).json();
    let provider = addr("provider");

    // Provider joins.
    assert!(r
        .run(Call::new("provider", "stake", &[]).value(wei(ETHER)), |c| c
            .stake())
        .is_none());
    let signer_args = [addr("signer").json()];
    r.run(Call::new("provider", "setSigner", &signer_args), |c| {
        c.set_signer(addr("signer"));
        Ok(())
    });

    // Job "done": a stranger cannot take the consumer's id; funded, started and
    // submitted by the signer, finalized after the window.
    let escrow = wei(1_000_000_000_000 * 3_600);
    assert_eq!(
        r.fund_from(
            "stranger",
            "done",
            1_000_000_000_000,
            3_600,
            FAR_EXPIRY,
            "signer",
            escrow,
            0
        )
        .as_deref(),
        Some("InvalidJobId")
    );
    assert!(r
        .fund(
            "done",
            1_000_000_000_000,
            3_600,
            FAR_EXPIRY,
            "signer",
            escrow,
            0
        )
        .is_none());
    assert_eq!(
        r.fund(
            "done",
            1_000_000_000_000,
            3_600,
            FAR_EXPIRY,
            "signer",
            escrow,
            0
        )
        .as_deref(),
        Some("JobExists")
    );
    assert_eq!(
        r.fund("forged", 1_000, 60, FAR_EXPIRY, "stranger", wei(60_000), 0)
            .as_deref(),
        Some("InvalidSignature")
    );
    assert_eq!(
        r.fund("stale", 1_000, 60, 1, "signer", wei(60_000), 0)
            .as_deref(),
        Some("QuoteExpired")
    );
    assert_eq!(
        r.fund("short", 1_000, 60, FAR_EXPIRY, "signer", wei(59_999), 0)
            .as_deref(),
        Some("WrongValue")
    );
    assert_eq!(
        r.fund("long", 1, 86_401, FAR_EXPIRY, "signer", wei(86_401), 0)
            .as_deref(),
        Some("JobTooLong")
    );
    let not_provider = r.job_call("stranger", "acknowledgeStart", "done", 10, |c, id| {
        c.acknowledge_start(id)
    });
    assert_eq!(not_provider.as_deref(), Some("NotJobProvider"));
    assert!(r
        .job_call("signer", "acknowledgeStart", "done", 0, |c, id| c
            .acknowledge_start(id))
        .is_none());
    let done = job_id("done");
    let result = keccak256("conformance/result/done");
    let submit = [id("done"), "1800".into(), result.json()];
    assert!(r
        .run(
            Call::new("signer", "submitResult", &submit).after(100),
            |c| c.submit_result(done, 1_800, result)
        )
        .is_none());
    let finalize = [id("done")];
    let early = r.run(
        Call::new("stranger", "finalize", &finalize).after(60),
        |c| c.finalize(done),
    );
    assert_eq!(early.as_deref(), Some("ChallengeWindowOpen"));
    assert!(r
        .run(
            Call::new("stranger", "finalize", &finalize).after(4_000),
            |c| c.finalize(done)
        )
        .is_none());
    let twice = r.run(Call::new("stranger", "finalize", &finalize), |c| {
        c.finalize(done)
    });
    assert_eq!(twice.as_deref(), Some("InvalidJobStatus"));

    // Job "noshow": funded, never started, cancelled right after its start
    // deadline (long before the job's own deadline).
    let noshow = job_id("noshow");
    assert!(r
        .fund(
            "noshow",
            2_000_000_000_000,
            600,
            FAR_EXPIRY,
            "signer",
            wei(2_000_000_000_000 * 600),
            0
        )
        .is_none());
    let cancel = [id("noshow")];
    let early = r.run(
        Call::new("stranger", "cancelExpired", &cancel).after(60),
        |c| c.cancel_expired(noshow),
    );
    assert_eq!(early.as_deref(), Some("DeadlineNotReached"));
    assert!(r
        .run(
            Call::new("stranger", "cancelExpired", &cancel).after(600),
            |c| c.cancel_expired(noshow)
        )
        .is_none());

    // Job "disputed": submitted, disputed by the consumer, split by the arbiter.
    let disputed = job_id("disputed");
    assert!(r
        .fund(
            "disputed",
            500_000_000_000,
            1_200,
            FAR_EXPIRY,
            "signer",
            wei(500_000_000_000 * 1_200),
            0
        )
        .is_none());
    assert!(r
        .job_call("provider", "acknowledgeStart", "disputed", 30, |c, id| c
            .acknowledge_start(id))
        .is_none());
    let result = keccak256("conformance/result/disputed");
    let submit = [id("disputed"), "1000".into(), result.json()];
    assert!(r
        .run(
            Call::new("provider", "submitResult", &submit).after(30),
            |c| c.submit_result(disputed, 1_000, result)
        )
        .is_none());
    let dispute = [id("disputed")];
    let stranger = r.run(Call::new("stranger", "dispute", &dispute), |c| {
        c.dispute(disputed)
    });
    assert_eq!(stranger.as_deref(), Some("NotJobConsumer"));
    assert!(r
        .run(Call::new("consumer", "dispute", &dispute).after(30), |c| c
            .dispute(disputed))
        .is_none());
    let resolve = [id("disputed"), "6000".into(), "2500".into()];
    let not_arbiter = r.run(Call::new("owner", "resolveDispute", &resolve), |c| {
        c.resolve_dispute(disputed, 6_000, 2_500)
    });
    assert_eq!(not_arbiter.as_deref(), Some("NotArbiter"));
    assert!(r
        .run(Call::new("arbiter", "resolveDispute", &resolve), |c| c
            .resolve_dispute(disputed, 6_000, 2_500))
        .is_none());

    // Job "timedout": disputed, the arbiter never acts; anyone settles it with
    // the default split once the dispute timeout has passed.
    assert!(r
        .fund(
            "timedout",
            1_000_000_000_000,
            900,
            FAR_EXPIRY,
            "signer",
            wei(1_000_000_000_000 * 900),
            0
        )
        .is_none());
    assert!(r
        .job_call("signer", "acknowledgeStart", "timedout", 10, |c, id| c
            .acknowledge_start(id))
        .is_none());
    let timedout = job_id("timedout");
    let result = keccak256("conformance/result/timedout");
    let submit = [id("timedout"), "800".into(), result.json()];
    assert!(r
        .run(
            Call::new("signer", "submitResult", &submit).after(10),
            |c| c.submit_result(timedout, 800, result)
        )
        .is_none());
    assert!(r
        .job_call("consumer", "dispute", "timedout", 10, |c, id| c.dispute(id))
        .is_none());
    let early = r.job_call("stranger", "settleDispute", "timedout", 600, |c, id| {
        c.settle_dispute(id)
    });
    assert_eq!(early.as_deref(), Some("DeadlineNotReached"));
    assert!(r
        .job_call("stranger", "settleDispute", "timedout", 7_200, |c, id| c
            .settle_dispute(id))
        .is_none());

    // Everyone is paid.
    for who in ["provider", "consumer", "feeRecipient"] {
        assert!(r
            .run(Call::new(who, "withdraw", &[]), |c| c.withdraw())
            .is_none());
    }
    let nothing = r.run(Call::new("stranger", "withdraw", &[]), |c| c.withdraw());
    assert_eq!(nothing.as_deref(), Some("NothingToWithdraw"));

    // The provider leaves with part of its stake; pause does not block it.
    let unstake = [(ETHER / 2).to_string()];
    assert!(r
        .run(Call::new("provider", "requestUnstake", &unstake), |c| c
            .request_unstake(wei(ETHER / 2)))
        .is_none());
    assert!(r
        .run(Call::new("owner", "pause", &[]), |c| c.pause())
        .is_none());
    let paused = r.run(Call::new("provider", "stake", &[]).value(wei(1)), |c| {
        c.stake()
    });
    assert_eq!(paused.as_deref(), Some("EnforcedPause"));
    let early = r.run(
        Call::new("provider", "withdrawStake", &[]).after(3_600),
        |c| c.withdraw_stake(),
    );
    assert_eq!(early.as_deref(), Some("CooldownActive"));
    assert!(r
        .run(
            Call::new("provider", "withdrawStake", &[]).after(86_400),
            |c| c.withdraw_stake()
        )
        .is_none());

    let m = &r.m;
    let mut accounts = Map::new();
    let mut keys = Map::new();
    let mut withdrawable = Map::new();
    let mut paid = Map::new();
    for name in NAMES {
        accounts.insert(name.into(), addr(name).json().into());
        keys.insert(
            name.into(),
            format!("{:#x}", B256::from_slice(&key(name).to_bytes())).into(),
        );
        withdrawable.insert(name.into(), m.c.withdrawable(addr(name)).json().into());
        paid.insert(
            name.into(),
            m.paid
                .get(&addr(name))
                .copied()
                .unwrap_or_default()
                .json()
                .into(),
        );
    }
    let pv = m.c.provider(provider);
    let mut jobs = Map::new();
    for label in ["done", "noshow", "disputed", "timedout"] {
        let j = m.c.job(job_id(label));
        jobs.insert(
            label.into(),
            json!({
                "jobId": job_id(label).json(),
                "status": j.19.to_string(),
                "escrow": j.4.json(),
                "collateral": j.5.json(),
                "usedSeconds": j.10.to_string(),
                "resultHash": j.11.json(),
            }),
        );
    }
    json!({
        "description": "ComputeMarket conformance scenario; see test-vectors/README.md",
        "accounts": accounts,
        "privateKeys": keys,
        "signerPrivateKey": keys["signer"],
        "constructor": {
            "owner": addr("owner").json(),
            "arbiter": addr("arbiter").json(),
            "feeRecipient": addr("feeRecipient").json(),
            "feeBps": p.fee_bps.to_string(),
            "minStake": p.min_stake.to_string(),
            "unstakeCooldown": p.cooldown.to_string(),
            "challengeWindow": p.window.to_string(),
            "startGraceSeconds": p.grace.to_string(),
            "maxJobSeconds": p.max_job.to_string(),
            "disputeTimeout": p.dispute_timeout.to_string(),
            "collateralBps": p.collateral_bps.to_string(),
            "noShowSlashBps": p.no_show_bps.to_string(),
            "disputeDefaultPayBps": p.dispute_pay_bps.to_string(),
        },
        "steps": r.steps,
        "final": {
            "withdrawable": withdrawable,
            "paid": paid,
            "providers": {
                "provider": {
                    "stake": pv.0.json(),
                    "locked": pv.1.json(),
                    "pendingUnstake": pv.2.json(),
                    "signer": pv.4.json(),
                    "freeStake": pv.5.json(),
                }
            },
            "jobs": jobs,
            "contractBalance": m.balance.json(),
        }
    })
}

#[test]
fn conformance_scenario_matches_the_committed_vectors() {
    let produced = format!("{}\n", serde_json::to_string_pretty(&scenario()).unwrap());
    if std::env::var("UPDATE_VECTORS").as_deref() == Ok("1") {
        std::fs::write(PATH, &produced).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        committed == produced,
        "test-vectors/conformance.json differs from the TestVM run; rerun with UPDATE_VECTORS=1 and review the diff"
    );
}

#[test]
fn conformance_scenario_conserves_money() {
    let v = scenario();
    let f = &v["final"];
    let balance: U256 = f["contractBalance"].as_str().unwrap().parse().unwrap();
    let stake: U256 = f["providers"]["provider"]["stake"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let owed = f["withdrawable"]
        .as_object()
        .unwrap()
        .values()
        .map(|x| x.as_str().unwrap().parse::<U256>().unwrap())
        .fold(U256::ZERO, |a, b| a + b);
    assert_eq!(
        balance,
        stake + owed,
        "all jobs are settled, so balance = stake + withdrawable"
    );
}
