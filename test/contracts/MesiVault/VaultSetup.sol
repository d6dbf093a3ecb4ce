// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";

import { MesiToken } from "../../../contracts/MesiToken.sol";
import { MesiVault } from "../../../contracts/MesiVault.sol";
import { StableConverter } from "../../../contracts/StableConverter.sol";
import { TestUSDC } from "../../../contracts/TestUSDC.sol";

/// @notice The real token, test USDC, converter and vault, with the supply at `whale` and a funded float.
abstract contract VaultSetup is Test {
    uint256 internal constant SUPPLY = 100_000_000_000e18;
    uint256 internal constant USDC_RATE = 1e32; // 1 MESI = 0.01 USD
    uint256 internal constant FLOAT = 10_000_000_000e18;

    MesiToken internal mesi;
    TestUSDC internal usdc;
    StableConverter internal converter;
    MesiVault internal vault;

    address internal admin = makeAddr("admin");
    address internal whale = makeAddr("whale");
    address internal treasury = makeAddr("treasury");
    address internal relayer = makeAddr("relayer");
    address internal pauser = makeAddr("pauser");

    function setUp() public virtual {
        mesi = new MesiToken(whale);
        usdc = new TestUSDC();
        converter = new StableConverter(0, admin);
        vault = new MesiVault(mesi, address(converter), treasury, 0, admin);
        vm.startPrank(admin);
        converter.grantRole(converter.RATE_SETTER_ROLE(), admin);
        converter.scheduleListing(address(usdc), USDC_RATE);
        converter.setRate(address(usdc), USDC_RATE);
        vault.grantRole(vault.RELAYER_ROLE(), relayer);
        vault.grantRole(vault.PAUSER_ROLE(), pauser);
        vm.stopPrank();
        vm.startPrank(whale);
        mesi.approve(address(vault), FLOAT);
        vault.fundFloat(FLOAT);
        vm.stopPrank();
    }

    /// @dev `account` opens its Mesi account, so that it can be paid.
    function _openAccount(address account) internal {
        vm.prank(account);
        vault.openAccount();
    }

    /// @dev MESI.balanceOf(vault) minus everything the ledger accounts for, over `creators`.
    function _ledger(address[] memory creators) internal view returns (uint256 total) {
        total = vault.feePool() + vault.floatBalance() + vault.escrowed();
        for (uint256 i; i < creators.length; ++i) {
            (uint256 cleared, uint256 pending, uint256 feesOwed) = vault.earningsOf(creators[i]);
            total += cleared + pending + feesOwed;
        }
    }
}
