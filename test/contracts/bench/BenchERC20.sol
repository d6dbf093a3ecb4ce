// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import { ERC20 } from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import { ERC20Permit } from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title BenchERC20
/// @notice Gas baseline only (scripts/bench-gas.ts): a bare OpenZeppelin ERC-20 with EIP-2612 permit and an open
/// mint. Never deployed outside the benchmark.
contract BenchERC20 is ERC20, ERC20Permit {
    constructor() ERC20("Bench", "BENCH") ERC20Permit("Bench") {}

    /// @notice Mints `amount` to `to`; open to anyone (benchmark setup).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
