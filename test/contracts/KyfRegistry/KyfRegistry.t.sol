// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { IKyfRegistry } from "../../../contracts/interfaces/IKyfRegistry.sol";
import { KyfSetup } from "./KyfSetup.sol";

/// @notice Fuzz tests of attestation expiry, consent and the consent window.
contract KyfRegistryTest is KyfSetup {
    function test_ConsentFlow() public {
        _attest(fan, 2, uint64(block.timestamp + 1 days));
        vm.prank(creator);
        kyf.requestDisclosure(fan);
        vm.prank(fan);
        kyf.consent(creator);
        assertTrue(kyf.hasConsented(creator, fan));
    }

    function test_RevertWhen_ZeroAddressOrSelfRequest() public {
        vm.expectRevert(IKyfRegistry.Kyf_ZeroAddress.selector);
        _attest(address(0), 1, uint64(block.timestamp + 1));

        vm.expectRevert(IKyfRegistry.Kyf_ZeroAddress.selector);
        vm.prank(creator);
        kyf.requestDisclosure(address(0));

        vm.expectRevert(IKyfRegistry.Kyf_ZeroAddress.selector);
        vm.prank(requester);
        kyf.requestDisclosureFor(address(0), fan);

        vm.expectRevert(abi.encodeWithSelector(IKyfRegistry.Kyf_SelfRequest.selector, creator));
        vm.prank(creator);
        kyf.requestDisclosure(creator);
    }

    function test_RevokeAndConsentErrors() public {
        vm.expectRevert(abi.encodeWithSelector(IKyfRegistry.Kyf_NotAttested.selector, fan));
        vm.prank(verifier);
        kyf.revoke(fan);

        vm.expectRevert(abi.encodeWithSelector(IKyfRegistry.Kyf_NoRequest.selector, creator, fan));
        vm.prank(fan);
        kyf.consent(creator);

        vm.expectRevert(abi.encodeWithSelector(IKyfRegistry.Kyf_NotConsented.selector, creator, fan));
        vm.prank(fan);
        kyf.revokeConsent(creator);

        _attest(fan, 1, uint64(block.timestamp + 1 days));
        vm.prank(creator);
        kyf.requestDisclosure(fan);
        vm.prank(fan);
        kyf.consent(creator);
        vm.expectRevert(abi.encodeWithSelector(IKyfRegistry.Kyf_AlreadyConsented.selector, creator, fan));
        vm.prank(fan);
        kyf.consent(creator);

        vm.expectEmit(address(kyf));
        emit IKyfRegistry.DisclosureConsentRevoked(creator, fan);
        vm.prank(fan);
        kyf.revokeConsent(creator);
        assertFalse(kyf.hasConsented(creator, fan));

        vm.expectEmit(address(kyf));
        emit IKyfRegistry.AttestationRevoked(fan, verifier);
        vm.prank(verifier);
        kyf.revoke(fan);
        assertEq(kyf.levelOf(fan), 0);
    }

    function testFuzz_Attest_LevelHoldsUntilExpiry(uint8 level, uint64 ttl, uint256 elapsed) public {
        level = uint8(bound(level, 1, 3));
        ttl = uint64(bound(ttl, 1, 100 * 365 days));
        elapsed = bound(elapsed, 0, 2 * uint256(ttl));
        uint64 expiresAt = uint64(block.timestamp) + ttl;

        vm.expectEmit(address(kyf));
        emit IKyfRegistry.Attested(fan, level, expiresAt, verifier);
        _attest(fan, level, expiresAt);

        vm.warp(block.timestamp + elapsed);
        assertEq(kyf.levelOf(fan), elapsed < ttl ? level : 0);
        IKyfRegistry.Attestation memory a = kyf.attestationOf(fan);
        assertEq(a.level, level);
        assertEq(a.expiresAt, expiresAt);
        assertEq(a.verifier, verifier);
    }

    function testFuzz_Attest_AnyFutureExpiryUpToUint64(uint64 expiresAt) public {
        expiresAt = uint64(bound(expiresAt, block.timestamp + 1, type(uint64).max));
        _attest(fan, 3, expiresAt);
        assertEq(kyf.levelOf(fan), 3);
    }

    function testFuzz_RevertWhen_LevelInvalid(uint8 level) public {
        vm.assume(level == 0 || level > 3);
        vm.expectRevert(abi.encodeWithSelector(IKyfRegistry.Kyf_InvalidLevel.selector, level));
        _attest(fan, level, uint64(block.timestamp + 1));
    }

    function testFuzz_RevertWhen_ExpiryNotInFuture(uint64 expiresAt) public {
        expiresAt = uint64(bound(expiresAt, 0, block.timestamp));
        vm.expectRevert(abi.encodeWithSelector(IKyfRegistry.Kyf_ExpiryInPast.selector, expiresAt));
        _attest(fan, 1, expiresAt);
    }

    function testFuzz_SetConsentWindow(uint256 seconds_) public {
        bool valid = seconds_ >= 1 hours && seconds_ <= 30 days;
        if (!valid) vm.expectRevert(abi.encodeWithSelector(IKyfRegistry.Kyf_InvalidWindow.selector, seconds_));
        kyf.setConsentWindow(seconds_);
        assertEq(kyf.consentWindow(), valid ? seconds_ : 48 hours);
    }

    function testFuzz_RequestDisclosure_DeadlineIsNowPlusWindow(uint256 window, uint256 at) public {
        window = bound(window, 1 hours, 30 days);
        at = bound(at, block.timestamp, type(uint40).max);
        kyf.setConsentWindow(window);
        vm.warp(at);

        vm.expectEmit(address(kyf));
        emit IKyfRegistry.DisclosureRequested(creator, fan, uint64(at), uint64(at + window));
        vm.prank(requester);
        kyf.requestDisclosureFor(creator, fan);

        IKyfRegistry.Disclosure memory d = kyf.disclosureOf(creator, fan);
        assertEq(d.requestedAt, at);
        assertEq(d.consentedAt, 0);
    }

    function testFuzz_HasConsented_FollowsAttestationExpiry(
        uint64 ttl,
        uint256 consentAfter,
        uint256 checkAfter
    ) public {
        ttl = uint64(bound(ttl, 2, 365 days));
        consentAfter = bound(consentAfter, 0, ttl - 1);
        checkAfter = bound(checkAfter, 0, 2 * uint256(ttl));
        uint256 start = block.timestamp;
        _attest(fan, 1, uint64(start) + ttl);
        vm.prank(creator);
        kyf.requestDisclosure(fan);

        vm.warp(start + consentAfter);
        vm.prank(fan);
        kyf.consent(creator);

        vm.warp(start + consentAfter + checkAfter);
        assertEq(kyf.hasConsented(creator, fan), consentAfter + checkAfter < ttl);
    }

    function testFuzz_RevertWhen_ConsentAfterAttestationExpired(uint64 ttl, uint256 late) public {
        ttl = uint64(bound(ttl, 1, 365 days));
        late = bound(late, 0, 365 days);
        _attest(fan, 1, uint64(block.timestamp) + ttl);
        vm.prank(creator);
        kyf.requestDisclosure(fan);
        vm.warp(block.timestamp + ttl + late);
        vm.expectRevert(abi.encodeWithSelector(IKyfRegistry.Kyf_NotAttested.selector, fan));
        vm.prank(fan);
        kyf.consent(creator);
    }
}
