// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { Test } from "forge-std/Test.sol";
import { StdInvariant } from "forge-std/StdInvariant.sol";

import { KyfRegistry } from "../../../contracts/KyfRegistry.sol";
import { IKyfRegistry } from "../../../contracts/interfaces/IKyfRegistry.sol";
import { KyfSetup } from "./KyfSetup.sol";

/// @notice Drives requests (direct and by the requester), consents, revocations, attestations and time over a
/// small set of creators and fans, and keeps a model of which pairs consented to their latest request and of every
/// wallet's attestation (level and expiry as attested, cleared by a revocation), never read back from the registry.
/// @dev Bounded: a consent is given by a fan with a pending request and a valid attestation, a revocation by one who
/// consented, so that they succeed; a consent without a request or without a valid attestation is attempted on
/// purpose and must be refused. The counts are asserted after each run (see the invariant test).
contract KyfHandler is Test {
    KyfRegistry internal immutable kyf;
    address internal immutable verifier;
    address internal immutable requester;
    address[] internal actors;

    /// @notice Model: consent given since the pair's latest request and not revoked.
    mapping(address creator => mapping(address fan => bool)) public modelConsented;
    uint256 public ghostConsents;
    uint256 public ghostRevocations;
    /// @notice The model of each wallet's attestation: level and expiry as last attested (0, 0 after a revocation).
    mapping(address wallet => uint8) public modelLevel;
    mapping(address wallet => uint64) public modelExpiresAt;
    /// @notice Model: a request is pending for the pair (made and never cleared; consents and revocations keep it).
    mapping(address creator => mapping(address fan => bool)) public modelRequested;
    /// @notice Consents that went through although they had to be refused (must stay 0).
    uint256 public wronglyAccepted;
    uint256 public reachedRequests;
    uint256 public reachedConsentRevocations;
    uint256 public reachedExpiredConsents;
    /// @notice Consents made to lapse on purpose (`lapse`): the fan's attestation expired under a standing consent.
    uint256 public reachedLapses;
    uint256 public refusedNoRequest;
    uint256 public refusedNotAttested;
    uint256 public calls;
    uint256 public idle;

    modifier counted() {
        ++calls;
        _;
    }

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

    function request(uint256 creatorSeed, uint256 fanSeed, bool viaRequester) external counted {
        (address creator, address fan) = (_actor(creatorSeed), _actor(fanSeed));
        if (creator == fan) fan = actors[((fanSeed % actors.length) + 1) % actors.length];
        _request(creator, fan, viaRequester);
    }

    function _request(address creator, address fan, bool viaRequester) private {
        if (viaRequester) {
            vm.prank(requester);
            kyf.requestDisclosureFor(creator, fan);
        } else {
            vm.prank(creator);
            kyf.requestDisclosure(fan);
        }
        modelConsented[creator][fan] = false;
        modelRequested[creator][fan] = true;
        ++reachedRequests;
    }

    /// @dev A pair (the first from a random start) whose fan has a pending request not yet answered and a valid
    /// attestation, by the model: the consent must succeed.
    function consent(uint256 seed) external counted {
        uint256 n = actors.length;
        for (uint256 k; k < n * n; ++k) {
            uint256 pair = ((seed % (n * n)) + k) % (n * n);
            (address creator, address fan) = (actors[pair / n], actors[pair % n]);
            if (!modelRequested[creator][fan] || modelConsented[creator][fan] || !_modelAttested(fan)) continue;
            vm.prank(fan);
            kyf.consent(creator);
            modelConsented[creator][fan] = true;
            ++ghostConsents;
            return;
        }
        _idle();
    }

    /// @dev A consent the model says must be refused: no request (Kyf_NoRequest) or no valid attestation
    /// (Kyf_NotAttested). Nothing changes. Requests are never withdrawn, so once every pair of actors has one, a
    /// creator who never asked (an address outside the actors) stands in for "no request": the refusal is reached
    /// on every call by construction, not by the chance of an unrequested pair.
    function consentRefused(uint256 creatorSeed, uint256 fanSeed) external counted {
        (address creator, address fan) = (_actor(creatorSeed), _actor(fanSeed));
        if (creator == fan || modelConsented[creator][fan] || (modelRequested[creator][fan] && _modelAttested(fan))) {
            creator = address(uint160(uint256(keccak256(abi.encode("never asked", creatorSeed)))));
        }
        bytes memory expected;
        if (!modelRequested[creator][fan]) {
            expected = abi.encodeWithSelector(IKyfRegistry.Kyf_NoRequest.selector, creator, fan);
        } else {
            expected = abi.encodeWithSelector(IKyfRegistry.Kyf_NotAttested.selector, fan);
        }
        vm.prank(fan);
        try kyf.consent(creator) {
            ++wronglyAccepted;
        } catch (bytes memory reason) {
            assertEq(reason, expected);
            if (modelRequested[creator][fan]) ++refusedNotAttested;
            else ++refusedNoRequest;
        }
    }

    function revokeConsent(uint256 seed) external counted {
        uint256 n = actors.length;
        for (uint256 k; k < n * n; ++k) {
            uint256 pair = ((seed % (n * n)) + k) % (n * n);
            (address creator, address fan) = (actors[pair / n], actors[pair % n]);
            if (!modelConsented[creator][fan]) continue;
            vm.prank(fan);
            kyf.revokeConsent(creator);
            modelConsented[creator][fan] = false;
            ++reachedConsentRevocations;
            return;
        }
        _idle();
    }

    function attest(uint256 walletSeed, uint8 level, uint256 ttl) external counted {
        _attest(_actor(walletSeed), level, bound(ttl, 1, 60 days));
    }

    /// @dev A consent whose fan's attestation lapses, made on purpose: a pair that consented while attested (the
    /// first from a random start; when none is, one is made: the fan attested for up to 20 days, a request, a
    /// consent), then time moves to the fan's expiry, the first second `levelOf` answers 0. `hasConsented` must now be
    /// false (`invariant_HasConsentedMatchesModel`).
    function lapse(uint256 seed, uint8 level, uint256 ttl) external counted {
        uint256 n = actors.length;
        address creator;
        address fan;
        for (uint256 k; k < n * n && creator == address(0); ++k) {
            uint256 pair = ((seed % (n * n)) + k) % (n * n);
            (address c, address f) = (actors[pair / n], actors[pair % n]);
            if (modelConsented[c][f] && _modelAttested(f)) (creator, fan) = (c, f);
        }
        if (creator == address(0)) {
            (creator, fan) = (_actor(seed), _actor((seed % n) + 1));
            if (!_modelAttested(fan)) _attest(fan, level, bound(ttl, 1 hours, 20 days));
            if (!modelConsented[creator][fan]) {
                if (!modelRequested[creator][fan]) _request(creator, fan, false);
                vm.prank(fan);
                kyf.consent(creator);
                modelConsented[creator][fan] = true;
                ++ghostConsents;
            }
        }
        vm.warp(modelExpiresAt[fan]);
        ++reachedLapses;
    }

    function _attest(address wallet, uint8 level, uint256 ttl) private {
        level = uint8(bound(level, 1, 3));
        vm.prank(verifier);
        kyf.attest(wallet, level, uint64(block.timestamp + ttl));
        modelLevel[wallet] = level;
        modelExpiresAt[wallet] = uint64(block.timestamp + ttl);
    }

    function revoke(uint256 walletSeed) external counted {
        address wallet = _actor(walletSeed);
        if (modelLevel[wallet] == 0) return _idle();
        vm.prank(verifier);
        kyf.revoke(wallet);
        modelLevel[wallet] = 0;
        modelExpiresAt[wallet] = 0;
        ++ghostRevocations;
    }

    function warp(uint256 seconds_) external counted {
        uint256 n = actors.length;
        vm.warp(block.timestamp + bound(seconds_, 0, 20 days));
        // Consents whose fan's attestation has lapsed meanwhile (hasConsented must now be false).
        for (uint256 i; i < n * n; ++i) {
            (address creator, address fan) = (actors[i / n], actors[i % n]);
            if (modelConsented[creator][fan] && modelLevel[fan] != 0 && !_modelAttested(fan)) ++reachedExpiredConsents;
        }
    }

    function _modelAttested(address wallet) private view returns (bool) {
        return modelLevel[wallet] != 0 && modelExpiresAt[wallet] > block.timestamp;
    }

    function _idle() private {
        ++idle;
    }

    function _actor(uint256 seed) private view returns (address) {
        return actors[seed % actors.length];
    }
}

