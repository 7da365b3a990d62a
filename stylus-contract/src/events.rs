//! The events `ComputeMarket` emits, one per state change.
//!
//! Events carry no timestamps, chain id or contract address: block time is in
//! the block, and the derived deadlines are readable through the views. This
//! keeps a scenario's logs identical on every chain.
//!
//! The `sol!` block declares them (topics, the exported ABI, decoding in tests);
//! the contract emits them with [`emit!`], which writes the topics and data
//! words through one routine rather than a generated encoder per event.

use alloy_sol_types::sol;

sol! {
    /// A provider added `amount` to its stake; `totalStake` is the new total.
    #[derive(Debug, PartialEq, Eq)]
    event Staked(address indexed provider, uint256 amount, uint256 totalStake);
    /// A provider queued `amount` of free stake for withdrawal; the cooldown restarts.
    #[derive(Debug, PartialEq, Eq)]
    event UnstakeRequested(address indexed provider, uint256 amount, uint256 pendingUnstake);
    /// A provider's pending unstake was paid out.
    #[derive(Debug, PartialEq, Eq)]
    event StakeWithdrawn(address indexed provider, uint256 amount);
    /// A provider registered (or, with the zero address, revoked) its quote signer.
    #[derive(Debug, PartialEq, Eq)]
    event SignerSet(address indexed provider, address indexed signer);
    /// A consumer escrowed `escrow` for a quoted job; `collateral` of the provider's stake is locked.
    #[derive(Debug, PartialEq, Eq)]
    event JobFunded(
        bytes32 indexed jobId,
        address indexed consumer,
        address indexed provider,
        uint256 ratePerSecond,
        uint64 maxSeconds,
        uint256 escrow,
        uint256 collateral
    );
    /// The provider (or its signer) acknowledged the start of a funded job.
    #[derive(Debug, PartialEq, Eq)]
    event JobStarted(bytes32 indexed jobId, address indexed provider);
    /// The provider reported usage and a result hash; the challenge window opens.
    #[derive(Debug, PartialEq, Eq)]
    event ResultSubmitted(bytes32 indexed jobId, address indexed provider, uint64 usedSeconds, bytes32 resultHash);
    /// The consumer disputed the result.
    #[derive(Debug, PartialEq, Eq)]
    event JobDisputed(bytes32 indexed jobId, address indexed consumer);
    /// A dispute was settled: by the arbiter, or (`timedOut`) by anyone after the
    /// dispute timeout with the job's default split and no slash.
    /// `consumerAmount` includes `slashed`.
    #[derive(Debug, PartialEq, Eq)]
    event DisputeResolved(
        bytes32 indexed jobId,
        uint16 providerPayBps,
        uint16 slashBps,
        uint256 providerAmount,
        uint256 consumerAmount,
        uint256 fee,
        uint256 slashed,
        bool timedOut
    );
    /// An undisputed job was settled after its challenge window.
    #[derive(Debug, PartialEq, Eq)]
    event JobFinalized(bytes32 indexed jobId, uint256 providerAmount, uint256 fee, uint256 consumerRefund);
    /// A no-show: the job was not acknowledged by its start deadline, or had no
    /// result by its deadline. Escrow refunded, collateral slashed to the consumer.
    #[derive(Debug, PartialEq, Eq)]
    event JobExpired(bytes32 indexed jobId, uint256 consumerRefund, uint256 slashed);
    /// `account` withdrew its whole balance.
    #[derive(Debug, PartialEq, Eq)]
    event Withdrawn(address indexed account, uint256 amount);
    /// The owner set the market parameters.
    #[derive(Debug, PartialEq, Eq)]
    event ParamsUpdated(
        uint16 feeBps,
        uint256 minStake,
        uint64 unstakeCooldown,
        uint64 challengeWindow,
        uint64 startGraceSeconds,
        uint64 maxJobSeconds,
        uint64 disputeTimeout,
        uint16 collateralBps,
        uint16 noShowSlashBps,
        uint16 disputeDefaultPayBps
    );
    /// The owner set the arbiter.
    #[derive(Debug, PartialEq, Eq)]
    event ArbiterUpdated(address indexed arbiter);
    /// The owner set the fee recipient.
    #[derive(Debug, PartialEq, Eq)]
    event FeeRecipientUpdated(address indexed feeRecipient);
    /// Ownership moved (from the zero address at construction).
    #[derive(Debug, PartialEq, Eq)]
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    /// The owner paused staking and funding.
    #[derive(Debug, PartialEq, Eq)]
    event Paused(address account);
    /// The owner lifted the pause.
    #[derive(Debug, PartialEq, Eq)]
    event Unpaused(address account);
}

/// `emit!(self, JobStarted[job_id, provider]())` logs that event of the `sol!`
/// block: its indexed fields in brackets, the others in parentheses, each in
/// declaration order.
#[macro_export]
macro_rules! emit {
    ($market:expr, $event:ident [$($topic:expr),* $(,)?] ($($data:expr),* $(,)?)) => {
        $market.log(
            <$crate::events::$event as ::alloy_sol_types::SolEvent>::SIGNATURE_HASH,
            &[$($crate::word::ToWord::word($topic)),*],
            &[$($crate::word::ToWord::word($data)),*],
        )
    };
}
