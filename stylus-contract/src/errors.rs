//! The custom errors `ComputeMarket` reverts with.
//!
//! Every failing call reverts with exactly one of these, ABI-encoded like a
//! Solidity custom error, so clients decode them from the exported ABI.
//!
//! The `sol!` block declares them (selectors, the exported interface, decoding
//! in tests); [`MarketError`] carries one at run time as its selector and
//! argument words, and [`fail!`] builds it, so the binary holds one encoder for
//! all errors instead of one per error.

use alloc::vec::Vec;
use alloy_primitives::B256;
use alloy_sol_types::sol;

sol! {
    /// The caller is not the owner.
    #[derive(Debug)]
    error NotOwner(address caller);
    /// The caller is not the arbiter.
    #[derive(Debug)]
    error NotArbiter(address caller);
    /// The caller is neither the job's provider nor the provider's signer.
    #[derive(Debug)]
    error NotJobProvider(bytes32 jobId, address caller);
    /// The caller is not the job's consumer.
    #[derive(Debug)]
    error NotJobConsumer(bytes32 jobId, address caller);
    /// New stake and new jobs are refused while the market is paused.
    #[derive(Debug)]
    error EnforcedPause();
    /// A constructor or setter argument is out of bounds.
    #[derive(Debug)]
    error InvalidParams();
    /// An address argument is the zero address.
    #[derive(Debug)]
    error ZeroAddress();
    /// The call needs a non-zero amount.
    #[derive(Debug)]
    error ZeroAmount();
    /// `msg.value` differs from the amount the call requires.
    #[derive(Debug)]
    error WrongValue(uint256 expected, uint256 actual);
    /// The quote's rate or duration is zero, or their product overflows.
    #[derive(Debug)]
    error InvalidQuote();
    /// The quote expired before it was funded.
    #[derive(Debug)]
    error QuoteExpired(uint64 expiresAt, uint64 now);
    /// The signature is malformed or was not made by the provider's signer.
    #[derive(Debug)]
    error InvalidSignature();
    /// The provider has not registered a signer key.
    #[derive(Debug)]
    error NoSigner(address provider);
    /// A job with this id was already funded (ids are single-use).
    #[derive(Debug)]
    error JobExists(bytes32 jobId);
    /// A job id must start with the 20 bytes of the consumer's address.
    #[derive(Debug)]
    error InvalidJobId(bytes32 jobId);
    /// The quote's duration is above the market's `maxJobSeconds`.
    #[derive(Debug)]
    error JobTooLong(uint64 maxSeconds, uint64 maxJobSeconds);
    /// The job is not in a state that allows this call (status 0 = unknown job).
    #[derive(Debug)]
    error InvalidJobStatus(bytes32 jobId, uint8 status);
    /// The provider's stake, net of pending unstake, is below the minimum.
    #[derive(Debug)]
    error StakeBelowMinimum(uint256 stake, uint256 minStake);
    /// Free stake (stake - locked - pending unstake) is below what the call needs.
    #[derive(Debug)]
    error InsufficientFreeStake(uint256 available, uint256 required);
    /// The job's deadline (or start deadline, for a start acknowledgement) has passed.
    #[derive(Debug)]
    error DeadlinePassed(uint64 deadline);
    /// The time after which anyone may close the job has not come yet: its start
    /// deadline, deadline or dispute timeout, whichever the call depends on.
    #[derive(Debug)]
    error DeadlineNotReached(uint64 deadline);
    /// Reported usage exceeds the quoted maximum.
    #[derive(Debug)]
    error UsedSecondsTooHigh(uint64 usedSeconds, uint64 maxSeconds);
    /// The challenge window has closed.
    #[derive(Debug)]
    error ChallengeWindowClosed(uint64 endsAt);
    /// The challenge window is still open.
    #[derive(Debug)]
    error ChallengeWindowOpen(uint64 endsAt);
    /// A basis-point argument is above 10 000.
    #[derive(Debug)]
    error InvalidBps();
    /// There is no pending unstake to withdraw.
    #[derive(Debug)]
    error NoPendingUnstake();
    /// The unstake cooldown has not elapsed.
    #[derive(Debug)]
    error CooldownActive(uint64 readyAt);
    /// The caller has no withdrawable balance.
    #[derive(Debug)]
    error NothingToWithdraw();
    /// Sending ETH to the recipient failed.
    #[derive(Debug)]
    error TransferFailed(address to, uint256 amount);
}

