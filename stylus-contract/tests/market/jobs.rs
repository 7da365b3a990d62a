use crate::common::*;

#[test]
fn fund_job_escrows_locks_collateral_and_logs() {
    let mut m = staked_market(10_000);
    let q = quote("a", 3, 1_000); // escrow 3 000, collateral 1 500
    m.fund(&q).unwrap();
    assert_eq!(
        m.events(),
        vec![Ev::JobFunded(JobFunded {
            jobId: q.jobId,
            consumer: q.consumer,
            provider: q.provider,
            ratePerSecond: wei(3),
            maxSeconds: 1_000,
            escrow: wei(3_000),
            collateral: wei(1_500),
        })]
    );
    let job = m.c.job(q.jobId);
    assert_eq!(
        (job.0, job.1, job.2, job.3),
        (q.consumer, q.provider, wei(3), 1_000)
    );
    assert_eq!(
        (job.4, job.5, job.6, job.7, job.8),
        (wei(3_000), wei(1_500), T0, T0 + GRACE, T0 + GRACE + 1_000)
    );
    assert_eq!((job.9, job.12, job.13, job.14, job.15), (0, 0, 0, 0, 0));
    assert_eq!(
        (job.16, job.17, job.18, job.19),
        (
            FEE_BPS,
            NO_SHOW_BPS,
            DISPUTE_PAY_BPS,
            JobStatus::Funded as u8
        )
    );
    assert_eq!(m.provider(q.provider).1, wei(1_500));
    assert_eq!(m.provider(q.provider).5, wei(8_500));
    assert_eq!(m.balance, wei(13_000));
}

#[test]
fn fund_job_takes_the_compact_signature_of_either_parity() {
    // Find one quote whose signature has y parity 0 and one with parity 1: both fund.
    let mut m = staked_market(100_000);
    let mut seen = [false; 2];
    for i in 0..16 {
        let q = quote(&format!("parity-{i}"), 1, 10);
        let sig = sign_digest(&key("signer"), reference_digest(&q, CHAIN_ID, MARKET));
        let parity = usize::from(sig[64] - 27);
        if seen[parity] {
            continue;
        }
        m.fund_signed(&q, compact(&sig), wei(10)).unwrap();
        seen[parity] = true;
    }
    assert_eq!(seen, [true, true]);
}

#[test]
fn fund_job_with_zero_or_wrong_value_reverts() {
    let mut m = staked_market(10_000);
    let q = quote("a", 3, 1_000);
    assert_revert(m.fund_with(&q, &key("signer"), U256::ZERO), "WrongValue");
    assert_revert(m.fund_with(&q, &key("signer"), wei(2_999)), "WrongValue");
    assert_revert(m.fund_with(&q, &key("signer"), wei(3_001)), "WrongValue");
}

#[test]
fn fund_job_with_zero_rate_or_duration_reverts() {
    let mut m = staked_market(10_000);
    assert_revert(m.fund(&quote("r0", 0, 1_000)), "InvalidQuote");
    assert_revert(m.fund(&quote("d0", 5, 0)), "InvalidQuote");
    // A rate or an escrow above 2^128 - 1 wei is no ETH amount.
    let mut q = quote("huge", 1, 1);
    q.ratePerSecond = U256::from(u128::MAX) + wei(1);
    assert_revert(m.fund_with(&q, &key("signer"), U256::ZERO), "InvalidQuote");
    let mut q = quote("overflow", 1, 2);
    q.ratePerSecond = U256::from(u128::MAX / 2 + 1);
    assert_revert(m.fund_with(&q, &key("signer"), U256::ZERO), "InvalidQuote");
}

#[test]
fn fund_job_with_expired_quote_reverts() {
    let mut m = staked_market(10_000);
    let q = quote("a", 1, 10);
    m.advance(3_600);
    m.fund(&q)
        .unwrap_or_else(|e| panic!("expiry is inclusive: {e:?}"));
    let q = quote("b", 1, 10);
    m.advance(1);
    assert_revert(m.fund(&q), "QuoteExpired");
}

#[test]
fn fund_job_signed_by_another_key_reverts() {
    let mut m = staked_market(10_000);
    let q = quote("a", 1, 10);
    assert_revert(
        m.fund_with(&q, &key("stranger"), wei(10)),
        "InvalidSignature",
    );
    // The provider's own key is not its registered signer either.
    assert_revert(
        m.fund_with(&q, &key("provider"), wei(10)),
        "InvalidSignature",
    );
}

