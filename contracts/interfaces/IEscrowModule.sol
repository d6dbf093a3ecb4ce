// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IEscrowModule
/// @notice What the vault calls on its escrow module ({IMesiVault-escrowModule}) when a fan funds a one-to-one request
/// by ERC-1363 `transferAndCall` into the vault: the vault has already checked the payment (pause, blocks, amount)
/// and added `amount` to its escrowed total; the module records the request or reverts, which reverts the transfer.
interface IEscrowModule {
    /// @notice Records `fan`'s request for a `minutes_`-minute session with `creator`, already funded with `amount`.
    /// Requirements: called by the vault; otherwise as a request made directly to the module.
    /// @return sessionId The new session.
    function onEscrowFunded(
        address fan,
        address creator,
        uint256 amount,
        uint8 minutes_
    ) external returns (uint256 sessionId);
}
