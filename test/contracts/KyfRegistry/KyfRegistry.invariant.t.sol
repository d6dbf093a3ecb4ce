// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";
import { StdInvariant } from "forge-std/StdInvariant.sol";

import { KyfRegistry } from "../../../contracts/KyfRegistry.sol";
import { IKyfRegistry } from "../../../contracts/interfaces/IKyfRegistry.sol";
import { KyfSetup } from "./KyfSetup.sol";

/// @notice Drives requests (direct and by the requester), consents, revocations, attestations and time over a
/// small set of creators and fans, and keeps a model of which pairs consented to their latest request.
contract KyfHandler is Test {
    KyfRegistry internal immutable kyf;
    address internal immutable verifier;
    address internal immutable requester;
    address[] internal actors;

    /// @notice Model: consent given since the pair's latest request and not revoked.
    mapping(address creator => mapping(address fan => bool)) public modelConsented;
    uint256 public ghostConsents;
    uint256 public ghostRevocations;

    constructor(KyfRegistry kyf_, address verifier_, address requester_, address[] memory actors_) {
        kyf = kyf_;
        verifier = verifier_;
        requester = requester_;
        actors = actors_;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function actorAt(uint256 i) external view returns (address) {
        return actors[i];
    }

    function request(uint256 creatorSeed, uint256 fanSeed, bool viaRequester) external {
        (address creator, address fan) = (_actor(creatorSeed), _actor(fanSeed));
        if (creator == fan) return;
        if (viaRequester) {
            vm.prank(requester);
            kyf.requestDisclosureFor(creator, fan);
        } else {
            vm.prank(creator);
            kyf.requestDisclosure(fan);
        }
        modelConsented[creator][fan] = false;
    }

    function consent(uint256 creatorSeed, uint256 fanSeed) external {
        (address creator, address fan) = (_actor(creatorSeed), _actor(fanSeed));
        vm.prank(fan);
        try kyf.consent(creator) {
            modelConsented[creator][fan] = true;
            ++ghostConsents;
        } catch {
            // No request, already consented or not attested: the model is unchanged.
            return;
        }
    }

    function revokeConsent(uint256 creatorSeed, uint256 fanSeed) external {
        (address creator, address fan) = (_actor(creatorSeed), _actor(fanSeed));
        vm.prank(fan);
        try kyf.revokeConsent(creator) {
            modelConsented[creator][fan] = false;
        } catch {
            return;
        }
    }

    function attest(uint256 walletSeed, uint8 level, uint256 ttl) external {
        level = uint8(bound(level, 1, 3));
        ttl = bound(ttl, 1, 60 days);
        vm.prank(verifier);
        kyf.attest(_actor(walletSeed), level, uint64(block.timestamp + ttl));
    }

    function revoke(uint256 walletSeed) external {
        vm.prank(verifier);
        try kyf.revoke(_actor(walletSeed)) {
            ++ghostRevocations;
        } catch {
            return;
        }
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 20 days));
    }

    function _actor(uint256 seed) private view returns (address) {
        return actors[seed % actors.length];
    }
}

/// @notice Invariants of disclosure consent (see test/contracts/invariant/README.md).
contract KyfRegistryInvariantTest is StdInvariant, KyfSetup {
    KyfHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory actors = new address[](4);
        for (uint256 i; i < actors.length; ++i) {
            actors[i] = makeAddr(string.concat("actor", vm.toString(i)));
        }
        handler = new KyfHandler(kyf, verifier, requester, actors);
        targetContract(address(handler));
    }

    /// @dev hasConsented == consented to the latest request (per the model) and attestation valid now.
    function invariant_HasConsentedMatchesModel() public view {
        uint256 n = handler.actorCount();
        for (uint256 i; i < n; ++i) {
            for (uint256 j; j < n; ++j) {
                (address creator, address fan) = (handler.actorAt(i), handler.actorAt(j));
                bool expected = handler.modelConsented(creator, fan) && kyf.levelOf(fan) != 0;
                assertEq(kyf.hasConsented(creator, fan), expected);
            }
        }
    }

    /// @dev A recorded consent never predates the pending request, and consent needs a request.
    function invariant_ConsentNeverPredatesRequest() public view {
        uint256 n = handler.actorCount();
        for (uint256 i; i < n; ++i) {
            for (uint256 j; j < n; ++j) {
                IKyfRegistry.Disclosure memory d = kyf.disclosureOf(handler.actorAt(i), handler.actorAt(j));
                if (d.consentedAt != 0) {
                    assertGe(d.consentedAt, d.requestedAt);
                    assertGt(d.requestedAt, 0);
                }
                if (i == j) assertEq(d.requestedAt, 0);
            }
        }
    }

    /// @dev levelOf is the attested level while unexpired, else 0, and always within 0..3.
    function invariant_LevelMatchesAttestation() public view {
        for (uint256 i; i < handler.actorCount(); ++i) {
            address wallet = handler.actorAt(i);
            IKyfRegistry.Attestation memory a = kyf.attestationOf(wallet);
            uint8 level = kyf.levelOf(wallet);
            assertLe(level, 3);
            assertEq(level, a.expiresAt > block.timestamp ? a.level : 0);
        }
    }
}