#[test]
fn fund_job_with_terms_other_than_signed_reverts() {
    let mut m = staked_market(10_000);
    let q = quote("a", 1, 10);
    let sig = m.sign(&key("signer"), &q);
    // Same signature, shorter job: the digest differs, so the precompile
    // recovers some other key.
    let shorter = Quote {
        maxSeconds: 5,
        ..q.clone()
    };
    assert_revert(m.fund_signed(&shorter, sig, wei(5)), "InvalidSignature");
    // Another consumer cannot use a quote made out to someone else: its id is
    // not theirs, and an id of their own changes the signed terms.
    let q = quote("b", 1, 10);
    let sig = m.sign(&key("signer"), &q);
    assert_error(
        m.fund_as(addr("stranger"), &q, sig, wei(10)),
        InvalidJobId { jobId: q.jobId },
    );
    let theirs = Quote {
        jobId: job_id_of(addr("stranger"), "b"),
        consumer: addr("stranger"),
        ..q.clone()
    };
    assert_revert(m.fund_signed(&theirs, sig, wei(10)), "InvalidSignature");
    // The untouched quote still funds: the failures above were the terms.
    let q = quote("c", 1, 10);
    m.fund(&q).unwrap();
}

#[test]
fn malformed_and_high_s_signatures_are_rejected() {
    let mut m = staked_market(10_000);
    let q = quote("a", 1, 10);
    let digest = reference_digest(&q, CHAIN_ID, MARKET);
    let good = sign_digest(&key("signer"), digest);
    // The malleable twin (n - s, flipped v) recovers the same key on the precompile.
    let n = U256::from_str_radix(
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        16,
    )
    .unwrap();
    let s = U256::from_be_slice(&good[32..64]);
    let mut twin = good;
    twin[32..64].copy_from_slice(&(n - s).to_be_bytes::<32>());
    twin[64] = if good[64] == 27 { 28 } else { 27 };
    assert_revert(
        m.fund_signed(&q, compact(&twin), wei(10)),
        "InvalidSignature",
    );
    // Zero r or s: the precompile finds no key.
    let (r, vs) = compact(&good);
    assert_revert(
        m.fund_signed(&q, (B256::ZERO, vs), wei(10)),
        "InvalidSignature",
    );
    assert_revert(
        m.fund_signed(&q, (r, B256::ZERO), wei(10)),
        "InvalidSignature",
    );
    // The flipped parity bit recovers another key.
    let mut flipped = vs;
    flipped[0] ^= 0x80;
    assert_revert(m.fund_signed(&q, (r, flipped), wei(10)), "InvalidSignature");
    m.fund_signed(&q, (r, vs), wei(10)).unwrap();
}

#[test]
fn replayed_job_id_reverts() {
    let mut m = staked_market(10_000);
    let q = quote("a", 1, 10);
    m.fund(&q).unwrap();
    assert_revert(m.fund(&q), "JobExists");
    // Still refused once the job is settled: ids are single-use.
    m.advance(GRACE + 1);
    m.call(addr("stranger"), U256::ZERO, |c| c.cancel_expired(q.jobId))
        .unwrap();
    assert_revert(m.fund(&q), "JobExists");
}

#[test]
fn fund_against_too_little_free_stake_reverts() {
    let mut m = staked_market(1_999);
    // Collateral 1 000 fits once; the second needs 1 000 of the 999 left.
    m.fund(&quote("a", 2, 1_000)).unwrap();
    let r = m.fund(&quote("b", 2, 1_000));
    assert_revert(r, "InsufficientFreeStake");
}

#[test]
fn fund_against_stake_below_minimum_reverts() {
    let mut m = staked_market(MIN_STAKE - 1);
    assert_revert(m.fund(&quote("a", 1, 1)), "StakeBelowMinimum");
    let mut m = staked_market(MIN_STAKE);
    m.call(addr("provider"), U256::ZERO, |c| c.request_unstake(wei(1)))
        .unwrap();
    assert_revert(m.fund(&quote("a", 1, 1)), "StakeBelowMinimum");
}

#[test]
fn fund_against_provider_without_signer_reverts() {
    let mut m = Market::new();
    m.stake(addr("provider"), 10_000).unwrap();
    assert_revert(m.fund(&quote("a", 1, 10)), "NoSigner");
}

#[test]
fn submit_result_by_provider_or_signer_logs() {
    let mut m = staked_market(10_000);
    let (a, b) = (quote("a", 1, 100), quote("b", 1, 100));
    running(&mut m, &a);
    running(&mut m, &b);
    m.advance(50);
    let hash = keccak256("result");
    m.call(addr("provider"), U256::ZERO, |c| {
        c.submit_result(a.jobId, 40, hash)
    })
    .unwrap();
    m.call(addr("signer"), U256::ZERO, |c| {
        c.submit_result(b.jobId, 100, hash)
    })
    .unwrap();
    let p = addr("provider");
    assert_eq!(
        m.events(),
        vec![
            Ev::ResultSubmitted(ResultSubmitted {
                jobId: a.jobId,
                provider: p,
                usedSeconds: 40,
                resultHash: hash
            }),
            Ev::ResultSubmitted(ResultSubmitted {
                jobId: b.jobId,
                provider: p,
                usedSeconds: 100,
                resultHash: hash
            }),
        ]
    );
    let job = m.c.job(a.jobId);
    assert_eq!(
        (job.10, job.11, job.12, job.13),
        (40, hash, T0 + 50, T0 + 50 + WINDOW)
    );
    assert_eq!(job.19, JobStatus::Submitted as u8);
}

