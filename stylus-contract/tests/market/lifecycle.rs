//! The v2 protocol paths: consumer-scoped job ids, the start acknowledgement and
//! the early no-show, `maxJobSeconds`, the dispute timeout, and job terms fixed
//! at funding.

use crate::common::*;

#[test]
fn nobody_can_squat_a_consumers_job_id() {
    let mut m = staked_market(10_000);
    // The attacker runs its own provider and signer, and front-runs the victim's
    // funding with the victim's job id for 1 wei.
    let attacker = addr("attacker");
    m.stake(attacker, 10_000).unwrap();
    m.set_signer(attacker, addr("attacker-signer"));
    let victim = quote("victim", 3, 1_000);
    let squat = Quote {
        consumer: attacker,
        provider: attacker,
        ratePerSecond: wei(1),
        maxSeconds: 1,
        ..victim.clone()
    };
    let sig = m.sign(&key("attacker-signer"), &squat);
    assert_error(
        m.fund_as(attacker, &squat, sig, wei(1)),
        InvalidJobId {
            jobId: victim.jobId,
        },
    );
    // Ids of its own are fine and live in the attacker's space.
    let own = Quote {
        jobId: job_id_of(attacker, "victim"),
        ..squat.clone()
    };
    let sig = m.sign(&key("attacker-signer"), &own);
    m.fund_signed(&own, sig, wei(1)).unwrap();
    // The victim's valid quote still funds.
    m.fund(&victim).unwrap();
    assert_eq!(m.c.job(victim.jobId).0, victim.consumer);
    assert_eq!(m.c.job(own.jobId).0, attacker);
}

#[test]
fn acknowledge_start_by_provider_or_signer_only() {
    let mut m = staked_market(10_000);
    let (a, b) = (quote("a", 1, 100), quote("b", 1, 100));
    m.fund(&a).unwrap();
    m.fund(&b).unwrap();
    m.events();
    for who in [addr("stranger"), addr("consumer")] {
        assert_error(
            m.start(who, a.jobId),
            NotJobProvider {
                jobId: a.jobId,
                caller: who,
            },
        );
    }
    m.advance(5);
    m.start(addr("provider"), a.jobId).unwrap();
    m.start(addr("signer"), b.jobId).unwrap();
    assert_eq!(
        m.events(),
        vec![
            Ev::JobStarted(JobStarted {
                jobId: a.jobId,
                provider: addr("provider"),
            }),
            Ev::JobStarted(JobStarted {
                jobId: b.jobId,
                provider: addr("provider"),
            }),
        ]
    );
    let job = m.c.job(a.jobId);
    assert_eq!((job.9, job.19), (T0 + 5, JobStatus::Running as u8));
    assert_error(
        m.start(addr("provider"), a.jobId),
        InvalidJobStatus {
            jobId: a.jobId,
            status: JobStatus::Running as u8,
        },
    );
}

#[test]
fn a_revoked_signer_matches_nobody() {
    let mut m = staked_market(10_000);
    let q = quote("a", 1, 100);
    m.fund(&q).unwrap();
    m.set_signer(addr("provider"), Address::ZERO);
    // The zero address equals the unset signer field: it must not pass as one.
    for who in [Address::ZERO, addr("signer")] {
        assert_revert(m.start(who, q.jobId), "NotJobProvider");
    }
    m.start(addr("provider"), q.jobId).unwrap();
    assert_revert(
        m.submit(Address::ZERO, q.jobId, 1, B256::ZERO),
        "NotJobProvider",
    );
}

#[test]
fn an_unacknowledged_job_is_refunded_right_after_the_start_grace() {
    let mut m = staked_market(100_000);
    // A long job: without the acknowledgement the consumer would wait a day.
    let q = quote("long", 1, MAX_JOB); // escrow 86 400, collateral 43 200
    m.fund(&q).unwrap();
    m.events();
    m.advance(GRACE);
    let consumer = addr("consumer");
    assert_error(
        m.call(consumer, U256::ZERO, |c| c.cancel_expired(q.jobId)),
        DeadlineNotReached {
            deadline: T0 + GRACE,
        },
    );
    m.advance(1);
    assert_error(
        m.start(addr("provider"), q.jobId),
        DeadlinePassed {
            deadline: T0 + GRACE,
        },
    );
    m.call(addr("stranger"), U256::ZERO, |c| c.cancel_expired(q.jobId))
        .unwrap();
    assert_eq!(
        m.events(),
        vec![Ev::JobExpired(JobExpired {
            jobId: q.jobId,
            consumerRefund: wei(86_400),
            slashed: wei(21_600),
        })]
    );
    assert_eq!(m.c.withdrawable(consumer), wei(108_000));
    assert_eq!(m.provider(addr("provider")).0, wei(100_000 - 21_600));
    assert_eq!(m.status(q.jobId), JobStatus::Expired as u8);
}

