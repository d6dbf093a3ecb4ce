// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import { IOneToOneEscrow } from "../interfaces/IOneToOneEscrow.sol";

/// @title SessionCommitment
/// @notice The commitment a one-to-one session's word keeps: `keccak256(abi.encode(session))` truncated to 184 bits
/// (a collision takes ~2^92 hashes).
/// @dev {IOneToOneEscrow.Session} has only static fields, so its calldata and its memory layout are its ABI
/// encoding: the hash is taken in place, without decoding the record into memory and encoding it again. A calldata
/// record with dirty padding hashes differently from the clean record committed at request time and is refused as a
/// mismatch, so nothing needs validating here.
/// Inline assembly here only hashes a record in place (calldatacopy + keccak256): every call of the escrow checks a
/// commitment, and decoding the nine fields into a memory struct and ABI-encoding them again would cost more than
/// the hash itself.
library SessionCommitment {
    /// @dev 9 fields of 32 bytes.
    uint256 internal constant RECORD_SIZE = 9 * 32;
    /// @dev Byte offsets of the fields a transition changes.
    uint256 internal constant KYF_DEADLINE_OFFSET = 7 * 32;
    uint256 internal constant STARTED_AT_OFFSET = 8 * 32;
    /// @dev Low 184 bits.
    uint256 internal constant MASK = (1 << 184) - 1;

    /// @notice The commitment of a record in calldata.
    function commitment(IOneToOneEscrow.Session calldata session) internal pure returns (uint256 c) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, session, RECORD_SIZE)
            c := and(keccak256(ptr, RECORD_SIZE), MASK)
        }
    }

    /// @notice The commitment of a record in memory.
    function commitmentInMemory(IOneToOneEscrow.Session memory session) internal pure returns (uint256 c) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            c := and(keccak256(session, RECORD_SIZE), MASK)
        }
    }

    /// @notice The commitment of a calldata record whose field at byte `offset` is replaced by `value`.
    function withField(
        IOneToOneEscrow.Session calldata session,
        uint256 offset,
        uint256 value
    ) internal pure returns (uint256 c) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, session, RECORD_SIZE)
            mstore(add(ptr, offset), value)
            c := and(keccak256(ptr, RECORD_SIZE), MASK)
        }
    }
}
