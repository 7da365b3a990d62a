use crate::common::*;

#[test]
fn constructor_stores_params() {
    let m = Market::new();
    let p = m.c.params();
    assert_eq!(
        (p.0, p.1, p.2, p.3, p.4),
        (
            addr("owner"),
            addr("arbiter"),
            addr("feeRecipient"),
            FEE_BPS,
            wei(MIN_STAKE),
        )
    );
    assert_eq!(
        (p.5, p.6, p.7, p.8, p.9),
        (COOLDOWN, WINDOW, GRACE, MAX_JOB, DISPUTE_TIMEOUT)
    );
    assert_eq!(
        (p.10, p.11, p.12, p.13),
        (COLLATERAL_BPS, NO_SHOW_BPS, DISPUTE_PAY_BPS, false)
    );
}

#[test]
fn constructor_logs_its_settings() {
    let vm = stylus_sdk::testing::TestVM::new();
    let mut c = ComputeMarket::from(&vm);
    let (o, a, f) = (addr("owner"), addr("arbiter"), addr("feeRecipient"));
    c.constructor(o, a, f, 100, wei(5), 1, 2, 3, 4, 5, 6, 7, 8)
        .unwrap();
    let logs: Vec<Ev> = vm
        .get_emitted_logs()
        .iter()
        .map(|(t, d)| decode_log(t, d))
        .collect();
    assert_eq!(
        logs,
        vec![
            Ev::OwnershipTransferred(OwnershipTransferred {
                previousOwner: Address::ZERO,
                newOwner: o
            }),
            Ev::ArbiterUpdated(ArbiterUpdated { arbiter: a }),
            Ev::FeeRecipientUpdated(FeeRecipientUpdated { feeRecipient: f }),
            Ev::ParamsUpdated(ParamsUpdated {
                feeBps: 100,
                minStake: wei(5),
                unstakeCooldown: 1,
                challengeWindow: 2,
                startGraceSeconds: 3,
                maxJobSeconds: 4,
                disputeTimeout: 5,
                collateralBps: 6,
                noShowSlashBps: 7,
                disputeDefaultPayBps: 8,
            }),
        ]
    );
}

#[test]
fn constructor_rejects_out_of_bounds_params() {
    let (o, a, f) = (addr("owner"), addr("arbiter"), addr("feeRecipient"));
    // (fee, cooldown, window, grace, max job, dispute timeout, collateral, slash, default pay)
    type Row = (u16, u64, u64, u64, u64, u64, u16, u16, u16);
    let bad: [Row; 13] = [
        (1_001, 1, 1, 1, 1, 1, 0, 0, 0),
        (0, 0, 1, 1, 1, 1, 0, 0, 0),
        (0, 1, 0, 1, 1, 1, 0, 0, 0),
        (0, 1, 1, 0, 1, 1, 0, 0, 0),
        (0, 1, 1, 1, 0, 1, 0, 0, 0),
        (0, 1, 1, 1, 1, 0, 0, 0, 0),
        (0, 1, 1, 1, 1, 1, 10_001, 0, 0),
        (0, 1, 1, 1, 1, 1, 0, 10_001, 0),
        (0, 1, 1, 1, 1, 1, 0, 0, 10_001),
        (0, 1, 1, 366 * 86_400, 1, 1, 0, 0, 0),
        (0, 1, 1, 1, 366 * 86_400, 1, 0, 0, 0),
        (0, 1, 1, 1, 1, 366 * 86_400, 0, 0, 0),
        (0, 1, 1, 1, u64::MAX, 1, 0, 0, 0),
    ];
    for (fee, cooldown, window, grace, max_job, timeout, coll, slash, pay) in bad {
        let vm = stylus_sdk::testing::TestVM::new();
        let mut c = ComputeMarket::from(&vm);
        let r = c.constructor(
            o,
            a,
            f,
            fee,
            U256::ZERO,
            cooldown,
            window,
            grace,
            max_job,
            timeout,
            coll,
            slash,
            pay,
        );
        assert_revert(r, "InvalidParams");
    }
    let vm = stylus_sdk::testing::TestVM::new();
    let mut c = ComputeMarket::from(&vm);
    assert_revert(
        c.constructor(o, Address::ZERO, f, 0, U256::ZERO, 1, 1, 1, 1, 1, 0, 0, 0),
        "ZeroAddress",
    );
    // A minimum stake no ETH amount can reach is refused.
    let huge = U256::from(u128::MAX) + wei(1);
    assert_revert(
        c.constructor(o, a, f, 0, huge, 1, 1, 1, 1, 1, 0, 0, 0),
        "InvalidParams",
    );
    // The bounds themselves are accepted: 10 % fee, 100 % shares, one-year windows.
    let year = MAX_WINDOW_SECONDS;
    c.constructor(
        o,
        a,
        f,
        1_000,
        U256::ZERO,
        year,
        year,
        year,
        year,
        year,
        10_000,
        10_000,
        10_000,
    )
    .unwrap();
}