#[test]
fn the_start_can_be_acknowledged_up_to_the_start_deadline() {
    let mut m = staked_market(10_000);
    let q = quote("a", 1, 100);
    m.fund(&q).unwrap();
    m.advance(GRACE);
    m.start(addr("signer"), q.jobId).unwrap();
}

#[test]
fn an_acknowledged_job_keeps_its_full_deadline() {
    let mut m = staked_market(10_000);
    let q = quote("a", 2, 1_000);
    running(&mut m, &q);
    let deadline = T0 + GRACE + 1_000;
    m.advance(GRACE + 1);
    assert_error(
        m.call(addr("stranger"), U256::ZERO, |c| c.cancel_expired(q.jobId)),
        DeadlineNotReached { deadline },
    );
    m.advance(999);
    assert_eq!(m.now(), deadline);
    assert_error(
        m.call(addr("stranger"), U256::ZERO, |c| c.cancel_expired(q.jobId)),
        DeadlineNotReached { deadline },
    );
    // One second after the deadline the job is a no-show: no result is taken
    // and anyone can cancel it.
    m.advance(1);
    assert_error(
        m.submit(addr("provider"), q.jobId, 1, B256::ZERO),
        DeadlinePassed { deadline },
    );
    m.call(addr("stranger"), U256::ZERO, |c| c.cancel_expired(q.jobId))
        .unwrap();
    assert_eq!(m.c.withdrawable(q.consumer), wei(2_000 + 500));
}

#[test]
fn max_job_seconds_caps_a_quote() {
    let mut m = staked_market(1_000_000);
    assert_error(
        m.fund(&quote("long", 1, MAX_JOB + 1)),
        JobTooLong {
            maxSeconds: MAX_JOB + 1,
            maxJobSeconds: MAX_JOB,
        },
    );
    m.fund(&quote("max", 1, MAX_JOB)).unwrap();
    // Every deadline is a plain sum: nothing saturates, even at u64::MAX.
    assert_revert(m.fund(&quote("huge", 1, u64::MAX)), "JobTooLong");
}

/// A market with job "d" (rate 10, max 1 000: escrow 10 000, collateral 5 000)
/// run for 600 s and disputed at T0 + 200.
fn disputed() -> (Market, Quote) {
    let mut m = staked_market(20_000);
    let q = quote("d", 10, 1_000);
    running(&mut m, &q);
    m.advance(100);
    m.submit(addr("signer"), q.jobId, 600, keccak256("out"))
        .unwrap();
    m.advance(100);
    m.call(q.consumer, U256::ZERO, |c| c.dispute(q.jobId))
        .unwrap();
    m.events();
    (m, q)
}

#[test]
fn an_unresolved_dispute_settles_with_the_default_split_after_the_timeout() {
    let (mut m, q) = disputed();
    let ends_at = T0 + 200 + DISPUTE_TIMEOUT;
    assert_eq!(
        (m.c.job(q.jobId).14, m.c.job(q.jobId).15),
        (T0 + 200, ends_at)
    );
    m.advance(DISPUTE_TIMEOUT - 1);
    assert_error(
        m.call(addr("stranger"), U256::ZERO, |c| c.settle_dispute(q.jobId)),
        DeadlineNotReached { deadline: ends_at },
    );
    m.advance(1);
    m.call(addr("stranger"), U256::ZERO, |c| c.settle_dispute(q.jobId))
        .unwrap();
    // cost 6 000; default 40 %: gross 2 400, fee 60, provider 2 340; consumer
    // 10 000 - 2 400 = 7 600; no slash.
    assert_eq!(
        m.events(),
        vec![Ev::DisputeResolved(DisputeResolved {
            jobId: q.jobId,
            providerPayBps: DISPUTE_PAY_BPS,
            slashBps: 0,
            providerAmount: wei(2_340),
            consumerAmount: wei(7_600),
            fee: wei(60),
            slashed: U256::ZERO,
            timedOut: true,
        })]
    );
    assert_eq!(m.c.withdrawable(q.provider), wei(2_340));
    assert_eq!(m.c.withdrawable(q.consumer), wei(7_600));
    assert_eq!(m.provider(q.provider).0, wei(20_000), "no slash");
    assert_eq!(m.provider(q.provider).1, U256::ZERO, "collateral unlocked");
    assert_eq!(m.status(q.jobId), JobStatus::Resolved as u8);
    // Settled once: the arbiter comes too late.
    assert_revert(
        m.call(addr("arbiter"), U256::ZERO, |c| {
            c.resolve_dispute(q.jobId, 0, 10_000)
        }),
        "InvalidJobStatus",
    );
}