/// @notice Invariants of disclosure consent (see test/contracts/invariant/README.md).
contract KyfRegistryInvariantTest is StdInvariant, KyfSetup {
    /// @dev Written by afterInvariant, read by scripts/test-contracts.ts (hardhat.config.ts allows this one file).
    string internal constant INVARIANT_DEPTH_LOG = "cache/invariant-depth.log";
    /// @dev What every run of 500 calls must reach (about 60 % of the least a run reached when these were set).
    /// (least when set: consents 36, consent revocations 29, attestation revocations 28, lapsed consents 11, refused
    /// for no request 3, for no attestation 17; lapsed consents later reached only 4 in one run of the full suite, so
    /// their floor is 2).
    uint256 internal constant MIN_CONSENTS = 22;
    uint256 internal constant MIN_CONSENT_REVOCATIONS = 17;
    uint256 internal constant MIN_ATTESTATION_REVOCATIONS = 17;
    uint256 internal constant MIN_EXPIRED_CONSENTS = 2;
    /// @dev `lapse` (one handler of nine, about 55 calls a run) makes one every call.
    uint256 internal constant MIN_LAPSES = 25;
    uint256 internal constant MIN_REFUSED_NO_REQUEST = 2;
    uint256 internal constant MIN_REFUSED_NOT_ATTESTED = 10;

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
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
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
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
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
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    function invariant_LevelMatchesAttestation() public view {
        for (uint256 i; i < handler.actorCount(); ++i) {
            address wallet = handler.actorAt(i);
            IKyfRegistry.Attestation memory a = kyf.attestationOf(wallet);
            uint8 level = kyf.levelOf(wallet);
            assertLe(level, 3);
            assertEq(level, a.expiresAt > block.timestamp ? a.level : 0);
            // The stored attestation and the level are the ones the model says, not only self-consistent.
            assertEq(a.level, handler.modelLevel(wallet), "attested level");
            assertEq(a.expiresAt, handler.modelExpiresAt(wallet), "attested expiry");
            uint8 expected = handler.modelExpiresAt(wallet) > block.timestamp ? handler.modelLevel(wallet) : 0;
            assertEq(level, expected, "level follows the modelled expiry");
        }
        assertEq(handler.wronglyAccepted(), 0, "a consent that had to be refused went through");
    }

    /// @dev After every run: the run reached each state the invariants speak about, often enough to mean something.
    function afterInvariant() public {
        KyfHandler h = handler;
        string memory counts = string.concat("KyfRegistry run: calls ", vm.toString(h.calls()));
        counts = string.concat(counts, ", idle ", vm.toString(h.idle()));
        counts = string.concat(counts, ", requests ", vm.toString(h.reachedRequests()));
        counts = string.concat(counts, ", consents ", vm.toString(h.ghostConsents()));
        counts = string.concat(counts, ", consent revocations ", vm.toString(h.reachedConsentRevocations()));
        counts = string.concat(counts, ", attestation revocations ", vm.toString(h.ghostRevocations()));
        counts = string.concat(counts, ", lapsed consents ", vm.toString(h.reachedExpiredConsents()));
        counts = string.concat(counts, ", lapses made ", vm.toString(h.reachedLapses()));
        counts = string.concat(counts, ", refused no request ", vm.toString(h.refusedNoRequest()));
        counts = string.concat(counts, ", refused not attested ", vm.toString(h.refusedNotAttested()));
        vm.writeLine(INVARIANT_DEPTH_LOG, counts);
        assertGe(h.ghostConsents(), MIN_CONSENTS, counts);
        assertGe(h.reachedConsentRevocations(), MIN_CONSENT_REVOCATIONS, counts);
        assertGe(h.ghostRevocations(), MIN_ATTESTATION_REVOCATIONS, counts);
        assertGe(h.reachedExpiredConsents(), MIN_EXPIRED_CONSENTS, counts);
        assertGe(h.reachedLapses(), MIN_LAPSES, counts);
        assertGe(h.refusedNoRequest(), MIN_REFUSED_NO_REQUEST, counts);
        assertGe(h.refusedNotAttested(), MIN_REFUSED_NOT_ATTESTED, counts);
        assertLe(h.idle() * 2, h.calls(), counts);
    }
}
