// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title ICreditModule
/// @notice A module that buys for fans from the vault's float ({IMesiVault-creditFromFloat}) and must undo what it
/// delivered when the relayer reverses a held (fiat) credit it made: the vault calls it back from
/// {IMesiVault-reverseCredit}, after moving the credit back to the float.
interface ICreditModule {
    /// @notice The held credit `paymentRef` this module made was reversed (chargeback): take back what it bought.
    /// Requirements: caller is the vault. Must not revert for a reference it knows (a revert blocks the reversal).
    function onCreditReversed(bytes32 paymentRef) external;
}
