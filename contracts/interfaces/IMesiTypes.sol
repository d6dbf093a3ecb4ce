// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title MesiTypes
/// @notice Shared enums used across Mesi contracts and their events.
library MesiTypes {
    /// @notice Where a tip was given from. Stored in events only.
    enum TipChannel {
        Profile, // 0: the creator's profile page
        Messenger, // 1: inside a chat
        Stream, // 2: during a live stream; channelRef is the stream id
        TipLink // 3: a shared tipping link; channelRef is the link id
    }

    /// @notice What a fan paid with. Stored in events only.
    enum PaymentSource {
        Mesi, // 0: $MESI from the fan's wallet (direct, permit or signed meta-transaction)
        Stablecoin, // 1: a listed stablecoin, converted at the converter's rate
        Fiat, // 2: card payment credited by the relayer from the float (held, reversible)
        RelayerStablecoin // 3: stablecoin deposit received off-contract, credited by the relayer (not held)
    }
}
