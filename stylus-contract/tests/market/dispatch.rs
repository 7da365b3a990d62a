//! Calls through the SDK's real router, as a chain would make them: selectors,
//! the one-time constructor, payable checks and custom-error encoding.

use crate::common::*;
use alloy_sol_types::{sol, SolCall, SolError, SolValue};
use stylus_sdk::{abi::router_entrypoint, host::VM, testing::TestVM};

sol! {
    interface IComputeMarket {
        function pause() external;
        function withdraw() external;
        function params() external view returns (address, address, address, uint16, uint256, uint64, uint64, uint64, uint64, uint64, uint16, uint16, uint16, bool);
    }
}

fn route(vm: &TestVM, input: Vec<u8>) -> Result<Vec<u8>, Vec<u8>> {
    let host = ChainHost::new(vm.clone());
    router_entrypoint::<ComputeMarket, ComputeMarket>(
        input,
        VM {
            host: Box::new(host),
        },
    )
}

/// `keccak256("stylus_constructor()")[..4]` followed by the ABI-encoded parameters.
fn constructor_calldata(owner: Address) -> Vec<u8> {
    let mut data = keccak256("stylus_constructor()")[..4].to_vec();
    let args = (
        owner,
        addr("arbiter"),
        addr("feeRecipient"),
        FEE_BPS,
        wei(MIN_STAKE),
        COOLDOWN,
        WINDOW,
        GRACE,
        MAX_JOB,
        DISPUTE_TIMEOUT,
        COLLATERAL_BPS,
        NO_SHOW_BPS,
        DISPUTE_PAY_BPS,
    );
    data.extend(args.abi_encode_params());
    data
}

#[test]
fn constructor_runs_once_through_the_router() {
    let vm = TestVM::new();
    vm.set_sender(addr("deployer"));
    route(&vm, constructor_calldata(addr("owner"))).expect("first constructor call");
    assert!(
        route(&vm, constructor_calldata(addr("stranger"))).is_err(),
        "second call must revert"
    );
    let out = route(&vm, IComputeMarket::paramsCall {}.abi_encode()).unwrap();
    let params = IComputeMarket::paramsCall::abi_decode_returns(&out).unwrap();
    assert_eq!(params._0, addr("owner"));
    assert_eq!(params._3, FEE_BPS);
}

#[test]
fn non_payable_functions_refuse_value() {
    let vm = TestVM::new();
    route(&vm, constructor_calldata(addr("owner"))).unwrap();
    vm.set_sender(addr("owner"));
    vm.set_value(wei(1));
    assert_eq!(
        route(&vm, IComputeMarket::pauseCall {}.abi_encode()),
        Err(vec![])
    );
    vm.set_value(U256::ZERO);
    route(&vm, IComputeMarket::pauseCall {}.abi_encode()).unwrap();
}

#[test]
fn reverts_carry_the_custom_error() {
    let vm = TestVM::new();
    route(&vm, constructor_calldata(addr("owner"))).unwrap();
    vm.set_sender(addr("stranger"));
    let err = route(&vm, IComputeMarket::pauseCall {}.abi_encode()).unwrap_err();
    assert_eq!(
        err,
        NotOwner {
            caller: addr("stranger")
        }
        .abi_encode()
    );
    let err = route(&vm, IComputeMarket::withdrawCall {}.abi_encode()).unwrap_err();
    assert_eq!(err, NothingToWithdraw {}.abi_encode());
}
