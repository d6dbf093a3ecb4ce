// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { ERC20 } from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import { ERC1363 } from "@openzeppelin/contracts/token/ERC20/extensions/ERC1363.sol";
import { ERC20Permit } from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title MesiToken
/// @notice $MESI: a fixed-supply ERC-20 with EIP-2612 permit and ERC-1363 (`transferAndCall`, `approveAndCall`:
/// a transfer or approval and a call to the receiving contract in one transaction — how a wallet tips through
/// MesiVault without an approval). The whole supply is minted once, at deployment, to `initialHolder`; there is no
/// mint, burn or owner afterwards.
contract MesiToken is ERC20, ERC20Permit, ERC1363 {
    /// @notice Fixed total supply: 100,000,000,000 MESI (18 decimals), i.e. 1e29 base units (< 2^97).
    uint256 public constant TOTAL_SUPPLY = 100_000_000_000e18;

    /// @notice Mints the whole supply to `initialHolder`.
    /// @param initialHolder Receives the whole supply (reverts with ERC20InvalidReceiver if zero).
    constructor(address initialHolder) ERC20("Mesi", "MESI") ERC20Permit("Mesi") {
        _mint(initialHolder, TOTAL_SUPPLY);
    }
}
