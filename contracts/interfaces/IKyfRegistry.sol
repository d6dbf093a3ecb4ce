// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IKyfRegistry
/// @notice Know Your Fan. A VERIFIER_ROLE account attests that a wallet passed verification at a level (1–3)
/// until an expiry. A creator may ask a fan to disclose their verified registration data; the fan's consent is
/// recorded here. The data itself is never on-chain: only that consent was given, when, and at which level.
interface IKyfRegistry {
    struct Attestation {
        uint8 level;
        uint64 expiresAt;
        address verifier;
    }

    struct Disclosure {
        uint64 requestedAt;
        uint64 consentedAt;
    }

    /// @notice A verifier attested that `wallet` passed verification at `level` until `expiresAt`.
    event Attested(address indexed wallet, uint8 level, uint64 expiresAt, address indexed verifier);
    /// @notice A verifier revoked a wallet's attestation.
    event AttestationRevoked(address indexed wallet, address indexed verifier);
    /// @notice A creator asked `fan` to disclose; the fan has until `deadline` for paid interactions that need it.
    event DisclosureRequested(address indexed creator, address indexed fan, uint64 requestedAt, uint64 deadline);
    /// @notice `fan` consented to share their verified data (attested at `level`) with `creator`.
    event DisclosureConsented(address indexed creator, address indexed fan, uint8 level, uint64 consentedAt);
    /// @notice A fan withdrew their consent to share data with a creator.
    event DisclosureConsentRevoked(address indexed creator, address indexed fan);
    /// @notice The time a fan has to consent changed.
    event ConsentWindowUpdated(uint256 oldSeconds, uint256 newSeconds);

    error Kyf_InvalidLevel(uint8 level);
    error Kyf_ExpiryInPast(uint64 expiresAt);
    error Kyf_ZeroAddress();
    error Kyf_NotAttested(address wallet);
    error Kyf_NoRequest(address creator, address fan);
    error Kyf_AlreadyConsented(address creator, address fan);
    error Kyf_NotConsented(address creator, address fan);
    error Kyf_SelfRequest(address account);
    error Kyf_InvalidWindow(uint256 seconds_);

    /// @notice Requirements: VERIFIER_ROLE; 1 <= level <= 3; expiresAt > now. Emits {Attested}.
    function attest(address wallet, uint8 level, uint64 expiresAt) external;
    /// @notice Requirements: VERIFIER_ROLE; attested. Emits {AttestationRevoked}.
    function revoke(address wallet) external;

    /// @notice The caller (a creator) asks `fan` for disclosure; a new request resets an earlier consent.
    /// Emits {DisclosureRequested}.
    function requestDisclosure(address fan) external;
    /// @notice Same on behalf of `creator`. Requirements: KYF_REQUESTER_ROLE (the escrow). Emits {DisclosureRequested}.
    function requestDisclosureFor(address creator, address fan) external;
    /// @notice The caller (a fan) consents to share with `creator`. Requirements: pending request; valid
    /// attestation. Emits {DisclosureConsented}.
    function consent(address creator) external;
    /// @notice Requirements: consented. Emits {DisclosureConsentRevoked}.
    function revokeConsent(address creator) external;
    /// @notice Requirements: DEFAULT_ADMIN_ROLE; 1 hour <= seconds <= 30 days. Emits {ConsentWindowUpdated}.
    function setConsentWindow(uint256 seconds_) external;

    /// @notice A wallet's attestation as stored (may be expired).
    function attestationOf(address wallet) external view returns (Attestation memory);
    /// @notice The wallet's level if its attestation is unexpired, else 0.
    function levelOf(address wallet) external view returns (uint8);
    /// @notice When `creator` last asked `fan` and when the fan consented (0 = not yet).
    function disclosureOf(address creator, address fan) external view returns (Disclosure memory);
    /// @notice Consent given (after the latest request) and the fan's attestation still valid.
    function hasConsented(address creator, address fan) external view returns (bool);
    /// @notice Seconds a fan has to consent after a request (48 hours by default).
    function consentWindow() external view returns (uint256);
}
