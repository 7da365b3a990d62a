use crate::common::*;

#[test]
fn stake_adds_to_stake_and_logs() {
    let mut m = Market::new();
    let p = addr("provider");
    m.stake(p, 700).unwrap();
    m.stake(p, 300).unwrap();
    assert_eq!(
        m.events(),
        vec![
            Ev::Staked(Staked {
                provider: p,
                amount: wei(700),
                totalStake: wei(700)
            }),
            Ev::Staked(Staked {
                provider: p,
                amount: wei(300),
                totalStake: wei(1000)
            }),
        ]
    );
    assert_eq!(
        m.provider(p),
        (
            wei(1000),
            U256::ZERO,
            U256::ZERO,
            0,
            Address::ZERO,
            wei(1000)
        )
    );
    assert_eq!(m.balance, wei(1000));
}

#[test]
fn stake_without_value_reverts() {
    let mut m = Market::new();
    assert_revert(m.stake(addr("provider"), 0), "ZeroAmount");
}

#[test]
fn set_signer_registers_and_revokes() {
    let mut m = Market::new();
    let (p, s) = (addr("provider"), addr("signer"));
    m.set_signer(p, s);
    assert_eq!(m.provider(p).4, s);
    m.set_signer(p, Address::ZERO);
    assert_eq!(m.provider(p).4, Address::ZERO);
    assert_eq!(
        m.events(),
        vec![
            Ev::SignerSet(SignerSet {
                provider: p,
                signer: s
            }),
            Ev::SignerSet(SignerSet {
                provider: p,
                signer: Address::ZERO
            }),
        ]
    );
}

#[test]
fn unstake_waits_for_cooldown_then_pays() {
    let mut m = Market::new();
    let p = addr("provider");
    m.stake(p, 1_000).unwrap();
    m.call(p, U256::ZERO, |c| c.request_unstake(wei(400)))
        .unwrap();
    assert_eq!(
        m.events().last(),
        Some(&Ev::UnstakeRequested(UnstakeRequested {
            provider: p,
            amount: wei(400),
            pendingUnstake: wei(400),
        }))
    );
    assert_eq!(
        m.provider(p),
        (
            wei(1000),
            U256::ZERO,
            wei(400),
            T0 + COOLDOWN,
            Address::ZERO,
            wei(600)
        )
    );

    m.advance(COOLDOWN - 1);
    let early = m.call(p, U256::ZERO, |c| c.withdraw_stake());
    assert_revert(early, "CooldownActive");

    m.advance(1);
    m.call(p, U256::ZERO, |c| c.withdraw_stake()).unwrap();
    assert_eq!(
        m.events(),
        vec![Ev::StakeWithdrawn(StakeWithdrawn {
            provider: p,
            amount: wei(400)
        })]
    );
    assert_eq!(
        m.provider(p),
        (wei(600), U256::ZERO, U256::ZERO, 0, Address::ZERO, wei(600))
    );
    assert_eq!(m.paid[&p], wei(400));
    assert_eq!(m.balance, wei(600));
}

#[test]
fn a_second_request_restarts_the_cooldown() {
    let mut m = Market::new();
    let p = addr("provider");
    m.stake(p, 1_000).unwrap();
    m.call(p, U256::ZERO, |c| c.request_unstake(wei(100)))
        .unwrap();
    m.advance(COOLDOWN - 10);
    m.call(p, U256::ZERO, |c| c.request_unstake(wei(100)))
        .unwrap();
    m.advance(10);
    assert_revert(
        m.call(p, U256::ZERO, |c| c.withdraw_stake()),
        "CooldownActive",
    );
    assert_eq!(m.provider(p).2, wei(200));
}

#[test]
fn unstake_above_free_stake_reverts() {
    let mut m = staked_market(1_000);
    let p = addr("provider");
    // 50 % collateral of a 1 000 wei escrow locks 500.
    m.fund(&quote("a", 10, 100)).unwrap();
    assert_revert(
        m.call(p, U256::ZERO, |c| c.request_unstake(wei(501))),
        "InsufficientFreeStake",
    );
    m.call(p, U256::ZERO, |c| c.request_unstake(wei(500)))
        .unwrap();
    assert_revert(
        m.call(p, U256::ZERO, |c| c.request_unstake(wei(1))),
        "InsufficientFreeStake",
    );
    assert_revert(
        m.call(p, U256::ZERO, |c| c.request_unstake(U256::ZERO)),
        "ZeroAmount",
    );
}

#[test]
fn withdraw_stake_without_request_reverts() {
    let mut m = staked_market(1_000);
    assert_revert(
        m.call(addr("provider"), U256::ZERO, |c| c.withdraw_stake()),
        "NoPendingUnstake",
    );
}

#[test]
fn exits_stay_open_while_paused() {
    let mut m = staked_market(2_000);
    let (p, owner) = (addr("provider"), addr("owner"));
    m.call(p, U256::ZERO, |c| c.request_unstake(wei(500)))
        .unwrap();
    m.call(owner, U256::ZERO, |c| c.pause()).unwrap();
    m.call(p, U256::ZERO, |c| c.request_unstake(wei(500)))
        .unwrap();
    m.advance(COOLDOWN);
    m.call(p, U256::ZERO, |c| c.withdraw_stake()).unwrap();
    assert_eq!(m.paid[&p], wei(1_000));
}

#[test]
fn actions_that_add_money_revert_while_paused() {
    let mut m = staked_market(2_000);
    m.call(addr("owner"), U256::ZERO, |c| c.pause()).unwrap();
    assert_revert(m.stake(addr("provider"), 10), "EnforcedPause");
    assert_revert(m.fund(&quote("p", 1, 10)), "EnforcedPause");
    m.call(addr("owner"), U256::ZERO, |c| c.unpause()).unwrap();
    m.fund(&quote("p", 1, 10)).unwrap();
}

#[test]
fn refused_payout_reverts_with_transfer_failed() {
    let mut m = Market::new();
    let p = addr("provider");
    m.stake(p, 1_000).unwrap();
    m.call(p, U256::ZERO, |c| c.request_unstake(wei(1_000)))
        .unwrap();
    m.advance(COOLDOWN);
    m.host.refuse_eth(p, true);
    assert_revert(
        m.call(p, U256::ZERO, |c| c.withdraw_stake()),
        "TransferFailed",
    );
    assert_eq!(
        m.provider(p).2,
        wei(1_000),
        "the failed call is rolled back"
    );
}
