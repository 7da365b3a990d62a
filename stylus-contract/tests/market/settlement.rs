use crate::common::*;

/// A market with job "a" (rate 10, max 1 000: escrow 10 000, collateral 5 000)
/// submitted with `used` seconds at T0 + 100.
fn submitted(used: u64) -> (Market, Quote) {
    let mut m = staked_market(20_000);
    let q = quote("a", 10, 1_000);
    running(&mut m, &q);
    m.advance(100);
    m.submit(addr("signer"), q.jobId, used, keccak256("out"))
        .unwrap();
    m.events();
    (m, q)
}

#[test]
fn finalize_pays_used_seconds_fee_and_refund() {
    let (mut m, q) = submitted(600);
    m.advance(WINDOW);
    m.call(addr("stranger"), U256::ZERO, |c| c.finalize(q.jobId))
        .unwrap();
    // cost 6 000, fee 2.5 % = 150, provider 5 850, refund 4 000.
    assert_eq!(
        m.events(),
        vec![Ev::JobFinalized(JobFinalized {
            jobId: q.jobId,
            providerAmount: wei(5_850),
            fee: wei(150),
            consumerRefund: wei(4_000),
        })]
    );
    assert_eq!(m.c.withdrawable(q.provider), wei(5_850));
    assert_eq!(m.c.withdrawable(addr("feeRecipient")), wei(150));
    assert_eq!(m.c.withdrawable(q.consumer), wei(4_000));
    assert_eq!(m.provider(q.provider).1, U256::ZERO, "collateral unlocked");
    assert_eq!(m.status(q.jobId), JobStatus::Finalized as u8);
}

#[test]
fn finalize_before_the_window_ends_reverts() {
    let (mut m, q) = submitted(600);
    m.advance(WINDOW - 1);
    assert_revert(
        m.call(addr("stranger"), U256::ZERO, |c| c.finalize(q.jobId)),
        "ChallengeWindowOpen",
    );
}

#[test]
fn finalize_twice_reverts() {
    let (mut m, q) = submitted(600);
    m.advance(WINDOW);
    m.call(addr("stranger"), U256::ZERO, |c| c.finalize(q.jobId))
        .unwrap();
    assert_revert(
        m.call(addr("stranger"), U256::ZERO, |c| c.finalize(q.jobId)),
        "InvalidJobStatus",
    );
}

#[test]
fn finalize_of_a_funded_job_reverts() {
    let mut m = staked_market(20_000);
    let q = quote("a", 1, 10);
    m.fund(&q).unwrap();
    m.advance(1_000_000);
    assert_revert(
        m.call(addr("stranger"), U256::ZERO, |c| c.finalize(q.jobId)),
        "InvalidJobStatus",
    );
}

#[test]
fn dispute_inside_the_window_blocks_finalize() {
    let (mut m, q) = submitted(600);
    m.advance(WINDOW - 1);
    m.call(q.consumer, U256::ZERO, |c| c.dispute(q.jobId))
        .unwrap();
    assert_eq!(
        m.events(),
        vec![Ev::JobDisputed(JobDisputed {
            jobId: q.jobId,
            consumer: q.consumer
        })]
    );
    m.advance(10 * WINDOW);
    assert_revert(
        m.call(addr("stranger"), U256::ZERO, |c| c.finalize(q.jobId)),
        "InvalidJobStatus",
    );
    assert_revert(
        m.call(q.consumer, U256::ZERO, |c| c.dispute(q.jobId)),
        "InvalidJobStatus",
    );
}

#[test]
fn dispute_after_the_window_reverts() {
    let (mut m, q) = submitted(600);
    m.advance(WINDOW);
    assert_revert(
        m.call(q.consumer, U256::ZERO, |c| c.dispute(q.jobId)),
        "ChallengeWindowClosed",
    );
}

#[test]
fn dispute_by_a_stranger_reverts() {
    let (mut m, q) = submitted(600);
    for who in [addr("stranger"), addr("provider"), addr("arbiter")] {
        assert_revert(
            m.call(who, U256::ZERO, |c| c.dispute(q.jobId)),
            "NotJobConsumer",
        );
    }
}

#[test]
fn resolve_dispute_splits_escrow_and_slashes() {
    let (mut m, q) = submitted(600);
    m.call(q.consumer, U256::ZERO, |c| c.dispute(q.jobId))
        .unwrap();
    m.events();
    m.call(addr("arbiter"), U256::ZERO, |c| {
        c.resolve_dispute(q.jobId, 5_000, 2_000)
    })
    .unwrap();
    // cost 6 000; provider gross 3 000, fee 75, provider 2 925; refund 7 000;
    // slash 20 % of 5 000 collateral = 1 000 to the consumer.
    assert_eq!(
        m.events(),
        vec![Ev::DisputeResolved(DisputeResolved {
            jobId: q.jobId,
            providerPayBps: 5_000,
            slashBps: 2_000,
            providerAmount: wei(2_925),
            consumerAmount: wei(8_000),
            fee: wei(75),
            slashed: wei(1_000),
            timedOut: false,
        })]
    );
    assert_eq!(m.c.withdrawable(q.provider), wei(2_925));
    assert_eq!(m.c.withdrawable(q.consumer), wei(8_000));
    assert_eq!(m.c.withdrawable(addr("feeRecipient")), wei(75));
    assert_eq!(m.provider(q.provider).0, wei(19_000));
    assert_eq!(m.provider(q.provider).1, U256::ZERO);
    assert_eq!(m.status(q.jobId), JobStatus::Resolved as u8);
}

