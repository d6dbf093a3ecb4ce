// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";
import { IERC20 } from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import { CreatorRegistry } from "../../../contracts/CreatorRegistry.sol";
import { MesiToken } from "../../../contracts/MesiToken.sol";
import { MesiVault } from "../../../contracts/MesiVault.sol";
import { IMesiVault } from "../../../contracts/interfaces/IMesiVault.sol";

/// @notice Real MesiToken and MesiVault with the registry holding MODULE_ROLE; this contract holds the supply.
abstract contract RegistrySetup is Test {
    uint256 internal constant SUPPLY = 100_000_000_000e18;
    uint256 internal constant PERIOD = 30 days;
    uint256 internal constant FEE_BPS = 1000;

    MesiToken internal mesi;
    MesiVault internal vault;
    CreatorRegistry internal registry;

    address internal creator = makeAddr("creator");
    address internal fan = makeAddr("fan");

    function setUp() public virtual {
        vm.warp(1_750_000_000);
        mesi = new MesiToken(address(this));
        vault = new MesiVault(IERC20(address(mesi)), makeAddr("converter"), makeAddr("treasury"), 0, address(this));
        registry = new CreatorRegistry(IMesiVault(address(vault)));
        vault.grantRole(vault.MODULE_ROLE(), address(registry));
        vault.grantRole(vault.PAUSER_ROLE(), address(this));
        vm.prank(creator);
        registry.register("ipfs://creator");
    }

    /// @dev Gives `who` `amount` $MESI and an unlimited allowance for the vault.
    function _fund(address who, uint256 amount) internal {
        assertTrue(mesi.transfer(who, amount));
        vm.prank(who);
        mesi.approve(address(vault), type(uint256).max);
    }

    function _createTier(uint256 price, uint8 rank, uint8 trialDays) internal returns (uint32 tierId) {
        vm.prank(creator);
        tierId = registry.createTier(price, rank, trialDays, "");
    }

    function _subscribe(address who, uint32 tierId, uint16 periods) internal {
        vm.prank(who);
        registry.subscribe(creator, tierId, periods);
    }

    function _feeOf(uint256 amount) internal pure returns (uint256) {
        return (amount * FEE_BPS) / 10_000;
    }
}
