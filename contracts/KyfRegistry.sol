// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { AccessControlDefaultAdminRules } from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import { SafeCast } from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import { IKyfRegistry } from "./interfaces/IKyfRegistry.sol";

/// @title KyfRegistry
/// @notice Know Your Fan attestations and the fans' consent to disclose their verified data to a creator.
/// An attestation is valid while `block.timestamp < expiresAt`. Consent is tied to the latest request: a new
/// request clears an earlier consent, and consent counts only while the fan's attestation is valid.
contract KyfRegistry is IKyfRegistry, AccessControlDefaultAdminRules {
    /// @notice Attests and revokes verifications.
    bytes32 public constant VERIFIER_ROLE = keccak256("VERIFIER_ROLE");
    /// @notice May request disclosure on behalf of a creator (the one-to-one escrow).
    bytes32 public constant KYF_REQUESTER_ROLE = keccak256("KYF_REQUESTER_ROLE");

    /// @notice Highest verification level.
    uint8 public constant MAX_LEVEL = 3;
    /// @notice Shortest allowed {consentWindow}.
    uint256 public constant MIN_CONSENT_WINDOW = 1 hours;
    /// @notice Longest allowed {consentWindow}.
    uint256 public constant MAX_CONSENT_WINDOW = 30 days;

    mapping(address wallet => Attestation) private _attestations;
    mapping(address creator => mapping(address fan => Disclosure)) private _disclosures;
    uint256 private _consentWindow = 48 hours;

    /// @notice Sets the admin; the consent window starts at 48 hours.
    /// @param initialDelay Delay of a default-admin handover (0 locally, e.g. 1 day in production).
    /// @param initialAdmin Holder of DEFAULT_ADMIN_ROLE.
    constructor(uint48 initialDelay, address initialAdmin) AccessControlDefaultAdminRules(initialDelay, initialAdmin) {}

    /// @inheritdoc IKyfRegistry
    function attest(address wallet, uint8 level, uint64 expiresAt) external onlyRole(VERIFIER_ROLE) {
        if (wallet == address(0)) revert Kyf_ZeroAddress();
        if (level == 0 || level > MAX_LEVEL) revert Kyf_InvalidLevel(level);
        if (expiresAt <= block.timestamp) revert Kyf_ExpiryInPast(expiresAt);

        _attestations[wallet] = Attestation({ level: level, expiresAt: expiresAt, verifier: msg.sender });
        emit Attested(wallet, level, expiresAt, msg.sender);
    }

    /// @inheritdoc IKyfRegistry
    function revoke(address wallet) external onlyRole(VERIFIER_ROLE) {
        // An expired attestation can still be revoked: it clears the record.
        if (_attestations[wallet].level == 0) revert Kyf_NotAttested(wallet);

        delete _attestations[wallet];
        emit AttestationRevoked(wallet, msg.sender);
    }

    /// @inheritdoc IKyfRegistry
    function requestDisclosure(address fan) external {
        _requestDisclosure(msg.sender, fan);
    }

    /// @inheritdoc IKyfRegistry
    function requestDisclosureFor(address creator, address fan) external onlyRole(KYF_REQUESTER_ROLE) {
        _requestDisclosure(creator, fan);
    }

    /// @inheritdoc IKyfRegistry
    function consent(address creator) external {
        Disclosure storage disclosure = _disclosures[creator][msg.sender];
        if (disclosure.requestedAt == 0) revert Kyf_NoRequest(creator, msg.sender);
        // A new request clears consentedAt, so a non-zero value always answers the latest request.
        if (disclosure.consentedAt != 0) revert Kyf_AlreadyConsented(creator, msg.sender);
        uint8 level = levelOf(msg.sender);
        if (level == 0) revert Kyf_NotAttested(msg.sender);

        uint64 nowTimestamp = SafeCast.toUint64(block.timestamp);
        disclosure.consentedAt = nowTimestamp;
        emit DisclosureConsented(creator, msg.sender, level, nowTimestamp);
    }

    /// @inheritdoc IKyfRegistry
    function revokeConsent(address creator) external {
        Disclosure storage disclosure = _disclosures[creator][msg.sender];
        if (disclosure.consentedAt == 0) revert Kyf_NotConsented(creator, msg.sender);

        // The request stays pending: the fan may consent again.
        disclosure.consentedAt = 0;
        emit DisclosureConsentRevoked(creator, msg.sender);
    }

    /// @inheritdoc IKyfRegistry
    function setConsentWindow(uint256 seconds_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (seconds_ < MIN_CONSENT_WINDOW || seconds_ > MAX_CONSENT_WINDOW) revert Kyf_InvalidWindow(seconds_);

        uint256 oldSeconds = _consentWindow;
        _consentWindow = seconds_;
        emit ConsentWindowUpdated(oldSeconds, seconds_);
    }

    /// @inheritdoc IKyfRegistry
    function attestationOf(address wallet) external view returns (Attestation memory) {
        return _attestations[wallet];
    }

    /// @inheritdoc IKyfRegistry
    function disclosureOf(address creator, address fan) external view returns (Disclosure memory) {
        return _disclosures[creator][fan];
    }

    /// @inheritdoc IKyfRegistry
    function hasConsented(address creator, address fan) external view returns (bool) {
        Disclosure memory disclosure = _disclosures[creator][fan];
        return disclosure.consentedAt != 0 && disclosure.consentedAt >= disclosure.requestedAt && levelOf(fan) != 0;
    }

    /// @inheritdoc IKyfRegistry
    function consentWindow() external view returns (uint256) {
        return _consentWindow;
    }

    /// @inheritdoc IKyfRegistry
    function levelOf(address wallet) public view returns (uint8) {
        Attestation memory attestation = _attestations[wallet];
        return attestation.expiresAt > block.timestamp ? attestation.level : 0;
    }

    /// @dev Records a request from `creator` to `fan`, clearing any earlier consent.
    function _requestDisclosure(address creator, address fan) private {
        if (creator == address(0) || fan == address(0)) revert Kyf_ZeroAddress();
        if (creator == fan) revert Kyf_SelfRequest(fan);

        uint64 requestedAt = SafeCast.toUint64(block.timestamp);
        _disclosures[creator][fan] = Disclosure({ requestedAt: requestedAt, consentedAt: 0 });
        emit DisclosureRequested(creator, fan, requestedAt, SafeCast.toUint64(block.timestamp + _consentWindow));
    }
}
