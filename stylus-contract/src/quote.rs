//! EIP-712 hashing of provider quotes and signer recovery through the
//! `ecrecover` precompile (no secp256k1 code in the WASM).
//!
//! Domain: `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)`
//! with name `"ComputeMarket"`, version `"1"`, the chain id and this contract's address.

use alloy_primitives::{address, Address, B256, U256};
use stylus_sdk::keccak_const::Keccak256;
use stylus_sdk::{call::static_call, crypto::keccak, prelude::*};

/// `keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")`.
pub const DOMAIN_TYPEHASH: [u8; 32] = Keccak256::new()
    .update(b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
    .finalize();
/// `keccak256("Quote(bytes32 jobId,address consumer,address provider,uint256 ratePerSecond,uint64 maxSeconds,uint64 expiresAt)")`.
pub const QUOTE_TYPEHASH: [u8; 32] = Keccak256::new()
    .update(b"Quote(bytes32 jobId,address consumer,address provider,uint256 ratePerSecond,uint64 maxSeconds,uint64 expiresAt)")
    .finalize();
/// `keccak256("ComputeMarket")`.
pub const NAME_HASH: [u8; 32] = Keccak256::new().update(b"ComputeMarket").finalize();
/// `keccak256("1")`.
pub const VERSION_HASH: [u8; 32] = Keccak256::new().update(b"1").finalize();

/// The `ecrecover` precompile.
pub const ECRECOVER: Address = address!("0000000000000000000000000000000000000001");

/// Half the secp256k1 group order: signatures with a larger `s` are malleable twins.
const HALF_ORDER: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// The terms a provider's signer commits to; `consumer` is the account allowed to fund.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote {
    /// Job id chosen off-chain; single-use on chain.
    pub job_id: B256,
    /// The only account that may fund the quote.
    pub consumer: Address,
    /// The provider whose stake backs the job.
    pub provider: Address,
    /// Price in wei per second of compute.
    pub rate_per_second: U256,
    /// Upper bound of billable seconds; escrow = rate * maxSeconds.
    pub max_seconds: u64,
    /// Unix time after which the quote can no longer be funded.
    pub expires_at: u64,
}

fn word_u64(v: u64) -> [u8; 32] {
    U256::from(v).to_be_bytes()
}

impl Quote {
    /// `hashStruct(Quote)` as defined by EIP-712.
    pub fn struct_hash(&self) -> B256 {
        let mut buf = [0u8; 7 * 32];
        buf[..32].copy_from_slice(&QUOTE_TYPEHASH);
        buf[32..64].copy_from_slice(self.job_id.as_slice());
        buf[76..96].copy_from_slice(self.consumer.as_slice());
        buf[108..128].copy_from_slice(self.provider.as_slice());
        buf[128..160].copy_from_slice(&self.rate_per_second.to_be_bytes::<32>());
        buf[160..192].copy_from_slice(&word_u64(self.max_seconds));
        buf[192..224].copy_from_slice(&word_u64(self.expires_at));
        keccak(buf)
    }

    /// The digest the signer signs: `keccak256(0x1901 || domainSeparator || hashStruct(quote))`.
    pub fn digest(&self, domain_separator: B256) -> B256 {
        let mut buf = [0u8; 66];
        buf[0] = 0x19;
        buf[1] = 0x01;
        buf[2..34].copy_from_slice(domain_separator.as_slice());
        buf[34..66].copy_from_slice(self.struct_hash().as_slice());
        keccak(buf)
    }
}

/// The EIP-712 domain separator for `chain_id` and `verifying_contract`.
pub fn domain_separator(chain_id: u64, verifying_contract: Address) -> B256 {
    let mut buf = [0u8; 5 * 32];
    buf[..32].copy_from_slice(&DOMAIN_TYPEHASH);
    buf[32..64].copy_from_slice(&NAME_HASH);
    buf[64..96].copy_from_slice(&VERSION_HASH);
    buf[96..128].copy_from_slice(&word_u64(chain_id));
    buf[140..160].copy_from_slice(verifying_contract.as_slice());
    keccak(buf)
}

/// Recovers the address that signed `digest` from an EIP-2098 compact
/// signature: `r`, and `y_parity_and_s` (the top bit is the y parity, the other
/// 255 bits are `s`). A 65-byte `r || s || v` signature converts to it without
/// loss (viem: `signatureToCompactSignature`).
///
/// Returns `None` for a malleable (high-`s`) signature, or when the precompile
/// finds no key (zero or out-of-range `r` or `s`).
pub fn recover(host: &impl Host, digest: B256, r: B256, y_parity_and_s: B256) -> Option<Address> {
    let mut s = y_parity_and_s.0;
    let y_parity = s[0] >> 7;
    s[0] &= 0x7f;
    // Big-endian byte arrays compare as the numbers they encode.
    if s > HALF_ORDER {
        return None;
    }
    let mut input = [0u8; 128];
    input[..32].copy_from_slice(digest.as_slice());
    input[63] = 27 + y_parity;
    input[64..96].copy_from_slice(r.as_slice());
    input[96..].copy_from_slice(&s);
    let output = static_call(host, Call::new(), ECRECOVER, &input).ok()?;
    if output.len() != 32 {
        return None;
    }
    let signer = Address::from_slice(&output[12..]);
    (signer != Address::ZERO).then_some(signer)
}
