//! A Stylus host for the tests: the SDK's `TestVM` for storage, block, message
//! and logs, plus what a chain does for the calls this contract makes, which the
//! TestVM only mocks (and answers with the last mock's data whatever the input):
//! - `ecrecover` at 0x01, computed with k256 like the real precompile;
//! - plain ETH transfers, which succeed unless the recipient refuses ETH.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    rc::Rc,
    slice,
};

use alloy_primitives::{Address, B256, U256};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use stylus_sdk::{
    stylus_core::{
        AccountAccess, BlockAccess, CalldataAccess, ChainAccess, CryptographyAccess, Host,
        MemoryAccess, MessageAccess, MeteringAccess, RawLogAccess, StorageAccess, UnsafeCallAccess,
        UnsafeDeploymentAccess,
    },
    testing::TestVM,
};

#[derive(Default)]
struct Calls {
    return_data: Vec<u8>,
    refuses_eth: HashSet<Address>,
    /// Precompile answers for inputs that are not real ECDSA signatures
    /// (the fuzzer's cheap stand-ins).
    ecrecover_answers: HashMap<Vec<u8>, Address>,
}

#[derive(Clone)]
pub struct ChainHost {
    pub vm: TestVM,
    calls: Rc<RefCell<Calls>>,
}

impl ChainHost {
    pub fn new(vm: TestVM) -> Self {
        Self {
            vm,
            calls: Rc::default(),
        }
    }

    pub fn refuse_eth(&self, account: Address, refuse: bool) {
        let mut calls = self.calls.borrow_mut();
        if refuse {
            calls.refuses_eth.insert(account);
        } else {
            calls.refuses_eth.remove(&account);
        }
    }

    pub fn answer_ecrecover(&self, input: Vec<u8>, signer: Address) {
        self.calls
            .borrow_mut()
            .ecrecover_answers
            .insert(input, signer);
    }

    fn ecrecover(&self, input: &[u8]) -> Vec<u8> {
        if let Some(signer) = self.calls.borrow().ecrecover_answers.get(input) {
            return signer.into_word().to_vec();
        }
        let mut padded = [0u8; 128];
        let n = input.len().min(128);
        padded[..n].copy_from_slice(&input[..n]);
        let v = U256::from_be_slice(&padded[32..64]);
        let recovered = (|| {
            let id = RecoveryId::from_byte(u8::try_from(v.checked_sub(U256::from(27))?).ok()?)?;
            let sig = Signature::from_slice(&padded[64..128]).ok()?;
            let key = VerifyingKey::recover_from_prehash(&padded[..32], &sig, id).ok()?;
            let point = key.to_encoded_point(false);
            Some(Address::from_slice(
                &alloy_primitives::keccak256(&point.as_bytes()[1..])[12..],
            ))
        })();
        recovered
            .map(|a| a.into_word().to_vec())
            .unwrap_or_default()
    }
}

impl Host for ChainHost {}

unsafe impl UnsafeCallAccess for ChainHost {
    unsafe fn call_contract(
        &self,
        to: *const u8,
        _data: *const u8,
        _data_len: usize,
        _value: *const u8,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        let to = Address::from_slice(slice::from_raw_parts(to, 20));
        let mut calls = self.calls.borrow_mut();
        calls.return_data.clear();
        *outs_len = 0;
        u8::from(calls.refuses_eth.contains(&to))
    }

    unsafe fn static_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        let to = Address::from_slice(slice::from_raw_parts(to, 20));
        let data = slice::from_raw_parts(data, data_len);
        let out = if to == compute_market::quote::ECRECOVER {
            self.ecrecover(data)
        } else {
            Vec::new()
        };
        *outs_len = out.len();
        self.calls.borrow_mut().return_data = out;
        0
    }

    unsafe fn delegate_call_contract(
        &self,
        _to: *const u8,
        _data: *const u8,
        _data_len: usize,
        _gas: u64,
        _outs_len: &mut usize,
    ) -> u8 {
        unreachable!("the market makes no delegate calls")
    }
}