#[test]
fn the_arbiter_may_still_resolve_after_the_timeout_until_someone_settles() {
    let (mut m, q) = disputed();
    m.advance(DISPUTE_TIMEOUT * 2);
    m.call(addr("arbiter"), U256::ZERO, |c| {
        c.resolve_dispute(q.jobId, 10_000, 0)
    })
    .unwrap();
    assert_revert(
        m.call(addr("stranger"), U256::ZERO, |c| c.settle_dispute(q.jobId)),
        "InvalidJobStatus",
    );
    assert_eq!(m.c.withdrawable(q.provider), wei(5_850));
}

#[test]
fn settle_dispute_needs_a_dispute() {
    let mut m = staked_market(20_000);
    let q = quote("a", 1, 10);
    running(&mut m, &q);
    m.advance(1_000_000);
    assert_error(
        m.call(addr("stranger"), U256::ZERO, |c| c.settle_dispute(q.jobId)),
        InvalidJobStatus {
            jobId: q.jobId,
            status: JobStatus::Running as u8,
        },
    );
}

#[test]
fn parameters_that_move_a_jobs_money_or_deadlines_are_fixed_at_funding() {
    let mut m = staked_market(100_000);
    let (noshow, disputed) = (quote("noshow", 10, 1_000), quote("disputed", 10, 1_000));
    m.fund(&noshow).unwrap();
    running(&mut m, &disputed);
    // Everything changes after funding.
    let changed = Params {
        fee_bps: 1_000,
        window: WINDOW * 10,
        grace: GRACE * 10,
        dispute_timeout: DISPUTE_TIMEOUT * 10,
        no_show_bps: 10_000,
        dispute_pay_bps: 10_000,
        ..Params::default()
    };
    m.set_params(addr("owner"), changed).unwrap();
    // The no-show keeps its start grace and its slash rate (50 % of 5 000).
    m.advance(GRACE + 1);
    m.call(addr("stranger"), U256::ZERO, |c| {
        c.cancel_expired(noshow.jobId)
    })
    .unwrap();
    assert_eq!(m.c.withdrawable(noshow.consumer), wei(10_000 + 2_500));
    // The disputed job keeps its window, its dispute timeout, its default split
    // (40 %) and its fee (2.5 %).
    m.submit(addr("signer"), disputed.jobId, 1_000, B256::ZERO)
        .unwrap();
    let view = m.c.job(disputed.jobId);
    assert_eq!(view.13, m.now() + WINDOW);
    assert_eq!(
        (view.16, view.17, view.18),
        (FEE_BPS, NO_SHOW_BPS, DISPUTE_PAY_BPS)
    );
    m.call(disputed.consumer, U256::ZERO, |c| c.dispute(disputed.jobId))
        .unwrap();
    m.advance(DISPUTE_TIMEOUT);
    m.call(addr("stranger"), U256::ZERO, |c| {
        c.settle_dispute(disputed.jobId)
    })
    .unwrap();
    // gross 40 % of 10 000 = 4 000, fee 100.
    assert_eq!(m.c.withdrawable(disputed.provider), wei(3_900));
    assert_eq!(m.c.withdrawable(addr("feeRecipient")), wei(100));
    // A job funded now takes the new terms.
    let later = Quote {
        expiresAt: m.now(),
        ..quote("later", 1, 10)
    };
    m.fund(&later).unwrap();
    let view = m.c.job(later.jobId);
    assert_eq!(
        (view.7, view.16, view.17),
        (m.now() + GRACE * 10, 1_000, 10_000)
    );
}

#[test]
fn errors_are_encoded_like_solidity_custom_errors() {
    let mut m = Market::new();
    let stranger = addr("stranger");
    // Through the router the revert data is these bytes (see dispatch.rs); here
    // the encoding itself: selector, then each argument as a word.
    let r = m.call(stranger, U256::ZERO, |c| c.pause());
    assert_error(r, NotOwner { caller: stranger });
    let r = m.call(stranger, U256::ZERO, |c| c.request_unstake(wei(5)));
    assert_error(
        r,
        InsufficientFreeStake {
            available: U256::ZERO,
            required: wei(5),
        },
    );
    let huge = U256::MAX;
    let r = m.call(stranger, U256::ZERO, |c| c.request_unstake(huge));
    assert_error(
        r,
        InsufficientFreeStake {
            available: U256::ZERO,
            required: huge,
        },
    );
    let q = quote("a", 3, 10);
    let r = m.fund_with(&q, &key("signer"), wei(29));
    assert_error(
        r,
        WrongValue {
            expected: wei(30),
            actual: wei(29),
        },
    );
}