#[test]
fn owner_sets_params_and_others_cannot() {
    let mut m = Market::new();
    let new = Params {
        fee_bps: 1_000,
        min_stake: wei(7),
        cooldown: 9,
        window: 8,
        grace: 6,
        max_job: 5,
        dispute_timeout: 4,
        collateral_bps: 10_000,
        no_show_bps: 1,
        dispute_pay_bps: 2,
    };
    assert_revert(m.set_params(addr("stranger"), new), "NotOwner");
    assert_revert(m.set_params(addr("arbiter"), new), "NotOwner");
    assert_revert(
        m.set_params(
            addr("owner"),
            Params {
                fee_bps: 1_001,
                ..new
            },
        ),
        "InvalidParams",
    );
    assert_revert(
        m.set_params(addr("owner"), Params { window: 0, ..new }),
        "InvalidParams",
    );
    m.set_params(addr("owner"), new).unwrap();
    assert_eq!(
        m.events(),
        vec![Ev::ParamsUpdated(ParamsUpdated {
            feeBps: 1_000,
            minStake: wei(7),
            unstakeCooldown: 9,
            challengeWindow: 8,
            startGraceSeconds: 6,
            maxJobSeconds: 5,
            disputeTimeout: 4,
            collateralBps: 10_000,
            noShowSlashBps: 1,
            disputeDefaultPayBps: 2,
        })]
    );
    let p = m.c.params();
    assert_eq!(
        (p.3, p.4, p.5, p.6, p.7, p.8, p.9, p.10, p.11, p.12),
        (1_000, wei(7), 9, 8, 6, 5, 4, 10_000, 1, 2)
    );
}

#[test]
fn fee_rate_is_fixed_when_a_job_is_funded() {
    let mut m = staked_market(100_000);
    let q = quote("a", 10, 100);
    running(&mut m, &q);
    m.set_params(
        addr("owner"),
        Params {
            fee_bps: 1_000,
            ..Params::default()
        },
    )
    .unwrap();
    m.submit(addr("signer"), q.jobId, 100, B256::ZERO).unwrap();
    m.advance(WINDOW);
    m.call(addr("stranger"), U256::ZERO, |c| c.finalize(q.jobId))
        .unwrap();
    assert_eq!(m.c.withdrawable(addr("feeRecipient")), wei(25));
}

#[test]
fn owner_sets_arbiter_and_fee_recipient() {
    let mut m = Market::new();
    let (owner, new) = (addr("owner"), addr("new"));
    assert_revert(
        m.call(addr("stranger"), U256::ZERO, |c| c.set_arbiter(new)),
        "NotOwner",
    );
    assert_revert(
        m.call(addr("stranger"), U256::ZERO, |c| c.set_fee_recipient(new)),
        "NotOwner",
    );
    assert_revert(
        m.call(owner, U256::ZERO, |c| c.set_arbiter(Address::ZERO)),
        "ZeroAddress",
    );
    assert_revert(
        m.call(owner, U256::ZERO, |c| c.set_fee_recipient(Address::ZERO)),
        "ZeroAddress",
    );
    m.call(owner, U256::ZERO, |c| c.set_arbiter(new)).unwrap();
    m.call(owner, U256::ZERO, |c| c.set_fee_recipient(new))
        .unwrap();
    assert_eq!(
        m.events(),
        vec![
            Ev::ArbiterUpdated(ArbiterUpdated { arbiter: new }),
            Ev::FeeRecipientUpdated(FeeRecipientUpdated { feeRecipient: new }),
        ]
    );
    assert_eq!((m.c.params().1, m.c.params().2), (new, new));
}

#[test]
fn ownership_moves_and_the_old_owner_loses_rights() {
    let mut m = Market::new();
    let (owner, new) = (addr("owner"), addr("new"));
    assert_revert(
        m.call(new, U256::ZERO, |c| c.transfer_ownership(new)),
        "NotOwner",
    );
    assert_revert(
        m.call(owner, U256::ZERO, |c| c.transfer_ownership(Address::ZERO)),
        "ZeroAddress",
    );
    m.call(owner, U256::ZERO, |c| c.transfer_ownership(new))
        .unwrap();
    assert_eq!(
        m.events(),
        vec![Ev::OwnershipTransferred(OwnershipTransferred {
            previousOwner: owner,
            newOwner: new
        })]
    );
    assert_revert(m.call(owner, U256::ZERO, |c| c.pause()), "NotOwner");
    m.call(new, U256::ZERO, |c| c.pause()).unwrap();
}

#[test]
fn only_the_owner_pauses_and_unpauses() {
    let mut m = Market::new();
    let owner = addr("owner");
    assert_revert(
        m.call(addr("stranger"), U256::ZERO, |c| c.pause()),
        "NotOwner",
    );
    m.call(owner, U256::ZERO, |c| c.pause()).unwrap();
    assert!(m.c.params().13);
    assert_revert(
        m.call(addr("stranger"), U256::ZERO, |c| c.unpause()),
        "NotOwner",
    );
    m.call(owner, U256::ZERO, |c| c.unpause()).unwrap();
    assert!(!m.c.params().13);
    assert_eq!(
        m.events(),
        vec![
            Ev::Paused(Paused { account: owner }),
            Ev::Unpaused(Unpaused { account: owner })
        ]
    );
}
