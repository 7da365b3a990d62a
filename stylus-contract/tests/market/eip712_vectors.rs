//! Cross-language EIP-712 vectors: the contract's quote hashing and signer
//! recovery against viem's `hashTypedData` / `recoverTypedDataAddress`
//! (test-vectors/eip712.json, written by scripts/contract/eip712-vectors.ts
//! and also checked by lib/web3/eip712.test.ts).

use crate::common::*;
use compute_market::quote::{self, Quote as ContractQuote};
use serde_json::Value;
use stylus_sdk::testing::TestVM;

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/eip712.json");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    file["vectors"].as_array().unwrap().clone()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} missing"))
}

fn hex_bytes(s: &str) -> Vec<u8> {
    alloy_primitives::hex::decode(s).unwrap()
}

/// The contract's recovery, with the `ecrecover` precompile computed by k256.
fn recover_through_contract(digest: B256, sig: &[u8; 65]) -> Option<Address> {
    let (r, vs) = compact(sig);
    quote::recover(&ChainHost::new(TestVM::new()), digest, r, vs)
}

#[test]
fn quote_hashes_match_viem() {
    let vectors = vectors();
    assert!(vectors.len() >= 5);
    for v in &vectors {
        let q = &v["quote"];
        let contract_quote = ContractQuote {
            job_id: s(q, "jobId").parse().unwrap(),
            consumer: s(q, "consumer").parse().unwrap(),
            provider: s(q, "provider").parse().unwrap(),
            rate_per_second: s(q, "ratePerSecond").parse().unwrap(),
            max_seconds: s(q, "maxSeconds").parse().unwrap(),
            expires_at: s(q, "expiresAt").parse().unwrap(),
        };
        let chain_id = v["chainId"].as_u64().unwrap();
        let contract: Address = s(v, "verifyingContract").parse().unwrap();
        let domain = quote::domain_separator(chain_id, contract);
        let name = s(v, "name");
        assert_eq!(
            format!("{domain:#x}"),
            s(v, "domainSeparator"),
            "{name}: domain separator"
        );
        assert_eq!(
            format!("{:#x}", contract_quote.struct_hash()),
            s(v, "structHash"),
            "{name}: struct hash"
        );
        let digest = contract_quote.digest(domain);
        assert_eq!(format!("{digest:#x}"), s(v, "digest"), "{name}: digest");

        // The alloy reference used by the other tests agrees as well.
        let reference = Quote {
            jobId: contract_quote.job_id,
            consumer: contract_quote.consumer,
            provider: contract_quote.provider,
            ratePerSecond: contract_quote.rate_per_second,
            maxSeconds: contract_quote.max_seconds,
            expiresAt: contract_quote.expires_at,
        };
        assert_eq!(
            reference_digest(&reference, chain_id, contract),
            digest,
            "{name}: alloy"
        );
    }
}

#[test]
fn recovered_signer_matches_viem() {
    for v in vectors() {
        let name = s(&v, "name");
        let digest: B256 = s(&v, "digest").parse().unwrap();
        let sig: [u8; 65] = hex_bytes(s(&v, "signature")).try_into().unwrap();
        let expected: Address = s(&v, "recovered").parse().unwrap();
        assert_eq!(expected, s(&v, "signer").parse::<Address>().unwrap());
        assert_eq!(
            recover_through_contract(digest, &sig),
            Some(expected),
            "{name}"
        );

        // The other parity recovers some other key (or none).
        let mut flipped = sig;
        flipped[64] = if sig[64] == 27 { 28 } else { 27 };
        assert_ne!(
            recover_through_contract(digest, &flipped),
            Some(expected),
            "{name}: parity bit"
        );

        // Re-signing with the vector's key in Rust reproduces viem's signature.
        let key = k256::ecdsa::SigningKey::from_slice(&hex_bytes(s(&v, "privateKey"))).unwrap();
        assert_eq!(
            sign_digest(&key, digest),
            sig,
            "{name}: deterministic signature"
        );
    }
}