#[test]
fn submit_result_by_a_stranger_reverts() {
    let mut m = staked_market(10_000);
    let q = quote("a", 1, 100);
    running(&mut m, &q);
    for who in [addr("stranger"), addr("consumer")] {
        assert_revert(
            m.call(who, U256::ZERO, |c| c.submit_result(q.jobId, 1, B256::ZERO)),
            "NotJobProvider",
        );
    }
}

#[test]
fn submit_result_after_deadline_reverts() {
    let p = addr("provider");
    let q = quote("a", 1, 100);
    // At the deadline itself the result is accepted...
    let mut on_time = staked_market(10_000);
    running(&mut on_time, &q);
    on_time.advance(100 + GRACE);
    on_time
        .call(p, U256::ZERO, |c| c.submit_result(q.jobId, 1, B256::ZERO))
        .unwrap();
    // ...one second later it is not.
    let mut late = staked_market(10_000);
    running(&mut late, &q);
    late.advance(100 + GRACE + 1);
    assert_revert(
        late.call(p, U256::ZERO, |c| c.submit_result(q.jobId, 1, B256::ZERO)),
        "DeadlinePassed",
    );
}

#[test]
fn submit_more_seconds_than_quoted_reverts() {
    let mut m = staked_market(10_000);
    let q = quote("a", 1, 100);
    running(&mut m, &q);
    let r = m.call(addr("provider"), U256::ZERO, |c| {
        c.submit_result(q.jobId, 101, B256::ZERO)
    });
    assert_revert(r, "UsedSecondsTooHigh");
}

#[test]
fn submit_for_unknown_or_submitted_job_reverts() {
    let mut m = staked_market(10_000);
    let p = addr("provider");
    assert_revert(
        m.call(p, U256::ZERO, |c| {
            c.submit_result(job_id("none"), 1, B256::ZERO)
        }),
        "InvalidJobStatus",
    );
    let q = quote("a", 1, 100);
    m.fund(&q).unwrap();
    // Not acknowledged yet: a result needs a started job.
    assert_error(
        m.submit(p, q.jobId, 1, B256::ZERO),
        InvalidJobStatus {
            jobId: q.jobId,
            status: JobStatus::Funded as u8,
        },
    );
    m.start(p, q.jobId).unwrap();
    m.submit(p, q.jobId, 1, B256::ZERO).unwrap();
    assert_revert(
        m.call(p, U256::ZERO, |c| c.submit_result(q.jobId, 2, B256::ZERO)),
        "InvalidJobStatus",
    );
}

#[test]
fn cancel_expired_refunds_and_slashes_to_consumer() {
    let mut m = staked_market(10_000);
    let q = quote("a", 4, 500); // escrow 2 000, collateral 1 000, slash 500
    running(&mut m, &q);
    m.advance(500 + GRACE + 1);
    m.call(addr("stranger"), U256::ZERO, |c| c.cancel_expired(q.jobId))
        .unwrap();
    assert_eq!(
        m.events(),
        vec![Ev::JobExpired(JobExpired {
            jobId: q.jobId,
            consumerRefund: wei(2_000),
            slashed: wei(500)
        })]
    );
    assert_eq!(m.c.withdrawable(q.consumer), wei(2_500));
    assert_eq!(
        m.provider(q.provider),
        (
            wei(9_500),
            U256::ZERO,
            U256::ZERO,
            0,
            addr("signer"),
            wei(9_500)
        )
    );
    assert_eq!(m.status(q.jobId), JobStatus::Expired as u8);
}

#[test]
fn cancel_expired_before_deadline_reverts() {
    let mut m = staked_market(10_000);
    let q = quote("a", 1, 500);
    running(&mut m, &q);
    m.advance(500 + GRACE);
    assert_error(
        m.call(addr("consumer"), U256::ZERO, |c| c.cancel_expired(q.jobId)),
        DeadlineNotReached {
            deadline: T0 + GRACE + 500,
        },
    );
}

#[test]
fn cancel_expired_after_a_result_reverts() {
    let mut m = staked_market(10_000);
    let q = quote("a", 1, 500);
    running(&mut m, &q);
    m.submit(addr("signer"), q.jobId, 1, B256::ZERO).unwrap();
    m.advance(10_000);
    assert_revert(
        m.call(addr("consumer"), U256::ZERO, |c| c.cancel_expired(q.jobId)),
        "InvalidJobStatus",
    );
}

#[test]
fn domain_separator_view_matches_the_eip712_reference() {
    let m = Market::new();
    let domain = alloy_sol_types::eip712_domain! {
        name: "ComputeMarket",
        version: "1",
        chain_id: CHAIN_ID,
        verifying_contract: MARKET,
    };
    assert_eq!(m.c.domain_separator(), domain.separator());
}