#[test]
fn resolve_by_a_non_arbiter_reverts() {
    let (mut m, q) = submitted(600);
    m.call(q.consumer, U256::ZERO, |c| c.dispute(q.jobId))
        .unwrap();
    for who in [addr("owner"), addr("consumer"), addr("provider")] {
        assert_revert(
            m.call(who, U256::ZERO, |c| c.resolve_dispute(q.jobId, 0, 0)),
            "NotArbiter",
        );
    }
}

#[test]
fn resolve_with_bad_bps_or_undisputed_job_reverts() {
    let (mut m, q) = submitted(600);
    let arbiter = addr("arbiter");
    assert_revert(
        m.call(arbiter, U256::ZERO, |c| c.resolve_dispute(q.jobId, 0, 0)),
        "InvalidJobStatus",
    );
    m.call(q.consumer, U256::ZERO, |c| c.dispute(q.jobId))
        .unwrap();
    assert_revert(
        m.call(arbiter, U256::ZERO, |c| {
            c.resolve_dispute(q.jobId, 10_001, 0)
        }),
        "InvalidBps",
    );
    assert_revert(
        m.call(arbiter, U256::ZERO, |c| {
            c.resolve_dispute(q.jobId, 0, 10_001)
        }),
        "InvalidBps",
    );
}

#[test]
fn withdraw_pays_the_whole_balance_once() {
    let (mut m, q) = submitted(1_000);
    m.advance(WINDOW);
    m.call(addr("stranger"), U256::ZERO, |c| c.finalize(q.jobId))
        .unwrap();
    m.events();
    let p = q.provider;
    m.call(p, U256::ZERO, |c| c.withdraw()).unwrap();
    assert_eq!(
        m.events(),
        vec![Ev::Withdrawn(Withdrawn {
            account: p,
            amount: wei(9_750)
        })]
    );
    assert_eq!(m.paid[&p], wei(9_750));
    assert_eq!(m.c.withdrawable(p), U256::ZERO);
    assert_revert(m.call(p, U256::ZERO, |c| c.withdraw()), "NothingToWithdraw");
}

#[test]
fn withdraw_of_nothing_reverts() {
    let mut m = Market::new();
    assert_revert(
        m.call(addr("stranger"), U256::ZERO, |c| c.withdraw()),
        "NothingToWithdraw",
    );
}

#[test]
fn withdraw_works_while_paused_and_refused_transfer_reverts() {
    let (mut m, q) = submitted(1_000);
    m.advance(WINDOW);
    m.call(addr("owner"), U256::ZERO, |c| c.pause()).unwrap();
    m.call(addr("stranger"), U256::ZERO, |c| c.finalize(q.jobId))
        .unwrap();
    let fee_recipient = addr("feeRecipient");
    m.host.refuse_eth(fee_recipient, true);
    assert_revert(
        m.call(fee_recipient, U256::ZERO, |c| c.withdraw()),
        "TransferFailed",
    );
    assert_eq!(m.c.withdrawable(fee_recipient), wei(250), "rolled back");
    m.host.refuse_eth(fee_recipient, false);
    m.call(fee_recipient, U256::ZERO, |c| c.withdraw()).unwrap();
    assert_eq!(m.paid[&fee_recipient], wei(250));
}

#[test]
fn dispute_and_finalize_work_while_paused() {
    let (mut m, q) = submitted(10);
    m.call(addr("owner"), U256::ZERO, |c| c.pause()).unwrap();
    m.call(q.consumer, U256::ZERO, |c| c.dispute(q.jobId))
        .unwrap();
    m.call(addr("arbiter"), U256::ZERO, |c| {
        c.resolve_dispute(q.jobId, 10_000, 0)
    })
    .unwrap();
    let q2 = quote("late", 1, 10);
    m.call(addr("owner"), U256::ZERO, |c| c.unpause()).unwrap();
    m.fund(&q2).unwrap();
    m.call(addr("owner"), U256::ZERO, |c| c.pause()).unwrap();
    m.advance(GRACE + 1);
    m.call(q.consumer, U256::ZERO, |c| c.cancel_expired(q2.jobId))
        .unwrap();
}
