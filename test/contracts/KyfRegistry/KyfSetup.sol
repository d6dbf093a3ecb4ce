// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";

import { KyfRegistry } from "../../../contracts/KyfRegistry.sol";

/// @notice A KyfRegistry administered by the test, with a verifier and a requester (the escrow's role).
abstract contract KyfSetup is Test {
    KyfRegistry internal kyf;
    address internal verifier = makeAddr("verifier");
    address internal requester = makeAddr("requester");
    address internal creator = makeAddr("creator");
    address internal fan = makeAddr("fan");

    function setUp() public virtual {
        vm.warp(1_750_000_000);
        kyf = new KyfRegistry(0, address(this));
        kyf.grantRole(kyf.VERIFIER_ROLE(), verifier);
        kyf.grantRole(kyf.KYF_REQUESTER_ROLE(), requester);
    }

    function _attest(address wallet, uint8 level, uint64 expiresAt) internal {
        vm.prank(verifier);
        kyf.attest(wallet, level, expiresAt);
    }
}