impl CalldataAccess for ChainHost {
    fn read_args(&self, len: usize) -> Vec<u8> {
        self.vm.read_args(len)
    }
    fn read_return_data(&self, offset: usize, size: Option<usize>) -> Vec<u8> {
        let calls = self.calls.borrow();
        let data = &calls.return_data;
        let start = offset.min(data.len());
        let end = size.map_or(data.len(), |s| (start + s).min(data.len()));
        data[start..end].to_vec()
    }
    fn return_data_size(&self) -> usize {
        self.calls.borrow().return_data.len()
    }
    fn write_result(&self, data: &[u8]) {
        self.vm.write_result(data)
    }
}

unsafe impl UnsafeDeploymentAccess for ChainHost {
    unsafe fn create1(&self, _: *const u8, _: usize, _: *const u8, _: *mut u8, _: *mut usize) {
        unreachable!("the market deploys nothing")
    }
    unsafe fn create2(
        &self,
        _: *const u8,
        _: usize,
        _: *const u8,
        _: *const u8,
        _: *mut u8,
        _: *mut usize,
    ) {
        unreachable!("the market deploys nothing")
    }
}

impl CryptographyAccess for ChainHost {
    fn native_keccak256(&self, input: &[u8]) -> B256 {
        self.vm.native_keccak256(input)
    }
}

impl StorageAccess for ChainHost {
    fn storage_load_bytes32(&self, key: U256) -> B256 {
        self.vm.storage_load_bytes32(key)
    }
    unsafe fn storage_cache_bytes32(&self, key: U256, value: B256) {
        self.vm.storage_cache_bytes32(key, value)
    }
    fn flush_cache(&self, clear: bool) {
        self.vm.flush_cache(clear)
    }
}

impl BlockAccess for ChainHost {
    fn block_basefee(&self) -> U256 {
        self.vm.block_basefee()
    }
    fn block_coinbase(&self) -> Address {
        self.vm.block_coinbase()
    }
    fn block_number(&self) -> u64 {
        self.vm.block_number()
    }
    fn block_timestamp(&self) -> u64 {
        self.vm.block_timestamp()
    }
    fn block_gas_limit(&self) -> u64 {
        self.vm.block_gas_limit()
    }
}

impl ChainAccess for ChainHost {
    fn chain_id(&self) -> u64 {
        self.vm.chain_id()
    }
}

impl AccountAccess for ChainHost {
    fn balance(&self, account: Address) -> U256 {
        self.vm.balance(account)
    }
    fn contract_address(&self) -> Address {
        self.vm.contract_address()
    }
    fn code(&self, account: Address) -> Vec<u8> {
        self.vm.code(account)
    }
    fn code_size(&self, account: Address) -> usize {
        self.vm.code_size(account)
    }
    fn code_hash(&self, account: Address) -> B256 {
        self.vm.code_hash(account)
    }
}

impl MemoryAccess for ChainHost {
    fn pay_for_memory_grow(&self, pages: u16) {
        self.vm.pay_for_memory_grow(pages)
    }
}

impl MessageAccess for ChainHost {
    fn msg_sender(&self) -> Address {
        self.vm.msg_sender()
    }
    fn msg_reentrant(&self) -> bool {
        self.vm.msg_reentrant()
    }
    fn msg_value(&self) -> U256 {
        self.vm.msg_value()
    }
    fn tx_origin(&self) -> Address {
        self.vm.tx_origin()
    }
}

impl MeteringAccess for ChainHost {
    fn evm_gas_left(&self) -> u64 {
        self.vm.evm_gas_left()
    }
    fn evm_ink_left(&self) -> u64 {
        self.vm.evm_ink_left()
    }
    fn tx_gas_price(&self) -> U256 {
        self.vm.tx_gas_price()
    }
    fn tx_ink_price(&self) -> u32 {
        self.vm.tx_ink_price()
    }
}

impl RawLogAccess for ChainHost {
    fn emit_log(&self, input: &[u8], num_topics: usize) {
        self.vm.emit_log(input, num_topics)
    }
    fn raw_log(&self, topics: &[B256], data: &[u8]) -> Result<(), &'static str> {
        self.vm.raw_log(topics, data)
    }
}
