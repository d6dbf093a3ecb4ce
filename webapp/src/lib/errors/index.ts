export {
  decodeRevert,
  describeError,
  InvalidSplitError,
  NotModeratorError,
  RelayerRequestError,
  RelayerUnreachableError,
  WalletDisconnectedError,
  type DescribedError,
} from "./describeError";
