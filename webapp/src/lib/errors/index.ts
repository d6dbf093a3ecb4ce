export {
  CardPaymentError,
  InvalidSplitError,
  NotModeratorError,
  RelayerRequestError,
  RelayerUnreachableError,
  StablecoinUnavailableError,
  WalletDisconnectedError,
  type RelayerAction,
} from "./classes";
export { decodeRevert, describeError, type DescribedError } from "./describeError";
export { describeErrorLater } from "./describeLater";
