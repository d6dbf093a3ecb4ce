// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import { ERC1967Proxy } from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title BenchProxy
/// @notice Gas baseline only (scripts/bench-gas.ts): the Unlock Protocol factory ships as an implementation that
/// must live behind a proxy (its constructor disables `initialize`), as it does on every network it is deployed to.
contract BenchProxy is ERC1967Proxy {
    constructor(address implementation, bytes memory data) payable ERC1967Proxy(implementation, data) {}
}
