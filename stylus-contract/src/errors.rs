//! The custom errors `ComputeMarket` reverts with.
//!
//! Every failing call reverts with exactly one of these, ABI-encoded like a
//! Solidity custom error, so clients decode them from the exported ABI.

use alloy_sol_types::sol;
use stylus_sdk::prelude::*;

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
    /// The job is not in a state that allows this call (status 0 = unknown job).
    #[derive(Debug)]
    error InvalidJobStatus(bytes32 jobId, uint8 status);
    /// The provider's stake, net of pending unstake, is below the minimum.
    #[derive(Debug)]
    error StakeBelowMinimum(uint256 stake, uint256 minStake);
    /// Free stake (stake - locked - pending unstake) is below what the call needs.
    #[derive(Debug)]
    error InsufficientFreeStake(uint256 available, uint256 required);
    /// The job's deadline has passed.
    #[derive(Debug)]
    error DeadlinePassed(uint64 deadline);
    /// The job's deadline has not passed yet.
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

/// Every error `ComputeMarket` can revert with.
#[derive(SolidityError, Debug)]
pub enum MarketError {
    /// See [`NotOwner`].
    NotOwner(NotOwner),
    /// See [`NotArbiter`].
    NotArbiter(NotArbiter),
    /// See [`NotJobProvider`].
    NotJobProvider(NotJobProvider),
    /// See [`NotJobConsumer`].
    NotJobConsumer(NotJobConsumer),
    /// See [`EnforcedPause`].
    EnforcedPause(EnforcedPause),
    /// See [`InvalidParams`].
    InvalidParams(InvalidParams),
    /// See [`ZeroAddress`].
    ZeroAddress(ZeroAddress),
    /// See [`ZeroAmount`].
    ZeroAmount(ZeroAmount),
    /// See [`WrongValue`].
    WrongValue(WrongValue),
    /// See [`InvalidQuote`].
    InvalidQuote(InvalidQuote),
    /// See [`QuoteExpired`].
    QuoteExpired(QuoteExpired),
    /// See [`InvalidSignature`].
    InvalidSignature(InvalidSignature),
    /// See [`NoSigner`].
    NoSigner(NoSigner),
    /// See [`JobExists`].
    JobExists(JobExists),
    /// See [`InvalidJobStatus`].
    InvalidJobStatus(InvalidJobStatus),
    /// See [`StakeBelowMinimum`].
    StakeBelowMinimum(StakeBelowMinimum),
    /// See [`InsufficientFreeStake`].
    InsufficientFreeStake(InsufficientFreeStake),
    /// See [`DeadlinePassed`].
    DeadlinePassed(DeadlinePassed),
    /// See [`DeadlineNotReached`].
    DeadlineNotReached(DeadlineNotReached),
    /// See [`UsedSecondsTooHigh`].
    UsedSecondsTooHigh(UsedSecondsTooHigh),
    /// See [`ChallengeWindowClosed`].
    ChallengeWindowClosed(ChallengeWindowClosed),
    /// See [`ChallengeWindowOpen`].
    ChallengeWindowOpen(ChallengeWindowOpen),
    /// See [`InvalidBps`].
    InvalidBps(InvalidBps),
    /// See [`NoPendingUnstake`].
    NoPendingUnstake(NoPendingUnstake),
    /// See [`CooldownActive`].
    CooldownActive(CooldownActive),
    /// See [`NothingToWithdraw`].
    NothingToWithdraw(NothingToWithdraw),
    /// See [`TransferFailed`].
    TransferFailed(TransferFailed),
}
