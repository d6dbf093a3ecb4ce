// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import { ERC1155 } from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";

/// @title BenchERC1155
/// @notice Gas baseline only (scripts/bench-gas.ts): a bare OpenZeppelin ERC-1155 with an open mint. Never deployed
/// outside the benchmark.
contract BenchERC1155 is ERC1155 {
    constructor() ERC1155("") {}

    /// @notice Mints `amount` of token `id` to `to`; open to anyone (benchmark setup).
    function mint(address to, uint256 id, uint256 amount) external {
        _mint(to, id, amount, "");
    }
}
