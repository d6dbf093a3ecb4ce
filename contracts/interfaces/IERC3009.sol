// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IERC3009
/// @notice Transfer with authorization (EIP-3009), as USDC implements it.
interface IERC3009 {
    /// @notice An authorization was used; its nonce can never be used again.
    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);
    /// @notice The authorizer cancelled an unused authorization.
    event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce);

    error ERC3009_AuthorizationNotYetValid(uint256 validAfter, uint256 nowTimestamp);
    error ERC3009_AuthorizationExpired(uint256 validBefore, uint256 nowTimestamp);
    error ERC3009_AuthorizationUsed(address authorizer, bytes32 nonce);
    error ERC3009_InvalidSignature(address authorizer);
    error ERC3009_CallerNotPayee(address caller, address payee);

    /// @notice Anyone may submit. Emits {AuthorizationUsed} and {Transfer}.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Only the payee (`to`) may submit: a contract pulling a payment uses this form.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice The authorizer cancels an unused authorization.
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Whether the nonce was used or cancelled.
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool);
}