/// Most arguments any error has.
const MAX_ARGS: usize = 2;

/// A revert: one error of the `sol!` block above, as its selector and its
/// static arguments (one ABI word each). Build it with [`fail!`].
#[derive(Clone, PartialEq, Eq)]
pub struct MarketError {
    selector: [u8; 4],
    args: [B256; MAX_ARGS],
    len: usize,
}

impl MarketError {
    /// The error with `selector` and argument `words` (at most two).
    pub fn new(selector: [u8; 4], words: &[B256]) -> Self {
        let mut args = [B256::ZERO; MAX_ARGS];
        args[..words.len()].copy_from_slice(words);
        Self {
            selector,
            args,
            len: words.len(),
        }
    }

    /// The 4-byte selector of the error.
    pub fn selector(&self) -> [u8; 4] {
        self.selector
    }

    /// The ABI encoding: selector, then the arguments.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + 32 * self.len);
        out.extend_from_slice(&self.selector);
        for word in &self.args[..self.len] {
            out.extend_from_slice(word.as_slice());
        }
        out
    }
}

impl From<MarketError> for Vec<u8> {
    fn from(e: MarketError) -> Self {
        e.encode()
    }
}

impl core::fmt::Debug for MarketError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "MarketError(0x")?;
        for b in self.encode() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// `fail!(NotOwner { caller })` is `Err(MarketError)` for that error of the
/// `sol!` block, its fields given in declaration order (`name` or `name: value`).
#[macro_export]
macro_rules! fail {
    ($error:ident { $($field:ident $(: $value:expr)?),* $(,)? }) => {
        Err($crate::errors::MarketError::new(
            <$crate::errors::$error as ::alloy_sol_types::SolError>::SELECTOR,
            &[$($crate::word::ToWord::word($crate::fail!(@value $field $(: $value)?))),*],
        ))
    };
    (@value $field:ident) => { $field };
    (@value $field:ident : $value:expr) => { $value };
}

/// Expands `$callback!(NotOwner, NotArbiter, ...)` with every error of the
/// `sol!` block: the one list that the exported interface and the tests use.
#[macro_export]
macro_rules! with_every_error {
    ($callback:ident) => {
        $callback! {
            NotOwner,
            NotArbiter,
            NotJobProvider,
            NotJobConsumer,
            EnforcedPause,
            InvalidParams,
            ZeroAddress,
            ZeroAmount,
            WrongValue,
            InvalidQuote,
            QuoteExpired,
            InvalidSignature,
            NoSigner,
            JobExists,
            InvalidJobId,
            JobTooLong,
            InvalidJobStatus,
            StakeBelowMinimum,
            InsufficientFreeStake,
            DeadlinePassed,
            DeadlineNotReached,
            UsedSecondsTooHigh,
            ChallengeWindowClosed,
            ChallengeWindowOpen,
            InvalidBps,
            NoPendingUnstake,
            CooldownActive,
            NothingToWithdraw,
            TransferFailed
        }
    };
}

#[cfg(feature = "export-abi")]
mod export {
    use super::*;
    use alloc::{format, vec};
    use alloy_sol_types::SolError;
    use core::any::TypeId;
    use stylus_sdk::abi::export::internal::{InnerType, InnerTypes};

    macro_rules! declarations {
        ($($error:ident),* $(,)?) => {
            vec![$(InnerType {
                name: format!("error {};", <$error as SolError>::SIGNATURE.replace(',', ", ")),
                id: TypeId::of::<$error>(),
            }),*]
        };
    }

    impl InnerTypes for MarketError {
        fn inner_types() -> Vec<InnerType> {
            crate::with_every_error!(declarations)
        }
    }
}
